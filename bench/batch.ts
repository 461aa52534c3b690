/**
 * Section "batch": spectrum of a big float32 trajectory read from disk (.npy, shape (T, N) = (256, N)), time axis
 * first as the io layout rules require). Times the file read, then `computeSpectrum` with rank 10 (Gram route:
 * 256·257/2 inner products of length N). The NumPy comparison is run by scripts/bench.mjs (bench/numpy_batch.py) on
 * the same file right after this process exits. `computeSpectrum` uses the default Gram kernel (wasm SIMD for float32
 * where available, src/linalg/wasmDot.ts); the JS kernel (gram(…, 'js') + spectrumFromGram, the same fit) is timed
 * beside it on the same data, and so is the previous wasm Gram (1×4 `dot4` kernel, before the 2×4 register tiles,
 * `gramDot4` below) for a same-run before/after ratio.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeSpectrum, spectrumFromGram } from '../src/koopman/analyze';
import { gram } from '../src/linalg/gram';
import { Float32Arena, GRAM_TILE, wasmSimdAvailable } from '../src/linalg/wasmDot';
import type { SnapshotSet } from '../src/koopman/snapshots';
import { emit, log, now, quick, type Metric } from './common';
import { eigenvalueError, TrajectoryGenerator } from './synthetic';

const T = 256;
const N = quick ? 100_000 : 1_000_000;
export const dataFile = path.join('bench', 'data', `traj-${T}x${N}-f32.npy`);

function npyHeader(shape: number[]): Buffer {
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  const total = 10 + h.length + 1;
  h += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const b = Buffer.alloc(10 + h.length);
  b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  b.writeUInt16LE(h.length, 8);
  b.write(h, 10, 'latin1');
  return b;
}

/** Write the trajectory row by row (one N-vector in memory at a time). */
function generate(file: string): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = file + '.partial';
  const fd = fs.openSync(tmp, 'w');
  const t0 = now();
  fs.writeSync(fd, npyHeader([T, N]));
  const gen = new TrajectoryGenerator(N, 11);
  const row = new Float32Array(N);
  for (let t = 0; t < T; t++) {
    gen.next(row);
    fs.writeSync(fd, new Uint8Array(row.buffer, row.byteOffset, row.byteLength));
    if (t % 32 === 31) log(`  generated ${t + 1}/${T} rows`);
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return now() - t0;
}

/** Minimal .npy parse (fallback while src/io has no readTrajectoryFile): little-endian float32, C order, 2-D. */
function parseNpyMinimal(bytes: Uint8Array): SnapshotSet {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + hlen;
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + (major === 1 ? 10 : 12), hlen).toString('latin1');
  if (!header.includes("'<f4'") || header.includes('True')) throw new Error(`unexpected npy header ${header}`);
  const shape = header.match(/\(([^)]*)\)/)![1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const [rows, cols] = shape as [number, number];
  const off = bytes.byteOffset + start;
  const data = off % 4 === 0 ? new Float32Array(bytes.buffer, off, rows * cols)
    : new Float32Array(bytes.slice(start, start + rows * cols * 4).buffer);
  return { runs: 1, T: rows, N: cols, data };
}

/**
 * The wasm Gram as src/linalg/gram.ts did it before the register-tiled kernel (kept here as the same-run baseline):
 * 8 MiB column blocks copied into an arena, then per row i one `dotRows` of row i against rows i … M−1 (the 1×4
 * `dot4` kernel: x loaded once per 4 rows, each row once per x).
 */
function gramDot4(data: Float32Array, M: number, N: number): Float64Array {
  const G = new Float64Array(M * M);
  const len = Math.max(1, Math.min(N, Math.min(8192, Math.max(1024, Math.floor((1 << 21) / M) & ~3))));
  const arena = new Float32Arena(M * len), f = arena.f32;
  const offs = new Int32Array(M), tmp = new Float64Array(M);
  for (let k0 = 0; k0 < N; k0 += len) {
    const w = Math.min(len, N - k0);
    for (let i = 0; i < M; i++) f.set(data.subarray(i * N + k0, i * N + k0 + w), i * w);
    for (let i = 0; i < M; i++) offs[i] = i * w;
    for (let i = 0; i < M; i++) {
      arena.dotRows(i * w, offs.subarray(i), M - i, w, tmp);
      for (let j = 0; j < M - i; j++) G[i * M + i + j] += tmp[j]!;
    }
  }
  for (let i = 0; i < M; i++) for (let j = 0; j < i; j++) G[i * M + j] = G[j * M + i]!;
  return G;
}

