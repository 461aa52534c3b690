/**
 * Spectral summaries of symmetric PSD operators given only by a matvec (KPFlow's 𝒦, 𝒫𝒫*, 𝒫𝒦𝒫*).
 *
 *  - `lanczos` (src/linalg/lanczos.ts, re-exported): symmetric Lanczos with full reorthogonalisation; at the presets'
 *    sizes (k = 150, N = 23,040) its reorthogonalisation dominates the cost.
 *  - Traces, Krylov-aware Hutch++ (Meyer et al. 2021; Chen & Hallman 2023): the k orthonormal Lanczos vectors Q
 *    are the sketch. tr A = tr(QᵀAQ) + tr(Π A Π) with Π = I − QQᵀ; the first term is Σ α_j exactly (the Lanczos
 *    diagonal), the second is estimated with s Gaussian probes g′ = Πg (E g′ᵀAg′ = tr ΠAΠ). Likewise
 *    tr A² = ‖AQ‖²_F + ‖AΠ‖²_F, with ‖Aq_j‖² recorded during Lanczos and E‖Ag′‖² = ‖AΠ‖²_F. Unbiased; the tail is
 *    small when Q captures the leading eigenspace (what Lanczos does first), so the error is a small fraction of
 *    the tail, not of the trace. Cost: k + s matvecs in all.
 *  - `operatorStats`: top eigenvalues, trace, tr(A²), effective rank (smallest r with Σ_{i≤r} λ_i ≥ 0.95·tr A) and
 *    participation ratio (tr A)²/tr(A²). Dense and exact when N ≤ denseLimit. Otherwise the effective rank comes
 *    from the k Ritz values: for PSD A, Σ_{i≤r} of the Ritz values ≤ Σ_{i≤r} λ_i (Cauchy interlacing), so with the
 *    exact trace it is an upper bound, tight once the leading Ritz values converge; when the k Ritz values do not
 *    reach the threshold it is null with `effectiveRankAtLeast: k + 1`.
 *  - `opAlignment`: ⟨A, B⟩_F/(‖A‖_F‖B‖_F) = tr(AB)/√(tr A²·tr B²) for symmetric A, B. Exact when dense; otherwise
 *    the ratio of Hutchinson estimates over s shared Gaussian probes ω (tr AB ≈ mean ωᵀA(Bω), tr A² ≈ mean ‖Aω‖²),
 *    with a jackknife standard error (leave-one-probe-out), which is reported with the estimate.
 */
import { symmetricEig } from '../linalg/eig';
import { symmetricEigenvalues } from '../linalg/symeig';
import { vecDot, lanczos, orthogonalize, type LanczosResult } from '../linalg/lanczos';
import { normals, seededRng, type Rng } from '../linalg/random';
import { samplePropagator, type Linearization, type SymOperator } from './operators';

export { lanczos, type LanczosResult };

export interface OperatorStats {
  /** Leading eigenvalues, descending. */
  top: number[];
  trace: number;
  traceSq: number;
  method: 'dense' | 'lanczos' | 'exact';
  /** Lanczos steps and tail probes (method 'lanczos'). */
  iterations?: number;
  probes?: number;
  /** Smallest r with Σ_{i≤r} λ_i ≥ threshold·trace; null when the top eigenvalues do not reach it. */
  effectiveRank: number | null;
  effectiveRankAtLeast?: number;
  participationRatio: number;
  /** Largest Lanczos residual bound among the reported eigenvalues (0 for dense/exact). */
  maxResidual: number;
}

export interface StatsOptions {
  /** Number of leading eigenvalues to report. */
  top: number;
  /** Lanczos steps (≥ top). */
  iterations: number;
  /** Gaussian probes for the trace tails. */
  probes: number;
  /** Form the dense matrix when N ≤ this. */
  denseLimit: number;
  threshold: number;
  seed: number;
}

export const DEFAULT_STATS: StatsOptions = { top: 10, iterations: 80, probes: 10, denseLimit: 400, threshold: 0.95, seed: 1 };

