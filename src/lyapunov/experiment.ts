/**
 * Paper 3's experiment (Sharafi, Martin & Hallerberg, arXiv 2405.00743): many initial conditions × several
 * activations of the same regression network; stability indicators monitored during training against the final
 * training loss, next to the obvious baseline (the training loss at the same checkpoint).
 *
 * For each run: the FTLEs in consecutive windows of τ steps (regression.ts), the causal CLV-angle indicator of each
 * window, the loss C(w_c) at each window end c, and the final loss C(w_N). Indicators at checkpoint c:
 *   lambda1   λ₁ of the window ending at c;
 *   sumK      λ₁ + … + λ_k of that window (the k-volume growth rate);
 *   clvAngle  the smallest angle between CLV₁ and CLV₂ over [c − τ, c − τ/2], from a backward pass started at c;
 *   loss      the baseline: ln C(w_c), the current training loss.
 * For every (seed set, group, indicator, checkpoint): Spearman ρ with ln C(w_N) and its two-sided p-value from the
 * t-distribution with n − 2 degrees of freedom (scipy.stats.spearmanr's); for the three exponent indicators also the
 * partial Spearman correlation given the current loss (ranks, then partial Pearson; df n − 3). Multiple testing:
 * Holm's step-down adjustment (family-wise error rate) over one family per seed set and group, which holds every
 * test of that group: the ρ of all four indicators and the partial ρ of the three exponent indicators, at every
 * checkpoint. A cell is significant when its Holm-adjusted p < alpha (0.05).
 * Replication: the same analysis on a second, disjoint seed set (seeds replicationSeed + i), side by side, with
 * per-indicator agreement (same sign, significant in both). The sign is measured, never assumed, and the
 * conclusion is generated from these numbers.
 */
import { OptionError } from '../linalg/errors';
import type { ActivationName } from './activations';
import { runRegression, type RegressionSpec } from './regression';
import { correlationP, holm, pairCount, partialSpearman, spearman } from './stats';

export interface EnsembleSpec {
  activations: ActivationName[];
  /** Initial conditions per activation and seed set; run i uses seed `seed + i` for every activation (paired design). */
  runsPerActivation: number;
  /** Everything but the activation and the seed. */
  base: Omit<RegressionSpec, 'activation' | 'seed' | 'clv' | 'clvWindowAngle'>;
  seed: number;
  /** First seed of the replication set (seeds replicationSeed + i); null: no replication. Must not overlap the first set. */
  replicationSeed: number | null;
  /** Compute the CLV-angle indicator (needs k ≥ 2). */
  clvAngle: boolean;
  /** Significance level for the Holm-adjusted p-values. */
  alpha: number;
}

export type Indicator = 'lambda1' | 'sumK' | 'clvAngle' | 'loss';
export const INDICATORS: Indicator[] = ['lambda1', 'sumK', 'clvAngle', 'loss'];
export const INDICATOR_LABEL: Record<Indicator, string> = { lambda1: 'λ₁', sumK: 'λ₁+…+λ_k', clvAngle: '∠(CLV₁,CLV₂)', loss: 'loss (baseline)' };
export type SeedSet = 'A' | 'B';

export interface CorrelationRow {
  seedSet: SeedSet;
  /** 'all' (pooled over activations) or one activation. */
  group: 'all' | ActivationName;
  indicator: Indicator;
  n: number;
  /** Per checkpoint (same order as EnsembleResult.checkpoints); NaN where undefined (e.g. no CLVs yet). */
  rho: number[];
  /** Two-sided t-distribution p of ρ, and Holm-adjusted over the group's family. */
  p: number[];
  pAdj: number[];
  /** Partial Spearman ρ given the current loss, its p (df n − 3) and Holm-adjusted p; all NaN for the baseline. */
  partial: number[];
  partialP: number[];
  partialPAdj: number[];
  /** First checkpoint (step) where ρ is significant (Holm-adjusted p < alpha), or null. */
  earliest: number | null;
}

