/** Public types of the `io` module. The layout rules that fill them are in docs/file-formats.md and `layout.ts`. */

/** One named parameter inside a snapshot vector. */
export interface ParamEntry {
  name: string;
  /** Shape without the time (and run) axes. A parameter cut by an index-range selection gets the flat shape [size]. */
  shape: number[];
  /** Offset of its first value within a snapshot row, after selection. */
  offset: number;
  size: number;
}

export interface Trajectory {
  kind: 'trajectory';
  /** File name, used in messages. */
  source: string;
  /** Ensemble size R (1 for a single run). */
  runs: number;
  /** Snapshots per run (after `every` and dropped snapshots). */
  T: number;
  /** Values per snapshot (after parameter selection). */
  N: number;
  /** Offsets into a snapshot, after selection, in file order. */
  params: ParamEntry[];
  /**
   * Row-major (R·T, N): row r·T + t is snapshot t of run r. Float32Array when every selected array fits float32
   * exactly (float16/bfloat16/float32 and small integers), else Float64Array. A zero-copy view of the file bytes
   * when the file holds one aligned little-endian float array and no selection, `every` or dropping applies.
   */
  data: Float32Array | Float64Array;
  /** Length T (of run 0): the optimizer step of each snapshot. */
  steps?: Float64Array;
  /** Per-step metrics such as loss, each of length T (run 0 for ensembles); may contain NaN. */
  metrics: Record<string, Float64Array>;
  meta?: Record<string, unknown>;
  /** The reader checked every value: no NaN/Inf (it refused or dropped them). Lets the engine skip its own scan. */
  finite?: true;
  /** With `nonFinite: 'drop'`: indices (on the file's time axis) of the snapshots that were dropped. */
  dropped?: number[];
}

/** Eigenvalue files: a complex (k,) array gives one set, a (seeds, k) array gives `seeds` sets. */
export interface EigenvalueSets {
  kind: 'eigenvalues';
  source: string;
  sets: { re: Float64Array; im: Float64Array }[];
}

export interface ReadOptions {
  /** Keep every k-th snapshot (t = 0, k, 2k, …); a positive integer, default 1. */
  every?: number;
  /**
   * Select parameters by name or by flat index range [start, end) of the full snapshot vector. A name selects the
   * parameter of that exact name and, as a prefix, those under it: 'fc2' and 'fc2.' both select 'fc2.weight' and
   * 'fc2.bias' (but not 'fc20.weight').
   */
  params?: { names: string[] } | { start: number; end: number };
  /** Progress in [0, 1] within a phase: 'read' (readBlob), 'decompress', 'assemble'. */
  onProgress?: (fraction: number, phase: string) => void;
  /** Cap on the total decompressed size of an .npz, default 4 GiB. */
  maxDecompressedBytes?: number;
  /** NaN/±Infinity in the weights: 'error' (default) names array and snapshot; 'drop' removes those snapshots. */
  nonFinite?: 'error' | 'drop';
  /**
   * readBlob: hold the file's bytes on a SharedArrayBuffer, so that an aligned float32 .npy's data (a view of them)
   * can be read by other threads without a copy (the page's threaded fit: src/workers/fileReader.worker.ts).
   */
  sharedMemory?: boolean;
}

/** The part of a DOM `Blob`/`File` that `readBlob` uses (declared here: the core is typechecked without DOM). */
export interface BlobLike {
  size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
  /** A byte stream; readBlob reads it with a BYOB reader into one reused buffer where it can. */
  stream?(): { getReader(options: { mode: 'byob' }): ByobReader };
}

/** The part of a ReadableStreamBYOBReader that readBlob uses. */
export interface ByobReader {
  read(view: Uint8Array): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}
