/**
 * The conjugacy verdict: are two configurations' Koopman spectra further apart than seeds of one configuration are
 * from each other? One function decides it for every place that shows a verdict (`koopscope compare`, `koopscope
 * reproduce`, the app's run list, the results page and the demos gallery), so they all use the same words.
 * docs/conjugacy.md derives the test and documents the cut-offs with paper 1's published spectra as evidence.
 *
 * Design (seeds × two configurations):
 * - D is the matrix of W1 distances between all n = n_A + n_B spectra (one per seed).
 * - Statistic T = mean W1 over every cross pair (i in A, j in B) − mean W1 over every within pair (both in A or both
 *   in B, pooled). Every cross pair counts, not only matched seeds.
 * - Significance: a two-sample label-permutation test over seeds. Under the null "A and B are exchangeable" every
 *   relabelling of the n spectra into groups of n_A and n_B is equally likely. When C(n, n_A) ≤ `exactLimit` all
 *   relabellings are enumerated and p = #{T* ≥ T} / C(n, n_A) (the identity is among them); otherwise M seeded random
 *   relabellings give p = (1 + #{T* ≥ T}) / (M + 1). The smallest p the design can reach is reported: 1/C(n, n_A),
 *   or 2/C(n, n_A) when n_A = n_B (swapping the labels leaves T unchanged), and at least 1/(M + 1) by Monte Carlo.
 * - Effect size: R = mean between / mean within, with a percentile bootstrap CI that resamples seeds with replacement
 *   within each group (within pairs that drew the same seed twice are skipped: their W1 is 0 by construction).
 * - Words: `inconclusive` when the design cannot reach p < α (with the number of seeds a balanced design needs);
 *   else `non-conjugate` when p < α and R ≥ the effect cut-off; `conjugate-like` when R's bootstrap interval lies
 *   below the cut-off ("detectable but small" when p < α anyway); `inconclusive` otherwise (the interval reaches the
 *   cut-off: the data cannot rule out a large difference, or cannot size a detected one).
 *
 * Single spectra (no seeds, e.g. OMD vs OGD) have no seed-to-seed spread and get no p-value. They can be judged
 * against a reference contrast instead (W1(A, B) / W1(A, C) for a C known to differ), which `judgeAgainstReference`
 * does with stated heuristic cut-offs, and says so.
 */

import { UserError } from '../linalg/errors';
import { seededRng } from '../linalg/random';
import type { SpectrumDistance } from './seedNull';
import { wasserstein1, type EigenvalueSet } from './wasserstein';

export type ConjugacyLabel = 'non-conjugate' | 'conjugate-like' | 'inconclusive';

export interface ConjugacyOptions {
  /** Significance level; default 0.01. */
  alpha?: number;
  /**
   * R = between / within at or above which a significant difference is called non-conjugate, and below which R's
   * whole bootstrap interval must lie to call the spectra conjugate-like; default 1.25 (docs/conjugacy.md).
   */
  effectCutoff?: number;
  /** Random relabellings when enumeration is too large; default 9999 (smallest Monte Carlo p = 1e-4). */
  permutations?: number;
  /** Enumerate every relabelling when there are at most this many; default 20000. */
  exactLimit?: number;
  /** Bootstrap resamples for R's confidence interval; default 2000. */
  bootstrap?: number;
  /** Seed of the Monte Carlo relabellings and the bootstrap; default 1. */
  seed?: number;
  distance?: SpectrumDistance;
}

export const CONJUGACY_DEFAULTS = {
  alpha: 0.01,
  effectCutoff: 1.25,
  permutations: 9999,
  exactLimit: 20000,
  bootstrap: 2000,
  seed: 1,
} as const;

/** Reference-contrast cut-offs (heuristic, no p-value): ratio ≤ 0.1 conjugate-like, ≥ 0.5 non-conjugate. */
export const REFERENCE_CUTOFFS = { conjugateLike: 0.1, nonConjugate: 0.5 } as const;

