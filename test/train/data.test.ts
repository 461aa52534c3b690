import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyDataset, encodeIdx, makeDataset, MNIST_FILES, MNIST_MEAN, MNIST_STD, MNIST_SUBSET, parseIdx, parseMnistImages,
  parseMnistLabels, type MnistSources,
} from '../../src/train/data';
import { loadMnistFiles, readMnistFile } from '../../src/train/node/mnistFiles';
import { mixSeed, Sfc32 } from '../../src/linalg/random';
import type { Dataset, DatasetSpec } from '../../src/train/types';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('Sfc32', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new Sfc32(42), b = new Sfc32(42), c = new Sfc32(43);
    const sa = Array.from({ length: 20 }, () => a.uniform());
    expect(Array.from({ length: 20 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.uniform())).not.toEqual(sa);
    expect(new Sfc32(-1).nextUint32()).not.toBe(new Sfc32(1).nextUint32());
    expect(new Sfc32(2 ** 40).nextUint32()).not.toBe(new Sfc32(0).nextUint32());
  });
  it('uniform, normal and int have the right moments and ranges', () => {
    const r = new Sfc32(7);
    const N = 100_000;
    let su = 0, sn = 0, sn2 = 0, outside = 0;
    const counts = new Array(7).fill(0);
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
      counts[r.int(7)]++;
    }
    expect(outside).toBe(0);
    expect(su / N).toBeCloseTo(0.5, 2);
    expect(sn / N).toBeCloseTo(0, 1);
    expect(sn2 / N).toBeCloseTo(1, 1);
    for (const c of counts) expect(Math.abs(c / N - 1 / 7)).toBeLessThan(0.01);
    expect(() => r.int(0)).toThrow(/integer/);
    expect(() => new Sfc32(0.5)).toThrow(/safe integer/);
  });
  it('shuffle is a permutation, deterministic for a seed', () => {
    const p = new Sfc32(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(new Sfc32(3).shuffle(Array.from({ length: 50 }, (_, i) => i))).toEqual(p);
    expect(new Sfc32(4).shuffle(Array.from({ length: 50 }, (_, i) => i))).not.toEqual(p);
  });
  it('mixSeed separates streams', () => {
    expect(mixSeed(1, 'data')).toBe(mixSeed(1, 'data'));
    expect(mixSeed(1, 'data')).not.toBe(mixSeed(1, 'batches'));
    expect(mixSeed(1, 'data')).not.toBe(mixSeed(2, 'data'));
  });
});

const SYNTHETIC: DatasetSpec[] = [
  { kind: 'spiral', n: 200, noise: 0.05 },
  { kind: 'circles', n: 200, noise: 0.05 },
  { kind: 'xor', n: 200, noise: 0.05 },
  { kind: 'gaussians', n: 300, noise: 0.05, classes: 3 },
  { kind: 'regression1d', n: 100, fn: 'sin', noise: 0.1 },
  { kind: 'regression1d', n: 100, fn: 'step', noise: 0, testFraction: 0.5 },
  { kind: 'regression2d', n: 100, fn: 'bump', noise: 0.1 },
  { kind: 'regression2d', n: 100, fn: 'saddle', noise: 0 },
  { kind: 'modular', p: 7, trainFraction: 0.3 },
];

function all(d: Dataset): number[] {
  return [...d.xTrain, ...d.yTrain, ...d.xTest, ...d.yTest];
}

