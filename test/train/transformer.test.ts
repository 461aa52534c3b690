/**
 * The transformer's per-token tables (src/train/models/transformer.ts) against the direct form it replaced (embed every
 * token slot by a one-hot matmul, then project all n·T slots with W_Q/W_K/W_V), on cpu and on wasm: the same loss and
 * the same gradient for every parameter, to float32 rounding. And the segment sum / row gather kernels
 * (src/train/segmentSum.ts) against a dense one-hot reference.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeCpuBackend, useNodeWasmBackend } from '../../src/cli/nodeBackend';
import { buildModel, type Model } from '../../src/train/models/index';
import { taskLoss } from '../../src/train/models/model';
import { makeDataset } from '../../src/train/data/index';
import { tf } from '../../src/train/tf';
import type { Dataset } from '../../src/train/types';

/** The direct form (the model before the tables), reading the same variables. */
function directPredict(model: Model, ds: Dataset, heads: number, dHead: number, d: number) {
  const p = Object.fromEntries(model.params.map((q) => [q.name, q.variable as tf.Tensor]));
  const T = ds.inputShape[0], vocab = ds.vocab!;
  return (x: tf.Tensor): tf.Tensor => {
    const n = x.shape[0];
    const oneHot = tf.oneHot(tf.reshape(tf.cast(x, 'int32'), [n * T]) as tf.Tensor1D, vocab) as tf.Tensor2D;
    const resid = tf.add(tf.reshape(tf.matMul(oneHot, p.embed as tf.Tensor2D, false, true), [n, T, d]), p.pos_embed) as tf.Tensor3D;
    const flat = tf.reshape(resid, [n * T, d]) as tf.Tensor2D;
    const project = (W: tf.Tensor, rows: tf.Tensor2D, t: number) =>
      tf.reshape(tf.matMul(rows, tf.reshape(W, [heads * dHead, d]) as tf.Tensor2D, false, true), [n, t, heads, dHead]);
    const k = project(p['attn.W_K'], flat, T), v = project(p['attn.W_V'], flat, T);
    const last = tf.reshape(tf.slice(resid, [0, T - 1, 0], [n, 1, d]), [n, d]) as tf.Tensor2D;
    const q = project(p['attn.W_Q'], last, 1);
    const scores = tf.div(tf.sum(tf.mul(q, k), -1), Math.sqrt(dHead));
    const attn = tf.transpose(tf.softmax(tf.transpose(scores, [0, 2, 1])), [0, 2, 1]);
    const z = tf.sum(tf.mul(tf.expandDims(attn, -1), v), 1);
    const h1 = tf.add(last, tf.matMul(tf.reshape(z, [n, heads * dHead]) as tf.Tensor2D, p['attn.W_O'] as tf.Tensor2D, false, true)) as tf.Tensor2D;
    const hidden = tf.relu(tf.add(tf.matMul(h1, p['mlp.W_in'] as tf.Tensor2D, false, true), p['mlp.b_in']));
    const h2 = tf.add(h1, tf.add(tf.matMul(hidden as tf.Tensor2D, p['mlp.W_out'] as tf.Tensor2D, false, true), p['mlp.b_out'])) as tf.Tensor2D;
    return tf.matMul(h2, p.unembed as tf.Tensor2D);
  };
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(a[i])); }
  return m / s;
}

beforeAll(async () => { await useNodeCpuBackend(); });

describe.each(['cpu', 'wasm'] as const)('transformer tables on %s', (backend) => {
  it('give the direct form\'s loss and gradients', async () => {
    if (backend === 'wasm') expect('name' in (await useNodeWasmBackend())).toBe(true);
    else await useNodeCpuBackend();
    const ds = makeDataset({ kind: 'modular', p: 23, trainFraction: 0.5 }, 3);
    const spec = { kind: 'transformer' as const, dModel: 16, dMlp: 32, heads: 2, dHead: 8 };
    const model = buildModel(spec, ds, 7);
    const x = tf.tensor(ds.xTrain, [ds.nTrain, ...ds.inputShape], 'int32');
    const y = tf.tensor(ds.yTrain, [ds.nTrain], 'int32');
    const vars = model.params.map((q) => q.variable);
    const direct = directPredict(model, ds, spec.heads, spec.dHead, spec.dModel);
    const a = tf.variableGrads(() => model.loss(x, y), vars);
    const b = tf.variableGrads(() => taskLoss('classification', direct(x), y), vars);
    expect(Math.abs(a.value.dataSync()[0] - b.value.dataSync()[0])).toBeLessThan(1e-5);
    for (const q of model.params) {
      expect(relErr(b.grads[q.variable.name].dataSync(), a.grads[q.variable.name].dataSync()), q.name).toBeLessThan(1e-4);
    }
    tf.dispose([x, y, a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
    model.dispose();
    await useNodeCpuBackend();
  });

  it('segment sum and row gather equal their one-hot forms', async () => {
    if (backend === 'wasm') expect('name' in (await useNodeWasmBackend())).toBe(true);
    else await useNodeCpuBackend();
    const ds = makeDataset({ kind: 'modular', p: 23, trainFraction: 0.5 }, 3);
    buildModel({ kind: 'transformer', dModel: 8, dMlp: 8, heads: 1, dHead: 8 }, ds, 1).dispose(); // registers the kernels
    const rows = 37, seg = 11, inner = 5;
    const xv = Float32Array.from({ length: rows * inner }, (_, i) => Math.sin(0.7 * i));
    const idv = Int32Array.from({ length: rows }, (_, i) => (i * 5) % seg);
    const [got, ref, gath, gref] = tf.tidy(() => {
      const x = tf.tensor2d(xv, [rows, inner]), ids = tf.tensor1d(idv, 'int32');
      const oh = tf.oneHot(ids, seg).toFloat() as tf.Tensor2D;
      const table = tf.tensor2d(Float32Array.from({ length: seg * inner }, (_, i) => Math.cos(i)), [seg, inner]);
      return [tf.unsortedSegmentSum(x, ids, seg).dataSync(), tf.matMul(oh, x, true, false).dataSync(),
        tf.gather(table, tf.reshape(ids, [rows / 37, 37])).dataSync(), tf.matMul(oh, table).dataSync()];
    });
    expect(relErr(ref, got)).toBeLessThan(1e-6);
    expect(relErr(gref, gath)).toBe(0);
    await useNodeCpuBackend();
  });
});
