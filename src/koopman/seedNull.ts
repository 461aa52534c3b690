/**
 * Between-seed W1 distributions and their summaries: all pairs i < j of spectra fitted to one configuration with
 * different seeds (how far seeds alone move the spectrum), and row-by-row W1 of two configurations (seed i with
 * seed i, as paper 1 reports it). The conjugacy verdict built on them is src/koopman/conjugacy.ts (docs/conjugacy.md).
 *
 * Statistics conventions, stated once here:
 * - `std` is the sample standard deviation (ddof = 1, divisor count − 1); `stdPopulation` uses ddof = 0 (divisor
 *   count), which is NumPy's `np.std` default and what paper 1's quoted "mean ± std" values use.
 * - `median` and `p95` interpolate linearly between order statistics (NumPy's default `method='linear'`:
 *   position q·(count − 1) in the sorted values).
 */

import { UserError } from '../linalg/errors';
import { wasserstein1, type ComplexPoints, type EigenvalueSet } from './wasserstein';

export interface DistanceSummary {
  count: number;
  mean: number;
  /** Sample std, ddof = 1 (NaN for a single value). */
  std: number;
  /** Population std, ddof = 0 (NumPy's default; paper 1's quoted stds). */
  stdPopulation: number;
  min: number;
  max: number;
  median: number;
  /** 95th percentile, linear interpolation. */
  p95: number;
}

export interface NullDistribution {
  /** W1 for every pair, in the order of `pairs`. */
  values: Float64Array;
  /** Seed indices (i, j), i < j, in row-major order (0,1), (0,2), …, (1,2), …. */
  pairs: Array<[number, number]>;
  summary: DistanceSummary;
}

/** A pairwise distance between two eigenvalue sets; defaults to uniform-weight W1. */
export type SpectrumDistance = (a: EigenvalueSet, b: EigenvalueSet) => number;

export type SeedNullErrorCode = 'too-few' | 'shape' | 'not-finite';

export class SeedNullError extends UserError {
  override name = 'Error computing the between-seed null.';
  declare readonly code: SeedNullErrorCode;
  constructor(code: SeedNullErrorCode, message: string) {
    super(code, message);
  }
}

/** Summary statistics of a list of distances (conventions in the module comment). Throws on an empty list or NaN. */
export function summarizeDistances(values: ArrayLike<number>): DistanceSummary {
  const count = values.length;
  if (count === 0) throw new SeedNullError('too-few', 'Cannot summarize an empty list of distances.');
  const sorted = Float64Array.from(values);
  for (let k = 0; k < count; k++) {
    if (!Number.isFinite(sorted[k])) throw new SeedNullError('not-finite', `Distance ${k} is ${sorted[k]}.`);
  }
  sorted.sort();
  let mean = 0;
  for (let k = 0; k < count; k++) mean += sorted[k];
  mean /= count;
  let ss = 0;
  for (let k = 0; k < count; k++) ss += (sorted[k] - mean) ** 2;
  return {
    count,
    mean,
    std: count > 1 ? Math.sqrt(ss / (count - 1)) : NaN,
    stdPopulation: Math.sqrt(ss / count),
    min: sorted[0],
    max: sorted[count - 1],
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
  };
}

/** W1 between every pair i < j of one group's seeds. Needs at least two seeds. */
export function betweenSeedNull(
  group: ReadonlyArray<EigenvalueSet>,
  distance: SpectrumDistance = wasserstein1,
): NullDistribution {
  if (group.length < 2) {
    throw new SeedNullError('too-few', `A between-seed null needs at least 2 seeds, got ${group.length}.`);
  }
  const pairs: Array<[number, number]> = [];
  const values: number[] = [];
  for (let i = 0; i < group.length; i++) {
    for (let j = i + 1; j < group.length; j++) {
      pairs.push([i, j]);
      values.push(distance(group[i], group[j]));
    }
  }
  return { values: Float64Array.from(values), pairs, summary: summarizeDistances(values) };
}

/** `betweenSeedNull` for each named configuration, e.g. `{ 'h=5': [...], 'h=40': [...] }`. */
export function betweenSeedNulls(
  groups: Readonly<Record<string, ReadonlyArray<EigenvalueSet>>>,
  distance: SpectrumDistance = wasserstein1,
): Record<string, NullDistribution> {
  const out: Record<string, NullDistribution> = {};
  for (const [name, group] of Object.entries(groups)) out[name] = betweenSeedNull(group, distance);
  return out;
}

/**
 * Row-by-row W1 of two (seeds × k) eigenvalue arrays: row i of `a` against row i of `b` (same seed, two
 * configurations), as paper 1 compares h=5 with h=40. Returns the per-row values and their summary.
 */
export function rowwiseW1(
  a: ReadonlyArray<EigenvalueSet>,
  b: ReadonlyArray<EigenvalueSet>,
  distance: SpectrumDistance = wasserstein1,
): { values: Float64Array; summary: DistanceSummary } {
  if (a.length !== b.length) {
    throw new SeedNullError('shape', `Row-by-row comparison needs as many rows on each side, got ${a.length} and ${b.length}.`);
  }
  if (a.length === 0) throw new SeedNullError('too-few', 'Row-by-row comparison needs at least one row.');
  const values = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) values[i] = distance(a[i], b[i]);
  return { values, summary: summarizeDistances(values) };
}

/**
 * Splits a row-major (rows × cols) complex array, given as parallel re/im arrays of length rows·cols, into one
 * eigenvalue set per row (e.g. paper 1's (25 seeds, 10) `.npy` files).
 */
export function splitRows(points: ComplexPoints, rows: number): ComplexPoints[] {
  const total = points.re.length;
  if (points.im.length !== total || !Number.isInteger(rows) || rows <= 0 || total % rows !== 0) {
    throw new SeedNullError('shape', `Cannot split ${total} (re) / ${points.im.length} (im) values into ${rows} equal rows.`);
  }
  const cols = total / rows;
  const out: ComplexPoints[] = [];
  for (let r = 0; r < rows; r++) {
    out.push({
      re: Float64Array.from({ length: cols }, (_, k) => points.re[r * cols + k]),
      im: Float64Array.from({ length: cols }, (_, k) => points.im[r * cols + k]),
    });
  }
  return out;
}

function isNullDistribution(x: NullDistribution | ArrayLike<number>): x is NullDistribution {
  return typeof (x as { length?: unknown }).length !== 'number';
}

/** NumPy 'linear' quantile of ascending values: interpolate at position q·(n − 1). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
