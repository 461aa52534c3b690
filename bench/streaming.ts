/**
 * Section "streaming": per-snapshot cost of SnapshotWindow.push on a full float32 window, against a full recompute
 * of the window's Gram and against the machine's memory-bandwidth bound for reading the window once. The default
 * kernel (wasm SIMD where available, src/linalg/wasmDot.ts) and the JS kernel (kernel: 'js') are timed side by side
 * on the same data.
 */
import { gram } from '../src/linalg/gram';
import { SnapshotWindow } from '../src/koopman/window';
import { emit, log, median, now, quick, timeIt, type Metric } from './common';
import { eigenvalueError, TrajectoryGenerator } from './synthetic';

const N = quick ? 20_000 : 100_000;
const C = 256;
const EXTRA = 48;                       // snapshots pushed (timed) after the window is full

log(`streaming: N = ${N}, window ${C} snapshots (float32, ${(C * N * 4 / 2 ** 20).toFixed(0)} MiB)`);
const gen = new TrajectoryGenerator(N, 3);
const traj = new Float32Array((C + EXTRA) * N);
for (let t = 0; t < C + EXTRA; t++) gen.next(traj, t * N);
const row = (t: number) => traj.subarray(t * N, (t + 1) * N);

const win = new SnapshotWindow(N, { capacity: C, precision: 'float32' });           // default kernel ('auto')
const winJs = new SnapshotWindow(N, { capacity: C, precision: 'float32', kernel: 'js' });
log(`default kernel: ${win.kernel}`);
let t0 = now();
for (let t = 0; t < C; t++) win.push(row(t), t);
const fillMs = now() - t0;
t0 = now();
for (let t = 0; t < C; t++) winJs.push(row(t), t);
const fillJsMs = now() - t0;
log(`filled the window in ${fillMs.toFixed(0)} ms (${win.kernel}), ${fillJsMs.toFixed(0)} ms (js)`);

// --- push on a full window (each push: store.set + 256 inner products of length N); the two windows alternate ---
const pushTimes: number[] = [], pushJsTimes: number[] = [];
for (let t = C; t < C + EXTRA; t++) {
  let a = now();
  win.push(row(t), t);
  pushTimes.push(now() - a);
  a = now();
  winJs.push(row(t), t);
  pushJsTimes.push(now() - a);
}
const pushMs = median(pushTimes.slice(4));      // first few pushes include JIT tier-up
const pushJsMs = median(pushJsTimes.slice(4));
log(`push: median ${pushMs.toFixed(2)} ms (${win.kernel}, min ${Math.min(...pushTimes).toFixed(2)}), ` +
  `${pushJsMs.toFixed(2)} ms (js, min ${Math.min(...pushJsTimes).toFixed(2)})`);

// the window now holds snapshots EXTRA .. EXTRA+C-1, contiguous in `traj`
const windowData = traj.subarray(EXTRA * N, (EXTRA + C) * N);

// --- (a) full recompute of the window's Gram ---
const recompute = timeIt(() => gram(windowData, C, N), { warmup: 0, minReps: quick ? 3 : 2, minMs: 0 });
const recomputeMs = median(recompute);
const recomputeJsMs = median(timeIt(() => gram(windowData, C, N, undefined, 'js'), { warmup: 0, minReps: quick ? 3 : 2, minMs: 0 }));
log(`gram() recompute: ${recomputeMs.toFixed(0)} ms (default), ${recomputeJsMs.toFixed(0)} ms (js)`);
const relDiff = (a: Float64Array, b: Float64Array) => {
  let md = 0, mx = 0;
  for (let i = 0; i < a.length; i++) { md = Math.max(md, Math.abs(a[i]! - b[i]!)); mx = Math.max(mx, Math.abs(b[i]!)); }
  return md / mx;
};
// consistency: the incrementally maintained Grams equal the recomputed one (JS reference)
const Gref = gram(windowData, C, N, undefined, 'js');
const diffDefault = relDiff(win.gram().G, Gref), diffJs = relDiff(winJs.gram().G, Gref);
log(`window Gram vs JS recompute: max |diff| / max |G| = ${diffDefault.toExponential(1)} (${win.kernel}), ` +
  `${diffJs.toExponential(1)} (js)`);

// --- (b) memory-bandwidth bound for reading the window once ---
const bytes = windowData.byteLength;
/** Sum of a[k0..k1) with 8 independent accumulators (a tight read loop). */
function sumRange(a: Float32Array, k0: number, k1: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  let k = k0;
  for (; k + 7 < k1; k += 8) {
    s0 += a[k]!; s1 += a[k + 1]!; s2 += a[k + 2]!; s3 += a[k + 3]!;
    s4 += a[k + 4]!; s5 += a[k + 5]!; s6 += a[k + 6]!; s7 += a[k + 7]!;
  }
  for (; k < k1; k++) s0 += a[k]!;
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
}
/** Whole-array sum in 256 KiB chunks: a small hot function gets optimized normally (one huge call relies on
 * on-stack replacement, which made the timing bimodal, 3.5 vs 25 ms, between runs). */