export interface Replication {
  group: CorrelationRow['group'];
  indicator: Indicator;
  /** Checkpoints where ρ is significant in set A, in set B, and in both with the same sign. */
  significantA: number;
  significantB: number;
  significantBoth: number;
  /** The same for the partial correlation given the current loss (0 for the baseline). */
  partialSignificantA: number;
  partialSignificantB: number;
  partialSignificantBoth: number;
  /** Fraction of checkpoints (ρ defined in both) where the two sets' ρ have the same sign. */
  signAgreement: number;
}

export interface EnsembleRun {
  seedSet: SeedSet;
  activation: ActivationName;
  seed: number;
  finalLoss: number;
  /** Windows × k FTLEs (window w ends at checkpoints[w]). */
  ftle: number[][];
  /** C(w_c) at each checkpoint. */
  lossAtCheckpoints: number[];
  /** The CLV-angle indicator per checkpoint (radians; NaN where undefined), when computed. */
  clvAngle?: number[];
}

export interface EnsembleResult {
  kind: 'ensemble';
  spec: EnsembleSpec;
  P: number;
  /** Window end steps: checkpoint w is the end of window [w·τ, (w+1)·τ). */
  checkpoints: number[];
  runs: EnsembleRun[];
  correlations: CorrelationRow[];
  replication: Replication[];
  /** Plain-words conclusion generated from the numbers (per activation, then overall). */
  reading: string[];
  seconds: number;
}

/** The indicator's value for one run at checkpoint w (the baseline as ln C(w_c); Spearman is rank-invariant anyway). */
export function indicatorValue(run: EnsembleRun, w: number, ind: Indicator): number {
  switch (ind) {
    case 'lambda1': return run.ftle[w][0];
    case 'sumK': return run.ftle[w].reduce((a, b) => a + b, 0);
    case 'clvAngle': return run.clvAngle ? run.clvAngle[w] : NaN;
    case 'loss': return Math.log(run.lossAtCheckpoints[w]);
  }
}

/**
 * ρ, partial ρ given the current loss, their p-values and Holm adjustment over this group's family (every indicator
 * in `indicators` × every checkpoint, ρ and partial ρ together), for one seed set and group of runs.
 */
export function correlateGroup(runs: EnsembleRun[], checkpoints: number[], seedSet: SeedSet, group: CorrelationRow['group'],
  indicators: Indicator[], alpha: number): CorrelationRow[] {
  const y = runs.map((r) => Math.log(r.finalLoss));
  const rows = indicators.map((indicator) => {
    const rho: number[] = [], p: number[] = [], partial: number[] = [], partialP: number[] = [];
    checkpoints.forEach((_, w) => {
      const x = runs.map((r) => indicatorValue(r, w, indicator));
      const r = spearman(x, y);
      rho.push(r); p.push(correlationP(r, pairCount(x, y)));
      if (indicator === 'loss') { partial.push(NaN); partialP.push(NaN); return; }
      const z = runs.map((run) => indicatorValue(run, w, 'loss'));
      const pc = partialSpearman(x, y, z);
      partial.push(pc.r); partialP.push(correlationP(pc.r, pc.n, 1));
    });
    return { seedSet, group, indicator, n: runs.length, rho, p, pAdj: [] as number[], partial, partialP, partialPAdj: [] as number[], earliest: null as number | null };
  });
  const C = checkpoints.length;
  const adj = holm(rows.flatMap((r) => [...r.p, ...r.partialP]));
  rows.forEach((r, i) => {
    r.pAdj = adj.slice(2 * C * i, 2 * C * i + C);
    r.partialPAdj = adj.slice(2 * C * i + C, 2 * C * (i + 1));
    const hit = r.pAdj.findIndex((q) => q < alpha);
    r.earliest = hit < 0 ? null : checkpoints[hit];
  });
  return rows;
}

