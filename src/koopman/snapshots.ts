/**
 * The two ways the engine sees data.
 *
 * `SnapshotSet`: explicit snapshots of an ensemble, row-major (runs·T, N): row r·T + t is snapshot t of run r.
 * Structurally the same as the io module's `Trajectory`, so a file read by io can be passed straight in.
 *
 * `EnsembleGram`: only the inner products ⟨x_i, x_j⟩ of every pair of snapshots (of all runs), plus the run
 * boundaries. Everything the spectrum needs (centering, PCA coordinates, delay embedding, the DMD operator,
 * amplitudes and the fit residual) can be computed from it (method of snapshots), so a live run keeps only its
 * window and this matrix, and a new snapshot costs one row of inner products.
 */
import { gram, type FloatArray } from '../linalg/gram';

export interface SnapshotSet {
  runs: number;
  T: number;
  N: number;
  data: FloatArray;
  /**
   * Set by producers that have already verified every value is finite (the io readers scan while reading), so
   * computeSpectrum does not read a large trajectory a second time just to check it.
   */
  finite?: true;
  /**
   * Where each of the T snapshots of a run sits on the recording's regular time grid, in snapshot intervals:
   * strictly increasing whole numbers (default 0, 1, …, T − 1; shared by all runs). A missing time is a gap (a
   * snapshot dropped for NaN/Inf): each run is split there into segments that are fitted like ensemble members, so
   * no snapshot pair and no delay vector spans a gap. `window` and `every` then refer to these times.
   */
  times?: ArrayLike<number>;
}

/**
 * `times` for a trajectory whose reader dropped the snapshots at `dropped` (indices on the file's time axis) after
 * keeping every `every`-th one (t = 0, every, 2·every, …): the kept snapshots' file indices divided by `every`.
 * Undefined when nothing was dropped.
 */
export function timesAfterDropping(T: number, dropped: readonly number[] | undefined, every = 1): number[] | undefined {
  if (!dropped || dropped.length === 0) return undefined;
  const gone = new Set(dropped);
  const times: number[] = [];
  for (let i = 0; times.length < T; i++) if (!gone.has(i * every)) times.push(i);
  return times;
}

export interface EnsembleGram {
  /** Row-major M×M, M = Σ runLengths; snapshots of run 0 first, in time order. */
  G: Float64Array;
  runLengths: number[];
  /** Dimension of one snapshot (N, or the sketch dimension): bounds the rank at min(dim, samples). */
  dim: number;
}

export function totalSnapshots(g: { runLengths: number[] }): number {
  return g.runLengths.reduce((a, b) => a + b, 0);
}

/** Start index of each run in the stacked ordering. */
export function runStarts(runLengths: number[]): number[] {
  const starts: number[] = [];
  let s = 0;
  for (const len of runLengths) { starts.push(s); s += len; }
  return starts;
}

/** The Gram of every snapshot of every run (float64 accumulation; O(M²·N/2)). */
export function ensembleGram(set: SnapshotSet, onProgress?: (fraction: number) => void): EnsembleGram {
  const M = set.runs * set.T;
  return { G: gram(set.data, M, set.N, onProgress), runLengths: Array(set.runs).fill(set.T), dim: set.N };
}

/** Validate the shape contract of a SnapshotSet; throws a plain Error naming the problem. */
export function checkSnapshotSet(set: SnapshotSet): void {
  checkSnapshotShape(set);
  const { runs, T, N, data } = set;
  if (data.length !== runs * T * N) {
    throw new Error(`data has ${data.length} values but runs·T·N = ${runs}·${T}·${N} = ${runs * T * N}`);
  }
}

/** The shape part of checkSnapshotSet: runs, T, N positive integers; times (if any) T increasing whole numbers. */
export function checkSnapshotShape(set: Pick<SnapshotSet, 'runs' | 'T' | 'N' | 'times'>): void {
  const { runs, T, N } = set;
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`runs must be a positive integer, got ${runs}`);
  if (!(Number.isInteger(T) && T >= 1)) throw new Error(`T must be a positive integer, got ${T}`);
  if (!(Number.isInteger(N) && N >= 1)) throw new Error(`N must be a positive integer, got ${N}`);
  if (set.times) {
    const ts = set.times;
    if (ts.length !== T) throw new Error(`times has ${ts.length} entries but T = ${T}`);
    for (let t = 0; t < T; t++) {
      if (!(Number.isInteger(ts[t]) && ts[t] >= 0 && (t === 0 || ts[t] > ts[t - 1]))) {
        throw new Error(`times must be increasing whole numbers ≥ 0; entry ${t} is ${ts[t]}`);
      }
    }
  }
}
