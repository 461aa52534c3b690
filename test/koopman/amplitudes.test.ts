/**
 * Exact-mode amplitudes against NumPy's complex lstsq (test/fixtures/numerics.json, made by
 * make_numerics_fixtures.py), on an ill-conditioned fit: six decaying modes with wide overlapping spatial shapes,
 * cond(Φ) ≈ 1.5e5. The normal equations lose ~cond²·ε; the fixture shows their answer is 4.6e-7 (relative to
 * max |b|) off lstsq, while the float64 noise floor of the whole pipeline (same data perturbed by 2 ulps) is ~1e-9.
 *
 * Tolerances (relative to max |b|): end to end on the SVD route 2e-8 (20× the noise floor, 20× below the normal
 * equations' error); the QR solver alone on NumPy's Φ 1e-10 (κ·ε ≈ 3e-11).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeSpectrum } from '../../src/koopman/analyze';
import { complexLeastSquares } from '../../src/linalg/qr';
import { expectArrayClose, expectEigenvaluesClose, expectMatchedValuesClose } from '../matchers';
import { toSet } from './fixtures';

interface AmplitudeCase {
  N: number; T: number; rank: number; data: number[][];
  eigenvalues: [number, number][]; amplitudes: number[]; normalEquationAmplitudes: number[]; noise: number;
  condPhi: number; phi: { re: number[][]; im: number[][] }; x0: number[]; lstsq: { re: number[]; im: number[] };
}
const F = JSON.parse(readFileSync(new URL('../fixtures/numerics.json', import.meta.url), 'utf8')) as { amplitudes: AmplitudeCase };
const A = F.amplitudes;
const TOL_END_TO_END = 2e-8;
const maxAbs = (xs: ArrayLike<number>) => Math.max(...Array.from(xs, Math.abs));

describe('exact-mode amplitudes of an ill-conditioned fit', () => {
  it('the fixture discriminates: normal equations are far outside the tolerance, the noise floor far inside', () => {
    const scale = maxAbs(A.amplitudes);
    const normalErr = Math.max(...A.amplitudes.map((b, i) => Math.abs(b - A.normalEquationAmplitudes[i]))) / scale;
    expect(normalErr).toBeGreaterThan(10 * TOL_END_TO_END);
    expect(A.noise).toBeLessThan(TOL_END_TO_END / 10);
  });

  it('match numpy.linalg.lstsq on the SVD route (QR solve), without an ill-conditioning warning at κ ≈ 1.5e5', () => {
    const fit = computeSpectrum(toSet([A.data]), { rank: { kind: 'rank', r: A.rank }, modes: 'exact', route: 'svd' });
    const eigs = fit.spectrum.eigenvalues;
    expectEigenvaluesClose(eigs, A.eigenvalues, 1e-9);
    expectMatchedValuesClose(eigs, eigs.map((e) => e.amplitude!), A.eigenvalues, A.amplitudes,
      { abs: TOL_END_TO_END * maxAbs(A.amplitudes) }, 'amplitudes');
    expect(fit.spectrum.warnings.filter((w) => /amplitudes/.test(w))).toEqual([]);
  });

  it('the QR solver reproduces lstsq on NumPy\'s Φ to κ·ε', () => {
    const n = A.N, r = A.rank;
    const Pr = Float64Array.from(A.phi.re.flat()), Pi = Float64Array.from(A.phi.im.flat());
    const ls = complexLeastSquares(Pr, Pi, A.x0, new Float64Array(n), n, r);
    const scale = Math.max(...A.lstsq.re.map((x, i) => Math.hypot(x, A.lstsq.im[i])));
    expectArrayClose(ls.re, A.lstsq.re, { abs: 1e-10 * scale }, 'Re b');
    expectArrayClose(ls.im, A.lstsq.im, { abs: 1e-10 * scale }, 'Im b');
    expect(ls.rank).toBe(r);
    // the pivoted-R estimate never exceeds the true condition number and is close to it here
    expect(ls.condition).toBeLessThanOrEqual(A.condPhi * (1 + 1e-6));
    expect(ls.condition).toBeGreaterThan(A.condPhi / 10);
  });
});

/**
 * Analytic: x_t = a·0.9^t + (a + δ·c)·0.5^t with a, c orthonormal, so the exact modes are parallel to v₁ = a and
 * v₂ = a + δc, nearly parallel for small δ (κ(Φ) ≈ 2/δ), and x_0 = v₁ + v₂: |b_k|·‖Φ_k‖ = ‖v_k‖.
 */
