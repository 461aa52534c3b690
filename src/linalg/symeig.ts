/**
 * Dense symmetric eigensolver on flat row-major Float64Array: Householder tridiagonalisation (EISPACK tred2)
 * followed by the implicit QL algorithm with Wilkinson-type shifts (EISPACK tql2), as in JAMA.
 *
 * Why hand-written: ml-matrix's EigenvalueDecomposition runs the very same tred2/tql2, but on `Matrix` objects
 * through get/set and nested arrays, walking columns in its inner loops; that costs ~200 ms at n = 256 (the live
 * app's 256-snapshot Gram), 20-30× more than the same arithmetic needs. No maintained npm package offers a fast
 * flat-array symmetric eigensolver: `numeric` (1.2.6) was last published in 2012, math.js's `eigs` works on nested
 * arrays, `@stdlib/lapack` (0.2.1) has no syev/steqr yet. So this is a careful port of JAMA with
 *  - the working matrix stored TRANSPOSED (W = Vᵀ), so that every O(n³) inner loop of tred2, of the accumulation
 *    of the Householder reflections and of the QL plane rotations runs along a contiguous row;
 *  - local variables and precomputed row offsets instead of accessor calls;
 *  - a non-finite input check (NaN makes tql2's convergence test never succeed: JAMA loops for ever) and an
 *    iteration cap (30·n QL sweeps in all, LAPACK dsteqr's limit) so that it can never hang.
 *  - the matrix scaled by a power of two to max|A| ∈ [1, 2) first (exact), so huge or tiny entries cannot overflow
 *    or underflow in the sums of squares.
 * Accuracy is that of tred2/tql2 (backward stable): eigenvalues to ~n·ε·‖A‖ absolute, eigenvectors orthonormal to
 * ~n·ε; the tests compare it with NumPy's eigh (test/linalg/symeig.test.ts).
 *
 * From order TRIDIAG_WASM_MIN_N on, the two O(n³) loops of tred2 run as WebAssembly SIMD kernels (wasmTridiag.ts),
 * bit for bit the JS loops' arithmetic, where the engine has wasm SIMD.
 *
 * Only the lower triangle of A is read (as JAMA does). Imports only wasmTridiag.ts (itself free of platform APIs), so
 * the numerical core can use it anywhere.
 */
import { tridiagWork, type TridiagVector, type TridiagWork } from './wasmTridiag';

/** Eigenvalues (descending) and eigenvectors as columns of a row-major n×n array: vectors[i*n + k] = v_k[i]. */
export interface SymmetricEigResult {
  values: Float64Array;
  vectors: Float64Array;
}

const EPS = 2.220446049250313e-16; // 2^-52, as JAMA

/**
 * Which loops run tred2: 'auto' the wasm SIMD kernels where available (wasmTridiag.ts), 'js' the JS loops (the
 * reference; tests compare the two bit for bit).
 */
export type SymEigKernel = 'auto' | 'js';

/** √(a² + b²) without overflow or destructive underflow (Math.hypot is variadic and slow in V8). */
function hypot(a: number, b: number): number {
  const x = a < 0 ? -a : a;
  const y = b < 0 ? -b : b;
  if (x > y) { const r = y / x; return x * Math.sqrt(1 + r * r); }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}

/**
 * Σ_{k<len} x[a+k]·x[b+k], with four partial sums (one sum is a latency-bound add chain; V8 keeps the order).
 * Deliberately not gram.ts's `dot`: that one takes Float32Array | Float64Array, two arrays and offsets, and is called
 * with both element kinds, so its call sites are polymorphic; this copy sees only the one Float64Array of tred2/tql2
 * and stays monomorphic in their O(n³) loops; it also keeps this file free of imports (see the header).
 */
function dot(x: Float64Array, a: number, b: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += x[a + k] * x[b + k];
    s1 += x[a + k + 1] * x[b + k + 1];
    s2 += x[a + k + 2] * x[b + k + 2];
    s3 += x[a + k + 3] * x[b + k + 3];
  }
  for (; k < len; k++) s0 += x[a + k] * x[b + k];
  return (s0 + s1) + (s2 + s3);
}

