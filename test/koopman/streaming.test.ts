/**
 * Streaming: `SnapshotWindow` fed snapshot by snapshot must give the batch spectrum of the same window (Gram and SVD
 * routes), keep the Gram of exactly the held rows, report its memory, and `windowSpectra` must equal separate
 * windowed `computeSpectrum` calls. Data: a noise-free, well-conditioned 6-D latent linear system observed in N = 20
 * (test/koopman/fixtures.ts linearSystem), 3 runs in lock-step.
 */
import { describe, expect, it } from 'vitest';
import { computeSpectrum, type SpectrumOptions } from '../../src/koopman/analyze';
import { ensembleGram, type SnapshotSet } from '../../src/koopman/snapshots';
import { SnapshotWindow, windowSpectra } from '../../src/koopman/window';
import { expectArrayClose, expectEigenvaluesClose, expectScalarClose } from '../matchers';
import { linearSystem, sliceRuns } from './fixtures';

const SYS = linearSystem({ pairs: [[0.995, 0.2], [0.98, 0.7]], reals: [0.985, -0.97], N: 20, T: 60, runs: 3, seed: 7 });
const OPTS: SpectrumOptions = { delays: 1, rank: { kind: 'rank', r: 6 } };

const row = (set: SnapshotSet, r: number, t: number) => set.data.subarray((r * set.T + t) * set.N, (r * set.T + t + 1) * set.N);

