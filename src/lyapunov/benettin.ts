/**
 * Finite-time Lyapunov exponents (FTLEs) of a discrete dynamical system w_{n+1} = G(w_n) by the QR (Benettin)
 * method, for the top k directions, given only Jacobian–vector products of the map (never the Jacobian itself).
 *
 * Forward recursion (docs/methods.md#lyapunov): J_n Q_n = Q_{n+1} R_n, with J_n = DG(w_n), Q_n an n × k orthonormal
 * frame (Q_0 given) and R_n upper triangular with a positive diagonal. The FTLE of direction i over the window of τ
 * steps starting at step n is
 *   λ_i^{(τ)}(n) = (1/τ) Σ_{m=n}^{n+τ−1} ln (R_m)_ii,
 * so this module records every step's ln (R_m)_ii and any window can be read afterwards. Exponents are per step
 * (natural log). For GD, J_n = I − η∇²C(w_n), and near a minimum they tend to ln|1 − ηh_i| (h_i the curvatures).
 */
import { OptionError } from '../linalg/errors';
import { householderQr } from './qr';

/** A map's state and its tangent (linearised) map at the current state. */
export interface TangentSystem {
  /** Dimension of the state (the number of parameters). */
  readonly dim: number;
  /** out = J_n v, the Jacobian of one step at the current state w_n applied to v (v is not modified). */
  jvp(v: Float64Array, out: Float64Array): void;
  /** Advance the state: w_n → w_{n+1} = G(w_n). */
  advance(): void;
}

export interface BenettinOptions {
  /** Number of directions k (1 ≤ k ≤ dim). */
  k: number;
  /** Number of steps N. */
  steps: number;
  /** Initial frame Q_0: dim × k, orthonormal columns, column-major. Default: the first k unit vectors. */
  q0?: Float64Array;
  /** Keep every Q_n (n = 0…N) and R_n (n = 0…N−1), which covariant vectors need (memory: N·(dim·k + k²) doubles). */
  keepFrames?: boolean;
  /** Called after each step n (0-based) has been taken, before the next; for progress and per-step monitoring. */
  onStep?: (n: number) => void;
}

export interface BenettinResult {
  k: number;
  steps: number;
  dim: number;
  /** steps × k, row-major: logR[n·k + i] = ln (R_n)_ii (−Infinity if a direction collapsed exactly). */
  logR: Float64Array;
  /** The final frame Q_N. */
  q: Float64Array;
  /** Q_0 … Q_N when keepFrames was set. */
  frames?: Float64Array[];
  /** R_0 … R_{N−1} (k × k, column-major) when keepFrames was set. */
  rs?: Float64Array[];
}

/** Runs N steps of the system and of the QR recursion. */
export function benettin(system: TangentSystem, options: BenettinOptions): BenettinResult {
  const { k, steps } = options;
  const n = system.dim;
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new OptionError(`k must be an integer in [1, ${n}], got ${k}`);
  if (!(Number.isInteger(steps) && steps >= 1)) throw new OptionError(`steps must be a positive integer, got ${steps}`);
  let q: Float64Array = new Float64Array(0);
  if (options.q0) {
    if (options.q0.length !== n * k) throw new Error(`q0 has ${options.q0.length} values, expected ${n}·${k}`);
    q = Float64Array.from(options.q0);
  } else {
    q = new Float64Array(n * k);
    for (let i = 0; i < k; i++) q[i * n + i] = 1;
  }
  const logR = new Float64Array(steps * k);
  const frames: Float64Array[] | undefined = options.keepFrames ? [Float64Array.from(q)] : undefined;
  const rs: Float64Array[] | undefined = options.keepFrames ? [] : undefined;
  const jq = new Float64Array(n * k);
  for (let step = 0; step < steps; step++) {
    for (let c = 0; c < k; c++) system.jvp(q.subarray(c * n, (c + 1) * n), jq.subarray(c * n, (c + 1) * n));
    const f = householderQr(jq, n, k);
    for (let i = 0; i < k; i++) logR[step * k + i] = Math.log(f.r[i * k + i]);
    q = f.q;
    if (frames) { frames.push(q); rs!.push(f.r); }
    system.advance();
    options.onStep?.(step);
  }
  return { k, steps, dim: n, logR, q, ...(frames ? { frames, rs } : {}) };
}

/** λ^{(τ)}(start) for each of the k directions: the mean of ln (R_m)_ii over m = start … start + tau − 1. */
export function ftleWindow(logR: Float64Array, k: number, start: number, tau: number): Float64Array {
  const steps = logR.length / k;
  if (!(start >= 0 && tau >= 1 && start + tau <= steps)) throw new OptionError(`window [${start}, ${start + tau}) is outside 0…${steps}`);
  const out = new Float64Array(k);
  for (let m = start; m < start + tau; m++) for (let i = 0; i < k; i++) out[i] += logR[m * k + i];
  for (let i = 0; i < k; i++) out[i] /= tau;
  return out;
}

/** FTLEs over consecutive non-overlapping windows of tau steps: starts[w] and values (windows × k, row-major). */
export function ftleSeries(logR: Float64Array, k: number, tau: number): { starts: number[]; values: Float64Array } {
  const steps = logR.length / k;
  const count = Math.floor(steps / tau);
  const values = new Float64Array(count * k), starts: number[] = [];
  for (let w = 0; w < count; w++) {
    starts.push(w * tau);
    values.set(ftleWindow(logR, k, w * tau, tau), w * k);
  }
  return { starts, values };
}
