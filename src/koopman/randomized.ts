/**
 * Randomized route: the top k singular triplets of the delay-embedded snapshot matrix by randomized subspace
 * iteration (Halko, Martinsson & Tropp 2011), for ensembles with many snapshot pairs and a large embedded dimension
 * (paper 1's full FCN setting: 10 runs × ~940 pairs, an embedded dimension of 3250–3600). There the Gram route would
 * eigendecompose the m × m pair Gram (m ≈ 9400: O(m³), about an hour in JavaScript) and the SVD route would factor
 * the m × n matrix. Only the top r triplets are needed for a fixed rank, and the products with the embedded matrix
 * exploit the Hankel structure: X·v costs T·(d+1)·N per vector instead of m·(d+1)·N, because every snapshot's dot
 * products with the d + 1 blocks of v are shared by d + 1 rows.
 *
 * Conventions as in dmd.ts (docs/methods.md#pipeline): with A the m × n sample matrix (row p = embedded snapshot x_p, the
 * transpose of dmd.ts's X) and B its shifted twin (Y), pairs never straddle runs, no centering here (the caller
 * centers). With Q (m × k) an orthonormal basis of the range found by q power iterations and Aᵀ Q = Ub Sb Vbᵀ:
 *     A ≈ Q Qᵀ A = (Q Vb) Sb Ubᵀ,   i.e.  U = Ub (n × k),  S = Sb,  V = Q Vb (m × k), both orthonormal.
 * From these the reduced quantities of dmd.ts follow with structured products only: K = Uᵀ Y V, c = Uᵀ x_0,
 * P = Y V S⁻¹, E = PᵀP, f = Pᵀ x_0, ‖Y‖² (from per-snapshot norms); the residual ‖Y − U K Vᵀ‖ from these small
 * matrices, or explicitly when it is tiny (see `project`). Projected modes X V S⁻¹ W = U W exactly
 * (Aᵀ Q Vb = Ub Sb), so V is a legitimate mode basis.
 *
 * Only the leading k = r + oversampling singular values are computed; energy/optimal/full rank rules need all of
 * them and are refused. Accuracy is measured a posteriori: ρ_i = ‖A u_i − σ_i v_i‖ (the other half of the triplet
 * residual is zero by construction) bounds |σ_i − σ̂_i| ≤ ρ_i for some exact singular value σ̂_i.
 */
import { xorshift32 } from '../linalg/random';
import { thinSvd } from '../linalg/eig';
import type { PairProblem, Projected } from './dmd';
import type { FloatArray, RowReader } from '../linalg/gram';
import { DataError, OptionError } from '../linalg/errors';
import { HankelProducts, type HankelProductsLike, type ProductsExecutor } from './hankelWasm';

const EPS = 2.220446049250313e-16;

/** The randomized route's residual is computed explicitly when ‖Y − UKVᵀ‖² < RESIDUAL_CUT·‖Y‖² (see `project`). */
export const RESIDUAL_CUT = 1e-3;

/** ‖Y‖² − 2⟨YV, UK⟩ + ⟨VᵀV, (UK)ᵀUK⟩: YV and UK n × rr, V m × rr, all row-major. */
function cheapResidual2(yNorm2: number, YV: Float64Array, UK: Float64Array, V: Float64Array, n: number, m: number, rr: number): number {
  let cross = 0;
  for (let i = 0; i < n * rr; i++) cross += YV[i] * UK[i];
  const G = new Float64Array(rr * rr), H = new Float64Array(rr * rr); // VᵀV, (UK)ᵀUK
  for (let p = 0; p < m; p++) for (let a = 0; a < rr; a++) { const v = V[p * rr + a]; for (let b = 0; b < rr; b++) G[a * rr + b] += v * V[p * rr + b]; }
  for (let i = 0; i < n; i++) for (let a = 0; a < rr; a++) { const u = UK[i * rr + a]; for (let b = 0; b < rr; b++) H[a * rr + b] += u * UK[i * rr + b]; }
  let fit = 0;
  for (let a = 0; a < rr * rr; a++) fit += G[a] * H[a];
  return yNorm2 - 2 * cross + fit;
}

