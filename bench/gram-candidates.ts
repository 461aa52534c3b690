/**
 * Gram kernel candidates, measured by `node --import tsx bench/gram-candidates.ts` against what src/ does now.
 *
 * The wasm SIMD kernel that started here is now in the core (src/linalg/wasmDot.ts): SnapshotWindow keeps its
 * float32 ring buffer in a wasm arena, and gram() copies each column block of float32 data into one. What is still
 * a candidate is avoiding that copy for the batch Gram: data that already lives in a wasm arena (a file read straight
 * into one with fs.readSync) can be Gram'd in place (`gramInPlace` below). Measured here:
 *
 * - push kernel (1 vector × 256 rows): src JS dotRows vs Float32Arena.dotRows;
 * - batch Gram: gram(…, 'js') vs gram() default (wasm, block copy) vs gramInPlace (wasm, no copy);
 * - with --file=<.npy>: the file read into an arena, then gramInPlace + spectrumFromGram (rank 10).
 *
 * Summation order differs between the JS and wasm kernels, so results agree to ~1e-14 relative, not bitwise.
 */
import * as fs from 'node:fs';
import { dotRows, gram } from '../src/linalg/gram';
import { Float32Arena } from '../src/linalg/wasmDot';
import { spectrumFromGram } from '../src/koopman/analyze';
import { emit, log, median, quick, timeIt, type Metric } from './common';

/** Full M×M Gram of M rows (N values each) stored at arena.f32[0 .. M·N), cache-blocked over columns, no copy. */
export function gramInPlace(arena: Float32Arena, M: number, N: number, block = 8192): Float64Array {
  const G = new Float64Array(M * M);
  const offs = new Float64Array(M);
  const tmp = new Float64Array(M);
  for (let k0 = 0; k0 < N; k0 += block) {
    const len = Math.min(block, N - k0);
    for (let i = 0; i < M; i++) {
      const count = M - i;
      for (let j = 0; j < count; j++) offs[j] = (i + j) * N + k0;
      arena.dotRows(i * N + k0, offs, count, len, tmp);
      const gi = i * M + i;
      for (let j = 0; j < count; j++) G[gi + j]! += tmp[j]!;
    }
  }
  for (let i = 0; i < M; i++) for (let j = 0; j < i; j++) G[i * M + j] = G[j * M + i]!;
  return G;
}

// ---------------------------------------------------------------- measurements
function relDiff(a: Float64Array, b: Float64Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return d / m;
}

