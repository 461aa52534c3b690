/**
 * The DMD engine against the NumPy golden fixtures (test/fixtures/golden.json, made by make_fixtures.py: paper 1's
 * projected DMD re-implemented by hand; docs/methods.md E1–E8). Every case goes through `computeSpectrum` with the
 * case's options, on the SVD route and (where meaningful and affordable) on the Gram route.
 *
 * Tolerances. SVD route: eigenvalues 1e-10 (observed ≤ 6e-14 on every case). Gram route (method of snapshots):
 * the Gram squares the condition number, so 1e-8 (observed ≤ 5e-12; worst: rank_energy_09999, κ = 325). Residual:
 * 1e-8 absolute on the SVD route (explicit ‖Y − AX‖); on the Gram route the residual is √(‖Y‖² − ‖K‖²), whose
 * cancellation leaves an absolute error of order √ε ≈ 1.5e-8 on a residual that is really ~1e-15 (dmd.ts says so:
 * "good to ~√ε relative"; observed 2.8e-8 on e2_hankel), so 1e-7 there.
 */
import { describe, expect, it } from 'vitest';
import { computeSpectrum, type SpectrumOptions } from '../../src/koopman/analyze';
import type { Spectrum } from '../../src/koopman/types';
import { wasserstein1 } from '../../src/koopman/wasserstein';
import { bisectionTrajectories, ogdTrajectories, omdTrajectories, OMD_OGD_DELAYS } from '../../src/demos/omdOgd';
import {
  expectArrayClose, expectEigenvaluesClose, expectMatchedValuesClose, expectScalarClose, matchEigenvalues,
} from '../matchers';
import { golden, reals, toSet, type GoldenCase, type GoldenExpected } from './fixtures';

const G = golden();
type Route = 'svd' | 'gram';

const TOL = {
  svd: { eig: 1e-10, sigmaRel: 1e-10, ampRel: 1e-9, residual: 1e-8, energy: 1e-10 },
  gram: { eig: 1e-8, sigmaRel: 1e-8, ampRel: 1e-7, residual: 1e-7, energy: 1e-8 },
} as const;

/**
 * Cases NOT run on the Gram route, and why:
 * - e7_*: 25 runs × 57 pairs = 1425 snapshot pairs, so the Gram route needs a 1425 × 1425 symmetric eigensolve
 *   (measured 70–90 s each with ml-matrix; still tens of seconds with the flat solver: far over this suite's
 *   budget), and κ(X) ≈ 1e16 is far below the Gram's √ε floor anyway. The E7 checks below run on the SVD route.
 * - windows: a separate describe (per-window goldens).
 */
const GRAM_SKIP = new Set(['e7_conjugacy_y', 'e7_conjugacy_x']);
/** Cases with special expectations (E7: the engine's 'full' drops round-off triplets, numpy keeps them). */
const SPECIAL = new Set(['e7_conjugacy_y', 'e7_conjugacy_x', 'windows']);

function fit(c: GoldenCase, route: Route, extra: SpectrumOptions = {}): Spectrum {
  const f = computeSpectrum(toSet(c.runs), { ...c.options, route, ...extra });
  // PCA runs through explicit PCA coordinates, so its fit reports the SVD route even when the Gram is asked for
  if (!c.options.pca) expect(f.route).toBe(route);
  return f.spectrum;
}

/** Everything a golden `expected` block pins, for one fit. */
function checkAgainst(s: Spectrum, e: GoldenExpected, route: Route, label: string): void {
  const t = TOL[route];
  expect(s.rank, `${label}: rank`).toBe(e.rank);
  expect(s.embeddedDim, `${label}: embeddedDim`).toBe(e.embeddedDim);
  expect(s.pairs, `${label}: pairs`).toBe(e.pairs);
  expectEigenvaluesClose(s.eigenvalues, e.eigenvalues, t.eig, `${label}: eigenvalues`);
  expectArrayClose(s.singularValues.slice(0, e.rank), e.singularValues.slice(0, e.rank), { rel: t.sigmaRel },
    `${label}: singularValues`);
  expectScalarClose(s.residual, e.residual, t.residual, `${label}: residual`);
  expectScalarClose(s.truncatedEnergy, e.truncatedEnergy, t.energy, `${label}: truncatedEnergy`);
  expectScalarClose(s.conditionNumber, e.conditionNumber, { rel: t.sigmaRel * 10 }, `${label}: conditionNumber`);
}

