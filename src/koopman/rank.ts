/**
 * Rank rules (see `RankRule` in types.ts) and the numerical floor below which singular values are round-off.
 */
import type { RankRule } from './types';
import { DataError, OptionError } from '../linalg/errors';

export interface RankChoice {
  r: number;
  warnings: string[];
}

/** Gavish & Donoho (2014) ω(β) for unknown noise level, β = min(n, m)/max(n, m); PyDMD's `compute_rank`. */
export function gavishDonohoOmega(beta: number): number {
  return 0.56 * beta ** 3 - 0.95 * beta ** 2 + 1.82 * beta + 1.43;
}

function median(values: ArrayLike<number>): number {
  const a = Array.from(values).sort((x, y) => x - y);
  const n = a.length;
  return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/**
 * Choose the rank.
 * @param sigma all min(n, m) singular values, descending (round-off ones included, as SVD would give them)
 * @param numericalRank how many of them are above the round-off floor of the route that computed them
 * @param n embedded dimension (rows of X), @param m number of snapshot pairs (columns of X)
 */
export function chooseRank(
  sigma: ArrayLike<number>, numericalRank: number, rule: RankRule, n: number, m: number,
): RankChoice {
  const warnings: string[] = [];
  const k = sigma.length;
  let r: number;
  switch (rule.kind) {
    case 'rank': {
      if (!(Number.isInteger(rule.r) && rule.r >= 1)) throw new OptionError(`rank must be a positive integer, got ${rule.r}`);
      r = rule.r;
      if (r > numericalRank) {
        warnings.push(`rank ${rule.r} requested but the data have numerical rank ${numericalRank}; using ${numericalRank}`);
        r = numericalRank;
      }
      break;
    }
    case 'energy': {
      const f = rule.fraction;
      if (!(f > 0 && f <= 1)) throw new OptionError(`energy fraction must be in (0, 1], got ${f}`);
      let total = 0;
      for (let i = 0; i < k; i++) total += sigma[i] ** 2;
      let acc = 0;
      r = k;
      for (let i = 0; i < k; i++) {
        acc += sigma[i] ** 2;
        if (acc / total >= f - 1e-15) { r = i + 1; break; }
      }
      break;
    }
    case 'optimal': {
      const beta = Math.min(n, m) / Math.max(n, m);
      const tau = gavishDonohoOmega(beta) * median(Array.from(sigma).slice(0, Math.min(n, m, k)));
      r = 0;
      for (let i = 0; i < k; i++) if (sigma[i] > tau) r++;
      if (r === 0) {
        warnings.push('the optimal hard threshold keeps no singular value (pure noise?); using rank 1');
        r = 1;
      }
      break;
    }
    case 'full':
      r = numericalRank;
      break;
    default:
      throw new OptionError(`unknown rank rule ${JSON.stringify(rule)}; use rank, energy, optimal or full`);
  }
  if (r > numericalRank) {
    warnings.push(`rank ${r} exceeds the numerical rank ${numericalRank}; using ${numericalRank}`);
    r = numericalRank;
  }
  if (r < 1) throw new DataError('degenerate', 'the snapshots are all zero: nothing to fit');
  if (rule.kind === 'full' && numericalRank < Math.min(n, m)) {
    warnings.push(
      `the data are rank-deficient: ${Math.min(n, m) - numericalRank} of ${Math.min(n, m)} singular values are at ` +
      'round-off level and were dropped; choose a rank (e.g. --rank) to fit only the meaningful part',
    );
  }
  const cond = sigma[0] / sigma[r - 1];
  if (cond > 1e8) {
    warnings.push(
      `ill-conditioned fit: σ1/σ${r} = ${cond.toExponential(2)}; eigenvalues tied to the smallest singular values ` +
      'are unreliable; a lower rank is advised',
    );
  }
  return { r, warnings };
}
