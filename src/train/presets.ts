/**
 * Named, seeded runs: the papers' setups (docs/methods.md#paper1-settings) and teaching cases. The same table feeds
 * `koopscope train --list`, the app's gallery and the tests; `quick` overrides make a small variant for tests and CI.
 */
import type { OptimizerSpec, Preset, TrainConfig } from './types';
import { OptionError } from '../linalg/errors';

const sgd = (lr: number): OptimizerSpec => ({ kind: 'sgd', lr });
const adamw = (lr: number, weightDecay: number): OptimizerSpec =>
  ({ kind: 'adamw', lr, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay });

/**
 * Teaching presets on the quadratic ½ wᵀHw, H = Q diag(1, 3, 10) Qᵀ: 5 runs from perturbed starting points, every
 * step observed, so DMD recovers the tangent map of the optimizer (docs/methods.md#e6).
 */
function quadratic(
  name: string, optimizer: OptimizerSpec, description: string, source: string, overrides: Partial<TrainConfig> = {},
): Preset {
  return {
    name, description, source,
    config: {
      model: { kind: 'quadratic', curvatures: [1, 3, 10] },
      data: { kind: 'none' },
      optimizer,
      batchSize: 'full',
      dataSeed: 0,
      initSeed: 0,
      observe: 'all',
      snapshotEvery: 1,
      steps: 80,
      ensemble: { runs: 5, perturbation: 0.5 },
      ...overrides,
    },
    quick: { steps: overrides.steps ?? 40 },
  };
}

/**
 * Paper 1 (docs/methods.md#paper1-fcn): Linear(784→h, no bias) → ReLU → Linear(h→10, no bias), SGD lr 0.1, batch 60,
 * one epoch.
 */
function fcn(h: number): Preset {
  return {
    name: `fcn-h${h}`,
    description: `paper 1: one-hidden-layer net, h = ${h}, on MNIST (SGD 0.1, batch 60, 1 epoch), output weights observed`,
    source: 'Redman et al. 2024, narrow vs wide fully connected networks',
    config: {
      model: { kind: 'mlp', hidden: [h], activation: 'relu', bias: false },
      data: { kind: 'mnist', train: 60000, test: 2000, normalize: 'paper' },
      optimizer: sgd(0.1),
      batchSize: 60,
      // paper 1's DataLoader did not shuffle (CPU run): MNIST in file order, the seed changes only the init
      batchOrder: 'fixed',
      dataSeed: 2,
      initSeed: 0,
      observe: ['fc2.weight'],
      snapshotEvery: 1,
      steps: 1000,
      ensemble: { runs: 10, perturbation: 0.001 },
    },
    quick: { data: { kind: 'mnist', train: 1200, test: 200, normalize: 'paper' }, steps: 20, ensemble: { runs: 2, perturbation: 0.001 } },
  };
}

/**
 * Paper 1 (docs/methods.md#paper1-grokking): one-layer transformer on a + b mod p, full batch, first 100 steps, 10
 * perturbed inits.
 */
function grokking(constrained: boolean): Preset {
  const base: TrainConfig = {
    model: { kind: 'transformer', dModel: 128, dMlp: 512, heads: 4, dHead: 32 },
    data: { kind: 'modular', p: 113, trainFraction: 0.3 },
    optimizer: constrained
      ? { kind: 'constrained', inner: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.98, eps: 1e-8 } }
      : adamw(1e-3, 1.0),
    batchSize: 'full',
    dataSeed: 16,
    initSeed: 16,
    observe: ['mlp.W_out'],
    snapshotEvery: 1,
    steps: 100,
    ensemble: { runs: 10, perturbation: 0.001 },
  };
  if (constrained) base.initScale = 0.8;
  return {
    name: constrained ? 'grokking-constrained' : 'grokking',
    description: constrained
      ? 'paper 1: the same transformer, weights × 0.8 and global norm held fixed, no decay (does not grok)'
      : 'paper 1: one-layer transformer on a + b mod 113, AdamW with weight decay 1.0 (groks much later)',
    source: 'Redman et al. 2024, Transformers with and without grokking (Omnigrok control)',
    config: base,
    quick: {
      model: { kind: 'transformer', dModel: 32, dMlp: 64, heads: 2, dHead: 16 },
      data: { kind: 'modular', p: 17, trainFraction: 0.3 },
      steps: 20,
      ensemble: { runs: 2, perturbation: 0.001 },
    },
  };
}

