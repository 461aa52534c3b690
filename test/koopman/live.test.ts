/**
 * LiveSpectrum: refresh throttling, window/option changes, NaN refusal, spectrum equals the batch window fit; the
 * recording (budget thinning, scrubbed windows equal to the batch fit, .npz export read back, per-run spectra).
 */
import { describe, expect, it } from 'vitest';
import { computeSpectrum } from '../../src/koopman/analyze';
import { LiveSpectrum, type LiveOptions } from '../../src/koopman/live';
import { Recorder, type RecordedParam } from '../../src/koopman/recorder';
import { wasserstein1 } from '../../src/koopman/wasserstein';
import { readTrajectoryFile } from '../../src/io/index';

function rotationSnapshots(T: number, N: number): Float32Array[] {
  let s = 3;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const Q = Array.from({ length: N }, () => [rnd(), rnd(), rnd()]);
  let z = [1, 0, 0.5];
  const out: Float32Array[] = [];
  for (let t = 0; t < T; t++) {
    out.push(Float32Array.from(Q, (q) => q[0] * z[0] + q[1] * z[1] + q[2] * z[2]));
    z = [0.99 * (Math.cos(0.2) * z[0] - Math.sin(0.2) * z[1]), 0.99 * (Math.sin(0.2) * z[0] + Math.cos(0.2) * z[1]), 0.95 * z[2]];
  }
  return out;
}

describe('LiveSpectrum', () => {
  it('refreshes at most maxRefreshHz times a second, and only with enough snapshots', () => {
    let t = 0;
    const live = new LiveSpectrum(() => t);
    live.configure(20, { rank: { kind: 'rank', r: 3 } }, 10);
    live.restart(30, 1, 5);
    const snaps = rotationSnapshots(40, 30);
    expect(live.push(0, [snaps[0]])).toBe(false);
    expect(live.push(5, [snaps[1]])).toBe(false);
    expect(live.push(10, [snaps[2]])).toBe(true);           // 3 snapshots: a first spectrum is due
    const first = live.refresh();
    expect(first.w1FromPrevious).toBeNull();
    expect(live.push(15, [snaps[3]])).toBe(false);          // same instant: throttled
    expect(live.pendingIn()).toBe(100);
    t = 100;
    expect(live.due()).toBe(true);
    const second = live.refresh();
    expect(second.snapshots).toBe(4);
    expect(second.step).toBe(15);
    expect(second.w1FromPrevious).not.toBeNull();
    expect(second.report.dt).toBe(5);
  });

  it('gives the spectrum of the last `window` snapshots', () => {
    let t = 0;
    const live = new LiveSpectrum(() => (t += 1000));
    live.configure(20, { rank: { kind: 'rank', r: 3 } });
    live.restart(30, 1, 1);
    const snaps = rotationSnapshots(50, 30);
    snaps.forEach((x, i) => live.push(i, [x]));
    const u = live.refresh();
    const data = new Float32Array(50 * 30);
    snaps.forEach((x, i) => data.set(x, i * 30));
    const batch = computeSpectrum({ runs: 1, T: 50, N: 30, data }, { rank: { kind: 'rank', r: 3 }, window: { start: 30, end: 50 } }).spectrum;
    u.report.eigenvalues.forEach(([re, im], i) => {
      expect(re).toBeCloseTo(batch.eigenvalues[i].re, 6);
      expect(im).toBeCloseTo(batch.eigenvalues[i].im, 6);
    });
    expect(u.report.eigenvalues[0][0]).toBeCloseTo(0.99 * Math.cos(0.2), 4);
    expect(u.memoryBytes).toBeGreaterThan(20 * 30 * 4);
  });

  it('refuses NaN snapshots and snapshots before a run is announced', () => {
    const live = new LiveSpectrum();
    expect(() => live.push(0, [new Float32Array(3)])).toThrow(/restart/);
    live.restart(3, 1, 1);
    expect(() => live.push(0, [Float32Array.from([1, NaN, 2])])).toThrow(/NaN/);
    expect(live.snapshots).toBe(0);
  });

  it('keeps ensembles together and refills a new window length from the recording', () => {
    const live = new LiveSpectrum(() => 1e9);
    live.restart(30, 2, 1);
    const snaps = rotationSnapshots(10, 30);
    snaps.forEach((x, i) => live.push(i, [x, x]));
    expect(live.snapshots).toBe(10);
    live.configure(8, { rank: { kind: 'rank', r: 3 } });
    expect(live.snapshots).toBe(10);                      // received since the restart: unchanged
    expect(live.due()).toBe(true);                         // the new window was refilled with the last 8
    const u = live.refresh();
    expect(u.step).toBe(9);
    expect(u.report.pairs).toBe(2 * 7);
    expect(() => live.configure(2, {})).toThrow(/window/);
  });
});

