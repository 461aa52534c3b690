/**
 * The seeded pseudo-random generator of the numerical core (src/kpflow, src/lyapunov, and the tests' helpers):
 * initial weights, task angles, input noise, Lanczos start vectors, random probes.
 *
 * Why hand-written and not a dependency: the core needs a tiny generator that is seeded and bit-reproducible, so that
 * a seed gives the same sequence in Node, the page and workers, and golden values stay put. mulberry32 is 10 lines of
 * 32-bit integer arithmetic (Math.imul, >>>), which every JavaScript engine evaluates identically; a package would add
 * nothing. State 32 bits, period 2³²: ample for the ≲10⁶ draws of one run; not for cryptography or huge Monte-Carlo
 * studies.
 *
 * This is the one module of seeded generators. Besides mulberry32 it keeps, unchanged, the two other streams whose
 * exact output recorded results depend on: sfc32 (`Sfc32`, `rng`, `mixSeed`: the training side's data, splits, batch
 * order and initial weights; section below) and xorshift32 (`xorshift32`: the randomized DMD route's start block).
 *
 * Determinism: `mulberry32` and `uniform` are bit-identical on every engine. `normal` is Box–Muller through
 * Math.log/sqrt/cos, which the standard does not require to be correctly rounded, so normals are identical within one
 * engine (V8: Node, the page and workers alike) but may differ in the last bit across engines.
 */

/** A seeded stream of uniforms and standard normals. */
export interface Rng {
  /** Uniform in [0, 1), a multiple of 2⁻³². */
  uniform(): number;
  /** Standard normal N(0, 1): Box–Muller on two uniforms (uses both, keeps no spare). */
  normal(): number;
}

/**
 * The raw mulberry32 stream from a 32-bit state (Tommy Ettinger's generator): uniforms in [0, 1), no seed mixing and
 * no warm-up. For code that must reproduce an existing sequence (the tests' golden-value helpers); new code should
 * use `seededRng`, whose nearby seeds give unrelated streams.
 */
export function mulberry32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The core's generator for a seed (any safe integer, negative ones included): the seed's low and high words are mixed
 * into the 32-bit state (so seeds 0, 1, 2, … start far apart) and the first 4 outputs are dropped. Throws on a seed
 * that is not a safe integer (NaN, 1.5, 2⁵³), which would otherwise collapse silently onto another seed.
 */
export function seededRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new Error(`Seed must be a safe integer, got ${seed}`);
  const uniform = mulberry32(Math.imul((seed ^ 0x5bd1e995) >>> 0, 0x9e3779b1) ^ Math.floor(seed / 4294967296));
  for (let i = 0; i < 4; i++) uniform();
  return {
    uniform,
    normal() {
      const u = 1 - uniform(); // (0, 1]: log is finite
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    },
  };
}

/** A Float64Array of n standard normals drawn from `rng`. */
export function normals(rng: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}

// ---------------------------------------------------------------------------------------------- sfc32

/**
 * A small seeded pseudo-random generator for everything random on the training side that is not tfjs's own
 * (data generation, splits, batch order). Pure TypeScript: no tfjs, DOM or Node, so it runs in workers and in Node.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's "Small Fast Counting" generator, from PractRand), 128 bits of state, passes
 * PractRand/BigCrush, period at least 2³² (expected ~2¹²⁷). The state is filled from the seed by splitmix32, and the
 * first 12 outputs are discarded so that nearby seeds (1, 2, 3, …) give unrelated streams.
 *
 * Determinism: `nextUint32`, `uniform`, `int` and `shuffle` give bit-identical sequences for a seed on every engine
 * (32-bit integer arithmetic and exact float conversions). `normal` goes through Math.log/sqrt/cos/sin, which the
 * standard does not require to be correctly rounded, so normals are identical within one engine (V8: browser, worker
 * and Node alike) but may differ in the last bit across engines.
 */

/** splitmix32 step: a strong 32-bit mixer, used to expand a seed into generator state. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new Error(`Seed must be a safe integer, got ${seed}`);
}

/** Low and high 32 bits of a safe integer (negative seeds are fine: they map to distinct states). */
function seedWords(seed: number): [number, number] {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return [lo, hi];
}

/**
 * A new seed derived from `seed` and a salt (a string or number), for independent streams from one user seed, e.g.
 * `mixSeed(dataSeed, 'data')` for the data set and `mixSeed(dataSeed, 'batches')` for the batch order. Returns an
 * unsigned 32-bit integer.
 */
export function mixSeed(seed: number, salt: string | number): number {
  checkSeed(seed);
  const [lo, hi] = seedWords(seed);
  let h = splitmix32(lo ^ splitmix32(hi ^ 0x5bd1e995));
  const s = String(salt);
  for (let i = 0; i < s.length; i++) h = splitmix32(h ^ Math.imul(s.charCodeAt(i), 0x01000193));
  return splitmix32(h ^ s.length);
}

export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Second Box–Muller deviate, kept for the next `normal()` call. */
  private spare: number | null = null;

  constructor(seed: number) {
    checkSeed(seed);
    const [lo, hi] = seedWords(seed);
    let s = lo ^ splitmix32(hi);
    s = splitmix32(s);
    this.a = s;
    s = splitmix32(s);
    this.b = s;
    s = splitmix32(s);
    this.c = s;
    this.d = 1; // the counter; sfc32 starts it at 1
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next raw output, an unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits; `uniform(lo, hi)` is uniform on [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    const u = ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
    return lo + (hi - lo) * u;
  }

  /** Normal deviate N(mean, std²) by the Box–Muller transform (pairs; the second is cached). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform(); // log(0) guard
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * v;
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling); n a positive integer ≤ 2³². */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) throw new Error(`Sfc32.int: n must be an integer in [1, 2^32], got ${n}`);
    if (n === 0x1_0000_0000) return this.nextUint32();
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n); // largest multiple of n ≤ 2³²
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: any }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0 … n−1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

/** Shorthand for `new Sfc32(seed)`. */
export function rng(seed: number): Sfc32 {
  return new Sfc32(seed);
}

// ---------------------------------------------------------------------------------------------- xorshift32

/**
 * The raw xorshift32 stream (shifts 13, 17, 5) from a nonzero 32-bit state: each call returns the next state, an
 * unsigned 32-bit integer. The randomized DMD route (src/koopman/randomized.ts) maps it to uniforms in [−1, 1).
 */
export function xorshift32(state: number): () => number {
  let s = state >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
