/**
 * RunConfig (a preset plus overrides, what the URL holds) → the TrainConfig the trainer worker runs. Pure, so the
 * URL tests and the app agree on what an override means.
 */
import { presetConfig } from '../../train/presets';
import type { OptimizerSpec, TrainConfig } from '../../train/types';
import type { DmdConfig, RunConfig } from './store';
import type { KoopmanRequest } from '../../workers/protocol';
import { CUSTOM, CUSTOM_BASE, customProblems, observeProblems } from './custom';

/** The learning rate of an optimizer (the inner one for the constrained control). */
export function learningRate(o: OptimizerSpec): number {
  return o.kind === 'constrained' ? o.inner.lr : o.lr;
}

function withLearningRate(o: OptimizerSpec, lr: number): OptimizerSpec {
  return o.kind === 'constrained' ? { ...o, inner: { ...o.inner, lr } } : { ...o, lr };
}

/** The TrainConfig of a custom run before overrides; throws with every problem of an invalid one. */
function customBase(run: RunConfig): TrainConfig {
  const problems = customProblems(run.custom);
  if (run.custom && problems.length === 0) problems.push(...observeProblems(run.observe, run.custom.model));
  if (problems.length || !run.custom) throw new Error(`the custom run is not valid: ${problems.map((p) => p.message).join('; ')}`);
  const c = structuredClone(run.custom);
  return {
    model: c.model, data: c.data, optimizer: c.optimizer, batchSize: c.batchSize, steps: c.steps,
    ...(c.batchOrder === 'fixed' ? { batchOrder: 'fixed' as const } : {}),
    ...(c.initScale !== 1 ? { initScale: c.initScale } : {}),
    initSeed: CUSTOM_BASE.initSeed, dataSeed: CUSTOM_BASE.dataSeed, snapshotEvery: CUSTOM_BASE.snapshotEvery, observe: CUSTOM_BASE.observe,
    ensemble: { runs: 1, perturbation: c.perturbation },
  };
}

/**
 * The one place that builds what the trainer receives: the preset's config (or the custom one) with the overrides.
 * Throws (with the preset list) for an unknown preset and with its problems for an invalid custom run; url.ts
 * validates before this is reached.
 */
export function trainConfigFor(run: RunConfig): TrainConfig {
  const c = run.preset === CUSTOM ? customBase(run) : presetConfig(run.preset, run.quick);
  if (run.lr !== undefined) c.optimizer = withLearningRate(c.optimizer, run.lr);
  if (run.initSeed !== undefined) c.initSeed = run.initSeed;
  if (run.dataSeed !== undefined) c.dataSeed = run.dataSeed;
  if (run.snapshotEvery !== undefined) c.snapshotEvery = run.snapshotEvery;
  if (run.runs !== undefined) c.ensemble = run.runs > 1 ? { runs: run.runs, perturbation: c.ensemble?.perturbation ?? 0.001 } : undefined;
  else if (c.ensemble?.runs === 1) c.ensemble = undefined;
  if (run.observe !== undefined) c.observe = run.observe.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return c;
}

/** The Koopman worker's `configure` message for DMD options (pca 0 means none), as configuration generation `cfg`. */
export function configureMessage(dmd: DmdConfig, cfg?: number): Extract<KoopmanRequest, { type: 'configure' }> {
  return {
    ...(cfg !== undefined ? { cfg } : {}),
    type: 'configure',
    window: dmd.window,
    options: { rank: dmd.rank, delays: dmd.delays, center: dmd.center, ...(dmd.pca > 0 ? { pca: dmd.pca } : {}) },
    maxRefreshHz: 10,
  };
}

/**
 * `koopscope train …` recording the same run (the CLI has no learning-rate flag: live lr changes are not in it);
 * undefined for a custom run (the CLI trains presets only).
 */
export function cliCommand(run: RunConfig): string | undefined {
  if (run.preset === CUSTOM) return undefined;
  const parts = ['npx koopscope train', `--preset ${run.preset}`];
  if (run.quick) parts.push('--quick');
  if (run.initSeed !== undefined) parts.push(`--seed ${run.initSeed}`);
  if (run.dataSeed !== undefined) parts.push(`--data-seed ${run.dataSeed}`);
  if (run.snapshotEvery !== undefined) parts.push(`--every ${run.snapshotEvery}`);
  if (run.runs !== undefined) parts.push(`--runs ${run.runs}`);
  parts.push(`--out ${run.preset}.npz`);
  return parts.join(' ');
}
