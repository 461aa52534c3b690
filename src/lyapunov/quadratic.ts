/**
 * Gradient descent on a quadratic, the case where the Lyapunov and Koopman views can be checked against a formula
 * (docs/methods.md#e6, which unifies papers 1 and 3).
 *
 * C(w) = ½ wᵀHw with H = Q diag(h) Qᵀ; GD w ← w − ηHw is linear with J = I − ηH for every w, so
 *   - the Koopman (DMD) eigenvalues of the weight trajectory are μ_i = 1 − ηh_i, and
 *   - the FTLEs converge to ln|μ_i| (directions ordered by |μ| descending: the slowest-contracting first).
 * For a window starting at step 0 from the frame Q_0, the error is O(1/τ) with an explicit constant: with E_i the
 * eigenvectors of the i largest |μ| and S_i the sum of the first i FTLEs,
 *   ln|det(E_iᵀ Q_0,i)| / τ ≤ S_i − Σ_{j≤i} ln|μ_j| ≤ 0
 * (J is symmetric, so vol_i(J^τ Q) ≤ Π_{j≤i} |μ_j|^τ, and the projection onto E_i has volume Π|μ_j|^τ|det(E_iᵀQ_i)|).
 * Hence |λ_i^{(τ)} − ln|μ_i|| ≤ (c_i + c_{i−1})/τ with c_i = −ln|det(E_iᵀ Q_0,i)| ≥ 0, c_0 = 0.
 */
import { computeSpectrum } from '../koopman/analyze';
import { symmetricEig } from '../linalg/eig';
import { quadraticHessian } from '../linalg/quadratic';
import { benettin, ftleSeries, ftleWindow, type TangentSystem } from './benettin';
import { seededRng } from '../linalg/random';

/**
 * E6's basis: `Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((3, 3)))` (row-major, NumPy 2.4). With
 * Q_0 = I it reproduces the FTLE table of docs/methods.md#e6 (τ = 50: −0.0982, −0.1709, −0.6378; …) exactly.
 */
export const E6_BASIS: readonly number[] = [
  -0.09566758570650524, -0.33463852249636394, -0.9374778783024902,
  -0.0798180490027644, -0.936186030393776, 0.3423226483143297,
  -0.9922080387189374, 0.10757683652624495, 0.06285246331310235,
];

export interface LyapunovQuadraticSpec {
  /** Curvatures h_i (eigenvalues of H). */
  curvatures: number[];
  /** Learning rate η. */
  eta: number;
  /**
   * Orthogonal basis Q (d × d, row-major; eigenvector i = column i). Default: E6_BASIS for d = 3, else identity.
   * The exact exponents come from the eigenvalues of the H actually formed (equal to h to ~1e-15).
   */
  basis?: readonly number[];
  /** FTLE steps N (the run is started at w_0 and Q_0 = I). */
  steps: number;
  /** Window lengths for the convergence table (each window starts at step 0; those > steps are dropped). */
  taus: number[];
  /** Window length of the exponents-over-training series. */
  seriesTau: number;
  /** DMD of the same dynamics: `runs` trajectories of T steps (run 0 is the FTLE run's first T steps). */
  dmd: { runs: number; T: number };
  seed: number;
}

export interface QuadraticResult {
  kind: 'quadratic';
  dim: number;
  eta: number;
  curvatures: number[];
  /** 1 − ηh_i ordered by |μ| descending (from the eigenvalues of the H actually used). */
  multipliers: number[];
  /** ln|μ_i|, same order: the exact Lyapunov exponents. */
  exact: number[];
  /** c_i of the bound above (i = 1…d). */
  boundConstants: number[];
  /** FTLEs over [0, τ) with their deviation from the exact exponents and the O(1/τ) bound. */
  windows: { tau: number; ftle: number[]; deviation: number[]; bound: number[]; withinBound: boolean }[];
  /** Exponents over training: FTLE per consecutive window of seriesTau steps. */
  series: { tau: number; starts: number[]; values: number[][] };
  /** The running FTLE (window [0, n)) at log-spaced n: converges to `exact` at O(1/n). */
  running: { steps: number[]; values: number[][] };
  /** DMD of the weights of the same dynamics: eigenvalues λ (sorted by |λ| descending) next to ln|λ|. */
  dmd: { runs: number; T: number; eigenvalues: [number, number][]; lnAbs: number[]; maxErrorVsMultipliers: number; residual: number };
  seconds: number;
}

/** GD on ½wᵀHw as a TangentSystem (J = I − ηH, state-independent). `trace` receives each w_n before the step. */
export class QuadraticGd implements TangentSystem {
  readonly dim: number;
  readonly w: Float64Array;
  private readonly hw: Float64Array;
  constructor(private readonly H: Float64Array, readonly eta: number, w0: Float64Array) {
    this.dim = w0.length;
    this.w = Float64Array.from(w0);
    this.hw = new Float64Array(this.dim);
  }
  private mulH(v: Float64Array, out: Float64Array): void {
    const d = this.dim;
    for (let i = 0; i < d; i++) { let s = 0; for (let j = 0; j < d; j++) s += this.H[i * d + j] * v[j]; out[i] = s; }
  }
  jvp(v: Float64Array, out: Float64Array): void {
    this.mulH(v, out);
    for (let i = 0; i < this.dim; i++) out[i] = v[i] - this.eta * out[i];
  }
  advance(): void {
    this.mulH(this.w, this.hw);
    for (let i = 0; i < this.dim; i++) this.w[i] -= this.eta * this.hw[i];
  }
}

