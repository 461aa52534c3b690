/**
 * "Build your own" runs (preset 'custom'): the URL round trip (and malformed links), RunConfig → TrainConfig for each
 * model kind, pre-filling from presets, and the rejection of invalid combinations.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src/train/tf';
import { buildModel } from '../../src/train/models/index';
import { makeDataset } from '../../src/train/data/index';
import { Trainer } from '../../src/train/trainer';
import { PRESETS, presetConfig } from '../../src/train/presets';
import type { Dataset } from '../../src/train/types';
import * as A from '../../src/app/state/actions';
import {
  DATA_FOR_MODEL, MODEL_KINDS, customFromTrain, customProblems, defaultCustom, defaultData, defaultModel, defaultOptimizer,
  parameterNames, withModelKind, type CustomConfig, type CustomModel,
} from '../../src/app/state/custom';
import { cliCommand, trainConfigFor } from '../../src/app/state/runConfig';
import { makeStore, type AppStore, type RunConfig } from '../../src/app/state/store';
import { defaultConfig, encodeHash, parseHash } from '../../src/app/state/url';

const custom = (patch: Partial<CustomConfig> = {}): CustomConfig => ({ ...defaultCustom(), ...patch });
const withRun = (run: RunConfig) => { const c = defaultConfig(); c.run = run; return c; };

/** One valid custom configuration per model kind and per data set and optimizer kind. */
const EXAMPLES: CustomConfig[] = [
  custom({ model: { kind: 'mlp', hidden: [32, 8], activation: 'gelu', bias: false }, data: { kind: 'circles', n: 300, noise: 0.25 } }),
  custom({ model: { kind: 'mlp', hidden: [], activation: 'linear', bias: true }, data: { kind: 'xor', n: 100, noise: 0 }, optimizer: defaultOptimizer('sgd', 0.5) }),
  custom({ data: { kind: 'gaussians', n: 64, noise: 1.5 }, optimizer: { kind: 'momentum', lr: 0.02, beta: 0.95 }, batchSize: 16 }),
  custom({ data: { kind: 'regression1d', n: 128, fn: 'step', noise: 0.05 }, optimizer: { kind: 'adamw', lr: 0.003, beta1: 0.8, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 } }),
  custom({ data: { kind: 'regression2d', n: 200, fn: 'sincos', noise: 0 }, steps: 12345, initScale: 0.5, perturbation: 0.2 }),
  custom({ model: { kind: 'mlp', hidden: [10], activation: 'relu', bias: false }, data: { kind: 'mnist', train: 60000, test: 2000, normalize: 'paper' }, batchSize: 60, batchOrder: 'fixed' }),
  custom({ model: { kind: 'cnn', channels: [4, 8], hidden: 32 }, data: { kind: 'mnist', train: 500, test: 100, normalize: 'unit' }, batchSize: 32 }),
  custom({
    model: { kind: 'transformer', dModel: 16, dMlp: 32, heads: 2, dHead: 8 }, data: { kind: 'modular', p: 23, trainFraction: 0.5 },
    optimizer: { kind: 'constrained', inner: { kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.98, eps: 1e-8 } }, initScale: 0.8,
  }),
  custom({ model: { kind: 'quadratic', curvatures: [-0.5, 2, 7.5] }, data: { kind: 'none' }, optimizer: defaultOptimizer('sgd', 0.1) }),
];

