/**
 * One training run: a model, its optimizer, the batch order, snapshots of the observed parameters. Everything is
 * seeded (TrainConfig.initSeed: weights; dataSeed: batch order), so the same config, run and backend give the same
 * weights bit for bit.
 *
 * Batches: each epoch visits the training set in a fresh permutation seeded by (dataSeed, epoch) (or in stored order
 * with `batchOrder: 'fixed'`), in ⌈n / b⌉ batches
 * (the last one smaller when b ∤ n, like PyTorch's DataLoader); 'full' (or b ≥ n) is full-batch descent.
 *
 * Divergence (the trade-off): a step's loss reaches JS only through an asynchronous read, and reading every step
 * would stall GPU backends. `train(n)` keeps each step's loss scalar on the device and reads them together, once per
 * DIVERGENCE_CHECK_EVERY (32) steps and at the end of the call (one read per call for n ≤ 32). The first non-finite
 * loss marks the run diverged at that step: the step count stops there and the result says `diverged: true`; at most
 * 31 further steps may already have been computed on the garbage weights, which are never shown (the trainer refuses
 * `train`, and `snapshot` throws, until `reset()`). As a second guard `snapshot()` scans what it read and throws on any
 * non-finite weight (e.g. an update that overflowed after the last finite loss), so no NaN/Inf snapshot ever leaves.
 *
 * Checkpoints (GPU device loss, ./session.ts): `exportState()` copies everything that the next steps depend on to host
 * memory (step, every parameter, the optimizer's state, the learning rate, the divergence mark) in one asynchronous
 * read per tensor group; `importState()` puts it into a trainer of the same config and run, on any backend. Nothing
 * else carries over: the batch of step s is a pure function of (dataSeed, s) (see `batch`), so training on from an
 * imported state repeats the original run bit for bit on the same backend.
 */
import { tf } from './tf';
import { buildModel, type Model } from './models/index';
import { crossEntropy, correctCount } from './loss';
import { type Optimizer, type OptimizerState, assignAll, makeOptimizer, minimize, readFlat, readFresh } from './optim';
import { Sfc32, mixSeed } from '../linalg/random';
import type { Dataset, ParamInfo, StepMetrics, TrainConfig } from './types';

/** Steps between two reads of the loss (divergence checks) inside one `train` call. */
export const DIVERGENCE_CHECK_EVERY = 32;
/** Rows per forward pass in `evaluate`. */
export const EVAL_CHUNK = 2048;
/** Perturbation of runs > 0 when the config has no `ensemble` (paper 1: ±0.1 %). */
export const DEFAULT_PERTURBATION = 1e-3;

interface Split {
  x: tf.Tensor;
  y: tf.Tensor;
  n: number;
}

function toTensors(dataset: Dataset, which: 'train' | 'test'): Split {
  const n = which === 'train' ? dataset.nTrain : dataset.nTest;
  const xs = which === 'train' ? dataset.xTrain : dataset.xTest;
  const ys = which === 'train' ? dataset.yTrain : dataset.yTest;
  if (dataset.task === 'none' || n === 0) return { x: tf.zeros([0]), y: tf.zeros([0]), n: 0 };
  const x = tf.tensor(xs, [n, ...dataset.inputShape], xs instanceof Int32Array ? 'int32' : 'float32');
  const y = dataset.task === 'classification'
    ? tf.tensor1d(ys instanceof Int32Array ? ys : Int32Array.from(ys), 'int32')
    : tf.tensor2d(ys instanceof Float32Array ? ys : Float32Array.from(ys), [n, ys.length / n]);
  return { x, y, n };
}

function selectObserved(params: ParamInfo[], observe: TrainConfig['observe']): ParamInfo[] {
  if (observe === 'all') return params.slice();
  if (!Array.isArray(observe) || observe.length === 0) throw new Error(`observe must be 'all' or a non-empty list of names or prefixes`);
  for (const entry of observe) {
    if (!params.some((p) => p.name.startsWith(entry))) {
      throw new Error(`observe: '${entry}' is no parameter name or prefix; parameters: ${params.map((p) => p.name).join(', ')}`);
    }
  }
  return params.filter((p) => observe.some((entry) => p.name.startsWith(entry)));
}

/** A trainer's checkpoint in host memory (`Trainer.exportState`); arrays are owned copies, safe to keep or transfer. */
export interface TrainerState {
  run: number;
  step: number;
  divergedAt: number | null;
  learningRate: number;
  /** Every parameter's values, in parameter order (`Trainer.params`), row-major. */
  params: Float32Array[];
  optimizer: OptimizerState;
}

