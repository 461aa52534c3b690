/**
 * Writing an output file so that a failure never destroys what was there: the bytes go to a temporary file in the
 * same directory (same file system, so the final rename is atomic), are flushed to disk, and only then renamed over
 * the target. `reserveOutput` is called before the long work (training): it creates that temporary file at once, so
 * an unwritable directory or a target that is a directory is reported in a second, not after an hour of training.
 * Until `commit` or `abandon`, SIGINT/SIGTERM remove the temporary file before the process dies of the signal.
 */
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors';

export interface ReservedOutput {
  /** The target path, as given. */
  readonly path: string;
  /** The temporary file in the target's folder that receives the bytes until `commit` renames it. */
  readonly tempPath: string;
  /** Writes all of `bytes`, flushes, and renames over the target; on failure the target is untouched. */
  commit(bytes: Uint8Array): void;
  /** Removes the temporary file (after a failure before `commit`). Safe to call twice. */
  abandon(): void;
}

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export function reserveOutput(path: string): ReservedOutput {
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${path}: is a directory; --out needs a file name`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${path}: cannot be written (${reason(e)})`);
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `the folder ${dirname(path)} does not exist`
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `the folder ${dirname(path)} is not writable (${code})`
        : reason(e);
    throw new UsageError(`${path}: cannot be written: ${why}`);
  }
  let open = true;
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal); // our listeners are gone: the default action ends the process as before
  };
  const unlisten = () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); };
  const cleanup = () => {
    unlisten();
    if (open) { open = false; try { closeSync(fd!); } catch { /* already closed */ } }
    try { unlinkSync(tmp); } catch { /* gone already */ }
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    path,
    tempPath: tmp,
    commit(bytes: Uint8Array) {
      try {
        for (let off = 0; off < bytes.length;) off += writeSync(fd!, bytes, off, bytes.length - off);
        fsyncSync(fd!);
        closeSync(fd!);
        open = false;
        renameSync(tmp, path);
        unlisten();
      } catch (e) {
        cleanup();
        throw new UsageError(`${path}: cannot be written (${reason(e)}); the previous file, if any, is unchanged`);
      }
    },
    abandon: cleanup,
  };
}
