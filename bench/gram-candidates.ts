/**
 * Candidate faster Gram kernels (NOT used by src/ yet; measured by `node --import tsx bench/gram-candidates.ts`).
 *
 * Candidate "wasm-simd": a WebAssembly SIMD kernel, assembled here byte by byte (no toolchain needed, ~1 KB), that
 * keeps the engine's numerical contract — float32 storage, float64 accumulation — but does two float64 multiply-adds
 * per instruction: each pair of float32 values is loaded with v128.load64_zero and widened with
 * f64x2.promote_low_f32x4, then multiplied and added in f64x2 lanes. One call computes the 4 inner products of a
 * vector x with 4 rows (x is loaded once per 4 rows, 8 independent f64x2 accumulators).
 *
 * Requirement: the data must live in a WebAssembly.Memory (wasm code cannot read a JS ArrayBuffer). For a
 * SnapshotWindow that means allocating its ring buffer as a Float32Array view of a Memory; for a file, reading the
 * bytes straight into the Memory (fs.readSync into a view), so neither needs an extra copy. Wasm32 memories are
 * limited to 4 GiB (65536 pages), enough for the 1 GB batch case.
 *
 * Summation order differs from the JS kernel (pairwise lanes), so results agree to ~1e-15 relative, not bitwise.
 */
import * as fs from 'node:fs';
import { dotRows, gram } from '../src/linalg/gram';
import { spectrumFromGram } from '../src/koopman/analyze';
import { emit, log, median, quick, timeIt, type Metric } from './common';

// ---------------------------------------------------------------- tiny wasm assembler
const uleb = (n: number): number[] => { const o: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const sleb = (n: number): number[] => {
  const o: number[] = [];
  for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)], set = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const load64zero = (offset: number) => simd(0x5d, 3, ...uleb(offset));     // v128.load64_zero align=8
const promote = simd(0x5f);                                                // f64x2.promote_low_f32x4
const f64x2add = simd(0xf0), f64x2mul = simd(0xf2);
const lane = (l: number) => simd(0x21, l);                                 // f64x2.extract_lane

/**
 * dot4(x, r0, r1, r2, r3, nbytes, out): out[q] = Σ x[k]·r_q[k] (float32 in, float64 out), byte pointers,
 * nbytes a positive multiple of 16.
 */
function dot4Body(): number[] {
  // params 0..6: x r0 r1 r2 r3 nbytes out; locals: 7 = k (i32); 8..15 = acc a0..a3, b0..b3 (v128); 16,17 = xa, xb
  const A = (q: number) => 8 + q, B = (q: number) => 12 + q, XA = 16, XB = 17;
  const code: number[] = [];
  code.push(0x03, 0x40);                                    // loop
  code.push(...get(0), ...get(7), 0x6a, ...load64zero(0), ...promote, ...set(XA));
  code.push(...get(0), ...get(7), 0x6a, ...load64zero(8), ...promote, ...set(XB));
  for (let q = 0; q < 4; q++) {
    code.push(...get(A(q)), ...get(XA), ...get(1 + q), ...get(7), 0x6a, ...load64zero(0), ...promote, ...f64x2mul, ...f64x2add, ...set(A(q)));
    code.push(...get(B(q)), ...get(XB), ...get(1 + q), ...get(7), 0x6a, ...load64zero(8), ...promote, ...f64x2mul, ...f64x2add, ...set(B(q)));
  }
  code.push(...get(7), 0x41, ...sleb(16), 0x6a, 0x22, ...uleb(7));     // k += 16 (tee)
  code.push(...get(5), 0x49, 0x0d, 0x00);                              // br_if (k < nbytes) → loop
  code.push(0x0b);                                                      // end loop
  for (let q = 0; q < 4; q++) {
    code.push(...get(6));                                               // address
    code.push(...get(A(q)), ...get(B(q)), ...f64x2add, ...set(A(q)));
    code.push(...get(A(q)), ...lane(0), ...get(A(q)), ...lane(1), 0xa0);
    code.push(0x39, 3, ...uleb(8 * q));                                 // f64.store offset 8q
  }
  code.push(0x0b);
  const locals = vec([[1, I32], [10, V128]]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function buildModule(): Uint8Array {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([])]])),
    ...section(2, vec([[...str('env'), ...str('mem'), 0x02, 0x00, 0x01]])),      // import memory, min 1 page
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str('dot4'), 0x00, 0x00]])),
    ...section(10, vec([dot4Body()])),
  ];
  return new Uint8Array(bytes);
}

