/**
 * Paper 1, the early phase of CNN training (docs/methods.md#paper1-cnn; the paper's CNN code is not public and its
 * settings are in an appendix we have not checked): LeNet on MNIST, Koopman spectra of sliding windows of
 * training, W1 between consecutive windows. The early phase ends where that W1 stops falling: we report the first
 * window from which W1 (smoothed by a moving average over 5 windows) stays within 1.25× its plateau (the median of
 * the smoothed second half).
 */
import { summarizeDistances } from '../koopman/seedNull';
import { windowSpectra } from '../koopman/window';
import { presetConfig } from '../train/presets';
import type { TrainConfig } from '../train/types';
import { pairsOf, trainEnsemble } from './common';
import type { ExperimentBody, ExperimentDefinition, Pair, RunOptions } from './types';

export interface CnnSettings {
  steps: number;
  batch: number;
  train: number;
  snapshotEvery: number;
  /** Window length and stride, in snapshots. */
  window: number;
  stride: number;
  rank: number;
  delays: number;
  seed: number;
}

export function cnnSettings(quick: boolean, o: Partial<CnnSettings> = {}): CnnSettings {
  return {
    steps: o.steps ?? (quick ? 150 : 600),
    batch: o.batch ?? (quick ? 16 : 64),
    train: o.train ?? (quick ? 2400 : 12000),
    snapshotEvery: o.snapshotEvery ?? (quick ? 1 : 2),
    window: o.window ?? (quick ? 25 : 50),
    stride: o.stride ?? (quick ? 5 : 10),
    rank: o.rank ?? 10,
    delays: o.delays ?? 0,
    seed: o.seed ?? 1,
  };
}

/** Centered moving average over `k` values (fewer at the ends). */
export function movingAverage(w: number[], k = 5): number[] {
  const h = Math.floor(k / 2);
  return w.map((_, i) => {
    const part = w.slice(Math.max(0, i - h), i + h + 1);
    return part.reduce((a, b) => a + b, 0) / part.length;
  });
}

/**
 * Where a noisy, falling series settles: smooth it (moving average over 5), take the plateau as the median of the
 * smoothed second half, and return the first index from which the smoothed series stays ≤ factor × plateau.
 */
export function plateauStart(w: number[], factor = 1.25): { index: number; plateau: number; smoothed: number[] } {
  const smoothed = movingAverage(w);
  const tail = [...smoothed.slice(Math.floor(smoothed.length / 2))].sort((a, b) => a - b);
  const m = tail.length;
  const plateau = m % 2 ? tail[(m - 1) / 2] : (tail[m / 2 - 1] + tail[m / 2]) / 2;
  let index = smoothed.length - 1;
  while (index > 0 && smoothed[index - 1] <= factor * plateau) index--;
  return { index, plateau, smoothed };
}

export const cnnEarly: ExperimentDefinition = {
  name: 'cnn-early',
  description: 'paper 1: LeNet on MNIST, sliding-window spectra over early training: where does W1 between windows stop falling?',
  runtime: { quick: '~1–2 min (150 steps, batch 16)', full: '~15–20 min (600 steps, batch 64)' },
  seeded: false,
  async run(opts: RunOptions): Promise<ExperimentBody> {
    const S = cnnSettings(opts.quick, opts.overrides as Partial<CnnSettings>);
    const base = presetConfig('lenet-early');
    const config: TrainConfig = {
      ...base, data: { kind: 'mnist', train: S.train, test: 100, normalize: 'paper' }, batchSize: S.batch,
      snapshotEvery: S.snapshotEvery, steps: S.steps, dataSeed: S.seed, initSeed: S.seed,
    };
    const tr = await trainEnsemble(config, S.steps, opts, (f) => opts.onProgress?.(0.9 * f, 'training'));
    opts.onProgress?.(0.9, 'windows');
    const wins = windowSpectra(tr.set, { length: S.window, stride: S.stride, rank: { kind: 'rank', r: S.rank }, delays: S.delays });
    const w1 = wins.slice(1).map((w) => w.w1FromPrevious!);
    const toStep = (snap: number) => snap * S.snapshotEvery;
    const table = wins.map((w) => ({ startStep: toStep(w.start), endStep: toStep(w.end - 1), w1FromPrevious: w.w1FromPrevious ?? null }));
    let verdict: string;
    let extra: Record<string, unknown> = { windows: table };
    if (w1.length >= 4) {
      const { index, plateau, smoothed } = plateauStart(w1);
      const at = wins[index + 1];
      const first = smoothed[0];
      verdict = `W1 between consecutive windows (moving average over 5) falls from ${first.toPrecision(3)} to a plateau of ` +
        `${plateau.toPrecision(3)} (${(first / plateau).toFixed(1)}×) and stays within 1.25× of it from the window ending at ` +
        `step ${toStep(at.end - 1)}: the early phase ends near step ${toStep(at.end - 1)}`;
      extra = { ...extra, plateau, smoothed, stopsFallingAtStep: toStep(at.end - 1), firstSmoothedW1: first };
    } else {
      verdict = `too few windows (${wins.length}) to find where W1 stops falling`;
    }
    const spectra: Record<string, Pair[][]> = {};
    wins.forEach((w) => { spectra[`steps ${toStep(w.start)}–${toStep(w.end - 1)}`] = [pairsOf(w.fit.spectrum)]; });
    const reduced: string[] = [];
    if (opts.quick) reduced.push(`${S.steps} steps, batch ${S.batch}, ${S.train} images, a snapshot every ${S.snapshotEvery} step(s), windows of ${S.window} snapshots (full: 600 steps, batch 64, 12000 images, every 2, windows of 50)`);
    return {
      settings: {
        model: 'LeNet-style: conv5×5(6) → pool → conv5×5(16) → pool → dense(120) → 10, ReLU',
        optimizer: 'SGD with momentum 0.9, lr 0.01 (the paper\'s settings are not public)', batch: S.batch,
        steps: S.steps, trainImages: S.train, observed: base.observe, snapshotEvery: S.snapshotEvery,
        window: `${S.window} snapshots (${S.window * S.snapshotEvery} steps), stride ${S.stride}`, rank: S.rank, delays: S.delays,
        runs: 1, seed: S.seed, finalLoss: tr.finalLoss,
      },
      reduced,
      spectra, seeds: [S.seed], distances: w1.length ? [{ label: 'W1 between consecutive windows', values: w1, summary: summarizeDistances(w1) }] : [],
      nulls: [], verdict, checks: [],
      notes: [
        'Paper 1 publishes no CNN code or numbers we could check (docs/methods.md, "The early phase of CNN training"): the window length, optimizer and transition step are ours, so there is no paper number to compare with.',
        'One training run (no perturbed ensemble), so no between-seed null.',
      ],
      extra,
    };
  },
};
