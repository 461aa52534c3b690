/** The randomized Hankel rank-r DMD used for paper-size FCN fits agrees with the exact engine. */
import { describe, expect, it } from 'vitest';
import { computeSpectrum } from '../../src/koopman/analyze';
import { wasserstein1 } from '../../src/koopman/wasserstein';
import { hankelTopKSpectrum } from '../../src/reproduce/hankelTopK';

/** An ensemble of a noisy-free linear system with 12 modes plus an offset, observed in N dims, float32. */
function ensemble(R: number, T: number, N: number) {
  let s = 7;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const modes = 12;
  const lam = Array.from({ length: modes }, (_, i) => 0.99 - 0.03 * i);
  const M = Array.from({ length: N }, () => Array.from({ length: modes + 1 }, rnd));
  const data = new Float32Array(R * T * N);
  for (let r = 0; r < R; r++) {
    const z0 = Array.from({ length: modes }, () => 1 + rnd());
    for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) {
      let v = M[i][modes] * 3; // offset
      for (let k = 0; k < modes; k++) v += M[i][k] * z0[k] * lam[k] ** t;
      data[(r * T + t) * N + i] = v + 1e-4 * Math.sin(1.3 * t + i + r);
    }
  }
  return { runs: R, T, N, data };
}

describe('hankelTopKSpectrum', () => {
  it.each([[0], [3]])('matches computeSpectrum (rank 10, %i delays) to 1e-8', (delays) => {
    const set = ensemble(3, 60, 20);
    const exact = computeSpectrum(set, { delays, rank: { kind: 'rank', r: 10 }, route: 'svd' }).spectrum;
    const fast = hankelTopKSpectrum(set, delays, 10);
    expect(fast.eigenvalues).toHaveLength(10);
    fast.singularValues.forEach((sv, i) => expect(Math.abs(sv - exact.singularValues[i]) / exact.singularValues[0]).toBeLessThan(1e-10));
    const w = wasserstein1(
      { re: fast.eigenvalues.map((p) => p[0]), im: fast.eigenvalues.map((p) => p[1]) },
      exact.eigenvalues,
    );
    expect(w).toBeLessThan(1e-8);
  });
});
