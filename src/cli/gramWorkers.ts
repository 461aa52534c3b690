/**
 * A GramExecutor (src/linalg/gram.ts) and ProductsExecutor (src/koopman/hankelWasm.ts) for Node: the snapshot Gram
 * split by row ranges, and the randomized route's products split by snapshots (see `hankel` below), over worker
 * threads (src/cli/gramWorker.ts) plus the calling thread, over shared memory. Injected into computeSpectrum through
 * SpectrumOptions.gramExecutor / productsExecutor by the spectrum command; the core never sees a thread.
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
import { HankelProducts, type HankelProductsLike, type ProductsExecutor } from '../koopman/hankelWasm';
import type { GramJob, HankelInitJob, HankelProductJob } from './gramWorker';

/** Below this many multiply-adds (M²N/2) one thread is used: starting workers costs ~50–100 ms. */
export const MIN_MADDS = 2e8;
/** The randomized route's products are split when one product has this many multiply-adds (snapshots × N × columns). */
export const MIN_PRODUCT_MADDS = 5e7;
/** How long to wait for the workers before giving up (a worker that failed to start never signals). */
const TIMEOUT_MS = 30 * 60 * 1000;
/** How long the workers may take to start (load the module) before the Gram is computed on one thread instead. */
const START_MS = 10_000;

/** `minProductMadds`: the split threshold of the randomized products (tests lower it to split small cases). */
export function createGramWorkers(
  threads = availableParallelism(), limits: { minProductMadds?: number } = {},
): GramExecutor & ProductsExecutor & { close(): Promise<void> } {
  const minProduct = limits.minProductMadds ?? MIN_PRODUCT_MADDS;
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
  /** Posts `jobs` (one per worker, in order), runs `mine` here, waits for all; throws when a worker failed. */
  const together = (pool: Worker[], jobs: ((ctl: Int32Array) => GramJob | HankelInitJob | HankelProductJob)[], mine: () => void): void => {
    const ctl = new Int32Array(new SharedArrayBuffer(8));
    pool.forEach((w, p) => w.postMessage(jobs[p](ctl)));
    let failure: unknown;
    try { mine(); } catch (e) { failure = e; }
    const t0 = Date.now();
    for (let done = Atomics.load(ctl, 0); done < pool.length; done = Atomics.load(ctl, 0)) {
      if (Date.now() - t0 > TIMEOUT_MS) throw new Error('the worker threads did not finish');
      Atomics.wait(ctl, 0, done, 1000);
    }
    if (failure) throw failure;
    if (Atomics.load(ctl, 1)) throw new Error('a worker thread failed (see the message above)');
  };

  return {
    threads: n,
    /**
     * The randomized route's products split by snapshots (ProductsExecutor): each thread holds a contiguous share of
     * the snapshots in its own wasm arena (this thread the first), D = X·B is computed row share by row share into
     * one shared result, Z = Xᵀ·W as per-share partial sums added here in thread order. Declines (undefined) for
     * data off shared memory, one thread, small products, or when a worker cannot allocate its share.
     */
    hankel(data: Float32Array, offsets: ArrayLike<number>, N: number, delays: number, maxC: number): HankelProductsLike | undefined {
      const Ttot = offsets.length;
      if (n < 2 || !(data.buffer instanceof SharedArrayBuffer) || Ttot * N * maxC < minProduct || Ttot < 2 * n) return undefined;
      const pool = start();
      if (!pool) return undefined;
      const parts = pool.length + 1;
      const cut = (p: number) => Math.round((Ttot * p) / parts);
      const share = (p: number) => ({ row0: cut(p), rows: cut(p + 1) - cut(p) });
      const offs = Array.from(offsets);
      let mine: HankelProducts;
      try {
        together(pool, pool.map((_, w) => (ctl) => ({
          kind: 'hankel-init', data, offsets: offs.slice(cut(w + 1), cut(w + 2)), N, delays, maxC, ctl,
        }) satisfies HankelInitJob), () => { mine = new HankelProducts(data, offs.slice(0, cut(1)), N, delays, maxC); });
      } catch {
        return undefined; // out of memory in a worker or here: the caller uses one thread
      }
      const Cmax = (delays + 1) * HankelProducts.blockCols(maxC);
      const shared = (len: number) => new Float64Array(new SharedArrayBuffer(8 * len));
      const B = shared(N * Cmax), D = shared(Ttot * Cmax), W = shared(Ttot * Cmax);
      const Zparts = pool.map(() => shared(N * Cmax)), Zsum = new Float64Array(N * Cmax);
      return {
        mulX(c, fillB) {
          const C = (delays + 1) * HankelProducts.blockCols(c);
          const b = B.subarray(0, N * C), out = D.subarray(0, Ttot * C);
          b.fill(0);
          fillB(b, HankelProducts.blockCols(c));
          together(pool, pool.map((_, w) => (ctl) => ({ kind: 'hankel-mulX', c, input: b, out, ...share(w + 1), ctl }) satisfies HankelProductJob),
            () => { out.set(mine.mulX(c, (Bm) => Bm.set(b))); });
          return out;
        },
        mulXt(c, fillW) {
          const C = (delays + 1) * HankelProducts.blockCols(c);
          const wAll = W.subarray(0, Ttot * C);
          wAll.fill(0);
          fillW(wAll, HankelProducts.blockCols(c));
          const rowsOf = (p: number) => wAll.subarray(cut(p) * C, cut(p + 1) * C);
          const Z = Zsum.subarray(0, N * C); // this thread's part, then the workers' added in order
          together(pool, pool.map((_, w) => (ctl) => ({
            kind: 'hankel-mulXt', c, input: rowsOf(w + 1), out: Zparts[w].subarray(0, N * C), ...share(w + 1), ctl,
          }) satisfies HankelProductJob), () => { Z.set(mine.mulXt(c, (Wm) => Wm.set(rowsOf(0)))); });
          for (const part of Zparts) {
            const z = part.subarray(0, N * C);
            for (let i = 0; i < z.length; i++) Z[i] += z[i];
          }
          return Z;
        },
      };
    },
    gram(data: FloatArray, M: number, N: number): Float64Array | undefined {
      if (n < 2 || !(data.buffer instanceof SharedArrayBuffer) || (M * M * N) / 2 < MIN_MADDS) return undefined;
      const pool = start();
      if (!pool) return undefined;
      const parts = pool.length + 1;
      const G = new Float64Array(new SharedArrayBuffer(8 * M * M));
      // row cuts of equal triangle area: rows [0, c) hold M² − (M − c)² of the M² (halved) entries
      const cut = (p: number) => p >= parts ? M : Math.min(M, 2 * Math.round((M - M * Math.sqrt(1 - p / parts)) / 2));
      // the main thread takes the first (widest) rows; workers the rest
      together(pool, pool.map((_, p) => (ctl) => ({ kind: 'gram', data, M, N, i0: cut(p + 1), i1: cut(p + 2), out: G, ctl }) satisfies GramJob),
        () => gramUpperRows(data, M, N, 0, cut(1), G));
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
