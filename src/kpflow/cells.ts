/**
 * Recurrent cells for the KPFlow view, with hand-derived Jacobians in float64.
 *
 * Why by hand and not tfjs autodiff: tfjs has no forward mode (no jvp) and computes in float32 on GPUs, while the
 * KPFlow identities (adjointness, P·P⁻¹ = I, the hidden-NTK identity; docs/methods.md#e12) are tested to ~1e-12. The
 * cells are small, so exact Jacobian-vector products cost O(H²) per (sample, step) and run unchanged in Node, the
 * page and workers.
 *
 * Three cells, θ = the recurrent parameters only (the readout is not part of f, so it does not enter 𝒦):
 *  - 'rnn'   vanilla RNN, tanh outside:     h_t = (1−dt) h_{t−1} + dt·tanh(W h_{t−1} + U x_t + b),
 *                                                                                   θ = [W (H×H), U (H×nIn), b (H)]
 *  - 'basic' KPFlow's BasicRNN form (docs/methods.md#kpflow; the package's BasicRNNCell, whose bias we add):
 *                                           h_t = (1−dt) h_{t−1} + dt·(W φ(h_{t−1}) + U x_t + b),  φ = tanh or identity
 *    dt ∈ (0, 1] is the Euler step of the leaky (continuous-time) unit τ ḣ = −h + …, in units of τ; dt = 1 (the
 *    default) is the non-leaky map. With dt < 1 the state changes by O(dt) per step, so a stimulus is integrated
 *    and held on a time scale of 1/dt steps.
 *  - 'gru'   PyTorch's GRU equations, with b_ir + b_hr and b_iz + b_hz merged (they only ever appear summed):
 *              r = σ(W_xr x + W_hr h + b_r),  z = σ(W_xz x + W_hz h + b_z)
 *              s = W_hn h + b_hn,             n = tanh(W_xn x + b_n + r ⊙ s)
 *              h' = (1 − z) ⊙ n + z ⊙ h
 *            θ = [W_x (3H×nIn, gate rows r, z, n), W_h (3H×H), b (3H), b_hn (H)]
 * All matrices are row-major inside θ.
 *
 * Index contract: a trajectory has states t = 0 … T−1 (state t is the hidden state after reading x_t) for each
 * sample b, stored [batch, time, hidden] (entry (b·T + t)·H + i). The state before t = 0 is h₀ (default 0; fixed,
 * not a parameter; a nonzero h₀ is only used by the tests to check J_0 against finite differences). J_t = ∂h_t/∂h_{t−1} (for t ≥ 1) is the step Jacobian; (∂f/∂θ)_{b,t} is the one-step parameter Jacobian
 * with (x_t, h_{t−1}) held fixed (KPFlow's J_θ).
 */
import type { Rng } from '../linalg/random';

/** `dt`: leak/Euler step of the vanilla cells, (0, 1]; omitted = 1 (non-leaky). */
export type CellSpec =
  | { kind: 'rnn'; dt?: number }
  | { kind: 'basic'; phi: 'tanh' | 'linear'; dt?: number }
  | { kind: 'gru' };

export function cellLabel(spec: CellSpec): string {
  if (spec.kind === 'gru') return 'GRU';
  const dt = spec.dt ?? 1, core = spec.kind === 'rnn' ? 'tanh(W h + U x + b)' : `W ${spec.phi === 'tanh' ? 'tanh(h)' : 'h'} + U x + b`;
  return `${spec.kind === 'rnn' ? 'vanilla RNN' : 'BasicRNN'} h ← ${dt === 1 ? core : `(1−${dt})·h + ${dt}·(${core})`}`;
}

export interface KpflowTrajectory {
  B: number;
  T: number;
  H: number;
  nIn: number;
  /** Inputs [B, T, nIn] (not copied: the caller's array). */
  x: Float64Array;
  /** Hidden states [B, T, H]. */
  h: Float64Array;
  /** Cell-specific per-step values, each [B, T, H] ('rnn': a = tanh(W h + U x + b); 'basic': φ(h); 'gru': r, z, n, s). */
  cache: Float64Array[];
  /** Initial states [B, H] and (cell 'basic') φ(h₀); zeros when not given. */
  h0: Float64Array;
  phi0: Float64Array;
}

/** A named block of θ (for docs, the app and the Koopman snapshots). */
export interface ParamBlock { name: string; offset: number; rows: number; cols: number }

