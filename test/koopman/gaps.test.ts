/**
 * Gaps in the time axis (snapshots dropped for NaN/Inf, `SnapshotSet.times`): each run splits into segments fitted
 * like ensemble members, so no snapshot pair and no delay vector spans the gap. Analytic: a noise-free linear system
 * with eigenvalues 0.988, 0.9 and 0.95·e^{±0.2i}; one snapshot in the middle removed. Joining its neighbours into a
 * fake one-step pair (x₁₉, x₂₁) — what --drop-nonfinite used to do — moves the eigenvalues by ~1e-2; respecting the
 * gap recovers them to 1e-10 (SVD, randomized routes) or 1e-8 (Gram route, which squares the condition number;
 * the tolerance of test/koopman/golden.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { computeSpectrum } from '../../src/koopman/analyze';
import { timesAfterDropping, type SnapshotSet } from '../../src/koopman/snapshots';
import { expectEigenvaluesClose, matchEigenvalues } from '../matchers';
import { linearSystem } from './fixtures';

const { set: full, eigenvalues } = linearSystem({ pairs: [[0.95, 0.2]], reals: [0.988, 0.9], N: 16, T: 40, runs: 2, seed: 7 });
const TOL = { svd: 1e-10, randomized: 1e-10, gram: 1e-8 } as const;

/** `set` without the snapshots at `drop` (in every run), with or without `times` telling the engine. */
function without(set: SnapshotSet & { data: Float64Array }, drop: number[], tell: boolean): SnapshotSet {
  const keep = Array.from({ length: set.T }, (_, t) => t).filter((t) => !drop.includes(t));
  const data = new Float64Array(set.runs * keep.length * set.N);
  for (let r = 0; r < set.runs; r++) keep.forEach((t, i) => {
    data.set(set.data.subarray((r * set.T + t) * set.N, (r * set.T + t + 1) * set.N), (r * keep.length + i) * set.N);
  });
  return { runs: set.runs, T: keep.length, N: set.N, data, ...(tell ? { times: keep } : {}) };
}

describe('a dropped snapshot splits the run instead of joining its neighbours', () => {
  it('joining x19 and x21 into one pair (no times) gets the eigenvalues wrong — the defect this guards against', () => {
    const joined = computeSpectrum(without(full, [20], false), { rank: { kind: 'rank', r: 4 }, route: 'svd' });
    expect(matchEigenvalues(joined.spectrum.eigenvalues, eigenvalues).maxDist).toBeGreaterThan(1e-3);
  });

  for (const route of ['svd', 'gram', 'randomized'] as const) {
    for (const delays of [0, 3]) {
      it(`${route} route, ${delays} delays: eigenvalues to ${TOL[route]}, pairs counted per segment, a warning`, () => {
        const fit = computeSpectrum(without(full, [20], true), { rank: { kind: 'rank', r: 4 }, route, delays });
        expectEigenvaluesClose(fit.spectrum.eigenvalues, eigenvalues, TOL[route]);
        // per run: segments of 20 and 19 snapshots give (20 − d − 1) + (19 − d − 1) pairs
        expect(fit.spectrum.pairs).toBe(2 * (20 - delays - 1 + 19 - delays - 1));
        expect(fit.spectrum.runs).toBe(2);
        expect(fit.spectrum.warnings.join('\n')).toMatch(/split the 2 run\(s\) into 4 segments/);
        expect(fit.modes!('projected').r).toBe(4);
      });
    }
  }

  it('window and every count on the time axis: every 2nd time across a gap at an odd time', () => {
    // dropped t = 21: with every 2 the even times 0 … 38 are all present, so nothing splits; λ² comes out
    const fit = computeSpectrum(without(full, [21], true), { rank: { kind: 'rank', r: 4 }, every: 2, route: 'svd' });
    const squared = eigenvalues.map(([re, im]) => [re * re - im * im, 2 * re * im] as [number, number]);
    expectEigenvaluesClose(fit.spectrum.eigenvalues, squared, 1e-10);
    expect(fit.spectrum.pairs).toBe(2 * 19);
    // dropped t = 20 (even): the even times split into 0 … 18 and 22 … 38
    const split = computeSpectrum(without(full, [20], true), { rank: { kind: 'rank', r: 4 }, every: 2, window: { start: 0, end: 40 }, route: 'svd' });
    expectEigenvaluesClose(split.spectrum.eigenvalues, squared, 1e-10);
    expect(split.spectrum.pairs).toBe(2 * (9 + 8));
  });

  it('segments too short for the delays are skipped with a warning; too few pairs in all is an error', () => {
    // drop 2 and 4: segments [0, 1], [3], [5 … 39]; with 2 delays only the last gives pairs (3 unused per run)
    const fit = computeSpectrum(without(full, [2, 4], true), { rank: { kind: 'rank', r: 4 }, delays: 2, route: 'svd' });
    expectEigenvaluesClose(fit.spectrum.eigenvalues, eigenvalues, 1e-10);
    expect(fit.spectrum.warnings.join('\n')).toMatch(/6 snapshot\(s\) between gaps were not used/);
    const every = Array.from({ length: 20 }, (_, k) => 2 * k + 1);   // every odd snapshot dropped: no pair at all
    expect(() => computeSpectrum(without(full, every, true), { rank: { kind: 'rank', r: 2 } })).toThrow(/too few snapshots: the gaps leave 0/);
  });

  it('timesAfterDropping maps file indices (after the reader kept every k-th) to times', () => {
    expect(timesAfterDropping(5, [2])).toEqual([0, 1, 3, 4, 5]);
    expect(timesAfterDropping(4, [3, 6], 3)).toEqual([0, 3, 4, 5]);   // file rows 0, 3, 6, 9, 12, 15 minus 3, 6
    expect(timesAfterDropping(4, [])).toBeUndefined();
  });
});
