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
import { dot, lanczos, orthogonalize, type LanczosResult } from '../linalg/lanczos';
import { normals, seededRng, type Rng } from '../linalg/random';
import type { SymOperator } from './operators';

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
    tailTr += dot(g, Ag); tailSq += dot(Ag, Ag);
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
    return { value: dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b)), stderr: 0, method: 'dense', probes: 0 };
  }
  const rnd = seededRng(seed), ab: number[] = [], aa: number[] = [], bb: number[] = [];
  for (let s = 0; s < probes; s++) {
    const w = normals(rnd, N), Aw = A.apply(w), Bw = B.apply(w);
    ab.push(dot(Aw, Bw)); aa.push(dot(Aw, Aw)); bb.push(dot(Bw, Bw));
  }
  const sum = (x: number[]) => x.reduce((p, c) => p + c, 0);
  const SAB = sum(ab), SAA = sum(aa), SBB = sum(bb);
  const value = SAB / Math.sqrt(SAA * SBB);
  const loo = ab.map((_, i) => (SAB - ab[i]) / Math.sqrt((SAA - aa[i]) * (SBB - bb[i])));
  const mean = sum(loo) / probes;
  const stderr = probes > 1 ? Math.sqrt(((probes - 1) / probes) * sum(loo.map((v) => (v - mean) ** 2))) : Infinity;
  return { value, stderr, method: 'probes', probes };
}
