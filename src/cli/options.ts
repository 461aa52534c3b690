/**
 * Options shared by `spectrum`, `compare` and the windows commands, parsed with node:util's parseArgs (strict:
 * unknown flags are errors) and validated into the engine's SpectrumOptions / io's ReadOptions; and `wholeNumber`,
 * the whole-number flag parser every command uses.
 */
import type { ReadOptions } from '../io/index';
import type { SpectrumOptions } from '../koopman/analyze';
import type { RankRule } from '../koopman/types';
import { parseSeed, seedError } from '../linalg/seed';
import { UsageError } from './errors';

/** parseArgs option table for the DMD and file options. */
export const spectrumFlags = {
  rank: { type: 'string' },
  energy: { type: 'string' },
  'rank-rule': { type: 'string' },
  delays: { type: 'string' },
  center: { type: 'boolean' },
  window: { type: 'string' },
  every: { type: 'string' },
  params: { type: 'string' },
  pca: { type: 'string' },
  'pca-fit': { type: 'string' },
  dt: { type: 'string' },
  sketch: { type: 'string' },
  seed: { type: 'string' },
  exact: { type: 'boolean' },
  json: { type: 'boolean' },
  'drop-nonfinite': { type: 'boolean' },
} as const;

export const SPECTRUM_USAGE = `DMD options:
  --rank r               keep r singular triplets (default 10)
  --energy f             smallest rank reaching a fraction f of Σσ² (0 < f ≤ 1)
  --rank-rule R          optimal (Gavish–Donoho hard threshold) | full (every non-round-off triplet)
  --delays d             delay embedding: z_t = [x_t; …; x_{t+d}] (default 0)
  --center               subtract the mean snapshot first (removes the offset eigenvalue near 1)
  --pca n                project onto the top n principal components before delays
  --pca-fit F            snapshots the PCA is fitted on: all (default) | pairs (all but each run's last, as paper 1)
  --window a:b           snapshots a ≤ t < b of every run (indices in the file)
  --every k              keep every k-th snapshot (Δt becomes k·dt)
  --params sel           parameters: comma-separated names or name prefixes (fc2.,fc1.weight), or a range a:b
  --dt x                 optimizer steps between snapshots in the file (default: from 'steps', else 1)
  --sketch k [--seed s]  random-projection sketch to k values per snapshot (for very large models)
  --exact                amplitudes from exact modes (default: projected)
  --drop-nonfinite       drop snapshots containing NaN/Inf instead of stopping; each run is split at the gaps
  --json                 print one JSON object`;

type Values = { [K in keyof typeof spectrumFlags]?: (typeof spectrumFlags)[K]['type'] extends 'boolean' ? boolean : string };

/**
 * The value of --name as a whole number in [min, max] (max defaults to unbounded), or undefined when the flag is
 * absent; otherwise a UsageError. The one whole-number parser of every command.
 */
export function wholeNumber(name: string, v: string, min: number, max?: number): number;
export function wholeNumber(name: string, v: string | undefined, min: number, max?: number): number | undefined;
export function wholeNumber(name: string, v: string | undefined, min: number, max = Infinity): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) {
    const want = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new UsageError(`--${name} must be a whole number ${want}, got '${v}'`);
  }
  return Number(v);
}

/** A seed flag's value under the one seed policy (src/linalg/seed.ts): 0 ≤ seed < 2^31; otherwise a UsageError. */
export function seedOption(name: string, v: string): number;
export function seedOption(name: string, v: string | undefined): number | undefined;
export function seedOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const seed = parseSeed(v);
  if (seed === undefined) throw new UsageError(seedError(`--${name}`, v));
  return seed;
}

/**
 * `--flag -3` → `--flag=-3` for every long flag followed by a negative number, so node:util's parseArgs hands the
 * value to our validators (which say what is wrong with it) instead of failing with "argument is ambiguous". A
 * boolean flag given this way gets parseArgs' "does not take an argument"; no command takes a negative number as
 * a positional argument. Arguments after `--` are left alone.
 */
