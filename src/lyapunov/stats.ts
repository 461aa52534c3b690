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