export interface RandomizedOptions {
  /** Extra columns beyond the rank. Default 10. */
  oversample?: number;
  /** Power (subspace) iterations. Default 6. */
  iterations?: number;
  /** Seed of the random start. Default 12345. */
  seed?: number;
  /**
   * Kernel of the products with the snapshots: 'auto' (the wasm `mm` kernel of hankelWasm.ts for float32 data where
   * wasm SIMD is available and the snapshots fit one 4 GiB arena, else the JS loops), or force 'js'. Default 'auto'.
   */
  kernel?: 'auto' | 'js';
  /** 'auto' (default): the residual from the fit's small matrices unless it is tiny (see `project`); 'explicit': always a pass over the data. */
  residual?: 'auto' | 'explicit';
  /** Runs the wasm products elsewhere (e.g. over threads, see ProductsExecutor); absent or declining: this thread. */
  executor?: ProductsExecutor;
  /**
   * Snapshots read on demand (a RowReader for `data`): called with the index (into `offsets`) of a snapshot whose
   * norm is not finite, before any product; it should throw, naming the value (analyze.ts locates it).
   */
  onNonFinite?: (snapshot: number) => void;
}

/** A pair problem from the randomized route: only the leading k singular values are known. */
export type RandomizedPairProblem = Omit<PairProblem, 'route'> & {
  route: 'randomized';
  /** Columns of the sketch (r + oversampling, capped by min(n, m)) and power iterations. */
  k: number;
  iterations: number;
  /** ‖X‖²_F, exact (for the truncated energy). */
  xNorm2: number;
  /** max over the leading r of ρ_i/σ₁ (see the file comment), for the requested rank. */
  accuracy: number;
};

/**
 * Orthonormalize the k columns of the row-major m × k matrix A in place: classical Gram–Schmidt with one
 * reorthogonalisation (CGS2; as stable as MGS twice: orthogonal to ~ε). Row-oriented: per column and pass, one sweep
 * over the rows computes all its dot products with the earlier columns and one sweep subtracts them, so the rows
 * are read contiguously (MGS walked a strided column per pair: 2k² strided sweeps over an n × k matrix, seconds at
 * n = 100k). A column that vanishes (norm 0) stays zero, as before.
 */
function orthonormalize(A: Float64Array, m: number, k: number): void {
  const dots = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    for (let pass = 0; pass < 2; pass++) {
      if (j === 0) break;
      dots.fill(0);
      for (let t = 0; t < m; t++) {
        const o = t * k, x = A[o + j];
        if (x !== 0) for (let i = 0; i < j; i++) dots[i] += A[o + i] * x;
      }
      for (let t = 0; t < m; t++) {
        const o = t * k;
        let s = 0;
        for (let i = 0; i < j; i++) s += A[o + i] * dots[i];
        A[o + j] -= s;
      }
    }
    let norm = 0;
    for (let t = 0; t < m; t++) norm += A[t * k + j] ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let t = 0; t < m; t++) A[t * k + j] *= inv;
  }
}

/**
 * Thin SVD of a tall n × k matrix Z (n ≫ k) as Z = Qz R (modified Gram–Schmidt twice), R = Qzᵀ Z, R = U_R S V_Rᵀ,
 * U = Qz U_R: the same factors as thinSvd(Z) (up to signs, to rounding), but ml-matrix's SVD on the n × k Matrix
 * object took seconds at n = 100k (get/set per entry); here only the k × k factor goes through it.
 */
function tallSvd(Z: Float64Array, n: number, k: number): { s: Float64Array; U: Float64Array; V: Float64Array; k: number } {
  const Qz = Z.slice();
  orthonormalize(Qz, n, k);
  const Rm = new Float64Array(k * k);
  for (let t = 0; t < n; t++) {
    const o = t * k;
    for (let a = 0; a < k; a++) { const q = Qz[o + a]; if (q !== 0) for (let b = 0; b < k; b++) Rm[a * k + b] += q * Z[o + b]; }
  }
  const small = thinSvd(Rm, k, k);
  const kk = small.k, U = new Float64Array(n * kk);
  for (let t = 0; t < n; t++) {
    const o = t * k;
    for (let a = 0; a < k; a++) { const q = Qz[o + a]; if (q !== 0) for (let b = 0; b < kk; b++) U[t * kk + b] += q * small.U[a * kk + b]; }
  }
  return { s: small.s, U, V: small.V, k: kk };
}