export function inlineNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { out.push(...args.slice(i)); break; }
    const next = args[i + 1];
    if (/^--[^=-][^=]*$/.test(a) && next !== undefined && /^-(\d|\.\d|Infinity\b)/.test(next)) { out.push(`${a}=${next}`); i++; }
    else out.push(a);
  }
  return out;
}

function float(name: string, v: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got '${v}'`);
  return x;
}

function range(name: string, v: string): { start: number; end: number } {
  const m = /^(\d+):(\d+)$/.exec(v.trim());
  if (!m || Number(m[1]) >= Number(m[2])) throw new UsageError(`--${name} must look like a:b with a < b, got '${v}'`);
  return { start: Number(m[1]), end: Number(m[2]) };
}

export function rankRuleFrom(v: Values): RankRule {
  const given = [v.rank, v.energy, v['rank-rule']].filter((x) => x !== undefined);
  if (given.length > 1) throw new UsageError('give only one of --rank, --energy, --rank-rule');
  if (v.rank !== undefined) return { kind: 'rank', r: wholeNumber('rank', v.rank, 1) };
  if (v.energy !== undefined) {
    const f = float('energy', v.energy);
    if (!(f > 0 && f <= 1)) throw new UsageError(`--energy must be in (0, 1], got '${v.energy}'`);
    return { kind: 'energy', fraction: f };
  }
  if (v['rank-rule'] !== undefined) {
    const r = v['rank-rule'];
    if (r === 'optimal' || r === 'full') return { kind: r };
    if (/^\d+$/.test(r)) return { kind: 'rank', r: wholeNumber('rank-rule', r, 1) };
    throw new UsageError(`--rank-rule must be 'optimal' or 'full', got '${r}'`);
  }
  return { kind: 'rank', r: 10 };
}

/** What the file reader should select (parameters), from the parsed flags. */
export function readOptionsFrom(v: Values): ReadOptions {
  const o: ReadOptions = {};
  if (v.params !== undefined) {
    const p = v.params.trim();
    if (/^\d+:\d+$/.test(p)) o.params = range('params', p);
    else {
      const names = p.split(',').map((s) => s.trim()).filter(Boolean);
      if (names.length === 0) throw new UsageError(`--params needs names or a range a:b, got '${v.params}'`);
      o.params = { names };
    }
  }
  if (v['drop-nonfinite']) o.nonFinite = 'drop';
  return o;
}

/** The engine options from the parsed flags; `fileDt` is the snapshot spacing recorded in the file, if any. */
export function spectrumOptionsFrom(v: Values, fileDt?: number): SpectrumOptions {
  const o: SpectrumOptions = { rank: rankRuleFrom(v) };
  if (v.delays !== undefined) o.delays = wholeNumber('delays', v.delays, 0);
  if (v.center) o.center = true;
  if (v.pca !== undefined) o.pca = wholeNumber('pca', v.pca, 1);
  if (v['pca-fit'] !== undefined) {
    const f = v['pca-fit'];
    if (f !== 'all' && f !== 'pairs') throw new UsageError(`--pca-fit must be 'all' or 'pairs', got '${f}'`);
    if (o.pca === undefined) throw new UsageError('--pca-fit only applies with --pca');
    o.pcaFit = f;
  }
  if (v.window !== undefined) o.window = range('window', v.window);
  if (v.every !== undefined) o.every = wholeNumber('every', v.every, 1);
  if (v.dt !== undefined) {
    o.dt = float('dt', v.dt);
    if (!(o.dt > 0)) throw new UsageError(`--dt must be positive, got '${v.dt}'`);
  } else if (fileDt !== undefined) o.dt = fileDt;
  if (v.sketch !== undefined) o.sketch = { dim: wholeNumber('sketch', v.sketch, 1), seed: seedOption('seed', v.seed) ?? 0 };
  else if (v.seed !== undefined) throw new UsageError('--seed only applies with --sketch');
  if (v.exact) o.modes = 'exact';
  return o;
}
