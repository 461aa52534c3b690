/**
 * KPFlow's operators (paper 2, Hazelden et al.; docs/methods.md#kpflow), matrix-free on [batch, time, hidden]
 * Float64Arrays of length N = B·T·H, at one linearisation point (θ and the trajectory it produces on a batch).
 *
 * Conventions (chosen so that every identity holds exactly, and documented once here):
 *  - Inner product: the plain Euclidean sum ⟨q, r⟩ = Σ_{b,t,i} q r. KPFlow averages over (t, x) instead, which
 *    scales 𝒦 (and every eigenvalue of 𝒦, 𝒫𝒦𝒫*) by 1/(B·T); effective ranks, participation ratios and alignments
 *    are scale-free and do not depend on the choice.
 *  - The initial state h₀ is fixed, so J_0 never enters: the operators act on states t = 0 … T−1.
 *  - 𝒫 (propagator): (𝒫q)_t = q_t + J_t (𝒫q)_{t−1}, (𝒫q)_0 = q_0, per sample: the response of the linearised
 *    dynamics to a forcing q. 𝒫* (adjoint): (𝒫*q)_t = q_t + J_{t+1}ᵀ (𝒫*q)_{t+1}, (𝒫*q)_{T−1} = q_{T−1}: backprop
 *    through time. 𝒫⁻¹q = q_t − J_t q_{t−1}.
 *  - J_θ: R^P → R^N, (J_θ v)_{b,t} = (∂f/∂θ)_{b,t} v (one-step Jacobian, inputs and h_{t−1} fixed); J_θᵀ its
 *    transpose. 𝒦 = J_θ J_θᵀ (PSD). Then for L = Σ ℓ(h) the gradient is ∇_θ L = J_θᵀ 𝒫* Err with Err = ∂L/∂h
 *    (direct part), and one GD step θ ← θ − η∇_θL moves the states by δh = −η 𝒫𝒦𝒫* Err + O(η²)
 *    (Proposition 1; tested as the "hidden NTK" identity, docs/methods.md#e12 item 5).
 */
import type { Cell, KpflowTrajectory } from './cells';
import type { SymOperator } from '../linalg/lanczos';

/** A cell, its parameters θ and the trajectory they produce: the point the operators linearise at. */
export interface Linearization {
  cell: Cell;
  theta: Float64Array;
  traj: KpflowTrajectory;
}

export function linearize(cell: Cell, theta: Float64Array, x: Float64Array, B: number, T: number): Linearization {
  return { cell, theta, traj: cell.forward(theta, x, B, T) };
}

export const stateSize = (lin: Linearization) => lin.traj.B * lin.traj.T * lin.traj.H;

/** 𝒫q: forward recursion r_t = q_t + J_t r_{t−1}. */
export function applyP(lin: Linearization, q: Float64Array): Float64Array {
  const { cell, theta, traj } = lin, { B, T, H } = traj, r = Float64Array.from(q), tmp = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let t = 1; t < T; t++) {
      const o = (b * T + t) * H;
      cell.stateJvp(theta, traj, b, t, r, o - H, tmp, 0);
      for (let i = 0; i < H; i++) r[o + i] += tmp[i];
    }
  }
  return r;
}

/** 𝒫*q: backward recursion r_t = q_t + J_{t+1}ᵀ r_{t+1} (backpropagation through time). */
export function applyPstar(lin: Linearization, q: Float64Array): Float64Array {
  const { cell, theta, traj } = lin, { B, T, H } = traj, r = Float64Array.from(q), tmp = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let t = T - 2; t >= 0; t--) {
      const o = (b * T + t) * H;
      cell.stateVjp(theta, traj, b, t + 1, r, o + H, tmp, 0);
      for (let i = 0; i < H; i++) r[o + i] += tmp[i];
    }
  }
  return r;
}

