/**
 * One training run of paper 3's setting: a 1–H–1 network fitted to y = sin(πx) by full-batch gradient descent,
 * with the FTLEs of the training map over windows of τ steps, optionally covariant Lyapunov vectors and the angles
 * between them, and, at the end, the exponents the Hessian predicts there (ln|1 − ηh_i|), to compare with the last
 * window's FTLEs (they agree once the run has settled near a minimum).
 *
 * The paper's exact target, width, η and window are not public (docs/methods.md#open); these are our choices, stated in
 * every result's settings.
 */
import { OptionError } from '../linalg/errors';
import { symmetricEig } from '../linalg/eig';
import { lanczos, type SymOperator } from '../linalg/lanczos';
import type { ActivationName } from './activations';
import { benettin, ftleSeries, type TangentSystem } from './benettin';
import { covariantVectors } from './clv';
import { Mlp, layout, type LyapunovDataset, type MlpShape } from './mlp';
import { orthonormalFrame } from './qr';
import { seededRng, type Rng } from '../linalg/random';

export interface RegressionSpec {
  activation: ActivationName;
  /** Hidden width H (P = 3H + 1 parameters). */
  hidden: number;
  /** Training points M, evenly spaced on [−1, 1]. */
  samples: number;
  /** Learning rate η of full-batch GD. */
  eta: number;
  /** GD steps N. */
  steps: number;
  /** FTLE window τ (steps). */
  tau: number;
  /** Number of exponents k (≤ P). */
  k: number;
  /** Standard deviation of the input-layer weights and biases at initialisation (output layer: 1/√H, bias 0). */
  initScale: number;
  /** Initial-condition seed: the weights and the starting frame Q_0. */
  seed: number;
  /** Also compute CLVs (Ginelli) between steps τ and N − τ, and the angles between them. */
  clv?: boolean;
  /** Also compute the causal CLV-angle indicator of every window (`clvWindowAngle`; needs k ≥ 2). */
  clvWindowAngle?: boolean;
}

export interface RegressionRun {
  kind: 'regression';
  spec: RegressionSpec;
  P: number;
  /** Training loss C(w_n) at `lossSteps` (every step up to 200 values, then thinned). */
  lossSteps: number[];
  losses: number[];
  /** C(w_N) after the last step. */
  finalLoss: number;
  /** FTLE windows: window w covers steps [starts[w], starts[w] + tau); values[w][i] is exponent i. */
  ftle: { tau: number; starts: number[]; values: number[][] };
  /** C(w_c) at every window end c = starts[w] + tau (the "current loss" at that checkpoint). */
  lossAtWindowEnds: number[];
  /**
   * With spec.clvWindowAngle: for the window ending at c, the smallest angle (radians) between CLV₁ and CLV₂ over the
   * steps n ∈ [c − τ, c − ⌈τ/2⌉], from a Ginelli backward pass started at c, so it uses only steps ≤ c (as causal as
   * the FTLE of that window; backward transient ≥ τ/2). NaN for the first window (c − τ < τ: forward transient).
   */
  clvWindowAngle?: number[];
  /** ln|1 − ηh_i| for the k largest |1 − ηh_i| of the Hessian at w_N (what the exponents tend to near a minimum). */
  hessianExponents: number[];
  /** Smallest and largest Hessian eigenvalue at w_N (h_min < 0: not at a minimum; ηh_max > 2: unstable). */
  hessianRange: [number, number];
  /** How the final Hessian was diagonalised: dense (P ≤ DENSE_HESSIAN_MAX) or Lanczos on HVPs (matrix-free). */
  hessianMethod: 'dense' | 'lanczos';
  /** CLV angles over training (radians) for each pair (i, j), sampled every `every` steps. */
  clv?: { steps: number[]; pairs: [number, number][]; angles: number[][]; minAngle: number[] };
  /** The fitted function on a fine grid, for plots. */
  fit: { x: number[]; target: number[]; prediction: number[] };
  seconds: number;
}

/** The regression task: M points x_m evenly spaced on [−1, 1], y_m = sin(π x_m). */
export function regressionData(samples: number): LyapunovDataset {
  if (!(Number.isInteger(samples) && samples >= 2)) throw new Error(`samples must be an integer ≥ 2, got ${samples}`);
  const x = Float64Array.from({ length: samples }, (_, m) => -1 + (2 * m) / (samples - 1));
  return { M: samples, x, y: x.map((v) => Math.sin(Math.PI * v)) };
}