function checkAmplitudes(c: GoldenCase, s: Spectrum, route: Route, kind: 'projected' | 'exact', label: string): void {
  const e = c.expected;
  const expected = kind === 'projected' ? e.amplitudesProjectedAbs! : e.amplitudesExactAbs!;
  const scale = Math.max(...expected);
  expectMatchedValuesClose(s.eigenvalues, s.eigenvalues.map((v) => v.amplitude ?? NaN), e.eigenvalues, expected,
    { abs: TOL[route].ampRel * scale }, `${label}: |b| (${kind})`);
}

describe('golden cases (make_fixtures.py) through computeSpectrum', () => {
  for (const [name, c] of Object.entries(G.cases)) {
    if (SPECIAL.has(name)) continue;
    for (const route of ['svd', 'gram'] as const) {
      if (route === 'gram' && GRAM_SKIP.has(name)) continue;
      it(`${name} [${route}]: eigenvalues, singular values, rank, residual${c.expected.amplitudesProjectedAbs ? ', |b|' : ''}`, () => {
        const s = fit(c, route);
        checkAgainst(s, c.expected, route, `${name}/${route}`);
        expect(s.sketched).toBe(false);
        if (c.expected.amplitudesProjectedAbs) {
          checkAmplitudes(c, s, route, 'projected', `${name}/${route}`);
          // eigenvalues do not depend on the mode kind; only the amplitudes do
          const se = fit(c, route, { modes: 'exact' });
          expectEigenvaluesClose(se.eigenvalues, s.eigenvalues, 1e-14, `${name}/${route}: eigenvalues (exact modes)`);
          checkAmplitudes(c, se, route, 'exact', `${name}/${route}`);
        }
        if (c.trueEigenvalues) {
          // noise-free cases: the true spectrum too (to 1e-9: the data are exact up to round-off)
          expectEigenvaluesClose(s.eigenvalues, c.trueEigenvalues, 1e-9, `${name}/${route}: vs true eigenvalues`);
        }
        if (c.expectedRank !== undefined) expect(s.rank).toBe(c.expectedRank);
      });
    }
  }
});

describe('E1: derived quantities (growth rate = ln|λ|, not PyDMD’s Re λ)', () => {
  const c = G.cases.e1_linear4;
  it('frequency ±0.3/2π = ±0.0477465 cycles/step, growth rates ln 0.95, ln 0.9, ln 0.5', () => {
    const s = fit(c, 'svd');
    const [p, q, a, b] = s.eigenvalues;
    // sorted by |λ| desc, conjugate pair +im first
    expectScalarClose(p.frequency, 0.3 / (2 * Math.PI), 1e-10, 'frequency[0]');
    expectScalarClose(p.frequency, 0.0477465, 1e-7, 'frequency[0] (rounded value)');
    expectScalarClose(q.frequency, -0.0477465, 1e-7, 'frequency[1]');
    expectScalarClose(a.frequency, 0, 1e-12, 'frequency[2]');
    expectScalarClose(b.frequency, 0, 1e-12, 'frequency[3]');
    expectArrayClose(s.eigenvalues.map((e) => e.growthRate), [-0.051293, -0.051293, -0.105361, -0.693147], 1e-6,
      'growthRate');
    expectArrayClose(s.eigenvalues.map((e) => e.growthRate), [Math.log(0.95), Math.log(0.95), Math.log(0.9), Math.log(0.5)],
      1e-10, 'growthRate (exact)');
    // explicitly not PyDMD's Re λ/dt
    expect(Math.abs(p.growthRate - p.re)).toBeGreaterThan(0.5);
    expectArrayClose(s.eigenvalues.map((e) => e.abs), [0.95, 0.95, 0.9, 0.5], 1e-10, '|λ|');
    expectScalarClose(p.arg, 0.3, 1e-10, 'arg λ0');
    expectScalarClose(p.ctRe, Math.log(0.95), 1e-10, 'ctRe');
    expectScalarClose(p.ctIm, 0.3, 1e-10, 'ctIm');
  });

  it('dt scales the continuous-time quantities (dt = 10 steps per snapshot)', () => {
    const s = computeSpectrum(toSet(c.runs), { ...c.options, route: 'svd', dt: 10 }).spectrum;
    expect(s.dt).toBe(10);
    expectScalarClose(s.eigenvalues[0].growthRate, Math.log(0.95) / 10, 1e-11, 'growthRate (dt 10)');
    expectScalarClose(s.eigenvalues[0].frequency, 0.3 / (2 * Math.PI * 10), 1e-11, 'frequency (dt 10)');
    expectScalarClose(s.eigenvalues[0].re, 0.95 * Math.cos(0.3), 1e-10, 're (dt does not change λ)');
  });
});

