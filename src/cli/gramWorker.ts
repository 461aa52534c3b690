/**
 * A Node worker thread of src/cli/gramWorkers.ts: runs the jobs of src/workers/threadJobs.ts (the split Gram and
 * randomized products) as they arrive. Node only; the page's threads are src/workers/gram.worker.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runThreadJob, type ThreadJob } from '../workers/threadJobs';
import { openFileRows } from './fileRows';

// tell the executor this worker has loaded (see gramWorkers.ts `alive`)
const alive = (workerData as { alive?: Int32Array } | null)?.alive;
if (alive) { Atomics.add(alive, 0, 1); Atomics.notify(alive, 0); }

parentPort?.on('message', (job: ThreadJob) => runThreadJob(job, (m) => console.error(m), openFileRows));
