/**
 * The conjugacy verdict (src/koopman/conjugacy.ts): the seed permutation test against brute-force NumPy/SciPy values
 * (test/fixtures/conjugacy.json, from make_conjugacy_fixtures.py), its Monte Carlo branch against the exact one, the
 * design's smallest p, and the verdicts on paper 1's published spectra (read from the shared folder; skipped when
 * absent) that docs/conjugacy.md quotes as the evidence for the cut-offs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  binomial, exactPMin, judgeAgainstReference, seedsNeeded, testDistanceMatrix, testSeedGroups, type SeedGroupsTest,
} from '../../src/koopman/conjugacy';
import { wasserstein1 } from '../../src/koopman/wasserstein';
import { loadPaperEigenvalues, notePaperDataSkipped, paperDataAvailable } from '../paperData';

interface Case {
  name: string;
  sizes: [number, number];
  sets: { re: number[]; im: number[] }[];
  statistic: number;
  meanBetween: number;
  meanWithin: number;
  ratio: number;
  pExact: number;
  relabellings: number;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/conjugacy.json', import.meta.url), 'utf8')) as { cases: Case[] };

function seeds(c: Case): SeedGroupsTest {
  const a = c.sets.slice(0, c.sizes[0]), b = c.sets.slice(c.sizes[0]);
  const t = testSeedGroups(a, b);
  if (t.kind !== 'seeds') throw new Error('expected a seed test');
  return t;
}

describe('seed permutation test against brute force (NumPy/SciPy)', () => {
  it.each(fixture.cases.map((c) => [c.name, c]))('%s', (_name, c) => {
    const t = seeds(c);
    expect(t.method).toBe('exact');
    expect(t.relabellings).toBe(c.relabellings);
    expect(t.totalRelabellings).toBe(c.relabellings);
    expect(t.statistic).toBeCloseTo(c.statistic, 12);
    expect(t.meanBetween).toBeCloseTo(c.meanBetween, 12);
    expect(t.meanWithin).toBeCloseTo(c.meanWithin, 12);
    expect(Math.abs(t.ratio - c.ratio)).toBeLessThan(1e-10);
    // Exact enumeration: the same count of relabellings at least as extreme, so p agrees to round-off.
    expect(Math.abs(t.pValue - c.pExact)).toBeLessThan(1e-12);
    expect(t.pValue).toBeGreaterThanOrEqual(t.pMin - 1e-15);
  });

  it('Monte Carlo p agrees with the exact p within its sampling error', () => {
    for (const c of fixture.cases.filter((x) => x.relabellings >= 100)) {
      const a = c.sets.slice(0, c.sizes[0]), b = c.sets.slice(c.sizes[0]);
      const mc = testSeedGroups(a, b, { exactLimit: 0, permutations: 4000, seed: 7 }) as SeedGroupsTest;
      expect(mc.method).toBe('monte-carlo');
      const se = Math.sqrt((c.pExact * (1 - c.pExact)) / 4000) + 1 / 4000;
      expect(Math.abs(mc.pValue - c.pExact)).toBeLessThan(5 * se);
      expect(mc.pMin).toBeCloseTo(Math.max(exactPMin(c.sizes[0], c.sizes[1]), 1 / 4001), 15);
    }
  });

  it('is deterministic for a seed, and the bootstrap CI brackets R for a clear difference', () => {
    const c = fixture.cases.find((x) => x.name.startsWith('shifted'))!;
    const t1 = seeds(c), t2 = seeds(c);
    expect(t1).toEqual(t2);
    expect(t1.ratioCI).not.toBeNull();
    expect(t1.ratioCI![0]).toBeLessThanOrEqual(t1.ratio);
    expect(t1.ratioCI![1]).toBeGreaterThanOrEqual(t1.ratio);
    expect(t1.ratioCI![0]).toBeGreaterThan(1);
  });
});

describe('design limits and words', () => {
  it('binomial coefficients and the smallest exact p', () => {
    expect(binomial(10, 5)).toBe(252);
    expect(binomial(50, 25)).toBe(126410606437752);
    expect(exactPMin(5, 5)).toBeCloseTo(2 / 252, 15);
    expect(exactPMin(2, 7)).toBeCloseTo(1 / 36, 15);
    expect(seedsNeeded(0.01)).toBe(5); // 2/C(8,4) = 0.029, 2/C(10,5) = 0.0079
    expect(seedsNeeded(0.05)).toBe(4); // 2/C(6,3) = 0.1, 2/C(8,4) = 0.029
  });

  it('a design that cannot reach p < alpha is inconclusive and says how many seeds are needed', () => {
    const c = fixture.cases.find((x) => x.name === 'unbalanced 2+7')!; // smallest p = 1/36 > 0.01
    const t = seeds(c);
    expect(t.label).toBe('inconclusive');
    expect(t.seedsNeeded).toBe(5);
    expect(t.verdict).toMatch(/^inconclusive: 2 \+ 7 seeds cannot reach p < 0\.01 .*at least 5 seeds per configuration/);
  });

  it('a significant and large difference is non-conjugate; the same groups unshifted are conjugate-like', () => {
    const shifted = seeds(fixture.cases.find((x) => x.name === 'shifted 5+5')!);
    expect(shifted.pValue).toBeLessThan(0.01);
    expect(shifted.label).toBe('non-conjugate');
    expect(shifted.verdict).toMatch(/^non-conjugate: between\/within W1 = 1\.\d\d× \(95 % CI .*\), permutation p = 0\.0079 .* over 5 \+ 5 seeds$/);
    const same = seeds(fixture.cases.find((x) => x.name === 'same distribution 5+6')!);
    expect(same.label).toBe('conjugate-like');
    expect(same.verdict).toMatch(/^conjugate-like: .*no difference beyond the seed-to-seed spread$/);
  });

  it('a significant but small effect is "conjugate-like (detectable but small)"', () => {
    // Two groups of 6 points each on a line: within distances 1, between 1.1 → R ≈ 1.1 with a tiny spread.
    const n = 12, nA = 6;
    const D = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const cross = (i < nA) !== (j < nA);
      D[i * n + j] = (cross ? 1.1 : 1) + 1e-3 * Math.sin(i + j);
    }
    const t = testDistanceMatrix(D, nA, n - nA);
    expect(t.pValue).toBeLessThan(0.01);
    expect(t.ratio).toBeGreaterThan(1.05);
    expect(t.ratio).toBeLessThan(1.25);
    expect(t.label).toBe('conjugate-like');
    expect(t.verdict).toMatch(/^conjugate-like \(detectable but small\)/);
  });

  it('one spectrum per side gives no test; a reference contrast is judged with no p-value', () => {
    const one = [{ re: [0.9], im: [0] }], other = [{ re: [0.8], im: [0] }];
    const none = testSeedGroups(one, other);
    expect(none.kind).toBe('none');
    expect(none.label).toBe('inconclusive');
    const ref = judgeAgainstReference(0.0080732, 0.746, 'W1(OMD, bisection)');
    expect(ref.label).toBe('conjugate-like');
    expect(ref.ratio).toBeCloseTo(0.0080732 / 0.746, 12);
    expect(ref.verdict).toMatch(/no p-value/);
    expect(judgeAgainstReference(0.7, 0.746, 'x').label).toBe('non-conjugate');
    expect(judgeAgainstReference(0.2, 0.746, 'x').label).toBe('inconclusive');
  });
});

describe.skipIf(!paperDataAvailable())("paper 1's published spectra (the evidence in docs/conjugacy.md)", () => {
  notePaperDataSkipped('conjugacy verdicts on the published spectra');
  const load = (f: string) => loadPaperEigenvalues(f).sets;
  const h5 = () => load('Koopman_eigenvalues_FCN_MNIST_h=5.npy');
  const h10 = () => load('Koopman_eigenvalues_FCN_MNIST_h=10.npy');
  const h40 = () => load('Koopman_eigenvalues_FCN_MNIST_h=40.npy');

  it('h=5 vs h=40 and h=5 vs h=10 are non-conjugate (p at its floor, R ≈ 1.55 and 1.40)', () => {
    const a = testSeedGroups(h5(), h40()) as SeedGroupsTest;
    expect(a.label).toBe('non-conjugate');
    expect(a.ratio).toBeCloseTo(1.5472, 3);
    expect(a.pValue).toBeLessThan(0.001);
    const b = testSeedGroups(h5(), h10()) as SeedGroupsTest;
    expect(b.label).toBe('non-conjugate');
    expect(b.ratio).toBeCloseTo(1.4008, 3);
  });

  it('h=10 vs h=40 is not called non-conjugate: detectable (p ≈ 0.002) but small (R ≈ 1.07)', () => {
    const t = testSeedGroups(h10(), h40()) as SeedGroupsTest;
    expect(t.label).toBe('conjugate-like');
    expect(t.significant).toBe(true);
    expect(t.ratio).toBeCloseTo(1.0746, 3);
    expect(t.pValue).toBeGreaterThan(0.0005);
    expect(t.pValue).toBeLessThan(0.01);
  });

  it('grokking vs constrained is non-conjugate (R ≈ 11.7)', () => {
    const t = testSeedGroups(load('grokking_mod_addition_eigs.npy'), load('grokking_mod_addition_constrained_alpha_0.8_eigs.npy')) as SeedGroupsTest;
    expect(t.label).toBe('non-conjugate');
    expect(t.ratio).toBeCloseTo(11.665, 2);
  });

  it('OMD vs OGD against the bisection contrast: ratio ≈ 0.011, conjugate-like', () => {
    const omd = load('mirror_descent_eigs.npy')[0], ogd = load('gradient_descent_eigs.npy')[0], bm = load('bisection_method_eigs.npy')[0];
    const j = judgeAgainstReference(wasserstein1(omd, ogd), wasserstein1(omd, bm), 'W1(OMD, bisection)');
    expect(j.ratio).toBeGreaterThan(0.009);
    expect(j.ratio).toBeLessThan(0.013);
    expect(j.label).toBe('conjugate-like');
  });
});
