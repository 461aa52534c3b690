/**
 * `koopscope train --preset NAME --out run.npz`: trains a preset headless in Node (tfjs cpu backend) and writes the
 * weight trajectory in our .npz schema (docs/file-formats.md), ready for `spectrum`, `compare` and `windows`.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { writeNpz, type Trajectory } from '../../io/index';
import { tf } from '../../train/tf';
import '@tensorflow/tfjs-backend-cpu';
import { readMnistFile } from '../../train/node/mnistFiles';
import { PRESETS, presetConfig } from '../../train/presets';
import { TrainingSession } from '../../train/session';
import type { ParamInfo, StepMetrics, TrainConfig } from '../../train/types';
import type { SnapshotMessage, TrainerReply } from '../../workers/protocol';
import { UsageError } from '../errors';
import { progressBar } from '../progress';
import type { Io } from '../main';

export const usage = `usage: koopscope train --preset NAME --out run.npz [options]
       koopscope train --list

Trains a preset in Node (TensorFlow.js cpu backend) and records the observed weights every k steps.
  --preset NAME      one of: koopscope train --list
  --out FILE         the trajectory to write (.npz; ensembles as (runs, T, …) arrays)
  --steps n          optimizer steps (default: the preset's)
  --every k          snapshot every k steps (default: the preset's)
  --seed s           initialisation seed (default: the preset's); --data-seed s for data and batch order
  --runs r           ensemble size (perturbed initialisations; default: the preset's)
  --quick            the preset's small variant (fewer data and steps; for trying things out)
  --json             print a JSON summary instead of text`;

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got '${v}'`);
  return Number(v);
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      preset: { type: 'string' }, out: { type: 'string' }, steps: { type: 'string' }, every: { type: 'string' },
      seed: { type: 'string' }, 'data-seed': { type: 'string' }, runs: { type: 'string' }, quick: { type: 'boolean' },
      list: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { io.out(usage); return 0; }
  if (values.list) {
    const w = Math.max(...PRESETS.map((p) => p.name.length));
    io.out(PRESETS.map((p) => `${p.name.padEnd(w)}  ${p.description}`).join('\n'));
    return 0;
  }
  if (positionals.length) throw new UsageError(`train takes no positional arguments, got '${positionals[0]}'`);
  if (!values.preset) throw new UsageError('train needs --preset NAME (see koopscope train --list)');
  if (!values.out) throw new UsageError('train needs --out FILE.npz');
  if (!values.out.endsWith('.npz')) throw new UsageError(`--out must name an .npz file, got '${values.out}'`);
  let config: TrainConfig;
  try {
    config = presetConfig(values.preset, values.quick);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const steps = int('steps', values.steps, 1) ?? config.steps;
  config.snapshotEvery = int('every', values.every, 1) ?? config.snapshotEvery;
  config.initSeed = int('seed', values.seed, 0) ?? config.initSeed;
  config.dataSeed = int('data-seed', values['data-seed'], 0) ?? config.dataSeed;
  const runs = int('runs', values.runs, 1);
  if (runs !== undefined) config.ensemble = { runs, perturbation: config.ensemble?.perturbation ?? 0.001 };

  // PROD silences tfjs's "install tfjs-node" banner (and debug checks we do not need)
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
  const snaps: Float32Array[][] = [];
  const snapSteps: number[] = [];
  const losses: number[] = [];
  let observed: ParamInfo[] = [];
  let lastMetrics: StepMetrics | undefined;
  let diverged: string | undefined;
  const sink = {
    postMessage(m: SnapshotMessage) {
      if (m.type === 'restart') { observed = m.params; return; }
      snaps.push(m.runs);
      snapSteps.push(m.step);
      losses.push(m.loss);
    },
  };
  const host = {
    backend: { name: 'cpu' as const, reason: 'Node: the tfjs cpu backend', skipped: [] },
    koopmanPort: sink,
    loadBytes: (file: string) => readMnistFile(file),
    evaluateEveryMs: 0,
    post: (m: TrainerReply) => {
      if (m.type === 'metrics') lastMetrics = m.metrics;
      if (m.type === 'diverged') diverged = m.message;
    },
  };
  const bar = progressBar(`train ${values.preset}`);
  let session: TrainingSession;
  try {
    session = await TrainingSession.create(config, host);
  } catch (e) {
    throw new UsageError(`preset ${values.preset}: ${(e as Error).message}`);
  }
  const t0 = Date.now();
  try {
    const chunk = Math.max(config.snapshotEvery, 10);
    for (let done = 0; done < steps && !diverged;) {
      const k = Math.min(chunk, steps - done);
      await session.advance(k);
      done += k;
      bar.update(done / steps, `step ${done}`);
    }
  } finally {
    bar.done();
  }
  const seconds = (Date.now() - t0) / 1000;
  // train/test loss and accuracy of run 0 on the full sets, once at the end (diverged runs cannot be evaluated)
  const evaluation = diverged ? undefined : await session.trainers[0].evaluate();
  // the loss stored with snapshot 0 is NaN: no step has been taken yet (metrics may contain NaN, docs/file-formats.md)
  const R = session.trainers.length, T = snaps.length, N = observed.reduce((a, p) => a + p.size, 0);
  const data = new Float32Array(R * T * N);
  for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) data.set(snaps[t][r], (r * T + t) * N);
  let offset = 0;
  const traj: Trajectory = {
    kind: 'trajectory', source: basename(values.out), runs: R, T, N,
    params: observed.map((p) => { const e = { name: p.name, shape: p.shape, offset, size: p.size }; offset += p.size; return e; }),
    data, steps: Float64Array.from(snapSteps), metrics: { loss: Float64Array.from(losses) },
    meta: { preset: values.preset, quick: !!values.quick, config, backend: 'cpu', diverged: diverged ?? null, evaluation: evaluation ?? null },
  };
  session.dispose();
  if (T < 3) throw new UsageError(`${values.preset}: only ${T} snapshot(s) were taken (diverged early?); nothing useful to write`);
  try {
    writeFileSync(values.out, writeNpz(traj, { perParameter: true }));
  } catch (e) {
    throw new UsageError(`${values.out}: cannot be written (${(e as Error).message})`);
  }
  const summary = {
    preset: values.preset, out: values.out, runs: R, snapshots: T, parameters: N, steps: snapSteps[T - 1],
    finalLoss: lastMetrics?.loss ?? null, seconds, diverged: diverged ?? null, evaluation: evaluation ?? null,
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