/** The dense matrix of an operator (N matvecs on unit vectors), symmetrised. */
export function denseMatrix(op: SymOperator): Float64Array {
  const N = op.N, A = new Float64Array(N * N), e = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    e.fill(0); e[j] = 1;
    const c = op.apply(e);
    for (let i = 0; i < N; i++) A[i * N + j] = c[i];
  }
  for (let i = 0; i < N; i++) for (let j = 0; j < i; j++) { const s = 0.5 * (A[i * N + j] + A[j * N + i]); A[i * N + j] = s; A[j * N + i] = s; }
  return A;
}

/** Effective rank and participation ratio from (all or leading) eigenvalues and the exact or estimated traces. */
export function summarize(values: number[], trace: number, traceSq: number, threshold: number, complete: boolean): Pick<OperatorStats, 'effectiveRank' | 'effectiveRankAtLeast' | 'participationRatio'> {
  let acc = 0, r: number | null = null;
  for (let i = 0; i < values.length; i++) { acc += Math.max(0, values[i]); if (acc >= threshold * trace) { r = i + 1; break; } }
  if (r === null && complete) r = values.length;
  return {
    effectiveRank: r,
    ...(r === null ? { effectiveRankAtLeast: values.length + 1 } : {}),
    participationRatio: traceSq > 0 ? (trace * trace) / traceSq : 0,
  };
}

/** Exact statistics from a complete list of eigenvalues (descending). */
export function statsFromEigenvalues(all: number[], o: Pick<StatsOptions, 'top' | 'threshold'>, method: OperatorStats['method']): OperatorStats {
  let trace = 0, traceSq = 0;
  for (const v of all) { trace += v; traceSq += v * v; }
  return { top: all.slice(0, o.top), trace, traceSq, method, ...summarize(all, trace, traceSq, o.threshold, true), maxResidual: 0 };
}

export function operatorStats(op: SymOperator, options: Partial<StatsOptions> = {}): OperatorStats {
  const o = { ...DEFAULT_STATS, ...options };
  if (op.N <= o.denseLimit) return statsFromEigenvalues(Array.from(symmetricEig(denseMatrix(op), op.N).values), o, 'dense');
  const lz = lanczos(op, Math.max(o.iterations, o.top), o.seed);
  const rnd = seededRng(o.seed + 7919);
  let tailTr = 0, tailSq = 0;
  const s = lz.iterations < op.N ? o.probes : 0;
  for (let j = 0; j < s; j++) {
    const g = normals(rnd, op.N);
    orthogonalize(g, lz.basis);
    const Ag = op.apply(g);
    tailTr += vecDot(g, Ag); tailSq += vecDot(Ag, Ag);
  }
  const trace = lz.traceInBasis + (s ? tailTr / s : 0), traceSq = lz.normSqInBasis + (s ? tailSq / s : 0);
  return {
    top: lz.values.slice(0, o.top), trace, traceSq, method: 'lanczos', iterations: lz.iterations, probes: s,
    ...summarize(lz.values, trace, traceSq, o.threshold, s === 0),
    maxResidual: Math.max(0, ...lz.residuals.slice(0, o.top)),
  };
}

export interface Alignment {
  value: number;
  /** Jackknife standard error over probes (0 when exact). */
  stderr: number;
  method: 'dense' | 'probes';
  probes: number;
}

/** ⟨A, B⟩_F/(‖A‖_F‖B‖_F) for symmetric A, B (see the file header). */
export function opAlignment(A: SymOperator, B: SymOperator, probes: number, seed: number, denseLimit = DEFAULT_STATS.denseLimit): Alignment {
  const N = A.N;
  if (N <= denseLimit) {
    const a = denseMatrix(A), b = denseMatrix(B);
    return { value: vecDot(a, b) / Math.sqrt(vecDot(a, a) * vecDot(b, b)), stderr: 0, method: 'dense', probes: 0 };
  }
  const rnd = seededRng(seed), ab: number[] = [], aa: number[] = [], bb: number[] = [];
  for (let s = 0; s < probes; s++) {
    const w = normals(rnd, N), Aw = A.apply(w), Bw = B.apply(w);
    ab.push(vecDot(Aw, Bw)); aa.push(vecDot(Aw, Aw)); bb.push(vecDot(Bw, Bw));
  }
  const sum = (x: number[]) => x.reduce((p, c) => p + c, 0);
  const SAB = sum(ab), SAA = sum(aa), SBB = sum(bb);
  const value = SAB / Math.sqrt(SAA * SBB);
  const loo = ab.map((_, i) => (SAB - ab[i]) / Math.sqrt((SAA - aa[i]) * (SBB - bb[i])));
  const mean = sum(loo) / probes;
  const stderr = probes > 1 ? Math.sqrt(((probes - 1) / probes) * sum(loo.map((v) => (v - mean) ** 2))) : Infinity;
  return { value, stderr, method: 'probes', probes };
}

