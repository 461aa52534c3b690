/**
 * Optimizers written over a list of tf.Variables (tfjs has no AdamW, and its own optimizers keep state that is awkward
 * to reset): plain, deterministic updates in a tf.tidy, with state in non-trainable variables that `reset()` zeroes
 * and `dispose()` frees. Formulas: the OptimizerSpec docs in ./types.ts; Adam/AdamW as in PyTorch (bias-corrected,
 * ε added to √v̂; AdamW's decay uses the weights before the step: w ← w − lr·(m̂/(√v̂+ε) + wd·w)).
 */
import { tf } from './tf';
import type { OptimizerSpec } from './types';

export interface Optimizer {
  readonly spec: OptimizerSpec;
  readonly learningRate: number;
  /** Takes effect from the next step; optimizer state (momenta, step count) is kept. */
  setLearningRate(lr: number): void;
  /** One update of every variable, grads[i] the gradient of vars[i] (not disposed here). */
  applyGradients(grads: tf.Tensor[]): void;
  /** Fresh state (zero momenta, step count 0); the learning rate is kept. */
  reset(): void;
  /**
   * A host-memory copy of the state (learning rate, step count, momenta/moments, the constrained target norm), read
   * from fresh tensors in one asynchronous read (never a live variable's data array:
   * docs/browser-notes.md#live-variables).
   */
  exportState(): Promise<OptimizerState>;
  /** Restores what `exportState` gave (from an optimizer of the same spec over variables of the same shapes). */
  importState(state: OptimizerState): void;
  dispose(): void;
}

/**
 * An optimizer's state in host memory (a checkpoint). `slots[k][i]` is state tensor k (momentum; Adam's m, v) of
 * variable i, row-major. `t` is Adam's step count (0 for the others); `target` the constrained norm n₀.
 */
export interface OptimizerState {
  kind: OptimizerSpec['kind'];
  learningRate: number;
  t: number;
  slots: Float32Array[][];
  target?: number;
  inner?: OptimizerState;
}

/**
 * The values of `tensors` flattened and concatenated (each row-major, in order) into ONE fresh tensor (a concat, or
 * ×1 for a single tensor: a one-element concat would share the variable's storage), read with one `await data()`:
 * one GPU sync, and the array returned is never a live variable's storage. float32 only. Shared by readFresh and
 * Trainer.snapshot.
 */
export async function readFlat(tensors: tf.Tensor[], caller = 'readFlat'): Promise<Float32Array> {
  for (const t of tensors) if (t.dtype !== 'float32') throw new Error(`${caller}: ${t.dtype} tensor, float32 expected`);
  const flat = tf.tidy(() => {
    const parts = tensors.map((t) => tf.reshape(t, [-1]));
    return parts.length === 1 ? tf.mul(parts[0], 1) : tf.concat(parts);
  });
  try {
    return (await flat.data()) as Float32Array;
  } finally {
    flat.dispose();
  }
}

/** Every tensor's values, read together by readFlat (one GPU sync), as copies that the caller owns. float32 only. */
export async function readFresh(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  if (tensors.length === 0) return [];
  const all = await readFlat(tensors, 'readFresh');
  const out: Float32Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    out.push(all.slice(offset, offset + t.size));
    offset += t.size;
  }
  return out;
}

/** Assigns host values into variables (same count, same sizes), exactly (float32 → float32). */
export function assignAll(vars: tf.Variable[], values: Float32Array[], what: string): void {
  if (values.length !== vars.length) throw new Error(`${what}: ${values.length} arrays for ${vars.length} variables`);
  vars.forEach((v, i) => {
    if (values[i].length !== v.size) throw new Error(`${what}: array ${i} has ${values[i].length} values, the variable ${v.size}`);
  });
  tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape, 'float32'))));
}

type Inner = Exclude<OptimizerSpec, { kind: 'constrained' }>;

function check(what: string, value: number, ok: boolean): void {
  if (!(Number.isFinite(value) && ok)) throw new Error(`optimizer: ${what} out of range, got ${value}`);
}

function checkLr(lr: number): void {
  check('lr (finite, ≥ 0)', lr, lr >= 0);
}

function zerosState(vars: tf.Variable[]): tf.Variable[] {
  return vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
}

function zeroAll(state: tf.Variable[]): void {
  tf.tidy(() => state.forEach((s) => s.assign(tf.zerosLike(s))));
}