export interface Cell {
  readonly spec: CellSpec;
  readonly H: number;
  readonly nIn: number;
  /** Number of recurrent parameters (length of θ). */
  readonly nParams: number;
  readonly blocks: readonly ParamBlock[];
  /** Initial θ: vanilla W ~ N(0, gain²/H), U ~ N(0, 1/nIn), b = 0; GRU U(±1/√H) everywhere (PyTorch), W_h times gain. */
  init(rnd: Rng, gain: number): Float64Array;
  forward(theta: Float64Array, x: Float64Array, B: number, T: number, h0?: Float64Array): KpflowTrajectory;
  /** out[oo … oo+H) = J_t v[vo … vo+H), for state t of sample b (J_0 = ∂h_0/∂h₀). */
  stateJvp(theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, v: Float64Array, vo: number, out: Float64Array, oo: number): void;
  /** out[oo … oo+H) = J_tᵀ u[uo … uo+H). */
  stateVjp(theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, u: Float64Array, uo: number, out: Float64Array, oo: number): void;
  /** out[oo … oo+H) = (∂f/∂θ)_{b,t} dθ. */
  paramJvp(theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, dTheta: Float64Array, out: Float64Array, oo: number): void;
  /** g += (∂f/∂θ)_{b,t}ᵀ u[uo … uo+H). */
  paramVjpAdd(theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, u: Float64Array, uo: number, g: Float64Array): void;
}

export function makeCell(spec: CellSpec, H: number, nIn: number): Cell {
  return spec.kind === 'gru' ? new GruCell(H, nIn) : new VanillaCell(spec, H, nIn);
}

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/**
 * Both vanilla forms share f = (1−dt) h_{t−1} + dt·σ(W m + U x + b): with m = h_{t−1} and σ = tanh ('rnn') or
 * m = φ(h_{t−1}) and σ = identity ('basic'),
 *   (∂f/∂θ) dθ = D ⊙ (dW m + dU x + db),      D = dt·(1 − a_t²) ('rnn', a_t = tanh(…) at step t) or dt ('basic'),
 *   J_t = (1−dt) I + dt·diag(1 − a_t²) W ('rnn'),   J_t = (1−dt) I + dt·W diag(φ′(h_{t−1})) ('basic').
 */
class VanillaCell implements Cell {
  readonly nParams: number;
  readonly blocks: ParamBlock[];
  private readonly oU: number;
  private readonly ob: number;
  private readonly scratch: Float64Array;
  /** Euler step dt and 1 − dt. */
  private readonly dt: number;
  private readonly keep: number;
  constructor(readonly spec: Extract<CellSpec, { kind: 'rnn' | 'basic' }>, readonly H: number, readonly nIn: number) {
    const dt = spec.dt ?? 1;
    if (!(dt > 0 && dt <= 1)) throw new Error(`dt must be in (0, 1], got ${dt}`);
    this.dt = dt; this.keep = 1 - dt;
    this.oU = H * H; this.ob = H * H + H * nIn; this.nParams = this.ob + H;
    this.blocks = [
      { name: 'W', offset: 0, rows: H, cols: H }, { name: 'U', offset: this.oU, rows: H, cols: nIn },
      { name: 'b', offset: this.ob, rows: H, cols: 1 },
    ];
    this.scratch = new Float64Array(H);
  }

  init(rnd: Rng, gain: number): Float64Array {
    const { H, nIn } = this, th = new Float64Array(this.nParams);
    for (let i = 0; i < H * H; i++) th[i] = (gain / Math.sqrt(H)) * rnd.normal();
    for (let i = 0; i < H * nIn; i++) th[this.oU + i] = rnd.normal() / Math.sqrt(nIn);
    return th;
  }

  /** The vector W multiplies at state t: h_{t−1} or φ(h_{t−1}) (h₀ or φ(h₀) at t = 0). */
  private m(tr: KpflowTrajectory, b: number, t: number): [Float64Array, number] {
    if (t === 0) return [this.spec.kind === 'rnn' ? tr.h0 : tr.phi0, b * this.H];
    const o = (b * tr.T + t - 1) * this.H;
    return [this.spec.kind === 'rnn' ? tr.h : tr.cache[0], o];
  }

  /** D at state t, entry i: dt·(1 − a_t²) ('rnn') or dt ('basic'). */
  private d(tr: KpflowTrajectory, o: number, i: number): number {
    if (this.spec.kind === 'basic') return this.dt;
    const a = tr.cache[0][o + i];
    return this.dt * (1 - a * a);
  }

