#!/usr/bin/env node
/**
 * Section `browser-train`: tfjs training speed in a browser worker on each backend (webgpu, webgl, cpu), and the
 * cost of one snapshot read-out (GPU → worker), in headless Chromium driven by playwright-core against a Vite dev
 * server of bench/browser/index.html. Two MLPs: the spiral preset (2-16-16-2) and a wider 2-64-64-2 on 800 points.
 *
 *   node bench/train-browser.mjs [--quick] [--backends=webgpu,webgl,cpu]
 *
 * CHROMIUM_PATH overrides /usr/bin/chromium. Headless Chromium's WebGPU is SwiftShader (a CPU emulation), and its
 * WebGL is ANGLE on SwiftShader too: these numbers say nothing about real GPUs. Prints progress to stderr and one JSON
 * object { section, mode, metrics, info } on the last line of stdout, like bench/*.ts.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const backends = argv.find((a) => a.startsWith('--backends='))?.slice(11) ?? 'webgpu,webgl,cpu';
const log = (msg) => process.stderr.write(`  [${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const server = await createServer({
  root,
  logLevel: 'warn',
  // no HMR client and no file watching: others editing the repository must not reload the page mid-bench
  server: { port: 5317, strictPort: false, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } },
  // pre-bundle tfjs up front: a dependency discovered while the page runs makes Vite reload it mid-bench
  // a cache of its own: vitest's browser project pre-bundles a different set into node_modules/.vite
  cacheDir: path.join(root, 'node_modules', '.vite-bench-train'),
  optimizeDeps: {
    entries: ['bench/browser/index.html', 'bench/browser/trainBench.worker.ts', 'src/workers/*.worker.ts'],
    include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops', '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu', 'ml-matrix', 'fflate'],
  },
});
await server.listen();
const base = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
});
let out;
try {
  const context = await browser.newContext();
  context.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('favicon.ico')) log(`HTTP ${r.status()} ${r.url()}`); });
  if (process.env.BENCH_DEBUG) context.on('request', (r) => log(`GET ${r.url()}`));
  const page = await context.newPage();
  page.on('worker', (w) => {
    log(`worker started: ${w.url()}`);
    if (process.env.BENCH_DEBUG) setTimeout(() => w.evaluate(() => `onmessage ${typeof self.onmessage}, stage ${self.__stage}`).then((x) => log(`worker: ${x}`), (e) => log(`worker eval: ${e.message}`)), 8000);
  });
  page.on('console', (m) => log(`page: ${m.text()}`));
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  let loads = 0;
  page.on('load', () => { if (++loads > 1) log('page reloaded: results so far are lost'); });
  const url = `${base}bench/browser/index.html?backends=${backends}${quick ? '&quick' : ''}`;
  log(`${url} in ${browser.version()}`);
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__done === true, null, { timeout: Number(process.env.BENCH_TIMEOUT_MS ?? 540_000), polling: 250 });
  const err = await page.evaluate(() => window.__error);
  if (err) throw new Error(`the bench page failed: ${err}`);
  out = await page.evaluate(() => window.__result);
  out.seconds = (performance.now() - t0) / 1000;
  out.chromium = browser.version();
} finally {
  await browser.close();
  await server.close();
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const metrics = [];
for (const r of out.results) {
  const id = `btrain.${r.config}.${r.backend}`;
  const d = r.direct, p = r.pipeline;
  const snap = median(d.snapshotMs.slice(1));
  metrics.push(
    { id: `${id}.steps`, label: `${r.config} (P=${d.P}) on ${r.backend}: steps/s, Trainer in a worker`, value: 1000 / d.stepMs, unit: 'steps/s',
      note: `${r.steps} steps; first 5 steps + snapshot ${(d.warmupMs / 1000).toFixed(1)} s; loss ${d.finalLoss.toFixed(4)}` },
    { id: `${id}.snapshot`, label: `${r.config} on ${r.backend}: ms per Trainer.snapshot() (N=${d.N})`, value: snap, unit: 'ms',
      note: `median of ${d.snapshotMs.length - 1}, first ${d.snapshotMs[0].toFixed(1)} ms; ${(snap / d.stepMs * 100).toFixed(0)} % of a step` },
    { id: `${id}.pipeline`, label: `${r.config} on ${r.backend}: steps/s, trainer → Koopman worker, snapshot every step`, value: 1000 / p.stepMs, unit: 'steps/s',
      note: `${p.received} snapshots received, ${p.spectra} spectra (window 64, rank 10)` },
  );
}
const info = { ...out, results: out.results.map((r) => ({ ...r, direct: { ...r.direct } })) };
process.stdout.write('\n' + JSON.stringify({ section: 'browser-train', mode: quick ? 'quick' : 'full', metrics, info }) + '\n');
