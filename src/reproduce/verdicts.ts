/**
 * Verdict helpers of the experiments, kept free of training code (no tfjs) so that the results page and
 * src/reproduce/recorded.ts can re-judge recorded spectra without pulling the trainer into the page.
 */
import { testSeedGroups } from '../koopman/conjugacy';
import { summarizeDistances } from '../koopman/seedNull';
import { wasserstein1 } from '../koopman/wasserstein';
import type { DistanceReport, Pair } from './types';

const toPoints = (p: Pair[]): { re: Float64Array; im: Float64Array } =>
  ({ re: Float64Array.from(p, (x) => x[0]), im: Float64Array.from(p, (x) => x[1]) });

/**
 * Two groups of per-seed spectra: the row-by-row W1 values (seed i with seed i, as paper 1 reports them) and the
 * conjugacy verdict of the seed permutation test over every cross pair (src/koopman/conjugacy.ts, docs/conjugacy.md).
 */
export function groupReport(label: string, a: Pair[][], b: Pair[][], paper?: DistanceReport['paper']): DistanceReport {
  const values = a.map((s, i) => wasserstein1(toPoints(s), toPoints(b[i])));
  const rep: DistanceReport = { label, values, summary: summarizeDistances(values), ...(paper ? { paper } : {}) };
  const test = testSeedGroups(a.map(toPoints), b.map(toPoints));
  rep.test = test;
  rep.verdict = test.verdict;
  if (test.kind === 'seeds') rep.ratio = test.ratio;
  return rep;
}

/** The experiment's one-line verdict: each judged distance's label and words, in order. */
export function overallVerdict(distances: DistanceReport[]): string {
  const judged = distances.filter((d) => d.verdict);
  return judged.length ? judged.map((d) => `${d.label}: ${d.verdict}`).join('; ') : 'no verdict: nothing was judged';
}

