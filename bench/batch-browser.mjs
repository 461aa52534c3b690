#!/usr/bin/env node
/**
 * Section `batch-browser`: a large dropped file's spectrum in the BUILT page (headless Chromium), fitted on every
 * core (nested workers over shared memory: the page served with COOP/COEP) against one thread (the same page served
 * without those headers, as a static host that cannot set them would), interleaved, with the command line on the same
 * file for reference. Timed from choosing the file (setInputFiles) to the run's details showing its thread count: the
 * read of the File into memory, the copy onto shared memory, the Gram and the fit.
 *
 *   node bench/batch-browser.mjs [--quick] [--no-build] [--sizes=TxN,…] [--reps=k]
 *
 * Full: 256 × 400,000 float32 (410 MB); quick: 128 × 100,000 (51 MB). Files are written once into bench/data
 * (gitignored). Prints a table to stderr and one JSON object { section, mode, metrics, info } on stdout.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, waitReady } from '../test/e2e/browser.mjs';
import { serveStatic } from '../test/e2e/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = argv.includes('--quick');
const sizes = (opt('sizes') ?? (quick ? '128x100000' : '256x400000')).split(',').map((s) => s.split('x').map(Number));
const reps = Number(opt('reps') ?? (quick ? 1 : 2));
const log = (msg) => process.stderr.write(`  [${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

if (!argv.includes('--no-build')) {
  log('building the app (vite build)');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
  const c = spawnSync(process.execPath, [path.join(root, 'scripts/build-cli.mjs')], { cwd: root, stdio: 'inherit' });
  if (c.status !== 0) throw new Error('the CLI build failed');
}

/** A (T, N) float32 .npy of a damped 8-dimensional linear system seen through a random map, plus noise; row by row. */
function ensureFile(T, N) {
  const file = path.join(root, 'bench', 'data', `page-${T}x${N}-f32.npy`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${T}, ${N}), }`;
  h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(10 + h.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  head.writeUInt16LE(h.length, 8);
  head.write(h, 10, 'latin1');
  let s = 7;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const P = Float32Array.from({ length: 8 * N }, rnd);
  const fd = fs.openSync(file + '.partial', 'w');
  fs.writeSync(fd, head);
  let z = Array.from({ length: 8 }, rnd);
  const row = new Float32Array(N);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) { let v = 1e-3 * rnd(); for (let q = 0; q < 8; q++) v += P[8 * i + q] * z[q]; row[i] = v; }
    fs.writeSync(fd, new Uint8Array(row.buffer));
    z = z.map((x, q) => (0.99 - 0.02 * q) * x + 0.01 * rnd());
  }
  fs.closeSync(fd);
  fs.renameSync(file + '.partial', file);
  return file;
}

const isolated = await serveStatic(path.join(root, 'dist'));
const plain = await serveStatic(path.join(root, 'dist'), 0, { isolated: false });
const browser = await launchChromium();
const metrics = [];
const info = { cores: os.availableParallelism(), loadavg: [], chromium: browser.version(), runs: [] };
try {
  for (const [T, N] of sizes) {
    log(`writing/using ${T} × ${N}`);
    const file = ensureFile(T, N);
    const best = { threads: Infinity, one: Infinity, cli: Infinity };
    let note = { threads: '', one: '' };
    for (let r = 0; r < reps; r++) {
      for (const [key, server] of [['threads', isolated], ['one', plain]]) {
        log(`${T}×${N} rep ${r + 1}/${reps}: page, ${key === 'threads' ? 'isolated (all cores)' : 'not isolated (one thread)'}`);
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(server.url, { waitUntil: 'domcontentloaded' });
        await waitReady(page);
        const t0 = Date.now();
        await page.getByTestId('open-file').setInputFiles(file);
        const shown = page.getByTestId('fit-threads');
        await shown.waitFor({ timeout: 600_000 });
        const ms = Date.now() - t0;
        note[key] = await shown.textContent();
        best[key] = Math.min(best[key], ms);
        info.runs.push({ size: `${T}x${N}`, key, ms, note: note[key] });
        await context.close();
      }
      log(`${T}×${N} rep ${r + 1}/${reps}: koopscope spectrum (all cores)`);
      const t0 = Date.now();
      const c = spawnSync(process.execPath, [path.join(root, 'bin/koopscope.js'), 'spectrum', file, '--rank', '10', '--json'], { encoding: 'utf8' });
      if (c.status !== 0) throw new Error(`koopscope spectrum failed: ${c.stderr}`);
      best.cli = Math.min(best.cli, Date.now() - t0);
    }
    const id = `batchBrowser.${T}x${N}`;
    metrics.push(
      { id: `${id}.threads`, label: `${T}×${N}: page, all cores (${note.threads})`, value: best.threads, unit: 'ms' },
      { id: `${id}.one`, label: `${T}×${N}: page, one thread (not isolated)`, value: best.one, unit: 'ms' },
      { id: `${id}.speedup`, label: `${T}×${N}: one thread / all cores`, value: best.one / best.threads, unit: '×' },
      { id: `${id}.cli`, label: `${T}×${N}: koopscope spectrum, all cores (whole process)`, value: best.cli, unit: 'ms' },
      { id: `${id}.pageVsCli`, label: `${T}×${N}: page (all cores) / CLI (all cores)`, value: best.threads / best.cli, unit: '×' },
    );
  }
} finally {
  await browser.close();
  await isolated.close();
  await plain.close();
}
info.loadavg = os.loadavg().map((x) => +x.toFixed(2));
const w = Math.max(...metrics.map((x) => x.label.length));
process.stderr.write('\n');
for (const x of metrics) process.stderr.write(`  ${x.label.padEnd(w)}  ${(x.unit === '×' ? x.value.toFixed(2) : x.value.toFixed(0)).padStart(8)} ${x.unit}\n`);
console.log(JSON.stringify({ section: 'batch-browser', mode: quick ? 'quick' : 'full', metrics, info }));
