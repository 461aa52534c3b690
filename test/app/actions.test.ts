/** Actions and worker replies against a fresh store and a fake engine (no workers in Node). */
import { beforeEach, describe, expect, it } from 'vitest';
import * as A from '../../src/app/state/actions';
import { applyKoopmanReply, applyTrainerReply, backendNotice } from '../../src/app/state/replies';
import { makeStore, type AppStore } from '../../src/app/state/store';
import type { Engine } from '../../src/app/client/engine';
import type { SpectrumReport } from '../../src/koopman/report';
import { reportToCsv, reportToJson, exportName } from '../../src/app/state/exporting';

function fakeEngine() {
  const log: unknown[] = [];
  const engine: Engine = {
    start: (config, dmd, speed) => log.push({ start: config, dmd, speed }),
    send: (m) => log.push(m),
    configure: (dmd) => log.push({ configure: dmd }),
    dispose: () => log.push('dispose'),
  };
  return { engine, log };
}

const report = (eigs: [number, number][]): SpectrumReport => ({
  source: 'live', eigenvalues: eigs,
  details: eigs.map(([re, im]) => ({ abs: Math.hypot(re, im), arg: Math.atan2(im, re), growthRate: Math.log(Math.hypot(re, im)),
    frequency: Math.atan2(im, re) / (2 * Math.PI), ct: [Math.log(Math.hypot(re, im)), Math.atan2(im, re)], amplitude: 1 })),
  singularValues: [1], rank: eigs.length, rankRule: { kind: 'rank', r: 10 }, delays: 0, runs: 1, pairs: 10, embeddedDim: 3,
  dt: 1, residual: 0, truncatedEnergy: 0, conditionNumber: 1, sketched: false, warnings: [],
});

let store: AppStore;
let fake: ReturnType<typeof fakeEngine>;
beforeEach(() => {
  store = makeStore();
  fake = fakeEngine();
  A.attachEngine(fake.engine, store);
});

describe('actions', () => {
  it('choosing a preset drops overrides and starts a run with the preset config', () => {
    A.setLearningRate(0.5);
    expect(store.getState().config.run.lr).toBe(0.5);
    A.choosePreset('quadratic', { dmd: { window: 30 } });
    expect(store.getState().config.run).toEqual({ preset: 'quadratic', quick: false });
    expect(store.getState().config.dmd.window).toBe(30);
    expect(store.getState().status.phase).toBe('starting');
    const start = fake.log.find((m) => (m as { start?: unknown }).start) as { start: { optimizer: { lr: number } } };
    expect(start.start.optimizer.lr).toBe(0.05);
  });

  it('a learning rate is applied live and a bad one gives a notice, not a message', () => {
    expect(A.setLearningRate(0.1)).toBe(true);
    expect(fake.log).toContainEqual({ type: 'setLearningRate', lr: 0.1 });
    expect(A.setLearningRate(-1)).toBe(false);
    expect(store.getState().notices.at(-1)?.kind).toBe('warning');
  });

  it('reset keeps the reached spectrum in the run list and clears the live data', () => {
    applyKoopmanReply(store, { type: 'spectrum', step: 40, snapshots: 41, report: report([[0.95, 0]]), w1FromPrevious: 0.01, memoryBytes: 10 });
    A.reset();
    expect(store.getState().runList).toHaveLength(1);
    expect(store.getState().runList[0].name).toMatch(/step 40/);
    expect(store.getState().live.spectrum).toBeUndefined();
    expect(fake.log.at(-1)).toEqual({ type: 'reset' });
  });

  it('DMD options reach the Koopman worker', () => {
    A.setDmd({ rank: { kind: 'optimal' } });
    expect(fake.log.at(-1)).toEqual({ configure: { ...store.getState().config.dmd, rank: { kind: 'optimal' } } });
  });

  it('play after divergence asks for a reset instead', () => {
    applyTrainerReply(store, { type: 'diverged', step: 12, message: 'loss Infinity' });
    A.play();
    expect(fake.log).not.toContainEqual({ type: 'play' });
    expect(store.getState().notices.map((n) => n.text).join('\n')).toMatch(/reset/);
  });
});