describe('makeDataset: synthetic and modular', () => {
  it.each(SYNTHETIC.map((s) => [`${s.kind} ${'fn' in s ? s.fn : ''}`, s] as const))('%s is deterministic for a seed, differs between seeds', (_n, spec) => {
    const a = makeDataset(spec, 1), b = makeDataset(spec, 1), c = makeDataset(spec, 2);
    expect(all(b)).toEqual(all(a));
    expect(all(c)).not.toEqual(all(a));
    for (const v of all(a)) expect(Number.isFinite(v)).toBe(true);
  });

  it.each(SYNTHETIC.filter((s) => s.kind !== 'modular').map((s) => [s.kind, s] as const))('%s has the documented shapes and dtypes', (_n, spec) => {
    const d = makeDataset(spec, 5);
    const n = (spec as { n: number }).n;
    const f = (spec as { testFraction?: number }).testFraction ?? 0.2;
    expect(d.nTest).toBe(Math.round(n * f));
    expect(d.nTrain + d.nTest).toBe(n);
    const width = d.inputShape.reduce((a, b) => a * b, 1);
    expect(d.xTrain).toBeInstanceOf(Float32Array);
    expect(d.xTrain.length).toBe(d.nTrain * width);
    expect(d.xTest.length).toBe(d.nTest * width);
    expect(d.yTrain.length).toBe(d.nTrain * (d.task === 'regression' ? d.outputs : 1));
    expect(d.yTest.length).toBe(d.nTest * (d.task === 'regression' ? d.outputs : 1));
    if (d.task === 'classification') {
      expect(d.inputShape).toEqual([2]);
      expect(d.yTrain).toBeInstanceOf(Int32Array);
      for (const y of [...d.yTrain, ...d.yTest]) expect(y >= 0 && y < d.outputs).toBe(true);
    } else {
      expect(d.task).toBe('regression');
      expect(d.outputs).toBe(1);
      expect(d.yTrain).toBeInstanceOf(Float32Array);
      expect(d.inputShape).toEqual([spec.kind === 'regression1d' ? 1 : 2]);
    }
    for (const x of [...d.xTrain, ...d.xTest]) expect(Math.abs(x)).toBeLessThan(1.6);
  });

  it('classification toys are balanced overall and roughly in each split', () => {
    for (const kind of ['spiral', 'circles', 'xor'] as const) {
      const d = makeDataset({ kind, n: 1001, noise: 0.1 }, 9);
      const ones = [...d.yTrain, ...d.yTest].filter((y) => y === 1).length;
      expect(ones).toBe(500);
      const trainOnes = [...d.yTrain].filter((y) => y === 1).length / d.nTrain;
      expect(Math.abs(trainOnes - 0.5)).toBeLessThan(0.06);
      expect(d.outputs).toBe(2);
    }
    const g = makeDataset({ kind: 'gaussians', n: 400, noise: 0, classes: 4 }, 1);
    const counts = [0, 0, 0, 0];
    for (const y of [...g.yTrain, ...g.yTest]) counts[y]++;
    expect(counts).toEqual([100, 100, 100, 100]);
  });

  it('the toys have their geometry: circles separate by radius, xor by quadrant', () => {
    const c = makeDataset({ kind: 'circles', n: 400, noise: 0 }, 2);
    for (let i = 0; i < c.nTrain; i++) {
      const r = Math.hypot(c.xTrain[2 * i], c.xTrain[2 * i + 1]);
      expect(c.yTrain[i] === 0 ? r <= 0.5 + 1e-6 : r >= 0.7 - 1e-6 && r <= 1 + 1e-6).toBe(true);
    }
    const x = makeDataset({ kind: 'xor', n: 400, noise: 0 }, 2);
    for (let i = 0; i < x.nTrain; i++) expect(x.xTrain[2 * i] * x.xTrain[2 * i + 1] > 0 ? 0 : 1).toBe(x.yTrain[i]);
  });

  it('regression targets follow the function when noise is 0', () => {
    const d = makeDataset({ kind: 'regression1d', n: 50, fn: 'cubic', noise: 0 }, 3);
    for (let i = 0; i < d.nTrain; i++) expect(d.yTrain[i]).toBeCloseTo(d.xTrain[i] ** 3, 5);
    const s = makeDataset({ kind: 'regression2d', n: 50, fn: 'sincos', noise: 0 }, 3);
    for (let i = 0; i < s.nTest; i++) {
      expect(s.yTest[i]).toBeCloseTo(Math.sin(Math.PI * s.xTest[2 * i]) * Math.cos(Math.PI * s.xTest[2 * i + 1]), 5);
    }
  });

  it('modular p = 113: every pair exactly once across train and test, labels (a + b) mod p, paper split', () => {
    const p = 113;
    const d = makeDataset({ kind: 'modular', p, trainFraction: 0.3 }, 16);
    expect(d.task).toBe('classification');
    expect(d.inputShape).toEqual([3]);
    expect(d.vocab).toBe(p + 1);
    expect(d.outputs).toBe(p);
    expect(d.nTrain).toBe(Math.floor(0.3 * p * p));
    expect(d.nTrain + d.nTest).toBe(p * p);
    expect(d.xTrain).toBeInstanceOf(Int32Array);
    expect(d.yTrain).toBeInstanceOf(Int32Array);
    const seen = new Uint8Array(p * p);
    for (const [x, y, n] of [[d.xTrain, d.yTrain, d.nTrain], [d.xTest, d.yTest, d.nTest]] as const) {
      for (let i = 0; i < n; i++) {
        const a = x[3 * i], b = x[3 * i + 1];
        expect(x[3 * i + 2]).toBe(p);
        expect(a >= 0 && a < p && b >= 0 && b < p).toBe(true);
        expect(y[i]).toBe((a + b) % p);
        seen[a * p + b]++;
      }
    }
    expect(seen.every((c) => c === 1)).toBe(true);
    // a random split, not the first pairs in order
    const firstA = Array.from({ length: 50 }, (_, i) => d.xTrain[3 * i]);
    expect(new Set(firstA).size).toBeGreaterThan(20);
  });

  it("modular logits 'vocab' scores all p + 1 tokens (paper 1's code); the data are the same", () => {
    const a = makeDataset({ kind: 'modular', p: 7, trainFraction: 0.3 }, 3);
    const b = makeDataset({ kind: 'modular', p: 7, trainFraction: 0.3, logits: 'vocab' }, 3);
    expect([a.outputs, b.outputs]).toEqual([7, 8]);
    expect(all(b)).toEqual(all(a));
    expect(() => makeDataset({ kind: 'modular', p: 7, trainFraction: 0.3, logits: 'all' as never }, 3)).toThrow(/logits must be 'answers' or 'vocab'/);
  });

  it("'none' is an empty data set", () => {
    const d = makeDataset({ kind: 'none' }, 0);
    expect(d).toMatchObject({ task: 'none', nTrain: 0, nTest: 0, outputs: 0, inputShape: [] });
    expect(d.xTrain.length + d.yTrain.length + d.xTest.length + d.yTest.length).toBe(0);
    expect(emptyDataset().task).toBe('none');
  });

  it('bad specs throw clear errors', () => {
    expect(() => makeDataset({ kind: 'spiral', n: 0, noise: 0 }, 1)).toThrow(/n must be an integer ≥ 1/);
    expect(() => makeDataset({ kind: 'xor', n: 10.5, noise: 0 }, 1)).toThrow(/n must be an integer/);
    expect(() => makeDataset({ kind: 'circles', n: 10, noise: -1 }, 1)).toThrow(/noise/);
    expect(() => makeDataset({ kind: 'circles', n: 10, noise: 0, testFraction: 1 }, 1)).toThrow(/testFraction.*between 0 and 1/);
    expect(() => makeDataset({ kind: 'circles', n: 10, noise: 0, testFraction: 0 }, 1)).toThrow(/testFraction/);
    expect(() => makeDataset({ kind: 'gaussians', n: 10, noise: 0, classes: 1 }, 1)).toThrow(/classes/);
    expect(() => makeDataset({ kind: 'regression1d', n: 10, noise: 0, fn: 'tan' as 'sin' }, 1)).toThrow(/fn must be one of sin, cubic, step/);
    expect(() => makeDataset({ kind: 'regression2d', n: 10, noise: 0, fn: 'toString' as 'bump' }, 1)).toThrow(/fn must be one of/);
    expect(() => makeDataset({ kind: 'modular', p: 1, trainFraction: 0.3 }, 1)).toThrow(/p must be an integer ≥ 2/);
    expect(() => makeDataset({ kind: 'modular', p: 7, trainFraction: 1.5 }, 1)).toThrow(/trainFraction/);
    expect(() => makeDataset({ kind: 'mnist', train: 10, test: 10 }, 1)).toThrow(/^MNIST data not loaded: /);
    expect(() => makeDataset({ kind: 'bogus' } as unknown as DatasetSpec, 1)).toThrow(/Unknown dataset kind 'bogus'/);
    expect(() => makeDataset({ kind: 'xor', n: 10, noise: 0 }, 0.5)).toThrow(/seed/i);
  });

  it('tiny data sets keep at least one training row', () => {
    const d = makeDataset({ kind: 'xor', n: 1, noise: 0 }, 1);
    expect([d.nTrain, d.nTest]).toEqual([1, 0]);
    const m = makeDataset({ kind: 'modular', p: 2, trainFraction: 0.01 }, 1);
    expect([m.nTrain, m.nTest]).toEqual([1, 3]);
  });
});

