/**
 * The thread side of the split Gram and randomized products (threadExecutor.ts), shared by Node's worker threads
 * (src/cli/gramWorker.ts) and the page's nested workers (gram.worker.ts). Everything travels over shared memory;
 * each job signals completion on a shared counter that the calling thread waits on with Atomics.wait. Jobs:
 *   - 'gram': the upper-triangle entries of one range of rows of the snapshot Gram, straight into the shared result
 *     (threads own disjoint rows); 'gram-rows' the same for snapshots read on demand (each thread reads its own);
 *   - 'hankel-init': copy this thread's share of the snapshots into its own HankelProducts (src/koopman/hankelWasm.ts;
 *     one at a time: a new init replaces the last);
 *   - 'hankel-mulX' / 'hankel-mulXt': that share's part of D = X·B (its rows of D) or of Z = Xᵀ·W (a partial sum the
 *     calling thread adds).
 * No platform API here (no node:*, no DOM): only SharedArrayBuffer views and Atomics.
 */
import { gramUpperRows, gramUpperRowsFrom, type RowReader } from '../linalg/gram';
import { HankelProducts } from '../koopman/hankelWasm';

/**
 * ctl[0]: jobs finished (incremented, then notified); ctl[1]: set to 1 when a job failed; ctl[2 + slot]: the job's
 * claim (0 free, 1 taken by its thread, 2 taken back by the calling thread, which then runs it itself: see
 * threadExecutor.ts). A thread runs a job only after claiming it.
 */
interface Signal { ctl: Int32Array; slot: number }

/** One Gram job: `data` M × N on a SharedArrayBuffer; Gram rows [i0, i1) added into `out` (M × M, shared, zeroed there). */
export interface GramJob extends Signal {
  kind: 'gram';
  data: Float32Array | Float64Array;
  M: number;
  N: number;
  i0: number;
  i1: number;
  out: Float64Array;
}

/**
 * One Gram job on snapshots read on demand: rows [i0, i1) of the Gram of the snapshots `rows` of the reader that
 * `source` describes (RowReader.source), which this thread opens itself (RowOpener), into `out` as for 'gram'.
 */
export interface GramRowsJob extends Signal {
  kind: 'gram-rows';
  source: unknown;
  rows: number[];
  i0: number;
  i1: number;
  out: Float64Array;
}

/** Opens the rows a RowReader.source describes, on this thread (e.g. the file: src/cli/fileRows.ts). */
export type RowOpener = (source: unknown) => RowReader & { close(): void };

/**
 * This thread's snapshots: `offsets` into the shared `data` (N values each), or with `source` (a RowReader's, opened
 * here with RowOpener) its row indices; room for `maxC` columns a delay. Their norms go to `norms` from `row0`.
 */
export interface HankelInitJob extends Signal {
  kind: 'hankel-init';
  data?: Float32Array;
  source?: unknown;
  offsets: number[];
  N: number;
  delays: number;
  maxC: number;
  norms: Float64Array;
  row0: number;
}

/**
 * 'hankel-mulX': `input` B (N × C, shared), this share's `rows` rows of D written to `out` (Ttot × C) from row `row0`.
 * 'hankel-mulXt': `input` this share's rows of W (rows × C), its Xᵀ·W (N × C) written to `out`.
 */
export interface HankelProductJob extends Signal {
  kind: 'hankel-mulX' | 'hankel-mulXt';
  c: number;
  input: Float64Array;
  out: Float64Array;
  row0: number;
  rows: number;
}

export type ThreadJob = GramJob | GramRowsJob | HankelInitJob | HankelProductJob;

/** A thread's state between jobs: its share of the randomized route's snapshots (set by 'hankel-init'). */
export interface ThreadState { products?: HankelProducts }

/** This thread's state. */
const own: ThreadState = {};

/**
 * Runs one job against `state` (this thread's, or the calling thread's copy of a share it took back); `openRows`
 * for 'gram-rows' jobs.
 */
export function executeJob(job: ThreadJob, state: ThreadState, openRows?: RowOpener): void {
  let products = state.products;
  switch (job.kind) {
    case 'gram':
      gramUpperRows(job.data, job.M, job.N, job.i0, job.i1, job.out);
      return;
    case 'gram-rows': {
      if (!openRows) throw new Error('this thread cannot open rows read on demand');
      const reader = openRows(job.source);
      try { gramUpperRowsFrom(reader, job.rows, job.i0, job.i1, job.out); } finally { reader.close(); }
      return;
    }
    case 'hankel-init': {
      state.products = undefined; // let the last one go before allocating the next
      if (job.data) {
        state.products = products = new HankelProducts(job.data, job.offsets, job.N, job.delays, job.maxC);
      } else {
        if (!openRows) throw new Error('this thread cannot open rows read on demand');
        const reader = openRows(job.source);
        try { state.products = products = new HankelProducts(reader, job.offsets, job.N, job.delays, job.maxC); } finally { reader.close(); }
      }
      job.norms.set(products.norms, job.row0);
      return;
    }
    case 'hankel-mulX': {
      if (!products) throw new Error('hankel-mulX before hankel-init');
      const D = products.mulX(job.c, (B) => B.set(job.input)); // rows × C
      job.out.set(D, job.row0 * (D.length / job.rows));
      return;
    }
    case 'hankel-mulXt': {
      if (!products) throw new Error('hankel-mulXt before hankel-init');
      const Z = products.mulXt(job.c, (W) => W.set(job.input)); // input: this share's rows of W
      job.out.set(Z);
      return;
    }
  }
}

/**
 * Claims and runs one job and signals it on `job.ctl` whatever happens: a failure sets ctl[1] and is reported through
 * `log` (the calling thread then throws, or falls back to one thread for 'hankel-init'). A job the calling thread
 * took back (it arrived late) is skipped.
 */
export function runThreadJob(job: ThreadJob, log: (message: string) => void, openRows?: RowOpener): void {
  if (Atomics.compareExchange(job.ctl, 2 + job.slot, 0, 1) !== 0) return;
  try {
    executeJob(job, own, openRows);
  } catch (e) {
    Atomics.store(job.ctl, 1, 1);
    log(`koopscope worker thread: ${(e as Error).message}`);
  }
  Atomics.add(job.ctl, 0, 1);
  Atomics.notify(job.ctl, 0);
}
