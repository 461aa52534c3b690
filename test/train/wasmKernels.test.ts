/**
 * The kernels src/train/wasmKernels.ts registers on tfjs-backend-wasm, against the cpu backend's own kernels in Node:
 * BatchMatMul with transposed operands (the wrapper transposes first) and Conv2DBackpropFilter (through the native
 * 3-D kernel), each to float32 rounding; and a whole training step of every model kind on wasm against cpu.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeCpuBackend, useNodeWasmBackend } from '../../src/cli/nodeBackend';
import { readMnistFile } from '../../src/train/node/mnistFiles';
import { PRESETS, presetConfig } from '../../src/train/presets';
import { recordRun } from '../../src/train/record';
import { tf } from '../../src/train/tf';

/** Max |a − b| / max |a|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(a[i])); }
  return m / s;
}

const det = (n: number, f: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * f) + 0.1 * Math.cos(i * 0.013));

async function onBoth<T>(f: () => T): Promise<{ cpu: T; wasm: T }> {
  await useNodeCpuBackend();
  const cpu = f();
  const w = await useNodeWasmBackend();
  if (!('name' in w)) throw new Error(w.failed);
  const wasm = f();
  await useNodeCpuBackend();
  return { cpu, wasm };
}

beforeAll(async () => {
  const w = await useNodeWasmBackend();
  expect('name' in w ? w.name : w.failed).toBe('wasm');
  await useNodeCpuBackend();
});

describe('wasm BatchMatMul without transposed layouts', () => {
  it.each([[false, false], [true, false], [false, true], [true, true]])('transposeA %s, transposeB %s, 2-D and batched', async (ta, tb) => {
    const { cpu, wasm } = await onBoth(() => tf.tidy(() => {
      const a2 = tf.tensor2d(det(37 * 29, 0.31), ta ? [29, 37] : [37, 29]);
      const b2 = tf.tensor2d(det(29 * 23, 0.17), tb ? [23, 29] : [29, 23]);
      const a3 = tf.tensor3d(det(3 * 11 * 7, 0.23), ta ? [3, 7, 11] : [3, 11, 7]);
      const b3 = tf.tensor3d(det(3 * 7 * 5, 0.41), tb ? [3, 5, 7] : [3, 7, 5]);
      return [tf.matMul(a2, b2, ta, tb).dataSync(), tf.matMul(a3, b3, ta, tb).dataSync()];
    }));
    expect(relErr(cpu[0], wasm[0])).toBeLessThan(1e-6);
    expect(relErr(cpu[1], wasm[1])).toBeLessThan(1e-6);
  });

  it('frees the transposed temporaries (no tensor or byte leak)', async () => {
    const w = await useNodeWasmBackend();
    expect('name' in w).toBe(true);
    const a = tf.tensor2d(det(64 * 32, 0.3), [64, 32]), b = tf.tensor2d(det(64 * 16, 0.7), [16, 64]);
    tf.matMul(a, b, true, true).dispose();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) tf.matMul(a, b, true, true).dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    a.dispose(); b.dispose();
    await useNodeCpuBackend();
  });
});

describe('wasm Conv2DBackpropFilter', () => {
  it.each(['same', 'valid'] as const)("matches the cpu backend's filter and input gradients (%s padding)", async (pad) => {
    const { cpu, wasm } = await onBoth(() => tf.tidy(() => {
      const x = tf.tensor4d(det(4 * 12 * 10 * 3, 0.37), [4, 12, 10, 3]);
      const w = tf.tensor4d(det(5 * 5 * 3 * 6, 0.11), [5, 5, 3, 6]);
      const [gx, gw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, pad))))([x, w]);
      return [gw.dataSync(), gx.dataSync()];
    }));
    expect(relErr(cpu[0], wasm[0])).toBeLessThan(1e-5);
    expect(relErr(cpu[1], wasm[1])).toBeLessThan(1e-5);
  });

  it('refuses strides other than 1 with a clear message (the native kernel is wrong there)', async () => {
    const w = await useNodeWasmBackend();
    expect('name' in w).toBe(true);
    const x = tf.ones([1, 8, 8, 1]) as tf.Tensor4D, f = tf.ones([3, 3, 1, 2]) as tf.Tensor4D;
    expect(() => tf.grad((ff: tf.Tensor) => tf.sum(tf.conv2d(x, ff as tf.Tensor4D, 2, 'same')))(f)).toThrow(/only stride 1/);
    tf.dispose([x, f]);
    await useNodeCpuBackend();
  });
});

describe('every preset trains on wasm as on cpu', () => {
  // Three steps of each preset's quick variant (one run, a small MNIST subset): the observed weights after them agree
  // to float32 accumulation-order differences. A preset that could not train on wasm would throw here.
  it.each(PRESETS.map((p) => [p.name]))('%s', async (name) => {
    const config = presetConfig(name, true);
    config.ensemble = undefined;
    config.snapshotEvery = 1;
    if (config.data.kind === 'mnist') config.data = { ...config.data, train: 256, test: 64 };
    const run = async () => (await recordRun(config, 3, { loadBytes: readMnistFile })).set.data;
    await useNodeCpuBackend();
    const cpu = await run();
    const w = await useNodeWasmBackend();
    expect('name' in w).toBe(true);
    const wasm = await run();
    await useNodeCpuBackend();
    expect(wasm.length).toBe(cpu.length);
    // past-the-edge diverges by design: compare only the finite prefix it shares with cpu
    const finite = Array.from(cpu).filter(Number.isFinite).length;
    expect(relErr(cpu.subarray(0, finite), wasm.subarray(0, finite))).toBeLessThan(1e-4);
  }, 60_000);
});
