/**
 * `koopscope kpflow --preset NAME [--json] [--quick] [--steps n] [--hidden n] [--seed n] [--checkpoints n] [--gain g]`: paper 2's
 * KPFlow view of a small recurrent network trained on a memory task (src/kpflow, pure float64): the leading
 * eigenvalues, effective ranks and participation ratios of 𝒦, 𝒫𝒫* and 𝒫𝒦𝒫* over training, the misdirection
 * alignment(𝒫𝒦𝒫*, 𝒫𝒫*), task alignments for the multi-task preset, the rank bound of 𝒦 for the vanilla cells, and
 * the Koopman spectrum of the same run's recurrent weights.
 */
import { commandArgs } from '../command';
import { formatEigenvalue } from '../../linalg/complexText';
import { getKpflowPreset, KPFLOW_PRESETS, runGainSweep, runKpflow, type GainSweepResult, type KpflowResult, type OperatorStats } from '../../kpflow/index';
import { UsageError } from '../errors';
import { seedOption, wholeNumber } from '../options';
import { progressBar } from '../progress';
import type { Io } from '../main';

export const usage = `usage: koopscope kpflow --preset NAME [--quick] [--json] [--steps n] [--hidden n] [--seed n] [--checkpoints n]
                       [--gain g | --gain-sweep g1,g2,…]
       koopscope kpflow --list

Trains a small RNN/GRU on a memory task (float64, full batch, Adam) and, at checkpoints over training, summarises
KPFlow's operators (paper 2): the parameter operator K, the propagator products P·P* and P·K·P* (top eigenvalues by
Lanczos, effective rank at 95 % of the trace, participation ratio), the misdirection alignment(P·K·P*, P·P*), the
alignment between tasks' state updates (multi-task), and the Koopman spectrum of the run's recurrent weights.
Also the KPFlow package's effective rank in unit space (H×H covariance of operator outputs over random sign probes,
95 % of Σλ²) and the PCA dimension of the hidden states.
  --preset NAME      one of the presets below
  --quick            the small variant (seconds)
  --steps n          optimizer steps            --hidden n   hidden size
  --seed n           seed of data and init      --checkpoints n   analysis checkpoints (≥ 1, both ends included)
  --gain g           init gain of the recurrent weights (vanilla W ~ N(0, g²/H); GRU W_h times g); default 1.
  --gain-sweep LIST  one run per gain (comma-separated, e.g. 0.5,1,1.5,2): misdirection and dimensions against g,
                     as paper 2 studies them (its sweep: 10 log-spaced values in [1e-5, 5])
  --json             print the result as one JSON object
  --list             list the presets

presets:
${KPFLOW_PRESETS.map((p) => `  ${p.name.padEnd(17)} ${p.description}`).join('\n')}`;

/** A positive finite number (decimal or exponent notation), or undefined when the flag is absent. */
function positiveOption(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!/^[0-9.eE+-]+$/.test(value) || !Number.isFinite(v) || v <= 0 || v > max) throw new UsageError(`--${name} must be a number in (0, ${max}], got '${value}'`);
  return v;
}

const f3 = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(3));
const rank = (s: OperatorStats) => (s.effectiveRank !== null ? String(s.effectiveRank) : `>${(s.effectiveRankAtLeast ?? 1) - 1}`);
const misdirection = (c: KpflowResult['checkpoints'][number]) => (c.misdirection.method === 'dense' ? `${c.misdirection.value.toFixed(3)} exact` : `${c.misdirection.value.toFixed(3)} ± ${c.misdirection.stderr.toFixed(3)}`);

