/** Spearman's ρ with ties against scipy.stats.spearmanr, average ranks, and the permutation p-value. */
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../src/linalg/random';
import { averageRanks, spearman, spearmanPermutationP } from '../../src/lyapunov/stats';
import { fixtures } from './fixtures';

describe('spearman', () => {
  it.each(fixtures.spearman.map((c, i) => [i, c] as const))('case %i matches scipy.stats.spearmanr', (_i, c) => {
    expect(spearman(c.x, c.y)).toBeCloseTo(c.rho, 12);
  });

  it('average ranks share tied places', () => {
    expect(Array.from(averageRanks([3, 1, 3, 2, 3]))).toEqual([4, 1, 4, 2, 4]);
  });

  it('is ±1 for monotone relations, NaN for a constant, and drops NaN pairs', () => {
    const x = [1, 2, 3, 4, 5];
    expect(spearman(x, x.map((v) => Math.exp(v)))).toBeCloseTo(1, 14);
    expect(spearman(x, x.map((v) => -v * v))).toBeCloseTo(-1, 14);
    expect(spearman(x, [2, 2, 2, 2, 2])).toBeNaN();
    expect(spearman([1, 2, NaN, 4], [1, 2, 9, 4])).toBeCloseTo(1, 14);
  });

  it('permutation p is small for a strong relation and large for independent samples', () => {
    const rng = seededRng(4);
    const x = Array.from({ length: 30 }, () => rng.normal());
    expect(spearmanPermutationP(x, x.map((v) => v + 0.1 * rng.normal()), seededRng(1), 499)).toBeLessThan(0.01);
    const p = spearmanPermutationP(x, x.map(() => rng.normal()), seededRng(1), 499);
    expect(p).toBeGreaterThan(0.05);
  });
});

import statsRaw from '../fixtures/lyapunov_stats.json';
import { correlationP, holm, logGamma, partialSpearman, regularizedBeta, studentTwoSidedP } from '../../src/lyapunov/stats';

/** test/fixtures/make_lyapunov_stats_fixtures.py: SciPy's spearmanr p, a residual-route partial Spearman, Student t, Holm. */
const ref = statsRaw as unknown as {
  triples: { x: number[]; y: number[]; z: number[]; rho: number; p: number; partial: number; partialP: number }[];
  t: { t: number; df: number; p: number }[];
  holm: { p: (number | null)[]; adjusted: (number | null)[] };
};
const relClose = (a: number, b: number, tol: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(Math.abs(b), 1e-300));

describe('t-distribution p-values', () => {
  it('log Γ is exact at integers and ½', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });
  it('I_x(1, 1) = x and I_x(a, b) = 1 − I_{1−x}(b, a)', () => {
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedBeta(0.2, 2.5, 4) + regularizedBeta(0.8, 4, 2.5)).toBeCloseTo(1, 13);
  });
  it.each(ref.t.map((c) => [c.t, c.df, c] as const))('t = %f, df = %i matches 2·scipy.stats.t.sf', (_t, _df, c) => {
    relClose(studentTwoSidedP(c.t, c.df), c.p, 1e-10);
  });
});

describe('Spearman p and partial Spearman vs SciPy', () => {
  it.each(ref.triples.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const n = c.x.length;
    relClose(correlationP(spearman(c.x, c.y), n), c.p, 1e-9);
    const pc = partialSpearman(c.x, c.y, c.z);
    expect(pc.n).toBe(n);
    expect(pc.r).toBeCloseTo(c.partial, 12);
    relClose(correlationP(pc.r, n, 1), c.partialP, 1e-9);
  });
  it('partial correlation given z = x is undefined, and equals ρ when z is rank-uncorrelated with x and y', () => {
    const x = [1, 2, 3, 4, 5, 6, 7], y = [2, 1, 4, 3, 7, 5, 6];
    expect(partialSpearman(x, y, x).r).toBeNaN();
    // search the permutations of 1…7 for one with r_xz = r_yz = 0 exactly
    const perms = (a: number[]): number[][] => (a.length <= 1 ? [a] : a.flatMap((v, i) => perms([...a.slice(0, i), ...a.slice(i + 1)]).map((r) => [v, ...r])));
    const z = perms(x).find((c) => Math.abs(spearman(x, c)) < 1e-12 && Math.abs(spearman(y, c)) < 1e-12)!;
    expect(z).toBeDefined();
    expect(partialSpearman(x, y, z).r).toBeCloseTo(spearman(x, y), 14);
  });
});

describe('Holm', () => {
  it('matches the NumPy step-down with NaNs left out of the family', () => {
    const p = ref.holm.p.map((v) => (v === null ? NaN : v));
    const adj = holm(p);
    ref.holm.adjusted.forEach((v, i) => (v === null ? expect(adj[i]).toBeNaN() : expect(adj[i]).toBeCloseTo(v, 14)));
  });
  it('by hand: p = (0.01, 0.04, 0.03, 0.005) → (0.03, 0.06, 0.06, 0.02)', () => {
    const adj = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 14));
  });
});
