/**
 * `koopscope lyapunov --preset NAME [--quick] [--json] [overrides]`: the Lyapunov view of training (paper 3). The
 * computation is pure (src/lyapunov); this shell parses flags, shows a progress bar on a terminal and prints.
 */
import { commandArgs } from '../command';
import { formatEigenvalue } from '../../linalg/complexText';
import { INDICATOR_LABEL, type EnsembleResult } from '../../lyapunov/experiment';
import { getLyapunovPreset, LYAPUNOV_PRESETS, type LyapunovReport, type PresetOverrides } from '../../lyapunov/presets';
import type { QuadraticResult } from '../../lyapunov/quadratic';
import type { RegressionRun } from '../../lyapunov/regression';
import { UsageError } from '../errors';
import { seedOption, wholeNumber } from '../options';
import { progressBar } from '../progress';
import type { Io } from '../main';

export const usage = `usage: koopscope lyapunov --preset NAME [--quick] [--json] [--steps n] [--tau n] [--k n] [--runs n]
                         [--hidden n] [--seed n] [--lr x]
       koopscope lyapunov --list

Finite-time Lyapunov exponents (FTLEs) of full-batch gradient descent, by the QR (Benettin) method on exact
float64 Hessian–vector products (the tangent map of one step is J = I − η∇²C(w)).
  --preset NAME  quadratic: GD on ½wᵀHw, the check FTLE → ln|1 − ηh| (O(1/τ) bound) next to DMD λ = 1 − ηh
                 regression-ACT: one 1–10–1 net on y = sin(πx), FTLEs over training, CLV angles
                 paper3: many initial conditions × activations × 2 seed sets: FTLEs, CLV angle and the current
                 loss vs final loss (Spearman ρ, partial ρ given the loss, Holm-adjusted p, replication)
  --quick        the small variant (seconds)
  --steps n      GD steps          --tau n   FTLE window (steps)     --k n     number of exponents
  --runs n       initial conditions per activation (paper3)          --seed n  initial-condition seed
  --lr x         learning rate η   --hidden n  hidden units of the 1–H–1 nets (regression-*, paper3; P = 3H + 1)
  --json         print the result as one JSON object
  --list         list the presets

presets:
${LYAPUNOV_PRESETS.map((p) => `  ${p.name.padEnd(20)} ${p.description}`).join('\n')}`;

const f = (x: number, d = 5) => (!Number.isFinite(x) ? String(x) : Math.abs(x) !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toFixed(d));
const row = (xs: number[], d = 5) => xs.map((x) => f(x, d).padStart(11)).join(' ');

function formatQuadratic(r: QuadraticResult): string[] {
  const L = ['', `multipliers μ = 1 − ηh (by |μ|): ${r.multipliers.map((m) => f(m, 4)).join(', ')}`,
    `exact exponents ln|μ|:           ${row(r.exact, 6)}`, '',
    'FTLEs over [0, τ) (Q_0 = I) against ln|1 − ηh|, with the O(1/τ) bound |error_i| ≤ (c_i + c_{i−1})/τ:'];
  for (const w of r.windows) {
    L.push(`  τ = ${String(w.tau).padEnd(5)} FTLE ${row(w.ftle, 6)}`,
      `             error ${row(w.deviation)}`,
      `             bound ${row(w.bound)}   ${w.withinBound ? 'PASS' : 'FAIL'}`);
  }
  L.push('', `DMD of the same weights (${r.dmd.runs} runs × ${r.dmd.T} steps, rank ${r.dim}; run 0 is the FTLE run):`,
    `  λ       ${r.dmd.eigenvalues.map(([re, im]) => formatEigenvalue(re, im, (x) => f(x, 4), (x) => f(x, 6)).padStart(11)).join(' ')}`,
    `  ln|λ|   ${row(r.dmd.lnAbs, 6)}`,
    `  max |λ − (1 − ηh)| = ${r.dmd.maxErrorVsMultipliers.toExponential(2)}  ${r.dmd.maxErrorVsMultipliers < 1e-8 ? 'PASS' : 'FAIL'}`,
    '', `exponents over training (windows of ${r.series.tau} steps; first and last three):`);
  const idx = r.series.starts.length <= 6 ? r.series.starts.map((_, i) => i) : [0, 1, 2, r.series.starts.length - 3, r.series.starts.length - 2, r.series.starts.length - 1];
  for (const i of idx) L.push(`  steps ${String(r.series.starts[i]).padStart(5)}–${String(r.series.starts[i] + r.series.tau).padEnd(5)} ${row(r.series.values[i], 6)}`);
  const ok = r.windows.every((w) => w.withinBound) && r.dmd.maxErrorVsMultipliers < 1e-8;
  L.push('', `check: ${ok ? 'PASS' : 'FAIL'}: FTLEs converge to ln|1 − ηh| within the O(1/τ) bound and DMD gives λ = 1 − ηh on the same run`);
  return L;
}