describe('E4: ensemble stacking', () => {
  it('stacked 5 × 30 recovers the true spectrum; concatenating the runs into one 150-step series does not', () => {
    const st = G.cases.e4_stacked, cc = G.cases.e4_concatenated;
    const sStacked = fit(st, 'svd');
    expect(sStacked.runs).toBe(5);
    expect(sStacked.pairs).toBe(5 * 29); // pairs never straddle runs
    expectEigenvaluesClose(sStacked.eigenvalues, st.trueEigenvalues!, 1e-10, 'stacked vs true');
    // the same data as ONE run of 150 snapshots: 4 seams break the linear fit
    const concat = toSet(st.runs);
    const one = computeSpectrum({ runs: 1, T: 150, N: concat.N, data: concat.data }, { ...st.options, route: 'svd' }).spectrum;
    expect(one.pairs).toBe(149);
    const w = wasserstein1(sStacked.eigenvalues, one.eigenvalues);
    expect(w).toBeGreaterThan(1e-3);
    expectScalarClose(w, cc.wToStacked!, 1e-9, 'W1(stacked, concatenated) vs golden');
    expect(one.residual).toBeGreaterThan(0.1);
    expect(sStacked.residual).toBeLessThan(1e-12);
  });
});

describe('E6: gradient descent on a quadratic', () => {
  it('η = 0.05 → 0.95, 0.85, 0.5', () => {
    const s = fit(G.cases.e6_gd_eta005, 'svd');
    expectEigenvaluesClose(s.eigenvalues, reals([0.95, 0.85, 0.5]), 1e-10, 'GD η = 0.05');
    expectArrayClose(s.eigenvalues.map((e) => e.re), [0.95, 0.85, 0.5], 1e-10, 'sorted by |λ|');
  });
  it('η = 0.19 → 0.81, 0.43, −0.90 (a negative real eigenvalue: oscillation across the valley)', () => {
    const s = fit(G.cases.e6_gd_eta019, 'svd');
    expectEigenvaluesClose(s.eigenvalues, reals([0.81, 0.43, -0.9]), 1e-10, 'GD η = 0.19');
    const neg = s.eigenvalues.filter((e) => e.re < 0);
    expect(neg).toHaveLength(1);
    expectScalarClose(neg[0].re, -0.9, 1e-10, 'negative eigenvalue');
    expectScalarClose(neg[0].im, 0, 1e-12, 'negative eigenvalue im');
    expectScalarClose(Math.abs(neg[0].frequency), 0.5, 1e-10, 'Nyquist frequency'); // arg = π
    expect(s.eigenvalues[0].re).toBeCloseTo(-0.9, 10); // largest modulus
  });
  it('heavy ball (β = 0.9): every eigenvalue has |λ| = √0.9', () => {
    const c = G.cases.e6_heavy_ball;
    const s = fit(c, 'svd');
    expect(s.eigenvalues).toHaveLength(6);
    expectArrayClose(s.eigenvalues.map((e) => e.abs), Array(6).fill(Math.sqrt(0.9)), 1e-10, '|λ|');
    expectEigenvaluesClose(s.eigenvalues, c.trueEigenvalues!, 1e-9, 'heavy ball vs true');
    // three conjugate pairs
    expect(s.eigenvalues.filter((e) => e.im > 1e-6)).toHaveLength(3);
  });
});

