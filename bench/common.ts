/**
 * Shared helpers for the bench sections (bench/*.ts). Each section runs in its own process (spawned by
 * scripts/bench.mjs with `node --import tsx`), prints human progress to stderr and ONE JSON object on the last line
 * of stdout: { section, mode, metrics: Metric[], info?: {...} }.
 */
export interface Metric {
  /** Stable id, e.g. 'stream.push' (used as key in bench/results.json). */
  id: string;
  /** Human label for the table. */
  label: string;
  value: number;
  unit: string;
  /** Free-text note (what the baseline is, sizes, …). */
  note?: string;
}

import * as os from 'node:os';

export const quick = process.argv.includes('--quick');

/**
 * The environment for a NumPy reference run on `threads` BLAS threads ('all': every core). OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE are removed for NumPy only (this machine's environment pins older OpenBLAS builds to the Haswell
 * kernel; NumPy's own choice is SkylakeX/AVX-512 where the CPU has it: docs/benchmarks.md, section batch).
 */
export function numpyEnv(threads: number | 'all'): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE; delete env.OPENBLAS_L2_SIZE;
  const n = threads === 'all' ? String(os.availableParallelism()) : String(threads);
  Object.assign(env, { OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n });
  return env;
}

export function now(): number { return performance.now(); }

/** Median of an array of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Time `fn` repeatedly: `warmup` untimed calls, then at least `minReps` timed calls and until `minMs` has elapsed
 * (capped at `maxReps`). Returns the per-call times in ms.
 */
export function timeIt(fn: () => unknown, o: { warmup?: number; minReps?: number; maxReps?: number; minMs?: number } = {}): number[] {
  const { warmup = 1, minReps = 3, maxReps = 1000, minMs = 300 } = o;
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  const t0 = now();
  while (ts.length < minReps || (ts.length < maxReps && now() - t0 < minMs)) {
    const a = now();
    fn();
    ts.push(now() - a);
  }
  return ts;
}

export function log(msg: string): void { process.stderr.write(`  [${new Date().toISOString().slice(11, 19)}] ${msg}\n`); }

export function emit(section: string, metrics: Metric[], info: Record<string, unknown> = {}): void {
  process.stdout.write('\n' + JSON.stringify({ section, mode: quick ? 'quick' : 'full', metrics, info }) + '\n');
}

/** Small fast deterministic PRNG (xorshift32) → uniform in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** Approximately standard normal (sum of 4 uniforms, rescaled): fine for synthetic noise. */
export function gauss(u: () => number): () => number {
  return () => (u() + u() + u() + u() - 2) * 1.7320508075688772;
}
