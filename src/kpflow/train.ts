/**
 * Training a recurrent cell on a task batch, full batch, with Adam, in float64.
 *
 * The gradient IS the KPFlow chain (docs/methods.md#kpflow): Err = ∂L/∂h (through the readout) → a = 𝒫*Err (backprop
 * through time, operators.ts) → ∇_θL = J_θᵀ a. Training and analysis therefore share one implementation of 𝒫*
 * and J_θᵀ, and the BPTT test checks both at once.
 *
 * Readout y_t = C h_t + d (C: nOut×H, d: nOut; not part of θ, so not part of 𝒦). Loss: mean squared error over
 * every (sample, step, output): L = (1/(B·T·nOut)) Σ (y − y*)².
 */
import { makeCell, type Cell, type CellSpec } from './cells';
import { applyJthetaT, applyPstar, linearize, type Linearization } from './operators';
import { seededRng } from '../linalg/random';
import type { TaskBatch } from './tasks';

export interface Readout {
  /** nOut × H, row-major. */
  C: Float64Array;
  d: Float64Array;
}

export interface LossGradient {
  loss: number;
  /** ∇_θ L (recurrent parameters). */
  gTheta: Float64Array;
  gC: Float64Array;
  gd: Float64Array;
  /** Err = ∂L/∂h_t, the direct (readout) part, [B, T, H]. */
  err: Float64Array;
  /** The linearisation at θ (its trajectory), for reuse by the analysis. */
  lin: Linearization;
}

/** Readout outputs [B, T, nOut] of a trajectory. */
export function readoutOutputs(h: Float64Array, readout: Readout, nOut: number, H: number): Float64Array {
  const BT = h.length / H, y = new Float64Array(BT * nOut);
  for (let n = 0; n < BT; n++) {
    for (let o = 0; o < nOut; o++) {
      let s = readout.d[o];
      for (let i = 0; i < H; i++) s += readout.C[o * H + i] * h[n * H + i];
      y[n * nOut + o] = s;
    }
  }
  return y;
}

/** Loss, its error signal Err = ∂L/∂h (direct part) and dL/dy, at a linearisation. */
export function lossAndErr(lin: Linearization, readout: Readout, batch: TaskBatch): { loss: number; err: Float64Array; dy: Float64Array } {
  const { H } = lin.traj, { nOut, targets } = batch, BT = batch.B * batch.T;
  const y = readoutOutputs(lin.traj.h, readout, nOut, H);
  const scale = 1 / (BT * nOut), dy = new Float64Array(BT * nOut), err = new Float64Array(BT * H);
  let loss = 0;
  for (let k = 0; k < y.length; k++) { const e = y[k] - targets[k]; loss += e * e; dy[k] = 2 * scale * e; }
  for (let n = 0; n < BT; n++) {
    for (let o = 0; o < nOut; o++) {
      const g = dy[n * nOut + o];
      if (g !== 0) for (let i = 0; i < H; i++) err[n * H + i] += readout.C[o * H + i] * g;
    }
  }
  return { loss: loss * scale, err, dy };
}

export function lossAndGradient(cell: Cell, theta: Float64Array, readout: Readout, batch: TaskBatch): LossGradient {
  const lin = linearize(cell, theta, batch.x, batch.B, batch.T);
  const { loss, err, dy } = lossAndErr(lin, readout, batch);
  const gTheta = applyJthetaT(lin, applyPstar(lin, err));
  const { H } = cell, nOut = batch.nOut, BT = batch.B * batch.T, h = lin.traj.h;
  const gC = new Float64Array(nOut * H), gd = new Float64Array(nOut);
  for (let n = 0; n < BT; n++) {
    for (let o = 0; o < nOut; o++) {
      const g = dy[n * nOut + o];
      gd[o] += g;
      for (let i = 0; i < H; i++) gC[o * H + i] += g * h[n * H + i];
    }
  }
  return { loss, gTheta, gC, gd, err, lin };
}

export interface TrainSettings {
  cell: CellSpec;
  hidden: number;
  /** Scale of the initial hidden-to-hidden weights (KPFlow's g). */
  gain: number;
  lr: number;
  /** Clip the global gradient norm (θ, C, d together) to this value; 0 = no clipping. */
  clip: number;
  seed: number;
}

/** Adam (Kingma & Ba; β₁ = 0.9, β₂ = 0.999, ε = 1e-8) on the concatenation [θ, C, d], full batch. */
export class KpflowTrainer {
  readonly cell: Cell;
  theta: Float64Array;
  readout: Readout;
  step = 0;
  private readonly m: Float64Array;
  private readonly v: Float64Array;

  constructor(readonly settings: TrainSettings, readonly batch: TaskBatch) {
    this.cell = makeCell(settings.cell, settings.hidden, batch.nIn);
    const rnd = seededRng(settings.seed);
    this.theta = this.cell.init(rnd, settings.gain);
    const C = new Float64Array(batch.nOut * settings.hidden);
    for (let i = 0; i < C.length; i++) C[i] = rnd.normal() / Math.sqrt(settings.hidden);
    this.readout = { C, d: new Float64Array(batch.nOut) };
    const n = this.theta.length + C.length + batch.nOut;
    this.m = new Float64Array(n); this.v = new Float64Array(n);
  }

  /** The current loss and gradient, without stepping. */
  evaluate(): LossGradient {
    return lossAndGradient(this.cell, this.theta, this.readout, this.batch);
  }

  /**
   * One Adam step; returns the loss before the step. `g` may be passed when the caller already evaluated at the
   * current θ (the analysis checkpoints do), so the forward pass and BPTT are not run twice.
   */
  train(g: LossGradient = this.evaluate()): number {
    const parts: [Float64Array, Float64Array][] = [[this.theta, g.gTheta], [this.readout.C, g.gC], [this.readout.d, g.gd]];
    let sq = 0;
    for (const [, gr] of parts) for (let i = 0; i < gr.length; i++) sq += gr[i] * gr[i];
    const norm = Math.sqrt(sq), { clip, lr } = this.settings;
    const scale = clip > 0 && norm > clip ? clip / norm : 1;
    this.step++;
    const b1 = 0.9, b2 = 0.999, c1 = 1 - b1 ** this.step, c2 = 1 - b2 ** this.step;
    let k = 0;
    for (const [p, gr] of parts) {
      for (let i = 0; i < p.length; i++, k++) {
        const gi = gr[i] * scale;
        this.m[k] = b1 * this.m[k] + (1 - b1) * gi;
        this.v[k] = b2 * this.v[k] + (1 - b2) * gi * gi;
        p[i] -= (lr * (this.m[k] / c1)) / (Math.sqrt(this.v[k] / c2) + 1e-8);
      }
    }
    return g.loss;
  }
}
