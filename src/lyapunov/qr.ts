/**
 * Thin Householder QR of a tall n × k matrix (n ≥ k), the re-orthonormalisation step of the Benettin method.
 *
 * Storage: column-major throughout (column j of an n × k matrix is entries j·n … j·n + n − 1), because the
 * columns are tangent vectors. R is k × k, column-major, upper triangular: R_ij = r[j·k + i] (i ≤ j).
 *
 * Convention: the diagonal of R is made non-negative (a column of Q and the row of R flipped together), which makes
 * the factorisation unique for full-rank input and equal to NumPy's `np.linalg.qr` after the same sign fix. Lyapunov
 * exponents use ln|R_ii| and do not depend on the signs; CLVs and reference tests do.
 *
 * Why Householder and not Gram–Schmidt: Q stays orthonormal to machine precision however ill-conditioned J Q is
 * (in GD the tangent directions contract at very different rates), and tfjs's qr is float32 on the GPU.
 */
export interface ThinQr {
  q: Float64Array;
  r: Float64Array;
}

/** A = Q R for A (n × k, column-major, not modified): fresh q (n·k) and r (k·k). */
export function householderQr(a: Float64Array, n: number, k: number): ThinQr {
  if (!(Number.isInteger(n) && Number.isInteger(k) && k >= 1 && n >= k)) throw new Error(`thin QR needs n ≥ k ≥ 1, got ${n} × ${k}`);
  if (a.length !== n * k) throw new Error(`A has ${a.length} values, expected ${n}·${k}`);
  const A = Float64Array.from(a);
  const V = new Float64Array(n * k); // Householder vector j in rows j … n − 1 of column j
  const beta = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const cj = j * n;
    let norm2 = 0;
    for (let i = j; i < n; i++) norm2 += A[cj + i] * A[cj + i];
    const norm = Math.sqrt(norm2);
    if (norm === 0) continue; // a zero column: R_jj = 0, no reflection
    // reflect x onto alpha·e1 with alpha = −sign(x0)‖x‖ (no cancellation in x0 − alpha)
    const alpha = A[cj + j] >= 0 ? -norm : norm;
    let vnorm2 = 0;
    for (let i = j; i < n; i++) { const vi = i === j ? A[cj + i] - alpha : A[cj + i]; V[cj + i] = vi; vnorm2 += vi * vi; }
    const b = 2 / vnorm2;
    beta[j] = b;
    for (let c = j; c < k; c++) {
      const cc = c * n;
      let s = 0;
      for (let i = j; i < n; i++) s += V[cj + i] * A[cc + i];
      s *= b;
      for (let i = j; i < n; i++) A[cc + i] -= s * V[cj + i];
    }
  }
  const q = new Float64Array(n * k), r = new Float64Array(k * k);
  for (let j = 0; j < k; j++) for (let i = 0; i <= j; i++) r[j * k + i] = A[j * n + i];
  // Q = H_0 H_1 … H_{k−1} [I_k; 0], applied right to left
  for (let c = 0; c < k; c++) q[c * n + c] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const b = beta[j];
    if (b === 0) continue;
    const cj = j * n;
    for (let c = 0; c < k; c++) {
      const cc = c * n;
      let s = 0;
      for (let i = j; i < n; i++) s += V[cj + i] * q[cc + i];
      s *= b;
      for (let i = j; i < n; i++) q[cc + i] -= s * V[cj + i];
    }
  }
  for (let i = 0; i < k; i++) {
    if (r[i * k + i] >= 0) continue;
    for (let c = i; c < k; c++) r[c * k + i] = -r[c * k + i];
    for (let m = 0; m < n; m++) q[i * n + m] = -q[i * n + m];
  }
  return { q, r };
}

/** Columns of a k-column block with orthonormal columns from seeded normals (a random starting frame). */
export function orthonormalFrame(n: number, k: number, normal: () => number): Float64Array {
  const a = new Float64Array(n * k);
  for (let i = 0; i < a.length; i++) a[i] = normal();
  return householderQr(a, n, k).q;
}