describe('IDX parser', () => {
  const images = encodeIdx([2, 28, 28], new Uint8Array(2 * 784).map((_, i) => i % 256));
  const labels = encodeIdx([2], new Uint8Array([3, 9]));

  it('round-trips encodeIdx', () => {
    const p = parseIdx(images, 'x', 0x803);
    expect(p.dims).toEqual([2, 28, 28]);
    expect(p.data[785]).toBe(785 % 256);
    expect([...parseMnistLabels(labels)]).toEqual([3, 9]);
    expect(parseMnistImages(images).n).toBe(2);
  });
  it('rejects truncated, padded, bad-magic and non-IDX bytes with clear errors', () => {
    expect(() => parseIdx(new Uint8Array([0, 0]), 'f')).toThrow(/f: truncated IDX file/);
    expect(() => parseIdx(images.subarray(0, 10), 'f')).toThrow(/f: truncated IDX header/);
    expect(() => parseMnistImages(images.subarray(0, images.length - 1), 'f')).toThrow(/f: truncated IDX file: dims \[2, 28, 28\] need 1584 bytes, got 1583/);
    const padded = new Uint8Array(images.length + 3);
    padded.set(images);
    expect(() => parseMnistImages(padded, 'f')).toThrow(/3 bytes after the data/);
    expect(() => parseMnistImages(labels, 'f')).toThrow(/f: bad IDX magic number 0x00000801, expected 0x00000803/);
    expect(() => parseMnistLabels(images, 'f')).toThrow(/bad IDX magic number 0x00000803, expected 0x00000801/);
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 'f')).toThrow(/bad IDX magic/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0]), 'f')).toThrow(/data type 0xd is not supported/);
    expect(() => parseIdx(new TextEncoder().encode('<!doctype html><html>'), 'f')).toThrow(/looks like HTML.*prepare-data/);
    expect(() => parseMnistLabels(encodeIdx([1], new Uint8Array([12])), 'f')).toThrow(/label 12 at index 0/);
    expect(() => parseMnistImages(encodeIdx([1, 27, 29], new Uint8Array(27 * 29)), 'f')).toThrow(/28×28/);
  });
  it('mnistDataset normalises pixels and checks counts', () => {
    const src: MnistSources = { trainImages: images, trainLabels: labels, testImages: images, testLabels: labels };
    const d = makeDataset({ kind: 'mnist', train: 2, test: 1 }, 0, { mnist: src });
    expect(d.xTrain[255]).toBeCloseTo((1 - MNIST_MEAN) / MNIST_STD, 5);
    expect(d.xTrain[0]).toBeCloseTo(-MNIST_MEAN / MNIST_STD, 5);
    const u = makeDataset({ kind: 'mnist', train: 2, test: 1, normalize: 'unit' }, 0, { mnist: src });
    expect(u.xTrain[255]).toBe(1);
    expect(u.xTrain[51]).toBeCloseTo(0.2, 6);
    expect(() => makeDataset({ kind: 'mnist', train: 3, test: 1 }, 0, { mnist: src })).toThrow(/asked for 3 images but the loaded file holds 2/);
    const mismatched = { ...src, testLabels: encodeIdx([1], new Uint8Array([0])) };
    expect(() => makeDataset({ kind: 'mnist', train: 1, test: 1 }, 0, { mnist: mismatched })).toThrow(/2 images but 1 labels/);
  });
});