/** The permutation test's result for two groups of seeds. */
export interface SeedGroupsTest {
  kind: 'seeds';
  label: ConjugacyLabel;
  /** One line in words, the same everywhere a verdict is shown. */
  verdict: string;
  /** Seeds per group. */
  sizes: [number, number];
  /** Mean W1 over every cross pair. */
  meanBetween: number;
  /** Mean W1 over every within-group pair, both groups pooled. */
  meanWithin: number;
  /** T = meanBetween − meanWithin. */
  statistic: number;
  /** R = meanBetween / meanWithin (Infinity when meanWithin = 0 < meanBetween). */
  ratio: number;
  /** 95 % percentile bootstrap interval of R over seeds (null when no resample had a within pair). */
  ratioCI: [number, number] | null;
  pValue: number;
  /** The smallest p this design (group sizes, method) can give. */
  pMin: number;
  method: 'exact' | 'monte-carlo';
  /** Relabellings evaluated (all of them when exact). */
  relabellings: number;
  /** C(n, n_A): how many relabellings exist. */
  totalRelabellings: number;
  /** p < alpha. */
  significant: boolean;
  /** Seeds per group a balanced design needs to reach p < alpha, when this one cannot. */
  seedsNeeded?: number;
  alpha: number;
  effectCutoff: number;
}

/** Two single spectra judged against a reference contrast (no p-value). */
export interface ReferenceJudgement {
  kind: 'reference';
  label: ConjugacyLabel;
  verdict: string;
  distance: number;
  referenceDistance: number;
  referenceLabel: string;
  /** distance / referenceDistance. */
  ratio: number;
}

/** No test is possible (one spectrum per side, no reference). */
export interface NoTest {
  kind: 'none';
  label: 'inconclusive';
  verdict: string;
}

export type ConjugacyVerdict = SeedGroupsTest | ReferenceJudgement | NoTest;

export type ConjugacyErrorCode = 'too-few' | 'not-finite' | 'options';

export class ConjugacyError extends UserError {
  override name = 'Error testing conjugacy.';
  declare readonly code: ConjugacyErrorCode;
  constructor(code: ConjugacyErrorCode, message: string) {
    super(code, message);
  }
}

/** Binomial coefficient C(n, k) as a float (exact below 2⁵³). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** Smallest p an exact test with groups of nA and nB can give: 1/C(n, nA), doubled when nA = nB. */
export function exactPMin(nA: number, nB: number): number {
  return (nA === nB ? 2 : 1) / binomial(nA + nB, nA);
}

/** Seeds per group of a balanced design whose smallest exact p is below alpha (5 for alpha = 0.01). */
export function seedsNeeded(alpha: number): number {
  let m = 2;
  while (exactPMin(m, m) >= alpha) m++;
  return m;
}

/**
 * The two-sample label-permutation test over seeds (module comment): `a` and `b` hold one eigenvalue set per seed.
 * Needs at least one within-group pair (one side with ≥ 2 seeds); with one seed on each side it returns `kind: 'none'`.
 */
export function testSeedGroups(
  a: ReadonlyArray<EigenvalueSet>,
  b: ReadonlyArray<EigenvalueSet>,
  options: ConjugacyOptions = {},
): SeedGroupsTest | NoTest {
  const o = { ...CONJUGACY_DEFAULTS, ...stripUndefined(options) };
  checkOptions(o);
  const distance = options.distance ?? wasserstein1;
  const nA = a.length, nB = b.length, n = nA + nB;
  if (nA === 0 || nB === 0) throw new ConjugacyError('too-few', `Each side needs at least one spectrum, got ${nA} and ${nB}.`);
  if (nA === 1 && nB === 1) return noTest();
  const all = [...a, ...b];
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = distance(all[i], all[j]);
      if (!Number.isFinite(d)) throw new ConjugacyError('not-finite', `W1 between spectra ${i} and ${j} is ${d}.`);
      D[i * n + j] = d;
      D[j * n + i] = d;
    }
  }
  return testDistanceMatrix(D, nA, nB, o);
}

