/**
 * Projected (Schmid) and exact DMD, from either explicit snapshots or their Gram matrix.
 *
 * With X = [x_0 … x_{m−1}] and Y = [x_1 … x_m] the stacked snapshot pairs (n × m; pairs never straddle runs) and
 * the thin SVD X = U S Vᵀ truncated to rank r:
 *     Ã = Uᵀ Y V S⁻¹                          (PyDMD's Atilde; paper 1's `dmd`)
 *     Ã W = W Λ                               eigenvalues Λ
 *     projected modes U W, exact modes Y V S⁻¹ W
 *     amplitudes b: least squares fit of the modes to the first snapshot x_0 (PyDMD's opt=False)
 *
 * Exact-mode amplitudes solve min ‖P W b − x_0‖ (P = Y V S⁻¹, n × r). Where P is explicit (SVD and randomized
 * routes) this is a Householder QR least-squares solve of the n × r complex system (linalg/qr.ts), relative error
 * ~κ(PW)·ε as with NumPy's lstsq. The Gram route holds only E = PᵀP and f = Pᵀx_0, so it solves the normal equations
 * (Wᴴ E W) b = Wᴴ f, relative error ~κ(PW)²·ε. Either way a warning states κ(PW) when the expected relative error of
 * the amplitudes, κ·ε (QR) or κ²·ε (normal equations), exceeds AMPLITUDE_WARN.
 *
 * Everything except the modes only needs small r×r quantities, which both routes produce:
 *     K = Uᵀ Y V,  c = Uᵀ x_0,  P = Y V S⁻¹ (exact modes before W),  E = PᵀP,  f = Pᵀ x_0,  ‖Y‖²_F.
 * The Gram route (method of snapshots) gets them from XᵀX = V S² Vᵀ, XᵀY and YᵀY alone:
 *     K = S⁻¹ Vᵀ (XᵀY) V,  c = S⁻¹ Vᵀ (Xᵀx_0),  E = S⁻¹ Vᵀ (YᵀY) V S⁻¹,  f = S⁻¹ Vᵀ (Yᵀx_0),  ‖Y‖² = tr YᵀY.
 * The one-step residual of the projected operator A = U Ã Uᵀ is ‖Y − AX‖² = ‖Y − U Uᵀ Y V Vᵀ‖² = ‖Y‖² − ‖K‖².
 *
 * The Gram squares the condition number: singular values below ~√(m·ε)·σ₁ (≈1e-7·σ₁) are round-off there, and the
 * numerical rank says so. The direct route (an SVD of the explicit n × m matrix) keeps ~ε·σ₁ and is used whenever
 * the embedded dimension is small.
 */
import { complexSolve, generalEig, symmetricEig, thinSvd } from '../linalg/eig';
import { complexLeastSquares } from '../linalg/qr';
import { symmetricEigLeading } from '../linalg/symeig';
import { chooseRank } from './rank';
import type { RankRule } from './types';

/** The reduced quantities of one fit at rank r (see the file comment). Row-major matrices. */
export interface Projected {
  r: number;
  S: Float64Array;
  K: Float64Array;
  c: Float64Array;
  E: Float64Array;
  f: Float64Array;
  yNorm2: number;
  /** Right singular vectors V (m × r): the weights of each snapshot pair's X column in the modes. */
  V: Float64Array;
  /** ‖Y − U K Vᵀ‖²_F computed explicitly (direct route); otherwise ‖Y‖² − ‖K‖², good to ~√ε relative. */
  residual2?: number;
  /**
   * Routes with explicit data: P = Y V S⁻¹ (n × r, row-major) and the first embedded snapshot x_0 (n), for the QR
   * solve of the exact-mode amplitudes. Absent on the Gram route (normal equations from E and f instead).
   */
  explicit?: { P: Float64Array; x0: Float64Array; n: number };
}

/** A snapshot-pair problem ready for a rank choice. */
export interface PairProblem {
  /** All min(n, m) singular values of X, descending. */
  sigma: Float64Array;
  numericalRank: number;
  n: number;
  m: number;
  route: 'gram' | 'svd';
  project(r: number): Projected;
}

