/**
 * The thread executor of src/workers/threadExecutor.ts (the snapshot Gram split by rows, the randomized route's
 * products split by snapshots) over Node worker threads (src/cli/gramWorker.ts) plus the calling thread, over
 * shared memory; snapshots read on demand from a file (fileRows.ts) are read by each thread itself. Injected into computeSpectrum through SpectrumOptions.gramExecutor / productsExecutor by the
 * spectrum command; the core never sees a thread. The CLI reads large files into shared memory (load.ts), so the
 * threads see the data without a copy.
 *
 * Workers start lazily on the first product large enough to split, synchronously (Node's main thread may block in
 * Atomics.wait while they load), and are unref'd so they never keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { threadExecutor, type ThreadExecutor, type ThreadPool } from '../workers/threadExecutor';
import { openFileRows } from './fileRows';


/** How long the workers may take to start (load the module) before the work is done on one thread instead. */
const START_MS = 10_000;

/** `minProductMadds`: the split threshold of the randomized products (tests lower it to split small cases). */
export function createGramWorkers(
  threads = availableParallelism(), limits: { minProductMadds?: number } = {},
): ThreadExecutor & { close(): Promise<void> } {
  const n = Math.max(1, Math.floor(threads));
  let workers: Worker[] | undefined;
  let broken = false;
  // alive[0] counts workers that loaded their module (each adds 1 on start): a worker that cannot start never does,
  // and its 'error' event cannot be delivered while this thread blocks, so readiness is waited for with a deadline
  const alive = new Int32Array(new SharedArrayBuffer(4));
  const start = (): ThreadPool | undefined => {
    if (broken) return undefined;
    if (!workers) {
      // the bundled CLI (dist-cli/koopscope.mjs) ships gramWorker.mjs next to it; from source the .ts is run under tsx
      const ts = import.meta.url.endsWith('.ts');
      const url = new URL(ts ? './gramWorker.ts' : './gramWorker.mjs', import.meta.url);
      // (a worker's `--import tsx` registers its hooks too late for the entry module in Node 20, so a tiny eval'd
      // entry registers tsx's loader and then imports the .ts; 'tsx/esm/api' resolves from the working directory,
      // the repository root for tests and benchmarks)
      const entry = ts
        ? `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url.href)}); })`
        : url;
      workers = Array.from({ length: n - 1 }, () => {
        const w = new Worker(entry, { workerData: { alive }, eval: ts });
        w.on('error', () => { broken = true; });
        w.unref();
        return w;
      });
    }
    const t0 = Date.now();
    for (let a = Atomics.load(alive, 0); a < workers.length; a = Atomics.load(alive, 0)) {
      if (Date.now() - t0 > START_MS) {
        broken = true;
        for (const w of workers) void w.terminate();
        workers = undefined;
        return undefined;
      }
      Atomics.wait(alive, 0, a, 100);
    }
    const pool = workers;
    return { size: pool.length, post: (i, job) => pool[i].postMessage(job) };
  };
  return {
    ...threadExecutor(n, start, { ...limits, openRows: openFileRows }),
    async close(): Promise<void> {
      if (workers) await Promise.all(workers.map((w) => w.terminate()));
      workers = undefined;
    },
  };
}
