/**
 * NumPy `.npz` reader: a zip (stored or deflate, zip64 included) of `<name>.npy` members plus, in our schema, an
 * optional `meta.json` member (NumPy's `np.load` lists it and returns its bytes). Other members are ignored, except
 * that a PyTorch `data.pkl` means the zip is a `torch.save` file and is refused (see `pytorchError`).
 */

import { NpzError, TrajectoryFileError } from './errors';
import { toNdArray, type ArraySource, type NdArray } from './dtype';
import { parseNpy } from './npy';
import { decodeUtf8 } from './text';
import { checkMembers, extractEntry, listZip, type Budget } from './zip';

/** Default cap on the total decompressed size of one file: 4 GiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 4 * 2 ** 30;

export interface NpzOptions {
  maxDecompressedBytes?: number;
  /** Called after each member with the fraction of compressed bytes processed. */
  onProgress?: (fraction: number) => void;
  /** Filled in with the bytes inflation produced (diagnostics; tests bound this work instead of timing it). */
  stats?: { inflatedBytes: number };
}

export interface NpzContents<A> {
  /** Arrays in archive order, keyed by member name without `.npy`. */
  arrays: Map<string, A>;
  /** The parsed `meta.json` member, when present. */
  meta?: Record<string, unknown>;
}

/** The error for a pickled PyTorch file: we never unpickle (it can run arbitrary code), we explain how to convert. */
export function pytorchError(file: string): TrajectoryFileError {
  return new TrajectoryFileError(file, 'pytorch-pickle', 'this is a pickled PyTorch file (torch.save). Koopscope never ' +
    'unpickles files, because unpickling can run arbitrary code. Convert it to .npz with the snippet in ' +
    'docs/python-recording.md ("Converting .pt checkpoints").');
}

export function isTorchZip(names: readonly string[]): boolean {
  return names.some((n) => n === 'data.pkl' || n.endsWith('/data.pkl'));
}

/** Reads every array of an `.npz` (see `NdArray` for dtype conversion). */
export function readNpz(bytes: Uint8Array, file = 'arrays.npz', opts: NpzOptions = {}): NpzContents<NdArray> {
  const c = parseNpz(bytes, file, opts);
  return { arrays: new Map([...c.arrays].map(([k, v]) => [k, toNdArray(v)])), ...(c.meta ? { meta: c.meta } : {}) };
}

/** Like `readNpz`, but leaves the arrays as undecoded sources (views into decompressed or stored bytes). */
export function parseNpz(bytes: Uint8Array, file: string, opts: NpzOptions = {}): NpzContents<ArraySource> {
  const entries = listZip(bytes, file);
  if (isTorchZip(entries.map((e) => e.name))) throw pytorchError(file);
  const limit = opts.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const budget: Budget = { left: limit, limit, inflated: 0 };
  const arrays = new Map<string, ArraySource>();
  let meta: Record<string, unknown> | undefined;
  let done = 0;
  const total = entries.reduce((s, e) => s + e.compressedSize, 0) || 1;
  try {
    checkMembers(bytes, entries, entries.filter((e) => e.name.endsWith('.npy') || e.name === 'meta.json'), budget, file);
    for (const e of entries) readMember(e);
  } finally {
    if (opts.stats) opts.stats.inflatedBytes = budget.inflated ?? 0;
  }
  if (arrays.size === 0) throw new NpzError(file, 'bad-zip', 'the archive holds no .npy arrays');
  return { arrays, ...(meta ? { meta } : {}) };

  function readMember(e: (typeof entries)[number]): void {
    if (e.name.endsWith('.npy')) {
      const name = e.name.slice(0, -4);
      if (arrays.has(name)) throw new NpzError(file, 'bad-zip', `the archive holds array '${name}' twice`);
      arrays.set(name, parseNpy(extractEntry(bytes, e, budget, file), file, name));
    } else if (e.name === 'meta.json') {
      const text = decodeUtf8(extractEntry(bytes, e, budget, file));
      let v: unknown;
      try { v = text === undefined ? undefined : JSON.parse(text); } catch { /* reported below */ }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw new NpzError(file, 'bad-json', "member 'meta.json' is not a JSON object");
      }
      meta = v as Record<string, unknown>;
    }
    done += e.compressedSize;
    opts.onProgress?.(done / total);
  }
}
