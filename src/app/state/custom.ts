/**
 * "Build your own" runs: a model, a data set and an optimizer chosen in the app (preset 'custom'). This module holds
 * what makes a custom configuration valid (which model goes with which data, the ranges of every number), its URL
 * form, and the conversion from a preset's TrainConfig (so switching to Custom starts from what was running).
 * runConfig.ts turns it into the TrainConfig the trainer receives; nothing else does.
 *
 * The seeds, the number of runs, the snapshot interval, the observed parameters and the live learning rate stay
 * RunConfig overrides, as for presets (same URL keys); a custom run's own defaults for them are CUSTOM_BASE.
 */
import { presetConfig } from '../../train/presets';
import type { Activation, DatasetSpec, ModelSpec, OptimizerSpec, TrainConfig } from '../../train/types';

export const CUSTOM = 'custom';

export type CustomModel = Exclude<ModelSpec, { kind: 'rnn' | 'gru' }>;
export type ModelKind = CustomModel['kind'];
export type DataKind = DatasetSpec['kind'];
export type OptimizerKind = OptimizerSpec['kind'];

export interface CustomConfig {
  model: CustomModel;
  data: DatasetSpec;
  optimizer: OptimizerSpec;
  batchSize: number | 'full';
  /** 'shuffled': a permutation per epoch; 'fixed': stored order (paper 1's FCN runs). TrainConfig.batchOrder. */
  batchOrder: 'shuffled' | 'fixed';
  steps: number;
  /** Initial weights × this (1: none). */
  initScale: number;
  /** Ensemble runs 1… perturb each weight by (1 + perturbation·u). */
  perturbation: number;
}

/** What a custom run uses where the RunConfig has no override. */
export const CUSTOM_BASE = { initSeed: 0, dataSeed: 0, snapshotEvery: 1, observe: 'all' as const };

export const MODEL_KINDS: ModelKind[] = ['mlp', 'cnn', 'transformer', 'quadratic'];
export const ACTIVATIONS: Activation[] = ['relu', 'tanh', 'sigmoid', 'gelu', 'linear'];
export const OPTIMIZER_KINDS: OptimizerKind[] = ['sgd', 'momentum', 'adam', 'adamw', 'constrained'];
export const FNS_1D = ['sin', 'cubic', 'step'] as const;
export const FNS_2D = ['saddle', 'bump', 'sincos'] as const;
const TOYS = ['spiral', 'circles', 'xor', 'gaussians'] as const;

/** The data sets each model can train on (the model builder sizes the output layer and loss from the data). */
export const DATA_FOR_MODEL: Record<ModelKind, DataKind[]> = {
  mlp: [...TOYS, 'regression1d', 'regression2d', 'mnist'],
  cnn: ['mnist'],
  transformer: ['modular'],
  quadratic: ['none'],
};

/** The MNIST copy the app serves (public/data/mnist, scripts/prepare-data.mjs). */
export const MNIST_MAX = { train: 60000, test: 2000 };

export function defaultModel(kind: ModelKind): CustomModel {
  switch (kind) {
    case 'mlp': return { kind, hidden: [16, 16], activation: 'tanh', bias: true };
    case 'cnn': return { kind, channels: [6, 16], hidden: 120 };
    case 'transformer': return { kind, dModel: 32, dMlp: 64, heads: 2, dHead: 16 };
    case 'quadratic': return { kind, curvatures: [1, 3, 10] };
  }
}

export function defaultData(kind: DataKind): DatasetSpec {
  switch (kind) {
    case 'spiral': case 'circles': case 'xor': case 'gaussians': return { kind, n: 400, noise: 0.1 };
    case 'regression1d': return { kind, n: 128, fn: 'sin', noise: 0.05 };
    case 'regression2d': return { kind, n: 256, fn: 'saddle', noise: 0.05 };
    case 'mnist': return { kind, train: 6000, test: 1000, normalize: 'paper' };
    case 'modular': return { kind, p: 17, trainFraction: 0.3 };
    case 'none': return { kind };
  }
}