export class Trainer {
  /** Every parameter, in order (snapshot order). */
  readonly params: ParamInfo[];
  /** The observed parameters (config.observe: names or name prefixes, or 'all'), in parameter order. */
  readonly observed: ParamInfo[];
  readonly observedSize: number;
  /** Rows per batch (nTrain for full batch; 0 for the data-free quadratic). */
  readonly batchSize: number;

  private readonly model: Model;
  private readonly vars: tf.Variable[];
  private readonly observedVars: tf.Variable[];
  /** The weights at step 0 (after initScale and the run's perturbation), for reset(). */
  private readonly initial: tf.Tensor[];
  private readonly optimizer: Optimizer;
  private readonly train_: Split;
  private readonly test: Split;
  private readonly batchSeed: number;
  private order?: { epoch: number; perm: Int32Array };
  private stepCount = 0;
  private divergedAt: number | null = null;
  private busy = false;
  private disposed = false;

  constructor(readonly config: TrainConfig, readonly dataset: Dataset, readonly run = 0) {
    if (!(Number.isInteger(run) && run >= 0)) throw new Error(`run must be a whole number ≥ 0, got ${run}`);
    const bs = config.batchSize;
    if (bs !== 'full' && !(Number.isInteger(bs) && bs >= 1)) throw new Error(`batchSize must be 'full' or a whole number ≥ 1, got ${bs}`);
    if (dataset.task !== 'none' && dataset.nTrain < 1) throw new Error('the data set has no training rows');
    this.batchSeed = mixSeed(config.dataSeed, 'batches');
    this.model = buildModel(config.model, dataset, config.initSeed, config.initScale ?? 1, config.dataSeed);
    const made: { dispose(): void }[] = [this.model]; // freed if a later part fails (bad observe list, optimizer, data)
    try {
      this.vars = this.model.params.map((p) => p.variable);
      this.params = this.model.params.map((p) => ({ name: p.name, shape: p.variable.shape.slice(), size: p.variable.size }));
      this.observed = selectObserved(this.params, config.observe);
      this.observedSize = this.observed.reduce((a, p) => a + p.size, 0);
      this.observedVars = this.observed.map((o) => this.vars[this.params.findIndex((p) => p.name === o.name)]);
      if (run > 0) this.perturb(config.ensemble?.perturbation ?? DEFAULT_PERTURBATION);
      this.initial = this.vars.map((v) => tf.keep(tf.clone(v))); // shares v's storage until v's first update
      made.push(...this.initial);
      made.push((this.optimizer = makeOptimizer(config.optimizer, this.vars)));
      this.train_ = toTensors(dataset, 'train');
      made.push(this.train_.x, this.train_.y);
      this.test = toTensors(dataset, 'test');
    } catch (e) {
      for (const r of made) r.dispose();
      throw e;
    }
    this.batchSize = bs === 'full' ? this.train_.n : Math.min(bs, this.train_.n);
  }

  /** Optimizer steps taken since the initialisation (or the last reset). */
  get step(): number { return this.stepCount; }

  /** The step whose loss was not finite, or null. */
  get divergedStep(): number | null { return this.divergedAt; }

  get learningRate(): number { return this.optimizer.learningRate; }