const EPS = 2.220446049250313e-16;

/**
 * Gram route. `Gxx`, `Gxy`, `Gyy` are m×m row-major: Gxx[i][j] = ⟨x_i, x_j⟩, Gxy[i][j] = ⟨x_i, y_j⟩,
 * Gyy[i][j] = ⟨y_i, y_j⟩. `n` is the embedded dimension (caps the rank at min(n, m)).
 */
export function pairProblemFromGram(Gxx: Float64Array, Gxy: Float64Array, Gyy: Float64Array, m: number, n: number): PairProblem {
  // all m eigenvalues (for σ, the numerical rank and the rank rules) but only the r leading eigenvectors, on
  // request in project(r): the m − r others cost ~2/3 of a full decomposition and were never used (issue 18)
  const eig = symmetricEigLeading(Gxx, m);
  const values = eig.values;
  const k = Math.min(n, m);
  const sigma = new Float64Array(k);
  for (let i = 0; i < k; i++) sigma[i] = Math.sqrt(Math.max(values[i], 0));
  const floor = values[0] * m * EPS * 16;
  let numericalRank = 0;
  while (numericalRank < k && values[numericalRank] > floor) numericalRank++;
  let yNorm2 = 0;
  for (let i = 0; i < m; i++) yNorm2 += Gyy[i * m + i];
  return {
    sigma, numericalRank, n, m, route: 'gram',
    project(r) {
      const V = eig.vectors(r); // m × r
      const S = sigma.slice(0, r);
      const VtAV = (A: Float64Array) => {
        const AV = matmul(A, V, m, m, r);
        return matmulTn(V, AV, m, r, r);
      };
      const K = VtAV(Gxy);
      const Eg = VtAV(Gyy);
      const c = new Float64Array(r), f = new Float64Array(r);
      const E = new Float64Array(r * r);
      for (let a = 0; a < r; a++) {
        for (let b = 0; b < r; b++) {
          K[a * r + b] /= S[a];
          E[a * r + b] = Eg[a * r + b] / (S[a] * S[b]);
        }
        let ca = 0, fa = 0;
        for (let i = 0; i < m; i++) {
          ca += V[i * r + a] * Gxx[i * m];       // ⟨x_i, x_0⟩
          fa += V[i * r + a] * Gxy[i];           // ⟨y_i, x_0⟩ = Gxy[0][i]
        }
        c[a] = ca / S[a];
        f[a] = fa / S[a];
      }
      return { r, S, K, c, E, f, yNorm2, V };
    },
  };
}

/**
 * Direct route from explicit pairs: XT and YT are m × n row-major (row j = snapshot pair j's x and y).
 */
export function pairProblemFromData(XT: Float64Array, YT: Float64Array, m: number, n: number): PairProblem {
  // Xᵀ = V S Uᵀ, so the SVD of the m × n sample matrix gives V as its left and U as its right factor.
  const svd = thinSvd(XT, m, n);
  const k = svd.k;
  const sigma = svd.s;
  const floor = sigma[0] * Math.max(n, m) * EPS;
  let numericalRank = 0;
  while (numericalRank < k && sigma[numericalRank] > floor) numericalRank++;
  let yNorm2 = 0;
  for (let i = 0; i < YT.length; i++) yNorm2 += YT[i] * YT[i];
  return {
    sigma, numericalRank, n, m, route: 'svd',
    project(r) {
      const S = sigma.slice(0, r);
      const U = new Float64Array(n * r), V = new Float64Array(m * r);
      for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) U[i * r + j] = svd.V[i * k + j];
      for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) V[i * r + j] = svd.U[i * k + j];
      const YV = matmulTn(YT, V, m, n, r);          // (n × r) = Yᵀᵀ V
      const K = matmulTn(U, YV, n, r, r);           // Uᵀ Y V
      const P = new Float64Array(n * r);
      for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) P[i * r + j] = YV[i * r + j] / S[j];
      const E = matmulTn(P, P, n, r, r);
      const c = new Float64Array(r), f = new Float64Array(r);
      for (let j = 0; j < r; j++) {
        let cj = 0, fj = 0;
        for (let i = 0; i < n; i++) { cj += U[i * r + j] * XT[i]; fj += P[i * r + j] * XT[i]; }
        c[j] = cj; f[j] = fj;
      }
      // explicit residual: Yᵀ − V Kᵀ Uᵀ, row by row (avoids the cancellation of ‖Y‖² − ‖K‖²)
      let residual2 = 0;
      const UK = new Float64Array(n * r);                // U Kᵀ... as (n × r): (U K)[i][b] = Σ_a U[i][a] K[a][b]
      for (let i = 0; i < n; i++) for (let a = 0; a < r; a++) {
        const u = U[i * r + a];
        for (let b = 0; b < r; b++) UK[i * r + b] += u * K[a * r + b];
      }
      for (let j = 0; j < m; j++) {
        for (let i = 0; i < n; i++) {
          let pred = 0;
          for (let b = 0; b < r; b++) pred += UK[i * r + b] * V[j * r + b];
          const e = YT[j * n + i] - pred;
          residual2 += e * e;
        }
      }
      const x0 = XT.slice(0, n);
      return { r, S, K, c, E, f, yNorm2, V, residual2, explicit: { P, x0, n } };
    },
  };
}

