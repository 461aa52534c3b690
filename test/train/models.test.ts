import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/train/tf';
import { useNodeCpuBackend } from '../../src/cli/nodeBackend';
import { buildModel, seededQuadraticHessian, seededOrthogonal, type Model } from '../../src/train/models/index';
import { makeOptimizer, minimize } from '../../src/train/optim';
import { Sfc32 } from '../../src/linalg/random';
import type { Dataset, ModelSpec, OptimizerSpec } from '../../src/train/types';

beforeAll(async () => {
  await useNodeCpuBackend();
});

const none: Dataset = {
  spec: { kind: 'none' }, task: 'none', inputShape: [], outputs: 0, nTrain: 0, nTest: 0,
  xTrain: new Float32Array(0), yTrain: new Float32Array(0), xTest: new Float32Array(0), yTest: new Float32Array(0),
};

function dataset(task: 'classification' | 'regression', inputShape: number[], x: Float32Array | Int32Array, y: Float32Array | Int32Array, n: number, outputs: number, vocab?: number): Dataset {
  return { spec: { kind: 'none' }, task, inputShape, xTrain: x, yTrain: y, xTest: x, yTest: y, nTrain: n, nTest: n, outputs, vocab };
}

/** XOR of signs in 2-D: label 1 when x₁x₂ > 0. */
function xor(n: number): Dataset {
  const r = new Sfc32(5);
  const x = new Float32Array(2 * n), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = r.uniform(-1, 1);
    x[2 * i + 1] = r.uniform(-1, 1);
    y[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0;
  }
  return dataset('classification', [2], x, y, n, 2);
}

/** 8×8 one-channel images, class = which half holds a bright bar. */
function bars(n: number): Dataset {
  const r = new Sfc32(9);
  const x = new Float32Array(n * 64), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let p = 0; p < 64; p++) x[i * 64 + p] = 0.1 * r.normal() + ((p % 8 < 4) === (y[i] === 0) ? 1 : 0);
  }
  return dataset('classification', [8, 8, 1], x, y, n, 2);
}

/** Modular addition mod p, all p² pairs as [a, b, p]. */
function modular(p: number): Dataset {
  const n = p * p;
  const x = new Int32Array(3 * n), y = new Int32Array(n);
  for (let a = 0, i = 0; a < p; a++) for (let b = 0; b < p; b++, i++) x.set([a, b, p], 3 * i), (y[i] = (a + b) % p);
  return dataset('classification', [3], x, y, n, p, p + 1);
}

/** Sequences (n, T, 1) of U[−1, 1] inputs; targets the running sum at every step, or only the last one. */
function sums(n: number, T: number, everyStep: boolean): Dataset {
  const r = new Sfc32(3);
  const x = new Float32Array(n * T), y = new Float32Array(everyStep ? n * T : n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < T; t++) {
      s += x[i * T + t] = r.uniform(-1, 1);
      if (everyStep) y[i * T + t] = 0.5 * s;
    }
    if (!everyStep) y[i] = 0.5 * s;
  }
  return dataset('regression', [T, 1], x, y, n, 1);
}

function sine(n: number): Dataset {
  const x = new Float32Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) (x[i] = -1 + (2 * i) / (n - 1)), (y[i] = Math.sin(3 * x[i]));
  return dataset('regression', [1], x, y, n, 1);
}

function tensors(d: Dataset): [tf.Tensor, tf.Tensor] {
  const x = tf.tensor(d.xTrain, [d.nTrain, ...d.inputShape], d.xTrain instanceof Int32Array ? 'int32' : 'float32');
  const y = d.task === 'classification' ? tf.tensor1d(d.yTrain as Int32Array, 'int32') : tf.tensor2d(d.yTrain as Float32Array, [d.nTrain, d.yTrain.length / d.nTrain]);
  return [x, y];
}

