/**
 * Paper 1, Transformers with and without grokking (docs/methods.md#paper1-grokking, #e9): a one-layer Transformer on
 * a + b mod p, full batch, AdamW (lr 1e-3, weight decay 1.0, betas 0.9/0.98) vs the Omnigrok-style control (weights
 * × 0.8 at init, no decay, global weight norm held at its initial value). The first 100 steps of mlp.W_out, from 10
 * perturbed inits per seed; PCA to 10 components, 32 delays, rank 10. W1(grokking, constrained) per seed, judged
 * against the between-seed spread of each configuration.
 *
 * The paper's sizes (p = 113, d_model 128, d_mlp 512, 4 heads) take ~12 s per full-batch step (per run) with the tfjs cpu
 * backend in Node: the full run (10 seeds × 2 configs × 10 inits × 100 steps) is ~65 hours there. It needs a GPU
 * (the app, WebGPU) or a very long run; --quick uses p = 19 and a small model.
 */
import { computeSpectrum } from '../koopman/analyze';
import { presetConfig } from '../train/presets';
import { nullReport, pairsOf, pickSeeds, publishedNull, publishedRowwise, groupReport, overallVerdict, trainJobs, type SeedJob } from './common';
import { GROKKING_FILES, PAPER_SOURCE, PUBLISHED_GROKKING, QUOTED_SOURCE } from './published';
import type { Check, DistanceReport, ExperimentBody, ExperimentDefinition, ExperimentResult, NullReport, Pair, RunOptions } from './types';
import { OptionError } from '../linalg/errors';

export const GROKKING_SEEDS = [16, 17, 22, 23, 31, 33, 34, 40, 41, 42];

/** How far outside the published range of the largest |λ| per seed one of ours may fall (a seed-spread allowance). */
const MAX_ABS_SLACK = 0.005;

export interface GrokkingSettings {
  p: number;
  model: { dModel: number; dMlp: number; heads: number; dHead: number };
  steps: number;
  runs: number;
  pca: number;
  delays: number;
  rank: number;
  /** Tokens the unembed scores: 'answers' (p, ours) or 'vocab' (p + 1, paper 1's code); see DatasetSpec 'modular'. */
  logits: 'answers' | 'vocab';
}

/** The `logits` entry of a result's settings when all p + 1 tokens were scored (absent otherwise); --merge reads it back. */
const VOCAB_LOGITS_SETTING = 'vocab: all p + 1 tokens scored (\'=\' included), as paper 1\'s code';

export function grokkingSettings(quick: boolean, o: Partial<GrokkingSettings> = {}): GrokkingSettings {
  return {
    p: o.p ?? (quick ? 19 : 113),
    model: o.model ?? (quick ? { dModel: 32, dMlp: 64, heads: 2, dHead: 16 } : { dModel: 128, dMlp: 512, heads: 4, dHead: 32 }),
    steps: o.steps ?? 100,
    runs: o.runs ?? (quick ? 3 : 10),
    pca: o.pca ?? 10,
    delays: o.delays ?? 32,
    rank: o.rank ?? 10,
    logits: o.logits ?? 'answers',
  };
}