/** √Σ‖v‖² over all variables, a scalar. */
export function globalNorm(vars: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(vars.map((v) => tf.sum(tf.square(v))))) as tf.Scalar);
}

abstract class Base implements Optimizer {
  protected lr: number;
  constructor(readonly spec: Inner, protected readonly vars: tf.Variable[], protected readonly state: tf.Variable[][]) {
    checkLr(spec.lr);
    this.lr = spec.lr;
  }
  get learningRate(): number { return this.lr; }
  setLearningRate(lr: number): void {
    checkLr(lr);
    this.lr = lr;
  }
  applyGradients(grads: tf.Tensor[]): void {
    if (grads.length !== this.vars.length) throw new Error(`optimizer: ${grads.length} gradients for ${this.vars.length} variables`);
    tf.tidy(() => this.update(grads));
  }
  protected abstract update(grads: tf.Tensor[]): void;
  reset(): void {
    for (const s of this.state) zeroAll(s);
  }
  /** Adam's step count; 0 for the stateless-in-time optimizers. */
  protected get stepCount(): number { return 0; }
  protected set stepCount(_t: number) { /* nothing to keep */ }
  async exportState(): Promise<OptimizerState> {
    const flat = await readFresh(this.state.flat());
    const n = this.vars.length;
    const slots = this.state.map((_, k) => flat.slice(k * n, (k + 1) * n));
    return { kind: this.spec.kind, learningRate: this.lr, t: this.stepCount, slots };
  }
  importState(state: OptimizerState): void {
    if (state.kind !== this.spec.kind) throw new Error(`optimizer: a '${state.kind}' state cannot be imported into '${this.spec.kind}'`);
    if (state.slots.length !== this.state.length) throw new Error(`optimizer: ${state.slots.length} state slots, ${this.state.length} expected`);
    this.state.forEach((s, k) => assignAll(s, state.slots[k], 'optimizer.importState'));
    this.stepCount = state.t;
    this.setLearningRate(state.learningRate);
  }
  dispose(): void {
    for (const s of this.state) for (const v of s) v.dispose();
  }
}

class Sgd extends Base {
  constructor(spec: Extract<Inner, { kind: 'sgd' }>, vars: tf.Variable[]) { super(spec, vars, []); }
  protected update(grads: tf.Tensor[]): void {
    const lr = tf.scalar(this.lr);
    this.vars.forEach((w, i) => w.assign(tf.sub(w, tf.mul(lr, grads[i]))));
  }
}

/** Heavy ball: v ← βv + g; w ← w − lr·v. */
class Momentum extends Base {
  constructor(spec: Extract<Inner, { kind: 'momentum' }>, vars: tf.Variable[]) {
    check('beta (in [0, 1))', spec.beta, spec.beta >= 0 && spec.beta < 1);
    super(spec, vars, [zerosState(vars)]);
  }
  protected update(grads: tf.Tensor[]): void {
    const lr = tf.scalar(this.lr);
    const beta = tf.scalar((this.spec as Extract<Inner, { kind: 'momentum' }>).beta);
    const [vel] = this.state;
    this.vars.forEach((w, i) => {
      const v = tf.add(tf.mul(beta, vel[i]), grads[i]);
      vel[i].assign(v);
      w.assign(tf.sub(w, tf.mul(lr, v)));
    });
  }
}

