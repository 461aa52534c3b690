import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/train/tf';
import { useNodeCpuBackend } from '../../src/cli/nodeBackend';
import { Trainer } from '../../src/train/trainer';
import { seededQuadraticHessian } from '../../src/train/models/index';
import { Sfc32 } from '../../src/linalg/random';
import { makeDataset } from '../../src/train/data/index';
import type { Dataset, ModelSpec, OptimizerSpec, TrainConfig } from '../../src/train/types';

beforeAll(async () => {
  await useNodeCpuBackend();
});

const none: Dataset = {
  spec: { kind: 'none' }, task: 'none', inputShape: [], outputs: 0, nTrain: 0, nTest: 0,
  xTrain: new Float32Array(0), yTrain: new Float32Array(0), xTest: new Float32Array(0), yTest: new Float32Array(0),
};

/** Two gaussian blobs in 2-D (labels 0/1), nTrain + nTest rows. */
function blobs(nTrain: number, nTest: number): Dataset {
  const r = new Sfc32(21);
  const make = (n: number) => {
    const x = new Float32Array(2 * n), y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      x[2 * i] = r.normal(y[i] ? 1 : -1, 0.7);
      x[2 * i + 1] = r.normal(y[i] ? 1 : -1, 0.7);
    }
    return { x, y };
  };
  const tr = make(nTrain), te = make(nTest);
  return {
    spec: { kind: 'gaussians', n: nTrain + nTest, noise: 0.7 }, task: 'classification', inputShape: [2], outputs: 2,
    xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y, nTrain, nTest,
  };
}

const mlp: ModelSpec = { kind: 'mlp', hidden: [8], activation: 'relu', bias: true };
const sgd = (lr: number): OptimizerSpec => ({ kind: 'sgd', lr });

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    model: mlp, data: { kind: 'gaussians', n: 100, noise: 0.7 }, optimizer: sgd(0.1), batchSize: 16,
    dataSeed: 1, initSeed: 2, observe: 'all', snapshotEvery: 1, steps: 100, ...over,
  };
}

const C = [0.5, 1, 2, 3];
function quadConfig(optimizer: OptimizerSpec, over: Partial<TrainConfig> = {}): TrainConfig {
  return config({ model: { kind: 'quadratic', curvatures: C }, data: { kind: 'none' }, optimizer, batchSize: 'full', ...over });
}

/** H as used on the device (float32), as float64 rows. */
function hessian(curvatures: number[], dataSeed: number): number[][] {
  const d = curvatures.length;
  const H = Float32Array.from(seededQuadraticHessian(curvatures, dataSeed));
  return Array.from({ length: d }, (_, i) => Array.from(H.subarray(i * d, (i + 1) * d)));
}
const matVec = (H: number[][], w: ArrayLike<number>) => H.map((row) => row.reduce((s, h, j) => s + h * w[j], 0));
const norm = (w: ArrayLike<number>) => Math.sqrt(Array.from(w).reduce((s, v) => s + v * v, 0));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, norm(expected));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol * scale)) throw new Error(`[${i}]: ${actual[i]} vs ${expected[i]} (tol ${tol})`);
  }
}