/** Shape of the [batch, time, hidden] state space an operator acts on. */
export interface StateShape { B: number; T: number; H: number }

export interface UnitRank {
  /**
   * The KPFlow reference package's effective rank in unit space: C = (1/s) Σ_probes Σ_{b,t} y_{b,t} y_{b,t}ᵀ (H × H,
   * uncentered), y = A q for s random sign probes q ∈ {±1}^{B×T×H}; the fewest eigenvalues λ of C whose Σλ² exceeds
   * `threshold` (0.95) of the total Σλ². E[C] = Σ_{b,t} (A²)_{(b,t,·),(b,t,·)}: the partial trace of A² over
   * (batch, time), which is what 'exact' computes (dense A).
   */
  rank: number;
  /** Participation ratio of C, (Σλ)²/Σλ², for comparison. */
  participationRatio: number;
  /** Eigenvalues of C, descending (all H). */
  eigenvalues: number[];
  method: 'exact' | 'probes';
  probes: number;
}

/** Fewest leading values whose Σλ² exceeds `threshold`·Σλ² (the reference's `argmax(cumsum(λ²)/Σλ² > thr) + 1`). */
export function squaredEnergyRank(desc: ArrayLike<number>, threshold: number): number {
  let total = 0;
  for (let i = 0; i < desc.length; i++) total += desc[i] * desc[i];
  if (!(total > 0)) return 0;
  let acc = 0;
  for (let i = 0; i < desc.length; i++) { acc += desc[i] * desc[i]; if (acc > threshold * total) return i + 1; }
  return desc.length;
}

/** Unit-space summary from an H × H PSD matrix C (row-major). */
function unitSummary(C: Float64Array, H: number, threshold: number, method: UnitRank['method'], probes: number): UnitRank {
  const ev = Array.from(symmetricEigenvalues(C, H)).map((v) => Math.max(0, v)).sort((a, b) => b - a);
  let s = 0, s2 = 0;
  for (const v of ev) { s += v; s2 += v * v; }
  return { rank: squaredEnergyRank(ev, threshold), participationRatio: s2 > 0 ? (s * s) / s2 : 0, eigenvalues: ev, method, probes };
}

/** The exact unit-space matrix Σ_{b,t} (A²)_{(b,t,·),(b,t,·)} of a symmetric operator (N matvecs: small N only). */
export function unitCovarianceExact(op: SymOperator, shape: StateShape): Float64Array {
  const { B, T, H } = shape, N = op.N, BT = B * T;
  if (N !== B * T * H) throw new Error(`operator size ${N} ≠ B·T·H = ${B * T * H}`);
  const A = denseMatrix(op), C = new Float64Array(H * H);
  // (A²)_{(n,i),(n,i')} = Σ_j A[(n,i), j] A[(n,i'), j] (A symmetric)
  for (let n = 0; n < BT; n++) {
    for (let i = 0; i < H; i++) {
      const ri = (n * H + i) * N;
      for (let k = 0; k <= i; k++) {
        const rk = (n * H + k) * N;
        let acc = 0;
        for (let j = 0; j < N; j++) acc += A[ri + j] * A[rk + j];
        C[i * H + k] += acc;
      }
    }
  }
  for (let i = 0; i < H; i++) for (let k = 0; k < i; k++) C[k * H + i] = C[i * H + k];
  return C;
}

/** The probe estimate (1/s) Σ_probes Σ_{b,t} y yᵀ, y = A q, q uniform on {±1}^N (unbiased for unitCovarianceExact). */
export function unitCovarianceProbes(op: SymOperator, shape: StateShape, probes: number, rng: Rng): Float64Array {
  const { B, T, H } = shape, BT = B * T, C = new Float64Array(H * H), q = new Float64Array(op.N);
  for (let s = 0; s < probes; s++) {
    for (let j = 0; j < q.length; j++) q[j] = rng.uniform() < 0.5 ? -1 : 1;
    const y = op.apply(q);
    for (let n = 0; n < BT; n++) {
      const o = n * H;
      for (let i = 0; i < H; i++) { const yi = y[o + i]; if (yi !== 0) for (let k = 0; k <= i; k++) C[i * H + k] += yi * y[o + k]; }
    }
  }
  for (let i = 0; i < H; i++) for (let k = 0; k <= i; k++) { C[i * H + k] /= probes; C[k * H + i] = C[i * H + k]; }
  return C;
}

