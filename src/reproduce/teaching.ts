/**
 * The analytic teaching cases (docs/methods.md#e6), trained with the same TrainingSession as everything else (tfjs,
 * float32) and checked against their formulas:
 * - quadratic: gradient descent on ½ wᵀHw, H = Q diag(1, 3, 10) Qᵀ, η = 0.05: w ← (I − ηH)w, so DMD (no delays,
 *   rank 3) must return exactly the eigenvalues 1 − ηh = 0.95, 0.85, 0.5.
 * - momentum: heavy ball β = 0.9 on the same quadratic: w_{t+1} = (1 + β − ηH)w_t − βw_{t−1}, a linear map of
 *   (w_{t−1}, w_t), so DMD with one delay (rank 6) returns the roots of z² − (1 + β − ηh)z + β: complex pairs with
 *   |z| = √β ≈ 0.9487.
 *
 * Why 1e-6 holds on float32 data: the dynamics are exactly linear, so the only error is float32 rounding of the
 * iterates (relative 6e-8 per step). A least-squares fit of an exactly linear map is perturbed by that rounding
 * relative to the data's smallest kept singular value; with ≥ 40 steps from a unit-size start, the slowest and the
 * fastest mode are both well represented (σ_min/σ_max ≈ 0.1–0.3 for these curvatures), giving eigenvalue errors of
 * a few 1e-7 (measured: see docs/reproduction.md), under the 1e-6 tolerance.
 */
import { computeSpectrum } from '../koopman/analyze';
import { summarizeDistances } from '../koopman/seedNull';
import { wasserstein1 } from '../koopman/wasserstein';
import { presetConfig } from '../train/presets';
import { nullReport, pairsOf, pickSeeds, toPoints, trainEnsemble } from './common';
import type { Check, ExperimentBody, ExperimentDefinition, Pair, RunOptions } from './types';

const TOL = 1e-6;

/** Eigenvalues of the tangent map (quadratic) or of the companion map (momentum), as [re, im]. */
export function formulaEigenvalues(curvatures: number[], eta: number, beta?: number): Pair[] {
  const out: Pair[] = [];
  for (const h of curvatures) {
    if (beta === undefined) { out.push([1 - eta * h, 0]); continue; }
    const b = 1 + beta - eta * h, disc = b * b - 4 * beta;
    if (disc >= 0) out.push([(b + Math.sqrt(disc)) / 2, 0], [(b - Math.sqrt(disc)) / 2, 0]);
    else out.push([b / 2, Math.sqrt(-disc) / 2], [b / 2, -Math.sqrt(-disc) / 2]);
  }
  return out;
}

/** Greedy nearest matching is enough here (the formula's points are well separated): max distance over matches. */
function maxDeviation(ours: Pair[], expected: Pair[]): number {
  const left = [...expected];
  let worst = 0;
  for (const p of ours) {
    let best = 0, bestD = Infinity;
    left.forEach((q, k) => { const d = Math.hypot(p[0] - q[0], p[1] - q[1]); if (d < bestD) { bestD = d; best = k; } });
    worst = Math.max(worst, bestD);
    left.splice(best, 1);
  }
  return left.length ? Infinity : worst;
}

function teaching(name: 'quadratic' | 'momentum'): ExperimentDefinition {
  const isMomentum = name === 'momentum';
  const description = isMomentum
      ? 'teaching: heavy-ball momentum on a quadratic: complex pairs with |λ| = √β, checked against the formula'
      : 'teaching: gradient descent on a quadratic: eigenvalues 1 − ηh, checked against the formula';
  return {
    name,
    description,
    runtime: { quick: '~1 s', full: '~1 s' },
    seeded: true,
    async run(opts: RunOptions): Promise<ExperimentBody> {
      const base = presetConfig(name, opts.quick);
      const steps = (opts.overrides?.steps as number | undefined) ?? base.steps;
      const seeds = pickSeeds([0, 1, 2, 3, 4], opts.seeds ?? (opts.quick ? 3 : 5));
      const model = base.model as { kind: 'quadratic'; curvatures: number[] };
      const opt = base.optimizer as { kind: 'sgd' | 'momentum'; lr: number; beta?: number };
      const expected = formulaEigenvalues(model.curvatures, opt.lr, isMomentum ? opt.beta : undefined);
      const delays = isMomentum ? 1 : 0, rank = expected.length;
      const spectra: Pair[][] = [];
      const deviations: number[] = [];
      for (const [i, seed] of seeds.entries()) {
        const config = { ...base, initSeed: seed };
        const trained = await trainEnsemble(config, steps, opts, (f) => opts.onProgress?.((i + f) / seeds.length, `seed ${seed}`));
        const s = pairsOf(computeSpectrum(trained.set, { delays, rank: { kind: 'rank', r: rank }, route: 'svd' }).spectrum);
        spectra.push(s);
        deviations.push(maxDeviation(s, expected));
      }
      const toFormula = spectra.map((s) => wasserstein1(toPoints(s), toPoints(expected)));
      const worst = Math.max(...deviations);
      const checks: Check[] = spectra.map((s, i) => ({
        name: `seed ${seeds[i]}: eigenvalues vs ${isMomentum ? 'roots of z² − (1 + β − ηh)z + β' : '1 − ηh'}`,
        expected, got: s, deviation: deviations[i], tolerance: TOL, pass: deviations[i] <= TOL,
      }));
      if (isMomentum) {
        const sb = Math.sqrt(opt.beta!);
        const dev = Math.max(...spectra.flat().map((p) => Math.abs(Math.hypot(p[0], p[1]) - sb)));
        checks.push({ name: '|λ| = √β for every eigenvalue', expected: sb, got: 'max deviation', deviation: dev, tolerance: TOL, pass: dev <= TOL });
      }
      const pass = checks.every((c) => c.pass);
      return {
        settings: {
          model: `½ wᵀHw, H = Q diag(${model.curvatures.join(', ')}) Qᵀ, w ∈ ℝ^${model.curvatures.length}`,
          optimizer: isMomentum ? `heavy ball, η = ${opt.lr}, β = ${opt.beta}` : `gradient descent, η = ${opt.lr}`,
          steps, runs: base.ensemble?.runs ?? 1, perturbation: base.ensemble?.perturbation, delays, rank,
          precision: 'trained in float32 (tfjs), DMD in float64', seeds: 'init seeds 0, 1, …',
        },
        reduced: opts.quick ? [`${steps} steps instead of 80`] : [],
        spectra: { ours: spectra, formula: [expected] },
        seeds,
        distances: [{
          label: 'W1 to the formula', values: toFormula, summary: summarizeDistances(toFormula),
        }],
        nulls: seeds.length >= 2 ? [nullReport('between seeds', spectra)] : [],
        verdict: pass
          ? `matches the formula: max |λ − formula| = ${worst.toExponential(1)} ≤ ${TOL} over ${seeds.length} seeds`
          : `does NOT match the formula: max |λ − formula| = ${worst.toExponential(1)} > ${TOL}`,
        checks,
        notes: [],
      };
    },
  };
}

export const quadratic = teaching('quadratic');
export const momentum = teaching('momentum');
