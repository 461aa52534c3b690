/**
 * One-layer transformer for modular arithmetic (paper 1 §1.6 after Nanda et al.'s grokking code): token and learned
 * positional embeddings, one multi-head attention layer (causal), residual, ReLU MLP, residual, unembed; no
 * LayerNorm. Only the last position's logits are scored, so only that position is computed past the keys and values
 * (with one layer the causal mask does not touch the last query, and no other position reaches the output).
 *
 * Parameters in Nanda's layouts and init (all N(0, 1/d_model), unembed N(0, 1/d_vocab), biases 0):
 *   embed (d_model, vocab), pos_embed (n_ctx, d_model), attn.W_Q / attn.W_K / attn.W_V (heads, d_head, d_model),
 *   attn.W_O (d_model, heads·d_head), mlp.W_in (d_mlp, d_model), mlp.b_in (d_mlp), mlp.W_out (d_model, d_mlp),
 *   mlp.b_out (d_model), unembed (d_model, outputs).
 * Paper 1 observes mlp.W_out (128 × 512). Differences from the original: float32, and the unembed has `outputs` (p)
 * columns rather than one per vocabulary token (the '=' logit can never be the label).
 */
import { tf } from '../tf';
import type { Dataset, ModelSpec } from '../types';
import { ParamBuilder } from './init';
import { type Model, disposeParams, taskLoss } from './model';

export type TransformerSpec = Extract<ModelSpec, { kind: 'transformer' }>;

export function buildTransformer(spec: TransformerSpec, dataset: Dataset, initSeed: number, initScale: number): Model {
  const { dModel: d, dMlp, heads, dHead } = spec;
  const vocab = dataset.vocab;
  if (dataset.task !== 'classification' || vocab === undefined || dataset.inputShape.length !== 1) {
    throw new Error('transformer: needs token sequences (a data set with a vocabulary, e.g. modular arithmetic)');
  }
  const T = dataset.inputShape[0];
  const C = dataset.outputs;
  const b = new ParamBuilder(initSeed, initScale);
  const std = { kind: 'normal', std: 1 / Math.sqrt(d) } as const;
  const embed = b.add('embed', [d, vocab], std);
  const pos = b.add('pos_embed', [T, d], std);
  const WQ = b.add('attn.W_Q', [heads, dHead, d], std);
  const WK = b.add('attn.W_K', [heads, dHead, d], std);
  const WV = b.add('attn.W_V', [heads, dHead, d], std);
  const WO = b.add('attn.W_O', [d, heads * dHead], std);
  const Win = b.add('mlp.W_in', [dMlp, d], std);
  const bIn = b.add('mlp.b_in', [dMlp], { kind: 'zeros' });
  const Wout = b.add('mlp.W_out', [d, dMlp], std);
  const bOut = b.add('mlp.b_out', [d], { kind: 'zeros' });
  const unembed = b.add('unembed', [d, C], { kind: 'normal', std: 1 / Math.sqrt(vocab) });

  const predict = (x: tf.Tensor): tf.Tensor => {
    const n = x.shape[0];
    // embedding as one-hot · Eᵀ: the gradient of tf.gather (UnsortedSegmentSum) is very slow on cpu and missing on wasm
    const oneHot = tf.oneHot(tf.reshape(tf.cast(x, 'int32'), [n * T]) as tf.Tensor1D, vocab) as tf.Tensor2D;
    const tokens = tf.matMul(oneHot, embed as tf.Tensor2D, false, true); // (n·T, d)
    const resid = tf.add(tf.reshape(tokens, [n, T, d]), pos) as tf.Tensor3D;
    const flat = tf.reshape(resid, [n * T, d]) as tf.Tensor2D;
    const project = (W: tf.Tensor, rows: tf.Tensor2D, t: number) =>
      tf.reshape(tf.matMul(rows, tf.reshape(W, [heads * dHead, d]) as tf.Tensor2D, false, true), [n, t, heads, dHead]);
    const k = project(WK, flat, T); // (n, T, heads, d_head)
    const v = project(WV, flat, T);
    const last = tf.reshape(tf.slice(resid, [0, T - 1, 0], [n, 1, d]), [n, d]) as tf.Tensor2D;
    const q = project(WQ, last, 1); // (n, 1, heads, d_head)
    // scores and mixing by broadcasting (T is tiny; batched 1×T matmuls cost more on cpu)
    const scores = tf.div(tf.sum(tf.mul(q, k), -1), Math.sqrt(dHead)); // (n, T, heads)
    const attn = tf.transpose(tf.softmax(tf.transpose(scores, [0, 2, 1])), [0, 2, 1]); // softmax over keys
    const z = tf.sum(tf.mul(tf.expandDims(attn, -1), v), 1); // (n, heads, d_head)
    const attnOut = tf.matMul(tf.reshape(z, [n, heads * dHead]) as tf.Tensor2D, WO as tf.Tensor2D, false, true);
    const h1 = tf.add(last, attnOut) as tf.Tensor2D;
    const hidden = tf.relu(tf.add(tf.matMul(h1, Win as tf.Tensor2D, false, true), bIn)) as tf.Tensor2D;
    const h2 = tf.add(h1, tf.add(tf.matMul(hidden, Wout as tf.Tensor2D, false, true), bOut)) as tf.Tensor2D;
    return tf.matMul(h2, unembed as tf.Tensor2D); // (n, outputs)
  };
  return {
    params: b.params,
    predict,
    loss: (x, y) => taskLoss(dataset.task, predict(x), y),
    dispose: () => disposeParams(b.params),
  };
}
