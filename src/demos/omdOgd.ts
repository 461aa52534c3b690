/**
 * Paper 1's OMD vs OGD experiment (Redman et al., "Identifying Equivalent Training Dynamics", NeurIPS 2024,
 * arXiv 2302.09160; code: william-redman/Identifying_Equivalent_Training_Dynamics, folder "Online mirror online
 * gradient descent", MIT). It is the second example of Ghai, Lu & Hazan (2022), "Non-convex online learning via
 * algorithmic equivalence": online mirror descent with a log-barrier regularizer is conjugate (via h = exp) to online
 * gradient descent on the reparameterized loss f(e^u), so their Koopman spectra should agree; a vector bisection
 * method serves as the non-equivalent control.
 *
 * This module only generates the trajectories (the dynamics); the DMD lives in src/koopman. To reproduce the paper:
 * delay-embed each run with OMD_OGD_DELAYS = 4 delays, stack the pairs of all 25 runs, fit with no truncation
 * (paper's k = −1: all 10 triplets) and compare spectra with W1 by exact assignment. Expected (docs/methods.md#e8):
 * W(OMD, OGD) = 0.0080732; W(BM, either) > 0.7 (BM is numerically fragile, never pin its eigenvalues).
 *
 * Bit-for-bit choices, mirrored in test/fixtures/make_fixtures.py:
 * - ∇f uses 1 + tan²x, JAX's derivative rule for tan (not sec²x), and the OGD chain rule multiplies by e^u last.
 * - The paper projects with an L-BFGS-B minimisation of the Bregman (OMD) or squared Euclidean (OGD) distance onto
 *   the box, started at the unconstrained point. Both distances are separable, so the projection is a clip (and the
 *   iterates never reach the bounds in practice).
 * - Bisection stops at an exact root (f(z) = 0) and leaves the remaining rows at zero, as the paper's code does.
 */

/** Step length η of OMD and OGD. */
export const OMD_OGD_ETA = 1e-2;
/** Snapshots per run (the paper's T; the initial condition is row 0, so T − 1 = 99 steps are taken). */
export const OMD_OGD_STEPS = 100;
/** The initial conditions form a GRID × GRID grid, so there are 25 runs. */
export const OMD_OGD_GRID = 5;
/** Number of delays the paper uses before DMD (embedded dimension (4 + 1)·2 = 10). */
export const OMD_OGD_DELAYS = 4;
/** State dimension d of the problem f(x) = Σᵢ tan xᵢ. */
export const OMD_OGD_DIM = 2;

/** OMD's convex domain K = [1/T, 1]² (per coordinate). */
export const OMD_BOUNDS: readonly [number, number] = [1 / OMD_OGD_STEPS, 1];
/** OGD's domain log K = [log(1/T), 0]² (per coordinate). */
export const OGD_BOUNDS: readonly [number, number] = [Math.log(1 / OMD_OGD_STEPS), Math.log(1)];

/** Grid ranges [lo, hi] per coordinate (linspace(lo, hi, 5) in both coordinates). */
export const OMD_OGD_GRIDS = {
  /** OMD initial iterate x₀. */
  omdX0: [0.1, 0.9],
  /** OGD initial iterate u₀, roughly log of the OMD grid. */
  ogdU0: [-2.3, -0.1],
  /** Bisection lower corner a₀ (f(a₀) < 0). */
  bisectionA0: [-4 / 3, -1 / 3],
  /** Bisection upper corner b₀ (f(b₀) > 0). */
  bisectionB0: [1 / 7, 8 / 7],
} as const satisfies Record<string, readonly [number, number]>;

/** An ensemble of trajectories: `data` is row-major (runs·T, N); snapshot t of run r is row r·T + t. */
export interface Trajectories {
  runs: number;
  T: number;
  N: number;
  data: Float64Array;
}

/** numpy.linspace(lo, hi, num) bit for bit: i·step + lo with step = (hi − lo)/(num − 1), last point exactly hi. */
export function linspace(lo: number, hi: number, num: number): number[] {
  const step = (hi - lo) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + lo);
  if (num > 1) out[num - 1] = hi;
  return out;
}

/**
 * The paper's grid `np.reshape(np.meshgrid(l, l), [2, 25])`: run n starts at (l[n mod 5], l[⌊n/5⌋]).
 * Returns one [x₁, x₂] pair per run.
 */
export function gridPoints(range: readonly [number, number], grid: number = OMD_OGD_GRID): [number, number][] {
  const l = linspace(range[0], range[1], grid);
  const out: [number, number][] = [];
  for (let n = 0; n < grid * grid; n++) out.push([l[n % grid]!, l[Math.floor(n / grid)]!]);
  return out;
}

const clip = (v: number, [lo, hi]: readonly [number, number]): number => Math.min(Math.max(v, lo), hi);

/** d/dx tan x as JAX differentiates it: 1 + tan²x. */
const dTan = (x: number): number => {
  const t = Math.tan(x);
  return 1 + t * t;
};

