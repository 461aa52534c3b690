/**
 * The KPFlow view of one training run: train a cell on a task batch and, at evenly spaced checkpoints, summarise
 * 𝒦, 𝒫𝒫* and 𝒫𝒦𝒫* (spectral.ts), the misdirection alignment(𝒫𝒦𝒫*, 𝒫𝒫*) and, with several tasks, the alignment
 * between the tasks' state updates; plus the Koopman (DMD) spectrum of the same run's recurrent weights.
 *
 * Sub-task alignment (the paper's exact formula is unverified, docs/methods.md#open): split the error signal by
 * task, Err = Σ_k Err^(k) (Err^(k) keeps task k's samples, zero elsewhere). Task k's share of one GD step moves the
 * hidden states of ALL samples by δz^(k) = −η 𝒫𝒦𝒫* Err^(k) (Proposition 1; 𝒫 is block diagonal over samples, so
 * the off-task part of δz^(k) is the interference 𝒫_i 𝒦_ik 𝒫_k* Err_k). We report cos(δz^(i), δz^(j)) over the whole
 * [batch, time, hidden] space at each checkpoint: +1 when the tasks push the states the same way, 0 when their
 * updates are orthogonal (no interference), < 0 when they conflict; and the cumulative cosine
 * Σ_c ⟨δz_c^(i), δz_c^(j)⟩ / √(Σ_c ‖δz_c^(i)‖² · Σ_c ‖δz_c^(j)‖²) over the checkpoints so far. The factor −η
 * cancels in cosines.
 *
 * Koopman: the recurrent parameters θ every `snapshotEvery` steps (step 0 included) form one run of snapshots; we
 * fit projected DMD of rank min(8, snapshots − 2) with no delays and no centering (paper 1's convention, so the
 * weights' offset shows as an eigenvalue near 1).
 */
import { computeSpectrum } from '../koopman/analyze';
import { vecDot } from '../linalg/lanczos';
import { symmetricEigenvalues } from '../linalg/symeig';
import type { Cell } from './cells';
import { cellLabel } from './cells';
import { kpflowOperators, vanillaK, type Linearization } from './operators';
import type { KpflowConfig } from './presets';
import {
  effectiveRankUnits, hiddenPca, operatorStats, opAlignment, ppStarEigenvalues, statsFromEigenvalues, type Alignment, type HiddenPca,
  type OperatorStats, type UnitRank,
} from './spectral';
import { makeBatch } from './tasks';
import { KpflowTrainer, type LossGradient } from './train';

export interface RankCheck {
  /** H + nIn + 1: the bound on the rank of each hidden unit's (B·T)×(B·T) block of 𝒦 (Theorem 1). */
  bound: number;
  /** Numerical rank of M (rows [h_{t−1} or φ(h_{t−1}), x_t, 1]), i.e. of G = M Mᵀ. */
  gramRank: number;
  /** Largest numerical rank over the hidden units' blocks D_i G D_i. */
  maxBlockRank: number;
  pass: boolean;
}

export interface KpflowCheckpoint {
  step: number;
  loss: number;
  K: OperatorStats;
  PPstar: OperatorStats;
  PKPstar: OperatorStats;
  /** alignment(𝒫𝒦𝒫*, 𝒫𝒫*): exact (dense) when N ≤ ALIGNMENT_EXACT_MAX, else from fresh probes at every checkpoint. */
  misdirection: Alignment;
  /** The reference package's effective rank in unit space (spectral.ts `effectiveRankUnits`), per operator. */
  unitRank: { K: UnitRank; PPstar: UnitRank; PKPstar: UnitRank };
  /** PCA dimension of the hidden states over the task's trials and steps (B·T samples of H units). */
  hiddenPca: HiddenPca;
  rankCheck?: RankCheck;
  /** cos(δz^(i), δz^(j)) per pair of tasks (K×K, 1 on the diagonal); multi-task runs only. */
  taskAlignment?: number[][];
  /** Cumulative cosine over the checkpoints so far. */
  taskAlignmentCumulative?: number[][];
}

export interface KpflowResult {
  preset: string;
  quick: boolean;
  settings: Record<string, unknown>;
  taskNames: string[];
  /** Loss before each optimizer step (length = steps), then the final loss. */
  losses: number[];
  checkpoints: KpflowCheckpoint[];
  koopman: {
    eigenvalues: [number, number][];
    rank: number;
    snapshots: number;
    dim: number;
    every: number;
    route: string;
    warnings: string[];
  };
  seconds: number;
}

/** Misdirection is computed exactly (dense operators, N matvecs each) up to this state size N = B·T·H. */
export const ALIGNMENT_EXACT_MAX = 2000;
/** 𝒫𝒫*'s whole spectrum is computed exactly (B dense (T·H)² eigenproblems) up to this T·H; above, Lanczos bounds it. */
export const PPSTAR_EXACT_MAX_TH = 600;
/** Random sign probes for the unit-space effective ranks (the reference package uses 100). */
export const UNIT_RANK_PROBES = 100;