/**
 * The randomized pair problem of the delay-embedded ensemble. Run ρ has `runLengths[ρ]` snapshots (runs may differ
 * in length: segments of a run split at a gap count as runs); `offsets[start_ρ + s]` is the offset in `data` of its
 * snapshot s (N values each), start_ρ = Σ_{σ<ρ} runLengths[σ]; `r` is the requested rank. `data` may be a RowReader
 * (snapshots read on demand): `offsets` are then its row indices, the products need the wasm kernel (the snapshots are
 * read straight into its arena) and the few other passes (the first snapshots, an explicit residual) read rows.
 */
export function pairProblemRandomized(
  data: FloatArray | RowReader, offsets: ArrayLike<number>, runLengths: readonly number[], N: number, delays: number, r: number,
  o: RandomizedOptions = {},
): RandomizedPairProblem {
  const R = runLengths.length, d = delays, n = (d + 1) * N;
  const Ts = runLengths, Ps = runLengths.map((T) => T - d - 1);
  const snapStart: number[] = [], pairStart: number[] = [];
  let m = 0, total = 0;
  for (let rho = 0; rho < R; rho++) { snapStart.push(total); pairStart.push(m); total += Ts[rho]; m += Math.max(Ps[rho], 0); }
  if (Ps.some((P) => P < 1)) throw new DataError('too-few-snapshots', `too few snapshots: ${Math.min(...Ts)} in a run with ${d} delays`);
  if (!(Number.isInteger(r) && r >= 1)) throw new OptionError(`rank must be a positive integer, got ${r}`);
  const oversample = o.oversample ?? 10, q = o.iterations ?? 6;
  if (!(Number.isInteger(oversample) && oversample >= 0)) throw new OptionError(`oversample must be a whole number ≥ 0, got ${oversample}`);
  if (!(Number.isInteger(q) && q >= 0)) throw new OptionError(`iterations must be a whole number ≥ 0, got ${q}`);
  const k = Math.min(r + oversample, n, m);
  const off = (rho: number, s: number) => offsets[snapStart[rho] + s];
  // the snapshots copied once into a wasm arena for the `mm` kernel (see hankelWasm.ts); undefined: the JS loops
  let hp: HankelProductsLike | undefined;
  const reader = data instanceof Float32Array || data instanceof Float64Array ? undefined : data;
  if ((reader || data instanceof Float32Array) && (o.kernel ?? 'auto') === 'auto') {
    const offs = Array.from({ length: total }, (_, i) => offsets[i]);
    const src = data as Float32Array | RowReader;
    try { hp = o.executor?.hankel(src, offs, N, d, k); } catch { hp = undefined; } // declined or failed: this thread
    if (!hp) {
      try { hp = new HankelProducts(src, offs, N, d, k); } catch (e) {
        // a reader's own error (the file changed) is the user's; otherwise the JS loops, which need the data in memory
        if (reader && !(e instanceof Error && e.message === 'WebAssembly SIMD is not available')) throw e;
        hp = undefined;
      }
    }
  }
  if (reader && !hp) throw new Error('snapshots read on demand need the WebAssembly SIMD products (not available here)');
  if (reader && o.onNonFinite) {
    for (let S = 0; S < total; S++) if (!Number.isFinite(hp!.norms[S])) o.onNonFinite(S);
  }
  /** Values k0 … k0 + len − 1 of the snapshot at offset `base` (a view of data, or of one buffer read on demand). */
  const rowBuf = reader ? new Float32Array(N) : undefined;
  const segment = (base: number, k0: number, len: number): FloatArray => {
    if (!reader) return (data as FloatArray).subarray(base + k0, base + k0 + len);
    const v = rowBuf!.subarray(0, len);
    reader.read(base, k0, v);
    return v;
  };
  const mem = data as FloatArray; // the JS loops below run only on data in memory (hp is set for a reader)

  /** (rows of A or B) · V: V is n × c, result m × c; shift 0 gives A (X), 1 gives B (Y). */
  const mulX = (V: Float64Array, c: number, shift: number): Float64Array => hp ? mulXWasm(hp, V, c, shift) : mulXJs(V, c, shift);
  /** (rows of A or B)ᵀ · U: U is m × c, result n × c. */
  const mulXt = (U: Float64Array, c: number, shift: number): Float64Array => hp ? mulXtWasm(hp, U, c, shift) : mulXtJs(U, c, shift);

  /** mulX on the wasm kernel: D = X·B with B[i][j·cp + a] = V[(j·N + i)·c + a], then out[p] = Σ_j D[t + shift + j][j]. */
  const mulXWasm = (h: HankelProductsLike, V: Float64Array, c: number, shift: number): Float64Array => {
    const cp = HankelProducts.blockCols(c), C = (d + 1) * cp;
    const D = h.mulX(c, (B) => {
      for (let j = 0; j <= d; j++) for (let i = 0; i < N; i++) {
        const b = i * C + j * cp, v = (j * N + i) * c;
        for (let a = 0; a < c; a++) B[b + a] = V[v + a];
      }
    });
    const out = new Float64Array(m * c);
    for (let rho = 0; rho < R; rho++) {
      for (let t = 0; t < Ps[rho]; t++) {
        const oOff = (pairStart[rho] + t) * c;
        for (let j = 0; j <= d; j++) {
          const dOff = (snapStart[rho] + t + shift + j) * C + j * cp;
          for (let a = 0; a < c; a++) out[oOff + a] += D[dOff + a];
        }
      }
    }
    return out;
  };
  /** mulXt on the wasm kernel: Z = Xᵀ·W with W[S][j·cp + a] = U[pair of snapshot S at delay j][a]. */
  const mulXtWasm = (h: HankelProductsLike, U: Float64Array, c: number, shift: number): Float64Array => {
    const cp = HankelProducts.blockCols(c), C = (d + 1) * cp;
    const Z = h.mulXt(c, (W) => {
      for (let rho = 0; rho < R; rho++) {
        for (let s = 0; s < Ts[rho]; s++) {
          for (let j = 0; j <= d; j++) {
            const t = s - shift - j;
            if (t < 0 || t >= Ps[rho]) continue;
            const w = (snapStart[rho] + s) * C + j * cp, u = (pairStart[rho] + t) * c;
            for (let a = 0; a < c; a++) W[w + a] = U[u + a];
          }
        }
      }
    });
    const out = new Float64Array(n * c);
    for (let j = 0; j <= d; j++) for (let i = 0; i < N; i++) {
      const z = i * C + j * cp, o = (j * N + i) * c;
      for (let a = 0; a < c; a++) out[o + a] = Z[z + a];
    }
    return out;
  };

  const mulXJs = (V: Float64Array, c: number, shift: number): Float64Array => {
    const out = new Float64Array(m * c);
    const D = new Float64Array(Math.max(...Ts) * (d + 1) * c); // D[s][j] = x_s · V_block_j
    for (let rho = 0; rho < R; rho++) {
      D.fill(0);
      const T = Ts[rho], P = Ps[rho];
      for (let s = 0; s < T; s++) {
        const base = off(rho, s);
        for (let j = 0; j <= d; j++) {
          const t = s - shift - j;
          if (t < 0 || t >= P) continue;
          const dOff = (s * (d + 1) + j) * c;
          for (let i = 0; i < N; i++) {
            const xi = mem[base + i];
            if (xi === 0) continue;
            const vOff = (j * N + i) * c;
            for (let a = 0; a < c; a++) D[dOff + a] += xi * V[vOff + a];
          }
        }
      }
      for (let t = 0; t < P; t++) {
        const oOff = (pairStart[rho] + t) * c;
        for (let j = 0; j <= d; j++) {
          const dOff = ((t + shift + j) * (d + 1) + j) * c;
          for (let a = 0; a < c; a++) out[oOff + a] += D[dOff + a];
        }
      }
    }
    return out;
  };
  const mulXtJs = (U: Float64Array, c: number, shift: number): Float64Array => {
    const out = new Float64Array(n * c);
    for (let rho = 0; rho < R; rho++) {
      const T = Ts[rho], P = Ps[rho];
      for (let s = 0; s < T; s++) {
        const base = off(rho, s);
        for (let j = 0; j <= d; j++) {
          const t = s - shift - j;
          if (t < 0 || t >= P) continue;
          const uOff = (pairStart[rho] + t) * c;
          for (let i = 0; i < N; i++) {
            const xi = mem[base + i];
            if (xi === 0) continue;
            const oOff = (j * N + i) * c;
            for (let a = 0; a < c; a++) out[oOff + a] += xi * U[uOff + a];
          }
        }
      }
    }
    return out;
  };

  // ‖X‖², ‖Y‖² from per-snapshot norms (each snapshot s enters X in the rows t = s − j, Y in t = s − 1 − j); the wasm
  // products took them while copying the snapshots (same sums)
  let xNorm2 = 0, yNorm2 = 0;
  for (let rho = 0; rho < R; rho++) {
    const T = Ts[rho], P = Ps[rho];
    for (let s = 0; s < T; s++) {
      const base = off(rho, s);
      let nn = 0;
      if (hp) nn = hp.norms[snapStart[rho] + s];
      else for (let i = 0; i < N; i++) nn += mem[base + i] ** 2;
      for (let j = 0; j <= d; j++) {
        if (s - j >= 0 && s - j < P) xNorm2 += nn;
        if (s - 1 - j >= 0 && s - 1 - j < P) yNorm2 += nn;
      }
    }
  }

  // seeded start (xorshift32, uniform in [−1, 1])
  const next = xorshift32((o.seed ?? 12345) >>> 0 || 1);
  const rnd = () => next() / 2147483648 - 1;
  const omega = Float64Array.from({ length: n * k }, rnd);
  let Q = mulX(omega, k, 0);
  orthonormalize(Q, m, k);
  for (let it = 0; it < q; it++) {
    const Z = mulXt(Q, k, 0);
    orthonormalize(Z, n, k);
    Q = mulX(Z, k, 0);
    orthonormalize(Q, m, k);
  }
  const svd = tallSvd(mulXt(Q, k, 0), n, k); // Aᵀ Q = Ub Sb Vbᵀ
  const kk = svd.k;
  const sigma = svd.s.slice(0, kk);
  // V = Q Vb (m × kk)
  const Vall = new Float64Array(m * kk);
  for (let t = 0; t < m; t++) for (let b = 0; b < kk; b++) {
    let acc = 0;
    for (let a = 0; a < k; a++) acc += Q[t * k + a] * svd.V[a * kk + b];
    Vall[t * kk + b] = acc;
  }
  const floor = sigma[0] * Math.max(n, m) * EPS * 16;
  let numericalRank = 0;
  while (numericalRank < kk && sigma[numericalRank] > floor) numericalRank++;

  const cols = (M: Float64Array, rows: number, stride: number, c: number) => {
    const out = new Float64Array(rows * c);
    for (let i = 0; i < rows; i++) for (let j = 0; j < c; j++) out[i * c + j] = M[i * stride + j];
    return out;
  };
  // a-posteriori accuracy of the leading min(r, numericalRank) triplets: ρ_i = ‖A u_i − σ_i v_i‖
  const ra = Math.max(1, Math.min(r, numericalRank));
  const AU = mulX(cols(svd.U, n, kk, ra), ra, 0);
  let accuracy = 0;
  for (let b = 0; b < ra; b++) {
    let e2 = 0;
    for (let t = 0; t < m; t++) e2 += (AU[t * ra + b] - sigma[b] * Vall[t * kk + b]) ** 2;
    accuracy = Math.max(accuracy, Math.sqrt(e2) / (sigma[0] || 1));
  }

  /**
   * ‖Y − U K Vᵀ‖² row by row of B, UK (n × rr) and V (m × rr): one pass over the data, blocked over the embedded
   * dimension so a block of UK (IBLOCK × rr) stays in cache while every pair passes (the unblocked loop read all of
   * UK once per pair: ~8 MB per pair at n = 100k).
   */
  const explicitResidual2 = (UK: Float64Array, V: Float64Array, rr: number): number => {
    let residual2 = 0;
    const IBLOCK = 2048;
    for (let j = 0; j <= d; j++) {
      for (let i0 = 0; i0 < N; i0 += IBLOCK) {
        const i1 = Math.min(N, i0 + IBLOCK);
        for (let rho = 0; rho < R; rho++) {
          for (let t = 0; t < Ps[rho]; t++) {
            const vo = (pairStart[rho] + t) * rr, x = segment(off(rho, t + 1 + j), i0, i1 - i0);
            for (let i = i0; i < i1; i++) {
              const row = (j * N + i) * rr;
              let pred = 0;
              for (let b = 0; b < rr; b++) pred += UK[row + b] * V[vo + b];
              const e = x[i - i0] - pred;
              residual2 += e * e;
            }
          }
        }
      }
    }
    return residual2;
  };

  // the first embedded snapshot x_0 (run 0, rows 0..d)
  const x0 = new Float64Array(n);
  for (let j = 0; j <= d; j++) x0.set(segment(off(0, j), 0, N), j * N);

  return {
    sigma, numericalRank, n, m, route: 'randomized', k, iterations: q, xNorm2, accuracy,
    project(rr: number): Projected {
      const S = sigma.slice(0, rr);
      const U = cols(svd.U, n, kk, rr), V = cols(Vall, m, kk, rr);
      const YV = mulXt(V, rr, 1);                                  // Y V (n × rr)
      const K = new Float64Array(rr * rr), E = new Float64Array(rr * rr);
      const c = new Float64Array(rr), f = new Float64Array(rr);
      for (let i = 0; i < n; i++) {
        for (let a = 0; a < rr; a++) {
          const u = U[i * rr + a], p = YV[i * rr + a] / S[a];
          c[a] += u * x0[i];
          f[a] += p * x0[i];
          for (let b = 0; b < rr; b++) {
            K[a * rr + b] += u * YV[i * rr + b];
            E[a * rr + b] += p * YV[i * rr + b] / S[b];
          }
        }
      }
      // explicit residual ‖Y − U K Vᵀ‖², row by row of B (avoids the cancellation of ‖Y‖² − ‖K‖²)
      const UK = new Float64Array(n * rr);
      for (let i = 0; i < n; i++) for (let a = 0; a < rr; a++) {
        const u = U[i * rr + a];
        for (let b = 0; b < rr; b++) UK[i * rr + b] += u * K[a * rr + b];
      }
      // ‖Y − U K Vᵀ‖² = ‖Y‖² − 2⟨YV, UK⟩ + ⟨VᵀV, (UK)ᵀUK⟩ costs O((n + m)·rr²), but it loses ~ε‖Y‖² to cancellation:
      // kept when the residual is at least RESIDUAL_CUT·‖Y‖² (relative error ≤ ~1e-10 there), otherwise recomputed
      // explicitly, row by row of B (a pass over the data in JS: 12 of a fit's 48 s at 4096 × 100k, rank 10)
      const cheap = o.residual === 'explicit' ? -1 : cheapResidual2(yNorm2, YV, UK, V, n, m, rr);
      const residual2 = cheap >= RESIDUAL_CUT * yNorm2 ? cheap : explicitResidual2(UK, V, rr);
      const Pm = new Float64Array(n * rr);                         // P = Y V S⁻¹, for the QR amplitude solve
      for (let i = 0; i < n; i++) for (let a = 0; a < rr; a++) Pm[i * rr + a] = YV[i * rr + a] / S[a];
      return { r: rr, S, K, c, E, f, yNorm2, V, residual2, explicit: { P: Pm, x0, n } };
    },
  };
}