type Dot4 = (x: number, r0: number, r1: number, r2: number, r3: number, nbytes: number, out: number) => void;

/** A Gram engine over float32 rows stored in a WebAssembly.Memory. */
export class WasmGram {
  readonly memory: WebAssembly.Memory;
  private readonly dot4: Dot4;
  private readonly outPtr = 0;          // 32 bytes of scratch at address 0
  /** First byte usable for data (64-byte aligned). */
  readonly base = 64;

  constructor(dataBytes: number) {
    const pages = Math.ceil((this.base + dataBytes) / 65536);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(buildModule()), { env: { mem: this.memory } });
    this.dot4 = inst.exports.dot4 as Dot4;
  }

  /** Float32 view of the data area (M·N values). */
  view(length: number): Float32Array { return new Float32Array(this.memory.buffer, this.base, length); }

  /**
   * out[j] = ⟨x, row_j⟩ for `count` rows of n float32 values; x and rows are float32 element offsets into view().
   * Columns are processed by the wasm kernel in multiples of 4; the < 4 leftover columns in JS.
   */
  dotRows(xOff: number, rowOffs: ArrayLike<number>, count: number, n: number, out: Float64Array, accumulate = false): void {
    const f32 = new Float32Array(this.memory.buffer, this.base);
    const res = new Float64Array(this.memory.buffer, this.outPtr, 4);
    const nv = n & ~3, nb = nv * 4, b = this.base;
    for (let j = 0; j < count; j += 4) {
      const o0 = rowOffs[j]!, o1 = rowOffs[Math.min(j + 1, count - 1)]!, o2 = rowOffs[Math.min(j + 2, count - 1)]!,
        o3 = rowOffs[Math.min(j + 3, count - 1)]!;
      if (nb > 0) this.dot4(b + 4 * xOff, b + 4 * o0, b + 4 * o1, b + 4 * o2, b + 4 * o3, nb, this.outPtr);
      else res.fill(0);
      for (let q = 0; q < 4 && j + q < count; q++) {
        const o = [o0, o1, o2, o3][q]!;
        let s = nb > 0 ? res[q]! : 0;
        for (let k = nv; k < n; k++) s += f32[xOff + k]! * f32[o + k]!;
        out[j + q] = accumulate ? out[j + q]! + s : s;
      }
    }
  }

  /** Full M×M Gram of the M rows (N values each) stored at view()[0 .. M·N), cache-blocked over columns. */
  gram(M: number, N: number, block = 8192): Float64Array {
    const G = new Float64Array(M * M);
    const offs = new Float64Array(M);
    const tmp = new Float64Array(M);
    for (let k0 = 0; k0 < N; k0 += block) {
      const len = Math.min(block, N - k0);
      for (let i = 0; i < M; i++) {
        const count = M - i;
        for (let j = 0; j < count; j++) offs[j] = (i + j) * N + k0;
        this.dotRows(i * N + k0, offs, count, len, tmp);
        const gi = i * M + i;
        for (let j = 0; j < count; j++) G[gi + j]! += tmp[j]!;
      }
    }
    for (let i = 0; i < M; i++) for (let j = 0; j < i; j++) G[i * M + j] = G[j * M + i]!;
    return G;
  }
}

// ---------------------------------------------------------------- candidate "js-int-offsets"
/**
 * src/linalg/gram.ts dotRows unchanged except that row offsets are read as int32 (`| 0`). SnapshotWindow passes its
 * offsets in a Float64Array, so `rows[o0 + k]` indexes with a double, which V8 handles much more slowly than an
 * int32 index. Drop-in: same summation order, bitwise the same results.
 */
