/**
 * Fits whose eigenvalues must not move when the engine's kernels change (issue 18: a faster eigensolver, wasm
 * products on the randomized route, a single data scan). test/fixtures/make_engine_regression.ts records them with
 * the engine as it was before those changes (commit 251dd36) into test/fixtures/engine_regression.json;
 * test/koopman/regression.test.ts fits them again and asks for agreement to 1e-12.
 */
import type { SpectrumOptions } from '../../src/koopman/analyze';
import type { SnapshotSet } from '../../src/koopman/snapshots';

/** A noisy linear system with 12 decaying/rotating modes plus an offset, observed in N dims (run r, time t). */
function system(R: number, T: number, N: number, f32: boolean, seed: number): SnapshotSet {
  let s = seed;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const modes = 12;
  const lam = Array.from({ length: modes }, (_, i) => 0.995 - 0.02 * i);
  const rot = Array.from({ length: modes }, (_, i) => 0.03 * i);
  const M = Array.from({ length: N }, () => Array.from({ length: modes + 1 }, rnd));
  const data = f32 ? new Float32Array(R * T * N) : new Float64Array(R * T * N);
  for (let r = 0; r < R; r++) {
    const z0 = Array.from({ length: modes }, () => 1 + rnd());
    for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) {
      let v = M[i][modes] * 2;
      for (let k = 0; k < modes; k++) v += M[i][k] * z0[k] * lam[k] ** t * Math.cos(rot[k] * t + k);
      data[(r * T + t) * N + i] = v + 1e-3 * Math.sin(1.7 * t + 0.3 * i + r);
    }
  }
  return { runs: R, T, N, data };
}

export interface RegressionCase { name: string; set: () => SnapshotSet; options: SpectrumOptions }

const rank = (r: number) => ({ kind: 'rank' as const, r });
export const REGRESSION_CASES: RegressionCase[] = [
  { name: 'gram f32 1 run', set: () => system(1, 200, 700, true, 3), options: { rank: rank(10), route: 'gram' } },
  { name: 'gram f32 3 runs, 2 delays, centered', set: () => system(3, 60, 700, true, 4), options: { rank: rank(8), delays: 2, center: true, route: 'gram' } },
  { name: 'gram f64 energy rule', set: () => system(2, 80, 650, false, 5), options: { rank: { kind: 'energy', fraction: 0.999 }, route: 'gram' } },
  { name: 'gram f32 with gaps', set: () => ({ ...system(1, 150, 640, true, 6), times: Array.from({ length: 150 }, (_, t) => (t < 70 ? t : t + 1)) }), options: { rank: rank(10), route: 'gram' } },
  { name: 'auto f32 256 × 5000 (gram route)', set: () => system(1, 256, 5000, true, 7), options: { rank: rank(10) } },
  { name: 'randomized f32 1 run', set: () => system(1, 300, 900, true, 8), options: { rank: rank(10), route: 'randomized' } },
  { name: 'randomized f64 2 runs, 1 delay', set: () => system(2, 120, 700, false, 9), options: { rank: rank(10), delays: 1, route: 'randomized' } },
  { name: 'randomized f32 2 runs, every 2, window', set: () => system(2, 240, 800, true, 10), options: { rank: rank(6), every: 2, window: { start: 10, end: 230 }, route: 'randomized' } },
  { name: 'randomized f32 with gaps, 2 delays', set: () => ({ ...system(1, 200, 700, true, 11), times: Array.from({ length: 200 }, (_, t) => (t < 90 ? t : t + 2)) }), options: { rank: rank(10), delays: 2, route: 'randomized' } },
  { name: 'randomized f32 exact modes', set: () => system(1, 260, 750, true, 12), options: { rank: rank(10), modes: 'exact', route: 'randomized' } },
];