function nearlyParallel(delta: number) {
  const N = 12, T = 20;
  const data = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    data[t * N + 0] = 0.9 ** t + 0.5 ** t;       // a = e₀
    data[t * N + 1] = delta * 0.5 ** t;          // c = e₁
  }
  return { set: { runs: 1, T, N, data }, norms: new Map([[0.9, 1], [0.5, Math.hypot(1, delta)]]) };
}

function checkAnalytic(fit: ReturnType<typeof computeSpectrum>, norms: Map<number, number>, rel: number) {
  const modes = fit.modes!('exact');
  fit.spectrum.eigenvalues.forEach((e, k) => {
    let n2 = 0;
    for (let i = 0; i < modes.N; i++) n2 += modes.re[i * modes.r + k] ** 2 + modes.im[i * modes.r + k] ** 2;
    const want = norms.get(Math.round(e.re * 10) / 10)!;
    expect(Math.abs(e.amplitude! * Math.sqrt(n2) - want) / want).toBeLessThan(rel);
  });
}

describe('exact-mode amplitudes of nearly parallel modes (analytic)', () => {
  it('δ = 1e-9 (κ ≈ 2e9): the QR solve keeps ~κ·ε and the SVD route warns', () => {
    const { set, norms } = nearlyParallel(1e-9);
    const fit = computeSpectrum(set, { rank: { kind: 'rank', r: 2 }, modes: 'exact', route: 'svd' });
    expectEigenvaluesClose(fit.spectrum.eigenvalues, [[0.9, 0], [0.5, 0]], 1e-6);
    checkAnalytic(fit, norms, 1e-5);
    const w = fit.spectrum.warnings.find((s) => /exact-mode amplitudes/.test(s));
    expect(w).toMatch(/condition number ≈ [\d.]+e\+9\); solved by QR/);
  });

  it('δ = 1e-5 (κ ≈ 2e5): no warning on the SVD route; the Gram route (normal equations, κ²ε ≈ 1e-5) warns', () => {
    const { set, norms } = nearlyParallel(1e-5);
    const svd = computeSpectrum(set, { rank: { kind: 'rank', r: 2 }, modes: 'exact', route: 'svd' });
    checkAnalytic(svd, norms, 1e-9);
    expect(svd.spectrum.warnings).toEqual([]);
    const gram = computeSpectrum(set, { rank: { kind: 'rank', r: 2 }, modes: 'exact', route: 'gram' });
    expect(gram.spectrum.rank).toBe(2);
    const w = gram.spectrum.warnings.find((s) => /exact-mode amplitudes/.test(s));
    expect(w).toMatch(/condition number ≈ [\d.]+e\+5\); solved by normal equations/);
  });
});

describe('complexLeastSquares', () => {
  it('solves an overdetermined complex system exactly when b is in the range, and drops a dependent column', () => {
    // A = [1, i; 2, 1; 0, 1 − i] and a third column = 2·(first) (dependent): x = (1 − i, 2 + i, 0) gives b
    const n = 3, r = 3;
    const Ar = Float64Array.from([1, 0, 2, 2, 1, 4, 0, 1, 0]);
    const Ai = Float64Array.from([0, 1, 0, 0, 0, 0, 0, -1, 0]);
    const xr = [1, 2, 0], xi = [-1, 1, 0];
    const br = new Float64Array(n), bi = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) {
      br[i] += Ar[i * r + j] * xr[j] - Ai[i * r + j] * xi[j];
      bi[i] += Ar[i * r + j] * xi[j] + Ai[i * r + j] * xr[j];
    }
    const ls = complexLeastSquares(Ar, Ai, br, bi, n, r);
    expect(ls.rank).toBe(2);
    // residual zero: A x = b with the basic solution (one of the dependent pair set to 0)
    for (let i = 0; i < n; i++) {
      let sr = -br[i], si = -bi[i];
      for (let j = 0; j < r; j++) {
        sr += Ar[i * r + j] * ls.re[j] - Ai[i * r + j] * ls.im[j];
        si += Ar[i * r + j] * ls.im[j] + Ai[i * r + j] * ls.re[j];
      }
      expect(Math.hypot(sr, si)).toBeLessThan(1e-14);
    }
    expect(ls.re[1]).toBeCloseTo(2, 14);
    expect(ls.im[1]).toBeCloseTo(1, 14);
  });
});
