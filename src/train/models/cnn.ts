/**
 * LeNet-style CNN on images (b, H, W, C) (or (b, H, W), read as one channel): conv5×5(c₁, 'same') → ReLU →
 * maxPool 2 → conv5×5(c₂, 'same') → ReLU → maxPool 2 → fc1 (hidden) → ReLU → fc2 (outputs). On MNIST:
 * 28 → 14 → 7, so fc1 sees 7·7·c₂ features (flattened in NHWC order, tfjs's native layout).
 *
 * Parameters: conv1.weight (c₁, C, 5, 5), conv1.bias, conv2.weight (c₂, c₁, 5, 5), conv2.bias (PyTorch's Conv2d
 * layout, transposed to tfjs's (5, 5, in, out) in the forward pass), fc1.weight (hidden, 7·7·c₂), fc1.bias,
 * fc2.weight (outputs, hidden), fc2.bias.
 */
import { tf } from '../tf';
import type { Dataset, ModelSpec } from '../types';
import { ParamBuilder, linear } from './init';
import { type Model, disposeParams, taskLoss } from './model';

export type CnnSpec = Extract<ModelSpec, { kind: 'cnn' }>;

const K = 5;

export function buildCnn(spec: CnnSpec, dataset: Dataset, initSeed: number, initScale: number): Model {
  const shape = dataset.inputShape;
  if (dataset.task === 'none' || !(shape.length === 2 || shape.length === 3)) {
    throw new Error(`cnn: needs image inputs (H, W) or (H, W, C), got input shape [${shape}]`);
  }
  const [H, W, C] = [shape[0], shape[1], shape[2] ?? 1];
  if (H < 4 || W < 4) throw new Error(`cnn: images must be at least 4×4 (two 2× poolings), got ${H}×${W}`);
  const [c1, c2] = spec.channels;
  const flat = Math.floor(Math.floor(H / 2) / 2) * Math.floor(Math.floor(W / 2) / 2) * c2;
  const b = new ParamBuilder(initSeed, initScale);
  const conv1 = b.add('conv1.weight', [c1, C, K, K], { kind: 'he', fanIn: C * K * K, fanOut: c1 * K * K });
  const conv1b = b.add('conv1.bias', [c1], { kind: 'zeros' });
  const conv2 = b.add('conv2.weight', [c2, c1, K, K], { kind: 'he', fanIn: c1 * K * K, fanOut: c2 * K * K });
  const conv2b = b.add('conv2.bias', [c2], { kind: 'zeros' });
  const fc1 = b.add('fc1.weight', [spec.hidden, flat], { kind: 'he', fanIn: flat, fanOut: spec.hidden });
  const fc1b = b.add('fc1.bias', [spec.hidden], { kind: 'zeros' });
  const fc2 = b.add('fc2.weight', [dataset.outputs, spec.hidden], { kind: 'glorot', fanIn: spec.hidden, fanOut: dataset.outputs });
  const fc2b = b.add('fc2.bias', [dataset.outputs], { kind: 'zeros' });

  const block = (x: tf.Tensor4D, w: tf.Tensor, bias: tf.Tensor): tf.Tensor4D => {
    const filter = tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D; // (out, in, kh, kw) → (kh, kw, in, out)
    const y = tf.relu(tf.add(tf.conv2d(x, filter, 1, 'same'), bias)) as tf.Tensor4D;
    return tf.maxPool(y, 2, 2, 'valid');
  };
  const predict = (x: tf.Tensor): tf.Tensor => {
    const n = x.shape[0];
    let h = tf.reshape(x, [n, H, W, C]) as tf.Tensor4D;
    h = block(block(h, conv1, conv1b), conv2, conv2b);
    const f = tf.relu(linear(tf.reshape(h, [n, flat]), fc1, fc1b));
    return linear(f, fc2, fc2b);
  };
  return {
    params: b.params,
    predict,
    loss: (x, y) => taskLoss(dataset.task, predict(x), y),
    dispose: () => disposeParams(b.params),
  };
}