export function dotRowsInt(
  x: Float32Array | Float64Array, ix: number, rows: Float32Array | Float64Array, rowOffsets: ArrayLike<number>, count: number,
  n: number, out: Float64Array,
): void {
  let j = 0;
  ix |= 0;
  for (; j + 3 < count; j += 4) {
    const o0 = rowOffsets[j]! | 0, o1 = rowOffsets[j + 1]! | 0, o2 = rowOffsets[j + 2]! | 0, o3 = rowOffsets[j + 3]! | 0;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    let k = 0;
    for (; k + 1 < n; k += 2) {
      const xa = x[ix + k]!, xb = x[ix + k + 1]!;
      s0 += xa * rows[o0 + k]!; t0 += xb * rows[o0 + k + 1]!;
      s1 += xa * rows[o1 + k]!; t1 += xb * rows[o1 + k + 1]!;
      s2 += xa * rows[o2 + k]!; t2 += xb * rows[o2 + k + 1]!;
      s3 += xa * rows[o3 + k]!; t3 += xb * rows[o3 + k + 1]!;
    }
    if (k < n) {
      const xa = x[ix + k]!;
      s0 += xa * rows[o0 + k]!; s1 += xa * rows[o1 + k]!; s2 += xa * rows[o2 + k]!; s3 += xa * rows[o3 + k]!;
    }
    out[j] = s0 + t0; out[j + 1] = s1 + t1; out[j + 2] = s2 + t2; out[j + 3] = s3 + t3;
  }
  for (; j < count; j++) {
    const o = rowOffsets[j]! | 0;
    let s = 0;
    for (let k = 0; k < n; k++) s += x[ix + k]! * rows[o + k]!;
    out[j] = s;
  }
}

// ---------------------------------------------------------------- measurements
function relDiff(a: Float64Array, b: Float64Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return d / m;
}

