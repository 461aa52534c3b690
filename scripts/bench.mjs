#!/usr/bin/env node
/**
 * Koopscope benchmarks: `npm run bench` (full sizes) or `npm run bench -- --quick` (small sizes; the default when the
 * CI environment variable is set, `--full` overrides). `--only=streaming,batch` runs a subset, `--list` lists the
 * sections; `--sizes=`, `--reps=` (and batch's `--before=`) go to the one section `--only` names. Prints a table and
 * writes bench/results.json. What each number means: docs/benchmarks.md.
 *
 * Every ratio is taken against a baseline measured in the same run on the same data (timings are never asserted in
 * tests: the machines are noisy). Each section runs in its own process (`node --import tsx bench/<x>.ts`), which
 * prints progress to stderr and one JSON object { section, mode, metrics: [{ id, label, value, unit, note? }], info }
 * on the last line of stdout.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick') || (!!process.env.CI && !argv.includes('--full'));
const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',').filter(Boolean);
/**
 * Flags that belong to one section (`--sizes=`, `--reps=`: batch and watch, each with its own meaning; `--before=`:
 * batch) go to the one section `--only` names; with several sections they would mean different things, so refuse.
 */
const sectionFlags = argv.filter((a) => /^--(sizes|reps|before)=/.test(a));
if (sectionFlags.length > 0 && only?.length !== 1) {
  console.error(`bench: ${sectionFlags.join(' ')} belong${sectionFlags.length === 1 ? 's' : ''} to one section: add --only=batch or --only=watch`);
  process.exit(2);
}

/** Run `bench/<file>` under tsx in a child process; returns its parsed JSON result. */
function runTs(file, extraArgs = []) {
  const args = ['--import', 'tsx', path.join('bench', file), ...(quick ? ['--quick'] : []), ...extraArgs];
  const r = spawnSync(process.execPath, args, {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`${file} exited with ${r.status ?? r.signal}`);
  return lastJson(r.stdout, file);
}

function lastJson(stdout, what) {
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`${what} printed no JSON result`);
  return JSON.parse(line);
}

/** Run a Python script (NumPy reference); returns its JSON, or undefined (with a note) if python3/NumPy is missing. */
function runPython(script, args, env = {}) {
  const r = spawnSync('python3', [path.join('bench', script), ...args], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, ...env },
  });
  if (r.error || r.status !== 0) {
    console.error(`  (python3 ${script} failed: ${r.error?.message ?? `exit ${r.status}`}; NumPy comparison skipped)`);
    return undefined;
  }
  return lastJson(r.stdout, script);
}

const m = (id, label, value, unit, note) => ({ id, label, value, unit, ...(note ? { note } : {}) });