/** An ensemble of R perturbed rotations: run r is rotationSnapshots scaled by (1 + r/10) plus a run-dependent shift. */
function ensemble(T: number, N: number, R: number): Float32Array[][] {
  const base = rotationSnapshots(T, N);
  return base.map((x, t) => Array.from({ length: R }, (_, r) => Float32Array.from(x, (v, i) => v * (1 + r / 10) + 0.01 * r * Math.sin(i + t))));
}

function stacked(steps: Float32Array[][], R: number, N: number): Float32Array {
  const T = steps.length;
  const data = new Float32Array(R * T * N);
  steps.forEach((xs, t) => xs.forEach((x, r) => data.set(x, (r * T + t) * N)));
  return data;
}

/**
 * A LiveSpectrum (clock fixed at 0, window W, `options`) restarted for R runs of N values and fed the T time steps of
 * ensemble(T, N, R) at optimizer steps 0, every, 2·every, …, with `loss(t)` when given; `steps` are the snapshots fed.
 */
function fedLive(
  { N, R, W, T, every, options, params, loss }: {
    N: number; R: number; W: number; T: number; every: number; options: LiveOptions;
    params?: RecordedParam[]; loss?: (t: number) => number;
  },
): { live: LiveSpectrum; steps: Float32Array[][] } {
  const live = new LiveSpectrum(() => 0);
  live.configure(W, options);
  live.restart(N, R, every, params);
  const steps = ensemble(T, N, R);
  steps.forEach((xs, t) => live.push(every * t, xs, loss?.(t)));
  return { live, steps };
}