describe('Trainer: parameter table and snapshots', () => {
  it('snapshot length = observedSize; "all" is the concatenation of the parameters in table order', async () => {
    const data = blobs(32, 8);
    const all = new Trainer(config(), data);
    expect(all.params).toEqual([
      { name: 'fc1.weight', shape: [8, 2], size: 16 }, { name: 'fc1.bias', shape: [8], size: 8 },
      { name: 'fc2.weight', shape: [2, 8], size: 16 }, { name: 'fc2.bias', shape: [2], size: 2 },
    ]);
    expect(all.observedSize).toBe(42);
    await all.train(3);
    const snap = await all.snapshot();
    expect(snap.length).toBe(42);
    let offset = 0;
    for (const p of all.params) {
      const one = new Trainer(config({ observe: [p.name] }), data);
      await one.train(3);
      const s = await one.snapshot();
      expect(one.observed).toEqual([p]);
      expect(s).toEqual(snap.subarray(offset, offset + p.size));
      offset += p.size;
      one.dispose();
    }
    all.dispose();
  });

  it('observe by prefix keeps table order; an unknown entry throws', () => {
    const data = blobs(8, 0);
    const t = new Trainer(config({ observe: ['fc2', 'fc1.w'] }), data);
    expect(t.observed.map((p) => p.name)).toEqual(['fc1.weight', 'fc2.weight', 'fc2.bias']);
    expect(t.observedSize).toBe(16 + 16 + 2);
    t.dispose();
    expect(() => new Trainer(config({ observe: ['conv1'] }), data)).toThrow(/'conv1' is no parameter name or prefix; parameters: fc1.weight/);
  });

  it('a snapshot is a fresh buffer: transferring it leaves the weights intact', async () => {
    for (const observe of [['fc2.weight'], 'all'] as const) {
      const t = new Trainer(config({ observe: observe === 'all' ? 'all' : [...observe] }), blobs(16, 0));
      const a = await t.snapshot();
      structuredClone(a.buffer, { transfer: [a.buffer] }); // detaches a
      expect(a.length).toBe(0);
      const b = await t.snapshot();
      expect(b.length).toBe(t.observedSize);
      expect(b.every(Number.isFinite)).toBe(true);
      expect((await t.train(2)).loss).toBeGreaterThan(0);
      t.dispose();
    }
  });
});

describe('Trainer: determinism, ensembles, reset', () => {
  it('same seeds give bit-identical snapshots; another initSeed or dataSeed gives others', async () => {
    const data = blobs(50, 10);
    const run = async (over: Partial<TrainConfig>) => {
      const t = new Trainer(config(over), data);
      await t.train(20);
      const s = await t.snapshot();
      t.dispose();
      return s;
    };
    const [a, b, c, d] = [await run({}), await run({}), await run({ initSeed: 3 }), await run({ dataSeed: 4 })];
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
  });

  it("batchOrder 'fixed' visits rows in stored order every epoch: the dataSeed no longer matters, and step 1 is a full-batch step on rows 0…b−1", async () => {
    const data = blobs(40, 0);
    const fixed = { batchOrder: 'fixed' as const, batchSize: 16 };
    const run = async (over: Partial<TrainConfig>, d: Dataset = data, steps = 7) => {
      const t = new Trainer(config(over), d);
      await t.train(steps);
      const s = await t.snapshot();
      t.dispose();
      return s;
    };
    // 7 steps of batch 16 over 40 rows: 3 batches per epoch (16, 16, 8), so two epoch boundaries are crossed
    const [a, b, shuffled, shuffledOther] = [await run({ ...fixed, dataSeed: 1 }), await run({ ...fixed, dataSeed: 9 }),
      await run({ batchSize: 16, dataSeed: 1 }), await run({ batchSize: 16, dataSeed: 9 })];
    expect(a).toEqual(b);
    expect(shuffled).not.toEqual(shuffledOther);
    expect(a).not.toEqual(shuffled);
    // the first batch is rows 0…15: one step equals one full-batch step on a data set of just those rows
    const first16: Dataset = { ...data, nTrain: 16, xTrain: data.xTrain.slice(0, 32), yTrain: data.yTrain.slice(0, 16) };
    expect(await run({ ...fixed }, data, 1)).toEqual(await run({ batchSize: 'full' }, first16, 1));
  });

  it('run r > 0 multiplies every weight by 1 + p·u, u ∈ [−1, 1], seeded by (initSeed, run)', async () => {
    const p = 0.01;
    const cfg = config({ ensemble: { runs: 3, perturbation: p }, model: { kind: 'mlp', hidden: [8], activation: 'relu', bias: false } });
    const data = blobs(8, 0);
    const [t0, t1, t1b, t2] = [new Trainer(cfg, data, 0), new Trainer(cfg, data, 1), new Trainer(cfg, data, 1), new Trainer(cfg, data, 2)];
    const [w0, w1, w1b, w2] = await Promise.all([t0, t1, t1b, t2].map((t) => t.snapshot()));
    expect(w1).toEqual(w1b);
    expect(w1).not.toEqual(w2);
    const ratios = Array.from(w1, (v, i) => v / w0[i]);
    for (const r of ratios) {
      expect(r).toBeGreaterThanOrEqual(1 - p - 1e-6);
      expect(r).toBeLessThanOrEqual(1 + p + 1e-6);
    }
    expect(new Set(ratios).size).toBeGreaterThan(ratios.length / 2);
    expect(Math.max(...ratios) - Math.min(...ratios)).toBeGreaterThan(p); // spread over the range, not a constant
    for (const t of [t0, t1, t1b, t2]) t.dispose();
  });

  it('reset restores the initial weights exactly and replays the same run (batch order, optimizer state)', async () => {
    const t = new Trainer(config({ optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, ensemble: { runs: 2, perturbation: 0.1 } }), blobs(40, 0), 1);
    const s0 = await t.snapshot();
    const first = await t.train(13);
    const s13 = await t.snapshot();
    expect(s13).not.toEqual(s0);
    t.reset();
    expect(t.step).toBe(0);
    expect(await t.snapshot()).toEqual(s0);
    expect(await t.train(13)).toEqual(first);
    expect(await t.snapshot()).toEqual(s13);
    t.dispose();
  });
});