/** Expected relative error of the exact-mode amplitudes above which a warning is given (see the file comment). */
export const AMPLITUDE_WARN = 1e-8;

export interface ReducedSolution {
  /** Ã = K S⁻¹ (r × r). */
  reducedOperator: Float64Array;
  re: Float64Array;
  im: Float64Array;
  /** W: eigenvectors of Ã (columns), complex r × r. */
  wRe: Float64Array;
  wIm: Float64Array;
  /** |b| per eigenvalue, for the requested mode kind. */
  amplitudes: Float64Array;
  residual: number;
  /** Numerical trouble of this step in words (ill-conditioned amplitude fit). */
  warnings: string[];
}

/** Eigen-decomposition of the reduced operator plus amplitudes and residual (see the file comment). */
export function solveReduced(p: Projected, modes: 'projected' | 'exact'): ReducedSolution {
  const { r, S, K } = p;
  const At = new Float64Array(r * r);
  for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) At[a * r + b] = K[a * r + b] / S[b];
  const eig = generalEig(At, r);
  const warnings: string[] = [];
  let amps: { re: Float64Array; im: Float64Array };
  const zeros = new Float64Array(r);
  try {
    if (modes === 'projected') {
      amps = complexSolve(eig.vecRe, eig.vecIm, p.c, zeros, r);           // W b = Uᵀ x_0
    } else if (p.explicit) {
      // QR least squares of Φ b ≈ x_0 with Φ = P W (n × r complex)
      const { P, x0, n } = p.explicit;
      const Pr = matmul(P, eig.vecRe, n, r, r), Pi = matmul(P, eig.vecIm, n, r, r);
      const ls = complexLeastSquares(Pr, Pi, x0, new Float64Array(n), n, r);
      amps = ls;
      if (ls.condition * EPS > AMPLITUDE_WARN) warnings.push(amplitudeWarning(ls.condition, ls.condition * EPS, 'QR'));
    } else {
      // normal equations (Wᴴ E W) b = Wᴴ f of the least-squares fit P W b ≈ x_0 (Gram route: P is not held)
      const [Hr, Hi] = hermitianProduct(eig.vecRe, eig.vecIm, p.E, r);
      const rhsRe = new Float64Array(r), rhsIm = new Float64Array(r);
      for (let a = 0; a < r; a++) {
        let sr = 0, si = 0;
        for (let i = 0; i < r; i++) { sr += eig.vecRe[i * r + a] * p.f[i]; si -= eig.vecIm[i * r + a] * p.f[i]; }
        rhsRe[a] = sr; rhsIm[a] = si;
      }
      amps = complexSolve(Hr, Hi, rhsRe, rhsIm, r);
      const kappa = Math.sqrt(hermitianCondition(Hr, Hi, r));
      if (kappa * kappa * EPS > AMPLITUDE_WARN) {
        warnings.push(amplitudeWarning(kappa, kappa * kappa * EPS, 'normal equations of the Gram route'));
      }
    }
  } catch {
    amps = { re: new Float64Array(r).fill(NaN), im: new Float64Array(r).fill(NaN) };
  }
  const amplitudes = new Float64Array(r);
  for (let i = 0; i < r; i++) amplitudes[i] = Math.hypot(amps.re[i], amps.im[i]);
  let k2 = 0;
  for (let i = 0; i < r * r; i++) k2 += K[i] * K[i];
  const res2 = p.residual2 ?? Math.max(p.yNorm2 - k2, 0);
  const residual = p.yNorm2 > 0 ? Math.sqrt(res2 / p.yNorm2) : 0;
  return { reducedOperator: At, re: eig.re, im: eig.im, wRe: eig.vecRe, wIm: eig.vecIm, amplitudes, residual, warnings };
}