function checkInput(a: ArrayLike<number>, n: number, fn: string): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${fn}: n must be a non-negative integer, got ${n}`);
  if (a.length < n * n) throw new Error(`${fn}: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  for (let idx = 0, nn = n * n; idx < nn; idx++) {
    const v = a[idx];
    if (v - v !== 0) { // NaN or ±Infinity
      const i = Math.floor(idx / n);
      throw new Error(`${fn}: eigenproblem with non-finite entries (A[${i}][${idx - i * n}] = ${v})`);
    }
  }
}

/**
 * Householder reduction to tridiagonal form (tred2) on W, where W holds Vᵀ (W[j*n + k] = V[k][j]) and starts as
 * Aᵀ. On return d is the diagonal, e[1..n-1] the subdiagonal (e[0] = 0) and, if `vectors`, W holds Qᵀ (the rows of W
 * are the columns of the orthogonal Q with Qᵀ A Q = T). Without `vectors`, row i of W keeps the Householder vector
 * u_i of step i in its entries 0 … i−1 and `hOut[i]` receives its h (Q = P_{n−1}·…·P_1, P_i = I − u_i u_iᵀ/h_i).
 */
function tred2(
  W: Float64Array, n: number, d: Float64Array, e: Float64Array, vectors: boolean, hOut?: Float64Array,
  kernels?: TridiagWork['kernels'],
): void {
  if (kernels) reduceFused(W, n, d, e, kernels);
  else reduce(W, n, d, e);
  finishTred2(W, n, d, e, vectors, hOut);
}

/** tred2's column scale Σ_{k<i} |u[k]| (0: the zero-column path). */
function scaleOf(u: Float64Array, i: number): number {
  let s = 0;
  for (let k = 0; k < i; k++) s += Math.abs(u[k]);
  return s;
}

/**
 * tred2's zero-column step i (scale 0): sub[i] = u[i−1], u ← column i−1 (the next step's vector), row and column i
 * of the active block zeroed. (reduce passes e as `sub`, reduceFused its own array.)
 */
function zeroColumnStep(W: Float64Array, n: number, i: number, u: Float64Array, sub: Float64Array): void {
  const oi = i * n;
  sub[i] = u[i - 1];
  for (let j = 0; j < i; j++) {
    const oj = j * n;
    u[j] = W[oj + i - 1]; // V[i-1][j]
    W[oj + i] = 0; // V[i][j]
    W[oi + j] = 0; // V[j][i]
  }
}

/**
 * tred2's Householder vector of step i from u[0 … i) (scale > 0): u scaled and its last entry shifted, sub[i] the
 * subdiagonal entry, p[0 … i) zeroed (sub may be p: it writes index i only); returns h.
 */
function householderStep(i: number, u: Float64Array, p: Float64Array, scale: number, sub: Float64Array): number {
  const inv = 1 / scale;
  let h = 0;
  for (let k = 0; k < i; k++) { const x = u[k] * inv; u[k] = x; h += x * x; }
  const f = u[i - 1];
  let g = Math.sqrt(h);
  if (f > 0) g = -g;
  sub[i] = scale * g;
  h -= f * g;
  u[i - 1] = f - g;
  for (let j = 0; j < i; j++) p[j] = 0;
  return h;
}

/** tred2's p = (A u)/h − (uᵀ(A u)/(2h²))·u over [0, i), from p = A u. */
function finishP(i: number, u: Float64Array, p: Float64Array, h: number): void {
  let f = 0;
  const invh = 1 / h;
  for (let j = 0; j < i; j++) { const x = p[j] * invh; p[j] = x; f += x * u[j]; }
  const hh = f / (h + h);
  for (let j = 0; j < i; j++) p[j] -= hh * u[j];
}

/**
 * tred2's reduction loop (JAMA's, the reference): on return d[i] = h_i and e[i] the subdiagonal for i ≥ 1, d[0] =
 * V[0][0], row i of W holds u_i in its entries 0 … i−1, and the rest of W what finishTred2 expects.
 */
