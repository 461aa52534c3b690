/**
 * Vanilla RNN h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh) or GRU (PyTorch's equations and gate order r, z, n),
 * h_0 = 0, with a linear readout y_t = W h_t + b at every step.
 *
 * Inputs are sequences (b, T, inputDim) (input shape [T, inputDim], or [T] for scalar inputs). Regression targets
 * may give every step (T·outputs values per sample: MSE over all steps) or only the end (outputs values: MSE of the
 * last step); for classification the last step's readout is the logits.
 *
 * Parameters (PyTorch's layouts, init U(±1/√hidden) for the recurrent cell, Glorot for the readout, GRU gates
 * stacked [r; z; n]): rnn.W_ih (g·hidden, inputDim), rnn.W_hh (g·hidden, hidden), rnn.b_ih, rnn.b_hh (g·hidden),
 * readout.weight (outputs, hidden), readout.bias (outputs); g = 1 (rnn) or 3 (gru).
 */
import { tf } from '../tf';
import type { Dataset, ModelSpec } from '../types';
import { ParamBuilder, linear } from './init';
import { type Model, disposeParams, taskLoss } from './model';

export type RnnSpec = Extract<ModelSpec, { kind: 'rnn' | 'gru' }>;

export function buildRnn(spec: RnnSpec, dataset: Dataset, initSeed: number, initScale: number): Model {
  const shape = dataset.inputShape;
  if (dataset.task === 'none' || !(shape.length === 1 || shape.length === 2)) {
    throw new Error(`${spec.kind}: needs sequence inputs (T, inputDim) or (T), got input shape [${shape}]`);
  }
  const [T, I] = [shape[0], shape[1] ?? 1];
  const Hd = spec.hidden;
  const g = spec.kind === 'gru' ? 3 : 1;
  const out = dataset.outputs;
  const b = new ParamBuilder(initSeed, initScale);
  const cell = { kind: 'uniform', bound: 1 / Math.sqrt(Hd) } as const;
  const Wih = b.add('rnn.W_ih', [g * Hd, I], cell);
  const Whh = b.add('rnn.W_hh', [g * Hd, Hd], cell);
  const bih = b.add('rnn.b_ih', [g * Hd], cell);
  const bhh = b.add('rnn.b_hh', [g * Hd], cell);
  const Wr = b.add('readout.weight', [out, Hd], { kind: 'glorot', fanIn: Hd, fanOut: out });
  const br = b.add('readout.bias', [out], { kind: 'zeros' });

  const step = (xi: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D => {
    const gh = linear(h, Whh, bhh);
    if (g === 1) return tf.tanh(tf.add(xi, gh));
    const [xr, xz, xn] = tf.split(xi, 3, 1);
    const [hr, hz, hn] = tf.split(gh, 3, 1);
    const r = tf.sigmoid(tf.add(xr, hr));
    const z = tf.sigmoid(tf.add(xz, hz));
    const cand = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    return tf.add(tf.mul(tf.sub(1, z), cand), tf.mul(z, h)) as tf.Tensor2D;
  };
  /** Readout at every step, (b, T, outputs). */
  const sequence = (x: tf.Tensor): tf.Tensor3D => {
    const n = x.shape[0];
    const xi = tf.reshape(linear(tf.reshape(x, [n * T, I]), Wih, bih), [n, T, g * Hd]); // input terms, all steps at once
    const xs = tf.unstack(xi, 1) as tf.Tensor2D[];
    let h = tf.zeros([n, Hd]) as tf.Tensor2D;
    const hs: tf.Tensor2D[] = [];
    for (const xt of xs) hs.push((h = step(xt, h)));
    const H = tf.reshape(tf.stack(hs, 1), [n * T, Hd]);
    return tf.reshape(linear(H, Wr, br), [n, T, out]) as tf.Tensor3D;
  };
  const lastStep = (seq: tf.Tensor3D): tf.Tensor2D => tf.reshape(tf.slice(seq, [0, T - 1, 0], [seq.shape[0], 1, out]), [seq.shape[0], out]);
  const predict = (x: tf.Tensor): tf.Tensor => {
    const seq = sequence(x);
    return dataset.task === 'classification' ? lastStep(seq) : seq;
  };
  const loss = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => {
    const seq = sequence(x);
    if (dataset.task === 'classification') return taskLoss('classification', lastStep(seq), y);
    if (y.size === seq.size) return taskLoss('regression', seq, y);
    if (y.size === seq.shape[0] * out) return taskLoss('regression', lastStep(seq), y);
    throw new Error(`${spec.kind}: targets must have T·outputs = ${T * out} or outputs = ${out} values per sample, got ${y.size / seq.shape[0]}`);
  };
  return { params: b.params, predict, loss, dispose: () => disposeParams(b.params) };
}