/** Numerical rank of a symmetric PSD matrix: eigenvalues above n·ε·λ_max (and 1e-12·λ_max). */
function numericalRank(A: Float64Array, n: number): number {
  const ev = symmetricEigenvalues(A, n);
  const top = Math.max(...ev);
  const tol = Math.max(n * 2.22e-16, 1e-12) * top;
  return ev.filter((v) => v > tol).length;
}

/** Exact statistics of 𝒦 for the vanilla cells, and the rank check (operators.ts, `vanillaK`). */
export function vanillaKStats(lin: Linearization, o: { top: number; threshold: number }): { stats: OperatorStats; rank: RankCheck } {
  const vk = vanillaK(lin), { H } = lin.traj, p = vk.p;
  const blocks = vk.blockMatrices();
  const all: number[] = [];
  for (const A of blocks) {
    const ev = Array.from(symmetricEigenvalues(A, p)).map((v) => Math.max(0, v));
    for (let rep = 0; rep < (blocks.length === 1 ? H : 1); rep++) all.push(...ev);
  }
  all.sort((a, b) => b - a);
  const MtM = new Float64Array(p * p), BT = lin.traj.B * lin.traj.T;
  for (let n = 0; n < BT; n++) for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) MtM[a * p + c] += vk.M[n * p + a] * vk.M[n * p + c];
  const gramRank = numericalRank(MtM, p);
  const maxBlockRank = Math.max(...blocks.map((A) => numericalRank(A, p)));
  return { stats: statsFromEigenvalues(all, o, 'exact'), rank: { bound: p, gramRank, maxBlockRank, pass: maxBlockRank <= p && gramRank <= p } };
}

export interface RunHooks {
  onProgress?: (fraction: number, phase: string) => void;
  /** Called after every checkpoint (the app draws partial results). */
  onCheckpoint?: (c: KpflowCheckpoint, index: number) => void;
}

