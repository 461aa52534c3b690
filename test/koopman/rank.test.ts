/**
 * Rank rules (rank.ts, RankRule in types.ts): energy and Gavish–Donoho optimal ranks against the golden fixture
 * (noisy rank-5 data, N = 60, X is 60 × 80), capping of a fixed rank at the numerical rank (E1, E7:
 * docs/methods.md), invalid rules.
 */
import { describe, expect, it } from 'vitest';
import { computeSpectrum } from '../../src/koopman/analyze';
import { chooseRank, gavishDonohoOmega } from '../../src/koopman/rank';
import type { RankRule } from '../../src/koopman/types';
import { expectArrayClose, expectEigenvaluesClose, expectScalarClose } from '../matchers';
import { golden, toSet } from './fixtures';

const G = golden();
const energyCases = ['rank_energy_05', 'rank_energy_09', 'rank_energy_0999', 'rank_energy_09999'] as const;

describe('energy rank rule matches golden (PyDMD float svd_rank)', () => {
  for (const name of energyCases) {
    for (const route of ['svd', 'gram'] as const) {
      const c = G.cases[name];
      const frac = (c.options.rank as { fraction: number }).fraction;
      it(`${name} (fraction ${frac}) → rank ${c.expectedRank} [${route}]`, () => {
        const s = computeSpectrum(toSet(c.runs), { ...c.options, route }).spectrum;
        expect(s.rank).toBe(c.expectedRank);
        expect(s.rank).toBe(c.expected.rank);
        expect(s.rankRule).toEqual(c.options.rank);
        // the kept energy is the golden cumulative share at that rank, and reaches the fraction
        // golden stores the first 8 cumulative shares; recompute all of them from its singular values
        const sig2 = c.expected.singularValues.map((v) => v * v);
        const total = sig2.reduce((a, b) => a + b, 0);
        const cum = sig2.map((_, i) => sig2.slice(0, i + 1).reduce((a, b) => a + b, 0) / total);
        expectArrayClose(cum.slice(0, 8), (c as unknown as { cumulativeEnergy: number[] }).cumulativeEnergy, 1e-12,
          'cumulative energy (fixture consistency)');
        expectScalarClose(1 - s.truncatedEnergy, cum[s.rank - 1], 1e-10, 'kept energy');
        expect(1 - s.truncatedEnergy).toBeGreaterThanOrEqual(frac - 1e-12);
        if (s.rank > 1) expect(cum[s.rank - 2]).toBeLessThan(frac);
        expectEigenvaluesClose(s.eigenvalues, c.expected.eigenvalues, route === 'svd' ? 1e-10 : 1e-8, 'eigenvalues');
      });
    }
  }
});

describe('optimal (Gavish–Donoho) rank rule matches golden', () => {
  const c = G.cases.rank_optimal as typeof G.cases.rank_optimal & { beta: number; omega: number; threshold: number };
  it('ω(β) for β = 60/80 and the threshold ω·median(σ)', () => {
    expect(c.beta).toBe(0.75);
    expectScalarClose(gavishDonohoOmega(c.beta), c.omega, 1e-14, 'ω(β)');
    const sigma = c.expected.singularValues;
    const sorted = [...sigma].sort((a, b) => a - b);
    const median = (sorted[29] + sorted[30]) / 2;
    expectScalarClose(c.omega * median, c.threshold, 1e-12, 'threshold');
    // from the golden singular values alone
    expect(chooseRank(sigma, sigma.length, { kind: 'optimal' }, 60, 80).r).toBe(c.expectedRank);
  });
  for (const route of ['svd', 'gram'] as const) {
    it(`rank ${c.expectedRank} (the signal rank) [${route}]`, () => {
      const s = computeSpectrum(toSet(c.runs), { ...c.options, route }).spectrum;
      expect(s.rank).toBe(c.expectedRank);
      expect(s.rank).toBe(5);
      expectArrayClose(s.singularValues.slice(0, 60), c.expected.singularValues, { rel: route === 'svd' ? 1e-10 : 1e-6 }, 'σ');
      expectEigenvaluesClose(s.eigenvalues, c.expected.eigenvalues, route === 'svd' ? 1e-10 : 1e-8, 'eigenvalues');
      expect(s.warnings).toEqual([]);
    });
  }
  it('pure noise (flat σ) keeps nothing: falls back to rank 1 with a warning', () => {
    const choice = chooseRank(Array(10).fill(1), 10, { kind: 'optimal' }, 10, 20);
    expect(choice.r).toBe(1);
    expect(choice.warnings.join(' ')).toMatch(/keeps no singular value/);
  });
});

