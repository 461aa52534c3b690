/**
 * The model contract. A model is a list of named tf.Variables (its parameter table, in snapshot order) and two pure
 * functions of a batch. Inputs are (b, ...dataset.inputShape) (float32, or int32 token ids); targets are int32
 * labels (b) for classification and float32 (b, k) for regression, k = yTrain.length / nTrain.
 *
 * Parameter names and layouts follow PyTorch where there is a PyTorch original (Linear weights (out, in), Nanda's
 * transformer layouts), so that snapshots read like recordings of the papers' code.
 */
import type { tf } from '../tf';
import type { Param } from './init';
import { crossEntropy, meanSquaredError } from '../loss';
import type { Dataset } from '../types';

export type { Param };

export interface Model {
  params: Param[];
  /** Mean loss (scalar) of a batch: cross-entropy for classification, MSE for regression. */
  loss(x: tf.Tensor, y: tf.Tensor): tf.Scalar;
  /** What the loss scores: logits (b, C) for classification, predictions for regression. */
  predict(x: tf.Tensor): tf.Tensor;
  /** Disposes the variables and any constant tensors. */
  dispose(): void;
}

/** The loss of a model's output for the data set's task. */
export function taskLoss(task: Dataset['task'], out: tf.Tensor, y: tf.Tensor): tf.Scalar {
  if (task === 'classification') return crossEntropy(out, y);
  if (task === 'regression') return meanSquaredError(out, y);
  throw new Error(`this model needs data: the data set's task is '${task}'`);
}

export function disposeParams(params: Param[]): void {
  for (const p of params) p.variable.dispose();
}

/** Elements per sample of an input shape. */
export function inputSize(dataset: Dataset): number {
  return dataset.inputShape.reduce((a, b) => a * b, 1);
}
