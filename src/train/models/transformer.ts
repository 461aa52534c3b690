/**
 * One-layer transformer for modular arithmetic (paper 1, docs/methods.md#paper1-grokking, after Nanda et al.'s
 * grokking code): token and learned positional embeddings, one multi-head attention layer (causal), residual, ReLU
 * MLP, residual, unembed; no LayerNorm. Only the last position's logits are scored, so only that position is
 * computed past the keys and values (with one layer the causal mask does not touch the last query, and no other
 * position reaches the output).
 *
 * Dead work skipped: every query, key and value is a linear map of one token's embedding plus its position, so
 * (E[v] + P_t)·Wᵀ = (E·Wᵀ)[v] + P_t·Wᵀ. Each step builds (vocab × heads·d_head) tables for W_Q, W_K, W_V (vocab ≪ the
 * batch's n·T token slots) and looks rows up with tf.gather, instead of projecting n·T embeddings (p = 113, full
 * batch: 11 490 slots against a 114-row table). The gather's gradient is a segment sum (src/train/segmentSum.ts). The
 * loss and gradients equal the direct form's to float32 rounding (test/train/transformer.test.ts).
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
import { registerSegmentSumKernels } from '../segmentSum';
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
  registerSegmentSumKernels(); // tf.gather's gradient on cpu and wasm (by now the backends' own kernels are registered)
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

  // Per-token tables (module comment): every projection of a token's embedding is a row lookup.
  const predict = (x: tf.Tensor): tf.Tensor => {
    const n = x.shape[0];
    const hd = heads * dHead;
    const ids = tf.reshape(tf.cast(x, 'int32'), [n, T]) as tf.Tensor2D;
    const embedT = tf.transpose(embed) as tf.Tensor2D; // (vocab, d): row v is token v's embedding
    const flatW = (W: tf.Tensor) => tf.reshape(W, [hd, d]) as tf.Tensor2D;
    const Wq = flatW(WQ), Wk = flatW(WK), Wv = flatW(WV);
    // (E[v] + P_t) Wᵀ = E[v] Wᵀ + P_t Wᵀ: a (vocab, hd) table per weight plus a (T, hd) positional term
    const table = (W: tf.Tensor2D) => tf.matMul(embedT, W, false, true);
    const posTerm = (W: tf.Tensor2D) => tf.matMul(pos as tf.Tensor2D, W, false, true);
    const heads4 = (t: tf.Tensor, rows: number) => tf.reshape(t, [n, rows, heads, dHead]);
    const k = heads4(tf.add(tf.gather(table(Wk), ids), posTerm(Wk)), T); // (n, T, heads, d_head)
    const v = heads4(tf.add(tf.gather(table(Wv), ids), posTerm(Wv)), T);
    const lastIds = tf.reshape(tf.slice(ids, [0, T - 1], [n, 1]), [n]) as tf.Tensor1D;
    const lastPos = tf.slice(pos, [T - 1, 0], [1, d]) as tf.Tensor2D;
    const q = heads4(tf.add(tf.gather(table(Wq), lastIds), tf.matMul(lastPos, Wq, false, true)), 1); // (n, 1, heads, d_head)
    const last = tf.add(tf.gather(embedT, lastIds), lastPos) as tf.Tensor2D; // the last position's residual (n, d)
    // scores and mixing by broadcasting (T is tiny; batched 1×T matmuls cost more on cpu)
    const scores = tf.div(tf.sum(tf.mul(q, k), -1), Math.sqrt(dHead)); // (n, T, heads)
    const attn = tf.transpose(tf.softmax(tf.transpose(scores, [0, 2, 1])), [0, 2, 1]); // softmax over keys
    const z = tf.sum(tf.mul(tf.expandDims(attn, -1), v), 1); // (n, heads, d_head)
    const attnOut = tf.matMul(tf.reshape(z, [n, hd]) as tf.Tensor2D, WO as tf.Tensor2D, false, true);
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