describe('replies', () => {
  it('a fallback backend gives a warning with how to enable WebGPU', () => {
    const n = backendNotice({ name: 'webgl', reason: 'fallback', skipped: [{ name: 'webgpu', why: 'no adapter' }] });
    expect(n?.text).toBe('WebGPU is not available in this browser (no adapter): using webgl, which is slower.');
    expect(n?.help).toMatch(/Chrome or Edge 113\+/);
    expect(backendNotice({ name: 'webgpu', reason: 'WebGPU adapter nvidia/ampere', skipped: [] })).toBeUndefined();
  });

  it('the same failure twice is one notice', () => {
    for (let i = 0; i < 2; i++) applyKoopmanReply(store, { type: 'failed', error: { name: 'Error', message: 'pca too big' } });
    expect(store.getState().notices).toHaveLength(1);
  });

  it('metrics feed the loss curve with new arrays, thinned past the cap', () => {
    const before = store.getState().live.losses;
    for (let s = 0; s < 5000; s++) applyTrainerReply(store, { type: 'metrics', metrics: { step: s, loss: 1 / (s + 1) } }, s);
    const losses = store.getState().live.losses;
    expect(losses).not.toBe(before);
    expect(losses.length).toBeLessThanOrEqual(4000);
    expect(losses.at(-1)?.step).toBe(4999);
    expect(store.getState().status.step).toBe(4999);
  });
});

describe('exports', () => {
  it('JSON is the report as the CLI prints it; CSV has the io columns', () => {
    const r = report([[0.5, 0.5], [0.5, -0.5], [0, 0]]);
    r.details[2].growthRate = null as unknown as number;
    expect(reportToJson(r)).toBe(JSON.stringify(r) + '\n');
    const csv = reportToCsv(r).trim().split('\n');
    expect(csv[0]).toBe('re,im,abs,arg,growth_rate,frequency,ct_re,ct_im,amplitude');
    expect(csv).toHaveLength(4);
    expect(csv[3].split(',')[4]).toBe('-inf');
    expect(exportName('lin.npy', 'json')).toBe('lin.spectrum.json');
  });
});

import { compareRuns } from '../../src/app/state/compare';
describe('compare', () => {
  const entry = (name: string, sets: [number, number][][]) => ({ id: name, name, origin: 'file' as const, spectra: sets.map((s) => report(s)) });
  it('one spectrum each: one W1, no verdict', () => {
    const c = compareRuns(entry('a', [[[1, 0]]]), entry('b', [[[0.5, 0]]]));
    expect(c.distances).toEqual([0.5]);
    expect(c.verdict).toBeUndefined();
    expect(c.note).toMatch(/several seeds/);
  });
  it('several seeds: rowwise W1 judged against the pooled seed spread', () => {
    const a = entry('a', [[[0.9, 0]], [[0.91, 0]], [[0.92, 0]]]);
    const b = entry('b', [[[0.5, 0]], [[0.52, 0]], [[0.51, 0]]]);
    const c = compareRuns(a, b);
    expect(c.distances).toHaveLength(3);
    expect(c.verdict?.conjugateLike).toBe(false);
    expect(c.verdict?.verdict).toMatch(/^non-conjugate: distance .*× the seed spread$/);
    expect(compareRuns(a, a).verdict?.verdict).toMatch(/^conjugate-like/);
  });
});

describe('backend notices', () => {
  it('a software WebGPU adapter passed over on purpose is info, not "not available"', () => {
    const n = backendNotice({ name: 'webgl', reason: 'WebGPU adapter is a software fallback (google/swiftshader); WebGL is faster', skipped: [] });
    expect(n?.kind).toBe('info');
    expect(n?.text).toMatch(/^WebGPU is only available as a software adapter here: using webgl/);
  });
});
