/** Actions and worker replies against a fresh store and a fake engine (no workers in Node). */
import { beforeEach, describe, expect, it } from 'vitest';
import * as A from '../../src/app/state/actions';
import { applyKoopmanReply, applyTrainerReply, backendNotice } from '../../src/app/state/replies';
import { makeStore, type AppStore } from '../../src/app/state/store';
import type { Engine } from '../../src/app/client/engine';
import type { SpectrumReport } from '../../src/koopman/report';
import { reportToCsv, reportToJson, exportName } from '../../src/app/state/exporting';

/** A fake engine: `ask` questions wait in `asked` until the test answers (or fails) them. */
function fakeEngine() {
  const log: unknown[] = [];
  const asked: { m: { type: string } & Record<string, unknown>; answer: (r: unknown) => void; fail: (e: Error) => void }[] = [];
  const engine: Engine = {
    start: (config, dmd, speed) => log.push({ start: config, dmd, speed }),
    send: (m) => log.push(m),
    configure: (dmd) => log.push({ configure: dmd }),
    ask: (m) => new Promise((resolve, reject) => {
      log.push({ ask: m });
      asked.push({ m: m as never, answer: resolve as (r: unknown) => void, fail: reject });
    }),
    dispose: () => log.push('dispose'),
  };
  return { engine, log, asked };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

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

  it('while a watched stream is shown, Play, Step and Reset say why they do nothing; a preset trains in the page again', () => {
    A.choosePreset('quadratic');
    const { status } = store.getState();
    store.setState({ watch: { run: 'seed-1', gen: status.recording + 1, every: 1 }, status: { ...status, phase: 'ready', recording: status.recording + 1 } });
    const before = fake.log.length;
    A.togglePlay();
    A.step(1);
    A.reset();
    expect(fake.log.length).toBe(before); // nothing sent to a trainer that is not there
    const notes = store.getState().notices.filter((n) => n.key === 'watch-transport');
    expect(notes).toHaveLength(1);
    expect(notes[0].text).toMatch(/seed-1 is trained by its own script/);
    expect(store.getState().status.recording).toBe(status.recording + 1); // Reset did not empty the watched view
    A.startRun();
    A.play();
    expect(fake.log.at(-1)).toEqual({ type: 'play' });
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
    expect(fake.log.at(-1)).toEqual({ type: 'reset', gen: store.getState().status.recording });
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
  it('one spectrum each: one W1, inconclusive without a reference, judged with one', () => {
    const c = compareRuns(entry('a', [[[1, 0]]]), entry('b', [[[0.5, 0]]]));
    expect(c.distances).toEqual([0.5]);
    expect(c.verdict.kind).toBe('none');
    expect(c.verdict.verdict).toMatch(/^inconclusive: one spectrum per side/);
    const r = compareRuns(entry('a', [[[1, 0]]]), entry('b', [[[0.99, 0]]]), entry('c', [[[0.2, 0]]]));
    expect(r.verdict.kind).toBe('reference');
    expect(r.verdict.label).toBe('conjugate-like');
    expect(r.verdict.verdict).toMatch(/0\.013× W1\(a, c\)/);
  });
  it('several seeds: the permutation test over seeds, in the same words as the CLI', () => {
    const seeds = (base: number, n: number) => Array.from({ length: n }, (_, i) => [[base + 0.01 * ((i * 7) % 11), 0]] as [number, number][]);
    // 3 + 3 seeds cannot reach p < 0.01 (smallest p = 2/C(6,3) = 0.1), however far apart
    const c3 = compareRuns(entry('a', seeds(0.9, 3)), entry('b', seeds(0.5, 3)));
    expect(c3.distances).toHaveLength(3);
    expect(c3.verdict.label).toBe('inconclusive');
    expect(c3.verdict.verdict).toMatch(/at least 5 seeds per configuration/);
    // 6 + 6 seeds far apart: non-conjugate; a run against itself: conjugate-like
    const a = entry('a', seeds(0.9, 6)), b = entry('b', seeds(0.5, 6));
    expect(compareRuns(a, b).verdict.label).toBe('non-conjugate');
    expect(compareRuns(a, b).verdict.verdict).toMatch(/^non-conjugate: between\/within W1 = /);
    // a run against itself, with enough seeds that R's interval stays below the cut-off: conjugate-like
    const many = entry('m', seeds(0.9, 12));
    expect(compareRuns(many, many).verdict.verdict).toMatch(/^conjugate-like/);
    // different seed counts: every cross pair
    expect(compareRuns(entry('a', seeds(0.9, 6)), entry('b', seeds(0.5, 5))).pairing).toBe('every cross pair');
  });
});

describe('backend notices', () => {
  it('a software WebGPU adapter passed over on purpose is info, not "not available"', () => {
    const n = backendNotice({ name: 'webgl', reason: 'WebGPU adapter is a software fallback (google/swiftshader); WebGL is faster', skipped: [] });
    expect(n?.kind).toBe('info');
    expect(n?.text).toMatch(/^WebGPU is only available as a software adapter here: using webgl/);
  });
});

describe('scrubbing', () => {
  const at = (end: number, step: number, eig: [number, number][]) => ({
    type: 'spectrumAt' as const, id: 0, start: Math.max(0, end - 64), end, stepStart: 0, step, recorded: 100, stride: 1,
    report: report(eig), w1FromPrevious: 0.01,
  });

  it('received replies size the scrubber; a thinning is an info notice', () => {
    applyKoopmanReply(store, { type: 'received', count: 5, step: 4, recording: { recorded: 5, stride: 1, bytes: 100, budgetBytes: 1000 } });
    expect(store.getState().scrub).toMatchObject({ recorded: 5, stride: 1, bytes: 100 });
    applyKoopmanReply(store, { type: 'recording', message: 'The recording reached its memory budget', recording: { recorded: 3, stride: 2, bytes: 60, budgetBytes: 100 } });
    expect(store.getState().scrub.stride).toBe(2);
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'info', text: 'The recording reached its memory budget' });
  });

  it('one request in flight; of the moves meanwhile only the latest is asked; live spectra wait for Back to live', async () => {
    applyKoopmanReply(store, { type: 'spectrum', step: 99, snapshots: 100, report: report([[0.9, 0]]), w1FromPrevious: null, memoryBytes: 1 });
    A.scrubTo(50);
    A.scrubTo(51);
    A.scrubTo(52);
    expect(fake.asked.map((a) => a.m)).toEqual([{ type: 'spectrumAt', end: 50 }]);
    expect(store.getState().scrub.end).toBe(52);          // the slider follows at once
    fake.asked[0].answer(at(50, 49, [[0.5, 0]]));
    await flush();
    expect(fake.asked.map((a) => a.m.end)).toEqual([50, 52]);
    expect(store.getState().live.spectrum?.eigenvalues).toEqual([[0.5, 0]]);
    expect(store.getState().live.spectrumStep).toBe(49);
    // a live spectrum arriving now does not replace the scrubbed one, but the W1 timeline goes on
    applyKoopmanReply(store, { type: 'spectrum', step: 100, snapshots: 101, report: report([[0.8, 0]]), w1FromPrevious: 0.1, memoryBytes: 1 });
    expect(store.getState().live.spectrum?.eigenvalues).toEqual([[0.5, 0]]);
    expect(store.getState().live.w1.at(-1)).toEqual({ step: 100, w1: 0.1 });
    fake.asked[1].answer(at(52, 51, [[0.6, 0]]));
    await flush();
    expect(store.getState().scrub.shown).toMatchObject({ end: 52, step: 51, w1: 0.01 });
    A.backToLive();
    expect(store.getState().scrub.end).toBeUndefined();
    expect(store.getState().live.spectrum?.eigenvalues).toEqual([[0.8, 0]]);
    expect(store.getState().live.spectrumStep).toBe(100);
  });

  it('an answer after Back to live or a reset is dropped; a failure is shown with the slider', async () => {
    A.scrubTo(10);
    A.backToLive();
    fake.asked[0].answer(at(10, 9, [[0.1, 0]]));
    await flush();
    expect(store.getState().live.spectrum).toBeUndefined();
    A.scrubTo(2);
    fake.asked[1].fail(new Error('at least 3 snapshots are needed'));
    await flush();
    expect(store.getState().scrub.error).toMatch(/at least 3/);
    A.scrubTo(20);
    A.reset();
    fake.asked[2].answer(at(20, 19, [[0.2, 0]]));
    await flush();
    expect(store.getState().live.spectrum).toBeUndefined();
    expect(store.getState().scrub.end).toBeUndefined();
  });

  it('new DMD options refit the scrubbed window', () => {
    A.scrubTo(30);
    fake.asked[0].answer(at(30, 29, [[0.1, 0]]));
    return flush().then(() => {
      A.setDmd({ delays: 1 });
      expect(fake.log.at(-1)).toEqual({ ask: { type: 'spectrumAt', end: 30 } });
    });
  });
});