/**
 * The same test on a precomputed symmetric n × n distance matrix (row-major, the first nA rows are group A).
 * Exposed for tests and for callers that already hold the distances.
 */
export function testDistanceMatrix(
  D: Float64Array, nA: number, nB: number, options: Omit<ConjugacyOptions, 'distance'> = {},
): SeedGroupsTest {
  const o = { ...CONJUGACY_DEFAULTS, ...stripUndefined(options) };
  checkOptions(o);
  const n = nA + nB;
  if (D.length !== n * n) throw new ConjugacyError('options', `Distance matrix has ${D.length} entries, expected ${n}².`);
  const withinPairs = (nA * (nA - 1)) / 2 + (nB * (nB - 1)) / 2;
  if (withinPairs === 0) throw new ConjugacyError('too-few', 'The permutation test needs at least one within-group pair.');

  let total = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) total += D[i * n + j];
  // Sum of D over pairs inside one index set.
  const inside = (idx: ArrayLike<number>, m: number): number => {
    let s = 0;
    for (let k = 0; k < m; k++) { const r = idx[k] * n; for (let l = k + 1; l < m; l++) s += D[r + idx[l]]; }
    return s;
  };
  const stat = (inA: Uint8Array, idxA: Int32Array, idxB: Int32Array): number => {
    let pa = 0, pb = 0;
    for (let i = 0; i < n; i++) { if (inA[i]) idxA[pa++] = i; else idxB[pb++] = i; }
    const sAA = inside(idxA, nA), sBB = inside(idxB, nB);
    const between = (total - sAA - sBB) / (nA * nB);
    return between - (sAA + sBB) / withinPairs;
  };
  const idxA = new Int32Array(nA), idxB = new Int32Array(nB);
  const labels = new Uint8Array(n);
  for (let i = 0; i < nA; i++) labels[i] = 1;
  const observed = stat(labels, idxA, idxB);
  const sAA0 = inside(idxA, nA), sBB0 = inside(idxB, nB);
  const meanBetween = (total - sAA0 - sBB0) / (nA * nB);
  const meanWithin = (sAA0 + sBB0) / withinPairs;
  // Relabellings whose statistic equals the observed one up to rounding count as ≥ (the swap when nA = nB).
  const tol = 1e-12 * Math.max(Math.abs(meanBetween), Math.abs(meanWithin), Number.MIN_VALUE);

  const totalRelabellings = binomial(n, nA);
  let method: SeedGroupsTest['method'], relabellings: number, pValue: number, pMin: number;
  if (totalRelabellings <= o.exactLimit) {
    method = 'exact';
    let atLeast = 0, count = 0;
    forEachCombination(n, nA, (comb) => {
      labels.fill(0);
      for (let k = 0; k < nA; k++) labels[comb[k]] = 1;
      if (stat(labels, idxA, idxB) >= observed - tol) atLeast++;
      count++;
    });
    relabellings = count;
    pValue = atLeast / count;
    pMin = exactPMin(nA, nB);
  } else {
    method = 'monte-carlo';
    const rng = seededRng(o.seed);
    const perm = Int32Array.from({ length: n }, (_, i) => i);
    let atLeast = 0;
    for (let m = 0; m < o.permutations; m++) {
      // Partial Fisher–Yates: the first nA entries of perm are a uniform random nA-subset.
      for (let k = 0; k < nA; k++) {
        const j = k + Math.floor(rng.uniform() * (n - k));
        const t = perm[k]; perm[k] = perm[j]; perm[j] = t;
      }
      labels.fill(0);
      for (let k = 0; k < nA; k++) labels[perm[k]] = 1;
      if (stat(labels, idxA, idxB) >= observed - tol) atLeast++;
    }
    relabellings = o.permutations;
    pValue = (1 + atLeast) / (o.permutations + 1);
    pMin = Math.max(exactPMin(nA, nB), 1 / (o.permutations + 1));
  }

  const ratio = meanWithin > 0 ? meanBetween / meanWithin : meanBetween > 0 ? Infinity : 1;
  const ratioCI = bootstrapRatio(D, nA, nB, o.bootstrap, o.seed + 1);
  const significant = pValue < o.alpha;
  const designReaches = pMin < o.alpha;
  // "Small" must hold for the interval, not only the point estimate: R's bootstrap upper bound below the cut-off.
  const small = (ratioCI ? ratioCI[1] : ratio) < o.effectCutoff;
  let label: ConjugacyLabel;
  if (!designReaches) label = 'inconclusive';
  else if (significant) label = ratio >= o.effectCutoff ? 'non-conjugate' : small ? 'conjugate-like' : 'inconclusive';
  else label = small ? 'conjugate-like' : 'inconclusive';
  const result: SeedGroupsTest = {
    kind: 'seeds', label, verdict: '', sizes: [nA, nB], meanBetween, meanWithin, statistic: observed, ratio, ratioCI,
    pValue, pMin, method, relabellings, totalRelabellings, significant,
    ...(designReaches ? {} : { seedsNeeded: seedsNeeded(o.alpha) }),
    alpha: o.alpha, effectCutoff: o.effectCutoff,
  };
  result.verdict = seedGroupsWords(result);
  return result;
}