  /**
   * n optimizer steps. Returns the last step's metrics (step count and its batch loss, at the weights before that
   * step's update), or on divergence those of the first non-finite step with `diverged: true` (see the file comment).
   */
  async train(n: number): Promise<StepMetrics & { diverged?: boolean }> {
    this.checkAlive('train');
    if (this.divergedAt !== null) throw new Error(`Trainer.train: the run diverged at step ${this.divergedAt}; reset() first`);
    if (this.busy) throw new Error('Trainer.train: a train() call is still running; await it first');
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`Trainer.train: n must be a whole number ≥ 1, got ${n}`);
    this.busy = true;
    try {
      let done = 0;
      let loss = NaN;
      while (done < n) {
        const k = Math.min(DIVERGENCE_CHECK_EVERY, n - done);
        const values = await this.stepsAndRead(k);
        if (this.disposed) throw new Error('Trainer.train: the trainer was disposed during training');
        const bad = values.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) {
          this.stepCount += bad + 1 - k;
          this.divergedAt = this.stepCount;
          return { step: this.stepCount, loss: values[bad], diverged: true };
        }
        done += k;
        loss = values[k - 1];
      }
      return { step: this.stepCount, loss };
    } finally {
      this.busy = false;
    }
  }

  /** k steps, then one read of their k losses. */
  private async stepsAndRead(k: number): Promise<Float32Array> {
    const losses: tf.Scalar[] = [];
    let stacked: tf.Tensor | undefined;
    try {
      for (let i = 0; i < k; i++) losses.push(this.stepOnce());
      stacked = tf.stack(losses);
    } finally {
      for (const l of losses) l.dispose();
    }
    try {
      return (await stacked.data()) as Float32Array;
    } finally {
      stacked.dispose();
    }
  }

  private stepOnce(): tf.Scalar {
    const s = this.stepCount;
    const loss = tf.tidy(() => {
      const [x, y] = this.batch(s);
      return minimize(this.optimizer, () => this.model.loss(x, y), this.vars);
    });
    this.stepCount++;
    return loss;
  }

  /**
   * The batch of step s (0-based): rows perm_e[j·b, (j+1)·b) of epoch e = ⌊s / nb⌋, j = s mod nb. A pure function of
   * (dataSeed, s): `order` only caches the current epoch's permutation, so a trainer given step s by `importState`
   * draws exactly the batches the original would have.
   */
  private batch(s: number): [tf.Tensor, tf.Tensor] {
    const { x, y, n } = this.train_;
    const b = this.batchSize;
    if (b >= n) return [x, y];
    const perEpoch = Math.ceil(n / b);
    const epoch = Math.floor(s / perEpoch);
    if (this.order?.epoch !== epoch) this.order = { epoch, perm: this.epochOrder(epoch, n) };
    const j = s % perEpoch;
    const idx = tf.tensor1d(this.order.perm.subarray(j * b, Math.min(n, (j + 1) * b)), 'int32');
    return [tf.gather(x, idx), tf.gather(y, idx)];
  }

  /** The row order of epoch e: the identity for batchOrder 'fixed', else a permutation seeded by (dataSeed, e). */
  private epochOrder(epoch: number, n: number): Int32Array {
    if (this.config.batchOrder === 'fixed') return Int32Array.from({ length: n }, (_, i) => i);
    return new Sfc32(mixSeed(this.batchSeed, epoch)).permutation(n);
  }

  /**
   * A fresh flat Float32Array of the observed parameters (concatenated in parameter order, each row-major), safe to
   * transfer: it is read from a new tensor, never from a live variable's storage. Throws after divergence.
   */
  async snapshot(): Promise<Float32Array> {
    this.checkAlive('snapshot');
    const refuse = () => new Error(`Trainer.snapshot: the run diverged at step ${this.divergedAt}; no snapshot of a diverged run (reset() first)`);
    if (this.divergedAt !== null) throw refuse();
    let out = await readFlat(this.observedVars, 'Trainer.snapshot');
    if (out.byteOffset !== 0 || out.byteLength !== out.buffer.byteLength) out = out.slice(); // own its whole buffer
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) {
        this.divergedAt ??= this.stepCount;
        throw refuse();
      }
    }
    return out;
  }

  /** Loss (and accuracy for classification) on the full training and test sets, in chunks of EVAL_CHUNK rows. */
  async evaluate(): Promise<StepMetrics> {
    this.checkAlive('evaluate');
    const step = this.stepCount;
    const classify = this.dataset.task === 'classification';
    const sums: tf.Tensor[] = [];
    try {
      if (this.dataset.task === 'none') {
        sums.push(tf.tidy(() => tf.stack([this.model.loss(this.train_.x, this.train_.y), tf.scalar(0)])));
      } else {
        for (const split of [this.train_, this.test]) sums.push(this.sumOver(split, classify));
      }
      const all = tf.stack(sums);
      const v = await all.data();
      all.dispose();
      if (this.dataset.task === 'none') return { step, loss: v[0] };
      const [nTr, nTe] = [this.train_.n, this.test.n];
      const m: StepMetrics = { step, loss: v[0] / nTr };
      if (classify) m.trainAccuracy = v[1] / nTr;
      if (nTe > 0) {
        m.testLoss = v[2] / nTe;
        if (classify) m.testAccuracy = v[3] / nTe;
      }
      return m;
    } finally {
      for (const t of sums) t.dispose();
    }
  }

  /** [Σ loss, Σ correct] over a split (Σ over rows: chunk mean × chunk rows). */
  private sumOver(split: Split, classify: boolean): tf.Tensor {
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < split.n; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, split.n - start);
      parts.push(tf.tidy(() => {
        const x = tf.slice(split.x, start, size);
        const y = tf.slice(split.y, start, size);
        if (!classify) return tf.stack([tf.mul(this.model.loss(x, y), size), tf.scalar(0)]);
        const logits = this.model.predict(x);
        return tf.stack([tf.mul(crossEntropy(logits, y), size), correctCount(logits, y)]);
      }));
    }
    const total = tf.tidy(() => (parts.length ? tf.addN(parts) : tf.zeros([2])));
    for (const p of parts) p.dispose();
    return total;
  }

  /**
   * A host-memory checkpoint (see the file comment): fresh tensors read with `await data()`, never a variable's own
   * array. Not while a `train()` call runs (its steps would be half in, half out).
   */
  async exportState(): Promise<TrainerState> {
    this.checkAlive('exportState');
    if (this.busy) throw new Error('Trainer.exportState: a train() call is still running; await it first');
    const step = this.stepCount;
    const [params, optimizer] = await Promise.all([readFresh(this.vars), this.optimizer.exportState()]);
    if (this.disposed) throw new Error('Trainer.exportState: the trainer was disposed while reading');
    return { run: this.run, step, divergedAt: this.divergedAt, learningRate: this.optimizer.learningRate, params, optimizer };
  }

  /**
   * Restores `state` exactly (from `exportState` of a trainer of the same config and run, possibly on another
   * backend): weights, optimizer state, learning rate, step, divergence mark. The initial weights kept for `reset()`
   * stay this trainer's own.
   */
  importState(state: TrainerState): void {
    this.checkAlive('importState');
    if (this.busy) throw new Error('Trainer.importState: a train() call is still running; await it first');
    if (state.run !== this.run) throw new Error(`Trainer.importState: the state is of run ${state.run}, this trainer is run ${this.run}`);
    if (!(Number.isInteger(state.step) && state.step >= 0)) throw new Error(`Trainer.importState: bad step ${state.step}`);
    assignAll(this.vars, state.params, 'Trainer.importState');
    this.optimizer.importState(state.optimizer);
    this.optimizer.setLearningRate(state.learningRate);
    this.stepCount = state.step;
    this.divergedAt = state.divergedAt;
    this.order = undefined;
  }

  /** Takes effect from the next step (the optimizer state is kept). */
  setLearningRate(lr: number): void {
    this.checkAlive('setLearningRate');
    this.optimizer.setLearningRate(lr);
  }

  /** Back to the initial weights (bit for bit), fresh optimizer state, step 0; the learning rate stays as set. */
  reset(): void {
    this.checkAlive('reset');
    if (this.busy) throw new Error('Trainer.reset: a train() call is still running; await it first');
    tf.tidy(() => this.vars.forEach((v, i) => v.assign(this.initial[i])));
    this.optimizer.reset();
    this.stepCount = 0;
    this.divergedAt = null;
    this.order = undefined;
  }

  /**
   * Frees every tensor. Never throws: after a lost GPU device the backend may fail to release its buffers, and the
   * session must still be able to drop the trainer and go on elsewhere (each part is freed on its own).
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const parts: { dispose(): void }[] = [this.model, this.optimizer, ...this.initial, this.train_.x, this.train_.y, this.test.x, this.test.y];
    for (const p of parts) {
      try {
        p.dispose();
      } catch {
        // the device is gone: nothing more can be done for this buffer
      }
    }
  }

  /** Run r > 0: every weight × (1 + p·u), u ~ U[−1, 1] from the stream of (initSeed, run, parameter name). */
  private perturb(p: number): void {
    if (!(Number.isFinite(p) && p >= 0 && p < 1)) throw new Error(`ensemble.perturbation must be in [0, 1), got ${p}`);
    this.model.params.forEach(({ name, variable }) => {
      const rng = new Sfc32(mixSeed(this.config.initSeed, `perturb:${this.run}:${name}`));
      const factor = new Float32Array(variable.size);
      for (let i = 0; i < factor.length; i++) factor[i] = 1 + p * rng.uniform(-1, 1);
      tf.tidy(() => variable.assign(tf.mul(variable, tf.tensor(factor, variable.shape))));
    });
  }

  private checkAlive(what: string): void {
    if (this.disposed) throw new Error(`Trainer.${what}: the trainer was disposed`);
  }
}
