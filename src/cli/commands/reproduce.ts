/**
 * `koopscope reproduce NAME [--quick] [--json] [--seeds n]`: one of paper 1's experiments (or a teaching case) from
 * training to verdict, in Node (tfjs cpu backend). The experiments themselves are pure (src/reproduce); this shell
 * sets the backend, passes the MNIST reader and paper 1's published eigenvalue files when they are on disk, shows a
 * progress bar on a terminal and prints the result.
 */
import { asUsage, commandArgs } from '../command';
import { formatEigenvalue } from '../../linalg/complexText';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrajectoryFile } from '../../io/index';
import { EXPERIMENTS, getExperiment, type ExperimentResult, type Pair } from '../../reproduce/index';
import { mergeGrokking } from '../../reproduce/grokking';
import { backendFlag, useNodeBackend } from '../nodeBackend';
import { readMnistFile } from '../../train/node/mnistFiles';
import { UsageError, UserError } from '../errors';
import { wholeNumber } from '../options';
import { progressBar } from '../progress';
import type { Io } from '../main';

export const usage = `usage: koopscope reproduce NAME [--quick] [--json] [--seeds n]
       koopscope reproduce --list

Runs one experiment from training to verdict: the settings used, the spectra per seed, the W1 distances with their
mean and spread, the between-seed null, checks against formulas or published values, and a verdict per compared
pair (the permutation test over seeds, docs/conjugacy.md).
  --quick            the small variant (minutes on a 2-core CPU; what it reduces is printed)
  --seeds n          number of seeds (the first n of the paper's list; beyond its end 100, 101, …)
  --seed-offset k    skip the first k seeds of the list (split a long run: --seeds 5, then --seeds 5 --seed-offset 5)
  --logits L         grokking only: 'answers' (default: the unembed scores the p residues) or 'vocab' (all p + 1
                     tokens, '=' included, as paper 1's code does)
  --merge A B …      grokking only: join the --json outputs of such parts into one result, judged as one run
  --paper-data DIR   folder with paper 1's published .npy files (default: $KOOPSCOPE_SHARED/data/paper1 or
                     ../shared/data/paper1 beside the repository, when present)
  --backend b        training backend: auto (default: wasm, else cpu), wasm, cpu, or webgpu (a GPU through Dawn:
                     needs the optional npm package webgpu); the choice is printed
  --json             print the result as one JSON object
  --list             list the experiments

experiments:
${EXPERIMENTS.map((e) => `  ${e.name.padEnd(10)} ${e.description}`).join('\n')}`;

/** Where paper 1's published files are, or undefined. */
export function findPaperData(explicit?: string): string | undefined {
  const isDir = (d: string) => existsSync(d) && statSync(d).isDirectory();
  if (explicit) {
    if (!isDir(explicit)) throw new UsageError(`--paper-data ${explicit}: not a folder`);
    return resolve(explicit);
  }
  const candidates: string[] = [];
  if (process.env.KOOPSCOPE_SHARED) candidates.push(join(process.env.KOOPSCOPE_SHARED, 'data/paper1'));
  try {
    // the repository root is one folder up from dist-cli/ (bundle) or two from src/cli/commands (tests)
    const here = dirname(fileURLToPath(import.meta.url));
    candidates.push(resolve(here, '../../shared/data/paper1'), resolve(here, '../../../../shared/data/paper1'));
  } catch { /* not a file URL */ }
  candidates.push(resolve('../shared/data/paper1'));
  return candidates.find(isDir);
}

function publishedReader(dir: string | undefined) {
  return (file: string) => {
    if (!dir) return undefined;
    const path = join(dir, file);
    if (!existsSync(path)) return undefined;
    const r = readTrajectoryFile(file, new Uint8Array(readFileSync(path)));
    return r.kind === 'eigenvalues' ? r.sets : undefined;
  };
}

const num = (x: number) => (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(3) : x.toFixed(5));
const eig = ([re, im]: Pair) => formatEigenvalue(re, im, num);
const p4 = (x: number | null) => (x === null ? 'n/a' : Number.isFinite(x) ? x.toPrecision(4) : String(x));

