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