export function defaultOptimizer(kind: OptimizerKind, lr: number): OptimizerSpec {
  const adam = { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  switch (kind) {
    case 'sgd': return { kind, lr };
    case 'momentum': return { kind, lr, beta: 0.9 };
    case 'adam': return { kind, ...adam };
    case 'adamw': return { kind, ...adam, weightDecay: 0.01 };
    case 'constrained': return { kind, inner: { kind: 'adam', ...adam } };
  }
}

/** A model kind change: the new model's defaults, and the data kept if it fits the new model, else its first data set. */
export function withModelKind(c: CustomConfig, kind: ModelKind): CustomConfig {
  if (c.model.kind === kind) return c;
  const data = DATA_FOR_MODEL[kind].includes(c.data.kind) ? c.data : defaultData(DATA_FOR_MODEL[kind][0]);
  return { ...c, model: defaultModel(kind), data, batchSize: kind === 'quadratic' ? 'full' : c.batchSize };
}

/** The learning rate (the inner optimizer's for the constrained control). */
export function optimizerLr(o: OptimizerSpec): number {
  return o.kind === 'constrained' ? o.inner.lr : o.lr;
}

/** The custom configuration of a TrainConfig (a preset's, overrides applied), and the run overrides it came with. */
export function customFromTrain(t: TrainConfig): { custom: CustomConfig; initSeed: number; dataSeed: number; runs?: number; snapshotEvery: number; observe?: string } {
  const model = t.model.kind === 'rnn' || t.model.kind === 'gru' ? defaultModel('mlp') : structuredClone(t.model as CustomModel);
  return {
    custom: {
      model, data: structuredClone(t.data), optimizer: structuredClone(t.optimizer), batchSize: t.batchSize,
      batchOrder: t.batchOrder ?? 'shuffled', steps: t.steps, initScale: t.initScale ?? 1, perturbation: t.ensemble?.perturbation ?? 0.001,
    },
    initSeed: t.initSeed, dataSeed: t.dataSeed, runs: t.ensemble?.runs, snapshotEvery: t.snapshotEvery,
    observe: t.observe === 'all' ? undefined : t.observe.join(','),
  };
}

/** The default custom configuration: the spiral preset's. */
export function defaultCustom(): CustomConfig {
  return customFromTrain(presetConfig('spiral')).custom;
}

/** Parameter names of a model (for the observe hint and check); the same names the model builders give. */
export function parameterNames(m: CustomModel): string[] {
  switch (m.kind) {
    case 'mlp': return Array.from({ length: m.hidden.length + 1 }, (_, i) => [`fc${i + 1}.weight`, ...(m.bias ? [`fc${i + 1}.bias`] : [])]).flat();
    case 'cnn': return ['conv1', 'conv2', 'fc1', 'fc2'].flatMap((l) => [`${l}.weight`, `${l}.bias`]);
    case 'transformer': return ['embed', 'pos_embed', 'attn.W_Q', 'attn.W_K', 'attn.W_V', 'attn.W_O', 'mlp.W_in', 'mlp.b_in', 'mlp.W_out', 'mlp.b_out', 'unembed'];
    case 'quadratic': return ['w'];
  }
}

// ------------------------------------------------------------------------------------------------ validation

/** One problem of a custom configuration: the builder shows it beside `field`. */
export interface Problem { field: string; message: string }

const isInt = (x: unknown, min: number, max: number) => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
const inRange = (x: unknown, min: number, max: number) => typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max;
/** x ∈ (min, max): open at both ends. */
const inOpen = (x: unknown, min: number, max: number) => typeof x === 'number' && Number.isFinite(x) && x > min && x < max;

function modelProblems(m: CustomModel, out: Problem[]): void {
  const p = (field: string, message: string) => out.push({ field, message });
  switch (m.kind) {
    case 'mlp':
      if (!Array.isArray(m.hidden) || m.hidden.length > 8 || !m.hidden.every((h) => isInt(h, 1, 4096))) p('hidden', 'hidden widths: up to 8 whole numbers from 1 to 4096, comma-separated (none: a linear model)');
      if (!ACTIVATIONS.includes(m.activation)) p('activation', `activation: one of ${ACTIVATIONS.join(', ')}`);
      if (typeof m.bias !== 'boolean') p('bias', 'bias: on or off');
      break;
    case 'cnn':
      if (!Array.isArray(m.channels) || m.channels.length !== 2 || !m.channels.every((c) => isInt(c, 1, 128))) p('channels', 'channels: two whole numbers from 1 to 128');
      if (!isInt(m.hidden, 1, 2048)) p('hidden', 'hidden width: a whole number from 1 to 2048');
      break;
    case 'transformer':
      if (!isInt(m.dModel, 1, 1024)) p('dModel', 'd_model: a whole number from 1 to 1024');
      if (!isInt(m.dMlp, 1, 4096)) p('dMlp', 'd_mlp: a whole number from 1 to 4096');
      if (!isInt(m.heads, 1, 64)) p('heads', 'heads: a whole number from 1 to 64');
      if (!isInt(m.dHead, 1, 512)) p('dHead', 'd_head: a whole number from 1 to 512');
      break;
    case 'quadratic':
      if (!Array.isArray(m.curvatures) || m.curvatures.length < 1 || m.curvatures.length > 256 || !m.curvatures.every((h) => inRange(h, -1000, 1000))) {
        p('curvatures', 'curvatures: 1 to 256 numbers between −1000 and 1000, comma-separated');
      }
      break;
    default: p('model', `unknown model '${String((m as { kind: unknown }).kind)}'`);
  }
}

function dataProblems(d: DatasetSpec, out: Problem[]): void {
  const p = (field: string, message: string) => out.push({ field, message });
  switch (d.kind) {
    case 'spiral': case 'circles': case 'xor': case 'gaussians': case 'regression1d': case 'regression2d':
      if (!isInt(d.n, 8, 20000)) p('n', 'points: a whole number from 8 to 20000');
      if (!inRange(d.noise, 0, 2)) p('noise', 'noise: a number from 0 to 2');
      if (d.kind === 'regression1d' && !(FNS_1D as readonly string[]).includes(d.fn)) p('fn', `function: one of ${FNS_1D.join(', ')}`);
      if (d.kind === 'regression2d' && !(FNS_2D as readonly string[]).includes(d.fn)) p('fn', `function: one of ${FNS_2D.join(', ')}`);
      break;
    case 'mnist':
      if (!isInt(d.train, 1, MNIST_MAX.train)) p('train', `training images: a whole number from 1 to ${MNIST_MAX.train} (the app's copy of MNIST)`);
      if (!isInt(d.test, 1, MNIST_MAX.test)) p('test', `test images: a whole number from 1 to ${MNIST_MAX.test} (the app's copy of MNIST)`);
      if (d.normalize !== undefined && d.normalize !== 'paper' && d.normalize !== 'unit') p('normalize', "normalize: 'paper' or 'unit'");
      break;
    case 'modular':
      if (!isInt(d.p, 2, 257)) p('p', 'p: a whole number from 2 to 257');
      if (!inOpen(d.trainFraction, 0, 1)) p('trainFraction', 'train fraction: a number strictly between 0 and 1');
      break;
    case 'none': break;
    default: p('data', `unknown data set '${String((d as { kind: unknown }).kind)}'`);
  }
}

function optimizerProblems(o: OptimizerSpec, out: Problem[], inner = false): void {
  const p = (field: string, message: string) => out.push({ field, message });
  if (o.kind === 'constrained') {
    if (inner) { p('optimizer', 'constrained cannot wrap constrained'); return; }
    if (o.inner?.kind !== 'adam') { p('optimizer', 'constrained wraps Adam'); return; }
    optimizerProblems(o.inner, out, true);
    return;
  }
  if (!OPTIMIZER_KINDS.includes(o.kind)) { p('optimizer', `unknown optimizer '${String(o.kind)}'`); return; }
  if (!inOpen(o.lr, 0, 100)) p('lr', 'learning rate: a positive number below 100');
  if (o.kind === 'momentum' && !(inRange(o.beta, 0, 1) && o.beta < 1)) p('beta', 'β: a number from 0 to below 1');
  if (o.kind === 'adam' || o.kind === 'adamw') {
    if (!(inRange(o.beta1, 0, 1) && o.beta1 < 1) || !(inRange(o.beta2, 0, 1) && o.beta2 < 1)) p('betas', 'β₁, β₂: numbers from 0 to below 1');
    if (!inOpen(o.eps, 0, 1)) p('eps', 'ε: a small positive number');
  }
  if (o.kind === 'adamw' && !inRange(o.weightDecay, 0, 100)) p('weightDecay', 'weight decay: a number from 0 to 100');
}

/** Training rows of a data set (batch sizes above it are refused), undefined when there are none or it is unknown. */
export function trainRows(d: DatasetSpec): number | undefined {
  switch (d.kind) {
    case 'mnist': return d.train;
    case 'modular': return Number.isInteger(d.p) ? Math.min(d.p * d.p - 1, Math.max(1, Math.floor(d.trainFraction * d.p * d.p))) : undefined;
    case 'none': return undefined;
    default: return Number.isInteger(d.n) ? d.n - Math.round(d.n * (d.testFraction ?? 0.2)) : undefined;
  }
}

/** Every problem of a custom configuration (none: it can be run). */
export function customProblems(c: CustomConfig | undefined): Problem[] {
  const out: Problem[] = [];
  if (!c || typeof c !== 'object') return [{ field: 'model', message: 'no custom configuration' }];
  if (!c.model || !MODEL_KINDS.includes(c.model.kind)) return [{ field: 'model', message: `model: one of ${MODEL_KINDS.join(', ')}` }];
  modelProblems(c.model, out);
  if (!c.data || !DATA_FOR_MODEL[c.model.kind].includes(c.data.kind)) {
    out.push({ field: 'data', message: `a ${c.model.kind} trains on ${DATA_FOR_MODEL[c.model.kind].join(', ')}, not ${String(c.data?.kind)}` });
  } else {
    dataProblems(c.data, out);
  }
  if (!c.optimizer) out.push({ field: 'optimizer', message: 'no optimizer' });
  else optimizerProblems(c.optimizer, out);
  if (c.model.kind === 'quadratic') {
    if (c.batchSize !== 'full') out.push({ field: 'batchSize', message: 'the quadratic has no data: the batch is full' });
  } else if (c.batchSize !== 'full') {
    const rows = c.data ? trainRows(c.data) : undefined;
    if (!isInt(c.batchSize, 1, rows ?? 60000)) out.push({ field: 'batchSize', message: `batch size: 'full' or a whole number from 1 to ${rows ?? 60000} (the training rows)` });
  }
  if (!isInt(c.steps, 1, 1_000_000)) out.push({ field: 'steps', message: 'steps: a whole number from 1 to 1000000' });
  if (!inOpen(c.initScale, 0, 100)) out.push({ field: 'initScale', message: 'init scale: a positive number below 100' });
  if (!(inRange(c.perturbation, 0, 1) && c.perturbation < 1)) out.push({ field: 'perturbation', message: 'perturbation: a number from 0 to below 1' });
  return out;
}

/** Problems of the observe list against the model's parameter names (undefined or '' or 'all': every parameter). */
export function observeProblems(observe: string | undefined, model: CustomModel): Problem[] {
  if (observe === undefined || observe.trim() === '' || observe.trim() === 'all') return [];
  const names = parameterNames(model);
  const bad = observe.split(',').map((s) => s.trim()).filter((s) => s !== '' && !names.some((n) => n === s || n.startsWith(s)));
  return bad.length ? [{ field: 'observe', message: `observe: ${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} no parameter name or prefix (${names.join(', ')})` }] : [];
}

// ------------------------------------------------------------------------------------------------ URL form

const num = (s: string | undefined): number => (s === undefined || s.trim() === '' || !/^[-+0-9.e]+$/i.test(s) ? NaN : Number(s));
const list = (s: string | undefined): number[] => (s === undefined || s === '' ? [] : s.split(',').map(num));
const show = (x: number) => String(x);

/** URL keys of a custom configuration, in order. */
export const CUSTOM_KEYS = ['model', 'data', 'opt', 'batch', 'order', 'steps', 'scale', 'perturb'] as const;
export type CustomKey = (typeof CUSTOM_KEYS)[number];

export function encodeModel(m: CustomModel): string {
  switch (m.kind) {
    case 'mlp': return `mlp:${m.hidden.join(',')}:${m.activation}:${m.bias ? 'bias' : 'nobias'}`;
    case 'cnn': return `cnn:${m.channels.join(',')}:${m.hidden}`;
    case 'transformer': return `transformer:${m.dModel}:${m.dMlp}:${m.heads}:${m.dHead}`;
    case 'quadratic': return `quadratic:${m.curvatures.join(',')}`;
  }
}

export function parseModel(s: string): CustomModel | undefined {
  const [kind, ...f] = s.split(':');
  const problems: Problem[] = [];
  let m: CustomModel | undefined;
  if (kind === 'mlp' && f.length === 3 && (f[2] === 'bias' || f[2] === 'nobias')) m = { kind, hidden: list(f[0]), activation: f[1] as Activation, bias: f[2] === 'bias' };
  else if (kind === 'cnn' && f.length === 2) { const c = list(f[0]); m = c.length === 2 ? { kind, channels: [c[0], c[1]], hidden: num(f[1]) } : undefined; }
  else if (kind === 'transformer' && f.length === 4) m = { kind, dModel: num(f[0]), dMlp: num(f[1]), heads: num(f[2]), dHead: num(f[3]) };
  else if (kind === 'quadratic' && f.length === 1) m = { kind, curvatures: list(f[0]) };
  if (m) modelProblems(m, problems);
  return m && problems.length === 0 ? m : undefined;
}

export function encodeData(d: DatasetSpec): string {
  switch (d.kind) {
    case 'regression1d': case 'regression2d': return `${d.kind}:${d.fn}:${d.n}:${show(d.noise)}`;
    case 'mnist': return `mnist:${d.train}:${d.test}${d.normalize === 'unit' ? ':unit' : ''}`;
    case 'modular': return `modular:${d.p}:${show(d.trainFraction)}`;
    case 'none': return 'none';
    default: return `${d.kind}:${d.n}:${show(d.noise)}`;
  }
}

export function parseData(s: string): DatasetSpec | undefined {
  const [kind, ...f] = s.split(':');
  let d: DatasetSpec | undefined;
  if ((TOYS as readonly string[]).includes(kind) && f.length === 2) d = { kind: kind as (typeof TOYS)[number], n: num(f[0]), noise: num(f[1]) } as DatasetSpec;
  else if (kind === 'regression1d' && f.length === 3) d = { kind, fn: f[0] as 'sin', n: num(f[1]), noise: num(f[2]) };
  else if (kind === 'regression2d' && f.length === 3) d = { kind, fn: f[0] as 'saddle', n: num(f[1]), noise: num(f[2]) };
  else if (kind === 'mnist' && (f.length === 2 || (f.length === 3 && f[2] === 'unit'))) d = { kind, train: num(f[0]), test: num(f[1]), normalize: f.length === 3 ? 'unit' : 'paper' };
  else if (kind === 'modular' && f.length === 2) d = { kind, p: num(f[0]), trainFraction: num(f[1]) };
  else if (kind === 'none' && f.length === 0) d = { kind };
  const problems: Problem[] = [];
  if (d) dataProblems(d, problems);
  return d && problems.length === 0 ? d : undefined;
}

const adamBetas = (o: { beta1: number; beta2: number }) => (o.beta1 === 0.9 && o.beta2 === 0.999 ? '' : `:${show(o.beta1)}:${show(o.beta2)}`);

export function encodeOptimizer(o: OptimizerSpec): string {
  switch (o.kind) {
    case 'sgd': return `sgd:${show(o.lr)}`;
    case 'momentum': return `momentum:${show(o.lr)}:${show(o.beta)}`;
    case 'adam': return `adam:${show(o.lr)}${adamBetas(o)}`;
    case 'adamw': return `adamw:${show(o.lr)}:${show(o.weightDecay)}${adamBetas(o)}`;
    case 'constrained': return `constrained:${encodeOptimizer(o.inner)}`;
  }
}

export function parseOptimizer(s: string): OptimizerSpec | undefined {
  const [kind, ...f] = s.split(':');
  const betas = (g: string[]) => (g.length === 0 ? { beta1: 0.9, beta2: 0.999 } : g.length === 2 ? { beta1: num(g[0]), beta2: num(g[1]) } : undefined);
  let o: OptimizerSpec | undefined;
  if (kind === 'sgd' && f.length === 1) o = { kind, lr: num(f[0]) };
  else if (kind === 'momentum' && f.length === 2) o = { kind, lr: num(f[0]), beta: num(f[1]) };
  else if (kind === 'adam' && f.length >= 1) { const b = betas(f.slice(1)); o = b && { kind, lr: num(f[0]), ...b, eps: 1e-8 }; }
  else if (kind === 'adamw' && f.length >= 2) { const b = betas(f.slice(2)); o = b && { kind, lr: num(f[0]), weightDecay: num(f[1]), ...b, eps: 1e-8 }; }
  else if (kind === 'constrained' && f[0] === 'adam') { const inner = parseOptimizer(f.join(':')); o = inner && inner.kind === 'adam' ? { kind, inner } : undefined; }
  const problems: Problem[] = [];
  if (o) optimizerProblems(o, problems);
  return o && problems.length === 0 ? o : undefined;
}

/** The URL values of a custom configuration (order, scale and perturb only when not the default). */
export function encodeCustom(c: CustomConfig): [CustomKey, string][] {
  const out: [CustomKey, string][] = [
    ['model', encodeModel(c.model)], ['data', encodeData(c.data)], ['opt', encodeOptimizer(c.optimizer)],
    ['batch', String(c.batchSize)], ['steps', String(c.steps)],
  ];
  if (c.batchOrder === 'fixed') out.push(['order', 'fixed']);
  if (c.initScale !== 1) out.push(['scale', show(c.initScale)]);
  if (c.perturbation !== 0.001) out.push(['perturb', show(c.perturbation)]);
  return out;
}

/**
 * A custom configuration from URL values (`get(key)`: null when absent). Each bad or missing value falls back to the
 * default custom configuration's part, with a problem; a combination that is still invalid (a CNN on spiral data)
 * gives the whole default, with a problem. Never throws.
 */
export function parseCustom(get: (key: CustomKey) => string | null): { custom: CustomConfig; problems: string[] } {
  const d = defaultCustom();
  const problems: string[] = [];
  const read = <T>(key: CustomKey, parse: (s: string) => T | undefined, fallback: T): T => {
    const raw = get(key);
    if (raw === null) {
      if (key === 'model' || key === 'data' || key === 'opt') problems.push(`preset=custom without ${key}=: the default ${key} is used`);
      return fallback;
    }
    const v = parse(raw);
    if (v === undefined) problems.push(`${key}=${JSON.stringify(raw.slice(0, 40))} is not valid: the default is used`);
    return v ?? fallback;
  };
  const model = read('model', parseModel, d.model);
  const custom: CustomConfig = {
    model,
    data: read('data', parseData, DATA_FOR_MODEL[model.kind].includes(d.data.kind) ? d.data : defaultData(DATA_FOR_MODEL[model.kind][0])),
    optimizer: read('opt', parseOptimizer, d.optimizer),
    batchSize: read('batch', (s) => (s === 'full' ? 'full' : /^[1-9]\d{0,5}$/.test(s) ? Number(s) : undefined), model.kind === 'quadratic' ? 'full' : d.batchSize),
    batchOrder: read('order', (s) => (s === 'fixed' || s === 'shuffled' ? s : undefined), 'shuffled'),
    steps: read('steps', (s) => (/^\d{1,7}$/.test(s) ? Number(s) : undefined), d.steps),
    initScale: read('scale', (s) => { const x = num(s); return inOpen(x, 0, 100) ? x : undefined; }, 1),
    perturbation: read('perturb', (s) => { const x = num(s); return inRange(x, 0, 1) && x < 1 ? x : undefined; }, 0.001),
  };
  const left = customProblems(custom);
  if (left.length) {
    problems.push(`the custom run is not valid (${left.map((p) => p.message).join('; ')}): the default custom run is used`);
    return { custom: d, problems };
  }
  return { custom, problems };
}