function main(): void {
  const M = 256, N = quick ? 20_000 : 100_000;
  const arena = new Float32Arena(M * N + N);
  const data = arena.f32;
  let s = 12345;
  for (let i = 0; i < data.length; i++) { s = (s * 1103515245 + 12345) >>> 0; data[i] = s / 2 ** 32 - 0.5 + (i % N) * 1e-6; }
  const win = data.subarray(0, M * N), x = data.subarray(M * N);
  const offs = new Int32Array(M).map((_, j) => j * N);       // as SnapshotWindow holds them
  const outJs = new Float64Array(M), outW = new Float64Array(M);

  // push-like: one new vector against the 256 stored rows
  const pushJs = median(timeIt(() => dotRows(x, 0, win, offs, M, N, outJs), { warmup: 3, minReps: 9, minMs: 400 }));
  const pushW = median(timeIt(() => arena.dotRows(M * N, offs, M, N, outW), { warmup: 3, minReps: 9, minMs: 400 }));
  const pushErr = relDiff(outW, outJs);
  log(`dotRows 1×${M} rows of ${N}: JS ${pushJs.toFixed(2)} ms, wasm ${pushW.toFixed(2)} ms (${(pushJs / pushW).toFixed(2)}×), rel diff ${pushErr.toExponential(1)}`);

  // full Gram: JS, default (wasm with a block copy), wasm in place
  const gramJs = median(timeIt(() => gram(win, M, N, undefined, 'js'), { warmup: 0, minReps: 2, minMs: 0 }));
  const Gj = gram(win, M, N, undefined, 'js');
  const gramW = median(timeIt(() => gram(win, M, N), { warmup: 1, minReps: 3, minMs: 0 }));
  const gErr = relDiff(gram(win, M, N), Gj);
  const gramP = median(timeIt(() => gramInPlace(arena, M, N), { warmup: 1, minReps: 3, minMs: 0 }));
  const pErr = relDiff(gramInPlace(arena, M, N), Gj);
  log(`gram ${M}×${N}: JS ${gramJs.toFixed(0)} ms, default (wasm, block copy) ${gramW.toFixed(0)} ms (${(gramJs / gramW).toFixed(2)}×, ` +
    `rel diff ${gErr.toExponential(1)}), wasm in place ${gramP.toFixed(0)} ms (${(gramJs / gramP).toFixed(2)}×, rel diff ${pErr.toExponential(1)})`);

  const madds = (M * (M + 1)) / 2 * N;
  const rate = (ms: number) => `${(madds / ms / 1e6).toFixed(2)} G madd/s`;
  const metrics: Metric[] = [
    { id: 'cand.push.js', label: `dotRows 1×${M}×${N}, src JS kernel`, value: pushJs, unit: 'ms' },
    { id: 'cand.push.wasm', label: `dotRows 1×${M}×${N}, src wasm kernel (Float32Arena)`, value: pushW, unit: 'ms', note: `rel diff ${pushErr.toExponential(1)}` },
    { id: 'cand.push.speedup', label: 'push kernel speed-up wasm / JS', value: pushJs / pushW, unit: '×' },
    { id: 'cand.gram.js', label: `gram ${M}×${N}, kernel 'js'`, value: gramJs, unit: 'ms', note: rate(gramJs) },
    { id: 'cand.gram.wasm', label: `gram ${M}×${N}, default (wasm, block copy)`, value: gramW, unit: 'ms', note: `${rate(gramW)}, rel diff ${gErr.toExponential(1)}` },
    { id: 'cand.gram.inplace', label: `gram ${M}×${N}, wasm in place (candidate)`, value: gramP, unit: 'ms', note: `${rate(gramP)}, rel diff ${pErr.toExponential(1)}` },
    { id: 'cand.gram.speedup', label: 'gram speed-up default / JS', value: gramJs / gramW, unit: '×' },
    { id: 'cand.gram.copyCost', label: 'gram default / in place (cost of the block copy)', value: gramW / gramP, unit: '×' },
  ];
  const info: Record<string, unknown> = { M, N };

  // the batch file read straight into wasm memory (no copy) + wasm Gram + the engine's spectrumFromGram
  const file = process.argv.find((a) => a.startsWith('--file='))?.slice(7);
  if (file && fs.existsSync(file)) {
    const head = Buffer.alloc(128);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, head, 0, 128, 0);
    const hlen = head.readUInt16LE(8);
    const shape = head.toString('latin1', 10, 10 + hlen).match(/\(([^)]*)\)/)![1]!.split(',').map(Number).filter(Boolean);
    const [T, NN] = shape as [number, number];
    const t0 = performance.now();
    const fg = new Float32Arena(T * NN);
    const bytes = new Uint8Array(fg.f32.buffer, fg.f32.byteOffset, T * NN * 4);
    for (let pos = 0; pos < bytes.length;) pos += fs.readSync(fd, bytes, pos, Math.min(1 << 26, bytes.length - pos), 10 + hlen + pos);
    fs.closeSync(fd);
    const readMs = performance.now() - t0;
    const t1 = performance.now();
    const G = gramInPlace(fg, T, NN);
    const fit = spectrumFromGram({ G, runLengths: [T], dim: NN }, { rank: { kind: 'rank', r: 10 } });
    const specMs = performance.now() - t1;
    log(`${file}: read into wasm memory ${readMs.toFixed(0)} ms, wasm Gram in place + spectrumFromGram ${specMs.toFixed(0)} ms ` +
      `(${((T * (T + 1)) / 2 * NN / specMs / 1e6).toFixed(2)} G madd/s)`);
    metrics.push(
      { id: 'cand.file.read', label: `read ${T}×${NN} .npy into wasm memory`, value: readMs, unit: 'ms' },
      { id: 'cand.file.spectrum', label: `wasm Gram in place + spectrumFromGram r=10, ${T}×${NN}`, value: specMs, unit: 'ms' },
    );
    info.fileEigenvalues = fit.spectrum.eigenvalues.map((e) => [e.re, e.im]);
  }
  emit('gram-candidates', metrics, info);
}

if (process.argv[1]?.endsWith('gram-candidates.ts')) main();