describe('recording', () => {
  it('thins 2:1 and doubles its stride past the memory budget, staying evenly spaced', () => {
    const N = 10, R = 2, rowBytes = R * N * 4;
    const rec = new Recorder(rowBytes * 8);                 // room for 8 time steps
    rec.restart(N, R, 5);
    const notes: string[] = [];
    for (let t = 0; t < 40; t++) {
      const note = rec.push(5 * t, [new Float32Array(N).fill(t), new Float32Array(N).fill(-t)], 1 / (t + 1));
      if (note) notes.push(note);
    }
    const st = rec.status();
    expect(st.bytes).toBeLessThanOrEqual(st.budgetBytes);
    expect(st.stride).toBe(8);
    expect(rec.T).toBe(5);                                  // incoming 0, 8, 16, 24, 32
    expect(rec.steps).toEqual([0, 40, 80, 120, 160]);
    expect(rec.interval).toBe(40);
    expect(rec.losses[1]).toBeCloseTo(1 / 9, 12);
    expect(notes).toHaveLength(3);                          // at 9, 17 and 33 recorded: 1→2→4→8
    expect(notes[0]).toMatch(/every 2nd snapshot is kept/);
    const s = rec.slice(1, 3);
    expect(Array.from(s.data.subarray(0, N))).toEqual(Array(N).fill(8));
    expect(Array.from(s.data.subarray(2 * N, 3 * N))).toEqual(Array(N).fill(-8)); // run 1, first of the slice
    expect(rec.indexOfStep(120)).toBe(3);
    expect(rec.indexOfStep(125)).toBe(-1);
  });

  it('a smaller budget thins at once; one time step over the budget records nothing and says why', () => {
    const rec = new Recorder();
    rec.restart(4, 1, 1);
    for (let t = 0; t < 16; t++) rec.push(t, [new Float32Array(4).fill(t)]);
    expect(rec.setBudget(4 * 4 * 4)).toMatch(/memory budget/);
    expect(rec.T).toBe(4);
    expect(rec.steps).toEqual([0, 4, 8, 12]);
    const off = new Recorder(8);
    off.restart(4, 1, 1);
    off.push(0, [new Float32Array(4)]);
    expect(off.T).toBe(0);
    expect(off.status().off).toMatch(/nothing is recorded/);
  });

  it('spectrumAt equals computeSpectrum on the same window of the recorded data, with W1 to one snapshot earlier', () => {
    const N = 30, R = 2, W = 12, T = 40;
    const options = { rank: { kind: 'rank' as const, r: 3 } };
    const { live, steps } = fedLive({ N, R, W, T, every: 5, options, loss: (t) => 1 / (t + 1) });
    const data = stacked(steps, R, N);
    const fit = (end: number) => computeSpectrum({ runs: R, T, N, data }, { ...options, dt: 5, window: { start: end - W, end } }).spectrum;
    const at = live.spectrumAt(25);
    expect([at.start, at.end, at.stepStart, at.step, at.recorded, at.stride]).toEqual([13, 25, 65, 120, T, 1]);
    const batch = fit(25);
    expect(at.report.eigenvalues).toHaveLength(batch.eigenvalues.length);
    at.report.eigenvalues.forEach(([re, im], i) => {
      expect(re).toBeCloseTo(batch.eigenvalues[i].re, 9);
      expect(im).toBeCloseTo(batch.eigenvalues[i].im, 9);
    });
    expect(at.report.dt).toBe(5);
    const prev = fit(24).eigenvalues.map((e) => [e.re, e.im] as [number, number]);
    expect(at.w1FromPrevious).toBeCloseTo(wasserstein1(prev, at.report.eigenvalues), 9);
    // at the start of the run the window is shorter; too short a window is refused in words
    expect(live.spectrumAt(5).start).toBe(0);
    expect(live.spectrumAt(3).w1FromPrevious).toBeNull();
    expect(() => live.spectrumAt(2)).toThrow(/at least 3/);
    expect(() => live.spectrumAt(T + 1)).toThrow(/outside/);
  });

  it('exports the recording as .npz that readTrajectoryFile reads back with the same values', () => {
    const N = 7, R = 3, T = 9;
    const params = [{ name: 'fc1.weight', shape: [2, 3], size: 6 }, { name: 'fc1.bias', shape: [1], size: 1 }];
    const { live, steps } = fedLive({
      N, R, W: 5, T, every: 4, options: { rank: { kind: 'rank', r: 2 } }, params, loss: (t) => (t === 0 ? NaN : 1 / t),
    });
    const bytes = live.exportNpz({ preset: 'spiral', config: { lr: 0.1 } }, 'spiral.npz');
    const traj = readTrajectoryFile('spiral.npz', bytes);
    if (traj.kind !== 'trajectory') throw new Error('expected a trajectory');
    expect([traj.runs, traj.T, traj.N]).toEqual([R, T, N]);
    expect(traj.params.map((p) => [p.name, p.shape, p.offset, p.size])).toEqual([['fc1.weight', [2, 3], 0, 6], ['fc1.bias', [1], 6, 1]]);
    expect(Array.from(traj.data)).toEqual(Array.from(stacked(steps, R, N)));
    expect(Array.from(traj.steps!)).toEqual(Array.from({ length: T }, (_, t) => 4 * t));
    expect(Number.isNaN(traj.metrics.loss[0])).toBe(true);
    expect(Array.from(traj.metrics.loss.subarray(1))).toEqual(Array.from({ length: T - 1 }, (_, t) => 1 / (t + 1)));
    expect(traj.meta).toMatchObject({ preset: 'spiral', config: { lr: 0.1 }, snapshotEvery: 4, recordingStride: 1, layout: 'ensemble' });
    expect(() => new LiveSpectrum().exportNpz()).toThrow();
  });

  it('fits each ensemble member alone: one spectrum per run, live window or recorded', () => {
    const N = 30, R = 3, W = 10, T = 25;
    const options = { rank: { kind: 'rank' as const, r: 3 } };
    const { live, steps } = fedLive({ N, R, W, T, every: 2, options });
    const data = stacked(steps, R, N);
    const alone = (r: number, end: number) => computeSpectrum({ runs: 1, T, N, data: data.subarray(r * T * N, (r + 1) * T * N) },
      { ...options, dt: 2, window: { start: end - W, end } }).spectrum;
    const seeds = live.seedSpectra();
    expect(seeds.from).toBe('live');
    expect(seeds.step).toBe(2 * (T - 1));
    expect(seeds.reports).toHaveLength(R);
    seeds.reports.forEach((rep, r) => {
      expect(rep.runs).toBe(1);
      const batch = alone(r, T).eigenvalues;               // fitted once per run, not once per eigenvalue
      rep.eigenvalues.forEach(([re, im], i) => {
        expect(re).toBeCloseTo(batch[i].re, 6);
        expect(im).toBeCloseTo(batch[i].im, 6);
      });
    });
    const past = live.seedSpectra(2 * 14);                // a scrubbed window: from the recording
    expect(past.from).toBe('recording');
    expect(past.reports).toHaveLength(R);
    expect(past.reports[1].eigenvalues[0][0]).toBeCloseTo(alone(1, 15).eigenvalues[0].re, 9);
    expect(() => live.seedSpectra(3)).toThrow(/no longer held/);
  });
});
