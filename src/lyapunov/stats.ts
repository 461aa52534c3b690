/**
 * Rank statistics for "do early exponents predict the final loss?": Spearman's ρ with ties (the Pearson
 * correlation of average ranks; equals scipy.stats.spearmanr's statistic) and a seeded permutation p-value.
 */
import type { Rng } from '../linalg/random';

/** 1-based ranks, ties given the mean of the ranks they span (scipy.stats.rankdata's 'average'). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]] === x[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let m = i; m <= j; m++) r[idx[m]] = avg;
    i = j + 1;
  }
  return r;
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { const da = a[i] - ma, db = b[i] - mb; sab += da * db; saa += da * da; sbb += db * db; }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/** Average ranks of x and y over the pairs where neither is NaN; null when fewer than 2 such pairs remain. */
function pairedRanks(x: ArrayLike<number>, y: ArrayLike<number>): [Float64Array, Float64Array] | null {
  if (x.length !== y.length) throw new Error(`spearman: lengths differ (${x.length} and ${y.length})`);
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) keep.push(i);
  if (keep.length < 2) return null;
  return [averageRanks(keep.map((i) => x[i])), averageRanks(keep.map((i) => y[i]))];
}

/** Spearman's rank correlation ρ ∈ [−1, 1]; NaN when either variable is constant or n < 2. Pairs with a NaN are dropped. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const ranks = pairedRanks(x, y);
  return ranks ? pearson(ranks[0], ranks[1]) : NaN;
}

/**
 * Two-sided permutation p-value of ρ: the fraction of `permutations` random relabellings (plus the observed one)
 * with |ρ| at least the observed |ρ|. Exact in expectation for any n, with ties; NaN when ρ is NaN.
 */
export function spearmanPermutationP(x: ArrayLike<number>, y: ArrayLike<number>, rng: Rng, permutations = 999): number {
  const ranks = pairedRanks(x, y);
  if (!ranks) return NaN;
  const [rx, ry] = ranks;
  const obs = Math.abs(pearson(rx, ry));
  if (Number.isNaN(obs)) return NaN;
  const perm = Float64Array.from(ry);
  let hits = 1;
  for (let p = 0; p < permutations; p++) {
    for (let i = perm.length - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); const t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
    if (Math.abs(pearson(rx, perm)) >= obs - 1e-12) hits++;
  }
  return hits / (permutations + 1);
}

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, 9 terms; relative error ~1e-15). */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes §6.4 `betacf`). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b), x ∈ [0, 1], a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) return NaN;
  if (x === 0 || x === 1) return x;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  return x < (a + 1) / (a + b + 2)
    ? (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a
    : 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2). */
export function studentTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * Two-sided p-value of a (partial) correlation r from n pairs with `controls` variables partialled out, by the
 * t-distribution: t = r·√(df/(1 − r²)), df = n − 2 − controls. With controls = 0 this is the p-value
 * scipy.stats.spearmanr reports (the t approximation, not an exact permutation null); with one control it is the
 * usual test of a partial correlation (df = n − 3). NaN when r is NaN or df < 1.
 */
export function correlationP(r: number, n: number, controls = 0): number {
  const df = n - 2 - controls;
  if (Number.isNaN(r) || df < 1) return NaN;
  if (Math.abs(r) >= 1) return 0;
  return studentTwoSidedP(r * Math.sqrt(df / (1 - r * r)), df);
}

/**
 * Partial Spearman correlation of x and y given z: average ranks of each (over the triples with no NaN), then the
 * partial Pearson correlation of the ranks, r_xy·z = (r_xy − r_xz r_yz)/√((1 − r_xz²)(1 − r_yz²)) (equal to the
 * correlation of the residuals of rank(x) and rank(y) after regressing each on rank(z)). Returns the value and the
 * number of triples used; NaN when a variable is constant or |r_xz| or |r_yz| = 1.
 */
export function partialSpearman(x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>): { r: number; n: number } {
  if (x.length !== y.length || x.length !== z.length) throw new Error(`partialSpearman: lengths differ (${x.length}, ${y.length}, ${z.length})`);
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i]) && !Number.isNaN(z[i])) keep.push(i);
  if (keep.length < 3) return { r: NaN, n: keep.length };
  const [rx, ry, rz] = [x, y, z].map((v) => averageRanks(keep.map((i) => v[i])));
  const rxy = pearson(rx, ry), rxz = pearson(rx, rz), ryz = pearson(ry, rz);
  const den = Math.sqrt((1 - rxz * rxz) * (1 - ryz * ryz));
  return { r: den > 0 ? Math.max(-1, Math.min(1, (rxy - rxz * ryz) / den)) : NaN, n: keep.length };
}

/** Number of pairs with neither value NaN (the n of spearman). */
export function pairCount(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) n++;
  return n;
}

/**
 * Holm's step-down adjustment (Holm 1979), controlling the family-wise error rate: with the m finite p-values
 * sorted ascending, p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)). NaN entries are not tests: they stay NaN and do
 * not count in m. Same values as statsmodels' multipletests(method='holm').
 */
export function holm(p: ArrayLike<number>): number[] {
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) if (!Number.isNaN(p[i])) idx.push(i);
  idx.sort((a, b) => p[a] - p[b]);
  const out = Array.from(p, () => NaN), m = idx.length;
  let run = 0;
  idx.forEach((i, j) => { run = Math.max(run, Math.min(1, (m - j) * p[i])); out[i] = run; });
  return out;
}