async function main(): Promise<void> {
  let genMs: number | undefined;
  if (!fs.existsSync(dataFile)) {
    log(`generating ${dataFile} (${(T * N * 4 / 1e9).toFixed(2)} GB, written row by row)`);
    genMs = generate(dataFile);
    log(`generated in ${(genMs / 1000).toFixed(1)} s`);
  } else log(`reusing ${dataFile}`);
  const fileBytes = fs.statSync(dataFile).size;

  // --- read (page cache is warm on a second run; the first run after generation is also mostly cached) ---
  let t0 = now();
  const bytes = fs.readFileSync(dataFile);
  const readMs = now() - t0;
  log(`readFileSync: ${readMs.toFixed(0)} ms (${(fileBytes / readMs / 1e6).toFixed(2)} GB/s)`);

  let reader = 'minimal header parse (bench/batch.ts)';
  let set: SnapshotSet | undefined;
  t0 = now();
  try {
    const io: Record<string, unknown> = await import('../src/io/index');
    if (typeof io.readTrajectoryFile === 'function') {
      const traj = await (io.readTrajectoryFile as (n: string, b: Uint8Array) => unknown)(path.basename(dataFile), bytes) as
        SnapshotSet & { kind?: string };
      if (traj.kind !== 'trajectory') throw new Error(`io returned ${traj.kind}`);
      set = { runs: traj.runs, T: traj.T, N: traj.N, data: traj.data };
      reader = 'src/io readTrajectoryFile';
    }
  } catch (e) {
    log(`io module not usable (${(e as Error).message.split('\n')[0]}); using the minimal parse`);
  }
  set ??= parseNpyMinimal(bytes);
  const parseMs = now() - t0;
  const zeroCopy = set.data.buffer === bytes.buffer;
  log(`parse (${reader}): ${parseMs.toFixed(0)} ms, ${zeroCopy ? 'zero-copy view' : 'copied'}, ` +
    `${set.data.constructor.name} ${set.T}×${set.N}`);

  // --- computeSpectrum, rank 10, Gram route ---
  t0 = now();
  const fit = computeSpectrum(set, { rank: { kind: 'rank', r: 10 } });
  const specMs = now() - t0;
  const eigErr = eigenvalueError(fit.spectrum.eigenvalues);
  const madds = (set.T * (set.T + 1)) / 2 * set.N;
  log(`computeSpectrum rank 10: ${(specMs / 1000).toFixed(2)} s (route ${fit.route}, ` +
    `${(madds / specMs / 1e6).toFixed(2)} G madd/s), worst true-eigenvalue miss ${eigErr.toExponential(1)}`);

  // --- the same fit with the JS Gram kernel (the pre-wasm route and the fallback) ---
  t0 = now();
  const Gjs = gram(set.data, set.T, set.N, undefined, 'js');
  const fitJs = spectrumFromGram({ G: Gjs, runLengths: [set.T], dim: set.N }, { rank: { kind: 'rank', r: 10 } });
  const specJsMs = now() - t0;
  const eigJs = fitJs.spectrum.eigenvalues, eig = fit.spectrum.eigenvalues;
  let eigDiff = 0;
  for (const e of eig) eigDiff = Math.max(eigDiff, Math.min(...eigJs.map((f) => Math.hypot(e.re - f.re, e.im - f.im))));
  const kernel = set.data instanceof Float32Array && wasmSimdAvailable() ? 'wasm' : 'js';
  log(`JS kernel: gram(…, 'js') + spectrumFromGram ${(specJsMs / 1000).toFixed(2)} s ` +
    `(${(madds / specJsMs / 1e6).toFixed(2)} G madd/s), ${(specJsMs / specMs).toFixed(2)}× the default (${kernel}); ` +
    `eigenvalues differ by ≤ ${eigDiff.toExponential(1)}`);

  // --- the same fit with the previous wasm Gram (1×4 dot4 kernel, no register tiles): the before/after ratio ---
  let specD4Ms: number | undefined, eigD4 = 0;
  if (set.data instanceof Float32Array && wasmSimdAvailable()) {
    t0 = now();
    const Gd4 = gramDot4(set.data, set.T, set.N);
    const fitD4 = spectrumFromGram({ G: Gd4, runLengths: [set.T], dim: set.N }, { rank: { kind: 'rank', r: 10 } });
    specD4Ms = now() - t0;
    for (const e of eig) eigD4 = Math.max(eigD4, Math.min(...fitD4.spectrum.eigenvalues.map((f) => Math.hypot(e.re - f.re, e.im - f.im))));
    log(`previous wasm Gram (1×4 dot4) + spectrumFromGram ${(specD4Ms / 1000).toFixed(2)} s ` +
      `(${(madds / specD4Ms / 1e6).toFixed(2)} G madd/s), ${(specD4Ms / specMs).toFixed(2)}× the default ` +
      `(${GRAM_TILE.R}×${GRAM_TILE.C} tiles); eigenvalues differ by ≤ ${eigD4.toExponential(1)}`);
  }

  const metrics: Metric[] = [
    { id: 'batch.read', label: `read ${(fileBytes / 1e9).toFixed(2)} GB .npy (readFileSync)`, value: readMs, unit: 'ms', note: `${(fileBytes / readMs / 1e6).toFixed(2)} GB/s` },
    { id: 'batch.parse', label: 'parse to SnapshotSet', value: parseMs, unit: 'ms', note: `${reader}${zeroCopy ? ', zero-copy' : ', copy'}` },
    { id: 'batch.spectrum', label: `computeSpectrum rank 10 (${set.T}×${set.N}), default (${kernel})`, value: specMs, unit: 'ms', note: `route ${fit.route}` },
    { id: 'batch.spectrum.gflops', label: 'Gram multiply-add rate (default)', value: madds / (specMs * 1e-3) / 1e9, unit: 'G madd/s' },
    { id: 'batch.spectrum.js', label: `gram(…, 'js') + spectrumFromGram rank 10 (${set.T}×${set.N})`, value: specJsMs, unit: 'ms', note: `${(madds / specJsMs / 1e6).toFixed(2)} G madd/s; eigenvalues vs default ≤ ${eigDiff.toExponential(1)}` },
    { id: 'batch.spectrum.speedup', label: `speed-up, default (${kernel}) / js`, value: specJsMs / specMs, unit: '×' },
    ...(specD4Ms === undefined ? [] : [
      { id: 'batch.spectrum.dot4', label: `previous wasm Gram (1×4 dot4) + spectrumFromGram rank 10`, value: specD4Ms, unit: 'ms', note: `${(madds / specD4Ms / 1e6).toFixed(2)} G madd/s; eigenvalues vs default ≤ ${eigD4.toExponential(1)}` },
      { id: 'batch.spectrum.tileSpeedup', label: `speed-up, default (${GRAM_TILE.R}×${GRAM_TILE.C} tiles) / previous (1×4 dot4)`, value: specD4Ms / specMs, unit: '×' },
    ] satisfies Metric[]),
    { id: 'batch.eigErr', label: 'worst true-eigenvalue miss', value: eigErr, unit: '' },
  ];
  emit('batch', metrics, {
    file: dataFile, fileBytes, T: set.T, N: set.N, reader, zeroCopy, generatedMs: genMs, kernel, specJsMs, specD4Ms, tile: GRAM_TILE,
    eigenvalues: fit.spectrum.eigenvalues.map((e) => [e.re, e.im]),
  });
}
main().catch((e) => { console.error(e); process.exit(1); });
