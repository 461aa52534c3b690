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
import { encodeFrames } from '../src/io/stream';
import { LiveSpectrum } from '../src/koopman/live';
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
    const pass = process.argv.filter((a) => a.startsWith('--sizes=') || a.startsWith('--reps=')); // to watch.py
    const child = execFile(python, [join(here, 'bench', 'watch.py'), server.url, server.token, ...(quick ? ['--quick'] : []), ...pass],
      { maxBuffer: 16 << 20 }, (e, stdout) => (e ? fail(e) : ok(String(stdout))));
    child.stderr?.pipe(process.stderr);
  });
  await server.close();
  const r = JSON.parse(out.trim().split('\n').pop()!);
  info = { python, torch: r.torch, numpy: r.numpy, sizes: r.sizes };
  for (const s of r.sizes as { params: number; train_ms: number; sketch_ms: number; sketch_first_ms: number; full_ms: number | null; offline_ms: number }[]) {
    const tag = s.params >= 5e7 ? '100M' : s.params >= 5e6 ? '10M' : '1M';
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
/**
 * The page's side of a sketched stream, whatever the model's size: one snapshot is k = 1024 values on the wire (a
 * KSF1 frame), and the Koopman worker's work per snapshot is LiveSpectrum.push plus a refit of the 64-snapshot window
 * of k values (median over 30 snapshots, Node, same machine).
 */
{
  const k = 1024, window = 64;
  const snap = (t: number) => Float32Array.from({ length: k }, (_, i) => Math.sin(0.01 * t * (1 + (i % 17))) + 1e-3 * i);
  const wire = encodeFrames([{ header: { step: 1_000_000, loss: 2.302585, index: 99_999 }, data: snap(0) }]).length;
  const live = new LiveSpectrum();
  live.restart(k, 1, 10, [{ name: 'sketch', shape: [k], size: k }]);
  live.configure(window, { rank: { kind: 'rank', r: 10 }, delays: 0, center: false }, 1000);
  for (let t = 0; t < window; t++) live.push(10 * t, [snap(t)], 1);
  const ts: number[] = [];
  for (let t = window; t < window + 30; t++) {
    const t0 = performance.now();
    live.push(10 * t, [snap(t)], 1);
    live.refresh();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  const update = ts[ts.length >> 1];
  log(`page side, sketch k=${k}: ${wire} bytes per snapshot on the wire, ${update.toFixed(1)} ms to take it in and refit the ${window}-snapshot window`);
  metrics.push({ id: 'watch.page.sketch.wireBytes', label: `page: bytes per sketched snapshot on the wire (k=${k})`, value: wire, unit: 'B' });
  metrics.push({ id: 'watch.page.sketch.update', label: `page: snapshot taken in + window refit (k=${k}, window ${window})`, value: update, unit: 'ms' });
}
emit('watch', metrics, info);
