/**
 * Types shared by the Koopman engine, the command line and the app. Every option is a discriminated union or a
 * plain record documented here once; functions point back to these docs instead of repeating them.
 *
 * Vocabulary follows PyDMD where it applies (eigs, modes, amplitudes, singular values, reducedOperator = Atilde),
 * with two deliberate differences: the growth rate is ln|λ|/Δt (PyDMD reports Re λ/Δt), and `delays` counts the
 * extra copies stacked per embedded snapshot (paper 1's d; PyDMD's HankelDMD(d) is our d − 1).
 */

/** How many singular triplets the fit keeps (PyDMD's `svd_rank`, but explicit; the default is a fixed rank). */
export type RankRule =
  /** Keep the top r triplets (capped at the numerical rank, with a warning). */
  | { kind: 'rank'; r: number }
  /** Smallest r whose cumulative σ² reaches `fraction` (0 < fraction ≤ 1) of Σσ² (PyDMD's float svd_rank). */
  | { kind: 'energy'; fraction: number }
  /** Gavish–Donoho optimal hard threshold for unknown noise: σ > ω(β)·median(σ) (PyDMD's svd_rank = 0). */
  | { kind: 'optimal' }
  /** Every triplet above the float64 noise floor (PyDMD's svd_rank = −1); warns when ill-conditioned. */
  | { kind: 'full' };

export const DEFAULT_RANK: RankRule = { kind: 'rank', r: 10 };

/**
 * Which snapshots the PCA is fitted on: 'all' of them, or 'pairs': those that start a snapshot pair, i.e. every
 * snapshot except the last of each run (paper 1's code, whose PCA input is the X matrix of the pairs). Either way
 * every snapshot is then projected.
 */
export type PcaFit = 'all' | 'pairs';

/** Which DMD modes to return (PyDMD's `exact` flag). Eigenvalues do not depend on it. */
export type ModeKind = 'projected' | 'exact';

/** One discrete-time eigenvalue with the quantities derived from it (all per optimizer step when dt is in steps). */
export interface Eigenvalue {
  re: number;
  im: number;
  /** |λ| */
  abs: number;
  /** arg λ in radians, in (−π, π]. */
  arg: number;
  /** Continuous-time rate ω = log(λ)/Δt (principal branch); for λ = 0 the real part is −Infinity. */
  ctRe: number;
  ctIm: number;
  /** ln|λ|/Δt (per step when Δt is in steps). Not PyDMD's `growth_rate`, which is Re λ/Δt. */
  growthRate: number;
  /** arg λ/(2πΔt), cycles per step. */
  frequency: number;
  /** |b| of the mode's amplitude (fit to the first snapshot of the first run), when amplitudes were computed. */
  amplitude?: number;
}

/** The result of one fit. `warnings` carries numerical trouble as data (rank capped, ill-conditioning, …). */
export interface Spectrum {
  /** Sorted by |λ| descending, then by arg λ descending (so each conjugate pair is +im first). */
  eigenvalues: Eigenvalue[];
  /** Singular values of the (embedded, stacked) snapshot matrix X, all that are numerically meaningful. */
  singularValues: number[];
  /** Rank actually used. */
  rank: number;
  rankRule: RankRule;
  delays: number;
  /** Number of runs in the ensemble and snapshot pairs fitted (pairs never straddle runs, nor gaps in a run). */
  runs: number;
  pairs: number;
  /** Dimension of one embedded snapshot: (delays + 1)·(observed dimension). */
  embeddedDim: number;
  /** Relative one-step residual ‖Y − A X‖_F / ‖Y‖_F of the rank-r projected operator A = U Ã Uᵀ. */
  residual: number;
  /** Fraction of ‖X‖²_F outside the kept rank: Σ_{i>r} σ_i² / Σ σ_i². */
  truncatedEnergy: number;
  /** σ₁/σ_r of the kept triplets. */
  conditionNumber: number;
  /** True when the snapshots went through a random-projection sketch; then `sketch` states its error. */
  sketched: boolean;
  sketch?: { dim: number; seed: number; relativeInnerProductError: number };
  dt: number;
  warnings: string[];
}
