/**
 * Comparing two run-list entries, the same rule as `koopscope compare` (src/koopman/conjugacy.ts, docs/conjugacy.md):
 * W1 between their spectra (seed i with seed i when both have as many seeds, else every cross pair); with several
 * seeds on a side, the label-permutation test over seeds; with one spectrum per side, the reference contrast
 * W1(A, C) when a reference run C is chosen, else no verdict ("inconclusive", no p-value).
 */
import { judgeAgainstReference, noTest, testSeedGroups, type ConjugacyVerdict } from '../../koopman/conjugacy';
import { betweenSeedNull, summarizeDistances } from '../../koopman/seedNull';
import { wasserstein1 } from '../../koopman/wasserstein';
import type { RunEntry } from './store';

export interface Comparison {
  distances: number[];
  /** 'row by row' (seed i with seed i) or 'every cross pair' (different seed counts). */
  pairing: 'row by row' | 'every cross pair';
  mean: number;
  /** Sample std of the distances (undefined for one). */
  std?: number;
  /** Between-seed W1 summary per side with ≥ 2 seeds. */
  nulls: { name: string; mean: number; std: number; pairs: number }[];
  verdict: ConjugacyVerdict;
}

export function compareRuns(a: RunEntry, b: RunEntry, reference?: RunEntry): Comparison {
  const sa = a.spectra.map((s) => s.eigenvalues), sb = b.spectra.map((s) => s.eigenvalues);
  const matched = sa.length === sb.length;
  const distances = matched ? sa.map((s, i) => wasserstein1(s, sb[i])) : sa.flatMap((s) => sb.map((t) => wasserstein1(s, t)));
  const summary = summarizeDistances(distances);
  const nulls: Comparison['nulls'] = [];
  for (const [run, sets] of [[a, sa], [b, sb]] as const) {
    if (sets.length < 2) continue;
    const n = betweenSeedNull(sets);
    nulls.push({ name: run.name, mean: n.summary.mean, std: n.summary.std, pairs: n.summary.count });
  }
  let verdict: ConjugacyVerdict;
  if (sa.length === 1 && sb.length === 1) {
    const ref = reference?.spectra.length === 1 ? reference.spectra[0].eigenvalues : undefined;
    verdict = ref ? judgeAgainstReference(distances[0], wasserstein1(sa[0], ref), `W1(${a.name}, ${reference!.name})`) : noTest();
  } else {
    verdict = testSeedGroups(sa, sb);
  }
  return {
    distances, pairing: matched ? 'row by row' : 'every cross pair', mean: summary.mean,
    std: distances.length > 1 ? summary.std : undefined, nulls, verdict,
  };
}