/** 𝒫⁻¹q: r_t = q_t − J_t q_{t−1}. */
export function applyPinv(lin: Linearization, q: Float64Array): Float64Array {
  const { cell, theta, traj } = lin, { B, T, H } = traj, r = Float64Array.from(q), tmp = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    for (let t = 1; t < T; t++) {
      const o = (b * T + t) * H;
      cell.stateJvp(theta, traj, b, t, q, o - H, tmp, 0);
      for (let i = 0; i < H; i++) r[o + i] -= tmp[i];
    }
  }
  return r;
}

/** J_θ v: a parameter direction (length P) → the forcing it causes at every (b, t), [B, T, H]. */
export function applyJtheta(lin: Linearization, v: Float64Array): Float64Array {
  const { cell, theta, traj } = lin, { B, T, H } = traj, out = new Float64Array(B * T * H);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) cell.paramJvp(theta, traj, b, t, v, out, (b * T + t) * H);
  return out;
}

/** J_θᵀ q: a forcing [B, T, H] → a parameter vector (length P). */
export function applyJthetaT(lin: Linearization, q: Float64Array): Float64Array {
  const { cell, theta, traj } = lin, { B, T, H } = traj, g = new Float64Array(cell.nParams);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) cell.paramVjpAdd(theta, traj, b, t, q, (b * T + t) * H, g);
  return g;
}

/** 𝒦q = J_θ(J_θᵀ q), by Jacobian products (any cell). */
export function applyK(lin: Linearization, q: Float64Array): Float64Array {
  return applyJtheta(lin, applyJthetaT(lin, q));
}

export type { SymOperator } from '../linalg/lanczos';

/**
 * The operators KPFlow studies, bound to one linearisation. `K` uses the closed form for vanilla cells, built on its
 * first use (the analysis takes 𝒦's exact spectrum from `vanillaK` directly and may never apply this one).
 */
export function kpflowOperators(lin: Linearization): { K: SymOperator; PPstar: SymOperator; PKPstar: SymOperator } {
  const N = stateSize(lin);
  let closed: ReturnType<typeof vanillaK> | undefined;
  const K = (q: Float64Array) => (lin.cell.spec.kind === 'gru' ? applyK(lin, q) : (closed ??= vanillaK(lin)).apply(q));
  return {
    K: { N, apply: K },
    PPstar: { N, apply: (q) => applyP(lin, applyPstar(lin, q)) },
    PKPstar: { N, apply: (q) => applyP(lin, applyJtheta(lin, applyJthetaT(lin, applyPstar(lin, q)))) },
  };
}

/**
 * 𝒦 in closed form for the two vanilla cells (docs/methods.md#kpflow). With n = (b, t) and the row
 * m_n = [h_{t−1} or φ(h_{t−1}), x_t, 1] (length p = H + nIn + 1), the one-step parameter Jacobian at n is
 * D_n (I_H ⊗ m_nᵀ) (D_n = dt·diag(1 − a_t²) for 'rnn', a_t = tanh(W h_{t−1} + U x_t + b); dt·I for 'basic'), so
 *     (𝒦q)_{n,i} = D_{n,i} Σ_{n′} (m_n · m_{n′}) D_{n′,i} q_{n′,i},
 * i.e. 𝒦 = D (G ⊗ I_H) D with the (B·T)×(B·T) Gram G = M Mᵀ; for 'basic' 𝒦 = dt²·(G ⊗ I_H) exactly. Hence for each
 * hidden unit i the (B·T)×(B·T) block D_i G D_i has rank ≤ rank M ≤ p: the rank bound of Theorem 1.
 * Its nonzero eigenvalues are those of the p×p matrices Mᵀ D_i² M, so the whole spectrum of 𝒦 costs H small
 * eigenproblems (`blockMatrices`).
 */