/** Agreement of one indicator's row between the two seed sets. */
export function replicate(a: CorrelationRow, b: CorrelationRow, alpha: number): Replication {
  const sig = (q: number) => q < alpha;
  const count = (f: (w: number) => boolean) => a.rho.filter((_, w) => f(w)).length;
  const defined = count((w) => Number.isFinite(a.rho[w]) && Number.isFinite(b.rho[w]));
  return {
    group: a.group, indicator: a.indicator,
    significantA: count((w) => sig(a.pAdj[w])), significantB: count((w) => sig(b.pAdj[w])),
    significantBoth: count((w) => sig(a.pAdj[w]) && sig(b.pAdj[w]) && Math.sign(a.rho[w]) === Math.sign(b.rho[w])),
    partialSignificantA: count((w) => sig(a.partialPAdj[w])), partialSignificantB: count((w) => sig(b.partialPAdj[w])),
    partialSignificantBoth: count((w) => sig(a.partialPAdj[w]) && sig(b.partialPAdj[w]) && Math.sign(a.partial[w]) === Math.sign(b.partial[w])),
    signAgreement: defined ? count((w) => Number.isFinite(a.rho[w]) && Number.isFinite(b.rho[w]) && Math.sign(a.rho[w]) === Math.sign(b.rho[w])) / defined : NaN,
  };
}