export const grokking: ExperimentDefinition = {
  name: 'grokking',
  description: 'paper 1: one-layer Transformer on a + b mod p, AdamW wd 1.0 (groks later) vs the norm-constrained control',
  runtime: { quick: '~20 s (p = 19, small model, 3 seeds × 3 inits)', full: '~1.2 CPU-hours on wasm (10 seeds × 2 × 10 inits × 100 steps); split with --seed-offset and --merge' },
  seeded: true,
  async run(opts: RunOptions): Promise<ExperimentBody> {
    const S = grokkingSettings(opts.quick, opts.overrides as Partial<GrokkingSettings>);
    const seeds = pickSeeds(GROKKING_SEEDS, opts.seeds ?? (opts.quick ? 3 : 10), opts.seedOffset ?? 0);
    const groups = { grokking: 'grokking', constrained: 'grokking-constrained' } as const;
    const spectra: Record<string, Pair[][]> = { grokking: [], constrained: [] };
    const finalLoss: Record<string, number[]> = { grokking: [], constrained: [] };
    const jobs: SeedJob[] = [];
    for (const seed of seeds) {
      for (const [key, preset] of Object.entries(groups)) {
        const base = presetConfig(preset);
        jobs.push({ key, seed, steps: S.steps, config: {
          ...base,
          model: { kind: 'transformer', ...S.model },
          data: { kind: 'modular', p: S.p, trainFraction: 0.3, ...(S.logits === 'vocab' ? { logits: 'vocab' as const } : {}) },
          dataSeed: seed, initSeed: seed, steps: S.steps,
          ensemble: { runs: S.runs, perturbation: 0.001 },
        } });
      }
    }
    await trainJobs(jobs, opts, ({ key }, tr) => {
      finalLoss[key].push(tr.finalLoss);
      spectra[key].push(pairsOf(computeSpectrum(tr.set, {
        pca: S.pca, pcaFit: 'pairs', delays: S.delays, rank: { kind: 'rank', r: S.rank },
      }).spectrum));
    });
    return grokkingBody(S, seeds, spectra, finalLoss, opts.published, opts.backend?.name ?? 'cpu');
  },
};

/**
 * Everything after training: nulls, the verdict, reductions, settings, from the per-seed spectra. Shared by `run` and
 * by `mergeGrokking`, so a run split into seed ranges (`--seed-offset`) and merged is judged exactly like one run.
 */
function grokkingBody(
  S: GrokkingSettings, seeds: number[], spectra: Record<string, Pair[][]>, finalLoss: Record<string, number[]>,
  published: RunOptions['published'], backend: string,
): ExperimentBody {
    const pubG = published?.(GROKKING_FILES.grokking), pubC = published?.(GROKKING_FILES.constrained);
    const nulls: NullReport[] = [];
    if (seeds.length >= 2) {
      nulls.push(nullReport('between seeds, grokking', spectra.grokking, pubG ? { ...publishedNull(pubG), source: PAPER_SOURCE } : undefined));
      nulls.push(nullReport('between seeds, constrained', spectra.constrained, pubC ? { ...publishedNull(pubC), source: PAPER_SOURCE } : undefined));
    }
    const paper = pubG && pubC ? { ...publishedRowwise(pubG, pubC), source: PAPER_SOURCE } : { ...PUBLISHED_GROKKING, source: QUOTED_SOURCE };
    const d = groupReport('grokking vs constrained', spectra.grokking, spectra.constrained, paper);
    // Against the paper's own spectra: the permutation test of our seeds against its 20 published rows per
    // configuration (do ours come from the same distribution?), and the largest |λ| per seed against the published range
    const vsPublished: DistanceReport[] = [];
    const checks: Check[] = [];
    const largest = (rows: Pair[][]) => rows.map((r) => Math.max(...r.map(([re, im]) => Math.hypot(re, im))));
    for (const [key, pub] of [['grokking', pubG], ['constrained', pubC]] as const) {
      if (!pub) continue;
      const rows = pub.map((r) => Array.from(r.re, (re, k) => [re, r.im[k]] as Pair));
      if (spectra[key].length >= 2) vsPublished.push(groupReport(`ours (${key}) vs published (${key})`, spectra[key], rows));
      const [ours, theirs] = [largest(spectra[key]), largest(rows)];
      const lo = Math.min(...theirs), hi = Math.max(...theirs);
      checks.push({
        name: `largest |λ| per seed, ${key}, within the published range ± ${MAX_ABS_SLACK}`, expected: [lo, hi], got: ours,
        pass: ours.every((x) => x >= lo - MAX_ABS_SLACK && x <= hi + MAX_ABS_SLACK),
        note: 'the published rows are 20 seeds of the paper\'s run; the slack allows for the seed-to-seed spread beyond them',
      });
    }
    const reduced: string[] = [];
    if (S.p !== 113) reduced.push(`p = ${S.p} instead of 113`);
    if (S.model.dModel !== 128 || S.model.dMlp !== 512 || S.model.heads !== 4) {
      reduced.push(`d_model ${S.model.dModel}, d_mlp ${S.model.dMlp}, ${S.model.heads} heads × d_head ${S.model.dHead} instead of 128, 512, 4 × 32 (W_out ${S.model.dMlp}×${S.model.dModel} instead of 512×128)`);
    }
    if (S.runs < 10) reduced.push(`${S.runs} inits per seed instead of 10`);
    if (seeds.length < 10) reduced.push(`${seeds.length} seeds instead of 10 (the paper's files hold 20 rows)`);
    if (S.steps !== 100) reduced.push(`${S.steps} steps instead of 100`);
    return {
      settings: {
        task: `a + b mod ${S.p}, training fraction 0.3, full batch`, model: { layers: 1, ...S.model, layerNorm: false },
        grokking: 'AdamW lr 1e-3, weight decay 1.0, betas (0.9, 0.98)',
        constrained: 'Adam lr 1e-3, no decay, init × 0.8, global weight norm held fixed',
        steps: S.steps, runsPerSeed: S.runs, observed: 'mlp.W_out', pca: S.pca, pcaFit: 'pairs (components fitted on the snapshot pairs\' X, as paper 1\'s code)', delays: S.delays, rank: S.rank, seeds,
        seedUse: 'each seed sets the init, the perturbations and the train/test split', finalLoss,
        precision: 'float32 (tfjs); the paper trained in float64', backend,
        ...(S.logits === 'vocab' ? { logits: VOCAB_LOGITS_SETTING } : {}),
      },
      reduced, spectra, seeds, distances: [d, ...vsPublished], nulls,
      verdict: overallVerdict([d, ...vsPublished]),
      checks,
      notes: [
        'The paper\'s sizes take ~0.2 s per full-batch step per run on the tfjs wasm backend in Node (~12 s on cpu): the full run is ~1.2 CPU-hours; split it across cores with --seeds n --seed-offset k and merge the parts with --merge.',
        'The paper\'s PCA/DMD keeps no explicit rank; its saved files hold 10 eigenvalues per seed, so we fit rank 10.',
      ],
    };
}