describe('E7: conjugacy and the delay/rank trap (full rank)', () => {
  // golden's {kind:'full'} keeps all 6 triplets like numpy (k = −1); the engine's 'full' drops the round-off ones and
  // warns. So pin only the principal eigenvalues (1e-8) and check the warning.
  for (const name of ['e7_conjugacy_y', 'e7_conjugacy_x'] as const) {
    it(`${name}: principal eigenvalues to 1e-8, round-off triplets dropped with a warning [svd]`, () => {
      const c = G.cases[name];
      const s = fit(c, 'svd');
      const k = c.stableEigenvalueCount!;
      expect(s.rank).toBe(k);
      expect(s.eigenvalues).toHaveLength(k);
      expectEigenvaluesClose(s.eigenvalues, c.principalEigenvalues!, 1e-8, `${name}: principal`);
      expectEigenvaluesClose(s.eigenvalues, reals(c.principalTargets!), 1e-8, `${name}: targets`);
      expectArrayClose(s.singularValues, c.expected.singularValues.slice(0, k), { rel: 1e-10 }, `${name}: σ`);
      expect(s.singularValues).toHaveLength(k); // only the meaningful ones are reported
      expect(s.warnings.some((w) => /rank-deficient|ill-conditioned/.test(w)), s.warnings.join('; ')).toBe(true);
      expect(s.residual).toBeLessThan(1e-8);
    });
  }
  it('y and x agree on their shared principal eigenvalues 0.9 and 0.6', () => {
    const sy = fit(G.cases.e7_conjugacy_y, 'svd'), sx = fit(G.cases.e7_conjugacy_x, 'svd');
    for (const target of [0.9, 0.6]) {
      const near = (s: Spectrum) => s.eigenvalues.reduce((b, e) => (Math.hypot(e.re - target, e.im) < Math.hypot(b.re - target, b.im) ? e : b));
      expectScalarClose(near(sy).re, near(sx).re, 1e-8, `λ ≈ ${target}`);
    }
  });
});

