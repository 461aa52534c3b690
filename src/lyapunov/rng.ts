/**
 * A tiny seeded generator for the Lyapunov experiments' initial conditions. src/train/rng.ts is pure too, but it
 * lies outside the numerical core, and the dependency rule (test/architecture/dependencies.test.ts) lets core
 * folders import only each other; so this file holds the few lines needed rather than moving a training module.
 *
 * uniform: mulberry32 (32-bit state; bit-identical on every engine). normal: Box–Muller on two uniforms (Math.log,
 * sqrt, cos are not required to be correctly rounded, so normals are identical within one engine, V8 in Node, the
 * page and workers alike, but may differ in the last bit across engines).
 */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
}

export function seededRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new Error(`Seed must be a safe integer, got ${seed}`);
  // mix the seed so that nearby seeds (0, 1, 2, …) start far apart
  let s = Math.imul((seed ^ 0x5bd1e995) >>> 0, 0x9e3779b1) ^ Math.floor(seed / 4294967296);
  const uniform = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < 4; i++) uniform();
  return {
    uniform,
    normal() {
      const u = 1 - uniform(); // (0, 1]: log is finite
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    },
  };
}
