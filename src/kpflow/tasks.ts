/**
 * Memory tasks for the KPFlow view (paper 2, Hazelden et al.; docs/methods.md#kpflow), small enough for the browser.
 *
 * Memory-Pro: a trial has three periods of `stimulus`, `memory` and `response` steps (T = their sum).
 *   inputs  x_t = [fixation, cos θ, sin θ] (+ a one-hot context channel per task in the multi-task variant):
 *           fixation = 1 before the response period, 0 in it; (cos θ, sin θ) shown only in the stimulus period.
 *   targets y*_t = [fixation, cos θ', sin θ']: the fixation output copies the fixation input; the angle outputs are 0
 *           before the response period and (cos θ', sin θ') in it, with θ' = θ (Pro) or θ + π (Anti).
 * Delay tasks (multi-task variant) keep the stimulus on through the memory period, so nothing must be remembered.
 * The loss weights every step equally (full-sequence MSE), so the network must both hold fixation and report the
 * angle; the KPFlow repository's targets are of this kind (fixation + angle), with one output set per task where we
 * share three outputs between tasks (the context channel says which rule applies).
 *
 * Angles are evenly spaced over [0, 2π) with a seeded random offset, so a batch covers the circle; optional input
 * noise N(0, noise²) is added to every input channel (the paper uses 0.1·√2; default 0 here so that the operators
 * are analysed on the same clean batch the network was trained on). Everything is deterministic from the seed.
 *
 * Layout contract: x is [batch, time, nIn], targets [batch, time, nOut], row-major Float64Array.
 */
import { seededRng } from '../linalg/random';

export type TaskName = 'memory-pro' | 'memory-anti' | 'delay-pro' | 'delay-anti';

export interface TaskSpec {
  /** Tasks mixed in the batch (samples cycle through them); one task → no context channel. */
  tasks: readonly TaskName[];
  batch: number;
  periods: { stimulus: number; memory: number; response: number };
  /** Standard deviation of additive input noise (0: none). */
  noise: number;
  seed: number;
}

export interface TaskBatch {
  B: number;
  T: number;
  nIn: number;
  nOut: number;
  x: Float64Array;
  targets: Float64Array;
  /** Task index (into spec.tasks) of each sample. */
  taskOf: Int32Array;
  /** Stimulus angle θ of each sample (radians). */
  angles: Float64Array;
  taskNames: readonly TaskName[];
  /** First step of the response period. */
  responseStart: number;
}

export function makeBatch(spec: TaskSpec): TaskBatch {
  const { stimulus, memory, response } = spec.periods;
  const T = stimulus + memory + response;
  const K = spec.tasks.length;
  if (K < 1) throw new Error('at least one task is needed');
  if (!(spec.batch >= K)) throw new Error(`batch ${spec.batch} is smaller than the number of tasks ${K}`);
  const ctx = K > 1 ? K : 0;
  const nIn = 3 + ctx, nOut = 3, B = spec.batch;
  const rnd = seededRng(spec.seed);
  const x = new Float64Array(B * T * nIn), targets = new Float64Array(B * T * nOut);
  const taskOf = new Int32Array(B), angles = new Float64Array(B);
  const offset = 2 * Math.PI * rnd.uniform();
  const perTask = Math.ceil(B / K);
  for (let b = 0; b < B; b++) {
    const k = b % K, j = Math.floor(b / K);
    const task = spec.tasks[k];
    const theta = (offset + (2 * Math.PI * j) / perTask) % (2 * Math.PI);
    taskOf[b] = k; angles[b] = theta;
    const anti = task.endsWith('anti'), delay = task.startsWith('delay');
    const out = anti ? theta + Math.PI : theta;
    for (let t = 0; t < T; t++) {
      const xi = (b * T + t) * nIn, yi = (b * T + t) * nOut;
      const inResponse = t >= stimulus + memory;
      const stimOn = t < stimulus || (delay && !inResponse);
      x[xi] = inResponse ? 0 : 1;
      if (stimOn) { x[xi + 1] = Math.cos(theta); x[xi + 2] = Math.sin(theta); }
      if (ctx) x[xi + 3 + k] = 1;
      targets[yi] = inResponse ? 0 : 1;
      if (inResponse) { targets[yi + 1] = Math.cos(out); targets[yi + 2] = Math.sin(out); }
    }
  }
  if (spec.noise > 0) for (let i = 0; i < x.length; i++) x[i] += spec.noise * rnd.normal();
  return { B, T, nIn, nOut, x, targets, taskOf, angles, taskNames: spec.tasks, responseStart: stimulus + memory };
}
