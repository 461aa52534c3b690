/** DMD modes on request: for noise-free data of a full-rank linear map A, every mode satisfies A φ = λ φ. */
import { describe, expect, it } from 'vitest';
import { computeSpectrum } from '../../src/koopman/analyze';

function linearData(N: number, T: number, seed: number) {
  let s = seed;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const A = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => (i === j ? 0.8 : 0) + 0.1 * rnd()));
  const data = new Float64Array(T * N);
  let x = Array.from({ length: N }, rnd);
  for (let t = 0; t < T; t++) { data.set(x, t * N); x = A.map((row) => row.reduce((a, b, j) => a + b * x[j], 0)); }
  return { A, data };
}

/** max |A φ_k − λ_k φ_k| over modes and entries, relative to max |φ|. */
function eigResidual(A: number[][], modes: { re: Float64Array; im: Float64Array; r: number; N: number }, eig: { re: number; im: number }[]) {
  const { N, r, re, im } = modes;
  let err = 0, scale = 0;
  for (let k = 0; k < r; k++) {
    for (let i = 0; i < N; i++) {
      let ar = 0, ai = 0;
      for (let j = 0; j < N; j++) { ar += A[i][j] * re[j * r + k]; ai += A[i][j] * im[j * r + k]; }
      const lr = eig[k].re * re[i * r + k] - eig[k].im * im[i * r + k];
      const li = eig[k].re * im[i * r + k] + eig[k].im * re[i * r + k];
      err = Math.max(err, Math.abs(ar - lr), Math.abs(ai - li));
      scale = Math.max(scale, Math.hypot(re[i * r + k], im[i * r + k]));
    }
  }
  return err / scale;
}

describe('modes', () => {
  const N = 6, T = 40;
  const { A, data } = linearData(N, T, 5);
  for (const route of ['svd', 'gram'] as const) {
    for (const kind of ['projected', 'exact'] as const) {
      it(`${kind} modes are eigenvectors of the true map (${route} route)`, () => {
        const fit = computeSpectrum({ runs: 1, T, N, data }, { rank: { kind: 'rank', r: N }, route });
        const modes = fit.modes!(kind);
        expect(modes.N).toBe(N);
        // the Gram route squares the condition number of X: 1e-6 there, 1e-10 on the SVD route
        expect(eigResidual(A, modes, fit.spectrum.eigenvalues)).toBeLessThan(route === 'svd' ? 1e-10 : 1e-6);
      });
    }
  }

  it('with delays, the first delay block of each mode is an eigenvector too', () => {
    const fit = computeSpectrum({ runs: 1, T, N, data }, { rank: { kind: 'rank', r: N }, delays: 2, route: 'svd' });
    expect(eigResidual(A, fit.modes!('projected'), fit.spectrum.eigenvalues)).toBeLessThan(1e-9);
  });

  it('are not offered for PCA or sketched fits (they live in a reduced space)', () => {
    expect(computeSpectrum({ runs: 1, T, N, data }, { rank: { kind: 'rank', r: 3 }, pca: 3 }).modes).toBeUndefined();
    expect(computeSpectrum({ runs: 1, T, N, data }, { rank: { kind: 'rank', r: 3 }, sketch: { dim: 4, seed: 1 } }).modes).toBeUndefined();
  });
});
