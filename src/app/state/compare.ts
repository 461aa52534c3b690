/**
 * Comparing two run-list entries, the same rule as `koopscope compare`: W1 between their spectra; with several
 * seeds on both sides (same count: (seeds, k) eigenvalue files, or trained ensembles with one spectrum per run)
 * row by row (rowwiseW1), and the between-seed W1 of each side pooled as the null, judged by
 * compareToNull ("conjugate-like: …" / "non-conjugate: k× the seed spread").
 */
import { betweenSeedNull, compareToNull, rowwiseW1, summarizeDistances, type NullVerdict } from '../../koopman/seedNull';
import { wasserstein1 } from '../../koopman/wasserstein';
import type { RunEntry } from './store';

export interface Comparison {
  distances: number[];
  mean: number;
  /** Sample std of the per-row distances (undefined for one row). */
  std?: number;
  /** Between-seed W1 summary per side with ≥ 2 seeds. */
  nulls: { name: string; mean: number; std: number; pairs: number }[];
  verdict?: NullVerdict;
  /** Why there is no verdict, in words. */
  note?: string;
}

export function compareRuns(a: RunEntry, b: RunEntry): Comparison {
  const sa = a.spectra.map((s) => s.eigenvalues), sb = b.spectra.map((s) => s.eigenvalues);
  let distances: number[];
  if (sa.length === sb.length) distances = Array.from(rowwiseW1(sa, sb).values);
  else if (sa.length === 1) distances = sb.map((s) => wasserstein1(sa[0], s));
  else if (sb.length === 1) distances = sa.map((s) => wasserstein1(s, sb[0]));
  else throw new Error(`${a.name} has ${sa.length} seeds but ${b.name} has ${sb.length}: row-by-row comparison needs the same number`);
  const summary = summarizeDistances(distances);
  const nulls: Comparison['nulls'] = [];
  const pooled: number[] = [];
  for (const [run, sets] of [[a, sa], [b, sb]] as const) {
    if (sets.length < 2) continue;
    const n = betweenSeedNull(sets);
    nulls.push({ name: run.name, mean: n.summary.mean, std: n.summary.std, pairs: n.summary.count });
    pooled.push(...n.values);
  }
  const out: Comparison = { distances, mean: summary.mean, std: distances.length > 1 ? summary.std : undefined, nulls };
  if (pooled.length >= 2) out.verdict = compareToNull(distances, pooled);
  else out.note = 'No verdict: judging conjugacy needs several seeds per run (a trained ensemble, runs > 1, or a (seeds, k) eigenvalue file), to know how far seeds alone move the spectrum.';
  return out;
}