function reduce(W: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = W[j * n + n - 1]; // V[n-1][j]

  for (let i = n - 1; i > 0; i--) {
    const oi = i * n;
    let h = 0;
    const scale = scaleOf(d, i);
    if (scale === 0) {
      zeroColumnStep(W, n, i, d, e);
    } else {
      h = householderStep(i, d, e, scale, e);
      // Apply the similarity transformation to the remaining columns: e = A d (lower triangle of the leading
      // i×i block, stored as rows of W).
      for (let j = 0; j < i; j++) {
        const oj = j * n;
        const f = d[j];
        W[oi + j] = f; // V[j][i] = f
        // g = e[j] + Σ_k V[k][j]·d[k] with two partial sums (a single one is a latency-bound add chain)
        let g0 = e[j] + W[oj + j] * f;
        let g1 = 0;
        let k = j + 1;
        for (; k + 1 < i; k += 2) {
          const w0 = W[oj + k], w1 = W[oj + k + 1]; // V[k][j], V[k+1][j]
          g0 += w0 * d[k];
          g1 += w1 * d[k + 1];
          e[k] += w0 * f;
          e[k + 1] += w1 * f;
        }
        if (k < i) {
          const w = W[oj + k];
          g0 += w * d[k];
          e[k] += w * f;
        }
        e[j] = g0 + g1;
      }
      finishP(i, d, e, h);
      for (let j = 0; j < i; j++) {
        const oj = j * n;
        const fj = d[j];
        const gj = e[j];
        for (let k = j; k < i; k++) W[oj + k] -= fj * e[k] + gj * d[k]; // V[k][j]
        d[j] = W[oj + i - 1]; // V[i-1][j]
        W[oj + i] = 0; // V[i][j]
      }
    }
    d[i] = h;
  }
}

/**
 * `reduce` with the wasm SIMD row kernels (wasmTridiag.ts), bit for bit its arithmetic, and with each step's rank-2
 * update fused with the next step's symv: one pass over the active triangle per step instead of two (it is read by
 * the symv, then read and written by the update; at n ≥ ~1000 the triangle leaves the cache). That needs the next
 * step's Householder vector before the pass: it is column i−1 after the update, whose entries are updated first (a
 * pre-pass over one column); and two pairs of vectors (u, p) for the two steps, which swap after each step. A zero
 * column (scale 0) takes reduce's path after the unfused update. Outputs as `reduce`.
 */