/**
 * Effective rank in unit space (the KPFlow reference package's definition; see UnitRank): exact when N ≤ exactLimit,
 * otherwise from `probes` random sign probes (the reference uses 100).
 */
export function effectiveRankUnits(op: SymOperator, shape: StateShape, o: { probes: number; seed: number; threshold?: number; exactLimit?: number }): UnitRank {
  const thr = o.threshold ?? 0.95;
  if (op.N <= (o.exactLimit ?? DEFAULT_STATS.denseLimit)) return unitSummary(unitCovarianceExact(op, shape), shape.H, thr, 'exact', 0);
  return unitSummary(unitCovarianceProbes(op, shape, o.probes, seededRng(o.seed)), shape.H, thr, 'probes', o.probes);
}

export interface HiddenPca {
  /** (Σλ)²/Σλ² of the covariance of the hidden states over (trial, step). */
  participationRatio: number;
  /** Fewest principal components explaining ≥ 95 % of the variance (Σλ, not squared: ordinary PCA). */
  rank95: number;
  /** Leading covariance eigenvalues, descending. */
  top: number[];
}

/** PCA of hidden states h ([samples, H] row-major, one row per (trial, step)), centered over the samples. */
export function hiddenPca(h: ArrayLike<number>, samples: number, H: number, threshold = 0.95, top = 10): HiddenPca {
  if (h.length !== samples * H) throw new Error(`hidden states: ${h.length} numbers ≠ ${samples} × ${H}`);
  const mean = new Float64Array(H);
  for (let n = 0; n < samples; n++) for (let i = 0; i < H; i++) mean[i] += h[n * H + i] / samples;
  const C = new Float64Array(H * H);
  for (let n = 0; n < samples; n++) {
    for (let i = 0; i < H; i++) { const a = h[n * H + i] - mean[i]; for (let k = 0; k <= i; k++) C[i * H + k] += a * (h[n * H + k] - mean[k]); }
  }
  for (let i = 0; i < H; i++) for (let k = 0; k <= i; k++) { C[i * H + k] /= Math.max(1, samples - 1); C[k * H + i] = C[i * H + k]; }
  const ev = Array.from(symmetricEigenvalues(C, H)).map((v) => Math.max(0, v)).sort((a, b) => b - a);
  let s = 0, s2 = 0;
  for (const v of ev) { s += v; s2 += v * v; }
  let acc = 0, r = ev.length;
  for (let i = 0; i < ev.length; i++) { acc += ev[i]; if (acc >= threshold * s) { r = i + 1; break; } }
  return { participationRatio: s2 > 0 ? (s * s) / s2 : 0, rank95: s > 0 ? r : 0, top: ev.slice(0, top) };
}

/**
 * All eigenvalues of 𝒫𝒫* (descending), exactly, from its block-diagonal structure: 𝒫𝒫* = blockdiag_b(P_b P_bᵀ)
 * (operators.ts `samplePropagator`), so its spectrum is the union of B dense (T·H)² eigenproblems, O(B·(T·H)³).
 */
export function ppStarEigenvalues(lin: Linearization): number[] {
  const { B, T, H } = lin.traj, n = T * H, all: number[] = [];
  for (let b = 0; b < B; b++) {
    const P = samplePropagator(lin, b), G = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k <= i; k++) {
        // P_b is block lower-triangular in time: row (t, ·) is zero beyond column block t
        let s = 0;
        const ri = i * n, rk = k * n, lim = (Math.floor(k / H) + 1) * H; // k ≤ i, so min(t_i, t_k) = t_k
        for (let j = 0; j < lim; j++) s += P[ri + j] * P[rk + j];
        G[i * n + k] = s; G[k * n + i] = s;
      }
    }
    for (const v of symmetricEigenvalues(G, n)) all.push(Math.max(0, v));
  }
  return all.sort((a, b) => b - a);
}