// ---------------------------------------------------------------------------------------------------------------
// SECTIONS. Each entry: { id, title, run() → { metrics: Metric[], info?: object } }. Sections run in this order.
// To add one: write bench/<name>.ts (print progress to stderr and finish with `emit(...)` from bench/common.ts),
// then add an entry below that calls runTs('<name>.ts') (and, if needed, a reference such as runPython(...)).
// ---------------------------------------------------------------------------------------------------------------
const SECTIONS = [
  {
    id: 'streaming',
    title: 'Streaming update: SnapshotWindow.push on a full 256-snapshot float32 window',
    run: () => runTs('streaming.ts'),
  },
  {
    id: 'batch',
    title: 'koopscope spectrum --rank 10 on float32 .npy files vs NumPy method of snapshots, interleaved, 1 and all threads',
    // bench/batch.ts runs NumPy itself (interleaved with koopscope, OpenBLAS variables unset for NumPy only); it runs
    // the built CLI, so build it first
    run: () => {
      const b = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, stdio: 'inherit' });
      if (b.status !== 0) throw new Error('build-cli failed');
      return runTs('batch.ts', sectionFlags);
    },
  },
  {
    id: 'symeig',
    title: 'Symmetric eigensolver (the Gram route\'s T × T eigenproblem): JS loops, wasm SIMD, vs NumPy eigvalsh/eigh on one thread',
    run: () => runTs('symeig.ts'),
  },
  {
    id: 'candidates',
    title: 'Gram kernel candidates (bench/gram-candidates.ts) vs the core kernels',
    run: () => {
      const N = quick ? 100_000 : 1_000_000;
      const r = runTs('gram-candidates.ts', [`--file=bench/data/traj-256x${N}-f32.npy`]);
      const batch = results.sections.batch?.metrics?.find((x) => x.id === 'batch.spectrum');
      const wasm = r.metrics.find((x) => x.id === 'cand.file.spectrum');
      if (batch && wasm) {
        r.metrics.push(m('cand.file.speedup', 'batch computeSpectrum (core, default kernel) / candidate: Gram on data already in wasm memory', batch.value / wasm.value, '×'));
        for (const tag of ['np1', 'npN']) {
          const np = results.sections.batch.info?.[tag];
          if (np) r.metrics.push(m(`cand.file.ratio.${tag}`, `wasm-simd route / NumPy f64 total, ${tag === 'np1' ? '1 BLAS thread' : 'default BLAS threads'}`, wasm.value / np.total_f64_ms, '×'));
        }
      }
      return r;
    },
  },
  {
    id: 'parse',
    title: 'File parse throughput: large .npy and deflated .npz → Trajectory',
    run: () => runTs('parse.ts'),
  },
  // ---- HOOKS: sections planned, not written yet (uncomment and implement the bench file) ----
  {
    id: 'train',
    title: 'Training steps/s of every preset\'s model (quick data) and paper-size grokking: tfjs cpu and wasm in Node vs PyTorch CPU (1 thread); ms per snapshot',
    run: () => runTs('train.ts'),
  },
  {
    id: 'browser-train',
    title: 'Training in a browser worker (headless Chromium): steps/s and ms per snapshot on webgpu, webgl, cpu (SwiftShader GPU)',
    run: () => {
      const r = spawnSync(process.execPath, [path.join('bench', 'train-browser.mjs'), ...(quick ? ['--quick'] : [])], {
        cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20,
      });
      if (r.status !== 0) throw new Error(`train-browser.mjs exited with ${r.status ?? r.signal}`);
      return lastJson(r.stdout, 'train-browser.mjs');
    },
  },
  {
    id: 'watch',
    title: 'Python recorder overhead per recorded step (sketch k=1024, full weights, offline copy) vs a PyTorch training step, 1M (and 11.6M) parameters',
    run: () => runTs('watch.ts', sectionFlags.filter((a) => !a.startsWith('--before='))),
  },
  {
    id: 'batch-browser',
    title: 'A large dropped file\'s spectrum in the built page: all cores (nested workers) vs one thread (not isolated), and the CLI',
    run: () => {
      const r = spawnSync(process.execPath, [path.join('bench', 'batch-browser.mjs'), ...(quick ? ['--quick'] : []), ...sectionFlags], {
        cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20,
      });
      if (r.status !== 0) throw new Error(`batch-browser.mjs exited with ${r.status ?? r.signal}`);
      return lastJson(r.stdout, 'batch-browser.mjs');
    },
  },
  {
    id: 'browser',
    title: 'The built app in headless Chromium, a live spiral run: long tasks, spectrum refresh rate, time to interactive, JS sizes',
    // builds dist/ (vite build), serves it, plays 60 s (10 s with --quick); needs Chromium (CHROMIUM_PATH)
    run: () => runTs('app-browser.mjs'),
  },
];

if (argv.includes('--list')) {
  for (const s of SECTIONS) console.log(`${s.id.padEnd(12)} ${s.title}`);
  process.exit(0);
}

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model, cores: cpus.length, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  node: process.version, platform: `${os.platform()} ${os.arch()}`,
};
console.log(`Koopscope bench (${quick ? 'quick' : 'full'} mode) on ${machine.cpu}, ${machine.cores} cores, ` +
  `${machine.memGiB} GiB, Node ${machine.node}`);

const results = { date: new Date().toISOString(), mode: quick ? 'quick' : 'full', machine, sections: {} };
let failed = 0;
for (const s of SECTIONS) {
  if (only && !only.includes(s.id)) continue;
  console.log(`\n== ${s.id}: ${s.title}`);
  const t0 = performance.now();
  try {
    const r = s.run();
    results.sections[s.id] = { title: s.title, seconds: +((performance.now() - t0) / 1000).toFixed(1), ...r };
    printTable(r.metrics);
  } catch (e) {
    failed++;
    console.error(`  section ${s.id} failed: ${e.message}`);
    results.sections[s.id] = { title: s.title, error: e.message };
  }
}

function fmt(v, unit) {
  if (unit === '') return v.toExponential(1);
  if (Math.abs(v) >= 1000) return v.toFixed(0);
  if (Math.abs(v) >= 100) return v.toFixed(1);
  return v.toFixed(2);
}

function printTable(metrics) {
  const w = Math.max(...metrics.map((x) => x.label.length));
  for (const x of metrics) {
    console.log(`  ${x.label.padEnd(w)}  ${fmt(x.value, x.unit).padStart(9)} ${x.unit.padEnd(8)} ${x.note ?? ''}`);
  }
}

const out = path.join(root, 'bench', 'results.json');
fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${path.relative(root, out)}`);
process.exit(failed ? 1 : 0);
