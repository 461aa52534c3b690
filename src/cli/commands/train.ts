/**
 * `koopscope train --preset NAME --out run.npz`: trains a preset headless in Node (tfjs wasm, or cpu) and writes the
 * weight trajectory in our .npz schema (docs/file-formats.md), ready for `spectrum`, `compare` and `windows`.
 */
import { asUsage, commandArgs } from '../command';
import { basename } from 'node:path';
import { writeNpz, type Trajectory } from '../../io/index';
import { backendFlag, useNodeBackend } from '../nodeBackend';
import { readMnistFile } from '../../train/node/mnistFiles';
import { PRESETS, presetConfig } from '../../train/presets';
import { recordRun, type RecordedRun } from '../../train/record';
import type { TrainConfig } from '../../train/types';
import { UsageError, UserError } from '../errors';
import { reserveOutput } from '../safeWrite';
import { seedOption, wholeNumber } from '../options';
import { progressBar } from '../progress';
import type { Io } from '../main';

export const usage = `usage: koopscope train --preset NAME --out run.npz [options]
       koopscope train --list

Trains a preset in Node (TensorFlow.js, wasm backend by default) and records the observed weights every k steps.
  --preset NAME      one of: koopscope train --list
  --out FILE         the trajectory to write (.npz; ensembles as (runs, T, …) arrays)
  --steps n          optimizer steps (default: the preset's)
  --every k          snapshot every k steps (default: the preset's)
  --seed s           initialisation seed (default: the preset's); --data-seed s for data and batch order
  --runs r           ensemble size (perturbed initialisations; default: the preset's)
  --batch-order o    'shuffled' (a permutation per epoch from the data seed) or 'fixed' (stored order, like a
                     DataLoader without shuffle; the fcn-h* presets' default, as in paper 1)
  --quick            the preset's small variant (fewer data and steps; for trying things out)
  --backend b        auto (default: wasm, else cpu), wasm, cpu, or webgpu (a GPU through Dawn: needs the optional
                     npm package webgpu); the choice is printed
  --json             print a JSON summary instead of text`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = commandArgs(args, {
    preset: { type: 'string' }, out: { type: 'string' }, steps: { type: 'string' }, every: { type: 'string' },
    seed: { type: 'string' }, 'data-seed': { type: 'string' }, runs: { type: 'string' }, 'batch-order': { type: 'string' },
    quick: { type: 'boolean' }, backend: { type: 'string' },
    list: { type: 'boolean' }, json: { type: 'boolean' },
  }, usage, io);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (values.list) {
    const w = Math.max(...PRESETS.map((p) => p.name.length));
    io.out(PRESETS.map((p) => `${p.name.padEnd(w)}  ${p.description}`).join('\n'));
    return 0;
  }
  if (positionals.length) throw new UsageError(`train takes no positional arguments, got '${positionals[0]}'`);
  if (!values.preset) throw new UsageError('train needs --preset NAME (see koopscope train --list)');
  if (!values.out) throw new UsageError('train needs --out FILE.npz');
  if (!values.out.endsWith('.npz')) throw new UsageError(`--out must name an .npz file, got '${values.out}'`);
  const preset = values.preset;
  const config: TrainConfig = asUsage(() => presetConfig(preset, values.quick));
  const steps = wholeNumber('steps', values.steps, 1) ?? config.steps;
  config.snapshotEvery = wholeNumber('every', values.every, 1) ?? config.snapshotEvery;
  config.initSeed = seedOption('seed', values.seed) ?? config.initSeed;
  config.dataSeed = seedOption('data-seed', values['data-seed']) ?? config.dataSeed;
  const order = values['batch-order'];
  if (order !== undefined) {
    if (order !== 'shuffled' && order !== 'fixed') throw new UsageError(`--batch-order must be 'shuffled' or 'fixed', got '${order}'`);
    config.batchOrder = order;
  }
  const runs = wholeNumber('runs', values.runs, 1);
  if (runs !== undefined) config.ensemble = { runs, perturbation: config.ensemble?.perturbation ?? 0.001 };

  // Before the long work: fails now if the output cannot be written; the target is replaced only at the end.
  const out = reserveOutput(values.out);
  try {
    return await trainAndWrite(values as TrainValues, config, steps, out, io);
  } finally {
    out.abandon();
  }
}

type TrainValues = { preset: string; out: string; quick?: boolean; json?: boolean; backend?: string };

async function trainAndWrite(values: TrainValues, config: TrainConfig, steps: number,
  out: ReturnType<typeof reserveOutput>, io: Io): Promise<number> {
  const backend = await useNodeBackend(backendFlag(values.backend));
  io.err(`koopscope: backend ${backend.name}: ${backend.reason}`);
  const bar = progressBar(`train ${values.preset}`);
  let run: RecordedRun;
  try {
    run = await recordRun(config, steps, {
      backend,
      loadBytes: (file) => readMnistFile(file),
      evaluate: true,
      onProgress: (f, step) => bar.update(f, `step ${step}`),
    });
  } catch (e) {
    if (e instanceof UserError) throw new UsageError(`preset ${values.preset}: ${e.message}`);
    throw e;
  } finally {
    bar.done();
  }
  const { set: { runs: R, T, N, data }, params: observed, diverged, evaluation, seconds } = run;
  let offset = 0;
  // the loss stored with snapshot 0 is NaN: no step has been taken yet (metrics may contain NaN, docs/file-formats.md)
  const traj: Trajectory = {
    kind: 'trajectory', source: basename(values.out), runs: R, T, N,
    params: observed.map((p) => { const e = { name: p.name, shape: p.shape, offset, size: p.size }; offset += p.size; return e; }),
    data, steps: run.steps, metrics: { loss: run.losses },
    meta: { preset: values.preset, quick: !!values.quick, config, backend: backend.name, diverged: diverged ?? null, evaluation: evaluation ?? null },
  };
  const bytes = asUsage(() => writeNpz(traj, { perParameter: true }), `${values.out}: cannot be written: `);
  out.commit(bytes);
  const summary = {
    preset: values.preset, out: values.out, backend: backend.name, runs: R, snapshots: T, parameters: N, steps: run.steps[T - 1],
    finalLoss: Number.isFinite(run.finalLoss) ? run.finalLoss : null, seconds, diverged: diverged ?? null,
    evaluation: evaluation ?? null,
  };
  if (values.json) io.out(JSON.stringify(summary));
  else {
    io.out(`${values.out}: ${R} run(s) × ${T} snapshots × ${N} parameters (${observed.map((p) => p.name).join(', ')}), ` +
      `${summary.steps} steps in ${seconds.toFixed(1)} s, final loss ${summary.finalLoss?.toPrecision(4) ?? 'n/a'}` +
      (evaluation?.trainAccuracy !== undefined ? `, train accuracy ${(100 * evaluation.trainAccuracy).toFixed(1)}%` : '') +
      (evaluation?.testAccuracy !== undefined ? `, test accuracy ${(100 * evaluation.testAccuracy).toFixed(1)}%` : ''));
    if (diverged) io.err(`koopscope: warning: ${diverged}`);
  }
  return 0;
}