describe('fixed rank above the numerical rank is capped with a warning', () => {
  it('E1 (4-D) asked for rank 10 → 4, same spectrum as rank 4 [svd, gram]', () => {
    const c = G.cases.e1_linear4;
    for (const route of ['svd', 'gram'] as const) {
      const s = computeSpectrum(toSet(c.runs), { rank: { kind: 'rank', r: 10 }, route }).spectrum;
      expect(s.rank).toBe(4);
      expect(s.warnings.join(' ')).toMatch(/rank 10 requested .* numerical rank 4; using 4/);
      expectEigenvaluesClose(s.eigenvalues, c.expected.eigenvalues, route === 'svd' ? 1e-10 : 1e-8, `capped/${route}`);
    }
  });
  it('E7 x (delay matrix of rank 2, dimension 6) asked for rank 5 → 2', () => {
    const c = G.cases.e7_conjugacy_x;
    const s = computeSpectrum(toSet(c.runs), { delays: 2, rank: { kind: 'rank', r: 5 }, route: 'svd' }).spectrum;
    expect(s.rank).toBe(2);
    expect(s.warnings.join(' ')).toMatch(/numerical rank 2/);
    expectEigenvaluesClose(s.eigenvalues, [[0.9, 0], [0.6, 0]], 1e-8, 'E7 x capped');
  });
  it('a rank within the numerical rank gives no warning; full on full-rank data gives no warning', () => {
    const c = G.cases.e1_linear4;
    expect(computeSpectrum(toSet(c.runs), { rank: { kind: 'rank', r: 3 }, route: 'svd' }).spectrum.warnings).toEqual([]);
    const full = computeSpectrum(toSet(c.runs), { rank: { kind: 'full' }, route: 'svd' }).spectrum;
    expect(full.rank).toBe(4);
    expect(full.warnings).toEqual([]);
  });
  it('energy fraction 1 on rank-deficient data stops at the numerical rank', () => {
    const c = G.cases.e7_conjugacy_x;
    const s = computeSpectrum(toSet(c.runs), { delays: 2, rank: { kind: 'energy', fraction: 1 }, route: 'svd' }).spectrum;
    expect(s.rank).toBe(2);
  });
});

describe('invalid rank rules throw', () => {
  const set = toSet(G.cases.e1_linear4.runs);
  const bad: [string, RankRule][] = [
    ['rank 0', { kind: 'rank', r: 0 }],
    ['rank −1', { kind: 'rank', r: -1 }],
    ['rank 2.5', { kind: 'rank', r: 2.5 }],
    ['rank NaN', { kind: 'rank', r: NaN }],
    ['rank missing', { kind: 'rank' } as unknown as RankRule],
    ['energy 0', { kind: 'energy', fraction: 0 }],
    ['energy 1.5', { kind: 'energy', fraction: 1.5 }],
    ['energy −0.1', { kind: 'energy', fraction: -0.1 }],
    ['energy NaN', { kind: 'energy', fraction: NaN }],
  ];
  for (const [label, rule] of bad) {
    it(`${label}`, () => {
      expect(() => computeSpectrum(set, { rank: rule })).toThrow(/rank must be|energy fraction/);
      expect(() => chooseRank([3, 2, 1], 3, rule, 3, 5)).toThrow();
    });
  }

  // Regression: an unknown kind (hand-written JSON config) must not reach ml-matrix as rank undefined.
  it('an unknown rule kind throws a clear Error naming the rule', () => {
    const rule = { kind: 'bogus' } as unknown as RankRule;
    expect(() => chooseRank([3, 2, 1], 3, rule, 3, 5)).toThrow(/rank rule|bogus/);
    expect(() => computeSpectrum(set, { rank: rule })).toThrow(/rank rule|bogus/);
  });
  it('an unknown rule kind does at least throw (today: from deep inside ml-matrix)', () => {
    expect(() => computeSpectrum(set, { rank: { kind: 'bogus' } as unknown as RankRule })).toThrow();
  });
});