describe('Trainer: optimizers against closed forms on the quadratic ½ wᵀHw', () => {
  it('SGD: w_k = (I − ηH)^k w_0 to 1e-5', async () => {
    const eta = 0.1, k = 40;
    const t = new Trainer(quadConfig(sgd(eta)), none);
    const H = hessian(C, 1);
    let w = Array.from(await t.snapshot());
    await t.train(k);
    for (let i = 0; i < k; i++) w = w.map((wi, j) => wi - eta * matVec(H, w)[j]);
    expectClose(await t.snapshot(), w, 1e-5);
    t.dispose();
  });

  it('heavy ball: v ← βv + Hw, w ← w − ηv', async () => {
    const eta = 0.05, beta = 0.9, k = 60;
    const t = new Trainer(quadConfig({ kind: 'momentum', lr: eta, beta }), none);
    const H = hessian(C, 1);
    let w = Array.from(await t.snapshot());
    let v = w.map(() => 0);
    await t.train(k);
    for (let i = 0; i < k; i++) {
      const g = matVec(H, w);
      v = v.map((vi, j) => beta * vi + g[j]);
      w = w.map((wi, j) => wi - eta * v[j]);
    }
    expectClose(await t.snapshot(), w, 1e-5);
    t.dispose();
  });

  it('Adam: bias-corrected moments, as in PyTorch', async () => {
    const [lr, b1, b2, eps, k] = [0.05, 0.9, 0.99, 1e-8, 30];
    const t = new Trainer(quadConfig({ kind: 'adam', lr, beta1: b1, beta2: b2, eps }), none);
    const H = hessian(C, 1);
    let w = Array.from(await t.snapshot());
    let m = w.map(() => 0), v = w.map(() => 0);
    await t.train(k);
    for (let i = 1; i <= k; i++) {
      const g = matVec(H, w);
      m = m.map((mi, j) => b1 * mi + (1 - b1) * g[j]);
      v = v.map((vi, j) => b2 * vi + (1 - b2) * g[j] ** 2);
      w = w.map((wi, j) => wi - lr * (m[j] / (1 - b1 ** i)) / (Math.sqrt(v[j] / (1 - b2 ** i)) + eps));
    }
    expectClose(await t.snapshot(), w, 1e-4);
    t.dispose();
  });

  it('AdamW decays the weights with zero gradient: w_k = (1 − lr·wd)^k w_0; Adam leaves them', async () => {
    const flat = { model: { kind: 'quadratic', curvatures: [0, 0, 0] } as ModelSpec };
    const [lr, wd, k] = [0.01, 1, 25];
    const aw = new Trainer(quadConfig({ kind: 'adamw', lr, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: wd }, flat), none);
    const a = new Trainer(quadConfig({ kind: 'adam', lr, beta1: 0.9, beta2: 0.98, eps: 1e-8 }, flat), none);
    const w0 = await aw.snapshot();
    expect(await a.snapshot()).toEqual(w0);
    await aw.train(k);
    await a.train(k);
    expectClose(await aw.snapshot(), Array.from(w0, (v) => v * (1 - lr * wd) ** k), 1e-6);
    expect(await a.snapshot()).toEqual(w0);
    aw.dispose();
    a.dispose();
  });

  it('setLearningRate takes effect from the next step', async () => {
    const t = new Trainer(quadConfig(sgd(0.1)), none);
    const H = hessian(C, 1);
    let w = Array.from(await t.snapshot());
    t.setLearningRate(0);
    await t.train(5);
    expect(Array.from(await t.snapshot())).toEqual(w.map(Math.fround));
    t.setLearningRate(0.3);
    expect(t.learningRate).toBe(0.3);
    await t.train(10);
    for (let i = 0; i < 10; i++) w = w.map((wi, j) => wi - 0.3 * matVec(H, w)[j]);
    expectClose(await t.snapshot(), w, 1e-5);
    expect(() => t.setLearningRate(-1)).toThrow(/lr/);
    t.dispose();
  });
});

