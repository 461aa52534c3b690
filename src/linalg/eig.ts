/**
 * Small dense eigenproblems in float64, through ml-matrix (the JAMA port: tred2/tql2 for symmetric matrices,
 * orthes/hqr2 for general ones; accurate to ~1e-14 on the sizes we use, see docs/browser-notes.md#ml-matrix).
 *
 * Layout contract: square matrices are row-major Float64Array of n·n entries.
 */
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { symmetricEigFlat } from './symeig';

export interface SymmetricEig {
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** Eigenvectors as columns, row-major n×n: vectors[i*n + k] is component i of eigenvector k. */
  vectors: Float64Array;
}

function toMatrix(a: Float64Array, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, a[i * cols + j]);
  return m;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix (the upper and lower triangles must agree; the lower is read).
 * Runs the flat-array tred2/tql2 of ./symeig (same algorithm as ml-matrix's, ~2-3× faster at n = 256);
 * throws an Error for non-finite entries.
 */
export function symmetricEig(a: Float64Array, n: number): SymmetricEig {
  return symmetricEigFlat(a, n);
}

export interface GeneralEig {
  re: Float64Array;
  im: Float64Array;
  /** Complex eigenvectors as columns, row-major n×n real and imaginary parts, each of unit 2-norm. */
  vecRe: Float64Array;
  vecIm: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of a general real n×n matrix. JAMA returns complex pairs in real block form:
 * for e[j] > 0 the columns j, j+1 hold the real and imaginary parts of the eigenvector of d[j] + i·e[j];
 * its conjugate belongs to d[j+1] + i·e[j+1] = d[j] − i·e[j].
 */
export function generalEig(a: Float64Array, n: number): GeneralEig {
  // ml-matrix's hqr2 never returns on NaN input: refuse it here
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(a[i])) throw new Error('the reduced operator has non-finite entries (NaN/Inf in the data?)');
  }
  const evd = new EigenvalueDecomposition(toMatrix(a, n, n));
  const d = evd.realEigenvalues, e = evd.imaginaryEigenvalues, V = evd.eigenvectorMatrix;
  const re = Float64Array.from(d), im = Float64Array.from(e);
  const vecRe = new Float64Array(n * n), vecIm = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    if (e[j] === 0) {
      for (let i = 0; i < n; i++) vecRe[i * n + j] = V.get(i, j);
    } else if (e[j] > 0 && j + 1 < n) {
      for (let i = 0; i < n; i++) {
        const vr = V.get(i, j), vi = V.get(i, j + 1);
        vecRe[i * n + j] = vr; vecIm[i * n + j] = vi;
        vecRe[i * n + j + 1] = vr; vecIm[i * n + j + 1] = -vi;
      }
      j++;
    }
  }
  // unit 2-norm columns, as LAPACK/NumPy return them, so amplitudes are comparable with PyDMD's
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += vecRe[i * n + j] ** 2 + vecIm[i * n + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < n; i++) { vecRe[i * n + j] *= inv; vecIm[i * n + j] *= inv; }
  }
  return { re, im, vecRe, vecIm };
}

/** Thin SVD of a rows×cols row-major matrix: singular values descending, U (rows×k), V (cols×k), k = min. */
export function thinSvd(a: Float64Array, rows: number, cols: number): {
  s: Float64Array; U: Float64Array; V: Float64Array; k: number;
} {
  const svd = new SingularValueDecomposition(toMatrix(a, rows, cols), { autoTranspose: true });
  const k = Math.min(rows, cols);
  const s = Float64Array.from(svd.diagonal.slice(0, k));
  const Um = svd.leftSingularVectors, Vm = svd.rightSingularVectors;
  const U = new Float64Array(rows * k), V = new Float64Array(cols * k);
  for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) U[i * k + j] = Um.get(i, j);
  for (let i = 0; i < cols; i++) for (let j = 0; j < k; j++) V[i * k + j] = Vm.get(i, j);
  return { s, U, V, k };
}

/**
 * Solve the complex n×n system (Ar + i·Ai)(xr + i·xi) = (br + i·bi) through the equivalent real 2n×2n system.
 * Throws if singular.
 */
export function complexSolve(
  Ar: Float64Array, Ai: Float64Array, br: Float64Array, bi: Float64Array, n: number,
): { re: Float64Array; im: Float64Array } {
  const M = new Matrix(2 * n, 2 * n);
  const rhs = new Matrix(2 * n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = Ar[i * n + j], c = Ai[i * n + j];
      M.set(i, j, r); M.set(i, j + n, -c);
      M.set(i + n, j, c); M.set(i + n, j + n, r);
    }
    rhs.set(i, 0, br[i]); rhs.set(i + n, 0, bi[i]);
  }
  const x = new SingularValueDecomposition(M).solve(rhs);
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let i = 0; i < n; i++) { re[i] = x.get(i, 0); im[i] = x.get(i + n, 0); }
  return { re, im };
}