function reduceFused(W: Float64Array, n: number, d: Float64Array, e: Float64Array, K: NonNullable<TridiagWork['kernels']>): void {
  const hs = new Float64Array(n), sub = new Float64Array(n); // h_i and the subdiagonal, into d and e at the end
  const vec = K.vec, out = K.out;
  let U: TridiagVector = 0, P: TridiagVector = 1, U2: TridiagVector = 2, P2: TridiagVector = 3;
  for (let j = 0; j < n; j++) vec[U][j] = W[j * n + n - 1]; // V[n-1][j]

  /** The rest of row j's update (W −= fj·p + gj·u) from entry k0 to i (exclusive). */
  const syr2Rest = (oj: number, k0: number, i: number, u: Float64Array, p: Float64Array, fj: number, gj: number): void => {
    let k = k0;
    if (k + 1 < i) { const pairs = (i - k) >> 1; K.syr2Row(oj + k, k, pairs, U, P, fj, gj); k += 2 * pairs; }
    for (; k < i; k++) W[oj + k] -= fj * p[k] + gj * u[k];
  };

  let h = 0;
  let symvDone = false; // step i's symv was done by the previous step's fused pass
  for (let i = n - 1; i > 0; i--) {
    const oi = i * n;
    const u = vec[U], p = vec[P];
    if (!symvDone) {
      const scale = scaleOf(u, i);
      if (scale === 0) {
        zeroColumnStep(W, n, i, u, sub);
        hs[i] = 0;
        continue;
      }
      h = householderStep(i, u, p, scale, sub);
      for (let j = 0; j < i; j++) { // reduce's symv, the pairs in wasm (lane 0 is g0, lane 1 g1)
        const oj = j * n;
        const f = u[j];
        W[oi + j] = f;
        let g0 = p[j] + W[oj + j] * f, g1 = 0;
        let k = j + 1;
        if (k + 1 < i) {
          const pairs = (i - k) >> 1;
          K.symvRow(oj + k, k, pairs, U, P, f, g0, g1);
          g0 = out[0]; g1 = out[1];
          k += 2 * pairs;
        }
        if (k < i) { const w = W[oj + k]; g0 += w * u[k]; p[k] += w * f; }
        p[j] = g0 + g1;
      }
    }
    finishP(i, u, p, h);
    hs[i] = h;

    if (i === 1) { // the last update: row 0, entry 0
      W[0] -= u[0] * p[0] + p[0] * u[0];
      W[1] = 0;
      break;
    }
    // column i−1 after this step's update: the next step's vector (reduce's d[j] = V[i-1][j] after the update)
    const u2 = vec[U2], p2 = vec[P2];
    const up = p[i - 1], uu = u[i - 1];
    for (let j = 0; j < i; j++) {
      const oj = j * n;
      W[oj + i - 1] -= u[j] * up + p[j] * uu;
      u2[j] = W[oj + i - 1];
      W[oj + i] = 0; // V[i][j]
    }
    const i2 = i - 1, o2 = i2 * n;
    const scale2 = scaleOf(u2, i2);
    if (scale2 === 0) { // the next step takes the zero path, which reads the updated column i−2: update unfused
      for (let j = 0; j < i2; j++) syr2Rest(j * n, j, i2, u, p, u[j], p[j]);
      [U, P, U2, P2] = [U2, P2, U, P];
      symvDone = false;
      continue;
    }
    h = householderStep(i2, u2, p2, scale2, sub);
    for (let j = 0; j < i2; j++) { // this step's update of row j (entries j … i−2) fused with the next step's symv
      const oj = j * n;
      const fj = u[j], gj = p[j];
      W[oj + j] -= fj * p[j] + gj * u[j];
      const f2 = u2[j];
      W[o2 + j] = f2;
      let g0 = p2[j] + W[oj + j] * f2, g1 = 0;
      let k = j + 1;
      if (k + 1 < i2) {
        const pairs = (i2 - k) >> 1;
        K.fusedRow(oj + k, k, pairs, U, P, U2, P2, fj, gj, f2, g0, g1);
        g0 = out[0]; g1 = out[1];
        k += 2 * pairs;
      }
      if (k < i2) {
        W[oj + k] -= fj * p[k] + gj * u[k];
        const w = W[oj + k];
        g0 += w * u2[k];
        p2[k] += w * f2;
      }
      p2[j] = g0 + g1;
    }
    [U, P, U2, P2] = [U2, P2, U, P];
    symvDone = true;
  }
  // reduce's outputs: d[i] = h_i, e[i] the subdiagonal (i ≥ 1), d[0] = V[0][0] (d and e are vec[0] and vec[1])
  for (let i = 1; i < n; i++) { d[i] = hs[i]; e[i] = sub[i]; }
  d[0] = W[0];
  e[0] = 0;
}