/** Full-batch training: the first and last loss. */
async function fit(model: Model, d: Dataset, opt: OptimizerSpec, steps: number): Promise<[number, number]> {
  const [x, y] = d.task === 'none' ? [tf.zeros([0]), tf.zeros([0])] : tensors(d);
  const vars = model.params.map((p) => p.variable);
  const o = makeOptimizer(opt, vars);
  const first = await model.loss(x, y).data(); // leaks one scalar per call: fine in a test
  let last = first;
  for (let i = 0; i < steps; i++) {
    const l = minimize(o, () => model.loss(x, y), vars);
    if (i === steps - 1) last = await l.data();
    l.dispose();
  }
  o.dispose();
  x.dispose();
  y.dispose();
  return [first[0], last[0]];
}

const adam = (lr: number): OptimizerSpec => ({ kind: 'adam', lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 });

describe('models: the loss falls on a small task', () => {
  const cases: [string, ModelSpec, () => Dataset, OptimizerSpec, number, number][] = [
    ['mlp classification (xor)', { kind: 'mlp', hidden: [16], activation: 'relu', bias: true }, () => xor(64), adam(0.05), 100, 0.5],
    // no biases: an odd function of x, so an odd target (XOR's labels are even, unlearnable)
    ['mlp tanh, no bias (sine)', { kind: 'mlp', hidden: [16, 16], activation: 'tanh', bias: false }, () => sine(32), adam(0.03), 100, 0.3],
    ['mlp gelu regression (sine)', { kind: 'mlp', hidden: [16], activation: 'gelu', bias: true }, () => sine(32), adam(0.03), 150, 0.3],
    ['cnn (bars)', { kind: 'cnn', channels: [2, 4], hidden: 8 }, () => bars(16), adam(0.01), 30, 0.5],
    ['transformer (a + b mod 5)', { kind: 'transformer', dModel: 16, dMlp: 32, heads: 2, dHead: 8 }, () => modular(5), adam(0.01), 100, 0.3],
    ['rnn (running sums, every step)', { kind: 'rnn', hidden: 8 }, () => sums(16, 5, true), adam(0.02), 100, 0.3],
    ['gru (running sums, last step)', { kind: 'gru', hidden: 8 }, () => sums(16, 5, false), adam(0.02), 100, 0.3],
    ['quadratic', { kind: 'quadratic', curvatures: [0.5, 1, 2] }, () => none, { kind: 'sgd', lr: 0.2 }, 50, 0.01],
  ];
  for (const [name, spec, data, opt, steps, ratio] of cases) {
    it(name, async () => {
      const model = buildModel(spec, data(), 1);
      const [first, last] = await fit(model, data(), opt, steps);
      expect(Number.isFinite(first)).toBe(true);
      expect(last).toBeLessThan(ratio * first);
      model.dispose();
    });
  }
});

