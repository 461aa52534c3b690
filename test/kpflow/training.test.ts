/** Tasks, the BPTT gradient (= J_θᵀ𝒫*Err) against finite differences of the loss, and training on Memory-Pro. */
import { describe, expect, it } from 'vitest';
import { makeCell, type CellSpec } from '../../src/kpflow/cells';
import { normals, seededRng } from '../../src/linalg/random';
import { makeBatch } from '../../src/kpflow/tasks';
import { lossAndGradient, KpflowTrainer } from '../../src/kpflow/train';
import { getKpflowPreset, KPFLOW_PRESETS } from '../../src/kpflow/presets';
import { runKpflow } from '../../src/kpflow/analysis';

const periods = { stimulus: 3, memory: 3, response: 3 };

describe('tasks', () => {
  it('Memory-Pro: fixation until the response, the angle only during the stimulus, the target angle only in the response', () => {
    const b = makeBatch({ tasks: ['memory-pro'], batch: 4, periods, noise: 0, seed: 1 });
    expect([b.B, b.T, b.nIn, b.nOut, b.responseStart]).toEqual([4, 9, 3, 3, 6]);
    const th = b.angles[2], at = (t: number) => Array.from(b.x.subarray((2 * 9 + t) * 3, (2 * 9 + t) * 3 + 3));
    const y = (t: number) => Array.from(b.targets.subarray((2 * 9 + t) * 3, (2 * 9 + t) * 3 + 3));
    expect(at(0)).toEqual([1, Math.cos(th), Math.sin(th)]);
    expect(at(4)).toEqual([1, 0, 0]);
    expect(at(7)).toEqual([0, 0, 0]);
    expect(y(4)).toEqual([1, 0, 0]);
    expect(y(7)).toEqual([0, Math.cos(th), Math.sin(th)]);
    // evenly spaced over the circle
    const sorted = Array.from(b.angles).sort((p, q) => p - q);
    for (let i = 1; i < 4; i++) expect(sorted[i] - sorted[i - 1]).toBeCloseTo(Math.PI / 2, 12);
  });

  it('multi-task: one-hot context, Anti reports θ + π, Delay keeps the stimulus through the memory period', () => {
    const b = makeBatch({ tasks: ['memory-pro', 'memory-anti', 'delay-pro', 'delay-anti'], batch: 8, periods, noise: 0, seed: 2 });
    expect(b.nIn).toBe(7);
    expect(Array.from(b.taskOf)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    const x = (s: number, t: number) => Array.from(b.x.subarray((s * 9 + t) * 7, (s * 9 + t) * 7 + 7));
    const y = (s: number, t: number) => Array.from(b.targets.subarray((s * 9 + t) * 3, (s * 9 + t) * 3 + 3));
    expect(x(1, 0).slice(3)).toEqual([0, 1, 0, 0]);
    expect(y(1, 8)[1]).toBeCloseTo(-Math.cos(b.angles[1]), 12);
    expect(x(0, 4)[1]).toBe(0); // memory: stimulus off
    expect(x(2, 4)[1]).toBe(Math.cos(b.angles[2])); // delay: still on
    const noisy = makeBatch({ tasks: ['memory-pro'], batch: 4, periods, noise: 0.1, seed: 1 });
    expect(noisy.x).toEqual(makeBatch({ tasks: ['memory-pro'], batch: 4, periods, noise: 0.1, seed: 1 }).x);
    expect(noisy.x).not.toEqual(makeBatch({ tasks: ['memory-pro'], batch: 4, periods, noise: 0, seed: 1 }).x);
  });
});

describe.each([['rnn', { kind: 'rnn' }], ['rnn dt 0.2', { kind: 'rnn', dt: 0.2 }], ['basic', { kind: 'basic', phi: 'tanh' }],
  ['basic dt 0.1', { kind: 'basic', phi: 'tanh', dt: 0.1 }], ['gru', { kind: 'gru' }]] as [string, CellSpec][])(
  'BPTT (%s)', (_n, spec) => {
    it('∇_θL = J_θᵀ𝒫*Err and the readout gradients match central finite differences of the loss', () => {
      const batch = makeBatch({ tasks: ['memory-pro', 'memory-anti'], batch: 4, periods, noise: 0.05, seed: 4 });
      const rnd = seededRng(9), cell = makeCell(spec, 6, batch.nIn), theta = cell.init(rnd, 1.1);
      const readout = { C: normals(rnd, 3 * 6), d: normals(rnd, 3) };
      const g = lossAndGradient(cell, theta, readout, batch);
      const v = normals(rnd, theta.length), vC = normals(rnd, readout.C.length), vd = normals(rnd, 3), eps = 1e-6;
      const L = (s: number) => lossAndGradient(cell, theta.map((t, i) => t + s * v[i]),
        { C: readout.C.map((c, i) => c + s * vC[i]), d: readout.d.map((c, i) => c + s * vd[i]) }, batch).loss;
      const fd = (L(eps) - L(-eps)) / (2 * eps);
      const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
      const exact = dot(g.gTheta, v) + dot(g.gC, vC) + dot(g.gd, vd);
      expect(Math.abs(fd - exact) / Math.abs(exact)).toBeLessThan(1e-7);
    });
  });

describe('training', () => {
  it('Adam on Memory-Pro (vanilla RNN) cuts the loss by more than half in 80 steps', () => {
    const batch = makeBatch({ tasks: ['memory-pro'], batch: 8, periods: { stimulus: 8, memory: 8, response: 8 }, noise: 0, seed: 1 });
    const tr = new KpflowTrainer({ cell: { kind: 'rnn' }, hidden: 16, gain: 0.9, lr: 0.01, clip: 1, seed: 2 }, batch);
    const first = tr.train();
    for (let i = 0; i < 79; i++) tr.train();
    expect(tr.evaluate().loss).toBeLessThan(0.5 * first);
  });

  it('the leaky vanilla presets learn Memory-Pro (quick, 300 steps) well below the L = 0.111 plateau, for two seeds', () => {
    // With dt = 1 about half of the seeds stalled at L ≈ 0.111 (angle reported as 0); see presets.ts.
    for (const name of ['memory-pro-rnn', 'memory-pro-basic']) {
      for (const seed of [1, 4]) {
        const c = getKpflowPreset(name).quick;
        expect(c.cell.kind !== 'gru' && c.cell.dt).toBe(0.2);
        const batch = makeBatch({ tasks: c.tasks, batch: c.batch, periods: c.periods, noise: c.noise, seed });
        const tr = new KpflowTrainer({ cell: c.cell, hidden: c.hidden, gain: c.gain, lr: c.lr, clip: c.clip, seed: seed + 1 }, batch);
        for (let i = 0; i < c.steps; i++) tr.train();
        expect(tr.evaluate().loss).toBeLessThan(0.03);
      }
    }
  });

  it('presets: every preset has a quick variant within the issue sizes', () => {
    expect(KPFLOW_PRESETS.map((p) => p.name)).toEqual(['memory-pro-rnn', 'memory-pro-basic', 'memory-pro-gru', 'multitask-gru']);
    for (const p of KPFLOW_PRESETS) for (const c of [p.full, p.quick]) {
      const T = c.periods.stimulus + c.periods.memory + c.periods.response;
      expect(c.hidden).toBeGreaterThanOrEqual(16); expect(c.hidden).toBeLessThanOrEqual(64);
      expect(T).toBeGreaterThanOrEqual(30); expect(T).toBeLessThanOrEqual(90);
      expect(c.batch).toBeGreaterThanOrEqual(8); expect(c.batch).toBeLessThanOrEqual(32);
    }
    expect(() => getKpflowPreset('nope')).toThrow(/unknown preset 'nope'/);
  });

  it('runKpflow: a tiny multi-task GRU run gives checkpoints, task alignments and a Koopman spectrum; deterministic', () => {
    const cfg = { ...getKpflowPreset('multitask-gru').quick, hidden: 8, batch: 8, steps: 10, checkpoints: 2, lanczos: 30, probes: 6, snapshotEvery: 1 };
    const r = runKpflow('multitask-gru', cfg, true);
    expect(r.checkpoints.map((c) => c.step)).toEqual([0, 10]);
    expect(r.losses).toHaveLength(11);
    const c = r.checkpoints[1];
    expect(c.taskAlignment).toHaveLength(4);
    expect(c.taskAlignment![2][2]).toBeCloseTo(1, 12);
    expect(c.taskAlignment![0][1]).toBeCloseTo(c.taskAlignment![1][0], 12);
    expect(c.misdirection.value).toBeGreaterThan(0);
    expect(c.misdirection.value).toBeLessThanOrEqual(1);
    expect(c.PKPstar.top[0]).toBeGreaterThan(0);
    expect(r.koopman.snapshots).toBe(11);
    expect(r.koopman.eigenvalues.length).toBe(r.koopman.rank);
    const again = runKpflow('multitask-gru', cfg, true);
    expect(again.checkpoints).toEqual(r.checkpoints);
  });
});