/**
 * One result from parts of a full run that differ only in their seeds (e.g. `--seeds 5` and `--seeds 5
 * --seed-offset 5`, run in two processes): spectra, seeds and final losses are concatenated in the order given and
 * judged by `grokkingBody`. Throws an OptionError when the parts' settings differ or a seed repeats.
 */
export function mergeGrokking(parts: ExperimentResult[], published?: RunOptions['published']): ExperimentBody {
  if (parts.length < 2) throw new OptionError(`merging needs at least two parts, got ${parts.length}`);
  const strip = (r: ExperimentResult) => JSON.stringify({ ...r.settings, seeds: undefined, finalLoss: undefined, paperData: undefined, backend: undefined });
  for (const r of parts) {
    if (r.name !== 'grokking') throw new OptionError(`part '${r.name}' is not a grokking result`);
    if (r.quick !== parts[0].quick || strip(r) !== strip(parts[0])) throw new OptionError('the parts were run with different settings; only their seeds may differ');
  }
  const seeds = parts.flatMap((r) => r.seeds);
  if (new Set(seeds).size !== seeds.length) throw new OptionError(`the parts share seeds (${seeds.join(', ')}); give each part its own --seed-offset`);
  const spectra = { grokking: parts.flatMap((r) => r.spectra.grokking), constrained: parts.flatMap((r) => r.spectra.constrained) };
  const fl = (k: string) => parts.flatMap((r) => ((r.settings.finalLoss as Record<string, number[]>)[k]));
  const st = parts[0].settings as { steps: number; runsPerSeed: number; pca: number; delays: number; rank: number; model: GrokkingSettings['model']; logits?: string };
  const S: GrokkingSettings = {
    p: Number(/mod (\d+)/.exec(String(parts[0].settings.task))?.[1]),
    model: { dModel: st.model.dModel, dMlp: st.model.dMlp, heads: st.model.heads, dHead: st.model.dHead },
    steps: st.steps, runs: st.runsPerSeed, pca: st.pca, delays: st.delays, rank: st.rank,
    logits: st.logits === VOCAB_LOGITS_SETTING ? 'vocab' : 'answers',
  };
  return grokkingBody(S, seeds, spectra, { grokking: fl('grokking'), constrained: fl('constrained') }, published, String(parts[0].settings.backend ?? 'cpu'));
}