describe('E8: paper 1 OMD vs OGD (stacked, 4 delays, full rank, SVD route)', () => {
  const E = G.omd_ogd;
  const opts: SpectrumOptions = { delays: OMD_OGD_DELAYS, rank: { kind: 'full' }, route: 'svd' };
  const spectra = {
    omd: () => computeSpectrum(omdTrajectories(), opts).spectrum,
    ogd: () => computeSpectrum(ogdTrajectories(), opts).spectrum,
    bisection: () => computeSpectrum(bisectionTrajectories(), opts).spectrum,
  };
  let cache: Record<'omd' | 'ogd' | 'bisection', Spectrum> | undefined;
  const all = () => (cache ??= { omd: spectra.omd(), ogd: spectra.ogd(), bisection: spectra.bisection() });

  it('delays constant is 4; all 10 triplets kept for OMD and OGD', () => {
    expect(E.delays).toBe(OMD_OGD_DELAYS);
    const { omd, ogd } = all();
    for (const s of [omd, ogd]) {
      expect(s.rank).toBe(10);
      expect(s.embeddedDim).toBe(10);
      expect(s.pairs).toBe(25 * 95);
      expect(s.runs).toBe(25);
    }
    // singular values are perturbed by ~ε·σ1 absolutely (not relatively): the small ones only agree to ~1e-9 relative
    expectArrayClose(omd.singularValues, E.singularValues.omd, { abs: 1e-13 * E.singularValues.omd[0], rel: 1e-12 }, 'σ(OMD)');
    expectArrayClose(ogd.singularValues, E.singularValues.ogd, { abs: 1e-13 * E.singularValues.ogd[0], rel: 1e-12 }, 'σ(OGD)');
  });

  it('OMD eigenvalues match golden and published to 1e-9', () => {
    const { omd } = all();
    expectEigenvaluesClose(omd.eigenvalues, E.eigenvalues.omd, 1e-9, 'OMD vs golden');
    expectEigenvaluesClose(omd.eigenvalues, E.published.eigenvalues.omd, 1e-9, 'OMD vs published');
  });

  it('OGD eigenvalues match golden and published to 1e-8 (κ = σ1/σ10 = 2.2e8)', () => {
    // κ(X) = 2.2e8 puts the eigenvalues tied to σ10 at the mercy of the SVD's backward error, ε·κ ≈ 5e-8: JAMA's SVD
    // (ml-matrix) and LAPACK's land 4.3e-9 apart on the smallest-σ eigenvalue (3e-10 on the leading ones). The
    // engine warns about it.
    const { ogd } = all();
    expectEigenvaluesClose(ogd.eigenvalues, E.eigenvalues.ogd, 1e-8, 'OGD vs golden');
    expectEigenvaluesClose(ogd.eigenvalues, E.published.eigenvalues.ogd, 1e-8, 'OGD vs published');
    expect(ogd.warnings.some((w) => /ill-conditioned/.test(w))).toBe(true);
  });

  it('W1(OMD, OGD) = 0.0080732 (1e-6); W1 to bisection > 0.7', () => {
    const { omd, ogd, bisection } = all();
    const w = wasserstein1(omd.eigenvalues, ogd.eigenvalues);
    expectScalarClose(w, 0.0080732, 1e-6, 'W1(OMD, OGD)');
    expectScalarClose(w, E.w.omd_ogd, 1e-8, 'W1(OMD, OGD) vs golden');
    expectScalarClose(w, E.published.w.omd_ogd, 1e-8, 'W1(OMD, OGD) vs published');
    // bisection is numerically fragile: never pin its eigenvalues, only the distance
    expect(wasserstein1(omd.eigenvalues, bisection.eigenvalues)).toBeGreaterThan(0.7);
    expect(wasserstein1(ogd.eigenvalues, bisection.eigenvalues)).toBeGreaterThan(0.7);
    expect(matchEigenvalues(bisection.eigenvalues, E.eigenvalues.bisection).maxDist).toBeLessThan(1e-3);
  });
});

describe('windows case: computeSpectrum with `window` matches the golden per-window fits', () => {
  const c = G.cases.windows;
  const set = toSet(c.runs);
  for (const route of ['svd', 'gram'] as const) {
    for (const w of c.windows!) {
      it(`window [${w.start}, ${w.end}) [${route}]`, () => {
        const s = computeSpectrum(set, { ...c.options, route, window: { start: w.start, end: w.end } }).spectrum;
        checkAgainst(s, w.expected, route, `window ${w.start}:${w.end}/${route}`);
      });
    }
  }
  it('windows inside one regime recover its eigenvalues; the switch shows up as a jump', () => {
    const at = (start: number, end: number) =>
      computeSpectrum(set, { ...c.options, route: 'svd', window: { start, end } }).spectrum.eigenvalues;
    expectEigenvaluesClose(at(0, 60), c.trueEigenvaluesA1!, 1e-9, 'regime 1');
    expectEigenvaluesClose(at(60, 120), c.trueEigenvaluesA2!, 1e-9, 'regime 2');
    expect(wasserstein1(at(0, 60), at(60, 120))).toBeGreaterThan(0.01);
  });
});
