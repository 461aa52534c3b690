/**
 * Preprocessing steps of the pipeline (analyze.ts): centering (docs/methods.md E5), PCA (paper 1's Transformer
 * pipeline), delays from the Gram (hankel.ts), snapshot selection (`window`, `every`), and the random-projection
 * sketch (sketch.ts).
 */
import { describe, expect, it } from 'vitest';
import { computeSpectrum, pcaCoordinates, type SpectrumOptions } from '../../src/koopman/analyze';
import { delayEmbed, delayGram } from '../../src/koopman/hankel';
import { ensembleGram, type SnapshotSet } from '../../src/koopman/snapshots';
import { Sketcher, sketchError } from '../../src/koopman/sketch';
import { SnapshotWindow } from '../../src/koopman/window';
import { gram } from '../../src/linalg/gram';
import { expectArrayClose, expectEigenvaluesClose, expectScalarClose, rng } from '../matchers';
import { golden, linearSystem, sliceRuns, toSet } from './fixtures';

const G = golden();

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function randomSet(runs: number, T: number, N: number, seed: number): SnapshotSet & { data: Float64Array } {
  const r = rng(seed);
  return { runs, T, N, data: Float64Array.from({ length: runs * T * N }, () => r.normal()) };
}

describe('centering (E5: data with a constant offset)', () => {
  const raw = G.cases.e5_offset_raw, centered = G.cases.e5_offset_centered;
  const distTo1 = (eigs: { re: number; im: number }[]) => Math.min(...eigs.map((e) => Math.hypot(e.re - 1, e.im)));

  it('raw (uncentered): the offset leaks in as an eigenvalue near 1', () => {
    const s = computeSpectrum(toSet(raw.runs), { ...raw.options, route: 'svd' }).spectrum;
    expectEigenvaluesClose(s.eigenvalues, raw.expected.eigenvalues, 1e-10, 'raw vs golden');
    expect(distTo1(s.eigenvalues)).toBeLessThan(0.02);
  });

  for (const route of ['svd', 'gram'] as const) {
    it(`centered matches golden and has no eigenvalue near 1 [${route}]`, () => {
      const s = computeSpectrum(toSet(centered.runs), { ...centered.options, route }).spectrum;
      expect(centered.options.center).toBe(true);
      expectEigenvaluesClose(s.eigenvalues, centered.expected.eigenvalues, route === 'svd' ? 1e-10 : 1e-8, `centered/${route}`);
      expectScalarClose(s.residual, centered.expected.residual, 1e-8, 'residual');
      expect(distTo1(s.eigenvalues)).toBeGreaterThan(0.02);
    });
  }

  it('center: true equals fitting explicitly mean-subtracted data', () => {
    const set = toSet(raw.runs);
    const M = set.runs * set.T, N = set.N;
    const mean = new Float64Array(N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) mean[j] += set.data[i * N + j] / M;
    const manual = { ...set, data: set.data.map((v, k) => v - mean[k % N]) };
    const a = computeSpectrum(set, { rank: { kind: 'rank', r: 4 }, center: true, route: 'svd' }).spectrum;
    const b = computeSpectrum(manual, { rank: { kind: 'rank', r: 4 }, route: 'svd' }).spectrum;
    expectEigenvaluesClose(a.eigenvalues, b.eigenvalues, 1e-12, 'center option vs manual');
  });
});

describe('PCA pipeline (PCA on centered snapshots, uncentered projection, 3 delays, rank 6)', () => {
  const c = G.cases.pca_pipeline;
  const set = toSet(c.runs);

  for (const route of ['auto', 'svd', 'gram'] as const) {
    it(`matches golden [route ${route}]`, () => {
      const s = computeSpectrum(set, { ...c.options, route }).spectrum;
      expect(s.embeddedDim).toBe(4 * 5);
      expect(s.rank).toBe(6);
      expectEigenvaluesClose(s.eigenvalues, c.expected.eigenvalues, 1e-10, `pca/${route}`);
      expectArrayClose(s.singularValues.slice(0, 6), c.expected.singularValues.slice(0, 6), { rel: 1e-10 }, 'σ');
      expectScalarClose(s.residual, c.expected.residual, 1e-8, 'residual');
    });
  }

  it('pcaCoordinates from the Gram reproduce the projected run 0 (up to the sign of each component)', () => {
    const M = set.runs * set.T;
    const warnings: string[] = [];
    const Z = pcaCoordinates(gram(set.data, M, set.N), M, 5, warnings);
    expect(warnings).toEqual([]);
    const exp = (G.cases.pca_pipeline as unknown as { projectedRun0: number[][] }).projectedRun0;
    for (let k = 0; k < 5; k++) {
      const ours = Array.from({ length: set.T }, (_, t) => Z[t * 5 + k]);
      const ref = exp.map((rowv) => rowv[k]);
      const sign = Math.sign(ours[0]) === Math.sign(ref[0]) ? 1 : -1;
      expectArrayClose(ours.map((v) => sign * v), ref, { abs: 1e-9 * maxAbs(ref) }, `PCA component ${k}`);
    }
  });

  it('asking for more components than carry variance warns and uses fewer', () => {
    // 4-D data, 6 components requested
    const e1 = toSet(G.cases.e1_linear4.runs);
    const warnings: string[] = [];
    const M = e1.runs * e1.T;
    pcaCoordinates(gram(e1.data, M, e1.N), M, 6, warnings);
    expect(warnings.join(' ')).toMatch(/only 4 of the 6/);
  });
});