describe('custom runs in the URL', () => {
  it('round-trip for every model, data set and optimizer kind, with the run overrides', () => {
    for (const c of EXAMPLES) {
      const config = withRun({ preset: 'custom', quick: false, custom: c, initSeed: 3, runs: 4, snapshotEvery: 2, lr: 0.007 });
      const h = encodeHash(config);
      expect(h).toMatch(/preset=custom&.*model=/);
      expect(h).not.toMatch(/%3A|%2C/);
      expect(parseHash(h), h).toEqual({ config, problems: [] });
    }
  });

  it('writes readable values', () => {
    const h = encodeHash(withRun({ preset: 'custom', quick: false, custom: defaultCustom() }));
    expect(h).toBe('#v=1&preset=custom&model=mlp:16,16:tanh:bias&data=spiral:400:0.1&opt=adam:0.01&batch=full&steps=1000');
    expect(encodeHash(withRun({ preset: 'custom', quick: false, custom: EXAMPLES[7] })))
      .toContain('model=transformer:16:32:2:8&data=modular:23:0.5&opt=constrained:adam:0.001:0.9:0.98&batch=full&steps=1000&scale=0.8');
  });

  it('drops a malformed value to that part\'s default, with a problem', () => {
    const base = '#v=1&preset=custom&model=mlp:8:relu:bias&data=spiral:100:0.1&opt=sgd:0.1&batch=full&steps=50';
    expect(parseHash(base).problems).toEqual([]);
    const d = defaultCustom();
    const cases: [string, string, (c: CustomConfig) => unknown, unknown][] = [
      ['model', 'mlp:8,x:relu:bias', (c) => c.model, d.model],
      ['model', 'mlp:8:swish:bias', (c) => c.model, d.model],
      ['model', 'mlp:0:relu:bias', (c) => c.model, d.model],
      ['data', 'spiral:-5:0.1', (c) => c.data, d.data],
      ['data', 'spiral:100', (c) => c.data, d.data],
      ['data', 'regression1d:tan:100:0.1', (c) => c.data, d.data],
      ['opt', 'sgd:-1', (c) => c.optimizer, d.optimizer],
      ['opt', 'adam:0.01:0.9', (c) => c.optimizer, d.optimizer],
      ['opt', 'constrained:sgd:0.1', (c) => c.optimizer, d.optimizer],
      ['opt', 'rmsprop:0.1', (c) => c.optimizer, d.optimizer],
      ['batch', '0', (c) => c.batchSize, d.batchSize],
      ['batch', 'half', (c) => c.batchSize, d.batchSize],
      ['order', 'random', (c) => c.batchOrder, 'shuffled'],
      ['steps', '1e3', (c) => c.steps, d.steps],
      ['scale', '-1', (c) => c.initScale, 1],
      ['perturb', '1', (c) => c.perturbation, 0.001],
    ];
    for (const [key, bad, part, want] of cases) {
      const q = new URLSearchParams(base.slice(1));
      q.set(key, bad);
      const { config, problems } = parseHash('#' + q.toString());
      expect(config.run.preset).toBe('custom');
      expect(part(config.run.custom!), `${key}=${bad}`).toEqual(want);
      expect(problems, `${key}=${bad}`).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${key}=".*" is not valid`));
    }
  });

  it('an invalid combination gives the default custom run, a missing part its default, stray keys a problem', () => {
    const cnnOnSpiral = parseHash('#v=1&preset=custom&model=cnn:6,16:120&data=spiral:100:0.1&opt=sgd:0.1&batch=full&steps=50');
    expect(cnnOnSpiral.config.run.custom).toEqual(defaultCustom());
    expect(cnnOnSpiral.problems.join('\n')).toMatch(/custom run is not valid \(a cnn trains on mnist, not spiral\)/);
    const quadraticBatch = parseHash('#v=1&preset=custom&model=quadratic:1,2&data=none&opt=sgd:0.1&batch=8&steps=50');
    expect(quadraticBatch.config.run.custom).toEqual(defaultCustom());
    // no data key: the model's first data set
    const noData = parseHash('#v=1&preset=custom&model=transformer:8:16:1:8&opt=sgd:0.1&batch=full&steps=5');
    expect(noData.config.run.custom?.data).toEqual(defaultData('modular'));
    expect(noData.problems).toEqual(['preset=custom without data=: the default data is used']);
    // only preset=custom: the spiral preset's settings
    expect(parseHash('#v=1&preset=custom').config.run.custom).toEqual(defaultCustom());
    const stray = parseHash('#v=1&preset=quadratic&model=mlp:8:relu:bias&steps=5');
    expect(stray.config.run).toEqual({ preset: 'quadratic', quick: false });
    expect(stray.problems).toEqual(['model, steps only apply to preset=custom: ignored']);
    // observe that names no parameter of the model: dropped
    const observe = parseHash('#v=1&preset=custom&model=quadratic:1&data=none&opt=sgd:0.1&batch=full&steps=5&observe=fc2.weight');
    expect(observe.config.run.observe).toBeUndefined();
    expect(observe.problems.join('\n')).toMatch(/fc2\.weight is no parameter name or prefix \(w\)/);
  });

  it('never throws on garbage', () => {
    const keys = ['model', 'data', 'opt', 'batch', 'order', 'steps', 'scale', 'perturb'];
    const junk = ['', ':', '::::', 'mlp', 'mlp:::', 'cnn:1:2', 'cnn:1,2,3:4', 'transformer:1:2:3', 'quadratic:', 'quadratic:,,',
      'modular:1e9:0.5', 'mnist:1:2:3:4', 'constrained:constrained:adam:1', 'adam:NaN', 'x'.repeat(500), '%E0%A4%A', 'none:1'];
    for (const k of keys) for (const j of junk) {
      const h = `#v=1&preset=custom&${k}=${j}`;
      expect(() => parseHash(h), h).not.toThrow();
      const { config } = parseHash(h);
      expect(customProblems(config.run.custom), h).toEqual([]);
      expect(() => trainConfigFor(config.run), h).not.toThrow();
    }
  });
});

