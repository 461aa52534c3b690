/**
 * A GramExecutor (src/linalg/gram.ts) for Node: the snapshot Gram split by column ranges over worker threads
 * (src/cli/gramWorker.ts) plus the calling thread, over shared memory. Injected into computeSpectrum through
 * SpectrumOptions.gramExecutor by the spectrum command; the core never sees a thread.
 *
 * Contract: `gram(data, M, N)` returns the full symmetric M × M Gram, or undefined (the caller then computes it on one
 * thread) when the data are not on a SharedArrayBuffer (workers could not see them without a copy; the CLI reads files
 * into shared memory, see load.ts), when the Gram is too small to pay for the threads (< MIN_MADDS multiply-adds),
 * or with one thread. The rows of the upper triangle are split into `threads` ranges of equal area (even starts, the
 * wasm tile's 2 rows); each thread writes its rows' entries straight into one shared M × M result with the same
 * column blocks and tiles as gram() (gramUpperRows), so the Gram is bit-identical to the one-thread Gram and so are
 * the eigenvalues. Each thread packs the rows it reads (its own and those below) block by block into its own arena.
 *
 * Synchronous by design (computeSpectrum is synchronous): jobs are posted, the calling thread computes its own range,
 * then blocks in Atomics.wait on a shared counter, which Node allows on its main thread. Workers start lazily on the
 * first large Gram and are unref'd so they never keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { gramUpperRows, mirrorUpper, type FloatArray, type GramExecutor } from '../linalg/gram';
import type { GramJob } from './gramWorker';

/** Below this many multiply-adds (M²N/2) one thread is used: starting workers costs ~50–100 ms. */
export const MIN_MADDS = 2e8;
/** How long to wait for the workers before giving up (a worker that failed to start never signals). */
const TIMEOUT_MS = 30 * 60 * 1000;
/** How long the workers may take to start (load the module) before the Gram is computed on one thread instead. */
const START_MS = 10_000;

export function createGramWorkers(threads = availableParallelism()): GramExecutor & { close(): Promise<void> } {
  const n = Math.max(1, Math.floor(threads));
  let workers: Worker[] | undefined;
  let broken = false;
  // alive[0] counts workers that loaded their module (each adds 1 on start): a worker that cannot start never does,
  // and its 'error' event cannot be delivered while this thread blocks, so readiness is waited for with a deadline
  const alive = new Int32Array(new SharedArrayBuffer(4));
  const start = (): Worker[] | undefined => {
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
    return workers;
  };
  return {
    threads: n,
    gram(data: FloatArray, M: number, N: number): Float64Array | undefined {
      if (n < 2 || !(data.buffer instanceof SharedArrayBuffer) || (M * M * N) / 2 < MIN_MADDS) return undefined;
      const pool = start();
      if (!pool) return undefined;
      const parts = pool.length + 1;
      const G = new Float64Array(new SharedArrayBuffer(8 * M * M));
      const ctl = new Int32Array(new SharedArrayBuffer(8));
      // row cuts of equal triangle area: rows [0, c) hold M² − (M − c)² of the M² (halved) entries
      const cut = (p: number) => p >= parts ? M : Math.min(M, 2 * Math.round((M - M * Math.sqrt(1 - p / parts)) / 2));
      pool.forEach((w, p) => {
        // the main thread takes the first (widest) rows; workers the rest
        const job: GramJob = { data, M, N, i0: cut(p + 1), i1: cut(p + 2), out: G, ctl };
        w.postMessage(job);
      });
      gramUpperRows(data, M, N, 0, cut(1), G);
      const t0 = Date.now();
      for (let done = Atomics.load(ctl, 0); done < pool.length; done = Atomics.load(ctl, 0)) {
        if (Date.now() - t0 > TIMEOUT_MS) throw new Error('the Gram worker threads did not finish');
        Atomics.wait(ctl, 0, done, 1000);
      }
      if (Atomics.load(ctl, 1)) throw new Error('a Gram worker thread failed (see the message above)');
      mirrorUpper(G, M);
      return G;
    },
    async close(): Promise<void> {
      if (workers) await Promise.all(workers.map((w) => w.terminate()));
      workers = undefined;
    },
  };
}

/** Copies `data` onto a SharedArrayBuffer (for callers whose data are not shared yet; the CLI reads into one). */
export function sharedCopy<A extends FloatArray>(data: A): A {
  const C = data.constructor as new (b: SharedArrayBuffer) => A;
  const out = new C(new SharedArrayBuffer(data.byteLength));
  out.set(data as never);
  return out;
}
