/**
 * A three-layer network (input–hidden–output, paper 3's setting) trained by full-batch gradient descent on a
 * regression task, in exact float64, with an exact matrix-free Hessian–vector product.
 *
 * Model: for an input x ∈ ℝ^dIn, a = W1 x + b1 (hidden pre-activations, ℝ^H), h = σ(a), f(x) = W2 h + b2 (ℝ^dOut).
 * Loss over M samples: C(w) = (1/2M) Σ_m ‖f(x_m) − y_m‖² (half the mean squared error summed over outputs).
 *
 * Flat parameter vector w (length P = H·dIn + H + dOut·H + dOut), in this order:
 *   W1 (H × dIn, row-major: W1[j, i] = w[j·dIn + i]) | b1 (H) | W2 (dOut × H, row-major) | b2 (dOut).
 *
 * Why by hand and not tfjs: the tangent map of one GD step, J = I − η∇²C(w), must be exact (float64) for
 * Lyapunov exponents to be meaningful over thousands of steps, and tfjs's cpu/webgpu kernels are float32. The
 * Hessian–vector product is Pearlmutter's R-operator (forward-over-reverse, Pearlmutter 1994): the directional
 * derivative R{·} = d/dε(·)(w + εv)|₀ of every forward and backward quantity, O(M·P) per product, never forming
 * the P × P Hessian.
 */
import { getActivation, type LyapunovActivation, type ActivationName } from './activations';

export interface MlpShape {
  dIn: number;
  hidden: number;
  dOut: number;
}

/** Regression data: x is M × dIn and y is M × dOut, both row-major. */
export interface LyapunovDataset {
  M: number;
  x: Float64Array;
  y: Float64Array;
}

/** Offsets of the four blocks in the flat vector. */
export function layout(s: MlpShape): { W1: number; b1: number; W2: number; b2: number; P: number } {
  const W1 = 0, b1 = s.hidden * s.dIn, W2 = b1 + s.hidden, b2 = W2 + s.dOut * s.hidden;
  return { W1, b1, W2, b2, P: b2 + s.dOut };
}

/**
 * The loss, gradient and Hessian–vector products of one network on one data set. Stateful for speed: `evaluate(w)`
 * caches the forward and backward pass at w; `hvp` then uses that point. Call `evaluate` before `hvp`.
 */
export class Mlp {
  readonly shape: MlpShape;
  readonly data: LyapunovDataset;
  readonly activation: LyapunovActivation;
  readonly P: number;
  private readonly off: ReturnType<typeof layout>;
  // cache at the last evaluated point (M × H and M × dOut, row-major): σ, σ′, σ″ at the pre-activations, the
  // backpropagated u = W2ᵀe, and the output errors e. Everything `hvp` needs that does not depend on v, so the
  // k HVPs per Benettin step never redo any of the forward or backward pass.
  private w: Float64Array = new Float64Array(0);
  private readonly s: Float64Array;
  private readonly d1: Float64Array;
  private readonly d2: Float64Array;
  private readonly u: Float64Array;
  private readonly e: Float64Array;
  // scratch for hvp
  private readonly ra: Float64Array;
  private readonly re: Float64Array;
  private readonly tmp = { s: 0, d1: 0, d2: 0 };
  /** ∇C at the last evaluated point. */
  readonly grad: Float64Array;
  /** C at the last evaluated point. */
  loss = NaN;

  constructor(shape: MlpShape, activation: ActivationName, data: LyapunovDataset) {
    const { dIn, hidden: H, dOut } = shape;
    if (!(dIn >= 1 && H >= 1 && dOut >= 1)) throw new Error(`bad network shape ${dIn}–${H}–${dOut}`);
    if (data.x.length !== data.M * dIn || data.y.length !== data.M * dOut) {
      throw new Error(`data does not match the shape: x has ${data.x.length} values, y ${data.y.length}, M = ${data.M}`);
    }
    this.shape = shape;
    this.data = data;
    this.activation = getActivation(activation);
    this.off = layout(shape);
    this.P = this.off.P;
    const MH = data.M * H;
    this.s = new Float64Array(MH); this.d1 = new Float64Array(MH); this.d2 = new Float64Array(MH); this.u = new Float64Array(MH);
    this.e = new Float64Array(data.M * dOut);
    this.ra = new Float64Array(H); this.re = new Float64Array(dOut);
    this.grad = new Float64Array(this.P);
  }

