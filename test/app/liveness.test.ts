/**
 * The live page stays honest: replies of an earlier run or configuration generation never reach the store's live data,
 * notices are one per kind and cleared with the run they were about, names keep seeds and decimals, and the status
 * lines (freshness, steps/s, progress) say what the run is doing. Fresh store and a fake engine, no workers.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as A from '../../src/app/state/actions';
import { applyKoopmanReply, applyTrainerReply, pushNotice } from '../../src/app/state/replies';
import { makeStore, type AppStore } from '../../src/app/state/store';
import { exportName } from '../../src/app/state/exporting';
import { BEHIND_SNAPSHOTS, formatRate, runProgress, spectrumFreshness, stepsPerSecond } from '../../src/app/state/liveStatus';
import type { Engine } from '../../src/app/client/engine';
import type { SpectrumReport } from '../../src/koopman/report';

const report = (re: number): SpectrumReport => ({
  source: 'live', eigenvalues: [[re, 0]],
  details: [{ abs: Math.abs(re), arg: 0, growthRate: Math.log(Math.abs(re)), frequency: 0, ct: [Math.log(Math.abs(re)), 0], amplitude: 1 }],
  singularValues: [1], rank: 1, rankRule: { kind: 'rank', r: 1 }, delays: 0, runs: 1, pairs: 10, embeddedDim: 3,
  dt: 1, residual: 0, truncatedEnergy: 0, conditionNumber: 1, sketched: false, warnings: [],
});

const spectrum = (step: number, re: number, tags: { gen?: number; cfg?: number }) =>
  ({ type: 'spectrum' as const, step, snapshots: step + 1, report: report(re), w1FromPrevious: null, memoryBytes: 1, ...tags });

let store: AppStore;
let log: unknown[];
beforeEach(() => {
  store = makeStore();
  log = [];
  const engine: Engine = {
    start: (config, dmd, speed, g) => log.push({ start: config, g }),
    send: (m) => log.push(m),
    configure: (dmd, cfg) => log.push({ configure: dmd, cfg }),
    ask: () => new Promise(() => {}),
    dispose: () => {},
  };
  A.attachEngine(engine, store);
});

describe('run generations', () => {
  it('a spectrum of the previous preset that arrives after the switch is dropped; the new run\'s is shown', () => {
    A.choosePreset('quadratic');
    const { recording: q, configured: qc } = store.getState().status;
    expect(log.at(-1)).toMatchObject({ g: { gen: q, cfg: qc } });
    applyKoopmanReply(store, spectrum(74, 0.95, { gen: q, cfg: qc }));
    expect(store.getState().live.spectrumStep).toBe(74);

    A.choosePreset('spiral');
    const { recording: s, configured: sc } = store.getState().status;
    expect(s).toBe(q + 1);
    expect(store.getState().live.spectrum).toBeUndefined(); // cleared at once, not left labelled live
    // the quadratic's replies still in flight: spectrum, snapshot count, recording note, failure
    applyKoopmanReply(store, spectrum(80, 0.95, { gen: q, cfg: qc }));
    applyKoopmanReply(store, { type: 'received', count: 81, step: 80, recording: { recorded: 81, stride: 1, bytes: 8, budgetBytes: 1e9 }, gen: q });
    applyKoopmanReply(store, { type: 'recording', message: 'old run thinned', recording: { recorded: 81, stride: 2, bytes: 8, budgetBytes: 1e9 }, gen: q });
    applyKoopmanReply(store, { type: 'failed', error: { name: 'Error', message: 'old window failed' }, gen: q });
    applyTrainerReply(store, { type: 'metrics', metrics: { step: 782, loss: 0.1 }, gen: q });
    applyTrainerReply(store, { type: 'diverged', step: 782, message: 'old', gen: q });
    const st = store.getState();
    expect(st.live.spectrum).toBeUndefined();
    expect(st.live.snapshots).toBe(0);
    expect(st.live.losses).toEqual([]);
    expect(st.scrub.recorded).toBe(0);
    expect(st.status.step).toBe(0);
    expect(st.status.diverged).toBeUndefined();
    expect(st.notices).toEqual([]);

    applyKoopmanReply(store, spectrum(5, 0.5, { gen: s, cfg: sc }));
    expect(store.getState().live.spectrum?.eigenvalues).toEqual([[0.5, 0]]);
    expect(store.getState().live.spectrumStep).toBe(5);
  });

  it('reset starts a new generation, sent to the trainer; the old run\'s state still says whether it plays', () => {
    A.choosePreset('quadratic');
    const gen = store.getState().status.recording;
    applyTrainerReply(store, { type: 'state', playing: true, step: 30, gen });
    A.reset();
    expect(log.at(-1)).toEqual({ type: 'reset', gen: gen + 1 });
    applyTrainerReply(store, { type: 'metrics', metrics: { step: 31, loss: 1 }, gen });
    applyTrainerReply(store, { type: 'state', playing: false, step: 31, gen });
    expect(store.getState().status).toMatchObject({ playing: false, step: 0 });
    expect(store.getState().live.losses).toEqual([]);
    applyTrainerReply(store, { type: 'state', playing: false, step: 0, gen: gen + 1 });
    applyTrainerReply(store, { type: 'metrics', metrics: { step: 1, loss: 1 }, gen: gen + 1 });
    expect(store.getState().live.losses.map((p) => p.step)).toEqual([1]);
  });

  it('a spectrum fitted with the DMD options of before a change is dropped', () => {
    A.choosePreset('quadratic');
    const { recording: gen, configured: cfg } = store.getState().status;
    A.setDmd({ delays: 2 });
    expect(log.at(-1)).toMatchObject({ cfg: cfg + 1 });
    applyKoopmanReply(store, spectrum(10, 0.9, { gen, cfg }));
    expect(store.getState().live.spectrum).toBeUndefined();
    applyKoopmanReply(store, spectrum(10, 0.9, { gen, cfg: cfg + 1 }));
    expect(store.getState().live.spectrumStep).toBe(10);
  });

  it('a gallery run plays as soon as it is set up (play is sent after start)', () => {
    A.runPreset('momentum', { dmd: { delays: 1 } });
    const start = log.findIndex((m) => (m as { start?: unknown }).start);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(log.slice(start + 1)).toContainEqual({ type: 'play' });
    expect(store.getState().config.dmd.delays).toBe(1);
  });
});

describe('notices', () => {
  it('one backend notice, replaced when another model gets another backend, gone with hardware WebGPU', () => {
    const ready = (name: 'wasm' | 'webgl' | 'webgpu', reason: string) => applyTrainerReply(store, {
      type: 'ready', backend: { name, reason, skipped: name === 'webgpu' ? [] : [{ name: 'webgpu', why: 'no adapter' }] },
      params: [], observed: [], runs: 1, modelSize: 3,
    });
    ready('wasm', 'fallback');
    ready('webgl', 'CNNs stay off wasm');
    expect(store.getState().notices.map((n) => n.text)).toEqual(['WebGPU is not available in this browser (no adapter): using webgl, which is slower.']);
    ready('webgpu', 'WebGPU adapter nvidia/ampere');
    expect(store.getState().notices).toEqual([]);
  });

  it('notices about the run are cleared when another preset starts or the run is reset; others stay', () => {
    A.choosePreset('quadratic');
    const gen = store.getState().status.recording;
    applyTrainerReply(store, { type: 'failed', error: { name: 'Error', message: 'could not load http://x/data/mnist/a (HTTP 404)' }, gen });
    pushNotice(store, { kind: 'info', text: 'OMD vs OGD: W1 = 0.008' });
    A.choosePreset('spiral');
    expect(store.getState().notices.map((n) => n.text)).toEqual(['OMD vs OGD: W1 = 0.008']);
    applyTrainerReply(store, { type: 'diverged', step: 3, message: 'loss Infinity', gen: gen + 1 });
    A.reset();
    expect(store.getState().notices.map((n) => n.text)).toEqual(['OMD vs OGD: W1 = 0.008']);
  });
});

describe('names', () => {
  it('exported file names keep decimals and run names the seed', () => {
    expect(exportName('spiral lr 0.05 @ step 40', 'json')).toBe('spiral_lr_0.05_step_40.spectrum.json');
    expect(exportName('run.v2.npz', 'csv')).toBe('run.v2.spectrum.csv');
    A.choosePreset('spiral');
    A.setLearningRate(0.05);
    expect(A.currentRunName()).toBe('spiral seed 0 lr 0.05 @ step 0');
    A.setRunOptions({ initSeed: 7 });
    expect(A.currentRunName()).toMatch(/^spiral seed 7 lr 0\.05 @ step 0$/);
  });
});

describe('status lines', () => {
  it('steps per second over the last points', () => {
    expect(stepsPerSecond([])).toBeUndefined();
    const pts = Array.from({ length: 50 }, (_, i) => ({ step: 10 * i, loss: 1, t: 100 * i }));
    expect(stepsPerSecond(pts)).toBeCloseTo(100, 6);
    // a heavy model: one step every 25 s, still a rate (from the last two points)
    expect(stepsPerSecond([{ step: 1, loss: 1, t: 0 }, { step: 2, loss: 1, t: 25_000 }, { step: 2, loss: 1, t: 25_100 }])).toBeCloseTo(1 / 25.1, 9);
    expect(stepsPerSecond([{ step: 2, loss: 1, t: 0 }, { step: 2, loss: 1, t: 100 }])).toBeUndefined();
    expect(formatRate(0.04)).toBe('25.0 s/step');
    expect(formatRate(135.2)).toBe('135 steps/s');
    expect(formatRate(undefined)).toBe('— steps/s');
  });

  it('the spectrum says its run and step, and when the analysis falls behind', () => {
    A.choosePreset('quadratic'); // snapshot every step
    const { recording: gen, configured: cfg } = store.getState().status;
    expect(runProgress(store.getState())?.message).toMatch(/starting/);
    applyKoopmanReply(store, spectrum(740, 0.95, { gen, cfg }));
    applyTrainerReply(store, { type: 'state', playing: true, step: 745, gen });
    let f = spectrumFreshness(store.getState());
    expect(f).toEqual({ text: `run #${gen} quadratic seed 0: spectrum at step 740, training at step 745`, behind: false });
    applyTrainerReply(store, { type: 'state', playing: true, step: 740 + BEHIND_SNAPSHOTS + 22, gen });
    f = spectrumFreshness(store.getState());
    expect(f.behind).toBe(true);
    expect(f.text).toMatch(/spectrum at step 740, training at step 782 — the analysis is 42 steps behind/);
    // a watched stream recorded every 10 steps: 42 steps are ~4 snapshots, not behind; its own Δt counts, not the preset's
    store.setState({ watch: { run: 'seed-1', gen, every: 10 } });
    f = spectrumFreshness(store.getState());
    expect(f.behind).toBe(false);
    expect(f.text).toMatch(/run #\d+ seed-1 \(watched\): spectrum at step 740, training at step 782$/);
  });
});
