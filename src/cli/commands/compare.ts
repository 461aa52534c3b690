/**
 * `koopscope compare A B [options]`: W1 distance between the spectra of two trajectories, or between published
 * eigenvalue files (complex arrays (k,) or (seeds, k), as paper 1 saved them), with the conjugacy verdict of
 * src/koopman/conjugacy.ts: with several seeds, the label-permutation test over seeds (docs/conjugacy.md); with one
 * spectrum per side, a reference contrast (--reference C) or no verdict.
 */
import { commandArgs } from '../command';
import { basename } from 'node:path';
import { judgeAgainstReference, noTest, testSeedGroups, type ConjugacyVerdict } from '../../koopman/conjugacy';
import { betweenSeedNull, summarizeDistances } from '../../koopman/seedNull';
import { wasserstein1, type ComplexPoints } from '../../koopman/wasserstein';
import { UsageError } from '../errors';
import { loadFile } from '../load';
import { readOptionsFrom, spectrumFlags, SPECTRUM_USAGE } from '../options';
import { spectrumOfFile } from './spectrum';
import type { Io } from '../main';

export const usage = `usage: koopscope compare A B [--reference C] [options]

1-Wasserstein distance between the Koopman spectra of A and B. Each may be a trajectory file (its spectrum is
computed with the options below) or a file of eigenvalues: a complex array of shape (k,) or (seeds, k).

Verdict (docs/conjugacy.md): with several seeds (rows) on a side, a label-permutation test over seeds compares the
mean W1 between A's and B's seeds with the mean W1 within each side: "non-conjugate" (p < 0.01 and between/within
≥ 1.25), "conjugate-like" (a small ratio; "detectable but small" when p < 0.01 anyway), or "inconclusive" (too few
seeds to reach p < 0.01, or a large ratio without significance). With the same number of rows on both sides, the
per-row distances (seed i with seed i, as paper 1 reports them) are printed too.
With one spectrum per side there is no seed spread and no p-value: --reference C judges W1(A, B) against W1(A, C)
for a C known to differ (paper 1 uses bisection for OMD vs OGD).

  --reference C          a third file (trajectory or one eigenvalue set) for the reference contrast W1(A, C)

${SPECTRUM_USAGE}`;

interface Side { name: string; sets: ComplexPoints[] }

function side(path: string, values: Record<string, unknown>): Side {
  const f = loadFile(path, readOptionsFrom(values));
  if (f.kind === 'eigenvalues') {
    checkEigenvalueSets(f.source, f.sets);
    return { name: f.source, sets: f.sets };
  }
  const r = spectrumOfFile(path, values);
  return { name: basename(path), sets: [{ re: r.eigenvalues.map((e) => e[0]), im: r.eigenvalues.map((e) => e[1]) }] };
}

/** An eigenvalue file must hold at least one eigenvalue per row and only finite ones (W1 needs both): else a UsageError. */
function checkEigenvalueSets(name: string, sets: ComplexPoints[]): void {
  if (sets.length === 0) throw new UsageError(`${name}: holds no eigenvalues (an empty array)`);
  sets.forEach((set, row) => {
    const where = sets.length > 1 ? ` in row ${row}` : '';
    if (set.re.length === 0) throw new UsageError(`${name}: holds no eigenvalues${where} (an empty array)`);
    for (let k = 0; k < set.re.length; k++) {
      if (!Number.isFinite(set.re[k]) || !Number.isFinite(set.im[k])) {
        throw new UsageError(`${name}: eigenvalue ${k}${where} is ${set.re[k]} + ${set.im[k]}i; W1 needs finite eigenvalues`);
      }
    }
  });
}

export function run(args: string[], io: Io): number {
  const parsed = commandArgs(args, { ...spectrumFlags, reference: { type: 'string' } }, usage, io);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new UsageError(`compare needs two files A and B, got ${positionals.length} (see koopscope compare --help)`);
  const a = side(positionals[0], values), b = side(positionals[1], values);
  const ref = values.reference !== undefined ? side(values.reference, values) : undefined;
  if (ref && (a.sets.length !== 1 || b.sets.length !== 1 || ref.sets.length !== 1)) {
    throw new UsageError('--reference judges single spectra: A, B and C must each hold one spectrum (seeds are judged by the permutation test)');
  }

  // The distances printed: seed i with seed i when the row counts agree, else every cross pair.
  const matched = a.sets.length === b.sets.length;
  const distances = matched
    ? a.sets.map((s, i) => wasserstein1(s, b.sets[i]))
    : a.sets.flatMap((s) => b.sets.map((t) => wasserstein1(s, t)));
  const summary = summarizeDistances(distances);
  const nulls: Record<string, ReturnType<typeof betweenSeedNull>['summary']> = {};
  for (const s of [a, b]) if (s.sets.length >= 2) nulls[s.name] = betweenSeedNull(s.sets).summary;

  let verdict: ConjugacyVerdict;
  if (a.sets.length === 1 && b.sets.length === 1) {
    verdict = ref ? judgeAgainstReference(distances[0], wasserstein1(a.sets[0], ref.sets[0]), `W1(${a.name}, ${ref.name})`) : noTest();
  } else {
    verdict = testSeedGroups(a.sets, b.sets);
  }
  const result = {
    a: a.name, b: b.name,
    pairing: matched ? 'row by row' : 'every cross pair',
    rows: distances.length,
    distances,
    mean: summary.mean,
    std: distances.length > 1 ? summary.std : null,
    stdPopulation: summary.stdPopulation,
    betweenSeed: nulls,
    verdict,
  };
  if (values.json) { io.out(JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))); return 0; }
  const lines = [`W1(${a.name}, ${b.name})${distances.length > 1 ? `, ${matched ? `${distances.length} rows compared one to one` : `every cross pair (${distances.length})`}` : ''}:`];
  if (distances.length === 1) lines.push(`  ${distances[0].toPrecision(6)}`);
  else {
    lines.push(`  ${matched ? 'per row' : 'values'}: ${distances.map((d) => d.toPrecision(4)).join(' ')}`);
    lines.push(`  mean ${summary.mean.toPrecision(6)} ± ${summary.std.toPrecision(3)} (sample std; population std ${summary.stdPopulation.toPrecision(3)})`);
  }
  for (const [name, s] of Object.entries(nulls)) {
    lines.push(`between seeds of ${name}: mean ${s.mean.toPrecision(4)} ± ${s.std.toPrecision(3)} over ${s.count} pairs`);
  }
  if (verdict.kind === 'seeds') {
    lines.push(`permutation test over seeds (${verdict.method === 'exact' ? `exact, all ${verdict.relabellings}` : `Monte Carlo, ${verdict.relabellings}`} relabellings): `
      + `mean W1 between ${verdict.meanBetween.toPrecision(4)}, within ${verdict.meanWithin.toPrecision(4)}`);
  } else if (verdict.kind === 'reference') {
    lines.push(`reference contrast ${verdict.referenceLabel} = ${verdict.referenceDistance.toPrecision(6)}`);
  }
  lines.push(`verdict: ${verdict.verdict}`);
  io.out(lines.join('\n'));
  return 0;
}