describe('Trainer: constrained control', () => {
  it("keeps the global weight norm at its initial value (α = 0.8, AdamW without decay, paper 1's control)", async () => {
    const cfg = config({
      optimizer: { kind: 'constrained', inner: { kind: 'adamw', lr: 0.05, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0 } },
      initScale: 0.8,
    });
    const t = new Trainer(cfg, blobs(32, 0));
    const base = new Trainer(config(), blobs(32, 0));
    const [w0, b0] = [await t.snapshot(), await base.snapshot()];
    expect(norm(w0) / norm(b0)).toBeCloseTo(0.8, 6);
    for (let i = 0; i < 5; i++) {
      await t.train(10);
      expect(Math.abs(norm(await t.snapshot()) / norm(w0) - 1)).toBeLessThan(1e-5);
    }
    expect(await t.snapshot()).not.toEqual(w0);
    t.dispose();
    base.dispose();
  });
});

describe('Trainer: divergence', () => {
  it('SGD with a huge lr on the quadratic diverges at a finite step; no snapshot after that until reset', async () => {
    const t = new Trainer(quadConfig(sgd(5)), none);
    const r = await t.train(200);
    expect(r.diverged).toBe(true);
    expect(Number.isFinite(r.loss)).toBe(false);
    expect(r.step).toBeGreaterThan(1);
    expect(r.step).toBeLessThan(200);
    expect(t.step).toBe(r.step);
    expect(t.divergedStep).toBe(r.step);
    await expect(t.snapshot()).rejects.toThrow(/diverged at step/);
    await expect(t.train(1)).rejects.toThrow(/diverged/);
    t.reset();
    t.setLearningRate(0.1);
    const ok = await t.train(10);
    expect(ok.diverged).toBeUndefined();
    expect((await t.snapshot()).every(Number.isFinite)).toBe(true);
    t.dispose();
  });

  it('a divergence inside a short call is reported at its step (steps 1 … n−1 finite)', async () => {
    // |1 − 5·3| = 14 per step on the stiffest direction: the float32 loss overflows after a few dozen steps
    const probe = new Trainer(quadConfig(sgd(5)), none);
    const at = (await probe.train(200)).step;
    probe.dispose();
    const t = new Trainer(quadConfig(sgd(5)), none);
    const before = await t.train(at - 1);
    expect(before.diverged).toBeUndefined();
    expect(before.step).toBe(at - 1);
    const r = await t.train(5);
    expect(r).toMatchObject({ step: at, diverged: true });
    t.dispose();
  });
});

