/**
 * The backend policy (src/train/backend.ts) without a browser: the order table, the wording of the reasons, the
 * explicit-order path on Node (cpu only), and the claim behind the table: which model kinds tfjs-backend-wasm can
 * train with the kernels src/train/wasmKernels.ts registers (one optimizer step of each on wasm, which also runs in
 * Node through src/cli/nodeBackend.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeCpuBackend, useNodeWasmBackend } from '../../src/cli/nodeBackend';
import { backendOrder, chooseBackend, policyReason, wasmCanTrain, type BackendEnv, type ModelSpecKind } from '../../src/train/backend';
import { buildModel } from '../../src/train/models/index';
import { makeOptimizer, minimize } from '../../src/train/optim';
import { tf } from '../../src/train/tf';
import type { Dataset, ModelSpec } from '../../src/train/types';

const KINDS: ModelSpecKind[] = ['mlp', 'cnn', 'transformer', 'rnn', 'gru', 'quadratic'];
const env = (webgpu: BackendEnv['webgpu'], webgl = true): BackendEnv => ({ webgpu, webgl });

describe('backendOrder: the policy table', () => {
  const table: [ModelSpecKind | undefined, BackendEnv, string[]][] = [
    // hardware WebGPU: webgpu first for every model; wasm only as the last resort before cpu
    ['mlp', env('hardware'), ['webgpu', 'webgl', 'wasm', 'cpu']],
    ['cnn', env('hardware'), ['webgpu', 'webgl', 'wasm', 'cpu']],
    ['transformer', env('hardware'), ['webgpu', 'webgl', 'wasm', 'cpu']],
    // software adapter (SwiftShader): wasm first where it can train; the adapter itself is never used
    ['mlp', env('software'), ['wasm', 'webgl', 'cpu']],
    ['quadratic', env('software'), ['wasm', 'webgl', 'cpu']],
    ['rnn', env('software'), ['wasm', 'webgl', 'cpu']],
    ['gru', env('software'), ['wasm', 'webgl', 'cpu']],
    ['transformer', env('software'), ['wasm', 'webgl', 'cpu']],
    ['cnn', env('software'), ['wasm', 'webgl', 'cpu']],
    // no WebGPU at all
    ['mlp', env('none'), ['wasm', 'webgl', 'cpu']],
    ['cnn', env('none'), ['wasm', 'webgl', 'cpu']],
    // no WebGL either
    ['mlp', env('none', false), ['wasm', 'cpu']],
    ['cnn', env('none', false), ['wasm', 'cpu']],
    ['cnn', env('hardware', false), ['webgpu', 'wasm', 'cpu']],
    ['gru', env('hardware', false), ['webgpu', 'wasm', 'cpu']],
    // unknown model: wasm is not considered
    [undefined, env('hardware'), ['webgpu', 'webgl', 'cpu']],
    [undefined, env('software'), ['webgl', 'cpu']],
  ];
  for (const [model, e, order] of table) {
    it(`${model ?? 'unknown'} with WebGPU ${e.webgpu}${e.webgl ? '' : ', no WebGL'} → ${order.join(' → ')}`, () => {
      expect(backendOrder(model, e)).toEqual(order);
    });
  }

  it('every order ends with cpu, lists each backend once, never wasm for an unknown model, never a software WebGPU', () => {
    for (const model of [...KINDS, undefined])
      for (const webgpu of ['hardware', 'software', 'none'] as const)
        for (const webgl of [true, false]) {
          const order = backendOrder(model, { webgpu, webgl });
          expect(order.at(-1)).toBe('cpu');
          expect(new Set(order).size).toBe(order.length);
          if (model === undefined) expect(order).not.toContain('wasm');
          if (webgpu !== 'hardware') expect(order).not.toContain('webgpu');
          if (!webgl) expect(order).not.toContain('webgl');
        }
  });
});

describe('policyReason: plain words', () => {
  const swiftshader = { kind: 'software' as const, adapter: 'google/swiftshader' };
  it('wasm on a software adapter', () => {
    expect(policyReason('wasm', 'mlp', swiftshader, true)).toBe(
      'WebGPU adapter is a software fallback (google/swiftshader); wasm trains this MLP faster on the CPU');
  });
  it('webgl for an unknown model on a software adapter', () => {
    expect(policyReason('webgl', undefined, swiftshader, true)).toBe(
      'WebGPU adapter is a software fallback (google/swiftshader); model unknown, so wasm was not considered; ' +
      'WebGL is faster than the software WebGPU adapter');
  });
  it('webgpu on hardware, and the fallbacks that came before', () => {
    const hw = { kind: 'hardware' as const, adapter: 'nvidia/ampere' };
    expect(policyReason('webgpu', 'cnn', hw, true)).toBe('WebGPU adapter nvidia/ampere is hardware');
    expect(policyReason('webgl', 'transformer', hw, true, [{ name: 'webgpu', why: 'device lost' }])).toBe(
      'WebGPU adapter nvidia/ampere is hardware; fallback: webgpu unavailable (device lost)');
  });
  it('cpu with neither GPU API', () => {
    expect(policyReason('cpu', undefined, { kind: 'none', why: 'navigator.gpu is missing' }, false)).toBe(
      'no WebGPU adapter (navigator.gpu is missing); no WebGL context; model unknown, so wasm was not considered');
  });
});

describe('chooseBackend on Node (no WebGPU, no WebGL)', () => {
  // (the page's wasm module loads its binaries through Vite URLs, so these Node runs leave wasm out: model unknown)
  it('the default policy for an unknown model lands on cpu and says why', async () => {
    const r = await chooseBackend(undefined, {});
    expect(r.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(r.reason).toMatch(/^no WebGPU adapter \(.+\); no WebGL context; model unknown, so wasm was not considered/);
    expect(r.skipped).toEqual([]);
  });

  it('an explicit order: webgpu skipped without an adapter', async () => {
    const r = await chooseBackend(['webgpu', 'cpu'], { model: 'cnn' });
    expect(r.name).toBe('cpu');
    expect(r.skipped.map((s) => s.name)).toEqual(['webgpu']);
    expect(r.reason).toMatch(/^fallback: webgpu unavailable \(.+\)$/);
    expect(await chooseBackend(['cpu'])).toEqual({ name: 'cpu', reason: 'cpu requested', skipped: [] });
  });
});

// ------------------------------------------------------------------------------------------ the claim behind the table

function data(task: Dataset['task'], inputShape: number[], x: Float32Array | Int32Array, y: Float32Array | Int32Array, n: number, outputs: number, vocab?: number): Dataset {
  return { spec: { kind: 'none' }, task, inputShape, xTrain: x, yTrain: y, xTest: x, yTest: y, nTrain: n, nTest: n, outputs, vocab };
}
const n = 4;
const fill = (len: number) => Float32Array.from({ length: len }, (_, i) => Math.sin(1.7 * i));
const tiny: Record<ModelSpecKind, [ModelSpec, Dataset]> = {
  mlp: [{ kind: 'mlp', hidden: [4], activation: 'gelu', bias: true }, data('classification', [2], fill(2 * n), Int32Array.from([0, 1, 0, 1]), n, 2)],
  cnn: [{ kind: 'cnn', channels: [1, 2], hidden: 4 }, data('classification', [8, 8, 1], fill(64 * n), Int32Array.from([0, 1, 0, 1]), n, 2)],
  transformer: [{ kind: 'transformer', dModel: 8, dMlp: 8, heads: 2, dHead: 4 },
    data('classification', [3], Int32Array.from([0, 1, 3, 1, 1, 3, 2, 0, 3, 2, 2, 3]), Int32Array.from([1, 2, 2, 1]), n, 3, 4)],
  rnn: [{ kind: 'rnn', hidden: 3 }, data('regression', [3, 1], fill(3 * n), fill(3 * n), n, 1)],
  gru: [{ kind: 'gru', hidden: 3 }, data('regression', [3, 1], fill(3 * n), fill(n), n, 1)],
  quadratic: [{ kind: 'quadratic', curvatures: [1, 2] }, { ...data('none', [], new Float32Array(0), new Float32Array(0), 0, 0), nTest: 0 }],
};

/** One Adam step of `kind` on the current backend; throws what the backend throws. */
function oneStep(kind: ModelSpecKind): number {
  const [spec, d] = tiny[kind];
  const model = buildModel(spec, d, 1);
  const vars = model.params.map((p) => p.variable);
  const opt = makeOptimizer({ kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, vars);
  const x = d.task === 'none' ? tf.zeros([0]) : tf.tensor(d.xTrain, [d.nTrain, ...d.inputShape], d.xTrain instanceof Int32Array ? 'int32' : 'float32');
  const y = d.task === 'classification' ? tf.tensor1d(d.yTrain as Int32Array, 'int32')
    : d.task === 'none' ? tf.zeros([0]) : tf.tensor2d(d.yTrain as Float32Array, [d.nTrain, d.yTrain.length / d.nTrain]);
  try {
    const loss = minimize(opt, () => model.loss(x, y), vars);
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  } finally {
    opt.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  }
}

describe('wasmCanTrain matches what tfjs-backend-wasm 4.22 can do with our kernels', () => {
  beforeAll(async () => {
    expect('name' in (await useNodeWasmBackend())).toBe(true);
    await useNodeCpuBackend();
  });
  for (const kind of KINDS) {
    it(`${kind}: ${wasmCanTrain(kind) ? 'trains' : 'fails'} on wasm`, async () => {
      expect(await tf.setBackend('wasm')).toBe(true);
      if (wasmCanTrain(kind)) expect(Number.isFinite(oneStep(kind))).toBe(true);
      else expect(() => oneStep(kind)).toThrow(/Conv2DBackpropFilter|UnsortedSegmentSum|not registered for backend 'wasm'/);
    });
  }
});