  forward(theta: Float64Array, x: Float64Array, B: number, T: number, h0?: Float64Array): KpflowTrajectory {
    const { H, nIn, oU, ob } = this;
    const { dt, keep } = this, rnn = this.spec.kind === 'rnn';
    const h = new Float64Array(B * T * H);
    const c = new Float64Array(B * T * H); // 'rnn': a_t = tanh(…); 'basic': φ(h_t)
    const lin = this.spec.kind === 'basic' && this.spec.phi === 'linear';
    const init = h0 ?? new Float64Array(B * H);
    const phi0 = init.map((v) => (lin ? v : Math.tanh(v)));
    const tr: KpflowTrajectory = { B, T, H, nIn, x, h, cache: [c], h0: init, phi0 };
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * H, xo = (b * T + t) * nIn, m = this.m(tr, b, t);
        const [prev, po] = t === 0 ? [init, b * H] : [h, o - H];
        for (let i = 0; i < H; i++) {
          let a = theta[ob + i];
          const [arr, mo] = m;
          for (let j = 0; j < H; j++) a += theta[i * H + j] * arr[mo + j];
          for (let k = 0; k < nIn; k++) a += theta[oU + i * nIn + k] * x[xo + k];
          if (rnn) { const th = Math.tanh(a); c[o + i] = th; a = th; }
          h[o + i] = keep === 0 ? dt * a : keep * prev[po + i] + dt * a;
        }
        if (!rnn) for (let i = 0; i < H; i++) c[o + i] = lin ? h[o + i] : Math.tanh(h[o + i]);
      }
    }
    return tr;
  }

  /** φ′ at entry j of state t−1 ('basic'); 1 for 'rnn'. */
  private dphi(tr: KpflowTrajectory, b: number, t: number, j: number): number {
    if (this.spec.kind !== 'basic' || this.spec.phi === 'linear') return 1;
    const p = t === 0 ? tr.phi0[b * this.H + j] : tr.cache[0][(b * tr.T + t - 1) * this.H + j];
    return 1 - p * p;
  }

  stateJvp(theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, v: Float64Array, vo: number, out: Float64Array, oo: number): void {
    // J = (1−dt) I + D W diag(φ′(h_{t−1})): 'rnn' D = dt·diag(1 − a_t²), φ′ = 1; 'basic' D = dt·I
    const { H, keep } = this, o = (b * tr.T + t) * H, w = this.scratch;
    for (let j = 0; j < H; j++) w[j] = this.dphi(tr, b, t, j) * v[vo + j];
    for (let i = 0; i < H; i++) {
      let s = 0;
      for (let j = 0; j < H; j++) s += theta[i * H + j] * w[j];
      out[oo + i] = this.d(tr, o, i) * s + keep * v[vo + i];
    }
  }

  stateVjp(theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, u: Float64Array, uo: number, out: Float64Array, oo: number): void {
    const { H } = this, o = (b * tr.T + t) * H, w = this.scratch;
    for (let i = 0; i < H; i++) w[i] = this.d(tr, o, i) * u[uo + i];
    for (let j = 0; j < H; j++) out[oo + j] = 0;
    for (let i = 0; i < H; i++) {
      const wi = w[i], row = i * H;
      if (wi !== 0) for (let j = 0; j < H; j++) out[oo + j] += theta[row + j] * wi;
    }
    for (let j = 0; j < H; j++) out[oo + j] = out[oo + j] * this.dphi(tr, b, t, j) + this.keep * u[uo + j];
  }

  paramJvp(_theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, dTheta: Float64Array, out: Float64Array, oo: number): void {
    const { H, nIn, oU, ob } = this, o = (b * tr.T + t) * H, xo = (b * tr.T + t) * nIn, m = this.m(tr, b, t);
    for (let i = 0; i < H; i++) {
      let a = dTheta[ob + i];
      const [arr, mo] = m;
      for (let j = 0; j < H; j++) a += dTheta[i * H + j] * arr[mo + j];
      for (let k = 0; k < nIn; k++) a += dTheta[oU + i * nIn + k] * tr.x[xo + k];
      out[oo + i] = this.d(tr, o, i) * a;
    }
  }

  paramVjpAdd(_theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, u: Float64Array, uo: number, g: Float64Array): void {
    const { H, nIn, oU, ob } = this, o = (b * tr.T + t) * H, xo = (b * tr.T + t) * nIn, m = this.m(tr, b, t);
    for (let i = 0; i < H; i++) {
      const w = this.d(tr, o, i) * u[uo + i];
      if (w === 0) continue;
      g[ob + i] += w;
      const [arr, mo] = m;
      for (let j = 0; j < H; j++) g[i * H + j] += w * arr[mo + j];
      for (let k = 0; k < nIn; k++) g[oU + i * nIn + k] += w * tr.x[xo + k];
    }
  }
}

