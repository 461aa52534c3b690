/**
 * Models built from raw tfjs ops with seeded, backend-independent initial weights (./init.ts). See each module for
 * its parameter table; ./model.ts for the contract.
 */
import type { Dataset, ModelSpec } from '../types';
import { buildCnn } from './cnn';
import { buildMlp } from './mlp';
import type { Model } from './model';
import { buildQuadratic } from './quadratic';
import { buildRnn } from './rnn';
import { buildTransformer } from './transformer';

export type { Model, Param } from './model';
export { type QuadraticModel, seededQuadraticHessian, seededOrthogonal } from './quadratic';

/**
 * The model of `spec` for `dataset`, initial weights seeded by `initSeed` and multiplied by `initScale`. `dataSeed`
 * seeds what belongs to the problem rather than the init (the quadratic's H); default 0.
 */
export function buildModel(spec: ModelSpec, dataset: Dataset, initSeed: number, initScale = 1, dataSeed = 0): Model {
  if (!Number.isFinite(initScale)) throw new Error(`initScale must be a finite number, got ${initScale}`);
  switch (spec.kind) {
    case 'mlp': return buildMlp(spec, dataset, initSeed, initScale);
    case 'cnn': return buildCnn(spec, dataset, initSeed, initScale);
    case 'transformer': return buildTransformer(spec, dataset, initSeed, initScale);
    case 'rnn':
    case 'gru': return buildRnn(spec, dataset, initSeed, initScale);
    case 'quadratic': return buildQuadratic(spec, initSeed, initScale, dataSeed);
    default: throw new Error(`unknown model kind '${(spec as { kind: string }).kind}'`);
  }
}
