/**
 * A tiny seeded generator for the KPFlow core (task angles, input noise, initial weights, probe vectors).
 *
 * Why not src/train/rng.ts: that file is pure, but it lives in src/train, outside the numerical core, and the
 * dependency rule (test/architecture/dependencies.test.ts) forbids core → train imports. Copying sfc32 here would
 * duplicate it; mulberry32 (15 lines, 32-bit state, period 2³²) is ample for a few hundred thousand draws per run.
 *
 * Determinism: `uniform` is bit-identical on every engine (32-bit integer arithmetic); `normal` uses Math.log/cos,
 * identical within one engine (V8: browser, worker and Node alike).
 */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

export function seededRandom(seed: number): Random {
  let s = (seed ^ 0x9e3779b9) >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < 4; i++) uniform(); // decorrelate nearby seeds
  return {
    uniform,
    normal() {
      const u = 1 - uniform(); // (0, 1]
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    },
  };
}

/** A Float64Array of n standard normals. */
export function normals(rnd: Random, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rnd.normal();
  return v;
}