function sumLoop(a: Float32Array): number {
  let s = 0;
  const B = 1 << 16;
  for (let k = 0; k < a.length; k += B) s += sumRange(a, k, Math.min(a.length, k + B));
  return s;
}
let sink = 0;
const sumMs = median(timeIt(() => { sink += sumLoop(windowData); }, { warmup: 3, minReps: 7, minMs: 500 }));
const copyDst = new Float32Array(windowData.length);
const copyMs = median(timeIt(() => copyDst.set(windowData), { warmup: 2, minReps: 7, minMs: 500 }));
const boundMs = Math.min(sumMs, copyMs);
const gbs = (ms: number) => bytes / (ms * 1e-3) / 1e9;
log(`read bound: sum loop ${sumMs.toFixed(2)} ms (${gbs(sumMs).toFixed(1)} GB/s), ` +
  `TypedArray.set copy ${copyMs.toFixed(2)} ms (${gbs(copyMs).toFixed(1)} GB/s read, ${(2 * gbs(copyMs)).toFixed(1)} GB/s read+write)`);

// --- spectrum of the window (the per-refresh cost in the live app) ---
const spec = timeIt(() => win.spectrum({ rank: { kind: 'rank', r: 10 } }), { warmup: 1, minReps: 5, minMs: 500 });
const specMs = median(spec);
const fit = win.spectrum({ rank: { kind: 'rank', r: 10 } });
const eigErr = eigenvalueError(fit.spectrum.eigenvalues);
log(`window spectrum (rank 10): ${specMs.toFixed(1)} ms; worst true-eigenvalue miss ${eigErr.toExponential(1)}`);

const madds = C * N;
const metrics: Metric[] = [
  { id: 'stream.push', label: `push, full ${C}-window, N=${N}, default (${win.kernel})`, value: pushMs, unit: 'ms', note: `median of ${pushTimes.length - 4} pushes; Gram vs recompute ${diffDefault.toExponential(1)}` },
  { id: 'stream.push.js', label: `push, full ${C}-window, N=${N}, kernel 'js'`, value: pushJsMs, unit: 'ms', note: `median of ${pushJsTimes.length - 4} pushes; Gram vs recompute ${diffJs.toExponential(1)}` },
  { id: 'stream.push.speedup', label: `push speed-up, default (${win.kernel}) / js`, value: pushJsMs / pushMs, unit: '×' },
  { id: 'stream.push.gflops', label: 'push multiply-add rate (default)', value: madds / (pushMs * 1e-3) / 1e9, unit: 'G madd/s' },
  { id: 'stream.push.readGBs', label: 'push effective window read (default)', value: gbs(pushMs), unit: 'GB/s' },
  { id: 'stream.recompute', label: `gram() recompute ${C}×${N}, default`, value: recomputeMs, unit: 'ms' },
  { id: 'stream.recompute.js', label: `gram() recompute ${C}×${N}, kernel 'js'`, value: recomputeJsMs, unit: 'ms' },
  { id: 'stream.bound.sum', label: 'read window: JS sum loop', value: sumMs, unit: 'ms', note: `${gbs(sumMs).toFixed(1)} GB/s` },
  { id: 'stream.bound.copy', label: 'read window: TypedArray.set copy', value: copyMs, unit: 'ms', note: `${gbs(copyMs).toFixed(1)} GB/s read` },
  { id: 'stream.bound', label: 'bandwidth bound (faster read)', value: boundMs, unit: 'ms' },
  { id: 'stream.ratio.pushOverBound', label: `push / bound (goal ≤ 2), default (${win.kernel})`, value: pushMs / boundMs, unit: '×' },
  { id: 'stream.ratio.pushOverBound.js', label: "push / bound, kernel 'js'", value: pushJsMs / boundMs, unit: '×' },
  { id: 'stream.ratio.recomputeOverPush', label: 'recompute / push (default)', value: recomputeMs / pushMs, unit: '×' },
  { id: 'stream.spectrum', label: `window.spectrum rank 10 (${C} snapshots)`, value: specMs, unit: 'ms' },
  { id: 'stream.spectrum.eigErr', label: 'worst true-eigenvalue miss', value: eigErr, unit: '' },
];
emit('streaming', metrics, { N, capacity: C, windowBytes: bytes, kernel: win.kernel, fillMs, fillJsMs, sink: sink === 42 ? 1 : 0 });
