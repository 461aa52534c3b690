/**
 * Synthetic weight trajectories with a known spectrum: low-rank linear dynamics plus noise.
 * z_{t+1} = A z_t with A block-diagonal (a constant mode λ = 1 and rotation-scaling 2×2 blocks, λ = ρ e^{±iθ}),
 * x_t = U z_t + σ ξ_t, U an N × k random matrix (entries ~ 1/√k), ξ_t standard normal noise.
 * Rows are produced one at a time so a 1 GB trajectory never needs to be held in memory.
 */
import { gauss, rng } from './common';

/** The true discrete-time eigenvalues (ρ, θ) of the complex pairs, plus the constant mode. */
export const PAIRS: ReadonlyArray<readonly [number, number]> = [
  [0.999, 0.02], [0.995, 0.07], [0.99, 0.15], [0.985, 0.3],
];
/** Latent dimension: 1 constant + 2 per pair = 9 (so rank 10 keeps one noise direction too). */
export const K = 1 + 2 * PAIRS.length;

export function trueEigenvalues(): { re: number; im: number }[] {
  const out = [{ re: 1, im: 0 }];
  for (const [r, th] of PAIRS) {
    out.push({ re: r * Math.cos(th), im: r * Math.sin(th) }, { re: r * Math.cos(th), im: -r * Math.sin(th) });
  }
  return out;
}

export class TrajectoryGenerator {
  readonly N: number;
  private readonly U: Float32Array[];       // k columns of length N
  private readonly z: Float64Array;
  private readonly noise: () => number;
  private readonly sigma: number;

  constructor(N: number, seed = 1, sigma = 0.02) {
    this.N = N;
    const u = rng(seed), g = gauss(u);
    const s = 1 / Math.sqrt(K);
    this.U = Array.from({ length: K }, () => { const c = new Float32Array(N); for (let i = 0; i < N; i++) c[i] = g() * s; return c; });
    this.z = new Float64Array(K);
    for (let i = 0; i < K; i++) this.z[i] = 1 + 0.5 * u();
    this.noise = gauss(rng(seed * 7919 + 13));
    this.sigma = sigma;
  }

  /** Write the next snapshot into out[off .. off+N) and advance the latent state. */
  next(out: Float32Array, off = 0): void {
    const { N, U, z, sigma, noise } = this;
    for (let i = 0; i < N; i++) out[off + i] = sigma * noise();
    for (let c = 0; c < K; c++) {
      const col = U[c]!, zc = z[c]!;
      for (let i = 0; i < N; i++) out[off + i] += zc * col[i]!;
    }
    // advance: constant mode stays, each pair rotates and scales
    PAIRS.forEach(([r, th], p) => {
      const a = 1 + 2 * p, x = z[a]!, y = z[a + 1]!;
      const c = r * Math.cos(th), s = r * Math.sin(th);
      z[a] = c * x - s * y;
      z[a + 1] = s * x + c * y;
    });
  }
}

/** Largest distance from each true eigenvalue to the nearest fitted one. */
export function eigenvalueError(fitted: { re: number; im: number }[]): number {
  let worst = 0;
  for (const t of trueEigenvalues()) {
    let best = Infinity;
    for (const f of fitted) best = Math.min(best, Math.hypot(f.re - t.re, f.im - t.im));
    worst = Math.max(worst, best);
  }
  return worst;
}