describe('models: parameters', () => {
  const mnistLike = dataset('classification', [28, 28, 1], new Float32Array(784), new Int32Array(1), 1, 10);

  it("paper 1's FCN: fc1.weight (h, 784), fc2.weight (10, h), no biases", () => {
    const m = buildModel({ kind: 'mlp', hidden: [5], activation: 'relu', bias: false }, mnistLike, 0);
    expect(m.params.map((p) => [p.name, p.variable.shape])).toEqual([['fc1.weight', [5, 784]], ['fc2.weight', [10, 5]]]);
    m.dispose();
  });

  it("paper 1's transformer: mlp.W_out is 128 × 512", () => {
    const m = buildModel({ kind: 'transformer', dModel: 128, dMlp: 512, heads: 4, dHead: 32 }, modular(113), 0);
    const shapes = Object.fromEntries(m.params.map((p) => [p.name, p.variable.shape]));
    expect(shapes).toEqual({
      embed: [128, 114], pos_embed: [3, 128], 'attn.W_Q': [4, 32, 128], 'attn.W_K': [4, 32, 128], 'attn.W_V': [4, 32, 128],
      'attn.W_O': [128, 128], 'mlp.W_in': [512, 128], 'mlp.b_in': [512], 'mlp.W_out': [128, 512], 'mlp.b_out': [128], unembed: [128, 113],
    });
    m.dispose();
  });

  it('cnn, rnn and gru parameter tables', () => {
    const cnn = buildModel({ kind: 'cnn', channels: [6, 16], hidden: 32 }, mnistLike, 0);
    expect(cnn.params.map((p) => [p.name, p.variable.shape])).toEqual([
      ['conv1.weight', [6, 1, 5, 5]], ['conv1.bias', [6]], ['conv2.weight', [16, 6, 5, 5]], ['conv2.bias', [16]],
      ['fc1.weight', [32, 7 * 7 * 16]], ['fc1.bias', [32]], ['fc2.weight', [10, 32]], ['fc2.bias', [10]],
    ]);
    cnn.dispose();
    const gru = buildModel({ kind: 'gru', hidden: 4 }, sums(2, 3, true), 0);
    expect(gru.params.map((p) => [p.name, p.variable.shape])).toEqual([
      ['rnn.W_ih', [12, 1]], ['rnn.W_hh', [12, 4]], ['rnn.b_ih', [12]], ['rnn.b_hh', [12]], ['readout.weight', [1, 4]], ['readout.bias', [1]],
    ]);
    gru.dispose();
  });

  it('predict shapes: logits at the last position; rnn readout at every step', () => {
    const t = buildModel({ kind: 'transformer', dModel: 8, dMlp: 16, heads: 2, dHead: 4 }, modular(5), 0);
    const r = buildModel({ kind: 'rnn', hidden: 3 }, sums(4, 6, true), 0);
    tf.tidy(() => {
      expect(t.predict(tf.tensor2d([[1, 2, 5], [0, 0, 5]], [2, 3], 'int32')).shape).toEqual([2, 5]);
      expect(r.predict(tf.zeros([4, 6, 1])).shape).toEqual([4, 6, 1]);
    });
    t.dispose();
    r.dispose();
  });

  it('seeded init: same seed same weights; another seed, other weights; initScale multiplies', async () => {
    const spec: ModelSpec = { kind: 'mlp', hidden: [8], activation: 'relu', bias: true };
    const read = async (m: Model) => Promise.all(m.params.map(async (p) => Float32Array.from(await p.variable.data() as Float32Array)));
    const [a, b, c, s] = [buildModel(spec, xor(4), 7), buildModel(spec, xor(4), 7), buildModel(spec, xor(4), 8), buildModel(spec, xor(4), 7, 0.8)];
    const [wa, wb, wc, ws] = await Promise.all([a, b, c, s].map(read));
    expect(wa).toEqual(wb);
    expect(wa[0]).not.toEqual(wc[0]);
    wa[0].forEach((v, i) => expect(ws[0][i]).toBeCloseTo(0.8 * v, 6));
    // He-uniform bound √(6/2) for fc1 (fan-in 2), biases zero
    expect(Math.max(...wa[0].map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(3));
    expect(wa[1].every((v) => v === 0)).toBe(true);
    for (const m of [a, b, c, s]) m.dispose();
  });

  it('quadratic: Q orthogonal, H = Q diag(c) Qᵀ symmetric with the given spectrum', () => {
    const d = 4, c = [0.5, 1, 2, 3];
    const Q = seededOrthogonal(d, 11);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += Q[k * d + i] * Q[k * d + j];
      expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
    }
    const H = seededQuadraticHessian(c, 11);
    let trace = 0, frob = 0;
    for (let i = 0; i < d; i++) {
      trace += H[i * d + i];
      for (let j = 0; j < d; j++) (frob += H[i * d + j] ** 2), expect(H[i * d + j]).toBe(H[j * d + i]);
    }
    expect(trace).toBeCloseTo(6.5, 12);
    expect(frob).toBeCloseTo(0.25 + 1 + 4 + 9, 12);
  });

  it('rejects a model that does not fit the data', () => {
    expect(() => buildModel({ kind: 'cnn', channels: [2, 2], hidden: 4 }, xor(4), 0)).toThrow(/image inputs/);
    expect(() => buildModel({ kind: 'transformer', dModel: 8, dMlp: 8, heads: 1, dHead: 8 }, xor(4), 0)).toThrow(/token sequences/);
    expect(() => buildModel({ kind: 'mlp', hidden: [4], activation: 'relu', bias: true }, none, 0)).toThrow(/needs a data set/);
  });
});