/** ln|det| of a small square matrix (row-major) by Gaussian elimination with partial pivoting. */
function logAbsDet(m: Float64Array, n: number): number {
  const a = Float64Array.from(m);
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    if (a[p * n + c] === 0) return -Infinity;
    if (p !== c) for (let k = 0; k < n; k++) { const t = a[c * n + k]; a[c * n + k] = a[p * n + k]; a[p * n + k] = t; }
    s += Math.log(Math.abs(a[c * n + c]));
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
    }
  }
  return s;
}

export function runQuadratic(spec: LyapunovQuadraticSpec, onProgress?: (fraction: number, phase: string) => void): QuadraticResult {
  const t0 = Date.now();
  const d = spec.curvatures.length;
  const basis = spec.basis ?? (d === 3 ? E6_BASIS : Array.from({ length: d * d }, (_, i) => (Math.floor(i / d) === i % d ? 1 : 0)));
  if (basis.length !== d * d) throw new Error(`basis has ${basis.length} entries, expected ${d}²`);
  const H = quadraticHessian(spec.curvatures, basis);
  // exact multipliers and their eigenvectors, from the H actually used
  const eig = symmetricEig(H, d);
  const order = Array.from(eig.values, (h, i) => ({ mu: 1 - spec.eta * h, i })).sort((a, b) => Math.abs(b.mu) - Math.abs(a.mu));
  const multipliers = order.map((o) => o.mu);
  const exact = multipliers.map((m) => Math.log(Math.abs(m)));
  // c_i = −ln|det(E_iᵀ Q_0,i)| with Q_0 = I: the leading i × i block of the eigenvector matrix (rows = coordinates)
  const cs = [0];
  for (let i = 1; i <= d; i++) {
    const blk = new Float64Array(i * i);
    for (let r = 0; r < i; r++) for (let c = 0; c < i; c++) blk[r * i + c] = eig.vectors[r * d + order[c].i];
    cs.push(-logAbsDet(blk, i));
  }
  const rng = seededRng(spec.seed);
  const w0 = Float64Array.from({ length: d }, () => rng.normal());

  // DMD of the same dynamics: run 0 starts at the FTLE run's w_0, the others at seeded random points
  const { runs, T } = spec.dmd;
  const data = new Float64Array(runs * T * d);
  for (let r = 0; r < runs; r++) {
    const gd = new QuadraticGd(H, spec.eta, r === 0 ? w0 : Float64Array.from({ length: d }, () => rng.normal()));
    for (let t = 0; t < T; t++) { data.set(gd.w, (r * T + t) * d); gd.advance(); }
  }
  const fit = computeSpectrum({ runs, T, N: d, data }, { rank: { kind: 'rank', r: d } });
  const lam = fit.spectrum.eigenvalues;
  // each exact multiplier matched to the nearest DMD eigenvalue (both lists are short)
  const maxErr = Math.max(...multipliers.map((m) => Math.min(...lam.map((l) => Math.hypot(l.re - m, l.im)))));

  const steps = spec.steps;
  const result = benettin(new QuadraticGd(H, spec.eta, w0), {
    k: d, steps, onStep: (n) => { if (onProgress && n % 256 === 0) onProgress(n / steps, 'ftle'); },
  });
  const windows = spec.taus.filter((tau) => tau <= steps).map((tau) => {
    const ftle = Array.from(ftleWindow(result.logR, d, 0, tau));
    const deviation = ftle.map((x, i) => x - exact[i]);
    const bound = ftle.map((_, i) => (cs[i + 1] + cs[i]) / tau);
    return { tau, ftle, deviation, bound, withinBound: deviation.every((x, i) => Math.abs(x) <= bound[i] * (1 + 1e-9) + 1e-12) };
  });
  const s = ftleSeries(result.logR, d, spec.seriesTau);
  const series = { tau: spec.seriesTau, starts: s.starts, values: s.starts.map((_, w) => Array.from(s.values.subarray(w * d, (w + 1) * d))) };
  const runningSteps: number[] = [];
  for (let n = 1; n <= steps; n = Math.max(n + 1, Math.round(n * 1.15))) runningSteps.push(n);
  if (runningSteps[runningSteps.length - 1] !== steps) runningSteps.push(steps);
  const cum = new Float64Array(d), runningValues: number[][] = [];
  let next = 0;
  for (let n = 0; n < steps; n++) {
    for (let i = 0; i < d; i++) cum[i] += result.logR[n * d + i];
    if (n + 1 === runningSteps[next]) { runningValues.push(Array.from(cum, (c) => c / (n + 1))); next++; }
  }
  onProgress?.(1, 'ftle');
  return {
    kind: 'quadratic', dim: d, eta: spec.eta, curvatures: [...spec.curvatures], multipliers, exact,
    boundConstants: cs.slice(1), windows, series, running: { steps: runningSteps, values: runningValues },
    dmd: {
      runs, T, eigenvalues: lam.map((l) => [l.re, l.im] as [number, number]), lnAbs: lam.map((l) => Math.log(l.abs)),
      maxErrorVsMultipliers: maxErr, residual: fit.spectrum.residual,
    },
    seconds: (Date.now() - t0) / 1000,
  };
}
