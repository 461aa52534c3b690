/**
 * Snapshots of a large .npy file read on demand (a RowReader, src/linalg/gram.ts) instead of whole: the Gram reads
 * each column block of every snapshot straight from the file (positioned reads into one reused block), so a fit
 * of a 1 GB file holds a few MiB of it, never the file, and pays no first touch of 1 GB of fresh memory (3.5 s to
 * read and 1.7 s to touch on the benchmark machine, docs/benchmarks.md). Node only.
 *
 * Which files: a plain little-endian float32 .npy in C order, as the io reader would read it with no parameter
 * selection — shape (T, …) is one run of T snapshots of the remaining dimensions' product; a file named weights.npy
 * of shape (R, T, P) is an ensemble, as io's layout rule 2 says. Anything else (other dtypes, Fortran order, a short
 * file, other formats) is read whole by load.ts, whose errors then explain any problem.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { TrajectoryFileError } from '../io/errors';
import { parseNpyHeader } from '../io/npy';
import type { RowReader } from '../linalg/gram';

/** A RowReader's `source`: what another thread needs to open the same rows (openFileRows). */
export interface NpyRowsSource {
  kind: 'npy-rows';
  path: string;
  /** Byte offset of snapshot 0's first value. */
  dataStart: number;
  rows: number;
  N: number;
}

/** The shape of the trajectory in the file and a reader of its rows (close it when done), or undefined (read it whole). */
export interface FileRows {
  runs: number;
  T: number;
  N: number;
  reader: RowReader & { close(): void };
}

/** The first bytes read to find the header (a header is under 1 MiB: npy.ts refuses more). */
const HEAD_BYTES = 4096;

/** `path` read on demand, when it is a file this module takes (see above); undefined otherwise. */
export function npyRows(path: string): FileRows | undefined {
  let fd: number;
  try {
    // (opening a FIFO would wait for a writer: only regular files, the rest go to load.ts, which names the problem)
    if (!statSync(path).isFile()) return undefined;
    fd = openSync(path, 'r');
  } catch { return undefined; }
  try {
    const size = fstatSync(fd).size;
    let head = new Uint8Array(Math.min(size, HEAD_BYTES));
    readFully(fd, head, 0);
    let h;
    try {
      h = parseNpyHeader(head, path, 'array');
    } catch {
      if (size <= HEAD_BYTES) return undefined;
      head = new Uint8Array(Math.min(size, (1 << 20) + 16));
      readFully(fd, head, 0);
      try { h = parseNpyHeader(head, path, 'array'); } catch { return undefined; }
    }
    if (h.dtype.name !== 'float32' || h.dtype.itemsize !== 4 || !littleFloat32(head, h) || h.fortran) return undefined;
    if (h.dataStart + h.nbytes > size || h.shape.length < 2) return undefined;
    const ensemble = basename(path).replace(/\.[^.]*$/, '') === 'weights' && h.shape.length === 3;
    const runs = ensemble ? h.shape[0] : 1;
    const T = ensemble ? h.shape[1] : h.shape[0];
    const N = h.shape.slice(ensemble ? 2 : 1).reduce((a, b) => a * b, 1);
    if (!(runs >= 1 && T >= 3 && N >= 1)) return undefined;
    const source: NpyRowsSource = { kind: 'npy-rows', path, dataStart: h.dataStart, rows: runs * T, N };
    const reader = readerOn(fd, source);
    return { runs, T, N, reader };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** A reader of `source` on its own descriptor, for another thread (threadExecutor.ts's `openRows`). */
export function openFileRows(source: unknown): RowReader & { close(): void } {
  const s = source as NpyRowsSource;
  if (s?.kind !== 'npy-rows') throw new Error('not a file of rows read on demand');
  return readerOn(openSync(s.path, 'r'), s);
}

function readerOn(fd: number, source: NpyRowsSource): RowReader & { close(): void } {
  const { dataStart, rows, N, path } = source;
  let open = true;
  return {
    rows, N, source,
    read(row, k0, dest) {
      if (!(row >= 0 && row < rows && k0 >= 0 && k0 + dest.length <= N)) {
        throw new RangeError(`row ${row}, values ${k0}…${k0 + dest.length} are outside the ${rows} × ${N} snapshots`);
      }
      const got = readFully(fd, new Uint8Array(dest.buffer, dest.byteOffset, dest.byteLength), dataStart + 4 * (row * N + k0));
      // the file shrank since its header was read: say so (one line, a user's problem) rather than fit zeros
      if (got < dest.byteLength) throw new TrajectoryFileError(basename(path), 'truncated', 'the file ended early: was it changed while being read?');
    },
    close() { if (open) { open = false; closeSync(fd); } },
  };
}

/** Reads into `into` from byte `position` until it is full or the file ends; the bytes read. */
function readFully(fd: number, into: Uint8Array, position: number): number {
  let got = 0;
  while (got < into.length) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** The header says '<f4' (or '=f4'/'|f4' on this little-endian machine): the bytes can be viewed as Float32Array. */
function littleFloat32(head: Uint8Array, h: { dataStart: number }): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, h.dataStart));
  return /'descr':\s*'[<=]f4'/.test(text) && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
