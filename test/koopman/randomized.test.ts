/**
 * The randomized route (src/koopman/randomized.ts) agrees with the SVD and Gram routes on well-conditioned problems,
 * and handles a size (embedded dimension 800, 2200 snapshot pairs) where 'auto' picks it.
 */
import { describe, expect, it } from 'vitest';
import { computeSpectrum, RANDOMIZED_MIN_PAIRS, type Modes } from '../../src/koopman/analyze';
import { wasserstein1 } from '../../src/koopman/wasserstein';
import { RESIDUAL_CUT } from '../../src/koopman/randomized';

/** An ensemble of a nearly noise-free linear system with 12 modes plus an offset, observed in N dims, float32. */
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

/** Exactly rank 10: an offset (λ = 1), one real mode and four slowly decaying rotations; float64. */
const TRUE_LAMBDA: [number, number][] = [[1, 0], [0.995, 0]];
for (const th of [0.05, 0.1, 0.2, 0.3]) TRUE_LAMBDA.push([0.998 * Math.cos(th), 0.998 * Math.sin(th)], [0.998 * Math.cos(th), -0.998 * Math.sin(th)]);
function rank10(R: number, T: number, N: number) {
  let s = 11;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const M = Array.from({ length: N }, () => Array.from({ length: 10 }, rnd));
  const data = new Float64Array(R * T * N);
  for (let r = 0; r < R; r++) {
    const z0 = Array.from({ length: 10 }, () => 1 + rnd());
    for (let t = 0; t < T; t++) {
      // real coordinates: offset, real mode, then (cos, sin) pairs of each rotation
      const z = [z0[0], z0[1] * 0.995 ** t];
      for (let p = 0; p < 4; p++) {
        const th = [0.05, 0.1, 0.2, 0.3][p], g = 0.998 ** t;
        z.push(g * (z0[2 + 2 * p] * Math.cos(th * t) - z0[3 + 2 * p] * Math.sin(th * t)));
        z.push(g * (z0[2 + 2 * p] * Math.sin(th * t) + z0[3 + 2 * p] * Math.cos(th * t)));
      }
      for (let i = 0; i < N; i++) {
        let v = 0;
        for (let k = 0; k < 10; k++) v += M[i][k] * z[k];
        data[(r * T + t) * N + i] = v;
      }
    }
  }
  return { runs: R, T, N, data };
}

const asPoints = (e: { re: number; im: number }[]) => ({ re: e.map((x) => x.re), im: e.map((x) => x.im) });

/** Max over columns of ‖a − α b‖/‖a‖ with the best complex α (modes are defined up to a scale per column). */
function modeMismatch(a: Modes, b: Modes): number {
  let worst = 0;
  for (let k = 0; k < a.r; k++) {
    let nr = 0, ni = 0, bb = 0, aa = 0;
    for (let i = 0; i < a.N; i++) {
      const ar = a.re[i * a.r + k], ai = a.im[i * a.r + k], br = b.re[i * b.r + k], bi = b.im[i * b.r + k];
      nr += br * ar + bi * ai; ni += br * ai - bi * ar; bb += br * br + bi * bi; aa += ar * ar + ai * ai;
    }
    const alr = nr / bb, ali = ni / bb;
    let e = 0;
    for (let i = 0; i < a.N; i++) {
      const br = b.re[i * b.r + k], bi = b.im[i * b.r + k];
      e += (a.re[i * a.r + k] - (alr * br - ali * bi)) ** 2 + (a.im[i * a.r + k] - (alr * bi + ali * br)) ** 2;
    }
    worst = Math.max(worst, Math.sqrt(e / aa));
  }
  return worst;
}