/** GRU with PyTorch's equations (see the file header); cache = [r, z, n, s]. */
class GruCell implements Cell {
  readonly spec = { kind: 'gru' } as const;
  readonly nParams: number;
  readonly blocks: ParamBlock[];
  private readonly oWh: number;
  private readonly ob: number;
  private readonly obhn: number;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  constructor(readonly H: number, readonly nIn: number) {
    this.oWh = 3 * H * nIn; this.ob = this.oWh + 3 * H * H; this.obhn = this.ob + 3 * H; this.nParams = this.obhn + H;
    this.blocks = [
      { name: 'W_x (r, z, n)', offset: 0, rows: 3 * H, cols: nIn }, { name: 'W_h (r, z, n)', offset: this.oWh, rows: 3 * H, cols: H },
      { name: 'b (r, z, n)', offset: this.ob, rows: 3 * H, cols: 1 }, { name: 'b_hn', offset: this.obhn, rows: H, cols: 1 },
    ];
    this.s1 = new Float64Array(3 * H); this.s2 = new Float64Array(H);
  }

  init(rnd: Rng, gain: number): Float64Array {
    const th = new Float64Array(this.nParams), k = 1 / Math.sqrt(this.H);
    for (let i = 0; i < th.length; i++) th[i] = k * (2 * rnd.uniform() - 1);
    for (let i = this.oWh; i < this.ob; i++) th[i] *= gain;
    return th;
  }

  private prev(tr: KpflowTrajectory, b: number, t: number): [Float64Array, number] {
    return t === 0 ? [tr.h0, b * this.H] : [tr.h, (b * tr.T + t - 1) * this.H];
  }