function formatRegression(r: RegressionRun): string[] {
  const L = ['', `parameters P = ${r.P}; loss ${f(r.losses[0])} → ${f(r.finalLoss)}`, '',
    `FTLEs per window of ${r.ftle.tau} steps, directions 1…${r.spec.k} of the QR frame (ordered only asymptotically; one window need not be):`];
  const n = r.ftle.starts.length, show = n <= 12 ? [...Array(n).keys()] : [...Array(n).keys()].filter((i) => i < 4 || i >= n - 4 || i % Math.ceil(n / 8) === 0);
  let prev = -1;
  for (const i of show) {
    if (prev >= 0 && i > prev + 1) L.push('  …');
    const end = r.ftle.starts[i] + r.ftle.tau;
    const li = r.lossSteps.findIndex((s) => s >= end);
    L.push(`  steps ${String(r.ftle.starts[i]).padStart(5)}–${String(end).padEnd(5)} ${row(r.ftle.values[i])}   loss ${f(r.losses[li < 0 ? r.losses.length - 1 : li])}`);
    prev = i;
  }
  L.push('', `Hessian at the end (${r.hessianMethod === 'dense' ? 'dense' : 'Lanczos on Hessian–vector products, not formed'}): eigenvalues in [${f(r.hessianRange[0])}, ${f(r.hessianRange[1])}]` +
    `${r.hessianRange[0] < 0 ? ' (a negative curvature: not yet at a minimum)' : ''}` +
    `${r.spec.eta * r.hessianRange[1] > 2 ? ' (ηh_max > 2: beyond the edge of stability)' : ''}`,
    `  predicted exponents ln|1 − ηh| (top ${r.spec.k}): ${row(r.hessianExponents)}`,
    `  last window's FTLEs:                   ${row(r.ftle.values[r.ftle.values.length - 1])}`,
    '  (they agree once the run has settled near a minimum for much longer than τ)');
  if (r.clv) {
    const m = r.clv.minAngle;
    const deg = (x: number) => ((x * 180) / Math.PI).toFixed(1) + '°';
    L.push('', `covariant Lyapunov vectors (Ginelli), steps ${r.clv.steps[0]}–${r.clv.steps[r.clv.steps.length - 1]}: smallest angle between any two`,
      `  start ${deg(m[0])}, middle ${deg(m[Math.floor(m.length / 2)])}, end ${deg(m[m.length - 1])}, minimum ${deg(Math.min(...m))}` +
      ' (small angles: nearly tangent directions, a sign of non-normal, transient-growth dynamics)');
  }
  return L;
}