describe('randomized route', () => {
  for (const reference of ['svd', 'gram'] as const) {
    it.each([[0], [3]])(`matches the ${reference} route (rank 10, %i delays)`, (delays) => {
      const set = ensemble(3, 60, 20);
      const opts = { delays, rank: { kind: 'rank', r: 10 } as const };
      const tol = reference === 'svd' ? 1e-10 : 1e-8;
      for (const modes of ['projected', 'exact'] as const) {
        const exactFit = computeSpectrum(set, { ...opts, modes, route: reference });
        const fastFit = computeSpectrum(set, { ...opts, modes, route: 'randomized' });
        const exact = exactFit.spectrum, fast = fastFit.spectrum;
        expect(fastFit.route).toBe('randomized');
        expect(fast.rank).toBe(10);
        expect(fast.eigenvalues).toHaveLength(10);
        expect(fast.singularValues.length).toBe(20); // r + 10 oversampling
        fast.singularValues.slice(0, 10).forEach((sv, i) =>
          expect(Math.abs(sv - exact.singularValues[i]) / exact.singularValues[0]).toBeLessThan(tol));
        expect(wasserstein1(asPoints(fast.eigenvalues), asPoints(exact.eigenvalues))).toBeLessThan(1e-8);
        fast.eigenvalues.forEach((e, i) => {
          expect(Math.hypot(e.re - exact.eigenvalues[i].re, e.im - exact.eigenvalues[i].im)).toBeLessThan(1e-8);
          const want = exact.eigenvalues[i].amplitude!;
          expect(Math.abs(e.amplitude! - want)).toBeLessThan(1e-8 * Math.max(1, want));
        });
        expect(Math.abs(fast.residual - exact.residual)).toBeLessThan(reference === 'svd' ? 1e-10 : 1e-7);
        expect(Math.abs(fast.truncatedEnergy - exact.truncatedEnergy)).toBeLessThan(1e-10);
        expect(Math.abs(fast.conditionNumber - exact.conditionNumber) / exact.conditionNumber).toBeLessThan(1e-8);
        expect(fast.pairs).toBe(exact.pairs);
        expect(fast.embeddedDim).toBe(exact.embeddedDim);
        const w = fast.warnings.find((x) => x.startsWith('randomized SVD (k = 20, q = 6 power iterations): leading singular values accurate to'));
        expect(w).toBeDefined();
        expect(w).toContain('energy and optimal rank rules are not available');
        expect(modeMismatch(exactFit.modes!(modes), fastFit.modes!(modes))).toBeLessThan(1e-8);
      }
    });
  }

  it('agrees when centered and on a window with every', () => {
    const set = ensemble(3, 80, 20);
    const opts = { delays: 2, rank: { kind: 'rank', r: 8 } as const, center: true, window: { start: 4, end: 76 }, every: 2 };
    const exact = computeSpectrum(set, { ...opts, route: 'svd' }).spectrum;
    const fast = computeSpectrum(set, { ...opts, route: 'randomized' }).spectrum;
    expect(wasserstein1(asPoints(fast.eigenvalues), asPoints(exact.eigenvalues))).toBeLessThan(1e-8);
    expect(Math.abs(fast.residual - exact.residual)).toBeLessThan(1e-10);
  });

  it('the residual from the small matrices equals the explicit pass over the data where it is used, and tiny residuals stay explicit', () => {
    // noisy data: relative residual ~0.1, above the cut, so 'auto' takes the O((n + m)·rr²) form
    const noisy = ensemble(2, 90, 30);
    for (let i = 0; i < noisy.data.length; i++) noisy.data[i] += 0.05 * Math.sin(0.71 * i * i);
    const opts = { delays: 1, rank: { kind: 'rank', r: 6 } as const, route: 'randomized' as const };
    const auto = computeSpectrum(noisy, opts).spectrum;
    const explicit = computeSpectrum(noisy, { ...opts, randomized: { residual: 'explicit' } }).spectrum;
    expect(auto.residual ** 2).toBeGreaterThan(RESIDUAL_CUT);
    expect(Math.abs(auto.residual - explicit.residual) / explicit.residual).toBeLessThan(1e-10);
    // exact rank-10 data: the residual is ~1e-9, far below the cut, where the short form would be all cancellation
    const exact = rank10(2, 60, 15);
    const a = computeSpectrum(exact, { delays: 1, rank: { kind: 'rank', r: 10 }, route: 'randomized' }).spectrum;
    const e = computeSpectrum(exact, { delays: 1, rank: { kind: 'rank', r: 10 }, route: 'randomized', randomized: { residual: 'explicit' } }).spectrum;
    expect(a.residual).toBe(e.residual);
    expect(a.residual).toBeLessThan(1e-6);
  });

  it('caps the rank at the numerical rank with a warning', () => {
    const set = rank10(2, 60, 15);
    const fast = computeSpectrum(set, { delays: 1, rank: { kind: 'rank', r: 14 }, route: 'randomized' }).spectrum;
    expect(fast.rank).toBe(10);
    expect(fast.warnings.some((w) => w.includes('rank 14 requested'))).toBe(true);
  });

  it('refuses rank rules that need every singular value, and PCA', () => {
    const set = ensemble(2, 40, 10);
    for (const rank of [{ kind: 'energy', fraction: 0.99 }, { kind: 'optimal' }, { kind: 'full' }] as const) {
      expect(() => computeSpectrum(set, { rank, route: 'randomized' })).toThrow(/randomized route computes only the leading singular values/);
    }
    expect(() => computeSpectrum(set, { rank: { kind: 'rank', r: 3 }, pca: 5, route: 'randomized' })).toThrow(/PCA/);
  });

  it("is auto's choice at embedded dimension 800 with 2200 pairs, and exact on rank-10 data", () => {
    const set = rank10(5, 460, 40);
    const delays = 19;
    expect(set.runs * (set.T - delays - 1)).toBeGreaterThan(RANDOMIZED_MIN_PAIRS);
    const fit = computeSpectrum(set, { delays, rank: { kind: 'rank', r: 10 } });
    // the work bound is the route: the Gram route would eigendecompose a 2200 × 2200 matrix (no timing asserted)
    expect(fit.route).toBe('randomized');
    const s = fit.spectrum;
    expect(s.embeddedDim).toBe(800);
    expect(s.pairs).toBe(2200);
    const truth = { re: TRUE_LAMBDA.map((p) => p[0]), im: TRUE_LAMBDA.map((p) => p[1]) };
    expect(wasserstein1(asPoints(s.eigenvalues), truth)).toBeLessThan(1e-8);
    expect(s.residual).toBeLessThan(1e-8);
    expect(s.truncatedEnergy).toBeLessThan(1e-12);
    const modes = fit.modes!('projected');
    expect(modes.N).toBe(40);
    expect(modes.r).toBe(10);
  }, 60_000);
});