/** Initial weights: W1, b1 ~ N(0, initScale²); W2 ~ N(0, 1/H); b2 = 0. */
export function initialWeights(shape: MlpShape, initScale: number, rng: Rng): Float64Array {
  const o = layout(shape);
  const w = new Float64Array(o.P);
  for (let i = o.W1; i < o.W2; i++) w[i] = initScale * rng.normal();
  for (let i = o.W2; i < o.b2; i++) w[i] = rng.normal() / Math.sqrt(shape.hidden);
  return w;
}

/** Full-batch GD w ← w − η∇C(w) as a TangentSystem: J v = v − η∇²C(w) v (exact Hessian–vector products). */
export class GdSystem implements TangentSystem {
  readonly dim: number;
  readonly w: Float64Array;
  constructor(readonly mlp: Mlp, readonly eta: number, w0: Float64Array) {
    this.dim = mlp.P;
    this.w = Float64Array.from(w0);
    mlp.evaluate(this.w);
  }
  /** C at the current state. */
  get loss(): number { return this.mlp.loss; }
  jvp(v: Float64Array, out: Float64Array): void {
    this.mlp.hvp(v, out);
    for (let i = 0; i < this.dim; i++) out[i] = v[i] - this.eta * out[i];
  }
  private steps = 0;
  /** One GD step. Throws, naming the step and η, as soon as the loss is no longer finite (divergence). */
  advance(): void {
    const g = this.mlp.grad;
    for (let i = 0; i < this.dim; i++) this.w[i] -= this.eta * g[i];
    this.mlp.evaluate(this.w);
    this.steps++;
    if (!Number.isFinite(this.mlp.loss)) {
      throw new OptionError(`gradient descent diverged at step ${this.steps} (loss ${this.mlp.loss}): lower the learning rate (η = ${this.eta}, ${this.dim} parameters; wider nets need a smaller η)`);
    }
  }
}

export function checkRegressionSpec(s: RegressionSpec): void {
  const P = 3 * s.hidden + 1;
  const int = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!int(s.hidden, 1)) throw new OptionError(`hidden width must be an integer ≥ 1, got ${s.hidden}`);
  if (!(s.eta > 0 && Number.isFinite(s.eta))) throw new OptionError(`learning rate must be positive, got ${s.eta}`);
  if (!int(s.steps, 1)) throw new OptionError(`steps must be an integer ≥ 1, got ${s.steps}`);
  if (!int(s.tau, 1) || s.tau > s.steps) throw new OptionError(`tau must be an integer in [1, steps = ${s.steps}], got ${s.tau}`);
  if (!int(s.k, 1) || s.k > P) throw new OptionError(`k must be an integer in [1, P = ${P}], got ${s.k}`);
  if (s.clvWindowAngle && s.k < 2) throw new OptionError(`the CLV-angle indicator needs k ≥ 2, got ${s.k}`);
  if (s.clv && s.steps < 3 * s.tau) throw new OptionError(`CLVs need steps ≥ 3·tau (transients of tau at both ends), got ${s.steps} and ${s.tau}`);
}