export function formatResult(r: ExperimentResult): string {
  const lines: string[] = [`${r.name}${r.quick ? ' (quick)' : ''}: ${r.description}`, '', 'settings:'];
  for (const [k, v] of Object.entries(r.settings)) lines.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  if (r.reduced.length) { lines.push('reduced from the paper:'); for (const x of r.reduced) lines.push(`  - ${x}`); }
  lines.push('', 'spectra (per seed; eigenvalues sorted by |λ|):');
  for (const [g, rows] of Object.entries(r.spectra)) {
    rows.forEach((row, i) => lines.push(`  ${g}${rows.length > 1 ? `, seed ${r.seeds[i] ?? i}` : ''}: ${row.map(eig).join(' ')}`));
  }
  if (r.distances.length) lines.push('', 'W1 distances:');
  for (const d of r.distances) {
    const s = d.summary;
    lines.push(`  ${d.label}: ${d.values.length > 1 ? `mean ${p4(s.mean)} ± ${p4(s.std)} (sample std; population ${p4(s.stdPopulation)}), range ${p4(s.min)}–${p4(s.max)}, n = ${s.count}` : p4(s.mean)}` +
      (d.paper ? `   [paper: ${p4(d.paper.mean)}${d.paper.std !== undefined ? ` ± ${p4(d.paper.std)}` : ''}]` : ''));
    if (d.values.length > 1 && d.values.length <= 30) lines.push(`    values: ${d.values.map(p4).join(' ')}`);
    if (d.verdict) lines.push(`    → ${d.verdict}`);
  }
  if (r.nulls.length) lines.push('', 'between-seed null:');
  for (const n of r.nulls) {
    lines.push(`  ${n.label}: mean ${p4(n.summary.mean)} ± ${p4(n.summary.std)}, p95 ${p4(n.summary.p95)}` +
      (n.paper ? `   [paper: ${p4(n.paper.mean)}${n.paper.std !== undefined ? ` ± ${p4(n.paper.std)}` : ''}]` : ''));
  }
  if (r.checks.length) lines.push('', 'checks:');
  for (const c of r.checks) {
    lines.push(`  ${c.pass ? 'PASS' : 'FAIL'} ${c.name}${c.deviation !== undefined ? `: deviation ${c.deviation.toExponential(2)}` : ''}` +
      `${c.tolerance !== undefined ? ` (tolerance ${c.tolerance})` : ''}${c.note ? ` [${c.note}]` : ''}`);
  }
  if (r.notes.length) { lines.push('', 'notes:'); for (const n of r.notes) lines.push(`  - ${n}`); }
  lines.push('', `verdict: ${r.verdict}`, `runtime: ${r.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = commandArgs(args, {
    quick: { type: 'boolean' }, json: { type: 'boolean' }, seeds: { type: 'string' }, list: { type: 'boolean' },
    'seed-offset': { type: 'string' }, merge: { type: 'boolean' },
    'paper-data': { type: 'string' }, backend: { type: 'string' }, logits: { type: 'string' },
  }, usage, io);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (values.list) {
    const w = Math.max(...EXPERIMENTS.map((e) => e.name.length));
    io.out(EXPERIMENTS.map((e) => `${e.name.padEnd(w)}  ${e.description}\n${' '.repeat(w)}  runtime: quick ${e.runtime.quick}; full ${e.runtime.full}`).join('\n'));
    return 0;
  }
  if (values.merge) return mergeParts(positionals, values['paper-data'], !!values.json, io);
  if (positionals.length !== 1) throw new UsageError(`reproduce needs one experiment NAME: ${EXPERIMENTS.map((e) => e.name).join(', ')}`);
  const experiment = asUsage(() => getExperiment(positionals[0]));
  const seeds = wholeNumber('seeds', values.seeds, 1);
  const seedOffset = wholeNumber('seed-offset', values['seed-offset'], 0);
  if ((seeds !== undefined || seedOffset !== undefined) && !experiment.seeded) {
    throw new UsageError(`${experiment.name} has no seeds to choose; run it without --seeds${seedOffset !== undefined ? ' and --seed-offset' : ''}`);
  }
  const logits = values.logits as string | undefined;
  if (logits !== undefined) {
    if (experiment.name !== 'grokking') throw new UsageError(`--logits is for grokking only, not ${experiment.name}`);
    if (logits !== 'answers' && logits !== 'vocab') throw new UsageError(`--logits must be 'answers' or 'vocab', got '${logits}'`);
  }
  const paperDir = findPaperData(values['paper-data']);
  const backend = await useNodeBackend(backendFlag(values.backend));
  io.err(`koopscope: backend ${backend.name}: ${backend.reason}`);
  const bar = progressBar(`reproduce ${experiment.name}`);
  let result: ExperimentResult;
  try {
    result = await experiment.run({
      quick: !!values.quick, seeds, seedOffset, ...(logits ? { overrides: { logits } } : {}),
      onProgress: (f, phase) => bar.update(f, phase),
      loadBytes: (file) => readMnistFile(file),
      published: publishedReader(paperDir),
      backend,
    });
  } catch (e) {
    // a missing MNIST file or a bad setting is the user's; anything else is a bug and stays one (main.ts)
    if (e instanceof UserError) throw new UsageError(e.message);
    throw e;
  } finally {
    bar.done();
  }
  (result.settings as Record<string, unknown>).paperData = paperDir ?? null;
  io.out(values.json ? JSON.stringify(result) : formatResult(result));
  return 0;
}

/**
 * `reproduce grokking --merge A.json B.json …`: one result from the parts of a run split by seed ranges (each part the
 * `--json` output of `reproduce grokking --seeds n --seed-offset k`, or a recorded entry holding it), judged as one
 * run. The wall time is the sum of the parts'.
 */
function mergeParts(positionals: string[], paperData: string | undefined, json: boolean, io: Io): number {
  const [name, ...files] = positionals;
  if (name !== 'grokking') throw new UsageError(`--merge joins parts of 'grokking' runs, got '${name ?? ''}'`);
  if (files.length < 2) throw new UsageError('--merge needs at least two part files (the --json output of each part)');
  const parts = files.map((f) => {
    let x: { result?: ExperimentResult } & Partial<ExperimentResult>;
    try {
      x = JSON.parse(readFileSync(f, 'utf8')) as typeof x;
    } catch (e) {
      throw new UsageError(`${f}: not a readable JSON result (${(e as Error).message})`);
    }
    const r = (x.result ?? x) as ExperimentResult;
    if (!r || typeof r !== 'object' || !Array.isArray(r.seeds) || !r.spectra) throw new UsageError(`${f}: not a koopscope reproduce --json result`);
    return r;
  });
  const paperDir = findPaperData(paperData);
  const body = mergeGrokking(parts, publishedReader(paperDir));
  const result: ExperimentResult = JSON.parse(JSON.stringify({
    name: parts[0].name, description: parts[0].description, quick: parts[0].quick, ...body,
    seconds: parts.reduce((s, r) => s + (r.seconds ?? 0), 0),
  }));
  (result.settings as Record<string, unknown>).paperData = paperDir ?? null;
  (result.settings as Record<string, unknown>).mergedFrom = files.length;
  io.out(json ? JSON.stringify(result) : formatResult(result));
  return 0;
}