describe('delays: delayGram from the base Gram equals the Gram of the explicit delayEmbed', () => {
  // T = 150 per run so the running diagonal sums pass the every-64 exact re-summation
  const set = randomSet(3, 150, 7, 11);
  const base = ensembleGram(set);
  for (const d of [0, 1, 3, 7]) {
    it(`d = ${d}, 3 runs × 150 snapshots (1e-12 relative)`, () => {
      const fromGram = delayGram(base, d);
      const emb = delayEmbed(set, d);
      expect(emb.T).toBe(150 - d);
      expect(emb.N).toBe((d + 1) * 7);
      const ref = gram(emb.data, emb.runs * emb.T, emb.N);
      expect(fromGram.runLengths).toEqual([150 - d, 150 - d, 150 - d]);
      expect(fromGram.dim).toBe((d + 1) * 7);
      expectArrayClose(fromGram.G, ref, { abs: 1e-12 * maxAbs(ref) }, `delayGram d=${d}`);
    });
  }
  it('delayEmbed rows are [x_t, x_{t+1}, …, x_{t+d}] and never mix runs', () => {
    const small = randomSet(2, 6, 2, 5);
    const emb = delayEmbed(small, 2);
    expect(emb.T).toBe(4);
    // run 1, embedded t = 3: [x_3, x_4, x_5] of run 1
    const rowv = Array.from(emb.data.subarray((1 * 4 + 3) * 6, (1 * 4 + 4) * 6));
    const expected = [3, 4, 5].flatMap((t) => Array.from(small.data.subarray((6 + t) * 2, (6 + t + 1) * 2)));
    expect(rowv).toEqual(expected);
  });
  it('too many delays for the run length throws', () => {
    const small = randomSet(1, 5, 2, 5);
    expect(() => delayEmbed(small, 4)).toThrow(/delays/);
    expect(() => delayGram(ensembleGram(small), 4)).toThrow(/delays/);
  });
});

describe('snapshot selection: window and every', () => {
  const sys = linearSystem({ pairs: [[0.99, 0.3]], reals: [0.97, -0.95], N: 9, T: 70, runs: 2, seed: 5 });
  const opts: SpectrumOptions = { delays: 1, rank: { kind: 'rank', r: 4 } };

  for (const route of ['svd', 'gram'] as const) {
    for (const [start, end, every] of [[5, 55, 1], [0, 70, 2], [3, 64, 3], [10, 40, 5]] as const) {
      it(`window [${start}, ${end}), every ${every} equals manually sliced data [${route}]`, () => {
        const a = computeSpectrum(sys.set, { ...opts, route, window: { start, end }, every, dt: 0.5 }).spectrum;
        const sliced = sliceRuns(sys.set, start, end, every);
        const b = computeSpectrum(sliced, { ...opts, route, dt: 0.5 * every }).spectrum;
        expect(a.pairs).toBe(b.pairs);
        expect(a.pairs).toBe(2 * (sliced.T - 2));
        expectEigenvaluesClose(a.eigenvalues, b.eigenvalues, 1e-12, 'window/every vs sliced');
        expectArrayClose(a.singularValues, b.singularValues, { rel: 1e-12 }, 'σ');
        // the effective Δt is dt·every
        expect(a.dt).toBe(0.5 * every);
        expectArrayClose(a.eigenvalues.map((e) => e.growthRate), a.eigenvalues.map((e) => Math.log(e.abs) / (0.5 * every)),
          1e-14, 'growthRate uses dt·every');
        // thinning a linear system by k gives λ^k
        const powered = sys.eigenvalues.map(([re, im]): [number, number] => {
          const r = Math.hypot(re, im) ** every, th = Math.atan2(im, re) * every;
          return [r * Math.cos(th), r * Math.sin(th)];
        });
        expectEigenvaluesClose(a.eigenvalues, powered, 1e-8, 'λ^every');
      });
    }
  }
});