export function formatKpflow(r: KpflowResult): string {
  const lines = [`kpflow ${r.preset}${r.quick ? ' (quick)' : ''}`, '', 'settings:'];
  for (const [k, v] of Object.entries(r.settings)) lines.push(`  ${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`);
  const m0 = r.checkpoints[0]?.misdirection;
  lines.push('', 'conventions: Euclidean sums over (sample, step, unit); rank = fewest eigenvalues reaching 95 % of the trace over the',
    'whole [batch, time, hidden] space (ours); PR = (tr G)²/tr(G²); misdirection = ⟨PKP*, PP*⟩_F/(‖PKP*‖_F‖PP*‖_F), ' +
    (m0?.method === 'dense' ? 'exact (dense operators).' : `from ${m0?.probes ?? 0} fresh Gaussian probes per checkpoint ± jackknife s.e.`), '');
  const head = ['step', 'loss', 'λ1(K)', 'λ1(PP*)', 'λ1(PKP*)', 'rank K', 'rank PP*', 'rank PKP*', 'PR K', 'PR PP*', 'PR PKP*', 'misdirection'];
  const rows = r.checkpoints.map((c) => [
    String(c.step), f3(c.loss), f3(c.K.top[0]), f3(c.PPstar.top[0]), f3(c.PKPstar.top[0]), rank(c.K), rank(c.PPstar), rank(c.PKPstar),
    f3(c.K.participationRatio), f3(c.PPstar.participationRatio), f3(c.PKPstar.participationRatio),
    misdirection(c),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  lines.push(head.map((h, i) => h.padStart(w[i])).join('  '));
  for (const row of rows) lines.push(row.map((v, i) => v.padStart(w[i])).join('  '));
  const u0 = r.checkpoints[0]?.unitRank.K;
  lines.push('', `effective rank in unit space (the KPFlow package's definition: H×H covariance of the outputs over ${u0?.method === 'exact' ? 'all inputs, exact' : `${u0?.probes} random sign probes`},`,
    'fewest eigenvalues reaching 95 % of Σλ²; at most H), and the PCA dimension of the hidden states over trials × steps:');
  const uh = ['step', 'unit K', 'unit PP*', 'unit PKP*', 'hidden PR', 'hidden 95%'];
  const urows = r.checkpoints.map((c) => [String(c.step), String(c.unitRank.K.rank), String(c.unitRank.PPstar.rank), String(c.unitRank.PKPstar.rank),
    f3(c.hiddenPca.participationRatio), String(c.hiddenPca.rank95)]);
  const uw = uh.map((h, i) => Math.max(h.length, ...urows.map((row) => row[i].length)));
  lines.push(uh.map((h, i) => h.padStart(uw[i])).join('  '));
  for (const row of urows) lines.push(row.map((v, i) => v.padStart(uw[i])).join('  '));
  const last = r.checkpoints[r.checkpoints.length - 1];
  if (last) {
    lines.push('', `top eigenvalues at step ${last.step}:`);
    for (const [k, s] of [['K', last.K], ['PP*', last.PPstar], ['PKP*', last.PKPstar]] as const) {
      lines.push(`  ${k.padEnd(5)} ${s.top.map(f3).join(' ')}   [${s.method}${s.method === 'lanczos' ? `, ${s.iterations} steps, max residual ${f3(s.maxResidual)}, trace tail from ${s.probes} probes` : ''}]`);
    }
  }
  if (r.checkpoints[0]?.rankCheck) {
    lines.push('', 'rank of K over batch×time (per hidden unit; Theorem 1: ≤ hidden + inputs + 1):');
    for (const c of r.checkpoints) {
      const k = c.rankCheck!;
      lines.push(`  step ${c.step}: rank M = ${k.gramRank}, max unit-block rank = ${k.maxBlockRank}, bound ${k.bound}: ${k.pass ? 'PASS' : 'FAIL'}`);
    }
  }
  if (last?.taskAlignment) {
    const n = r.taskNames.length, pairs: string[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push(`${r.taskNames[i]}/${r.taskNames[j]}`);
    lines.push('', 'task alignment cos(δz_i, δz_j) of the tasks\' state updates (cumulative in brackets):');
    for (const c of r.checkpoints) {
      const vals: string[] = [];
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) vals.push(`${c.taskAlignment![i][j].toFixed(2)} [${c.taskAlignmentCumulative![i][j].toFixed(2)}]`);
      lines.push(`  step ${String(c.step).padStart(4)}: ${vals.map((v, k) => `${pairs[k]} ${v}`).join(', ')}`);
    }
  }
  const kp = r.koopman;
  lines.push('', `Koopman spectrum of the recurrent weights (${kp.snapshots} snapshots every ${kp.every} steps, ${kp.dim} parameters, rank ${kp.rank}, ${kp.route} route, uncentered):`);
  lines.push('  ' + kp.eigenvalues.map(([re, im]) => formatEigenvalue(re, im, (x) => x.toFixed(4))).join(' '));
  for (const w2 of kp.warnings) lines.push(`  warning: ${w2}`);
  lines.push('', `loss: ${f3(r.losses[0])} → ${f3(r.losses[r.losses.length - 1])}`, `runtime: ${r.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

/** The sweep as one table per quantity: rows = gains, columns = checkpoints. */
export function formatGainSweep(s: GainSweepResult): string {
  const first = s.runs[0];
  const lines = [`kpflow ${s.preset}${s.quick ? ' (quick)' : ''}: init-gain sweep g = ${s.gains.join(', ')}`, '', 'settings (g varies):'];
  for (const [k, v] of Object.entries(first.settings)) if (k !== 'gain') lines.push(`  ${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`);
  const steps = first.checkpoints.map((c) => c.step);
  const table = (title: string, cell: (c: KpflowResult['checkpoints'][number]) => string) => {
    lines.push('', title);
    const rows = s.runs.map((r, i) => [`g = ${s.gains[i]}`, ...r.checkpoints.map(cell)]);
    const head = ['', ...steps.map((t) => `@${t}`)];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
    lines.push(head.map((h, i) => h.padStart(w[i])).join('  '));
    for (const row of rows) lines.push(row.map((v, i) => v.padStart(w[i])).join('  '));
  };
  table('misdirection alignment(PKP*, PP*) per checkpoint:', misdirection);
  table('loss:', (c) => f3(c.loss));
  table('effective rank of PKP*, unit space (KPFlow package) / ours (95 % of the trace):', (c) => `${c.unitRank.PKPstar.rank} / ${rank(c.PKPstar)}`);
  table('hidden-state PCA: participation ratio / components for 95 % of the variance:', (c) => `${f3(c.hiddenPca.participationRatio)} / ${c.hiddenPca.rank95}`);
  lines.push('', `runtime: ${s.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

/** Comma-separated positive gains. */
function gainList(value: string): number[] {
  const parts = value.split(',').map((x) => x.trim());
  const gains = parts.map(Number);
  if (!parts.length || parts.some((p, i) => p === '' || !/^[0-9.eE+-]+$/.test(p) || !Number.isFinite(gains[i]) || gains[i] <= 0 || gains[i] > 100)) {
    throw new UsageError(`--gain-sweep must be comma-separated numbers in (0, 100], got '${value}'`);
  }
  if (gains.length > 12) throw new UsageError(`--gain-sweep takes at most 12 gains, got ${gains.length}`);
  return gains;
}

export function run(args: string[], io: Io): number {
  const parsed = commandArgs(args, {
    preset: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'boolean' }, list: { type: 'boolean' },
    steps: { type: 'string' }, hidden: { type: 'string' }, seed: { type: 'string' }, checkpoints: { type: 'string' },
    gain: { type: 'string' }, 'gain-sweep': { type: 'string' },
  }, usage, io);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (values.list) {
    io.out(KPFLOW_PRESETS.map((p) => `${p.name.padEnd(17)} ${p.description}`).join('\n'));
    return 0;
  }
  if (positionals.length) throw new UsageError(`kpflow takes no positional arguments (got '${positionals[0]}'); use --preset NAME`);
  if (!values.preset) throw new UsageError(`kpflow needs --preset NAME: ${KPFLOW_PRESETS.map((p) => p.name).join(', ')}`);
  let preset;
  try { preset = getKpflowPreset(values.preset); } catch (e) { throw new UsageError((e as Error).message); }
  const quick = !!values.quick;
  const config = { ...(quick ? preset.quick : preset.full) };
  const steps = wholeNumber('steps', values.steps, 1, 100000), hidden = wholeNumber('hidden', values.hidden, 1, 256);
  const seed = seedOption('seed', values.seed), checkpoints = wholeNumber('checkpoints', values.checkpoints, 1, 200);
  if (steps !== undefined) config.steps = steps;
  if (hidden !== undefined) config.hidden = hidden;
  if (seed !== undefined) config.seed = seed;
  if (checkpoints !== undefined) config.checkpoints = checkpoints;
  const gain = positiveOption('gain', values.gain, 100);
  if (gain !== undefined) config.gain = gain;
  config.snapshotEvery = Math.max(1, Math.min(config.snapshotEvery, Math.floor(config.steps / 4)));
  if (values['gain-sweep'] !== undefined) {
    if (gain !== undefined) throw new UsageError('--gain and --gain-sweep exclude each other');
    const gains = gainList(values['gain-sweep']);
    const bar = progressBar(`kpflow ${preset.name} gain sweep`);
    let sweep: GainSweepResult;
    try {
      sweep = runGainSweep(preset.name, config, quick, gains, { onProgress: (f, phase) => bar.update(f, phase) });
    } finally {
      bar.done();
    }
    io.out(values.json ? JSON.stringify(sweep) : formatGainSweep(sweep));
    return 0;
  }
  const bar = progressBar(`kpflow ${preset.name}`);
  let result: KpflowResult;
  try {
    result = runKpflow(preset.name, config, quick, { onProgress: (f, phase) => bar.update(f, phase) });
  } finally {
    bar.done();
  }
  io.out(values.json ? JSON.stringify(result) : formatKpflow(result));
  return 0;
}