export function runRegression(spec: RegressionSpec, onProgress?: (fraction: number) => void): RegressionRun {
  const t0 = Date.now();
  checkRegressionSpec(spec);
  const shape: MlpShape = { dIn: 1, hidden: spec.hidden, dOut: 1 };
  const data = regressionData(spec.samples);
  const mlp = new Mlp(shape, spec.activation, data);
  const rng = seededRng(spec.seed);
  const w0 = initialWeights(shape, spec.initScale, rng);
  const q0 = orthonormalFrame(mlp.P, spec.k, rng.normal);
  const system = new GdSystem(mlp, spec.eta, w0);
  const every = Math.max(1, Math.ceil(spec.steps / 200));
  const lossSteps: number[] = [], losses: number[] = [];
  const lossAtWindowEnds: number[] = [];
  const record = (n: number) => {
    if (n % every === 0) { lossSteps.push(n); losses.push(system.loss); }
    if (n % spec.tau === 0 && n > 0 && n <= spec.steps) lossAtWindowEnds.push(system.loss);
  };
  record(0);
  const b = benettin(system, {
    k: spec.k, steps: spec.steps, q0, keepFrames: !!spec.clv || !!spec.clvWindowAngle,
    onStep: (n) => { record(n + 1); if (onProgress && n % 64 === 0) onProgress(n / spec.steps); },
  });
  const finalLoss = system.loss;
  if (lossSteps[lossSteps.length - 1] !== spec.steps) { lossSteps.push(spec.steps); losses.push(finalLoss); }
  const s = ftleSeries(b.logR, spec.k, spec.tau);
  const ftle = { tau: spec.tau, starts: s.starts, values: s.starts.map((_, w) => Array.from(s.values.subarray(w * spec.k, (w + 1) * spec.k))) };

  // the exponents a quadratic model at w_N would have
  const { hessianExponents, hessianRange, hessianMethod } = finalHessian(mlp, system.w, spec.eta, spec.k, spec.seed);

  let clv: RegressionRun['clv'];
  if (spec.clv && b.frames && b.rs) {
    const cv = covariantVectors(b.frames, b.rs, mlp.P, spec.k, rng, { from: spec.tau, to: spec.steps - spec.tau, every });
    const np = cv.pairs.length;
    const angles = cv.steps.map((_, t) => Array.from(cv.angles.subarray(t * np, (t + 1) * np)));
    clv = { steps: cv.steps, pairs: cv.pairs, angles, minAngle: angles.map((row) => Math.min(...row)) };
  }
  let clvWindowAngle: number[] | undefined;
  if (spec.clvWindowAngle && b.frames && b.rs) {
    const frames = b.frames, rs = b.rs, half = Math.ceil(spec.tau / 2);
    clvWindowAngle = ftle.starts.map((start) => {
      const c = start + spec.tau;
      if (c - spec.tau < spec.tau) return NaN;
      const cv = covariantVectors(frames.slice(0, c + 1), rs.slice(0, c), mlp.P, spec.k, seededRng(spec.seed * 7919 + c),
        { from: c - spec.tau, to: c - half, every });
      let m = Infinity;
      for (let t = 0; t < cv.steps.length; t++) m = Math.min(m, cv.angles[t * cv.pairs.length]); // pair (0, 1) first
      return m;
    });
  }
  const xs = Float64Array.from({ length: 101 }, (_, i) => -1 + i / 50);
  const pred = mlp.predict(system.w, xs);
  onProgress?.(1);
  return {
    kind: 'regression', spec, P: mlp.P, lossSteps, losses, finalLoss, ftle, lossAtWindowEnds, hessianExponents, hessianRange, hessianMethod,
    ...(clv ? { clv } : {}), ...(clvWindowAngle ? { clvWindowAngle } : {}),
    fit: { x: Array.from(xs), target: Array.from(xs, (x) => Math.sin(Math.PI * x)), prediction: Array.from(pred) },
    seconds: (Date.now() - t0) / 1000,
  };
}

/** Above this many parameters the final Hessian is not formed: Lanczos on Hessian–vector products instead. */
export const DENSE_HESSIAN_MAX = 600;
/** Lanczos steps for the final Hessian of a large net (both ends of the spectrum converge first). */
const HESSIAN_LANCZOS_STEPS = 80;

/**
 * The spectrum of J = I − ηH at w: the k largest |μ| = |1 − ηh| as ln|μ| (what the FTLEs tend to near a minimum),
 * and [h_min, h_max]. Dense for P ≤ DENSE_HESSIAN_MAX. Above that, matrix-free (the issue: never form J for large
 * models): [h_min, h_max] from the extreme Ritz values of Lanczos on H, and the top |μ| from Lanczos on J² = (I − ηH)²
 * (two HVPs per step; its largest eigenvalues are the largest μ², whichever end of H's spectrum they come from).
 * Ritz values lie inside the spectrum, so these are estimates from within, accurate for well-separated extremes.
 */
export function finalHessian(mlp: Mlp, w: Float64Array, eta: number, k: number, seed: number, denseMax = DENSE_HESSIAN_MAX): Pick<RegressionRun, 'hessianExponents' | 'hessianRange' | 'hessianMethod'> {
  const P = mlp.P;
  if (P <= denseMax) {
    const eig = symmetricEig(mlp.hessian(w), P);
    const mus = Array.from(eig.values, (h) => 1 - eta * h).sort((a, c) => Math.abs(c) - Math.abs(a));
    return { hessianExponents: mus.slice(0, k).map((m) => Math.log(Math.abs(m))), hessianRange: [eig.values[P - 1], eig.values[0]], hessianMethod: 'dense' };
  }
  mlp.evaluate(w);
  const H: SymOperator = { N: P, apply: (v) => { const out = new Float64Array(P); mlp.hvp(v, out); return out; } };
  const J2: SymOperator = {
    N: P,
    apply: (v) => {
      const hv = H.apply(v);
      const jv = Float64Array.from(v, (x, i) => x - eta * hv[i]);
      const hjv = H.apply(jv);
      return Float64Array.from(jv, (x, i) => x - eta * hjv[i]);
    },
  };
  const h = lanczos(H, HESSIAN_LANCZOS_STEPS, seed + 101).values;
  const mu2 = lanczos(J2, HESSIAN_LANCZOS_STEPS, seed + 202).values; // descending
  return {
    hessianExponents: mu2.slice(0, k).map((m) => 0.5 * Math.log(Math.max(m, Number.MIN_VALUE))),
    hessianRange: [h[h.length - 1], h[0]],
    hessianMethod: 'lanczos',
  };
}
