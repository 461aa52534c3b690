/**
 * Symmetric Lanczos with full reorthogonalisation, for operators given only by a matvec (KPFlow's 𝒦, 𝒫𝒫*, 𝒫𝒦𝒫*;
 * the Hessian of a training loss through Hessian–vector products). Hand-written: ml-matrix has dense solvers only,
 * and these operators are never formed.
 *
 * Each step subtracts the three-term recurrence α_j q_j + β_{j−1} q_{j−1}, then one classical Gram–Schmidt pass
 * against all earlier vectors, and a second pass only when the first removed more than 1 − 1/√2 of the norm
 * (Kahan–Parlett's "twice is enough" test; Parlett, The Symmetric Eigenvalue Problem, §6.9). The
 * reorthogonalisation is O(k²N) and dominates the cost for large k. The Ritz values of the k×k tridiagonal (dense
 * eig, ./eig.ts) estimate the extreme eigenvalues (both ends converge first), each with its residual bound
 * |β_k s_{k,j}| (≥ the distance to a true eigenvalue).
 */
import { symmetricEig } from './eig';
import { normals, seededRng } from './random';

/** A symmetric operator on R^N given by its matvec (a fresh output array per call). */
export interface SymOperator {
  N: number;
  apply(q: Float64Array): Float64Array;
}

export const vecDot = (a: Float64Array, b: Float64Array): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

/**
 * Orthogonalise v against the orthonormal vectors in `basis` by classical Gram–Schmidt, repeating the pass once when
 * it shrank ‖v‖ below 1/√2 of its size before (then cancellation may have left components along the basis); returns
 * ‖v‖ after. Twice is enough: a third pass is never needed in floating point (Kahan–Parlett).
 */
export function orthogonalize(v: Float64Array, basis: Float64Array[]): number {
  let before = Math.sqrt(vecDot(v, v));
  for (let pass = 0; pass < 2; pass++) {
    for (const q of basis) { const c = vecDot(q, v); if (c !== 0) for (let i = 0; i < v.length; i++) v[i] -= c * q[i]; }
    const after = Math.sqrt(vecDot(v, v));
    if (after >= Math.SQRT1_2 * before) return after;
    before = after;
  }
  return before;
}

export interface LanczosResult {
  /** Ritz values, descending (k of them). */
  values: number[];
  /** The orthonormal Lanczos vectors q_j, and Σ_j α_j = tr(QᵀAQ) and Σ_j ‖Aq_j‖² = ‖AQ‖²_F. */
  basis: Float64Array[];
  traceInBasis: number;
  normSqInBasis: number;
  /** Residual bound |β_k s_{k,j}| of each Ritz value (0 when the Krylov space became invariant). */
  residuals: number[];
  iterations: number;
}

/** k steps of Lanczos (k ≤ N) with full reorthogonalisation, start vector N(0, I) from `seed`. */
export function lanczos(op: SymOperator, k: number, seed: number): LanczosResult {
  const N = op.N;
  k = Math.min(k, N);
  const rnd = seededRng(seed);
  let q = normals(rnd, N);
  const n0 = Math.sqrt(vecDot(q, q));
  for (let i = 0; i < N; i++) q[i] /= n0;
  const Q: Float64Array[] = [], alpha: number[] = [], beta: number[] = [];
  let lastBeta = 0, normSq = 0;
  for (let j = 0; j < k; j++) {
    Q.push(q);
    const w = op.apply(q);
    normSq += vecDot(w, w);
    const a = vecDot(q, w);
    alpha.push(a);
    const prev = j > 0 ? Q[j - 1] : undefined, bPrev = j > 0 ? beta[j - 1] : 0;
    for (let i = 0; i < N; i++) w[i] -= a * q[i] + (prev ? bPrev * prev[i] : 0); // three-term recurrence
    const b = orthogonalize(w, Q); // full reorthogonalisation
    lastBeta = b;
    if (j === k - 1 || b < 1e-13 * Math.max(1, Math.abs(a))) { lastBeta = j === k - 1 ? b : 0; break; }
    beta.push(b);
    for (let i = 0; i < N; i++) w[i] /= b;
    q = w;
  }
  const m = alpha.length, Tm = new Float64Array(m * m);
  for (let i = 0; i < m; i++) { Tm[i * m + i] = alpha[i]; if (i + 1 < m) { Tm[i * m + i + 1] = beta[i]; Tm[(i + 1) * m + i] = beta[i]; } }
  const e = symmetricEig(Tm, m);
  return {
    values: Array.from(e.values),
    basis: Q, traceInBasis: alpha.reduce((x, y) => x + y, 0), normSqInBasis: normSq,
    residuals: Array.from({ length: m }, (_, j) => Math.abs(lastBeta * e.vectors[(m - 1) * m + j])),
    iterations: m,
  };
}
