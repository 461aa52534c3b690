/**
 * Paper 3's experiment (Sharafi, Martin & Hallerberg, arXiv 2405.00743): many initial conditions × several
 * activations of the same regression network; FTLEs monitored during training against the final training loss.
 *
 * For each run: the FTLEs in consecutive windows of τ steps (regression.ts) and the final loss C(w_N). For each
 * checkpoint (the end of a window, step c) and each indicator (the top exponent λ₁, or the sum of the top k), the
 * Spearman rank correlation across runs between the indicator in the window ending at c and ln C(w_N), with a
 * permutation p-value, pooled over activations and per activation. "How early do the exponents predict the
 * outcome" is read off as the first checkpoint where |ρ| ≥ 0.5 with p < 0.01. The sign is measured, never assumed.
 */
import type { ActivationName } from './activations';
import { runRegression, type RegressionSpec } from './regression';
import { seededRng } from '../linalg/random';
import { spearman, spearmanPermutationP } from './stats';

export interface EnsembleSpec {
  activations: ActivationName[];
  /** Initial conditions per activation; run i uses seed `seed + i` for every activation (paired design). */
  runsPerActivation: number;
  /** Everything but the activation and the seed (no CLVs here). */
  base: Omit<RegressionSpec, 'activation' | 'seed' | 'clv'>;
  seed: number;
  /** Permutations for each p-value. */
  permutations: number;
}

export type Indicator = 'lambda1' | 'sumK';

export interface CorrelationRow {
  /** 'all' (pooled over activations) or one activation. */
  group: 'all' | ActivationName;
  indicator: Indicator;
  n: number;
  /** ρ and p at each checkpoint (same order as EnsembleResult.checkpoints). */
  rho: number[];
  p: number[];
  /** First checkpoint (step) with |ρ| ≥ 0.5 and p < 0.01, or null. */
  earliest: number | null;
}

export interface EnsembleRun {
  activation: ActivationName;
  seed: number;
  finalLoss: number;
  /** Windows × k FTLEs (window w ends at checkpoints[w]). */
  ftle: number[][];
  /** Loss at a few steps (the checkpoints), for plots. */
  lossAtCheckpoints: number[];
}

export interface EnsembleResult {
  kind: 'ensemble';
  spec: EnsembleSpec;
  P: number;
  /** Window end steps: checkpoint w is the end of window [w·τ, (w+1)·τ). */
  checkpoints: number[];
  runs: EnsembleRun[];
  correlations: CorrelationRow[];
  /** Plain-words reading of the pooled λ₁ correlation. */
  reading: string[];
  seconds: number;
}

export const INDICATOR_LABEL: Record<Indicator, string> = { lambda1: 'λ₁', sumK: 'λ₁+…+λ_k' };

function indicatorValue(ftle: number[], ind: Indicator): number {
  return ind === 'lambda1' ? ftle[0] : ftle.reduce((a, b) => a + b, 0);
}

/** Spearman ρ, p and the earliest predictive checkpoint for one group of runs. */
export function correlate(runs: EnsembleRun[], checkpoints: number[], group: CorrelationRow['group'], indicator: Indicator,
  permutations: number, seed: number): CorrelationRow {
  const rng = seededRng(seed);
  const y = runs.map((r) => Math.log(r.finalLoss));
  const rho: number[] = [], p: number[] = [];
  checkpoints.forEach((_, w) => {
    const x = runs.map((r) => indicatorValue(r.ftle[w], indicator));
    rho.push(spearman(x, y));
    p.push(spearmanPermutationP(x, y, rng, permutations));
  });
  const hit = checkpoints.findIndex((_, w) => Math.abs(rho[w]) >= 0.5 && p[w] < 0.01);
  return { group, indicator, n: runs.length, rho, p, earliest: hit < 0 ? null : checkpoints[hit] };
}

/** One plain-words line on a correlation row (the direction is read from the sign of ρ). */
export function describeCorrelation(row: CorrelationRow, checkpoints: number[], steps: number): string {
  const label = INDICATOR_LABEL[row.indicator];
  const who = row.group === 'all' ? `all ${row.n} runs` : `${row.group} (${row.n} runs)`;
  if (row.earliest === null) {
    const best = row.rho.reduce((b, r, w) => (Math.abs(r) > Math.abs(row.rho[b]) ? w : b), 0);
    return `${who}: ${label} never reaches |ρ| ≥ 0.5 with p < 0.01; strongest ρ = ${row.rho[best].toFixed(2)} at step ${checkpoints[best]}.`;
  }
  const w = checkpoints.indexOf(row.earliest);
  const r = row.rho[w];
  return `${who}: from step ${row.earliest} (${Math.round((100 * row.earliest) / steps)}% of training) ${label} predicts the final loss, ` +
    `ρ = ${r.toFixed(2)} (p = ${row.p[w].toPrecision(2)}): a larger exponent goes with a ${r > 0 ? 'higher' : 'lower'} final loss.`;
}

export function runEnsemble(spec: EnsembleSpec, onProgress?: (fraction: number, phase: string) => void): EnsembleResult {
  const t0 = Date.now();
  if (!(Number.isInteger(spec.runsPerActivation) && spec.runsPerActivation >= 3)) {
    throw new Error(`runs per activation must be an integer ≥ 3, got ${spec.runsPerActivation}`);
  }
  if (!spec.activations.length) throw new Error('no activations');
  const total = spec.activations.length * spec.runsPerActivation;
  const runs: EnsembleRun[] = [];
  let checkpoints: number[] = [];
  let P = 0;
  spec.activations.forEach((activation, a) => {
    for (let i = 0; i < spec.runsPerActivation; i++) {
      const done = a * spec.runsPerActivation + i;
      const r = runRegression({ ...spec.base, activation, seed: spec.seed + i },
        (f) => onProgress?.((done + f) / total, `${activation} run ${i + 1}/${spec.runsPerActivation}`));
      P = r.P;
      checkpoints = r.ftle.starts.map((s) => s + r.ftle.tau);
      const lossAt = checkpoints.map((c) => {
        let j = r.lossSteps.findIndex((s) => s >= c);
        if (j < 0) j = r.lossSteps.length - 1;
        return r.losses[j];
      });
      runs.push({ activation, seed: spec.seed + i, finalLoss: r.finalLoss, ftle: r.ftle.values, lossAtCheckpoints: lossAt });
    }
  });
  onProgress?.(1, 'correlations');
  const correlations: CorrelationRow[] = [];
  const groups: CorrelationRow['group'][] = spec.activations.length > 1 ? ['all', ...spec.activations] : [...spec.activations];
  let s = spec.seed * 7919 + 1;
  for (const g of groups) {
    const members = g === 'all' ? runs : runs.filter((r) => r.activation === g);
    for (const ind of ['lambda1', 'sumK'] as Indicator[]) correlations.push(correlate(members, checkpoints, g, ind, spec.permutations, s++));
  }
  const steps = spec.base.steps;
  const reading = correlations.filter((c) => c.indicator === 'lambda1').map((c) => describeCorrelation(c, checkpoints, steps));
  return { kind: 'ensemble', spec, P, checkpoints, runs, correlations, reading, seconds: (Date.now() - t0) / 1000 };
}