describe('real MNIST', () => {
  let sources: MnistSources;
  beforeAll(() => {
    sources = loadMnistFiles();
  });

  it('has the known first labels (train 5, 0; test 7) and 60000/10000 images', () => {
    expect(parseMnistImages(sources.trainImages).n).toBe(60000);
    expect(parseMnistImages(sources.testImages).n).toBe(10000);
    const d = makeDataset({ kind: 'mnist', train: 1000, test: 500 }, 0, { mnist: sources });
    expect([d.yTrain[0], d.yTrain[1]]).toEqual([5, 0]);
    expect(d.yTest[0]).toBe(7);
    expect(d.inputShape).toEqual([28, 28, 1]);
    expect(d.outputs).toBe(10);
    expect(d.xTrain).toBeInstanceOf(Float32Array);
    expect(d.yTrain).toBeInstanceOf(Int32Array);
    expect(d.xTrain.length).toBe(1000 * 784);
    expect(d.xTest.length).toBe(500 * 784);
    // 'paper' normalisation: background −0.4242, ink up to 2.8215; mean ≈ 0 and std ≈ 1 over the images
    let min = Infinity, max = -Infinity, s = 0, s2 = 0;
    for (const v of d.xTrain) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      s += v;
      s2 += v * v;
    }
    expect(min).toBeCloseTo(-0.1307 / 0.3081, 5);
    expect(max).toBeCloseTo((1 - 0.1307) / 0.3081, 5);
    const mean = s / d.xTrain.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.sqrt(s2 / d.xTrain.length - mean * mean)).toBeCloseTo(1, 1);
    // all ten digits appear, roughly balanced
    const counts = new Array(10).fill(0);
    for (const y of d.yTrain) counts[y]++;
    for (const c of counts) expect(c).toBeGreaterThan(60);
  });

  it('loadMnistFiles and readMnistFile name a missing folder clearly; readMnistFile reads one file', async () => {
    expect(() => loadMnistFiles('/nonexistent/mnist')).toThrow(/MNIST data not found: .*train-images-idx3-ubyte is missing/);
    await expect(readMnistFile(MNIST_FILES.testLabels, '/nonexistent/mnist')).rejects.toThrow(/MNIST data not found: .*t10k-labels-idx1-ubyte is missing/);
    expect([...(await readMnistFile(MNIST_FILES.testLabels)).subarray(0, 10)]).toEqual([...sources.testLabels.subarray(0, 10)]);
  });

  describe('scripts/prepare-data.mjs', () => {
    const out = mkdtempSync(join(tmpdir(), 'koopscope-mnist-'));
    afterAll(() => rmSync(out, { recursive: true, force: true }));
    const run = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(root, 'scripts/prepare-data.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

    it('writes the subset that the parser reads, with the first images and labels of the full files', () => {
      const r = run([], { KOOPSCOPE_MNIST_OUT: out });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toMatch(/wrote 4 files/);
      const read = (f: string) => new Uint8Array(readFileSync(join(out, f)));
      const subset: MnistSources = {
        trainImages: read(MNIST_FILES.trainImages), trainLabels: read(MNIST_FILES.trainLabels),
        testImages: read(MNIST_FILES.testImages), testLabels: read(MNIST_FILES.testLabels),
      };
      expect(parseMnistImages(subset.trainImages).n).toBe(MNIST_SUBSET.train);
      expect(parseMnistLabels(subset.trainLabels).length).toBe(MNIST_SUBSET.train);
      expect(parseMnistImages(subset.testImages).n).toBe(MNIST_SUBSET.test);
      expect(parseMnistLabels(subset.testLabels).length).toBe(MNIST_SUBSET.test);
      const spec = { kind: 'mnist', train: MNIST_SUBSET.train, test: MNIST_SUBSET.test } as const;
      const a = makeDataset(spec, 0, { mnist: subset });
      const b = makeDataset(spec, 0, { mnist: sources });
      const same = (u: ArrayLike<number>, v: ArrayLike<number>) => u.length === v.length && Array.prototype.every.call(u, (x: number, i: number) => x === v[i]);
      expect(same(a.yTrain, b.yTrain)).toBe(true);
      expect(same(a.yTest, b.yTest)).toBe(true);
      expect(same(a.xTrain, b.xTrain)).toBe(true);
      expect(same(a.xTest, b.xTest)).toBe(true);
      expect(() => makeDataset({ ...spec, train: MNIST_SUBSET.train + 1 }, 0, { mnist: subset })).toThrow(/holds 12000 \(a subset/);
    });

    it('is idempotent and takes --out and sizes on the command line', () => {
      const again = run(['--out', out]);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/up to date/);
      const small = run(['--out', join(out, 'small'), '--train', '10', '--test', '5']);
      expect(small.status, small.stderr).toBe(0);
      expect(parseMnistImages(new Uint8Array(readFileSync(join(out, 'small', MNIST_FILES.trainImages)))).n).toBe(10);
      expect(parseMnistLabels(new Uint8Array(readFileSync(join(out, 'small', MNIST_FILES.testLabels))))).toEqual(sources.testLabels.subarray(8, 13));
      const bad = run(['--out', out, '--train', '70000']);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/holds 60000 items, fewer than the 70000/);
    });
  });
});
