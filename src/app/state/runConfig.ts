/**
 * RunConfig (a preset plus overrides, what the URL holds) → the TrainConfig the trainer worker runs. Pure, so the
 * URL tests and the app agree on what an override means.
 */
import { presetConfig } from '../../train/presets';
import type { OptimizerSpec, TrainConfig } from '../../train/types';
import type { DmdConfig, RunConfig } from './store';
import type { KoopmanRequest } from '../../workers/protocol';

/** The learning rate of an optimizer (the inner one for the constrained control). */
export function learningRate(o: OptimizerSpec): number {
  return o.kind === 'constrained' ? o.inner.lr : o.lr;
}

function withLearningRate(o: OptimizerSpec, lr: number): OptimizerSpec {
  return o.kind === 'constrained' ? { ...o, inner: { ...o.inner, lr } } : { ...o, lr };
}

/** Throws (with the preset list) for an unknown preset; url.ts validates before this is reached. */
export function trainConfigFor(run: RunConfig): TrainConfig {
  const c = presetConfig(run.preset, run.quick);
  if (run.lr !== undefined) c.optimizer = withLearningRate(c.optimizer, run.lr);
  if (run.initSeed !== undefined) c.initSeed = run.initSeed;
  if (run.dataSeed !== undefined) c.dataSeed = run.dataSeed;
  if (run.snapshotEvery !== undefined) c.snapshotEvery = run.snapshotEvery;
  if (run.runs !== undefined) c.ensemble = run.runs > 1 ? { runs: run.runs, perturbation: c.ensemble?.perturbation ?? 0.001 } : undefined;
  if (run.observe !== undefined) c.observe = run.observe.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return c;
}

/** The Koopman worker's `configure` message for DMD options (pca 0 means none). */
export function configureMessage(dmd: DmdConfig): Extract<KoopmanRequest, { type: 'configure' }> {
  return {
    type: 'configure',
    window: dmd.window,
    options: { rank: dmd.rank, delays: dmd.delays, center: dmd.center, ...(dmd.pca > 0 ? { pca: dmd.pca } : {}) },
    maxRefreshHz: 10,
  };
}

/** `koopscope train …` recording the same run (the CLI has no learning-rate flag: live lr changes are not in it). */
export function cliCommand(run: RunConfig): string {
  const parts = ['npx koopscope train', `--preset ${run.preset}`];
  if (run.quick) parts.push('--quick');
  if (run.initSeed !== undefined) parts.push(`--seed ${run.initSeed}`);
  if (run.dataSeed !== undefined) parts.push(`--data-seed ${run.dataSeed}`);
  if (run.snapshotEvery !== undefined) parts.push(`--every ${run.snapshotEvery}`);
  if (run.runs !== undefined) parts.push(`--runs ${run.runs}`);
  parts.push(`--out ${run.preset}.npz`);
  return parts.join(' ');
}