describe('custom RunConfig → TrainConfig', () => {
  it('builds the trainer config of each model kind, with the overrides', () => {
    const got = (c: CustomConfig, o: Partial<RunConfig> = {}) => trainConfigFor({ preset: 'custom', quick: false, custom: c, ...o });
    expect(got(EXAMPLES[0])).toEqual({
      model: { kind: 'mlp', hidden: [32, 8], activation: 'gelu', bias: false }, data: { kind: 'circles', n: 300, noise: 0.25 },
      optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, batchSize: 'full', steps: 1000,
      initSeed: 0, dataSeed: 0, snapshotEvery: 1, observe: 'all', ensemble: undefined,
    });
    expect(got(EXAMPLES[6], { runs: 3, initSeed: 5, observe: 'fc2' })).toEqual({
      model: { kind: 'cnn', channels: [4, 8], hidden: 32 }, data: { kind: 'mnist', train: 500, test: 100, normalize: 'unit' },
      optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, batchSize: 32, steps: 1000,
      initSeed: 5, dataSeed: 0, snapshotEvery: 1, observe: ['fc2'], ensemble: { runs: 3, perturbation: 0.001 },
    });
    expect(got(EXAMPLES[7], { lr: 0.002, dataSeed: 16 })).toEqual({
      model: { kind: 'transformer', dModel: 16, dMlp: 32, heads: 2, dHead: 8 }, data: { kind: 'modular', p: 23, trainFraction: 0.5 },
      optimizer: { kind: 'constrained', inner: { kind: 'adam', lr: 0.002, beta1: 0.9, beta2: 0.98, eps: 1e-8 } }, batchSize: 'full', steps: 1000,
      initScale: 0.8, initSeed: 0, dataSeed: 16, snapshotEvery: 1, observe: 'all', ensemble: undefined,
    });
    expect(got(EXAMPLES[8], { runs: 5, snapshotEvery: 3 })).toEqual({
      model: { kind: 'quadratic', curvatures: [-0.5, 2, 7.5] }, data: { kind: 'none' }, optimizer: { kind: 'sgd', lr: 0.1 },
      batchSize: 'full', steps: 1000, initSeed: 0, dataSeed: 0, snapshotEvery: 3, observe: 'all', ensemble: { runs: 5, perturbation: 0.001 },
    });
    // the config is a copy: the trainer cannot change the store's
    const c = EXAMPLES[0];
    const t = got(c);
    (t.model as { hidden: number[] }).hidden.push(1);
    expect(c.model).toEqual({ kind: 'mlp', hidden: [32, 8], activation: 'gelu', bias: false });
    expect(cliCommand({ preset: 'custom', quick: false, custom: c })).toBeUndefined();
  });

  it('a preset turned into a custom run trains the same config (every preset, both variants, with overrides)', () => {
    for (const p of PRESETS) for (const quick of [false, true]) {
      const run: RunConfig = { preset: p.name, quick, initSeed: 9, lr: 0.003 };
      const from = customFromTrain(trainConfigFor(run));
      const asCustom: RunConfig = { preset: 'custom', quick: false, custom: from.custom, initSeed: from.initSeed, dataSeed: from.dataSeed,
        runs: from.runs, snapshotEvery: from.snapshotEvery, observe: from.observe };
      expect(customProblems(from.custom), p.name).toEqual([]);
      expect(trainConfigFor(asCustom), `${p.name}${quick ? ' quick' : ''}`).toEqual(trainConfigFor(run));
      expect(parseHash(encodeHash(withRun(asCustom))).config.run, p.name).toEqual(asCustom);
    }
  });

  it('every example (but MNIST, which needs the data files) trains: a few steps with finite losses', async () => {
    await tf.setBackend('cpu');
    for (const c of EXAMPLES.filter((x) => x.data.kind !== 'mnist')) {
      const config = trainConfigFor({ preset: 'custom', quick: false, custom: c, runs: 2 });
      const trainer = new Trainer(config, makeDataset(config.data, config.dataSeed));
      const m = await trainer.train(2);
      expect(Number.isFinite(m.loss), c.model.kind).toBe(true);
      trainer.dispose();
    }
  });

  it('names the parameters as the model builders do', async () => {
    await tf.setBackend('cpu');
    const fake = (inputShape: number[], outputs: number, vocab?: number): Dataset => ({
      spec: { kind: 'none' }, task: 'classification', inputShape, outputs, vocab, nTrain: 1, nTest: 1,
      xTrain: new Float32Array(0), yTrain: new Int32Array(0), xTest: new Float32Array(0), yTest: new Int32Array(0),
    });
    const cases: [CustomModel, Dataset][] = [
      [{ kind: 'mlp', hidden: [3, 4], activation: 'relu', bias: true }, fake([2], 2)],
      [{ kind: 'mlp', hidden: [3], activation: 'relu', bias: false }, fake([2], 2)],
      [defaultModel('cnn'), fake([28, 28, 1], 10)],
      [defaultModel('transformer'), fake([3], 7, 8)],
      [defaultModel('quadratic'), { ...fake([], 0), task: 'none' }],
    ];
    for (const [spec, data] of cases) {
      const m = buildModel(spec, data, 0);
      expect(parameterNames(spec), spec.kind).toEqual(m.params.map((p) => p.name));
      m.dispose();
    }
  });
});

