/**
 * Worker-thread side of src/cli/gramWorkers.ts, over shared memory; each job signals completion on a shared counter
 * (the main thread waits on it with Atomics.wait). Node only. Jobs (ThreadJob below):
 *   - 'gram': the upper-triangle entries of one range of rows of the snapshot Gram, straight into the shared result
 *     (threads own disjoint rows);
 *   - 'hankel-init': copy this thread's share of the snapshots into its own HankelProducts (src/koopman/hankelWasm.ts;
 *     one at a time: a new init replaces the last);
 *   - 'hankel-mulX' / 'hankel-mulXt': that share's part of D = X·B (its rows of D) or of Z = Xᵀ·W (a partial sum the
 *     main thread adds).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gramUpperRows } from '../linalg/gram';
import { HankelProducts } from '../koopman/hankelWasm';

/** ctl[0]: jobs finished (incremented, then notified); ctl[1]: set to 1 when a job failed. */
interface Signal { ctl: Int32Array }

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

/** This thread's snapshots: `offsets` into the shared `data` (N values each), with room for `maxC` columns a delay. */
export interface HankelInitJob extends Signal {
  kind: 'hankel-init';
  data: Float32Array;
  offsets: number[];
  N: number;
  delays: number;
  maxC: number;
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

export type ThreadJob = GramJob | HankelInitJob | HankelProductJob;

let products: HankelProducts | undefined;

function runJob(job: ThreadJob): void {
  switch (job.kind) {
    case 'gram':
      gramUpperRows(job.data, job.M, job.N, job.i0, job.i1, job.out);
      return;
    case 'hankel-init':
      products = undefined; // let the last one go before allocating the next
      products = new HankelProducts(job.data, job.offsets, job.N, job.delays, job.maxC);
      return;
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

// tell the executor this worker has loaded (see gramWorkers.ts `alive`)
const alive = (workerData as { alive?: Int32Array } | null)?.alive;
if (alive) { Atomics.add(alive, 0, 1); Atomics.notify(alive, 0); }

parentPort?.on('message', (job: ThreadJob) => {
  try {
    runJob(job);
  } catch (e) {
    Atomics.store(job.ctl, 1, 1);
    console.error(`koopscope worker thread: ${(e as Error).message}`);
  }
  Atomics.add(job.ctl, 0, 1);
  Atomics.notify(job.ctl, 0);
});