function formatEnsemble(r: EnsembleResult): string[] {
  const acts = r.spec.activations;
  const L = ['', `runs: ${r.runs.length} (${r.spec.runsPerActivation} initial conditions × ${acts.join(', ')}), P = ${r.P}`, '',
    'final loss by activation (min / median / max):'];
  for (const a of acts) {
    const l = r.runs.filter((x) => x.activation === a).map((x) => x.finalLoss).sort((x, y) => x - y);
    L.push(`  ${a.padEnd(9)} ${f(l[0])} / ${f(l[Math.floor(l.length / 2)])} / ${f(l[l.length - 1])}`);
  }
  const cp = r.checkpoints, sel = cp.length <= 10 ? [...cp.keys()] : [...cp.keys()].filter((i) => i % Math.ceil(cp.length / 10) === 0 || i === cp.length - 1);
  const alpha = r.spec.alpha;
  const cell = (v: number, q: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(2)}${q < alpha ? '*' : ' '}`).padStart(7);
  L.push('', `Spearman ρ(indicator at checkpoint c, ln final loss); "| loss": partial ρ given the current loss ln C(w_c);`,
    `* = significant after Holm over checkpoints × indicators of the group (adjusted p < ${alpha}); p from the t-distribution.`,
    `CLV angle: min ∠(CLV₁, CLV₂) over [c − τ, c − τ/2], backward pass from c (n/a at the first checkpoint).`);
  for (const set of [...new Set(r.correlations.map((c) => c.seedSet))]) {
    const first = r.runs.find((x) => x.seedSet === set)!.seed;
    L.push('', `seed set ${set} (seeds ${first} … ${first + r.spec.runsPerActivation - 1}):`,
      `  ${'group'.padEnd(9)} ${'indicator'.padEnd(22)}${sel.map((i) => `@${cp[i]}`.padStart(7)).join('')}   earliest significant`);
    for (const c of r.correlations.filter((x) => x.seedSet === set)) {
      L.push(`  ${c.group.padEnd(9)} ${INDICATOR_LABEL[c.indicator].padEnd(22)}${sel.map((i) => cell(c.rho[i], c.pAdj[i])).join('')}   ${c.earliest === null ? 'never' : `step ${c.earliest}`}`);
      if (c.indicator !== 'loss') L.push(`  ${''.padEnd(9)} ${`  | loss`.padEnd(22)}${sel.map((i) => cell(c.partial[i], c.partialPAdj[i])).join('')}`);
    }
  }
  if (r.replication.length) {
    L.push('', 'replication (checkpoints significant in set A / set B / both with the same sign; sign agreement of ρ):',
      `  ${'group'.padEnd(9)} ${'indicator'.padEnd(16)} ${'ρ: A / B / both'.padEnd(17)} ${'partial: A / B / both'.padEnd(22)} same sign`);
    for (const x of r.replication) {
      L.push(`  ${x.group.padEnd(9)} ${INDICATOR_LABEL[x.indicator].padEnd(16)} ${`${x.significantA} / ${x.significantB} / ${x.significantBoth}`.padEnd(17)} ` +
        `${(x.indicator === 'loss' ? '–' : `${x.partialSignificantA} / ${x.partialSignificantB} / ${x.partialSignificantBoth}`).padEnd(22)} ${Number.isNaN(x.signAgreement) ? 'n/a' : `${Math.round(100 * x.signAgreement)}%`}`);
    }
  }
  L.push('', 'reading (generated from the numbers above; per-activation rows; the pooled rows mix activations whose losses differ by orders of magnitude):');
  for (const s of r.reading) L.push(`  - ${s}`);
  return L;
}

export function formatLyapunov(rep: LyapunovReport): string {
  const r = rep.result;
  const lines = [`${rep.preset}${rep.quick ? ' (quick)' : ''}`, '', 'settings:'];
  for (const [k, v] of Object.entries(rep.settings)) lines.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  lines.push(...(r.kind === 'quadratic' ? formatQuadratic(r) : r.kind === 'regression' ? formatRegression(r) : formatEnsemble(r)));
  lines.push('', `runtime: ${r.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

export function run(args: string[], io: Io): number {
  const parsed = commandArgs(args, {
    preset: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'boolean' }, list: { type: 'boolean' },
    steps: { type: 'string' }, tau: { type: 'string' }, k: { type: 'string' }, runs: { type: 'string' }, hidden: { type: 'string' },
    seed: { type: 'string' }, lr: { type: 'string' },
  }, usage, io);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (values.list) {
    io.out(LYAPUNOV_PRESETS.map((p) => `${p.name.padEnd(20)} ${p.description}\n${' '.repeat(21)}runtime: quick ${p.runtime.quick}; full ${p.runtime.full}; options: ${p.accepts.map((a) => `--${a}`).join(' ')}`).join('\n'));
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (did you mean --preset ${positionals[0]}?)`);
  if (!values.preset) throw new UsageError(`lyapunov needs --preset NAME: ${LYAPUNOV_PRESETS.map((p) => p.name).join(', ')}`);
  let preset;
  try { preset = getLyapunovPreset(values.preset); } catch (e) { throw new UsageError((e as Error).message); }
  let lr: number | undefined;
  if (values.lr !== undefined) {
    lr = Number(values.lr);
    if (!(lr > 0 && Number.isFinite(lr))) throw new UsageError(`--lr must be a positive number, got '${values.lr}'`);
  }
  const seed = seedOption('seed', values.seed);
  const overrides: PresetOverrides = {
    quick: !!values.quick, steps: wholeNumber('steps', values.steps, 1), tau: wholeNumber('tau', values.tau, 1),
    k: wholeNumber('k', values.k, 1), runs: wholeNumber('runs', values.runs, 1), hidden: wholeNumber('hidden', values.hidden, 1), seed, lr,
  };
  const bar = progressBar(`lyapunov ${preset.name}`);
  let report: LyapunovReport;
  try {
    // the core's settings checks (k > P, τ > steps, unused flags, divergence) throw OptionError: exit 2 via main.ts;
    // anything else is a bug and is reported as one
    report = preset.run(overrides, (fr, phase) => bar.update(fr, phase));
  } finally {
    bar.done();
  }
  io.out(values.json ? JSON.stringify(report) : formatLyapunov(report));
  return 0;
}