describe('Trainer: evaluation and memory', () => {
  it('evaluate: full-set loss equals the full-batch step loss; accuracies in [0, 1]', async () => {
    const data = blobs(3000, 500); // > EVAL_CHUNK rows: several chunks
    const t = new Trainer(config({ batchSize: 'full', model: { kind: 'mlp', hidden: [4], activation: 'tanh', bias: true } }), data);
    const e0 = await t.evaluate();
    const r = await t.train(1); // its loss is taken at the initial weights
    expect(e0.step).toBe(0);
    expect(e0.loss).toBeCloseTo(r.loss, 5);
    await t.train(50);
    const e = await t.evaluate();
    expect(e.step).toBe(51);
    expect(e.loss).toBeLessThan(e0.loss);
    for (const acc of [e.trainAccuracy!, e.testAccuracy!]) {
      expect(acc).toBeGreaterThan(0.8);
      expect(acc).toBeLessThanOrEqual(1);
    }
    expect(e.testLoss).toBeGreaterThan(0);
    t.dispose();
  });

  it('evaluate on the quadratic gives the loss ½ wᵀHw only', async () => {
    const t = new Trainer(quadConfig(sgd(0.1)), none);
    const w = await t.snapshot();
    const e = await t.evaluate();
    expect(Object.keys(e).sort()).toEqual(['loss', 'step']);
    const Hw = matVec(hessian(C, 1), w);
    expect(e.loss).toBeCloseTo(0.5 * Hw.reduce((s, v, i) => s + v * w[i], 0), 5);
    t.dispose();
  });

  it('no tensor leaks: 500 more steps, snapshots and evaluate leave numTensors unchanged; dispose frees all', async () => {
    const before = tf.memory().numTensors;
    const t = new Trainer(config({ optimizer: { kind: 'constrained', inner: { kind: 'momentum', lr: 0.05, beta: 0.9 } } }), blobs(40, 10));
    await t.train(5);
    await t.snapshot();
    await t.evaluate();
    const n = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      await t.train(50);
      await t.snapshot();
    }
    await t.evaluate();
    t.setLearningRate(0.01);
    t.reset();
    await t.train(3);
    expect(tf.memory().numTensors).toBe(n);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => t.reset()).toThrow(/disposed/);
  });

  it('rejects concurrent train calls and bad arguments', async () => {
    const t = new Trainer(config(), blobs(16, 0));
    const p = t.train(5);
    expect(() => t.reset()).toThrow(/still running/);
    const second = t.train(1);
    await expect(second).rejects.toThrow(/still running/);
    await p;
    await expect(t.train(0)).rejects.toThrow(RangeError);
    t.dispose();
    expect(() => new Trainer(config({ batchSize: 0 }), blobs(4, 0))).toThrow(/batchSize/);
  });
});

describe('Trainer: construction errors', () => {
  it('a bad config throws a clear Error and leaks no tensor', () => {
    const before = tf.memory().numTensors;
    expect(() => new Trainer(config({ observe: ['nope'] }), blobs(8, 0))).toThrow(/'nope' is no parameter/);
    expect(() => new Trainer(config({ optimizer: { kind: 'momentum', lr: 0.1, beta: 1.5 } }), blobs(8, 0))).toThrow(/beta/);
    expect(() => new Trainer(config({ ensemble: { runs: 2, perturbation: 2 } }), blobs(8, 0), 1)).toThrow(/perturbation/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Trainer on makeDataset data', () => {
  it("transformer on a + b mod 7 with paper 1's AdamW, observing mlp.W_out; regression MLP on a 1-D curve", async () => {
    const mod = makeDataset({ kind: 'modular', p: 7, trainFraction: 0.6 }, 3);
    const t = new Trainer(config({
      model: { kind: 'transformer', dModel: 16, dMlp: 32, heads: 2, dHead: 8 }, data: mod.spec, batchSize: 'full',
      optimizer: { kind: 'adamw', lr: 1e-2, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 1 }, observe: ['mlp.W_out'],
    }), mod);
    expect(t.observedSize).toBe(16 * 32);
    const e0 = await t.evaluate();
    await t.train(60);
    const e = await t.evaluate();
    expect(e.loss).toBeLessThan(0.5 * e0.loss);
    expect(e.trainAccuracy).toBeGreaterThan(0.5);
    t.dispose();

    const reg = makeDataset({ kind: 'regression1d', n: 80, fn: 'sin', noise: 0.05 }, 3);
    const r = new Trainer(config({ model: { kind: 'mlp', hidden: [16], activation: 'tanh', bias: true }, data: reg.spec, optimizer: { kind: 'adam', lr: 0.03, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }), reg);
    const r0 = await r.evaluate();
    await r.train(150);
    const r1 = await r.evaluate();
    expect(r1.loss).toBeLessThan(0.3 * r0.loss);
    expect(r1.trainAccuracy).toBeUndefined();
    expect(r1.testLoss).toBeDefined();
    r.dispose();
  });
});
