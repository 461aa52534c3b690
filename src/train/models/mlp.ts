/**
 * Fully connected network: flatten → [Linear → activation] × hidden.length → Linear → outputs. Parameters fc1.weight
 * (h₁, in), fc1.bias (h₁), …, fc{L+1}.weight (outputs, h_L) in PyTorch's layout. With hidden [h], activation relu
 * and bias false this is paper 1's FCN (docs/methods.md#paper1-fcn): Linear(784→h) → ReLU → Linear(h→10), NLL of
 * log_softmax; its observed layer is fc2.weight (10·h values).
 */
import { tf } from '../tf';
import type { Dataset, ModelSpec } from '../types';
import { ParamBuilder, activate, linear, ruleFor } from './init';
import { type Model, disposeParams, inputSize, taskLoss } from './model';

export type MlpSpec = Extract<ModelSpec, { kind: 'mlp' }>;

export function buildMlp(spec: MlpSpec, dataset: Dataset, initSeed: number, initScale: number): Model {
  if (dataset.task === 'none') throw new Error('mlp: needs a data set (got the data-free quadratic task)');
  const widths = [inputSize(dataset), ...spec.hidden, dataset.outputs];
  for (const w of widths) if (!(Number.isInteger(w) && w >= 1)) throw new Error(`mlp: layer widths must be whole numbers ≥ 1, got [${widths}]`);
  const b = new ParamBuilder(initSeed, initScale);
  const layers: { weight: tf.Variable; bias?: tf.Variable }[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const [fanIn, fanOut] = [widths[l], widths[l + 1]];
    const last = l + 2 === widths.length;
    const weight = b.add(`fc${l + 1}.weight`, [fanOut, fanIn], ruleFor(last ? 'linear' : spec.activation, fanIn, fanOut));
    const bias = spec.bias ? b.add(`fc${l + 1}.bias`, [fanOut], { kind: 'zeros' }) : undefined;
    layers.push({ weight, bias });
  }
  const predict = (x: tf.Tensor): tf.Tensor => {
    let h: tf.Tensor = tf.reshape(x, [x.shape[0], widths[0]]);
    layers.forEach((layer, l) => {
      h = linear(h, layer.weight, layer.bias);
      if (l + 1 < layers.length) h = activate(h, spec.activation);
    });
    return h;
  };
  return {
    params: b.params,
    predict,
    loss: (x, y) => taskLoss(dataset.task, predict(x), y),
    dispose: () => disposeParams(b.params),
  };
}