const median = (xs: number[]) => { const s = xs.filter(Number.isFinite).sort((p, q) => p - q); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const strongest = (xs: number[]) => xs.reduce((b, v) => (Number.isFinite(v) && (!Number.isFinite(b) || Math.abs(v) > Math.abs(b)) ? v : b), NaN);

/** One line per seed set and group: how each indicator fared, the baseline first. */
export function describeGroup(rows: CorrelationRow[], checkpoints: number[], alpha: number): string {
  const g = rows[0], who = `${g.group === 'all' ? 'all activations pooled' : g.group} (set ${g.seedSet}, ${g.n} runs)`;
  const C = checkpoints.length;
  const parts = rows.map((r) => {
    const sig = r.pAdj.filter((q) => q < alpha).length;
    const base = `${INDICATOR_LABEL[r.indicator]}: significant at ${sig}/${C} checkpoints` +
      (r.indicator === 'loss' ? `, median ρ ${median(r.rho).toFixed(2)}` : `, strongest ρ ${strongest(r.rho).toFixed(2)}`) +
      (r.earliest !== null ? ` (from step ${r.earliest})` : '');
    if (r.indicator === 'loss') return base;
    const ps = r.partialPAdj.filter((q) => q < alpha).length;
    return `${base}; given the loss, partial ρ significant at ${ps}/${C} (strongest ${strongest(r.partial).toFixed(2)})`;
  });
  const loss = rows.find((r) => r.indicator === 'loss');
  return `${who}: ${[...(loss ? [parts[rows.indexOf(loss)]] : []), ...parts.filter((_, i) => rows[i] !== loss)].join('; ')}.`;
}

/**
 * The conclusion from the numbers: per seed set and group, then whether any exponent indicator predicts the final
 * loss beyond the current loss in both seed sets (partial ρ significant with the same sign at some checkpoint).
 */
export function conclude(correlations: CorrelationRow[], replication: Replication[], checkpoints: number[], alpha: number): string[] {
  const lines: string[] = [];
  const keys = [...new Set(correlations.map((c) => `${c.seedSet}|${c.group}`))];
  for (const k of keys) lines.push(describeGroup(correlations.filter((c) => `${c.seedSet}|${c.group}` === k), checkpoints, alpha));
  const sets = new Set(correlations.map((c) => c.seedSet));
  const exp = (r: { indicator: Indicator }) => r.indicator !== 'loss';
  if (sets.size === 2) {
    const beyond = replication.filter((r) => exp(r) && r.partialSignificantBoth > 0);
    const raw = replication.filter((r) => exp(r) && r.significantBoth > 0);
    lines.push(raw.length
      ? `replicated (ρ significant with the same sign in both seed sets at some checkpoint): ${raw.map((r) => `${INDICATOR_LABEL[r.indicator]} in ${r.group} (${r.significantBoth} checkpoints)`).join(', ')}.`
      : 'no exponent indicator has a significant ρ with the same sign in both seed sets at any checkpoint.');
    lines.push(beyond.length
      ? `conclusion: predicts the final loss beyond the current loss in both seed sets (partial ρ significant with the same sign at some checkpoint): ${beyond.map((r) => `${INDICATOR_LABEL[r.indicator]} in ${r.group} (${r.partialSignificantBoth} checkpoints)`).join(', ')}.`
      : `conclusion: no exponent indicator predicts the final loss beyond the current loss in both seed sets (Holm, α = ${alpha}); ` +
        'at these settings the Lyapunov indicators add nothing detectable to the loss curve itself.');
  } else {
    const beyond = correlations.filter((r) => exp(r) && r.partialPAdj.some((q) => q < alpha));
    lines.push(beyond.length
      ? `conclusion: beyond the current loss (one seed set, not replicated): ${beyond.map((r) => `${INDICATOR_LABEL[r.indicator]} in ${r.group}`).join(', ')}.`
      : `conclusion: no exponent indicator predicts the final loss beyond the current loss (Holm, α = ${alpha}; one seed set).`);
  }
  return lines;
}

export function runEnsemble(spec: EnsembleSpec, onProgress?: (fraction: number, phase: string) => void): EnsembleResult {
  const t0 = Date.now();
  const R = spec.runsPerActivation;
  if (!(Number.isInteger(R) && R >= 4)) throw new OptionError(`runs per activation must be an integer ≥ 4, got ${R}`);
  if (!spec.activations.length) throw new OptionError('no activations');
  if (spec.replicationSeed !== null && Math.abs(spec.replicationSeed - spec.seed) < R) {
    throw new OptionError(`the replication seeds ${spec.replicationSeed} … ${spec.replicationSeed + R - 1} overlap the first set's ${spec.seed} … ${spec.seed + R - 1}`);
  }
  if (spec.clvAngle && spec.base.k < 2) throw new OptionError(`the CLV-angle indicator needs k ≥ 2, got ${spec.base.k}`);
  const sets: [SeedSet, number][] = [['A', spec.seed], ...(spec.replicationSeed === null ? [] : [['B', spec.replicationSeed] as [SeedSet, number]])];
  const total = sets.length * spec.activations.length * R;
  const runs: EnsembleRun[] = [];
  let checkpoints: number[] = [];
  let P = 0, done = 0;
  for (const [seedSet, first] of sets) {
    for (const activation of spec.activations) {
      for (let i = 0; i < R; i++, done++) {
        const d = done;
        const r = runRegression({ ...spec.base, activation, seed: first + i, clvWindowAngle: spec.clvAngle },
          (f) => onProgress?.((d + f) / total, `set ${seedSet}: ${activation} run ${i + 1}/${R}`));
        P = r.P;
        checkpoints = r.ftle.starts.map((s) => s + r.ftle.tau);
        runs.push({ seedSet, activation, seed: first + i, finalLoss: r.finalLoss, ftle: r.ftle.values, lossAtCheckpoints: r.lossAtWindowEnds,
          ...(r.clvWindowAngle ? { clvAngle: r.clvWindowAngle } : {}) });
      }
    }
  }
  onProgress?.(1, 'correlations');
  const indicators = INDICATORS.filter((i) => i !== 'clvAngle' || spec.clvAngle);
  const groups: CorrelationRow['group'][] = spec.activations.length > 1 ? ['all', ...spec.activations] : [...spec.activations];
  const correlations: CorrelationRow[] = [];
  for (const [seedSet] of sets) {
    for (const g of groups) {
      const members = runs.filter((r) => r.seedSet === seedSet && (g === 'all' || r.activation === g));
      correlations.push(...correlateGroup(members, checkpoints, seedSet, g, indicators, spec.alpha));
    }
  }
  const replication: Replication[] = [];
  if (sets.length === 2) {
    for (const a of correlations.filter((c) => c.seedSet === 'A')) {
      const b = correlations.find((c) => c.seedSet === 'B' && c.group === a.group && c.indicator === a.indicator)!;
      replication.push(replicate(a, b, spec.alpha));
    }
  }
  const reading = conclude(correlations, replication, checkpoints, spec.alpha);
  return { kind: 'ensemble', spec, P, checkpoints, runs, correlations, replication, reading, seconds: (Date.now() - t0) / 1000 };
}
