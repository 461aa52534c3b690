/**
 * A GramExecutor (src/linalg/gram.ts) and ProductsExecutor (src/koopman/hankelWasm.ts) over a pool of threads that
 * run threadJobs.ts: the snapshot Gram split by row ranges, the randomized route's products split by snapshots, the
 * calling thread taking the first share. The pool is platform-specific and comes from outside: Node's worker threads
 * (src/cli/gramWorkers.ts, started lazily) or the page's nested workers (threadPool.ts, started before the fit). The
 * core never sees a thread: computeSpectrum receives these executors through SpectrumOptions.
 *
 * Contract: `gram(data, M, N)` returns the full symmetric M × M Gram, or undefined (the caller then computes it on
 * one thread) when the data are not on a SharedArrayBuffer (other threads could not see them without a copy), when
 * the Gram is too small to pay for the threads (< MIN_MADDS multiply-adds), or when there is no pool. The rows of the
 * upper triangle are split into ranges of equal area (even starts, the wasm tile's 2 rows); each thread writes its
 * rows' entries straight into one shared M × M result with the same column blocks and tiles as gram()
 * (gramUpperRows), so the Gram is bit-identical to the one-thread Gram and so are the eigenvalues. `onProgress` follows
 * the calling thread's share (the widest, of equal area: the others finish about when it does).
 *
 * Synchronous by design (computeSpectrum is synchronous): jobs are posted, the calling thread computes its own share,
 * then blocks in Atomics.wait on a shared counter. That is allowed on Node's main thread and in any Web Worker, never
 * on the page's main thread — so in the page the fit runs in a worker (fileReader.worker.ts).
 */
import { gramUpperRows, gramUpperRowsFrom, mirrorUpper, type FloatArray, type GramExecutor, type RowReader } from '../linalg/gram';
import { HankelProducts, type HankelProductsLike, type ProductsExecutor } from '../koopman/hankelWasm';
import { UserError } from '../linalg/errors';
import {
  executeJob, type GramJob, type GramRowsJob, type HankelInitJob, type HankelProductJob, type RowOpener, type ThreadJob,
  type ThreadState,
} from './threadJobs';

/** Below this many multiply-adds (M²N/2) one thread is used: starting workers costs ~50–100 ms. */
export const MIN_MADDS = 2e8;
/** The randomized route's products are split when one product has this many multiply-adds (snapshots × N × columns). */
export const MIN_PRODUCT_MADDS = 5e7;
/** How long to wait for the other threads before giving up (a thread that died never signals). */
const TIMEOUT_MS = 30 * 60 * 1000;
/** After this long, a job no thread has claimed is run by the calling thread (see `together`). */
const STEAL_MS = 3000; // a thread that got its message claims it at once: 3 s is far past any scheduling delay

/** Started threads that run threadJobs.ts: `size` of them besides the calling thread; `post(i, job)` sends to the i-th. */
export interface ThreadPool {
  readonly size: number;
  post(i: number, job: ThreadJob): void;
}

/**
 * `takenBack()`: how many jobs the calling thread has run in another thread's place (their messages came late);
 * `split()`: how many Grams and randomized product sets were split over the threads (0: every one was declined).
 */
export type ThreadExecutor = GramExecutor & ProductsExecutor & { takenBack(): number; split(): number };

/**
 * `threads`: the calling thread plus the pool's (what `threads` reports); `pool()` gives the started pool, or
 * undefined when it cannot start (then every product is declined). `minProductMadds`: the split threshold of the
 * randomized products (tests lower it to split small cases). `openRows`: how a thread opens a RowReader's `source`
 * (Node: the file, src/cli/fileRows.ts); without it, Grams of rows read on demand are declined.
 */