describe('sketch (sparse JL, sketch.ts)', () => {
  it(`inner products are within sketchError(k)·‖x‖‖y‖ for ≥ 99% of random pairs (k = 128, N = 3000)`, () => {
    const N = 3000, k = 128, pairs = 300;
    const r = rng(42);
    const sk = new Sketcher(N, { dim: k, seed: 9 });
    const eps = sketchError(k);
    expect(eps).toBeCloseTo(3 * Math.sqrt(2 / k), 15);
    const x = new Float64Array(N), y = new Float64Array(N), sx = new Float64Array(k), sy = new Float64Array(k);
    let within = 0, worst = 0;
    for (let p = 0; p < pairs; p++) {
      // half independent pairs, half strongly correlated ones (⟨x, y⟩ large)
      for (let i = 0; i < N; i++) { x[i] = r.normal(); y[i] = p % 2 ? x[i] + 0.5 * r.normal() : r.normal(); }
      sk.apply(x, 0, sx);
      sk.apply(y, 0, sy);
      let xy = 0, xx = 0, yy = 0, sxy = 0;
      for (let i = 0; i < N; i++) { xy += x[i] * y[i]; xx += x[i] * x[i]; yy += y[i] * y[i]; }
      for (let i = 0; i < k; i++) sxy += sx[i] * sy[i];
      const rel = Math.abs(sxy - xy) / Math.sqrt(xx * yy);
      worst = Math.max(worst, rel);
      if (rel <= eps) within++;
    }
    expect(within / pairs, `worst relative error ${worst}`).toBeGreaterThanOrEqual(0.99);
  });

  it('is deterministic in the seed, linear, and honours the offset', () => {
    const N = 50, k = 8;
    const a = new Sketcher(N, { dim: k, seed: 3 }), b = new Sketcher(N, { dim: k, seed: 3 }), c = new Sketcher(N, { dim: k, seed: 4 });
    expect(Array.from(a.rows)).toEqual(Array.from(b.rows));
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(Array.from(a.rows)).not.toEqual(Array.from(c.rows));
    const r = rng(1);
    const buf = Float64Array.from({ length: 2 * N }, () => r.normal());
    const out1 = new Float64Array(k), out2 = new Float64Array(k), out3 = new Float64Array(k);
    a.apply(buf, N, out1);
    a.apply(buf.slice(N), 0, out2);
    expect(Array.from(out1)).toEqual(Array.from(out2));
    a.apply(buf.map((v) => 2 * v), N, out3);
    expectArrayClose(out3, out1.map((v) => 2 * v), 1e-14, 'linearity');
    expect(() => new Sketcher(N, { dim: 0, seed: 1 })).toThrow(/sketch dimension/);
  });

  const big = linearSystem({ pairs: [[0.99, 0.25], [0.97, 0.8]], reals: [0.98, -0.96], N: 2000, T: 50, runs: 2, seed: 21 });
  const opts: SpectrumOptions = { rank: { kind: 'rank', r: 6 }, sketch: { dim: 64, seed: 5 } };

  it('the sketched spectrum says sketched: true with the stated error', () => {
    const s = computeSpectrum(big.set, opts).spectrum;
    expect(s.sketched).toBe(true);
    expect(s.sketch).toEqual({ dim: 64, seed: 5, relativeInnerProductError: sketchError(64) });
    expect(s.embeddedDim).toBe(64);
    const plain = computeSpectrum(big.set, { rank: { kind: 'rank', r: 6 } }).spectrum;
    expect(plain.sketched).toBe(false);
    expect(plain.sketch).toBeUndefined();
  });

  for (const route of ['svd', 'gram'] as const) {
    it(`a sketched low-rank linear system keeps its spectrum [${route}]`, () => {
      // the data span a 6-D subspace and the sketch is linear (and injective on it), so the sketched snapshots
      // follow the same linear dynamics: the eigenvalues survive up to round-off, far inside the stated O(ε) bound
      const s = computeSpectrum(big.set, { ...opts, route }).spectrum;
      expectEigenvaluesClose(s.eigenvalues, big.eigenvalues, 1e-8, `sketched/${route} vs true`);
      const unsketched = computeSpectrum(big.set, { rank: { kind: 'rank', r: 6 }, route: 'gram' }).spectrum;
      expectEigenvaluesClose(s.eigenvalues, unsketched.eigenvalues, 1e-8, `sketched/${route} vs unsketched`);
    });
  }

  it('a sketched spectrum with noise stays within O(ε) of the unsketched one', () => {
    const r = rng(77);
    const noisy = { ...big.set, data: big.set.data.map((v) => v + 0.01 * r.normal()) };
    const s = computeSpectrum(noisy, { ...opts, sketch: { dim: 256, seed: 2 } }).spectrum;
    const u = computeSpectrum(noisy, { rank: { kind: 'rank', r: 6 }, route: 'gram' }).spectrum;
    expectEigenvaluesClose(s.eigenvalues, u.eigenvalues, sketchError(256), 'noisy sketched vs unsketched');
  });

  it('a sketched SnapshotWindow equals the batch sketched spectrum', () => {
    const win = new SnapshotWindow(big.set.N, { capacity: 30, runs: 2, sketch: { dim: 64, seed: 5 } });
    const row = (rr: number, t: number) => big.set.data.subarray((rr * big.set.T + t) * big.set.N, (rr * big.set.T + t + 1) * big.set.N);
    for (let t = 0; t < 50; t++) win.push([row(0, t), row(1, t)], t);
    const live = win.spectrum({ rank: { kind: 'rank', r: 6 } }).spectrum;
    const batch = computeSpectrum(big.set, { ...opts, window: { start: 20, end: 50 }, route: 'svd' }).spectrum;
    expect(live.sketched).toBe(true);
    expect(live.sketch).toEqual(batch.sketch);
    expectEigenvaluesClose(live.eigenvalues, batch.eigenvalues, 1e-9, 'sketched window vs batch');
  });
});