/**
 * Judges W1 between two single spectra against a reference contrast: W1(A, C) for a C the user knows to differ from
 * A (paper 1 uses bisection for OMD). Heuristic cut-offs REFERENCE_CUTOFFS; no p-value, and the words say so.
 */
export function judgeAgainstReference(distance: number, referenceDistance: number, referenceLabel: string): ReferenceJudgement {
  if (!Number.isFinite(distance) || !Number.isFinite(referenceDistance) || distance < 0 || referenceDistance <= 0) {
    throw new ConjugacyError('not-finite', `A reference judgement needs a finite distance and a positive reference, got ${distance} and ${referenceDistance}.`);
  }
  const ratio = distance / referenceDistance;
  const label: ConjugacyLabel = ratio <= REFERENCE_CUTOFFS.conjugateLike ? 'conjugate-like'
    : ratio >= REFERENCE_CUTOFFS.nonConjugate ? 'non-conjugate' : 'inconclusive';
  const verdict = `${label} relative to a reference contrast: W1 is ${fmtRatio(ratio)}× ${referenceLabel} `
    + '(single spectra: no seed spread, no p-value)';
  return { kind: 'reference', label, verdict, distance, referenceDistance, referenceLabel, ratio };
}

/** The verdict for two single spectra with nothing to judge them against. */
export function noTest(): NoTest {
  return {
    kind: 'none', label: 'inconclusive',
    verdict: 'inconclusive: one spectrum per side, so there is no seed-to-seed spread to judge the distance against '
      + '(no p-value); compare runs with several seeds, or against a reference contrast',
  };
}

/** The one-line words of a seed-group test (set as `verdict` by testSeedGroups). */
export function seedGroupsWords(t: SeedGroupsTest): string {
  const seeds = `${t.sizes[0]} + ${t.sizes[1]} seeds`;
  const r = `between/within W1 = ${fmtRatio(t.ratio)}×${t.ratioCI ? ` (95 % CI ${fmtRatio(t.ratioCI[0])}–${fmtRatio(t.ratioCI[1])})` : ''}`;
  const p = `permutation p = ${formatP(t.pValue, t.pMin)}`;
  switch (t.label) {
    case 'non-conjugate':
      return `non-conjugate: ${r}, ${p} over ${seeds}`;
    case 'conjugate-like':
      return t.significant
        ? `conjugate-like (detectable but small): ${r}, ${p} over ${seeds}`
        : `conjugate-like: ${r}, ${p} over ${seeds}; no difference beyond the seed-to-seed spread`;
    case 'inconclusive':
      if (t.seedsNeeded !== undefined) {
        return `inconclusive: ${seeds} cannot reach p < ${t.alpha} (the smallest p they allow is ${formatP(t.pMin, 0)}); `
          + `at least ${t.seedsNeeded} seeds per configuration are needed (${r})`;
      }
      return t.significant
        ? `inconclusive: a detectable difference (${p} over ${seeds}) whose size is uncertain: ${r}, `
          + `the interval reaches the non-conjugate cut-off ${t.effectCutoff}; more seeds are needed to tell`
        : `inconclusive: ${r}, ${p} over ${seeds}; not significant, but the interval reaches the non-conjugate `
          + `cut-off ${t.effectCutoff}; more seeds are needed to tell`;
  }
}