describe('trained ensembles and export', () => {
  it('an ensemble added to the run list gets one spectrum per run, and Compare gives a seed verdict', async () => {
    applyTrainerReply(store, { type: 'ready', backend: { name: 'webgpu', reason: 'hardware', skipped: [] }, params: [], observed: [], runs: 3, modelSize: 10 });
    applyKoopmanReply(store, { type: 'spectrum', step: 40, snapshots: 41, report: report([[0.9, 0]]), w1FromPrevious: null, memoryBytes: 1 });
    expect(A.addCurrentRunToList()).toBe(true);
    const id = store.getState().runList[0].id;
    expect(store.getState().runList[0]).toMatchObject({ origin: 'trained', step: 40, recording: 0, seedsPending: true });
    expect(fake.asked[0].m).toEqual({ type: 'seedSpectra', step: 40 });
    fake.asked[0].answer({ type: 'seedSpectra', id: 1, step: 40, from: 'live', reports: [report([[0.9, 0]]), report([[0.91, 0]]), report([[0.92, 0]])] });
    await flush();
    const a = store.getState().runList.find((r) => r.id === id)!;
    expect(a.spectra).toHaveLength(3);
    expect(a.ensemble?.eigenvalues).toEqual([[0.9, 0]]);
    expect(a.seedsPending).toBe(false);
    expect(a.spectra[2].source).toMatch(/\[run 2\]$/);
    // a second ensemble, further away than the seed spread
    applyKoopmanReply(store, { type: 'spectrum', step: 80, snapshots: 81, report: report([[0.5, 0]]), w1FromPrevious: null, memoryBytes: 1 });
    A.addCurrentRunToList();
    fake.asked[1].answer({ type: 'seedSpectra', id: 2, step: 80, from: 'live', reports: [report([[0.5, 0]]), report([[0.52, 0]]), report([[0.51, 0]])] });
    await flush();
    const [ra, rb] = store.getState().runList;
    const c = compareRuns(ra, rb);
    expect(c.distances).toHaveLength(3);
    expect(c.nulls).toHaveLength(2);
    // 3 + 3 seeds: the permutation test cannot reach p < 0.01, so the verdict says how many seeds it needs
    expect(c.verdict.verdict).toMatch(/^inconclusive: 3 \+ 3 seeds cannot reach p < 0\.01/);
  });

  it('a single run asks for no seed spectra; a failed ask keeps the ensemble fit with a notice', async () => {
    applyKoopmanReply(store, { type: 'spectrum', step: 10, snapshots: 11, report: report([[0.9, 0]]), w1FromPrevious: null, memoryBytes: 1 });
    A.addCurrentRunToList();
    expect(fake.asked).toHaveLength(0);
    store.setState({ status: { ...store.getState().status, runs: 2 } });
    applyKoopmanReply(store, { type: 'spectrum', step: 12, snapshots: 13, report: report([[0.8, 0]]), w1FromPrevious: null, memoryBytes: 1 });
    A.addCurrentRunToList();
    fake.asked[0].fail(new Error('the window ending at step 12 is no longer held'));
    await flush();
    expect(store.getState().runList[1]).toMatchObject({ seedsPending: false });
    expect(store.getState().runList[1].spectra).toHaveLength(1);
    expect(store.getState().notices.at(-1)?.text).toMatch(/no longer held/);
  });

  it('export asks the Koopman worker with the run config and saves the bytes under a run name', async () => {
    A.setRunOptions({ preset: 'quadratic', quick: true });
    store.setState({ status: { ...store.getState().status, step: 120 } });
    const saved: [string, Uint8Array][] = [];
    const done = A.exportTrajectory((name, bytes) => saved.push([name, bytes]));
    expect(store.getState().status.exporting).toBe(true);
    const q = fake.asked[0].m as { type: string; name: string; meta: { preset: string; config: { optimizer: unknown } } };
    expect(q.type).toBe('export');
    expect(q.name).toBe('quadratic-quick-step120.npz');
    expect(q.meta.preset).toBe('quadratic');
    expect(q.meta.config.optimizer).toBeDefined();
    fake.asked[0].answer({ type: 'exported', id: 1, bytes: new Uint8Array([1, 2, 3]), snapshots: 10, runs: 1, stride: 2 });
    await done;
    expect(saved).toEqual([['quadratic-quick-step120.npz', new Uint8Array([1, 2, 3])]]);
    expect(store.getState().status.exporting).toBe(false);
    expect(store.getState().notices.at(-1)?.text).toMatch(/every 2nd of the run/);
  });

  it('answers to asks that reach the reply handler are ignored', () => {
    const before = store.getState();
    applyKoopmanReply(store, { type: 'exported', id: 9, bytes: new Uint8Array(1), snapshots: 1, runs: 1, stride: 1 });
    expect(store.getState()).toBe(before);
  });
});

describe('createActions', () => {
  it('instances over two stores are isolated, and the job clients can be faked', async () => {
    const s1 = makeStore(), s2 = makeStore();
    const spectrum = report([[0.9, 0], [0.5, 0.1]]);
    const a1 = A.createActions(s1, {
      runOmdOgd: async () => ({ spectra: { omd: spectrum, ogd: spectrum, bisection: spectrum }, distances: { omd_ogd: 0.01, omd_bisection: 0.5, ogd_bisection: 0.5 } }),
    });
    const a2 = A.createActions(s2);
    a1.toggleHelp(true);
    expect(s1.getState().help).toBe(true);
    expect(s2.getState().help).toBe(false);
    await a1.runOmdOgdDemo();
    expect(s1.getState().runList.map((r) => r.name)).toEqual(['OMD (paper 1)', 'OGD (paper 1)', 'bisection (paper 1)']);
    expect(s2.getState().runList).toEqual([]);
    a2.addNotice({ kind: 'info', text: 'only here' });
    expect(s2.getState().notices.map((n) => n.text)).toEqual(['only here']);
    expect(s1.getState().notices.some((n) => n.text === 'only here')).toBe(false);
  });
});