export function threadExecutor(
  threads: number, pool: () => ThreadPool | undefined, limits: { minProductMadds?: number; openRows?: RowOpener } = {},
): ThreadExecutor {
  const openRows = limits.openRows;
  const minProduct = limits.minProductMadds ?? MIN_PRODUCT_MADDS;
  const n = Math.max(1, Math.floor(threads));
  let takenBack = 0, split = 0;
  /**
   * Posts `jobs` (one per pool thread, in order), runs `mine` here, waits for all; throws when a thread failed.
   * `takeBack(w)` gives the state with which this thread may run job w itself (or undefined: it must wait for
   * thread w): jobs for which it gives a state on the first call (`now`) are run here without being posted, and a
   * job that no thread has claimed after STEAL_MS is taken back and run here. That is the guard against a message
   * that never arrives while this thread blocks (Chromium may queue a worker's postMessage on the sender's event
   * loop, whatwg/html#5485): the work is then slower, never stuck.
   */
  const together = (
    p: ThreadPool, jobs: ((ctl: Int32Array, slot: number) => ThreadJob)[], mine: () => void,
    takeBack: (w: number, now: boolean) => ThreadState | undefined,
  ): void => {
    const ctl = new Int32Array(new SharedArrayBuffer(4 * (2 + p.size)));
    const built = jobs.map((make, w) => make(ctl, w));
    const here: [number, ThreadState][] = [];
    for (let w = 0; w < p.size; w++) {
      const state = takeBack(w, true);
      if (state) { Atomics.store(ctl, 2 + w, 2); here.push([w, state]); } else p.post(w, built[w]);
    }
    let failure: unknown;
    const run = (w: number, state: ThreadState) => {
      try { executeJob(built[w], state, openRows); } catch (e) { failure ??= e; }
      Atomics.add(ctl, 0, 1);
    };
    try { mine(); } catch (e) { failure = e; }
    for (const [w, state] of here) run(w, state);
    const t0 = Date.now();
    for (let done = Atomics.load(ctl, 0); done < p.size; done = Atomics.load(ctl, 0)) {
      const waited = Date.now() - t0;
      if (waited > TIMEOUT_MS) throw new Error('the worker threads did not finish');
      if (waited > STEAL_MS) {
        for (let w = 0; w < p.size; w++) {
          if (Atomics.load(ctl, 2 + w) !== 0) continue;
          const state = takeBack(w, false);
          if (state && Atomics.compareExchange(ctl, 2 + w, 0, 2) === 0) { takenBack++; run(w, state); }
        }
      }
      Atomics.wait(ctl, 0, Atomics.load(ctl, 0), 20);
    }
    if (failure) throw failure;
    if (Atomics.load(ctl, 1)) throw new Error('a worker thread failed (see the message above)');
  };

  /**
   * A Gram of M rows of N values split into row ranges of equal triangle area (see the header): the pool's threads
   * get `job(i0, i1, G, …)` for theirs, the calling thread runs `mine(i1, G)` for the first (widest) rows [0, i1).
   * Undefined (declined) with one thread, below MIN_MADDS, or without a pool.
   */
  const splitGram = (
    M: number, N: number, job: (i0: number, i1: number, out: Float64Array, ctl: Int32Array, slot: number) => ThreadJob,
    mine: (i1: number, G: Float64Array) => void,
  ): Float64Array | undefined => {
    if (n < 2 || (M * M * N) / 2 < MIN_MADDS) return undefined;
    const p = pool();
    if (!p) return undefined;
    const G = new Float64Array(new SharedArrayBuffer(8 * M * M));
    const cut = triangleCuts(M, p.size + 1);
    together(p, Array.from({ length: p.size }, (_, w) => (ctl, slot) => job(cut(w + 1), cut(w + 2), G, ctl, slot)),
      () => mine(cut(1), G), (_w, now) => (now ? undefined : {}));
    mirrorUpper(G, M);
    split++;
    return G;
  };

  return {
    threads: n,
    takenBack: () => takenBack,
    split: () => split,
    /**
     * The randomized route's products split by snapshots (ProductsExecutor): each thread holds a contiguous share of
     * the snapshots in its own wasm arena (this thread the first), D = X·B is computed row share by row share into
     * one shared result, Z = Xᵀ·W as per-share partial sums added here in thread order. Declines (undefined) for
     * data off shared memory, one thread, small products, or when a thread cannot allocate its share.
     */
    hankel(data: Float32Array | RowReader, offsets: ArrayLike<number>, N: number, delays: number, maxC: number): HankelProductsLike | undefined {
      const Ttot = offsets.length;
      // the threads see data on shared memory, or open a reader's source themselves
      const visible = data instanceof Float32Array ? data.buffer instanceof SharedArrayBuffer : data.source !== undefined && !!openRows;
      if (n < 2 || !visible || Ttot * N * maxC < minProduct || Ttot < 2 * n) return undefined;
      const p = pool();
      if (!p) return undefined;
      const parts = p.size + 1;
      const cut = (i: number) => Math.round((Ttot * i) / parts);
      const share = (i: number) => ({ row0: cut(i), rows: cut(i + 1) - cut(i) });
      const offs = Array.from(offsets);
      const others = Array.from({ length: p.size }, (_, w) => w);
      // a share whose init this thread took back (its state then holds products) stays here: its products run here
      const local: ThreadState[] = others.map(() => ({}));
      const ownedHere = (w: number, now: boolean) => (now && local[w].products ? local[w] : undefined);
      const norms = new Float64Array(new SharedArrayBuffer(8 * Ttot));
      const what = data instanceof Float32Array ? { data } : { source: data.source };
      let mine: HankelProducts;
      try {
        together(p, others.map((w) => (ctl, slot) => ({
          kind: 'hankel-init', ...what, offsets: offs.slice(cut(w + 1), cut(w + 2)), N, delays, maxC, norms, row0: cut(w + 1), ctl, slot,
        }) satisfies HankelInitJob), () => {
          mine = new HankelProducts(data, offs.slice(0, cut(1)), N, delays, maxC);
          norms.set(mine.norms, 0);
        }, (w, now) => (now ? undefined : local[w]));
      } catch (e) {
        // a reader's own error here (the file changed) is the user's; out of memory, or any failure in a thread: the
        // caller uses one thread (and meets a reader's error itself)
        if (e instanceof UserError) throw e;
        return undefined;
      }
      split++;
      const Cmax = (delays + 1) * HankelProducts.blockCols(maxC);
      const shared = (len: number) => new Float64Array(new SharedArrayBuffer(8 * len));
      const B = shared(N * Cmax), D = shared(Ttot * Cmax), W = shared(Ttot * Cmax);
      const Zparts = others.map(() => shared(N * Cmax)), Zsum = new Float64Array(N * Cmax);
      return {
        norms,
        mulX(c, fillB) {
          const C = (delays + 1) * HankelProducts.blockCols(c);
          const b = B.subarray(0, N * C), out = D.subarray(0, Ttot * C);
          b.fill(0);
          fillB(b, HankelProducts.blockCols(c));
          together(p, others.map((w) => (ctl, slot) => ({ kind: 'hankel-mulX', c, input: b, out, ...share(w + 1), ctl, slot }) satisfies HankelProductJob),
            () => { out.set(mine.mulX(c, (Bm) => Bm.set(b))); }, ownedHere);
          return out;
        },
        mulXt(c, fillW) {
          const C = (delays + 1) * HankelProducts.blockCols(c);
          const wAll = W.subarray(0, Ttot * C);
          wAll.fill(0);
          fillW(wAll, HankelProducts.blockCols(c));
          const rowsOf = (i: number) => wAll.subarray(cut(i) * C, cut(i + 1) * C);
          const Z = Zsum.subarray(0, N * C); // this thread's part, then the others' added in order
          together(p, others.map((w) => (ctl, slot) => ({
            kind: 'hankel-mulXt', c, input: rowsOf(w + 1), out: Zparts[w].subarray(0, N * C), ...share(w + 1), ctl, slot,
          }) satisfies HankelProductJob), () => { Z.set(mine.mulXt(c, (Wm) => Wm.set(rowsOf(0)))); }, ownedHere);
          for (const part of Zparts) {
            const z = part.subarray(0, N * C);
            for (let i = 0; i < z.length; i++) Z[i] += z[i];
          }
          return Z;
        },
      };
    },
    /**
     * The Gram of snapshots read on demand (gramUpperRowsFrom): split by rows as `gram`, each thread opening the
     * reader's `source` itself, so no thread holds the data; the calling thread reads through `reader`. Bit-identical
     * to one thread. Declines without a source or an opener, with one thread, or below MIN_MADDS.
     */
    gramRows(reader: RowReader, rows: readonly number[], onProgress?: (fraction: number) => void): Float64Array | undefined {
      if (reader.source === undefined || !openRows) return undefined;
      const list = Array.from(rows);
      return splitGram(list.length, reader.N,
        (i0, i1, out, ctl, slot) => ({ kind: 'gram-rows', source: reader.source, rows: list, i0, i1, out, ctl, slot }) satisfies GramRowsJob,
        (i1, G) => gramUpperRowsFrom(reader, list, 0, i1, G, onProgress));
    },
    gram(data: FloatArray, M: number, N: number, onProgress?: (fraction: number) => void): Float64Array | undefined {
      if (!(data.buffer instanceof SharedArrayBuffer)) return undefined;
      return splitGram(M, N,
        (i0, i1, out, ctl, slot) => ({ kind: 'gram', data, M, N, i0, i1, out, ctl, slot }) satisfies GramJob,
        (i1, G) => gramUpperRows(data, M, N, 0, i1, G, 'auto', onProgress));
    },
  };
}

/**
 * Row cuts of equal triangle area for `parts` threads: rows [0, c) hold M² − (M − c)² of the M² (halved) entries;
 * even cuts (the wasm tile's 2 rows). cut(0) = 0, cut(parts) = M.
 */
function triangleCuts(M: number, parts: number): (i: number) => number {
  return (i) => i >= parts ? M : Math.min(M, 2 * Math.round((M - M * Math.sqrt(1 - i / parts)) / 2));
}

/** Copies `data` onto a SharedArrayBuffer (for callers whose data are not shared yet). */
export function sharedCopy<A extends FloatArray>(data: A): A {
  const C = data.constructor as new (b: SharedArrayBuffer) => A;
  const out = new C(new SharedArrayBuffer(data.byteLength));
  out.set(data as never);
  return out;
}