function main(): void {
  const M = 256, N = quick ? 20_000 : 100_000;
  const wg = new WasmGram(M * N * 4 + N * 4);
  const data = wg.view(M * N + N);
  let s = 12345;
  for (let i = 0; i < data.length; i++) { s = (s * 1103515245 + 12345) >>> 0; data[i] = s / 2 ** 32 - 0.5 + (i % N) * 1e-6; }
  const win = data.subarray(0, M * N), x = data.subarray(M * N);
  const offs = new Float64Array(M).map((_, j) => j * N);     // as SnapshotWindow holds them
  const outJs = new Float64Array(M), outW = new Float64Array(M), outI = new Float64Array(M);

  // push-like: one new vector against the 256 stored rows
  const pushJs = median(timeIt(() => dotRows(x, 0, win, offs, M, N, outJs), { warmup: 3, minReps: 9, minMs: 400 }));
  const pushI = median(timeIt(() => dotRowsInt(x, 0, win, offs, M, N, outI), { warmup: 3, minReps: 9, minMs: 400 }));
  log(`dotRows 1×${M} rows of ${N}: JS ${pushJs.toFixed(2)} ms, js-int-offsets ${pushI.toFixed(2)} ms ` +
    `(${(pushJs / pushI).toFixed(2)}×, ${outI.every((v, i) => v === outJs[i]) ? 'bitwise equal' : 'DIFFERENT'})`);
  const pushW = median(timeIt(() => wg.dotRows(M * N, offs, M, N, outW), { warmup: 3, minReps: 9, minMs: 400 }));
  const pushErr = relDiff(outW, outJs);
  log(`dotRows 1×${M} rows of ${N}: JS ${pushJs.toFixed(2)} ms, wasm-simd ${pushW.toFixed(2)} ms (${(pushJs / pushW).toFixed(2)}×), rel diff ${pushErr.toExponential(1)}`);

  // full Gram
  const gJs = timeIt(() => gram(win, M, N), { warmup: 0, minReps: 2, minMs: 0 });
  const Gj = gram(win, M, N);
  const gW = timeIt(() => wg.gram(M, N), { warmup: 1, minReps: 3, minMs: 0 });
  const Gw = wg.gram(M, N);
  const gErr = relDiff(Gw, Gj);
  const gramJs = median(gJs), gramW = median(gW);
  log(`gram ${M}×${N}: JS ${gramJs.toFixed(0)} ms, wasm-simd ${gramW.toFixed(0)} ms (${(gramJs / gramW).toFixed(2)}×), rel diff ${gErr.toExponential(1)}`);

  const madds = (M * (M + 1)) / 2 * N;
  const metrics: Metric[] = [
    { id: 'cand.push.js', label: `dotRows 1×${M}×${N}, src JS kernel`, value: pushJs, unit: 'ms' },
    { id: 'cand.push.int', label: `dotRows 1×${M}×${N}, js-int-offsets`, value: pushI, unit: 'ms' },
    { id: 'cand.push.wasm', label: `dotRows 1×${M}×${N}, wasm-simd`, value: pushW, unit: 'ms', note: `rel diff ${pushErr.toExponential(1)}` },
    { id: 'cand.push.speedup.int', label: 'push kernel speed-up js-int-offsets / JS', value: pushJs / pushI, unit: '×' },
    { id: 'cand.push.speedup', label: 'push kernel speed-up wasm-simd / JS', value: pushJs / pushW, unit: '×' },
    { id: 'cand.gram.js', label: `gram ${M}×${N}, src JS kernel`, value: gramJs, unit: 'ms', note: `${(madds / gramJs / 1e6).toFixed(2)} G madd/s` },
    { id: 'cand.gram.wasm', label: `gram ${M}×${N}, wasm-simd`, value: gramW, unit: 'ms', note: `${(madds / gramW / 1e6).toFixed(2)} G madd/s, rel diff ${gErr.toExponential(1)}` },
    { id: 'cand.gram.speedup', label: 'gram speed-up wasm-simd / JS', value: gramJs / gramW, unit: '×' },
  ];
  const info: Record<string, unknown> = { M, N };

  // the batch file read straight into wasm memory (no copy) + wasm Gram + the engine's spectrumFromGram
  const file = process.argv.find((a) => a.startsWith('--file='))?.slice(7);
  if (file && fs.existsSync(file)) {
    const size = fs.statSync(file).size;
    const head = Buffer.alloc(128);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, head, 0, 128, 0);
    const hlen = head.readUInt16LE(8);
    const shape = head.toString('latin1', 10, 10 + hlen).match(/\(([^)]*)\)/)![1]!.split(',').map(Number).filter(Boolean);
    const [T, NN] = shape as [number, number];
    const t0 = performance.now();
    const fg = new WasmGram(size);
    const bytes = new Uint8Array(fg.memory.buffer, fg.base, T * NN * 4);
    for (let pos = 0; pos < bytes.length;) pos += fs.readSync(fd, bytes, pos, Math.min(1 << 26, bytes.length - pos), 10 + hlen + pos);
    fs.closeSync(fd);
    const readMs = performance.now() - t0;
    const t1 = performance.now();
    const G = fg.gram(T, NN);
    const fit = spectrumFromGram({ G, runLengths: [T], dim: NN }, { rank: { kind: 'rank', r: 10 } });
    const specMs = performance.now() - t1;
    log(`${file}: read into wasm memory ${readMs.toFixed(0)} ms, wasm Gram + spectrumFromGram ${specMs.toFixed(0)} ms ` +
      `(${((T * (T + 1)) / 2 * NN / specMs / 1e6).toFixed(2)} G madd/s)`);
    metrics.push(
      { id: 'cand.file.read', label: `read ${T}×${NN} .npy into wasm memory`, value: readMs, unit: 'ms' },
      { id: 'cand.file.spectrum', label: `wasm-simd Gram + spectrumFromGram r=10, ${T}×${NN}`, value: specMs, unit: 'ms' },
    );
    info.fileEigenvalues = fit.spectrum.eigenvalues.map((e) => [e.re, e.im]);
  }
  emit('gram-candidates', metrics, info);
}

if (process.argv[1]?.endsWith('gram-candidates.ts')) main();