export function runKpflow(name: string, config: KpflowConfig, quick: boolean, hooks: RunHooks = {}): KpflowResult {
  const t0 = Date.now();
  const batch = makeBatch({ tasks: config.tasks, batch: config.batch, periods: config.periods, noise: config.noise, seed: config.seed });
  const trainer = new KpflowTrainer({ cell: config.cell, hidden: config.hidden, gain: config.gain, lr: config.lr, clip: config.clip, seed: config.seed + 1 }, batch);
  const cell: Cell = trainer.cell;
  const nCk = Math.max(1, config.checkpoints);
  const ckSteps = new Set(Array.from({ length: nCk }, (_, i) => (nCk === 1 ? config.steps : Math.round((i * config.steps) / (nCk - 1)))));
  const K = batch.taskNames.length;
  const cum = K > 1 ? { ip: Array.from({ length: K }, () => new Array<number>(K).fill(0)) } : undefined;
  const snapshots: Float64Array[] = [];
  const losses: number[] = [];
  const checkpoints: KpflowCheckpoint[] = [];
  const ckCost = Math.max(1, config.steps / (2 * nCk)); // progress weight of one checkpoint, in steps
  const total = config.steps + nCk * ckCost;
  const progress = (phase: string) => hooks.onProgress?.(Math.min(1, (trainer.step + checkpoints.length * ckCost) / total), phase);

  /** The checkpoint at the current θ; returns the loss and gradient it evaluated, for the next training step. */
  const analyse = (): LossGradient => {
    progress(`analysis at step ${trainer.step}`);
    const g = trainer.evaluate();
    const lin = g.lin, ops = kpflowOperators(lin);
    const so = { top: config.top, iterations: config.lanczos, probes: 10, threshold: 0.95, seed: config.seed + 17 };
    let Kstats: OperatorStats, rankCheck: RankCheck | undefined;
    if (cell.spec.kind === 'gru') Kstats = operatorStats(ops.K, so);
    else { const v = vanillaKStats(lin, so); Kstats = v.stats; rankCheck = v.rank; }
    const { B, T, H } = lin.traj, idx = checkpoints.length;
    const PPstar = T * H <= PPSTAR_EXACT_MAX_TH ? statsFromEigenvalues(ppStarEigenvalues(lin), so, 'exact') : operatorStats(ops.PPstar, so);
    // fresh probes at every checkpoint (a shared probe set makes the errors of all checkpoints move together)
    const probeSeed = (which: number) => config.seed + 29 + 7919 * idx + 104729 * which;
    const unit = (op: typeof ops.K, which: number) => effectiveRankUnits(op, lin.traj, { probes: UNIT_RANK_PROBES, seed: probeSeed(which), exactLimit: ALIGNMENT_EXACT_MAX });
    const c: KpflowCheckpoint = {
      step: trainer.step, loss: g.loss, K: Kstats,
      PPstar, PKPstar: operatorStats(ops.PKPstar, so),
      misdirection: opAlignment(ops.PKPstar, ops.PPstar, config.probes, probeSeed(0), ALIGNMENT_EXACT_MAX),
      unitRank: { K: unit(ops.K, 1), PPstar: unit(ops.PPstar, 2), PKPstar: unit(ops.PKPstar, 3) },
      hiddenPca: hiddenPca(lin.traj.h, B * T, H),
      ...(rankCheck ? { rankCheck } : {}),
    };
    if (cum) {
      const dz = batch.taskNames.map((_, k) => {
        const e = new Float64Array(g.err.length);
        for (let b = 0; b < B; b++) if (batch.taskOf[b] === k) e.set(g.err.subarray(b * T * H, (b + 1) * T * H), b * T * H);
        return ops.PKPstar.apply(e);
      });
      const ip = dz.map((a) => dz.map((b) => vecDot(a, b)));
      for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) cum.ip[i][j] += ip[i][j];
      const cosine = (m: number[][]) => m.map((row, i) => row.map((v, j) => (m[i][i] > 0 && m[j][j] > 0 ? v / Math.sqrt(m[i][i] * m[j][j]) : 0)));
      c.taskAlignment = cosine(ip);
      c.taskAlignmentCumulative = cosine(cum.ip);
    }
    checkpoints.push(c);
    hooks.onCheckpoint?.(c, checkpoints.length - 1);
    return g;
  };

  for (let s = 0; s <= config.steps; s++) {
    if (s % config.snapshotEvery === 0) snapshots.push(Float64Array.from(trainer.theta));
    const g = ckSteps.has(s) ? analyse() : undefined;
    if (s === config.steps) { losses.push((g ?? trainer.evaluate()).loss); break; }
    losses.push(trainer.train(g));
    if (s % 5 === 0) progress(`training step ${s + 1}/${config.steps}`);
  }

  // Koopman spectrum of the same run (paper 1's pipeline, src/koopman/analyze.ts)
  const P = cell.nParams, Ts = snapshots.length;
  const data = new Float64Array(Ts * P);
  snapshots.forEach((s, i) => data.set(s, i * P));
  const r = Math.max(1, Math.min(8, Ts - 2));
  const fit = computeSpectrum({ runs: 1, T: Ts, N: P, data }, { rank: { kind: 'rank', r }, dt: config.snapshotEvery });
  hooks.onProgress?.(1, 'done');
  return {
    preset: name, quick,
    settings: {
      cell: cellLabel(config.cell), hidden: config.hidden, inputs: batch.nIn, parameters: P, gain: config.gain,
      tasks: batch.taskNames.join(', '), batch: config.batch, T: batch.T,
      periods: `${config.periods.stimulus} stimulus + ${config.periods.memory} memory + ${config.periods.response} response`,
      noise: config.noise, steps: config.steps, optimizer: `Adam lr ${config.lr}, global-norm clip ${config.clip || 'none'}`,
      checkpoints: checkpoints.map((c) => c.step), stateDim: batch.B * batch.T * cell.H, top: config.top, probes: config.probes, seed: config.seed,
    },
    taskNames: [...batch.taskNames],
    losses, checkpoints,
    koopman: {
      eigenvalues: fit.spectrum.eigenvalues.map((e) => [e.re, e.im] as [number, number]),
      rank: fit.spectrum.rank, snapshots: Ts, dim: P, every: config.snapshotEvery, route: fit.route, warnings: fit.spectrum.warnings,
    },
    seconds: (Date.now() - t0) / 1000,
  };
}

export interface GainSweepResult {
  preset: string;
  quick: boolean;
  gains: number[];
  /** One full run per gain (same seed, data and settings otherwise), in the order of `gains`. */
  runs: KpflowResult[];
  seconds: number;
}

/**
 * Paper 2's init-gain sweep: the same preset trained from recurrent weights scaled by each g (vanilla W ~ N(0, g²/H);
 * GRU W_h × g), everything else equal; misdirection, ranks and PCA dimensions per checkpoint for every g.
 */
export function runGainSweep(name: string, config: KpflowConfig, quick: boolean, gains: number[], hooks: RunHooks = {}): GainSweepResult {
  const t0 = Date.now();
  if (!gains.length || gains.some((g) => !(g > 0 && Number.isFinite(g)))) throw new Error(`gains must be positive numbers, got ${gains.join(', ')}`);
  const runs = gains.map((gain, i) => runKpflow(name, { ...config, gain }, quick, {
    onProgress: (f, phase) => hooks.onProgress?.((i + f) / gains.length, `g = ${gain}: ${phase}`),
  }));
  return { preset: name, quick, gains: [...gains], runs, seconds: (Date.now() - t0) / 1000 };
}
