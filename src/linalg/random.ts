/**
 * The seeded pseudo-random generator of the numerical core (src/kpflow, src/lyapunov, and the tests' helpers):
 * initial weights, task angles, input noise, Lanczos start vectors, random probes.
 *
 * Why hand-written and not a dependency: the core needs a tiny generator that is seeded and bit-reproducible, so that
 * a seed gives the same sequence in Node, the page and workers, and golden values stay put. mulberry32 is 10 lines of
 * 32-bit integer arithmetic (Math.imul, >>>), which every JavaScript engine evaluates identically; a package would add
 * nothing. (src/train/rng.ts, sfc32, is pure too, but it lies outside the core, and the dependency rule,
 * test/architecture/dependencies.test.ts, lets core folders import only each other.) State 32 bits, period 2³²: ample
 * for the ≲10⁶ draws of one run; not for cryptography or huge Monte-Carlo studies.
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