/** The rest of tred2 after the reduction (reduce or reduceFused): the diagonal, and Q or the reflections' h. */
function finishTred2(W: Float64Array, n: number, d: Float64Array, e: Float64Array, vectors: boolean, hOut?: Float64Array): void {
  const last = (n - 1) * n;
  if (!vectors) {
    // hOut[i] = h of the reflection of step i (its vector is row i of W, entries 0 … i−1): see applyReflections
    if (hOut) hOut.set(d);
    for (let j = 0; j < n; j++) d[j] = W[j * n + j];
    e[0] = 0;
    return;
  }

  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    const oi = i * n;
    const oi1 = oi + n;
    W[oi + n - 1] = W[oi + i]; // V[n-1][i] = V[i][i]
    W[oi + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      const invh = 1 / h;
      for (let k = 0; k <= i; k++) d[k] = W[oi1 + k] * invh; // V[k][i+1] / h
      for (let j = 0; j <= i; j++) {
        const oj = j * n;
        const g = dot(W, oi1, oj, i + 1);
        for (let k = 0; k <= i; k++) W[oj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) W[oi1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = W[j * n + n - 1];
    W[j * n + n - 1] = 0;
  }
  W[last + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL on the symmetric tridiagonal (d, e) from tred2 (tql2). If V (row-major n×n, eigenvectors as columns)
 * is given, its columns are rotated along. Eigenvalues are left unsorted in d.
 */
function tql2(d: Float64Array, e: Float64Array, n: number, V: Float64Array | null): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;

  // The rotations of one sweep are recorded here and applied to V afterwards, row by row (see below).
  const cs = V === null ? null : new Float64Array(n);
  const ss = V === null ? null : new Float64Array(n);
  let f = 0;
  let tst1 = 0;
  let sweeps = 0;
  const maxSweeps = 30 * n;
  for (let l = 0; l < n; l++) {
    // Find a small subdiagonal element.
    const t = Math.abs(d[l]) + Math.abs(e[l]);
    if (t > tst1) tst1 = t;
    let m = l;
    while (m < n - 1) {
      if (Math.abs(e[m]) <= EPS * tst1) break;
      m++;
    }
    // If m == l, d[l] is an eigenvalue; otherwise iterate.
    if (m > l) {
      do {
        if (++sweeps > maxSweeps) {
          throw new Error(`symmetric eigensolver: QL iteration did not converge in ${maxSweeps} sweeps (n = ${n})`);
        }
        // Compute the implicit shift.
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;

        // Implicit QL transformation.
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = e[i];
          g = c * ei;
          h = c * p;
          r = hypot(p, ei);
          e[i + 1] = s * r;
          s = ei / r;
          c = p / r;
          const di = d[i];
          p = c * di - s * g;
          d[i + 1] = h + s * (c * g + s * di);
          if (cs !== null) { cs[i] = c; ss![i] = s; }
        }
        if (V !== null) {
          // Accumulate the sweep's rotations (i = m-1 down to l, each on columns i, i+1 of V) one row of V at a
          // time: column i+1 is final after rotation i and column i is carried in a register to rotation i-1, so
          // each row is read and written once per sweep, contiguously (LAPACK dlasr's scheme), instead of n
          // strided passes over two columns.
          // Four rows at a time: the carried value is a dependency chain, four independent chains hide latency.
          const c_ = cs!, s_ = ss!;
          let k = 0;
          for (; k + 4 <= n; k += 4) {
            const o0 = k * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
            let q0 = V[o0 + m], q1 = V[o1 + m], q2 = V[o2 + m], q3 = V[o3 + m];
            for (let i = m - 1; i >= l; i--) {
              const ci = c_[i], si = s_[i];
              const v0 = V[o0 + i], v1 = V[o1 + i], v2 = V[o2 + i], v3 = V[o3 + i];
              V[o0 + i + 1] = si * v0 + ci * q0; q0 = ci * v0 - si * q0;
              V[o1 + i + 1] = si * v1 + ci * q1; q1 = ci * v1 - si * q1;
              V[o2 + i + 1] = si * v2 + ci * q2; q2 = ci * v2 - si * q2;
              V[o3 + i + 1] = si * v3 + ci * q3; q3 = ci * v3 - si * q3;
            }
            V[o0 + l] = q0; V[o1 + l] = q1; V[o2 + l] = q2; V[o3 + l] = q3;
          }
          for (; k < n; k++) {
            const o = k * n;
            let q = V[o + m];
            for (let i = m - 1; i >= l; i--) {
              const vi = V[o + i];
              const ci = c_[i], si = s_[i];
              V[o + i + 1] = si * vi + ci * q;
              q = ci * vi - si * q;
            }
            V[o + l] = q;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        // Check for convergence.
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** Indices of d sorted by value, descending (ties in index order). */
function descendingOrder(d: Float64Array): number[] {
  const order = Array.from({ length: d.length }, (_, i) => i);
  order.sort((x, y) => d[y] - d[x] || x - y);
  return order;
}

/** W = s·Aᵀ, into `W` when given (reads the lower triangle of A as JAMA does; for a symmetric A this is a plain (scaled) copy). */
function transposedCopy(a: ArrayLike<number>, n: number, s = 1, W: Float64Array = new Float64Array(n * n)): Float64Array {
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    for (let j = 0; j < n; j++) W[j * n + i] = a[oi + j] * s;
  }
  return W;
}

/**
 * A power of two s with s·max|A| in [1, 2) (1 for a zero matrix), so that tred2/tql2, which form squares and sums
 * of squares of entries, neither overflow (entries above ~1e154 gave NaN) nor underflow. Exact: the eigenvalues of
 * s·A are s times those of A, bit for bit, and the eigenvectors are the same (barring subnormal entries).
 */
function powerOfTwoScale(a: ArrayLike<number>, n: number): number {
  let mx = 0;
  for (let i = 0, nn = n * n; i < nn; i++) { const v = a[i] < 0 ? -a[i] : a[i]; if (v > mx) mx = v; }
  if (mx === 0) return 1;
  const e = Math.max(-1000, Math.min(1000, Math.floor(Math.log2(mx))));
  return 2 ** -e;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix (row-major, only the lower triangle is read): eigenvalues in
 * descending order, eigenvectors as columns (vectors[i*n + k] is component i of eigenvector k), orthonormal.
 * Throws an Error for non-finite entries.
 */
export function symmetricEigFlat(a: ArrayLike<number>, n: number, kernel: SymEigKernel = 'auto'): SymmetricEigResult {
  checkInput(a, n, 'symmetricEig');
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  if (n === 0) return { values, vectors };
  const scale = powerOfTwoScale(a, n);
  const { W, d, e, kernels } = tridiagWork(n, kernel === 'auto');
  transposedCopy(a, n, scale, W);
  tred2(W, n, d, e, true, undefined, kernels);
  // W = Qᵀ; QL wants Q itself (rows of Q walked contiguously by the rotations), so transpose once (O(n²)).
  const V = transposedCopy(W, n);
  tql2(d, e, n, V);
  const order = descendingOrder(d);
  for (let k = 0; k < n; k++) values[k] = d[order[k]] / scale;
  for (let i = 0; i < n; i++) {
    const o = i * n;
    for (let k = 0; k < n; k++) vectors[o + k] = V[o + order[k]];
  }
  return { values, vectors };
}

/**
 * Eigenvalues only (descending) of a symmetric n×n matrix (row-major, lower triangle read): tred2 without the
 * accumulation of the reflections and QL without rotating vectors (tql1-style), about 3-4× cheaper than
 * symmetricEigFlat. Throws an Error for non-finite entries.
 */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number, kernel: SymEigKernel = 'auto'): Float64Array {
  checkInput(a, n, 'symmetricEigenvalues');
  const values = new Float64Array(n);
  if (n === 0) return values;
  const scale = powerOfTwoScale(a, n);
  const { W, d, e, kernels } = tridiagWork(n, kernel === 'auto');
  transposedCopy(a, n, scale, W);
  tred2(W, n, d, e, false, undefined, kernels);
  tql2(d, e, n, null);
  const order = descendingOrder(d);
  for (let k = 0; k < n; k++) values[k] = d[order[k]] / scale;
  return values;
}

/**
 * All eigenvalues (descending) of a symmetric n×n matrix (row-major, lower triangle read) and, on request, the
 * eigenvectors of the leading r only: what the Gram route needs (all σ for the rank rules and the report, r vectors
 * for the projection). Cost ~(4/3)n³ for the reduction (tred2 without accumulating Q, as symmetricEigenvalues) plus
 * O(n²) per requested vector, against ~(4/3 + 4/3 + ~3)n³ for symmetricEigFlat (its accumulation of Q and the QL
 * rotations of all n vectors): 4–6× less at n = 1024 (bench/batch.ts).
 *
 * The eigenvalues are bit-identical to symmetricEigFlat's (the same tred2 reduction and QL iteration; the vectors
 * never feed back into d). The vectors come from inverse iteration on the tridiagonal T (LAPACK dstein's method:
 * LU with partial pivoting of T − λI, three iterations from a fixed start, reorthogonalised within clusters of
 * eigenvalues closer than 1e-3‖T‖), then back-transformed with the stored Householder reflections (O(n²) each).
 * Accuracy is that of tql2's vectors: residual ~n·ε·‖A‖, angle error ~ε‖A‖/gap. Signs are arbitrary (as tql2's).
 *
 * Why by hand: see the file header (no maintained flat-array symmetric eigensolver with a subset-of-vectors path,
 * like LAPACK's dsyevx/dstein, exists on npm). Throws an Error for non-finite entries.
 */
export interface SymmetricLeadingEig {
  /** All n eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors of values[0 … r) as the columns of a row-major n×r array (entry i·r + k = component i of v_k). */
  vectors(r: number): Float64Array;
}

export function symmetricEigLeading(a: ArrayLike<number>, n: number, kernel: SymEigKernel = 'auto'): SymmetricLeadingEig {
  checkInput(a, n, 'symmetricEigLeading');
  const values = new Float64Array(n);
  if (n === 0) return { values, vectors: () => new Float64Array(0) };
  const scale = powerOfTwoScale(a, n);
  const { W, d, e, kernels } = tridiagWork(n, kernel === 'auto');
  transposedCopy(a, n, scale, W);
  const h = new Float64Array(n);
  tred2(W, n, d, e, false, h, kernels);
  const diag = d.slice(), off = e.slice(); // T: diag[i], off[i] couples i−1 and i (i ≥ 1)
  tql2(d, e, n, null);
  const order = descendingOrder(d);
  const lam = new Float64Array(n);
  for (let k = 0; k < n; k++) { lam[k] = d[order[k]]; values[k] = lam[k] / scale; }
  let tnorm = 0; // ‖T‖₁ (row sums), the scale of the pivot floor and of the cluster test
  for (let i = 0; i < n; i++) {
    const s = Math.abs(diag[i]) + (i > 0 ? Math.abs(off[i]) : 0) + (i + 1 < n ? Math.abs(off[i + 1]) : 0);
    if (s > tnorm) tnorm = s;
  }
  const cache: Float64Array[] = []; // tridiagonal eigenvectors z_k computed so far (cluster reorthogonalisation)
  return {
    values,
    vectors(r: number): Float64Array {
      if (!(Number.isInteger(r) && r >= 0 && r <= n)) throw new Error(`symmetricEigLeading: r must be in [0, ${n}], got ${r}`);
      for (let k = cache.length; k < r; k++) {
        let first = k;
        while (first > 0 && lam[first - 1] - lam[k] <= 1e-3 * tnorm) first--;
        cache.push(tridiagonalEigenvector(diag, off, n, lam[k], tnorm, cache.slice(first, k)));
      }
      const out = new Float64Array(n * r);
      const y = new Float64Array(n);
      for (let k = 0; k < r; k++) {
        y.set(cache[k]);
        applyReflections(W, h, n, y);
        for (let i = 0; i < n; i++) out[i * r + k] = y[i];
      }
      return out;
    },
  };
}

/**
 * y ← Q y with Q = P_{n−1}·…·P_1 from tred2 (vectors = false): P_{i+1} = I − u uᵀ/h on coordinates 0 … i, u = row i+1
 * of W (entries 0 … i), h = h[i+1]; the same products as tred2's accumulation of Q, applied to one vector.
 */
function applyReflections(W: Float64Array, h: Float64Array, n: number, y: Float64Array): void {
  for (let i = 0; i < n - 1; i++) {
    const hi = h[i + 1];
    if (hi === 0) continue;
    const o = (i + 1) * n;
    const g = dot2(W, o, y, i + 1) / hi;
    for (let k = 0; k <= i; k++) y[k] -= g * W[o + k];
  }
}

/** Σ_{k<len} x[a+k]·y[k]. */
function dot2(x: Float64Array, a: number, y: Float64Array, len: number): number {
  let s0 = 0, s1 = 0, k = 0;
  for (; k + 1 < len; k += 2) { s0 += x[a + k] * y[k]; s1 += x[a + k + 1] * y[k + 1]; }
  if (k < len) s0 += x[a + k] * y[k];
  return s0 + s1;
}

/**
 * A unit eigenvector of the symmetric tridiagonal T (diag, off[i] couples i−1 and i) for its eigenvalue `lam`, by
 * inverse iteration: LU with partial pivoting of T − lam·I (LAPACK dgttrf; a zero pivot becomes ε‖T‖), three solves
 * from a fixed pseudo-random start, each followed by Gram–Schmidt against `prev` (the vectors of the same cluster).
 */
function tridiagonalEigenvector(
  diag: Float64Array, off: Float64Array, n: number, lam: number, tnorm: number, prev: Float64Array[],
): Float64Array {
  const x = new Float64Array(n);
  if (n === 1) { x[0] = 1; return x; }
  const dd = new Float64Array(n), du = new Float64Array(n), du2 = new Float64Array(n), dl = new Float64Array(n);
  const swap = new Uint8Array(n);
  for (let i = 0; i < n; i++) dd[i] = diag[i] - lam;
  for (let i = 0; i + 1 < n; i++) { du[i] = off[i + 1]; dl[i] = off[i + 1]; }
  for (let i = 0; i + 1 < n; i++) {
    if (Math.abs(dd[i]) >= Math.abs(dl[i])) {
      if (dd[i] !== 0) { const f = dl[i] / dd[i]; dl[i] = f; dd[i + 1] -= f * du[i]; } else dl[i] = 0;
    } else {
      const f = dd[i] / dl[i];
      dd[i] = dl[i]; dl[i] = f;
      const t = du[i]; du[i] = dd[i + 1]; dd[i + 1] = t - f * dd[i + 1];
      if (i + 2 < n) { du2[i] = du[i + 1]; du[i + 1] = -f * du[i + 1]; }
      swap[i] = 1;
    }
  }
  const tiny = Math.max(tnorm, Number.MIN_VALUE) * EPS;
  for (let i = 0; i < n; i++) if (Math.abs(dd[i]) < tiny) dd[i] = dd[i] < 0 ? -tiny : tiny;
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; x[i] = s / 4294967296 - 0.5; }
  for (let it = 0; it < 3; it++) {
    for (let i = 0; i + 1 < n; i++) {
      if (swap[i]) { const t = x[i]; x[i] = x[i + 1]; x[i + 1] = t - dl[i] * x[i]; }
      else x[i + 1] -= dl[i] * x[i];
    }
    x[n - 1] /= dd[n - 1];
    x[n - 2] = (x[n - 2] - du[n - 2] * x[n - 1]) / dd[n - 2];
    for (let i = n - 3; i >= 0; i--) x[i] = (x[i] - du[i] * x[i + 1] - du2[i] * x[i + 2]) / dd[i];
    // rescale before orthogonalising (the solve can grow x by up to 1/tiny)
    let mx = 0;
    for (let i = 0; i < n; i++) mx = Math.max(mx, Math.abs(x[i]));
    if (!(mx > 0 && Number.isFinite(mx))) throw new Error('symmetricEigLeading: inverse iteration broke down');
    for (let i = 0; i < n; i++) x[i] /= mx;
    for (let pass = 0; pass < 2; pass++) {
      for (const p of prev) {
        let g = 0;
        for (let i = 0; i < n; i++) g += p[i] * x[i];
        for (let i = 0; i < n; i++) x[i] -= g * p[i];
      }
    }
    let nn = 0;
    for (let i = 0; i < n; i++) nn += x[i] * x[i];
    const inv = 1 / Math.sqrt(nn);
    for (let i = 0; i < n; i++) x[i] *= inv;
  }
  return x;
}
