/**
 * Section `watch`: what recording costs a training loop. Starts a `koopscope watch` server in this process and runs
 * bench/watch.py (the Python recorder around a PyTorch MLP, one CPU thread) against it: per recorded step, the
 * sketch (k = 1024) streamed, the full weights streamed, the offline copy, each as a ratio to a training step of the
 * same model measured in the same run. Sizes: ~1M parameters (784-1024-200-10); full mode adds ~11.6M (784-4096-2048-10).
 * The Python is the first with torch: $KOOPSCOPE_TORCH_PYTHON, python3, /usr/bin/python3; without one the section
 * says so and reports nothing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWatchServer } from '../src/cli/commands/watch';
import { emit, log, quick, type Metric } from './common';

const here = fileURLToPath(new URL('..', import.meta.url));
const python = [process.env.KOOPSCOPE_TORCH_PYTHON, 'python3', '/usr/bin/python3'].filter((x): x is string => !!x)
  .find((p) => spawnSync(p, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0);

const metrics: Metric[] = [];
let info: Record<string, unknown> = {};
if (!python) {
  log('no python3 with torch and numpy (KOOPSCOPE_TORCH_PYTHON, python3, /usr/bin/python3): section skipped');
  info = { skipped: 'no python with torch' };
} else {
  const server = await startWatchServer({ port: 0, maxMemoryBytes: 8 * 2 ** 30 });
  const out = await new Promise<string>((ok, fail) => {
    const child = execFile(python, [join(here, 'bench', 'watch.py'), server.url, server.token, ...(quick ? ['--quick'] : [])],
      { maxBuffer: 16 << 20 }, (e, stdout) => (e ? fail(e) : ok(String(stdout))));
    child.stderr?.pipe(process.stderr);
  });
  await server.close();
  const r = JSON.parse(out.trim().split('\n').pop()!);
  info = { python, torch: r.torch, numpy: r.numpy, sizes: r.sizes };
  for (const s of r.sizes as { params: number; train_ms: number; sketch_ms: number; sketch_first_ms: number; full_ms: number | null; offline_ms: number }[]) {
    const tag = s.params >= 5e6 ? '10M' : '1M';
    const note = `${s.params} parameters; baseline: one SGD step, batch 128, ${s.train_ms.toFixed(1)} ms`;
    metrics.push({ id: `watch.${tag}.train`, label: `${tag}: training step (baseline)`, value: s.train_ms, unit: 'ms', note });
    metrics.push({ id: `watch.${tag}.sketch`, label: `${tag}: sketch k=1024 streamed, per recorded step`, value: s.sketch_ms, unit: 'ms' });
    metrics.push({ id: `watch.${tag}.sketch.ratio`, label: `${tag}: sketch streamed / training step`, value: s.sketch_ms / s.train_ms, unit: '×', note });
    metrics.push({ id: `watch.${tag}.sketchFirst`, label: `${tag}: first sketched snapshot (hashes built)`, value: s.sketch_first_ms, unit: 'ms' });
    if (s.full_ms !== null) {
      metrics.push({ id: `watch.${tag}.full`, label: `${tag}: full weights streamed, per recorded step`, value: s.full_ms, unit: 'ms' });
      metrics.push({ id: `watch.${tag}.full.ratio`, label: `${tag}: full weights streamed / training step`, value: s.full_ms / s.train_ms, unit: '×', note });
    }
    metrics.push({ id: `watch.${tag}.offline.ratio`, label: `${tag}: offline copy / training step`, value: s.offline_ms / s.train_ms, unit: '×', note });
  }
}
emit('watch', metrics, info);
