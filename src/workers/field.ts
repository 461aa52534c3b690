/**
 * The model's output over its input space, for data sets of 1 or 2 features (the playground presets: spiral,
 * circles, xor, gaussians, 1-D and 2-D regression), computed in the trainer worker so the page only draws it
 * (TensorFlow Playground shows the data under the model's decision regions; so does the page: ui/FieldPlot).
 *
 * Cost: one forward pass of FIELD_GRID² = 1,600 points (2-D) or FIELD_CURVE = 120 points (1-D) and one read-back,
 * about a millisecond for the playground MLPs on wasm; `FieldWatcher` runs it at most every FIELD_EVERY_MS, and
 * never more often than 10× its own cost apart, so it takes at most a tenth of the worker.
 */
import { tf } from '../train/tf';
import type { Model } from '../train/models/model';
import type { Dataset } from '../train/types';
import type { Trainer } from '../train/trainer';
import type { FieldData, FieldGrid } from './protocol';

export const FIELD_GRID = 40;
export const FIELD_CURVE = 120;
export const FIELD_EVERY_MS = 250;
/** Training points sent to the page at most (evenly thinned above). */
export const FIELD_MAX_POINTS = 1000;

/** Whether the data set has a field view: 1 or 2 real input features and a classification or regression task. */
export function hasField(ds: Dataset): boolean {
  return (ds.task === 'classification' || ds.task === 'regression') && ds.inputShape.length === 1
    && (ds.inputShape[0] === 1 || ds.inputShape[0] === 2) && ds.xTrain instanceof Float32Array && ds.nTrain > 0;
}

/** The training points and the grid's box (each input's range over train and test, padded by 10 %). */
export function fieldData(ds: Dataset): FieldData {
  const dims = ds.inputShape[0] as 1 | 2;
  const bounds: [number, number][] = [];
  for (let d = 0; d < dims; d++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const xs of [ds.xTrain, ds.xTest]) for (let i = d; i < xs.length; i += dims) { lo = Math.min(lo, xs[i]); hi = Math.max(hi, xs[i]); }
    const pad = 0.1 * (hi - lo || 1);
    bounds.push([lo - pad, hi + pad]);
  }
  const stride = Math.max(1, Math.ceil(ds.nTrain / FIELD_MAX_POINTS));
  const n = Math.ceil(ds.nTrain / stride);
  const x = new Float32Array(n * dims);
  const y = new Float32Array(n);
  const k = ds.yTrain.length / ds.nTrain; // targets per point (regression) or 1 (class labels)
  for (let j = 0, i = 0; i < ds.nTrain; i += stride, j++) {
    for (let d = 0; d < dims; d++) x[j * dims + d] = ds.xTrain[i * dims + d];
    y[j] = ds.yTrain[i * k];
  }
  return { task: ds.task as FieldData['task'], dims, outputs: ds.outputs, x, y, bounds };
}

/** The grid inputs over `bounds` (see FieldGrid for the order). */
function gridInputs(dims: 1 | 2, bounds: [number, number][]): { n: number; x: Float32Array } {
  if (dims === 1) {
    const n = FIELD_CURVE;
    const [a, b] = bounds[0];
    return { n, x: Float32Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1)) };
  }
  const n = FIELD_GRID;
  const x = new Float32Array(n * n * 2);
  const [[x0, x1], [y0, y1]] = bounds;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    x[(j * n + i) * 2] = x0 + ((x1 - x0) * (i + 0.5)) / n;
    x[(j * n + i) * 2 + 1] = y0 + ((y1 - y0) * (j + 0.5)) / n;
  }
  return { n, x };
}

/**
 * The trainer's model. Trainer keeps it private (its public surface is training and snapshots); the field only runs
 * its pure `predict` on new inputs, which reads the variables and changes nothing.
 */
function modelOf(trainer: Trainer): Model {
  return (trainer as unknown as { model: Model }).model;
}

/** The model's output on the grid (one forward pass, one read). */
export async function computeField(trainer: Trainer, data: FieldData, step: number): Promise<FieldGrid> {
  const { n, x } = gridInputs(data.dims, data.bounds);
  const rows = data.dims === 1 ? n : n * n;
  const out = tf.tidy(() => {
    const y = modelOf(trainer).predict(tf.tensor2d(x, [rows, data.dims]));
    return data.task === 'classification' ? tf.softmax(y) : tf.slice(tf.reshape(y, [rows, -1]), [0, 0], [rows, 1]);
  });
  try {
    const values = Float32Array.from((await out.data()) as Float32Array);
    return { step, dims: data.dims, n, outputs: data.task === 'classification' ? data.outputs : 1, task: data.task, bounds: data.bounds, values };
  } finally {
    out.dispose();
  }
}

/**
 * Sends the field while a run trains: `poll()` is called often (every metrics post); it computes a new field when
 * the step moved and the interval passed, one at a time. `stop()` ends it (the session changed).
 */
export class FieldWatcher {
  private lastAt = 0;
  private lastCost = 0;
  private lastStep = -1;
  private busy = false;
  private stopped = false;

  constructor(
    private readonly trainer: () => Trainer | undefined,
    private readonly data: FieldData,
    private readonly step: () => number,
    private readonly send: (f: FieldGrid) => void,
  ) {}

  poll(force = false): void {
    const now = performance.now();
    const step = this.step();
    if (this.stopped || this.busy || step === this.lastStep) return;
    if (!force && now - this.lastAt < Math.max(FIELD_EVERY_MS, 10 * this.lastCost)) return;
    const t = this.trainer();
    if (!t) return;
    this.busy = true;
    this.lastAt = now;
    this.lastStep = step;
    computeField(t, this.data, step).then(
      (f) => { if (!this.stopped) this.send(f); },
      () => { /* the trainer was disposed meanwhile (reset, recovery): the next poll tries again */ this.lastStep = -1; },
    ).finally(() => {
      this.busy = false;
      this.lastCost = performance.now() - now;
    });
  }

  stop(): void {
    this.stopped = true;
  }
}