export const PRESETS: Preset[] = [
  fcn(5),
  fcn(10),
  fcn(40),
  {
    name: 'lenet-early',
    description: 'paper 1: LeNet-style CNN on MNIST, early training (watch windowed spectra settle)',
    source: 'Redman et al. 2024, CNN early training phase (settings not published; SGD with momentum here)',
    config: {
      model: { kind: 'cnn', channels: [6, 16], hidden: 120 },
      data: { kind: 'mnist', train: 12000, test: 2000, normalize: 'paper' },
      optimizer: { kind: 'momentum', lr: 0.01, beta: 0.9 },
      batchSize: 64,
      dataSeed: 1,
      initSeed: 1,
      observe: ['conv2.weight', 'fc2.weight'],
      snapshotEvery: 2,
      steps: 600,
    },
    quick: { data: { kind: 'mnist', train: 256, test: 64, normalize: 'paper' }, steps: 10, batchSize: 32 },
  },
  grokking(false),
  grokking(true),
  quadratic('quadratic', sgd(0.05),
    'teaching: gradient descent on ½ wᵀHw, curvatures 1, 3, 10, η = 0.05: eigenvalues 1 − ηh = 0.95, 0.85, 0.5',
    'docs/methods.md E6: DMD of GD on a quadratic recovers the tangent map I − ηH'),
  quadratic('momentum', { kind: 'momentum', lr: 0.05, beta: 0.9 },
    'teaching: heavy-ball momentum β = 0.9 on the same quadratic: complex pairs with |λ| = √β ≈ 0.949',
    'docs/methods.md E6: momentum turns real eigenvalues into rotating pairs'),
  quadratic('edge-of-stability', sgd(0.19),
    'teaching: η = 0.19 on the quadratic: ηh = 1.9 for the stiff direction gives λ = −0.9, a period-2 oscillation',
    'docs/methods.md E6: a negative real eigenvalue is the signature of a learning rate near 2/h'),
  // one run, long enough to overflow float32 (1.1^n passes 3e38 near n = 930)
  quadratic('past-the-edge', sgd(0.21),
    'teaching: η = 0.21 > 2/h_max: the stiff direction grows by |1 − 2.1| = 1.1 per step and the run diverges',
    'divergence handling: training pauses at the first NaN/Inf loss, no NaN reaches the spectra',
    { steps: 2000, ensemble: undefined }),
  {
    name: 'spiral',
    description: 'playground: MLP 2-16-16-2 (tanh) on the two-spiral problem, Adam 0.01, full batch',
    source: 'a TensorFlow Playground classic, for exploring',
    config: {
      model: { kind: 'mlp', hidden: [16, 16], activation: 'tanh', bias: true },
      data: { kind: 'spiral', n: 400, noise: 0.1 },
      optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      batchSize: 'full',
      dataSeed: 0,
      initSeed: 0,
      observe: 'all',
      snapshotEvery: 5,
      steps: 1000,
    },
    quick: { data: { kind: 'spiral', n: 100, noise: 0.1 }, steps: 30 },
  },
  {
    name: 'regression',
    description: 'playground: MLP 1-32-1 (tanh) fitting sin(πx) with SGD 0.05, full batch',
    source: 'a small regression for the Lyapunov view (paper 3 uses three-layer regression nets)',
    config: {
      model: { kind: 'mlp', hidden: [32], activation: 'tanh', bias: true },
      data: { kind: 'regression1d', n: 128, fn: 'sin', noise: 0.05 },
      optimizer: sgd(0.05),
      batchSize: 'full',
      dataSeed: 0,
      initSeed: 0,
      observe: 'all',
      snapshotEvery: 5,
      steps: 2000,
    },
    quick: { steps: 30 },
  },
];

export function presetNames(): string[] {
  return PRESETS.map((p) => p.name);
}

/** The preset's config, with its quick overrides applied when `quick` is set. Throws a clear Error if unknown. */
export function presetConfig(name: string, quick = false): TrainConfig {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) throw new OptionError(`unknown preset '${name}'; presets: ${presetNames().join(', ')}`);
  return quick && p.quick ? { ...p.config, ...p.quick } : { ...p.config };
}
