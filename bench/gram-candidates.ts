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
 * - with --file=<.npy>: the file read into an arena, then gramInPlace + spectrumFromGram (rank 10);
 * - float32 vs float64 blocks (`tileCandidates`; alone with --tiles): the Gram at 256 × 200,000 and 1024 × 25,000
 *   (--quick: a tenth of N) with the previous kernel (float32 blocks in a Float32Arena, promoted in the 2×4 tile:
 *   `gramF32Tiles`) against gram() (blocks promoted to float64 once while packing, Float64Arena), interleaved, min
 *   of the reps, with a bit-for-bit comparison, and the float64 kernel at half the block's columns.
 *
 * Summation order differs between the JS and wasm kernels, so results agree to ~1e-14 relative, not bitwise.
 */
import * as fs from 'node:fs';
import { dotRows, gram, mirrorUpper, wasmBlock } from '../src/linalg/gram';
import { Float32Arena, Float64Arena, GRAM_TILE, type TileShape } from '../src/linalg/wasmDot';
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

/** The previous wasm gram(): column blocks of `len` columns copied as float32 into a Float32Arena, 2×4 tiles that promote. */
export function gramF32Tiles(data: Float32Array, M: number, N: number, len = wasmBlock(M, N)): Float64Array {
  const arena = new Float32Arena(M * len, GRAM_TILE);
  return blockedGram(data, M, N, len, arena.f32, (w, G) => arena.gramAccumulate(M, w, w, G));
}

/** gram()'s wasm route with another block length or tile: blocks promoted to float64 while packing, Float64Arena. */
export function gramF64Tiles(data: Float32Array, M: number, N: number, len = wasmBlock(M, N), tile?: TileShape): Float64Array {
  const arena = new Float64Arena(M * len, tile);
  return blockedGram(data, M, N, len, arena.f64, (w, G) => arena.gramAccumulate(M, w, w, G));
}

/** Both candidates' loop: each column block of all M rows packed into `f` with stride w, then `accumulate`d into G. */
function blockedGram(
  data: Float32Array, M: number, N: number, len: number, f: Float32Array | Float64Array,
  accumulate: (w: number, G: Float64Array) => void,
): Float64Array {
  const G = new Float64Array(M * M);
  for (let k0 = 0; k0 < N; k0 += len) {
    const w = Math.min(len, N - k0);
    for (let i = 0; i < M; i++) f.set(data.subarray(i * N + k0, i * N + k0 + w), i * w);
    accumulate(w, G);
  }
  mirrorUpper(G, M);
  return G;
}

/** Float32 (promote in the tile) vs float64 blocks (promote while packing): see the file comment. */
function tileCandidates(metrics: Metric[], info: Record<string, unknown>): void {
  const sizes: [number, number][] = quick ? [[256, 20_000], [1024, 2_500]] : [[256, 200_000], [1024, 25_000]];
  const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice(7) ?? 3);
  for (const [M, N] of sizes) {
    const data = new Float32Array(M * N);
    let s = 987654321;
    for (let i = 0; i < data.length; i++) { s = (s * 1103515245 + 12345) >>> 0; data[i] = s / 2 ** 32 - 0.5 + (i % N) * 1e-6; }
    const L = wasmBlock(M, N), half = Math.max(4, (L >> 1) & ~3);
    const cands: { id: string; label: string; fn: () => Float64Array; t: number[] }[] = [
      { id: 'f32', label: `float32 blocks, 2×4 tile with promotes (previous), L = ${L}`, fn: () => gramF32Tiles(data, M, N), t: [] },
      { id: 'default', label: `gram() default: float64 blocks, 2×4 tile, L = ${L}`, fn: () => gram(data, M, N), t: [] },
      { id: 'f64half', label: `float64 blocks, 2×4 tile, L = ${half}`, fn: () => gramF64Tiles(data, M, N, half), t: [] },
    ];
    const ref = cands[0]!.fn(), Gd = cands[1]!.fn();
    let differ = 0;
    for (let i = 0; i < ref.length; i++) if (!Object.is(ref[i], Gd[i])) differ++;
    log(`${M}×${N}: gram() vs previous kernel: ${differ} of ${ref.length} entries differ (bit for bit)`);
    for (let r = 0; r < reps; r++) for (const c of cands) { const t0 = performance.now(); c.fn(); c.t.push(performance.now() - t0); }
    const madds = (M * (M + 1)) / 2 * N;
    const base = Math.min(...cands[0]!.t);
    for (const c of cands) {
      const ms = Math.min(...c.t);
      log(`${M}×${N} ${c.label}: min ${ms.toFixed(0)} ms (${c.t.map((t) => t.toFixed(0)).join(', ')}), ` +
        `${(madds / ms / 1e6).toFixed(2)} G madd/s, ${(base / ms).toFixed(2)}× previous`);
      metrics.push({ id: `cand.tiles.${M}x${N}.${c.id}`, label: `gram ${M}×${N}, ${c.label}`, value: ms, unit: 'ms',
        note: `${(madds / ms / 1e6).toFixed(2)} G madd/s, ${(base / ms).toFixed(2)}× previous, min of ${reps}` });
    }
    info[`tiles.${M}x${N}.differingEntries`] = differ;
  }
}

// ---------------------------------------------------------------- measurements
function relDiff(a: Float64Array, b: Float64Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return d / m;
}

function main(): void {
  if (process.argv.includes('--tiles')) {
    const metrics: Metric[] = [], info: Record<string, unknown> = {};
    tileCandidates(metrics, info);
    emit('gram-candidates', metrics, info);
    return;
  }
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
  tileCandidates(metrics, info);

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