function amplitudeWarning(kappa: number, error: number, how: string): string {
  return `exact-mode amplitudes: the modes are nearly linearly dependent (condition number ≈ ${kappa.toExponential(1)}); ` +
    `solved by ${how}, the amplitudes are accurate to about ${error.toExponential(0)} relative`;
}

/**
 * 2-norm condition number λ_max/λ_min of a Hermitian positive semi-definite H = Hr + i·Hi (r × r), from the real
 * symmetric embedding [[Hr, −Hi], [Hi, Hr]], whose eigenvalues are those of H, each twice. Infinity if singular.
 */
function hermitianCondition(Hr: Float64Array, Hi: Float64Array, r: number): number {
  const n2 = 2 * r;
  const B = new Float64Array(n2 * n2);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) {
    B[i * n2 + j] = Hr[i * r + j]; B[i * n2 + j + r] = -Hi[i * r + j];
    B[(i + r) * n2 + j] = Hi[i * r + j]; B[(i + r) * n2 + j + r] = Hr[i * r + j];
  }
  const { values } = symmetricEig(B, n2);
  const lo = values[n2 - 1];
  return lo > 0 ? values[0] / lo : Infinity;
}

/** Wᴴ E W for complex W (r × r) and real symmetric E. */
function hermitianProduct(Wr: Float64Array, Wi: Float64Array, E: Float64Array, r: number): [Float64Array, Float64Array] {
  const EWr = matmul(E, Wr, r, r, r), EWi = matmul(E, Wi, r, r, r);
  // (Wr − iWi)ᵀ (EWr + i EWi)
  const Hr = new Float64Array(r * r), Hi = new Float64Array(r * r);
  const a = matmulTn(Wr, EWr, r, r, r), b = matmulTn(Wi, EWi, r, r, r);
  const c = matmulTn(Wr, EWi, r, r, r), d = matmulTn(Wi, EWr, r, r, r);
  for (let i = 0; i < r * r; i++) { Hr[i] = a[i] + b[i]; Hi[i] = c[i] - d[i]; }
  return [Hr, Hi];
}

/** Choose the rank for a pair problem (see rank.ts). */
export function rankFor(p: PairProblem, rule: RankRule) {
  return chooseRank(p.sigma, p.numericalRank, rule, p.n, p.m);
}

/** C = A B with A (p × q), B (q × s), row-major. */
function matmul(A: Float64Array, B: Float64Array, p: number, q: number, s: number): Float64Array {
  const C = new Float64Array(p * s);
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < q; k++) {
      const a = A[i * q + k];
      if (a === 0) continue;
      for (let j = 0; j < s; j++) C[i * s + j] += a * B[k * s + j];
    }
  }
  return C;
}

/** C = Aᵀ B with A (q × p), B (q × s), row-major: C is p × s. */
function matmulTn(A: Float64Array, B: Float64Array, q: number, p: number, s: number): Float64Array {
  const C = new Float64Array(p * s);
  for (let k = 0; k < q; k++) {
    for (let i = 0; i < p; i++) {
      const a = A[k * p + i];
      if (a === 0) continue;
      for (let j = 0; j < s; j++) C[i * s + j] += a * B[k * s + j];
    }
  }
  return C;
}