function feed(win: SnapshotWindow, set: SnapshotSet, from: number, to: number): void {
  for (let t = from; t < to; t++) win.push(Array.from({ length: set.runs }, (_, r) => row(set, r, t)), 1000 + t);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('SnapshotWindow (float64) equals the batch spectrum of the same window', () => {
  it('while filling (8 and 30 snapshots held) and after wrapping (last 40 of 60), runs = 3, 1 delay', () => {
    const win = new SnapshotWindow(SYS.set.N, { capacity: 40, runs: 3, precision: 'float64' });
    const checkpoints: [number, number][] = [[0, 8], [8, 30], [30, 60]];
    for (const [from, to] of checkpoints) {
      feed(win, SYS.set, from, to);
      const start = Math.max(0, to - 40);
      expect(win.size).toBe(to - start);
      expect(win.steps()).toEqual(Array.from({ length: to - start }, (_, i) => 1000 + start + i));
      const live = win.spectrum(OPTS).spectrum;
      const gram = computeSpectrum(SYS.set, { ...OPTS, window: { start, end: to }, route: 'gram' }).spectrum;
      const svd = computeSpectrum(SYS.set, { ...OPTS, window: { start, end: to }, route: 'svd' }).spectrum;
      const label = `window [${start}, ${to})`;
      expect(live.runs).toBe(3);
      expect(live.pairs).toBe(gram.pairs);
      expect(live.pairs).toBe(3 * (to - start - 2));
      expect(live.rank).toBe(6);
      expectEigenvaluesClose(live.eigenvalues, gram.eigenvalues, 1e-10, `${label}: live vs batch gram`);
      expectEigenvaluesClose(live.eigenvalues, svd.eigenvalues, 1e-10, `${label}: live vs batch svd`);
      expectEigenvaluesClose(live.eigenvalues, SYS.eigenvalues, 1e-9, `${label}: live vs true`);
      expectArrayClose(live.singularValues.slice(0, 6), svd.singularValues.slice(0, 6), { rel: 1e-10 }, `${label}: σ`);
      expectArrayClose(live.eigenvalues.map((e) => e.amplitude!), svd.eigenvalues.map((e) => e.amplitude!),
        { abs: 1e-9 * maxAbs(svd.eigenvalues.map((e) => e.amplitude!)) }, `${label}: |b|`);
    }
  });

  it('no delays, one run, capacity 25 after 60 pushes: equals window [35, 60)', () => {
    const one = linearSystem({ pairs: [[0.99, 0.4]], reals: [0.97, -0.95], N: 12, T: 60, runs: 1, seed: 3 });
    const win = new SnapshotWindow(12, { capacity: 25, precision: 'float64' });
    for (let t = 0; t < 60; t++) win.push(row(one.set, 0, t), t); // a single array, not a one-element list
    const opts: SpectrumOptions = { rank: { kind: 'rank', r: 4 } };
    const live = win.spectrum(opts).spectrum;
    const svd = computeSpectrum(one.set, { ...opts, window: { start: 35, end: 60 }, route: 'svd' }).spectrum;
    expectEigenvaluesClose(live.eigenvalues, svd.eigenvalues, 1e-10, 'live vs svd');
    expectEigenvaluesClose(live.eigenvalues, one.eigenvalues, 1e-9, 'live vs true');
    expectScalarClose(live.residual, svd.residual, 1e-7, 'residual (Gram route: √ε-level)');
  });

  it('the kept Gram equals ensembleGram of the held rows (1e-12 relative), in stacked run order', () => {
    const win = new SnapshotWindow(SYS.set.N, { capacity: 40, runs: 3, precision: 'float64' });
    feed(win, SYS.set, 0, 57);
    const eg = win.gram();
    const ref = ensembleGram(sliceRuns(SYS.set, 17, 57));
    expect(eg.runLengths).toEqual([40, 40, 40]);
    expect(eg.dim).toBe(SYS.set.N);
    expectArrayClose(eg.G, ref.G, { abs: 1e-12 * maxAbs(ref.G) }, 'window Gram');
  });
});

describe('SnapshotWindow bookkeeping', () => {
  it('memory() = runs·capacity·N·bytes + (runs·capacity)²·8', () => {
    const N = 20, C = 40, R = 3;
    const m64 = new SnapshotWindow(N, { capacity: C, runs: R, precision: 'float64' }).memory();
    expect(m64.snapshotBytes).toBe(R * C * N * 8);
    expect(m64.gramBytes).toBe((R * C) ** 2 * 8);
    expect(m64.totalBytes).toBe(m64.snapshotBytes + m64.gramBytes);
    const m32 = new SnapshotWindow(N, { capacity: C, runs: R }).memory(); // default float32
    expect(m32.snapshotBytes).toBe(R * C * N * 4);
    expect(m32.gramBytes).toBe((R * C) ** 2 * 8);
    // a sketch stores float64 sketches of `dim` values
    const ms = new SnapshotWindow(1000, { capacity: C, sketch: { dim: 16, seed: 1 } }).memory();
    expect(ms.snapshotBytes).toBe(C * 16 * 8);
    expect(ms.gramBytes).toBe(C * C * 8);
    // memory does not grow with pushes
    const w = new SnapshotWindow(N, { capacity: 5, precision: 'float64' });
    const before = w.memory().totalBytes;
    for (let t = 0; t < 12; t++) w.push(row(SYS.set, 0, t), t);
    expect(w.memory().totalBytes).toBe(before);
  });

  it('rejects a capacity below 3, the wrong number of runs and the wrong snapshot length', () => {
    expect(() => new SnapshotWindow(4, { capacity: 2 })).toThrow(/capacity/);
    const w = new SnapshotWindow(4, { capacity: 5, runs: 2 });
    expect(() => w.push(new Float64Array(4))).toThrow(/one per run/);
    expect(() => w.push([new Float64Array(4), new Float64Array(3)])).toThrow(/values/);
  });

  it('spectrum() before enough snapshots throws a clear Error', () => {
    const w = new SnapshotWindow(SYS.set.N, { capacity: 10, precision: 'float64' });
    w.push(row(SYS.set, 0, 0), 0);
    w.push(row(SYS.set, 0, 1), 1);
    expect(() => w.spectrum({ rank: { kind: 'rank', r: 2 } })).toThrow(/too few snapshots/);
  });
});

describe('SnapshotWindow with float32 storage', () => {
  const f32: SnapshotSet = { ...SYS.set, data: Float32Array.from(SYS.set.data) };

  it('float32 input: equals the batch Gram route on the same float32 data (1e-10) and is near the float64 fit', () => {
    const win = new SnapshotWindow(f32.N, { capacity: 40, runs: 3 });
    feed(win, f32, 0, 60);
    const live = win.spectrum(OPTS).spectrum;
    const batch32 = computeSpectrum(f32, { ...OPTS, window: { start: 20, end: 60 }, route: 'gram' }).spectrum;
    expectEigenvaluesClose(live.eigenvalues, batch32.eigenvalues, 1e-10, 'live f32 vs batch f32');
    const ref = ensembleGram(sliceRuns(f32, 20, 60));
    expectArrayClose(win.gram().G, ref.G, { abs: 1e-12 * maxAbs(ref.G) }, 'float32 window Gram');
    // float32 rounding (~6e-8 relative) moves eigenvalues by ~κ·6e-8
    expectEigenvaluesClose(live.eigenvalues, SYS.eigenvalues, 1e-4, 'live f32 vs true');
  });

  it('float64 input into float32 storage: the Gram is that of the stored (float32-rounded) rows', () => {
    // The spectrum of float64 input stored as float32 is the float32 data's (see the 1e-12 regression test below:
    // until 6d323cb push() mixed the caller's float64 vector with the stored float32 rows, ~1.8e-8 relative).
    const win = new SnapshotWindow(SYS.set.N, { capacity: 40, runs: 3 });
    feed(win, SYS.set, 0, 60);
    const ref = ensembleGram(sliceRuns(f32, 20, 60));
    const G = win.gram().G;
    // loose check: within float32 rounding of the stored-rows Gram
    expectArrayClose(G, ref.G, { abs: 1e-6 * maxAbs(ref.G) }, 'window Gram (float32 rounding level)');
    const live = win.spectrum(OPTS).spectrum;
    expectEigenvaluesClose(live.eigenvalues, SYS.eigenvalues, 1e-4, 'f64 input, f32 storage vs true');
  });

  // Regression: the new row's inner products must use the stored (float32-rounded) snapshot, not the caller's vector.
  it('float64 input into float32 storage: Gram equals ensembleGram of the stored rows to 1e-12', () => {
    const win = new SnapshotWindow(SYS.set.N, { capacity: 40, runs: 3 });
    feed(win, SYS.set, 0, 60);
    const ref = ensembleGram(sliceRuns(f32, 20, 60));
    expectArrayClose(win.gram().G, ref.G, { abs: 1e-12 * maxAbs(ref.G) }, 'window Gram vs stored float32 rows');
  });
});

describe('windowSpectra', () => {
  it('equals separate computeSpectrum calls with windows (runs = 3, 1 delay), and W1 between windows is 0', () => {
    const length = 24, stride = 6;
    const seq = windowSpectra(SYS.set, { length, stride, ...OPTS });
    const expectedStarts: number[] = [];
    for (let end = length; end <= SYS.set.T; end += stride) expectedStarts.push(end - length);
    expect(seq.map((w) => w.start)).toEqual(expectedStarts);
    expect(seq.map((w) => w.end)).toEqual(expectedStarts.map((s) => s + length));
    expect(seq[0].w1FromPrevious).toBeUndefined();
    for (const w of seq) {
      const batch = computeSpectrum(SYS.set, { ...OPTS, window: { start: w.start, end: w.end }, route: 'svd' }).spectrum;
      expectEigenvaluesClose(w.fit.spectrum.eigenvalues, batch.eigenvalues, 1e-10, `window [${w.start}, ${w.end})`);
      expect(w.fit.spectrum.rank).toBe(batch.rank);
    }
    // stationary, noise-free linear system: the same spectrum in every window
    for (const w of seq.slice(1)) expect(w.w1FromPrevious!).toBeLessThan(1e-8);
  });

  it('reports progress and rejects bad lengths/strides', () => {
    const seen: number[] = [];
    windowSpectra(SYS.set, { length: 30, stride: 15, ...OPTS }, (f) => seen.push(f));
    expect(seen).toEqual([30 / 60, 45 / 60, 60 / 60]);
    expect(() => windowSpectra(SYS.set, { length: 2, stride: 1, ...OPTS })).toThrow(/length/);
    expect(() => windowSpectra(SYS.set, { length: 61, stride: 1, ...OPTS })).toThrow(/length/);
    expect(() => windowSpectra(SYS.set, { length: 10, stride: 0, ...OPTS })).toThrow(/stride/);
  });

  it('a switch in the dynamics shows up as a W1 jump (golden windows data)', async () => {
    const { golden, toSet } = await import('./fixtures');
    const c = golden().cases.windows;
    const set = toSet(c.runs);
    const seq = windowSpectra(set, { length: 30, stride: 10, delays: 1, rank: { kind: 'rank', r: 4 } });
    // windows entirely before (end ≤ 60) or after (start ≥ 60) the switch: W1 to the previous is ~0
    for (const w of seq.slice(1)) {
      const prevStart = w.start - 10;
      const steady = w.end <= 60 || prevStart >= 60;
      if (steady) expect(w.w1FromPrevious!, `[${w.start}, ${w.end})`).toBeLessThan(1e-8);
      else expect(w.w1FromPrevious!, `[${w.start}, ${w.end})`).toBeGreaterThan(1e-4);
    }
  });
});