/** Adam, and AdamW when weightDecay > 0. */
class Adam extends Base {
  private t = 0;
  constructor(spec: Extract<Inner, { kind: 'adam' | 'adamw' }>, vars: tf.Variable[]) {
    check('beta1 (in [0, 1))', spec.beta1, spec.beta1 >= 0 && spec.beta1 < 1);
    check('beta2 (in [0, 1))', spec.beta2, spec.beta2 >= 0 && spec.beta2 < 1);
    check('eps (> 0)', spec.eps, spec.eps > 0);
    if (spec.kind === 'adamw') check('weightDecay (≥ 0)', spec.weightDecay, spec.weightDecay >= 0);
    super(spec, vars, [zerosState(vars), zerosState(vars)]);
  }
  protected update(grads: tf.Tensor[]): void {
    const spec = this.spec as Extract<Inner, { kind: 'adam' | 'adamw' }>;
    const wd = spec.kind === 'adamw' ? spec.weightDecay : 0;
    this.t++;
    const [b1, b2] = [spec.beta1, spec.beta2];
    const c1 = tf.scalar(1 / (1 - b1 ** this.t));
    const c2 = tf.scalar(1 / (1 - b2 ** this.t));
    const lr = tf.scalar(this.lr);
    const [m, v] = this.state;
    this.vars.forEach((w, i) => {
      const g = grads[i];
      const mi = tf.add(tf.mul(b1, m[i]), tf.mul(1 - b1, g));
      const vi = tf.add(tf.mul(b2, v[i]), tf.mul(1 - b2, tf.square(g)));
      m[i].assign(mi);
      v[i].assign(vi);
      let step: tf.Tensor = tf.div(tf.mul(mi, c1), tf.add(tf.sqrt(tf.mul(vi, c2)), spec.eps));
      if (wd > 0) step = tf.add(step, tf.mul(wd, w));
      w.assign(tf.sub(w, tf.mul(lr, step)));
    });
  }
  override reset(): void {
    super.reset();
    this.t = 0;
  }
  protected override get stepCount(): number { return this.t; }
  protected override set stepCount(t: number) {
    if (!(Number.isInteger(t) && t >= 0)) throw new Error(`optimizer: Adam step count must be a whole number ≥ 0, got ${t}`);
    this.t = t;
  }
}

/**
 * Paper 1's constrained control: the inner step, then every variable × (n₀ / ‖w‖) so the global norm stays n₀, the
 * norm of the variables when the optimizer was made (kept on the device: no read-back).
 */
class Constrained implements Optimizer {
  private target: tf.Scalar;
  constructor(readonly spec: Extract<OptimizerSpec, { kind: 'constrained' }>, private readonly inner: Optimizer, private readonly vars: tf.Variable[]) {
    this.target = tf.keep(globalNorm(vars));
  }
  get learningRate(): number { return this.inner.learningRate; }
  setLearningRate(lr: number): void { this.inner.setLearningRate(lr); }
  applyGradients(grads: tf.Tensor[]): void {
    this.inner.applyGradients(grads);
    tf.tidy(() => {
      const factor = tf.div(this.target, globalNorm(this.vars));
      for (const w of this.vars) w.assign(tf.mul(w, factor));
    });
  }
  reset(): void { this.inner.reset(); }
  /** The inner state plus n₀ (restored too: after a backend change it is the norm the run was constrained to). */
  async exportState(): Promise<OptimizerState> {
    const [inner, [target]] = await Promise.all([this.inner.exportState(), readFresh([this.target])]);
    return { kind: 'constrained', learningRate: inner.learningRate, t: 0, slots: [], target: target[0], inner };
  }
  importState(state: OptimizerState): void {
    if (state.kind !== 'constrained' || !state.inner || typeof state.target !== 'number') {
      throw new Error(`optimizer: a '${state.kind}' state cannot be imported into 'constrained'`);
    }
    this.inner.importState(state.inner);
    const target = tf.keep(tf.scalar(state.target, 'float32'));
    this.target.dispose();
    this.target = target;
  }
  dispose(): void {
    this.inner.dispose();
    this.target.dispose();
  }
}

/** The optimizer of `spec` over `vars` (a constrained optimizer takes its target norm from `vars` now). */
export function makeOptimizer(spec: OptimizerSpec, vars: tf.Variable[]): Optimizer {
  switch (spec.kind) {
    case 'sgd': return new Sgd(spec, vars);
    case 'momentum': return new Momentum(spec, vars);
    case 'adam':
    case 'adamw': return new Adam(spec, vars);
    case 'constrained': {
      if ((spec.inner as { kind: string }).kind === 'constrained') throw new Error('optimizer: constrained cannot wrap constrained');
      return new Constrained(spec, makeOptimizer(spec.inner, vars), vars);
    }
    default: throw new Error(`unknown optimizer kind '${(spec as { kind: string }).kind}'`);
  }
}

/**
 * One optimizer step on the loss `f` (a function of `vars`): returns the loss at the weights before the step (the
 * caller disposes it). Gradients of variables that do not reach the loss count as zero.
 */
export function minimize(optimizer: Optimizer, f: () => tf.Scalar, vars: tf.Variable[]): tf.Scalar {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(f, vars);
    optimizer.applyGradients(vars.map((v) => grads[v.name] ?? tf.zerosLike(v)));
    return value;
  });
}