/** Loss f(z) = tan z₁ + tan z₂. */
export function lossTan(z1: number, z2: number): number {
  return Math.tan(z1) + Math.tan(z2);
}

/**
 * OMD's step, per coordinate: x ← (∇R)⁻¹(∇R(x) − η∇f(x)) with R(x) = −Σ log x, so ∇R = −1/x and the mirror step is
 * y = −1/(−1/x − η∇f(x)) (projected onto K by `clippedRun`).
 */
const omdStep = (x: number): number => -1.0 / (-1.0 / x - OMD_OGD_ETA * dTan(x));

/** OGD's step, per coordinate: u ← u − η∇f̃(u) with f̃(u) = f(eᵘ), ∇f̃ = (1 + tan²eᵘ)·eᵘ (projected onto log K). */
const ogdStep = (u: number): number => {
  const q = Math.exp(u);
  return u - OMD_OGD_ETA * (dTan(q) * q);
};

/**
 * One projected run from z₀: z ← Π(step(z)), with `step` applied to each coordinate and the projection Π onto the
 * box a clip to `bounds` (separable: see the module comment). Writes T rows of 2 values into `out` at `offset`.
 */
function clippedRun(z0: readonly [number, number], step: (z: number) => number, bounds: readonly [number, number],
  out: Float64Array, offset: number): void {
  const T = OMD_OGD_STEPS;
  out[offset] = z0[0];
  out[offset + 1] = z0[1];
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < 2; i++) out[offset + 2 * t + i] = clip(step(out[offset + 2 * (t - 1) + i]!), bounds);
  }
}

/**
 * One vector-bisection run: z₀ = (a₀ + b₀)/2; if f(z) < 0 then a ← z, if f(z) > 0 then b ← z, else stop (the rest
 * stays zero); z ← (a + b)/2. Requires f(a₀) < 0 < f(b₀).
 */
function bisectionRun(a0: readonly [number, number], b0: readonly [number, number], out: Float64Array,
  offset: number): void {
  if (!(lossTan(a0[0], a0[1]) < 0 && lossTan(b0[0], b0[1]) > 0)) {
    throw new Error(`Bisection needs f(a0) < 0 < f(b0); got a0 = [${a0}], b0 = [${b0}].`);
  }
  const T = OMD_OGD_STEPS;
  let a1 = a0[0], a2 = a0[1], b1 = b0[0], b2 = b0[1];
  out[offset] = (a1 + b1) / 2;
  out[offset + 1] = (a2 + b2) / 2;
  for (let t = 1; t < T; t++) {
    const z1 = out[offset + 2 * (t - 1)]!;
    const z2 = out[offset + 2 * (t - 1) + 1]!;
    const fz = lossTan(z1, z2);
    if (fz < 0) {
      a1 = z1;
      a2 = z2;
    } else if (fz > 0) {
      b1 = z1;
      b2 = z2;
    } else {
      return; // exact root (or NaN): the remaining rows stay zero, as in the paper
    }
    out[offset + 2 * t] = (a1 + b1) / 2;
    out[offset + 2 * t + 1] = (a2 + b2) / 2;
  }
}

function ensemble(fill: (run: number, out: Float64Array, offset: number) => void): Trajectories {
  const runs = OMD_OGD_GRID * OMD_OGD_GRID;
  const T = OMD_OGD_STEPS;
  const N = OMD_OGD_DIM;
  const data = new Float64Array(runs * T * N);
  for (let r = 0; r < runs; r++) fill(r, data, r * T * N);
  return { runs, T, N, data };
}

/** The 25 OMD runs, observed in x (the paper's X). */
export function omdTrajectories(): Trajectories {
  const x0 = gridPoints(OMD_OGD_GRIDS.omdX0);
  return ensemble((r, out, offset) => clippedRun(x0[r]!, omdStep, OMD_BOUNDS, out, offset));
}

/** The 25 OGD runs, observed in u (the paper's U, not q(u) = eᵘ). */
export function ogdTrajectories(): Trajectories {
  const u0 = gridPoints(OMD_OGD_GRIDS.ogdU0);
  return ensemble((r, out, offset) => clippedRun(u0[r]!, ogdStep, OGD_BOUNDS, out, offset));
}

/** The 25 bisection runs, observed at the midpoint z (the paper's Z). */
export function bisectionTrajectories(): Trajectories {
  const a0 = gridPoints(OMD_OGD_GRIDS.bisectionA0);
  const b0 = gridPoints(OMD_OGD_GRIDS.bisectionB0);
  return ensemble((r, out, offset) => bisectionRun(a0[r]!, b0[r]!, out, offset));
}

/** Rows of run `r` as a (T, N) row-major view (no copy). */
export function runView(tr: Trajectories, r: number): Float64Array {
  if (r < 0 || r >= tr.runs) throw new RangeError(`Run ${r} is out of range 0..${tr.runs - 1}.`);
  return tr.data.subarray(r * tr.T * tr.N, (r + 1) * tr.T * tr.N);
}