/** p to two significant digits, with "(the floor)" when it equals the smallest p the design can give. */
export function formatP(p: number, pMin: number): string {
  const s = p >= 0.001 ? Number(p.toPrecision(2)).toString() : p.toExponential(1);
  return p <= pMin * (1 + 1e-9) ? `${s} (the smallest this test can give)` : s;
}

function fmtRatio(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toPrecision(2);
}

/** Percentile bootstrap (2.5 %, 97.5 %) of R, resampling seeds with replacement within each group. */
function bootstrapRatio(D: Float64Array, nA: number, nB: number, B: number, seed: number): [number, number] | null {
  if (B <= 0) return null;
  const n = nA + nB;
  const rng = seededRng(seed);
  const ia = new Int32Array(nA), ib = new Int32Array(nB);
  const rs: number[] = [];
  const withinSum = (idx: Int32Array): [number, number] => {
    let s = 0, c = 0;
    for (let k = 0; k < idx.length; k++) {
      for (let l = k + 1; l < idx.length; l++) if (idx[k] !== idx[l]) { s += D[idx[k] * n + idx[l]]; c++; }
    }
    return [s, c];
  };
  for (let r = 0; r < B; r++) {
    for (let k = 0; k < nA; k++) ia[k] = Math.floor(rng.uniform() * nA);
    for (let k = 0; k < nB; k++) ib[k] = nA + Math.floor(rng.uniform() * nB);
    let between = 0;
    for (let k = 0; k < nA; k++) for (let l = 0; l < nB; l++) between += D[ia[k] * n + ib[l]];
    between /= nA * nB;
    const [sa, ca] = withinSum(ia), [sb, cb] = withinSum(ib);
    if (ca + cb === 0) continue;
    const within = (sa + sb) / (ca + cb);
    if (within > 0) rs.push(between / within);
  }
  if (rs.length === 0) return null;
  rs.sort((x, y) => x - y);
  return [quantile(rs, 0.025), quantile(rs, 0.975)];
}

/** NumPy 'linear' quantile of ascending values. */
function quantile(sorted: number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Calls f with every k-subset of 0 … n−1 in lexicographic order (the same array, mutated). */
function forEachCombination(n: number, k: number, f: (comb: Int32Array) => void): void {
  const c = Int32Array.from({ length: k }, (_, i) => i);
  for (;;) {
    f(c);
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return;
    c[i]++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
  }
}

function checkOptions(o: Required<Omit<ConjugacyOptions, 'distance'>>): void {
  if (!(o.alpha > 0 && o.alpha < 1)) throw new ConjugacyError('options', `alpha must be in (0, 1), got ${o.alpha}.`);
  if (!(o.effectCutoff >= 1)) throw new ConjugacyError('options', `effectCutoff must be ≥ 1, got ${o.effectCutoff}.`);
  for (const k of ['permutations', 'exactLimit', 'bootstrap'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 0)) throw new ConjugacyError('options', `${k} must be a whole number ≥ 0, got ${o[k]}.`);
  }
  if (o.permutations < 1) throw new ConjugacyError('options', `permutations must be ≥ 1, got ${o.permutations}.`);
  if (!Number.isSafeInteger(o.seed)) throw new ConjugacyError('options', `seed must be a safe integer, got ${o.seed}.`);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'distance')) as Partial<T>;
}