describe('models: forward passes against plain-JS references (float64, tolerance 1e-4)', () => {
  const read = async (m: Model) => Object.fromEntries(await Promise.all(m.params.map(async (p) => [p.name, Array.from(await p.variable.data() as Float32Array)] as const)));
  const at = (W: number[], cols: number, i: number, j: number) => W[i * cols + j];

  it("transformer: Nanda's attention (heads, d_head, d_model) layouts, ReLU MLP, last position", async () => {
    const [d, dMlp, H, dh, p] = [8, 12, 2, 4, 5];
    const m = buildModel({ kind: 'transformer', dModel: d, dMlp, heads: H, dHead: dh }, modular(p), 4);
    const P = await read(m);
    const seqs = [[1, 3, 5], [4, 0, 5]];
    const logits = await m.predict(tf.tensor2d(seqs, [2, 3], 'int32')).data();
    seqs.forEach((tok, s) => {
      const resid = tok.map((v, t) => Array.from({ length: d }, (_, j) => at(P.embed, p + 1, j, v) + at(P.pos_embed, d, t, j)));
      const proj = (W: number[], i: number, x: number[]) => Array.from({ length: dh }, (_, a) => x.reduce((acc, xj, j) => acc + W[(i * dh + a) * d + j] * xj, 0));
      const z: number[] = [];
      for (let i = 0; i < H; i++) {
        const q = proj(P['attn.W_Q'], i, resid[2]);
        const ks = resid.map((x) => proj(P['attn.W_K'], i, x));
        const vs = resid.map((x) => proj(P['attn.W_V'], i, x));
        const sc = ks.map((k) => k.reduce((acc, kj, j) => acc + kj * q[j], 0) / Math.sqrt(dh));
        const e = sc.map((x) => Math.exp(x - Math.max(...sc)));
        const a = e.map((x) => x / e.reduce((u, w) => u + w, 0));
        for (let c = 0; c < dh; c++) z.push(vs.reduce((acc, v, t) => acc + a[t] * v[c], 0));
      }
      const h1 = resid[2].map((r, j) => r + z.reduce((acc, zf, f) => acc + at(P['attn.W_O'], H * dh, j, f) * zf, 0));
      const hid = Array.from({ length: dMlp }, (_, u) => Math.max(0, h1.reduce((acc, x, j) => acc + at(P['mlp.W_in'], d, u, j) * x, 0) + P['mlp.b_in'][u]));
      const h2 = h1.map((x, j) => x + hid.reduce((acc, hu, u) => acc + at(P['mlp.W_out'], dMlp, j, u) * hu, 0) + P['mlp.b_out'][j]);
      for (let c = 0; c < p; c++) expect(logits[s * p + c]).toBeCloseTo(h2.reduce((acc, x, j) => acc + x * at(P.unembed, p, j, c), 0), 4);
    });
    m.dispose();
  });

  it("gru: PyTorch's gate equations (r, z, n), readout at every step", async () => {
    const [T, Hd] = [4, 3];
    const m = buildModel({ kind: 'gru', hidden: Hd }, sums(1, T, true), 6);
    const P = await read(m);
    const xs = [0.5, -1, 0.25, 0.8];
    const out = await m.predict(tf.tensor3d(xs, [1, T, 1])).data();
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    let h = [0, 0, 0];
    xs.forEach((x, t) => {
      const gi = Array.from({ length: 3 * Hd }, (_, r) => P['rnn.W_ih'][r] * x + P['rnn.b_ih'][r]);
      const gh = Array.from({ length: 3 * Hd }, (_, r) => h.reduce((acc, hj, j) => acc + at(P['rnn.W_hh'], Hd, r, j) * hj, 0) + P['rnn.b_hh'][r]);
      h = h.map((hj, j) => {
        const r = sig(gi[j] + gh[j]), z = sig(gi[Hd + j] + gh[Hd + j]);
        const n = Math.tanh(gi[2 * Hd + j] + r * gh[2 * Hd + j]);
        return (1 - z) * n + z * hj;
      });
      expect(out[t]).toBeCloseTo(h.reduce((acc, hj, j) => acc + P['readout.weight'][j] * hj, 0) + P['readout.bias'][0], 5);
    });
    m.dispose();
  });
});
