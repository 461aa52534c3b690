/**
 * Complex linear least squares min ‖A x − b‖₂ by Householder QR with column pivoting (Golub & Van Loan, Alg. 5.4.1,
 * with complex reflectors H = I − 2 v vᴴ/(vᴴv)). Backward stable: the solution's relative error is ~κ(A)·ε, where
 * the normal equations AᴴA x = Aᴴb give ~κ(A)²·ε.
 *
 * Layout contract: A is n × r complex, row-major, as separate real and imaginary Float64Arrays (entry i·r + j);
 * b has n entries. n ≥ 1, r ≥ 1 (n < r is allowed: at most n columns are used). Inputs are not modified.
 *
 * Rank: columns whose pivot |R_kk| ≤ max(n, r)·ε·|R_11| are treated as dependent; their unknowns are set to 0 (the
 * "basic" solution, not LAPACK gelsd's minimum-norm one; both agree when A has full column rank).
 */

const EPS = 2.220446049250313e-16;

export interface LeastSquaresResult {
  re: Float64Array;
  im: Float64Array;
  /** Columns judged independent. */
  rank: number;
  /**
   * |R_11|/|R_kk| for the last kept pivot k: with column pivoting a close (usually within a small factor, never
   * above) estimate of the 2-norm condition number of the kept columns. Infinity when A is zero.
   */
  condition: number;
}

export function complexLeastSquares(
  Ar: Float64Array, Ai: Float64Array, br: ArrayLike<number>, bi: ArrayLike<number>, n: number, r: number,
): LeastSquaresResult {
  const ar = Float64Array.from(Ar), ai = Float64Array.from(Ai);
  const yr = Float64Array.from(br), yi = Float64Array.from(bi);
  const perm = Array.from({ length: r }, (_, j) => j);
  // squared norms of the trailing part of each column (recomputed, not downdated: r is small)
  const colNorm2 = (j: number, from: number) => {
    let s = 0;
    for (let i = from; i < n; i++) s += ar[i * r + j] ** 2 + ai[i * r + j] ** 2;
    return s;
  };
  const steps = Math.min(n, r);
  const diag = new Float64Array(steps);
  const vr = new Float64Array(n), vi = new Float64Array(n);
  for (let k = 0; k < steps; k++) {
    // pivot: the remaining column of largest trailing norm
    let best = k, bestNorm = -1;
    for (let j = k; j < r; j++) { const s = colNorm2(j, k); if (s > bestNorm) { bestNorm = s; best = j; } }
    if (best !== k) {
      for (let i = 0; i < n; i++) {
        let t = ar[i * r + k]; ar[i * r + k] = ar[i * r + best]; ar[i * r + best] = t;
        t = ai[i * r + k]; ai[i * r + k] = ai[i * r + best]; ai[i * r + best] = t;
      }
      const p = perm[k]; perm[k] = perm[best]; perm[best] = p;
    }
    const norm = Math.sqrt(bestNorm);
    if (norm === 0) { diag[k] = 0; continue; }
    // α = −e^{i·arg x_k}·‖x‖ (sign chosen against cancellation in v_k = x_k − α)
    const xr = ar[k * r + k], xi = ai[k * r + k];
    const xa = Math.hypot(xr, xi);
    const pr = xa > 0 ? xr / xa : 1, pi = xa > 0 ? xi / xa : 0;
    const alphaR = -pr * norm, alphaI = -pi * norm;
    for (let i = k; i < n; i++) { vr[i] = ar[i * r + k]; vi[i] = ai[i * r + k]; }
    vr[k] -= alphaR; vi[k] -= alphaI;
    let vv = 0;
    for (let i = k; i < n; i++) vv += vr[i] * vr[i] + vi[i] * vi[i];
    // column k becomes (α, 0, …, 0)
    ar[k * r + k] = alphaR; ai[k * r + k] = alphaI;
    for (let i = k + 1; i < n; i++) { ar[i * r + k] = 0; ai[i * r + k] = 0; }
    diag[k] = norm;
    if (vv === 0) continue;
    const scale = 2 / vv;
    // remaining columns and the right-hand side: z ← z − v·(2 vᴴz / vᴴv)
    const reflect = (getR: (i: number) => number, getI: (i: number) => number, set: (i: number, re: number, im: number) => void) => {
      let sr = 0, si = 0;
      for (let i = k; i < n; i++) {
        const zr = getR(i), zi = getI(i);
        sr += vr[i] * zr + vi[i] * zi;      // conj(v)·z
        si += vr[i] * zi - vi[i] * zr;
      }
      sr *= scale; si *= scale;
      for (let i = k; i < n; i++) set(i, getR(i) - (vr[i] * sr - vi[i] * si), getI(i) - (vr[i] * si + vi[i] * sr));
    };
    for (let j = k + 1; j < r; j++) {
      reflect((i) => ar[i * r + j], (i) => ai[i * r + j], (i, re, im) => { ar[i * r + j] = re; ai[i * r + j] = im; });
    }
    reflect((i) => yr[i], (i) => yi[i], (i, re, im) => { yr[i] = re; yi[i] = im; });
  }
  const tol = Math.max(n, r) * EPS * diag[0];
  let rank = 0;
  while (rank < steps && diag[rank] > tol) rank++;
  // back substitution R[0:rank, 0:rank] z = (Qᴴ b)[0:rank]
  const zr = new Float64Array(r), zi = new Float64Array(r);
  for (let k = rank - 1; k >= 0; k--) {
    let sr = yr[k], si = yi[k];
    for (let j = k + 1; j < rank; j++) {
      const rr = ar[k * r + j], ri = ai[k * r + j];
      sr -= rr * zr[j] - ri * zi[j];
      si -= rr * zi[j] + ri * zr[j];
    }
    const dr = ar[k * r + k], di = ai[k * r + k];
    const d2 = dr * dr + di * di;
    zr[k] = (sr * dr + si * di) / d2;
    zi[k] = (si * dr - sr * di) / d2;
  }
  const re = new Float64Array(r), im = new Float64Array(r);
  for (let k = 0; k < r; k++) { re[perm[k]] = zr[k]; im[perm[k]] = zi[k]; }
  return { re, im, rank, condition: rank > 0 ? diag[0] / diag[rank - 1] : Infinity };
}