  forward(theta: Float64Array, x: Float64Array, B: number, T: number, h0?: Float64Array): KpflowTrajectory {
    const { H, nIn, oWh, ob, obhn } = this, n3 = 3 * H;
    const init = h0 ?? new Float64Array(B * H);
    const h = new Float64Array(B * T * H), R = new Float64Array(B * T * H), Z = new Float64Array(B * T * H);
    const Nn = new Float64Array(B * T * H), S = new Float64Array(B * T * H);
    const tr: KpflowTrajectory = { B, T, H, nIn, x, h, cache: [R, Z, Nn, S], h0: init, phi0: init };
    const a = this.s1;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * H, xo = (b * T + t) * nIn, [hp, po] = this.prev(tr, b, t);
        for (let g = 0; g < n3; g++) {
          let s = 0;
          for (let k = 0; k < nIn; k++) s += theta[g * nIn + k] * x[xo + k];
          a[g] = s + theta[ob + g];
        }
        for (let i = 0; i < H; i++) {
          let ar = a[i], az = a[H + i], s = theta[obhn + i];
          const rr = oWh + i * H, rz = oWh + (H + i) * H, rn = oWh + (2 * H + i) * H;
          for (let j = 0; j < H; j++) {
            const hj = hp[po + j];
            ar += theta[rr + j] * hj; az += theta[rz + j] * hj; s += theta[rn + j] * hj;
          }
          const r = sigmoid(ar), z = sigmoid(az), n = Math.tanh(a[2 * H + i] + r * s);
          R[o + i] = r; Z[o + i] = z; Nn[o + i] = n; S[o + i] = s;
          h[o + i] = (1 - z) * n + z * hp[po + i];
        }
      }
    }
    return tr;
  }

  stateJvp(theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, v: Float64Array, vo: number, out: Float64Array, oo: number): void {
    // J v = z⊙v + (1−z)(1−n²)⊙[r⊙(W_hn v) + s⊙r(1−r)⊙(W_hr v)] + (h_{t−1} − n)⊙z(1−z)⊙(W_hz v)
    const { H, oWh } = this, o = (b * tr.T + t) * H, [R, Z, Nn, S] = tr.cache, [hp, po] = this.prev(tr, b, t);
    for (let i = 0; i < H; i++) {
      let wr = 0, wz = 0, wn = 0;
      const rr = oWh + i * H, rz = oWh + (H + i) * H, rn = oWh + (2 * H + i) * H;
      for (let j = 0; j < H; j++) { const vj = v[vo + j]; wr += theta[rr + j] * vj; wz += theta[rz + j] * vj; wn += theta[rn + j] * vj; }
      const r = R[o + i], z = Z[o + i], n = Nn[o + i], s = S[o + i];
      out[oo + i] = z * v[vo + i] + (1 - z) * (1 - n * n) * (r * wn + s * r * (1 - r) * wr) + (hp[po + i] - n) * z * (1 - z) * wz;
    }
  }

  /** Gate adjoints for an output cotangent u: ga_n, ga_r, g_s, ga_z (scratch s1 = [ga_r, ga_z, ga_n], s2 = g_s). */
  private gateAdjoints(tr: KpflowTrajectory, b: number, t: number, u: Float64Array, uo: number): void {
    const { H } = this, o = (b * tr.T + t) * H, [R, Z, Nn, S] = tr.cache, [hp, po] = this.prev(tr, b, t);
    const g = this.s1, gs = this.s2;
    for (let i = 0; i < H; i++) {
      const r = R[o + i], z = Z[o + i], n = Nn[o + i], s = S[o + i], ui = u[uo + i];
      const gan = (1 - z) * (1 - n * n) * ui;
      g[2 * H + i] = gan;
      g[i] = s * r * (1 - r) * gan;
      g[H + i] = (hp[po + i] - n) * z * (1 - z) * ui;
      gs[i] = r * gan;
    }
  }

  stateVjp(theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, u: Float64Array, uo: number, out: Float64Array, oo: number): void {
    const { H, oWh } = this, o = (b * tr.T + t) * H, Z = tr.cache[1];
    this.gateAdjoints(tr, b, t, u, uo);
    const g = this.s1, gs = this.s2;
    for (let j = 0; j < H; j++) out[oo + j] = Z[o + j] * u[uo + j];
    for (let i = 0; i < H; i++) {
      const gr = g[i], gz = g[H + i], gn = gs[i];
      const rr = oWh + i * H, rz = oWh + (H + i) * H, rn = oWh + (2 * H + i) * H;
      for (let j = 0; j < H; j++) out[oo + j] += theta[rr + j] * gr + theta[rz + j] * gz + theta[rn + j] * gn;
    }
  }

  paramJvp(_theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, dTheta: Float64Array, out: Float64Array, oo: number): void {
    const { H, nIn, oWh, ob, obhn } = this, o = (b * tr.T + t) * H, xo = (b * tr.T + t) * nIn;
    const [R, Z, Nn, S] = tr.cache, [hp, po] = this.prev(tr, b, t), x = tr.x;
    for (let i = 0; i < H; i++) {
      let dar = dTheta[ob + i], daz = dTheta[ob + H + i], dan = dTheta[ob + 2 * H + i], ds = dTheta[obhn + i];
      for (let k = 0; k < nIn; k++) {
        const xk = x[xo + k];
        dar += dTheta[i * nIn + k] * xk; daz += dTheta[(H + i) * nIn + k] * xk; dan += dTheta[(2 * H + i) * nIn + k] * xk;
      }
      const rr = oWh + i * H, rz = oWh + (H + i) * H, rn = oWh + (2 * H + i) * H;
      for (let j = 0; j < H; j++) { const hj = hp[po + j]; dar += dTheta[rr + j] * hj; daz += dTheta[rz + j] * hj; ds += dTheta[rn + j] * hj; }
      const r = R[o + i], z = Z[o + i], n = Nn[o + i], s = S[o + i];
      dan += r * ds + s * r * (1 - r) * dar;
      out[oo + i] = (1 - z) * (1 - n * n) * dan + (hp[po + i] - n) * z * (1 - z) * daz;
    }
  }

  paramVjpAdd(_theta: Float64Array, tr: KpflowTrajectory, b: number, t: number, u: Float64Array, uo: number, gTheta: Float64Array): void {
    const { H, nIn, oWh, ob, obhn } = this, xo = (b * tr.T + t) * nIn, [hp, po] = this.prev(tr, b, t), x = tr.x;
    this.gateAdjoints(tr, b, t, u, uo);
    const g = this.s1, gs = this.s2;
    for (let gi = 0; gi < 3 * H; gi++) {
      const w = g[gi];
      gTheta[ob + gi] += w;
      for (let k = 0; k < nIn; k++) gTheta[gi * nIn + k] += w * x[xo + k];
    }
    for (let i = 0; i < H; i++) {
      const gr = g[i], gz = g[H + i], gn = gs[i];
      gTheta[obhn + i] += gn;
      const rr = oWh + i * H, rz = oWh + (H + i) * H, rn = oWh + (2 * H + i) * H;
      for (let j = 0; j < H; j++) { const hj = hp[po + j]; gTheta[rr + j] += gr * hj; gTheta[rz + j] += gz * hj; gTheta[rn + j] += gn * hj; }
    }
  }
}