  /** Forward and backward pass at w: sets `loss` and `grad` and caches what `hvp` needs. Returns C(w). */
  evaluate(w: Float64Array): number {
    const { dIn, hidden: H, dOut } = this.shape;
    const { M, x, y } = this.data;
    const o = this.off, g = this.grad, t = this.tmp;
    if (w.length !== this.P) throw new Error(`w has ${w.length} values, the network has ${this.P} parameters`);
    this.w = w;
    g.fill(0);
    let loss = 0;
    const inv = 1 / M;
    for (let m = 0; m < M; m++) {
      const xm = m * dIn, hm = m * H, em = m * dOut;
      for (let j = 0; j < H; j++) {
        let aj = w[o.b1 + j];
        for (let i = 0; i < dIn; i++) aj += w[o.W1 + j * dIn + i] * x[xm + i];
        this.activation.eval(aj, t);
        this.s[hm + j] = t.s; this.d1[hm + j] = t.d1; this.d2[hm + j] = t.d2;
      }
      for (let k = 0; k < dOut; k++) {
        let f = w[o.b2 + k];
        for (let j = 0; j < H; j++) f += w[o.W2 + k * H + j] * this.s[hm + j];
        const ek = f - y[em + k];
        this.e[em + k] = ek;
        loss += ek * ek;
        // ∂C/∂W2[k, j] = (1/M) Σ e_k h_j,  ∂C/∂b2[k] = (1/M) Σ e_k
        g[o.b2 + k] += inv * ek;
        for (let j = 0; j < H; j++) g[o.W2 + k * H + j] += inv * ek * this.s[hm + j];
      }
      for (let j = 0; j < H; j++) {
        // δ_j = σ′(a_j) Σ_k W2[k, j] e_k;  ∂C/∂W1[j, i] = (1/M) Σ δ_j x_i,  ∂C/∂b1[j] = (1/M) Σ δ_j
        let u = 0;
        for (let k = 0; k < dOut; k++) u += w[o.W2 + k * H + j] * this.e[em + k];
        this.u[hm + j] = u;
        const dj = inv * u * this.d1[hm + j];
        g[o.b1 + j] += dj;
        for (let i = 0; i < dIn; i++) g[o.W1 + j * dIn + i] += dj * x[xm + i];
      }
    }
    this.loss = loss * 0.5 * inv;
    return this.loss;
  }

  /**
   * out = ∇²C(w) v at the last evaluated w (exact; R-operator). With R{·} the derivative along v = (V1, c1, V2, c2):
   *   R{a} = V1 x + c1,  R{h} = σ′(a)⊙R{a},  R{e} = V2 h + W2 R{h} + c2,
   *   R{∂C/∂W2} = (1/M) Σ (R{e} hᵀ + e R{h}ᵀ),  R{∂C/∂b2} = (1/M) Σ R{e},
   *   u = W2ᵀe (cached by evaluate),  R{u} = V2ᵀe + W2ᵀR{e},  R{δ} = σ′(a)⊙R{u} + σ″(a)⊙u⊙R{a},
   *   R{∂C/∂W1} = (1/M) Σ R{δ} xᵀ,  R{∂C/∂b1} = (1/M) Σ R{δ}.
   */
  hvp(v: Float64Array, out: Float64Array): void {
    const { dIn, hidden: H, dOut } = this.shape;
    const { M, x } = this.data;
    const o = this.off, w = this.w, ra = this.ra, re = this.re;
    if (w.length !== this.P) throw new Error('Mlp.hvp called before evaluate(w)');
    out.fill(0);
    const inv = 1 / M;
    for (let m = 0; m < M; m++) {
      const xm = m * dIn, hm = m * H, em = m * dOut;
      // R{a} = V1 x + c1: evaluate's first-layer loop applied to v, written out again because this is the innermost
      // hot path (k HVPs per Benettin step) and a shared helper would cost a call per (sample, unit)
      for (let j = 0; j < H; j++) {
        let r = v[o.b1 + j];
        for (let i = 0; i < dIn; i++) r += v[o.W1 + j * dIn + i] * x[xm + i];
        ra[j] = r;
      }
      for (let k = 0; k < dOut; k++) {
        let r = v[o.b2 + k];
        for (let j = 0; j < H; j++) r += v[o.W2 + k * H + j] * this.s[hm + j] + w[o.W2 + k * H + j] * this.d1[hm + j] * ra[j];
        re[k] = r;
        const ek = this.e[em + k];
        out[o.b2 + k] += inv * r;
        for (let j = 0; j < H; j++) out[o.W2 + k * H + j] += inv * (r * this.s[hm + j] + ek * this.d1[hm + j] * ra[j]);
      }
      for (let j = 0; j < H; j++) {
        let ru = 0;
        for (let k = 0; k < dOut; k++) ru += v[o.W2 + k * H + j] * this.e[em + k] + w[o.W2 + k * H + j] * re[k];
        const rd = inv * (this.d1[hm + j] * ru + this.d2[hm + j] * this.u[hm + j] * ra[j]);
        out[o.b1 + j] += rd;
        for (let i = 0; i < dIn; i++) out[o.W1 + j * dIn + i] += rd * x[xm + i];
      }
    }
  }

  /** The dense P × P Hessian at w (row-major; P Hessian–vector products). For small nets and tests only. */
  hessian(w: Float64Array): Float64Array {
    const P = this.P;
    this.evaluate(w);
    const Hm = new Float64Array(P * P), e = new Float64Array(P), col = new Float64Array(P);
    for (let j = 0; j < P; j++) {
      e.fill(0); e[j] = 1;
      this.hvp(e, col);
      for (let i = 0; i < P; i++) Hm[i * P + j] = col[i];
    }
    return Hm;
  }

  /** The network's outputs at the given inputs (M' × dIn row-major) → M' × dOut, for plotting fits. */
  predict(w: Float64Array, xs: Float64Array): Float64Array {
    const { dIn, hidden: H, dOut } = this.shape;
    const o = this.off, t = this.tmp, n = xs.length / dIn;
    const out = new Float64Array(n * dOut), h = new Float64Array(H);
    for (let m = 0; m < n; m++) {
      for (let j = 0; j < H; j++) {
        let aj = w[o.b1 + j];
        for (let i = 0; i < dIn; i++) aj += w[o.W1 + j * dIn + i] * xs[m * dIn + i];
        this.activation.eval(aj, t);
        h[j] = t.s;
      }
      for (let k = 0; k < dOut; k++) {
        let f = w[o.b2 + k];
        for (let j = 0; j < H; j++) f += w[o.W2 + k * H + j] * h[j];
        out[m * dOut + k] = f;
      }
    }
    return out;
  }
}