export function vanillaK(lin: Linearization): {
  p: number;
  /** M, row-major (B·T) × p. */
  M: Float64Array;
  /** D, [B, T, H] (dt everywhere for 'basic'). */
  D: Float64Array;
  apply(q: Float64Array): Float64Array;
  /** The p×p matrices Mᵀ D_i² M, i = 0 … H−1 (one matrix for 'basic', where D ≡ dt). */
  blockMatrices(): Float64Array[];
} {
  const { cell, traj } = lin, { B, T, H, nIn, x } = traj;
  if (cell.spec.kind === 'gru') throw new Error('the closed-form 𝒦 exists only for the vanilla cells');
  const basic = cell.spec.kind === 'basic', dt = cell.spec.dt ?? 1, p = H + nIn + 1, BT = B * T;
  const M = new Float64Array(BT * p), D = new Float64Array(BT * H);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const n = b * T + t, row = n * p;
      const src = t > 0 ? (basic ? traj.cache[0] : traj.h) : basic ? traj.phi0 : traj.h0, so = t > 0 ? (n - 1) * H : b * H;
      for (let j = 0; j < H; j++) M[row + j] = src[so + j];
      for (let k = 0; k < nIn; k++) M[row + H + k] = x[n * nIn + k];
      M[row + p - 1] = 1;
      for (let i = 0; i < H; i++) { const a = traj.cache[0][n * H + i]; D[n * H + i] = basic ? dt : dt * (1 - a * a); }
    }
  }
  return {
    p, M, D,
    apply(q) {
      const out = new Float64Array(BT * H), v = new Float64Array(p);
      for (let i = 0; i < H; i++) {
        v.fill(0);
        for (let n = 0; n < BT; n++) { const w = D[n * H + i] * q[n * H + i]; if (w !== 0) for (let c = 0; c < p; c++) v[c] += M[n * p + c] * w; }
        for (let n = 0; n < BT; n++) { let s = 0; for (let c = 0; c < p; c++) s += M[n * p + c] * v[c]; out[n * H + i] = D[n * H + i] * s; }
      }
      return out;
    },
    blockMatrices() {
      const blocks: Float64Array[] = [];
      for (let i = 0; i < (basic ? 1 : H); i++) {
        const A = new Float64Array(p * p);
        for (let n = 0; n < BT; n++) {
          const w = D[n * H + i] * D[n * H + i], row = n * p;
          for (let a = 0; a < p; a++) { const ma = w * M[row + a]; if (ma !== 0) for (let c = 0; c <= a; c++) A[a * p + c] += ma * M[row + c]; }
        }
        for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) A[c * p + a] = A[a * p + c];
        blocks.push(A);
      }
      return blocks;
    },
  };
}

/**
 * The dense propagator of one sample b: the (T·H) × (T·H) row-major matrix P_b with (𝒫q)_b = P_b q_b. 𝒫 never mixes
 * samples, so 𝒫 = blockdiag_b(P_b) and 𝒫𝒫* = blockdiag_b(P_b P_bᵀ). Column (t₀, i) is the response to a unit kick
 * of unit i at step t₀: r_t = 0 for t < t₀, r_{t₀} = e_i, r_t = J_t r_{t−1}. Cost O(T²H³).
 */
export function samplePropagator(lin: Linearization, b: number): Float64Array {
  const { cell, theta, traj } = lin, { T, H } = traj, n = T * H, P = new Float64Array(n * n);
  const r = new Float64Array(B_T_H(traj)), tmp = new Float64Array(H);
  const base = b * T * H;
  for (let t0 = 0; t0 < T; t0++) {
    for (let i = 0; i < H; i++) {
      const col = t0 * H + i;
      r.fill(0, base, base + n);
      r[base + col] = 1;
      for (let t = t0 + 1; t < T; t++) {
        const o = base + t * H;
        cell.stateJvp(theta, traj, b, t, r, o - H, tmp, 0);
        for (let k = 0; k < H; k++) r[o + k] = tmp[k];
      }
      for (let row = t0 * H; row < n; row++) P[row * n + col] = r[base + row];
    }
  }
  return P;
}

const B_T_H = (traj: KpflowTrajectory) => traj.B * traj.T * traj.H;
