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