describe('invalid custom runs are refused', () => {
  const bad: [string, CustomConfig, RegExp][] = [
    ['cnn on spiral', custom({ model: defaultModel('cnn') }), /a cnn trains on mnist, not spiral/],
    ['transformer on mnist', custom({ model: defaultModel('transformer'), data: defaultData('mnist') }), /a transformer trains on modular/],
    ['quadratic on data', custom({ model: defaultModel('quadratic') }), /a quadratic trains on none/],
    ['mlp on modular', custom({ data: defaultData('modular') }), /a mlp trains on .*, not modular/],
    ['mlp without data', custom({ data: { kind: 'none' } }), /not none/],
    ['quadratic with a batch', custom({ model: defaultModel('quadratic'), data: { kind: 'none' }, batchSize: 8 }), /batch is full/],
    ['too much MNIST', custom({ data: { kind: 'mnist', train: 70000, test: 5000 } }), /training images.*test images/],
    ['a batch above the rows', custom({ batchSize: 400 }), /batch size: 'full' or a whole number from 1 to 320/],
    ['a bad width', custom({ model: { kind: 'mlp', hidden: [16, NaN], activation: 'tanh', bias: true } }), /hidden widths/],
    ['no curvatures', custom({ model: { kind: 'quadratic', curvatures: [] }, data: { kind: 'none' } }), /curvatures/],
    ['constrained SGD', custom({ optimizer: { kind: 'constrained', inner: { kind: 'sgd', lr: 0.1 } } }), /constrained wraps Adam/],
    ['lr 0', custom({ optimizer: defaultOptimizer('sgd', 0) }), /learning rate/],
    ['momentum 1', custom({ optimizer: { kind: 'momentum', lr: 0.1, beta: 1 } }), /β/],
    ['p = 1', custom({ model: defaultModel('transformer'), data: { kind: 'modular', p: 1, trainFraction: 0.3 } }), /p: a whole number/],
    ['fraction 1', custom({ model: defaultModel('transformer'), data: { kind: 'modular', p: 7, trainFraction: 1 } }), /train fraction/],
    ['0 steps', custom({ steps: 0 }), /steps/],
  ];

  let store: AppStore;
  let started: unknown[];
  beforeEach(() => {
    store = makeStore();
    started = [];
    A.attachEngine({ start: (c) => started.push(c), send: () => {}, configure: () => {}, ask: () => new Promise(() => {}), dispose: () => {} }, store);
  });

  it('by the validation, by trainConfigFor and by applyCustom (which never starts a run for them)', () => {
    for (const [what, c, message] of bad) {
      const problems = customProblems(c);
      expect(problems.map((p) => p.message).join('; '), what).toMatch(message);
      expect(() => trainConfigFor({ preset: 'custom', quick: false, custom: c }), what).toThrow(/the custom run is not valid/);
      expect(A.applyCustom(c), what).toBe(false);
    }
    expect(started).toEqual([]);
    expect(store.getState().notices).toHaveLength(bad.length);
    expect(store.getState().config.run).toEqual({ preset: 'spiral', quick: false });
    expect(() => trainConfigFor({ preset: 'custom', quick: false })).toThrow(/no custom configuration/);
    expect(A.applyCustom(defaultCustom(), { observe: 'fc9' })).toBe(false);
    expect(A.applyCustom(defaultCustom(), { snapshotEvery: 0 })).toBe(false);
    expect(started).toEqual([]);
  });

  it('offers only data the model can train on, and switching the model keeps the data when it fits', () => {
    for (const k of MODEL_KINDS) for (const d of DATA_FOR_MODEL[k]) {
      expect(customProblems(custom({ model: defaultModel(k), data: defaultData(d), batchSize: 'full' })), `${k} on ${d}`).toEqual([]);
    }
    let c = custom({ data: defaultData('mnist'), batchSize: 64 });
    c = withModelKind(c, 'cnn');
    expect(c.data).toEqual(defaultData('mnist'));
    c = withModelKind(c, 'quadratic');
    expect([c.data, c.batchSize]).toEqual([{ kind: 'none' }, 'full']);
    c = withModelKind(c, 'transformer');
    expect(c.data.kind).toBe('modular');
    expect(customProblems(c)).toEqual([]);
  });

  it('a valid one starts; switching a preset to Custom pre-fills it without restarting', () => {
    A.choosePreset('grokking-constrained', { quick: true });
    A.setLearningRate(0.004);
    A.setRunOptions({ initSeed: 2 });
    const before = started.length;
    const runningBefore = trainConfigFor(store.getState().config.run);
    A.choosePreset('custom');
    const run = store.getState().config.run;
    expect(run.preset).toBe('custom');
    expect(run.lr).toBeUndefined();
    expect(run.custom?.optimizer).toEqual({ kind: 'constrained', inner: { kind: 'adam', lr: 0.004, beta1: 0.9, beta2: 0.98, eps: 1e-8 } });
    expect(run.custom?.initScale).toBe(0.8);
    expect([run.initSeed, run.runs, run.observe]).toEqual([2, 2, 'mlp.W_out']);
    expect(trainConfigFor(run)).toEqual(runningBefore);
    expect(started.length).toBe(before);
    expect(A.applyCustom({ ...run.custom!, steps: 7 }, { snapshotEvery: 2, observe: 'all' })).toBe(true);
    expect(started.length).toBe(before + 1);
    expect(store.getState().config.run.observe).toBeUndefined();
    expect((started.at(-1) as { steps: number; snapshotEvery: number }).steps).toBe(7);
    // choosing a preset again leaves the custom run
    A.choosePreset('quadratic');
    expect(store.getState().config.run).toEqual({ preset: 'quadratic', quick: false });
  });
});
