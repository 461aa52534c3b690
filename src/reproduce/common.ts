/** Helpers shared by the experiments: headless training into memory, spectra as pairs, nulls and verdicts. */
import { betweenSeedNull, summarizeDistances } from '../koopman/seedNull';
import type { SnapshotSet } from '../koopman/snapshots';
import type { Spectrum } from '../koopman/types';
import { wasserstein1 } from '../koopman/wasserstein';
import { recordRun } from '../train/record';
import type { TrainConfig } from '../train/types';
import type { DistanceReport, NullReport, Pair, RunOptions } from './types';
import { OptionError } from '../linalg/errors';

export const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function pairsOf(s: Spectrum): Pair[] {
  return s.eigenvalues.map((e) => [e.re, e.im]);
}

export function toPoints(p: Pair[]): { re: Float64Array; im: Float64Array } {
  return { re: Float64Array.from(p, (x) => x[0]), im: Float64Array.from(p, (x) => x[1]) };
}

/**
 * n seeds of a list starting after the first `offset` (so one long run can be split into parts: `--seeds 5` and
 * `--seeds 5 --seed-offset 5`), extended with 100, 101, … past its end.
 */
export function pickSeeds(list: readonly number[], n: number, offset = 0): number[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new OptionError(`seeds must be a whole number ≥ 1, got ${n}`);
  if (!(Number.isInteger(offset) && offset >= 0)) throw new OptionError(`the seed offset must be a whole number ≥ 0, got ${offset}`);
  return Array.from({ length: n }, (_, k) => { const i = k + offset; return i < list.length ? list[i] : 100 + i - list.length; });
}

export interface Trained {
  set: SnapshotSet;
  /** Loss of run 0 at the last step. */
  finalLoss: number;
  diverged?: string;
  seconds: number;
}

/**
 * Trains `config` for `steps` steps on the current tfjs backend and returns every snapshot in memory, runs × T × N
 * (float32, as the trainers produce them). Throws if the run diverges before three snapshots were taken.
 */
export async function trainEnsemble(
  config: TrainConfig, steps: number, opts: Pick<RunOptions, 'loadBytes' | 'backend'>,
  onProgress?: (fraction: number) => void,
): Promise<Trained> {
  const r = await recordRun(config, steps, { loadBytes: opts.loadBytes, backend: opts.backend, onProgress });
  return { set: r.set, finalLoss: r.finalLoss, diverged: r.diverged, seconds: r.seconds };
}

/** One training job of a seeded experiment: the group (`key`) whose spectra it adds to, its seed and its config. */
export interface SeedJob { key: string; seed: number; config: TrainConfig; steps: number }

/**
 * The seed loop every trained experiment shares: trains `jobs` in order, reporting progress as
 * (jobs done + this job's fraction) / jobs with the label `${key} seed ${seed}`, and hands each result to `collect`.
 */
export async function trainJobs(
  jobs: readonly SeedJob[], opts: Pick<RunOptions, 'loadBytes' | 'backend' | 'onProgress'>,
  collect: (job: SeedJob, trained: Trained) => void,
): Promise<void> {
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[j];
    const tr = await trainEnsemble(job.config, job.steps, opts,
      (f) => opts.onProgress?.((j + f) / jobs.length, `${job.key} seed ${job.seed}`));
    collect(job, tr);
  }
}

export function nullReport(label: string, group: Pair[][], paper?: NullReport['paper']): NullReport {
  const n = betweenSeedNull(group.map(toPoints));
  return { label: `${label} (${n.values.length} pairs)`, values: Array.from(n.values), summary: n.summary, ...(paper ? { paper } : {}) };
}

export { groupReport, overallVerdict } from './verdicts';

/** Mean ± population std (ddof 0, paper 1's convention) of row-by-row W1 between two published (seeds, k) files. */
export function publishedRowwise(a: { re: ArrayLike<number>; im: ArrayLike<number> }[], b: typeof a): { mean: number; std: number } {
  const vals = a.map((s, i) => wasserstein1(s, b[i]));
  const s = summarizeDistances(vals);
  return { mean: s.mean, std: s.stdPopulation };
}

export function publishedNull(a: { re: ArrayLike<number>; im: ArrayLike<number> }[]): { mean: number; std: number } {
  const n = betweenSeedNull(a);
  return { mean: n.summary.mean, std: n.summary.stdPopulation };
}

/** Number formatting for verdict lines. */
export const fmtPrecision = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toPrecision(digits) : String(x));
