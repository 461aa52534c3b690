/**
 * One-layer transformer for modular arithmetic (paper 1, docs/methods.md#paper1-grokking, after Nanda et al.'s
 * grokking code): token and learned positional embeddings, one multi-head attention layer (causal), residual, ReLU
 * MLP, residual, unembed; no LayerNorm. Only the last position's logits are scored, so only that position is
 * computed past the keys and values (with one layer the causal mask does not touch the last query, and no other
 * position reaches the output).
 *
 * Dead work skipped: every query, key and value is a linear map of one token's embedding plus its position, so
 * (E[v] + P_t)·Wᵀ is row t·vocab + v of a (T·vocab × heads·d_head) table. Each step builds such tables for W_Q (last
 * position only), W_K, W_V (T·vocab ≪ the batch's n·T token slots) and looks rows up with tf.gather, instead of
 * projecting n·T embeddings (p = 113, full batch: 11 490 slots against a 342-row table). The gather's gradient is a
 * segment sum (src/train/segmentSum.ts). The loss and gradients equal the direct form's to float32 rounding
 * (test/train/transformer.test.ts).
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

  // Per-token tables (module comment): every projection of a token's embedding at a position is a row lookup.
  const predict = (x: tf.Tensor): tf.Tensor => {
    const n = x.shape[0];
    const hd = heads * dHead;
    const ids = tf.reshape(tf.cast(x, 'int32'), [n, T]) as tf.Tensor2D;
    // row t·vocab + v of `tokPos` is E[v] + P_t (T·vocab × d): position folded into the table, so the batch-sized
    // tensors never see a broadcast add (whose gradient is a sum over the batch axis, slow on wasm)
    const embedT = tf.transpose(embed) as tf.Tensor2D; // (vocab, d): row v is token v's embedding
    const tokPos = tf.reshape(tf.add(tf.expandDims(embedT, 0), tf.expandDims(pos, 1)), [T * vocab, d]) as tf.Tensor2D;
    const flatW = (W: tf.Tensor) => tf.reshape(W, [hd, d]) as tf.Tensor2D;
    const Wq = flatW(WQ), Wk = flatW(WK), Wv = flatW(WV);
    const heads3 = (t: tf.Tensor) => tf.reshape(t, [n, heads, dHead]);
    // per key position t (T is tiny: 3): k_t, v_t (n, heads, d_head), so scores, softmax and mixing need no
    // broadcast over T and no transposes (each would cost a batch-sized reduction or copy on wasm)
    const Ktab = tf.matMul(tokPos, Wk, false, true), Vtab = tf.matMul(tokPos, Wv, false, true);
    const idsAt = Array.from({ length: T }, (_, t) => tf.reshape(tf.slice(ids, [0, t], [n, 1]), [n]) as tf.Tensor1D);
    const lastTok = tf.slice(tokPos, [(T - 1) * vocab, 0], [vocab, d]) as tf.Tensor2D; // E + P_{T−1}
    const lastIds = idsAt[T - 1];
    const q = heads3(tf.gather(tf.matMul(lastTok, Wq, false, true), lastIds)); // (n, heads, d_head)
    const last = tf.gather(lastTok, lastIds) as tf.Tensor2D; // the last position's residual (n, d)
    const scale = 1 / Math.sqrt(dHead);
    const ks: tf.Tensor[] = [], vs: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const at = t === 0 ? idsAt[0] : tf.add(idsAt[t], tf.scalar(t * vocab, 'int32')); // rows of tokPos
      ks.push(heads3(tf.gather(Ktab, at)));
      vs.push(heads3(tf.gather(Vtab, at)));
    }
    // softmax over the T keys written out per key (no stack, slice or transpose of batch-sized tensors): s_t (n, heads)
    const scores = ks.map((kt) => tf.mul(tf.sum(tf.mul(q, kt), -1), scale));
    const top = scores.reduce((a, b) => tf.maximum(a, b));
    const e = scores.map((st) => tf.exp(tf.sub(st, top)));
    const total = e.reduce((a, b) => tf.add(a, b));
    let z: tf.Tensor | undefined; // Σ_t attn_t · v_t (n, heads, d_head)
    for (let t = 0; t < T; t++) {
      const term = tf.mul(tf.expandDims(tf.div(e[t], total), -1), vs[t]);
      z = z ? tf.add(z, term) : term;
    }
    const attnOut = tf.matMul(tf.reshape(z!, [n, hd]) as tf.Tensor2D, WO as tf.Tensor2D, false, true);
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
