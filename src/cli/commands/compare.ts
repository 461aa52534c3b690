/**
 * `koopscope compare A B [options]`: W1 distance between the spectra of two trajectories, or between published
 * eigenvalue files (complex arrays (k,) or (seeds, k), as paper 1 saved them), compared row by row, with the
 * between-seed spread of each side as the null when there are several seeds.
 */
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { betweenSeedNull, compareToNull, summarizeDistances, type NullVerdict } from '../../koopman/seedNull';
import { wasserstein1, type ComplexPoints } from '../../koopman/wasserstein';
import { UsageError } from '../errors';
import { loadFile } from '../load';
import { readOptionsFrom, spectrumFlags, SPECTRUM_USAGE } from '../options';
import { spectrumOfFile } from './spectrum';
import type { Io } from '../main';

export const usage = `usage: koopscope compare A B [options]

1-Wasserstein distance between the Koopman spectra of A and B. Each may be a trajectory file (its spectrum is
computed with the options below) or a file of eigenvalues: a complex array of shape (k,) or (seeds, k).
With (seeds, k) on both sides, rows are compared one to one (seed i with seed i), and the distances between seeds
within each side serve as the null: the verdict says whether A–B exceeds the seed-to-seed spread.

${SPECTRUM_USAGE}`;

interface Side { name: string; sets: ComplexPoints[]; fromTrajectory: boolean }

function side(path: string, values: Record<string, unknown>): Side {
  const f = loadFile(path, readOptionsFrom(values));
  if (f.kind === 'eigenvalues') {
    checkEigenvalueSets(f.source, f.sets);
    return { name: f.source, sets: f.sets, fromTrajectory: false };
  }
  const r = spectrumOfFile(path, values);
  return { name: basename(path), sets: [{ re: r.eigenvalues.map((e) => e[0]), im: r.eigenvalues.map((e) => e[1]) }], fromTrajectory: true };
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
  const { values, positionals } = parseArgs({ args, options: { ...spectrumFlags, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  if (values.help) { io.out(usage); return 0; }
  if (positionals.length !== 2) throw new UsageError(`compare needs two files A and B, got ${positionals.length} (see koopscope compare --help)`);
  const a = side(positionals[0], values), b = side(positionals[1], values);
  let distances: number[];
  if (a.sets.length === b.sets.length) distances = a.sets.map((s, i) => wasserstein1(s, b.sets[i]));
  else if (a.sets.length === 1) distances = b.sets.map((s) => wasserstein1(a.sets[0], s));
  else if (b.sets.length === 1) distances = a.sets.map((s) => wasserstein1(s, b.sets[0]));
  else throw new UsageError(`${a.name} has ${a.sets.length} rows (seeds) but ${b.name} has ${b.sets.length}; row-by-row comparison needs the same number`);
  const summary = summarizeDistances(distances);
  const nulls: Record<string, ReturnType<typeof betweenSeedNull>['summary']> = {};
  const pooled: number[] = [];
  for (const s of [a, b]) {
    if (s.sets.length >= 2) {
      const n = betweenSeedNull(s.sets);
      nulls[s.name] = n.summary;
      pooled.push(...n.values);
    }
  }
  let verdict: NullVerdict | undefined;
  if (pooled.length >= 2) verdict = compareToNull(distances, pooled);
  const result = {
    a: a.name, b: b.name,
    rows: distances.length,
    distances,
    mean: summary.mean,
    std: distances.length > 1 ? summary.std : null,
    stdPopulation: summary.stdPopulation,
    betweenSeed: nulls,
    verdict: verdict ?? null,
  };
  if (values.json) { io.out(JSON.stringify(result)); return 0; }
  const lines = [`W1(${a.name}, ${b.name})${distances.length > 1 ? `, ${distances.length} rows compared one to one` : ''}:`];
  if (distances.length === 1) lines.push(`  ${distances[0].toPrecision(6)}`);
  else {
    lines.push(`  per row: ${distances.map((d) => d.toPrecision(4)).join(' ')}`);
    lines.push(`  mean ${summary.mean.toPrecision(6)} ± ${summary.std.toPrecision(3)} (sample std; population std ${summary.stdPopulation.toPrecision(3)})`);
  }
  for (const [name, s] of Object.entries(nulls)) {
    lines.push(`between seeds of ${name}: mean ${s.mean.toPrecision(4)} ± ${s.std.toPrecision(3)} over ${s.count} pairs`);
  }
  if (verdict) lines.push(`verdict: ${verdict.verdict} (ratio ${verdict.ratio.toFixed(2)}, z = ${verdict.zScore.toFixed(2)}, p = ${verdict.pValue.toFixed(3)})`);
  else lines.push('no between-seed null: give (seeds, k) eigenvalue files or use `koopscope reproduce` to judge conjugacy');
  io.out(lines.join('\n'));
  return 0;
}
