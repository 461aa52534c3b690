/**
 * The backend door in headless Chromium (on the page; the worker calls the same function):
 *   1. wasm trains: chooseBackend(['wasm']) loads the .wasm binary Vite serves (the `?url` imports in
 *      src/train/wasmBackend.ts) and a tiny MLP's loss falls;
 *   2. the default policy: with CI's SwiftShader adapter (a software fallback) an MLP and a CNN go to wasm (the CNN through the filter gradient src/train/wasmKernels.ts registers)
 *      (or webgpu, should the browser expose a hardware adapter), each with a reason in plain words.
 * tfjs holds one active backend per page: each test switches at most once, and every tensor is disposed before the
 * next test switches. Timings are never asserted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chooseBackend, probeWebGpuBackend } from '../../src/train/backend';
import { buildModel } from '../../src/train/models/index';
import { makeOptimizer, minimize } from '../../src/train/optim';
import { tf } from '../../src/train/tf';
import type { Dataset, ModelSpec } from '../../src/train/types';

/** n points of XOR of signs in 2-D, or n tiny 8×8 images with a bar on the left or right half. */
function xor(n: number): Dataset {
  const x = Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(12.9898 * (i + 1)) * 0.9);
  const y = Int32Array.from({ length: n }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0));
  return { spec: { kind: 'none' }, task: 'classification', inputShape: [2], xTrain: x, yTrain: y, xTest: x, yTest: y, nTrain: n, nTest: n, outputs: 2 };
}
function bars(n: number): Dataset {
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  const x = Float32Array.from({ length: 64 * n }, (_, j) => ((j % 8 < 4) === (y[Math.floor(j / 64)] === 0) ? 1 : 0));
  return { spec: { kind: 'none' }, task: 'classification', inputShape: [8, 8, 1], xTrain: x, yTrain: y, xTest: x, yTest: y, nTrain: n, nTest: n, outputs: 2 };
}

/** `steps` full-batch Adam steps on the active backend: the first and the last loss. */
async function fit(spec: ModelSpec, d: Dataset, steps: number): Promise<[number, number]> {
  const model = buildModel(spec, d, 1);
  const vars = model.params.map((p) => p.variable);
  const opt = makeOptimizer({ kind: 'adam', lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, vars);
  const x = tf.tensor(d.xTrain, [d.nTrain, ...d.inputShape]);
  const y = tf.tensor1d(d.yTrain as Int32Array, 'int32');
  const losses: tf.Tensor[] = [];
  try {
    for (let i = 0; i < steps; i++) losses.push(minimize(opt, () => model.loss(x, y), vars));
    const first = (await losses[0].data())[0];
    const last = (await losses[steps - 1].data())[0];
    return [first, last];
  } finally {
    tf.dispose(losses);
    opt.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  }
}

const mlp: ModelSpec = { kind: 'mlp', hidden: [16], activation: 'relu', bias: true };
const cnn: ModelSpec = { kind: 'cnn', channels: [2, 4], hidden: 8 };

describe('backend door in the browser', () => {
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(0); // nothing left behind for the next test's backend switch
  });

  it("['wasm']: the .wasm binary is served and a tiny MLP trains (loss falls)", async () => {
    const r = await chooseBackend(['wasm']);
    expect(r).toEqual({ name: 'wasm', reason: 'wasm requested', skipped: [] });
    expect(tf.getBackend()).toBe('wasm');
    const [first, last] = await fit(mlp, xor(64), 40);
    expect(Number.isFinite(first)).toBe(true);
    expect(last).toBeLessThan(0.7 * first);
  });

  it('default policy: an MLP goes to wasm (SwiftShader adapter is a software fallback)', async () => {
    const gpu = await probeWebGpuBackend();
    const r = await chooseBackend(undefined, { model: 'mlp' });
    if (gpu.kind === 'hardware') {
      expect(r.name).toBe('webgpu');
    } else {
      expect(r.name).toBe('wasm');
      expect(r.skipped).toEqual([]);
      expect(r.reason).toMatch(gpu.kind === 'software'
        ? /^WebGPU adapter is a software fallback \(.+\); wasm trains this MLP faster on the CPU$/
        : /^no WebGPU adapter \(.+\); wasm trains this MLP faster on the CPU$/);
    }
    expect(tf.getBackend()).toBe(r.name);
  });

  it('default policy: a CNN trains on wasm (its filter gradient registered by src/train/wasmKernels.ts), or hardware webgpu', async () => {
    const r = await chooseBackend(undefined, { model: 'cnn' });
    expect(['wasm', 'webgpu']).toContain(r.name);
    expect(tf.getBackend()).toBe(r.name);
    if (r.name === 'wasm') expect(r.reason).toMatch(/wasm trains this CNN faster on the CPU$/);
    const [first, last] = await fit(cnn, bars(8), 3);
    expect(Number.isFinite(first) && Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
  });
});
