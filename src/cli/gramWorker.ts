/**
 * Worker-thread side of src/cli/gramWorkers.ts: computes the upper-triangle entries of one range of rows of the Gram
 * of snapshots that live in shared memory, straight into the shared result (threads own disjoint rows), then signals
 * completion on a shared counter (the main thread waits on it with Atomics.wait). Message: GramJob below. Node only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gramUpperRows } from '../linalg/gram';

/** One job: `data` M × N on a SharedArrayBuffer; Gram rows [i0, i1) added into `out` (M × M, shared, zeroed there). */
export interface GramJob {
  data: Float32Array | Float64Array;
  M: number;
  N: number;
  i0: number;
  i1: number;
  out: Float64Array;
  /** ctl[0]: jobs finished (incremented, then notified); ctl[1]: set to 1 when a job failed. */
  ctl: Int32Array;
}

// tell the executor this worker has loaded (see gramWorkers.ts `alive`)
const alive = (workerData as { alive?: Int32Array } | null)?.alive;
if (alive) { Atomics.add(alive, 0, 1); Atomics.notify(alive, 0); }

parentPort?.on('message', (job: GramJob) => {
  try {
    gramUpperRows(job.data, job.M, job.N, job.i0, job.i1, job.out);
  } catch (e) {
    Atomics.store(job.ctl, 1, 1);
    console.error(`koopscope gram worker: ${(e as Error).message}`);
  }
  Atomics.add(job.ctl, 0, 1);
  Atomics.notify(job.ctl, 0);
});
