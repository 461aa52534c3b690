/**
 * Reading a trajectory or eigenvalue file from disk for the command line. Every failure becomes a one-line
 * UsageError naming the file. Only regular files are read, and never more than the size they had when opened: a FIFO,
 * a terminal or /dev/zero is refused at once instead of hanging or growing without bound.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { basename } from 'node:path';
import { readTrajectoryFile, type EigenvalueSets, type ReadOptions, type Trajectory } from '../io/index';
import { UsageError } from './errors';

/** What a non-regular file is, for the message. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of the regular file at `path`: exactly its size at open time (a file that grows is not chased). With
 * `shared`, files of SHARED_MIN_BYTES or more are read into a SharedArrayBuffer, so that the zero-copy float view
 * the reader makes of a .npy/.safetensors array can be handed to worker threads (gramWorkers.ts) without a copy.
 */
export function readRegularFile(path: string, shared = false): Uint8Array {
  let fd: number | undefined;
  try {
    // stat first: opening a FIFO for reading would block until a writer appears. O_NONBLOCK covers the race where the
    // path is swapped for a FIFO between the two calls; fstat then checks what was really opened.
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`${path}: is ${kindOf(st)}, not a file`);
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const fst = fstatSync(fd);
    if (!fst.isFile()) throw new UsageError(`${path}: is ${kindOf(fst)}, not a file`);
    let bytes: Uint8Array;
    try {
      bytes = shared && fst.size >= SHARED_MIN_BYTES ? new Uint8Array(new SharedArrayBuffer(fst.size)) : new Uint8Array(fst.size);
    } catch {
      throw new UsageError(`${path}: too large to read (${fst.size} bytes do not fit in memory)`);
    }
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, Math.min(bytes.length - got, 1 << 30), got);
      if (n === 0) throw new UsageError(`${path}: the file shrank while it was read`);
      got += n;
    }
    return bytes;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no such file`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`${path}: permission denied`);
    if (code === 'EISDIR') throw new UsageError(`${path}: is a directory, not a file`);
    throw new UsageError(`${path}: cannot be read (${code ?? (e as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Files at least this large are read into shared memory when asked (smaller ones do not use the Gram threads). */
export const SHARED_MIN_BYTES = 16 * 2 ** 20;

/** Reads and parses a file; a bad file is a TrajectoryFileError (a UserError, which main.ts prints as one line). */
export function loadFile(path: string, opts: ReadOptions = {}, shared = false): Trajectory | EigenvalueSets {
  return readTrajectoryFile(basename(path), readRegularFile(path, shared), opts);
}

export function loadTrajectory(path: string, opts: ReadOptions = {}, shared = false): Trajectory {
  const f = loadFile(path, opts, shared);
  if (f.kind !== 'trajectory') {
    throw new UsageError(`${basename(path)}: holds eigenvalues, not a weight trajectory; use 'koopscope compare' with it`);
  }
  return f;
}

/** Snapshot spacing in optimizer steps from the file's `steps` (undefined if absent or unevenly spaced). */
export function stepSpacing(t: Trajectory): { dt?: number; warning?: string } {
  const s = t.steps;
  if (!s || s.length < 2) return {};
  const dt = s[1] - s[0];
  for (let i = 2; i < s.length; i++) {
    if (Math.abs(s[i] - s[i - 1] - dt) > 1e-9 * Math.abs(dt)) {
      return { warning: `${t.source}: snapshots are unevenly spaced in 'steps'; Δt = 1 snapshot is used (give --dt to override)` };
    }
  }
  return dt > 0 ? { dt } : {};
}
