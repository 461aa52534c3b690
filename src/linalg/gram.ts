/**
 * Inner products of snapshots, accumulated in float64 whatever the storage precision.
 *
 * Written by hand because this is the hot loop of every fit: a new snapshot of N parameters against a window of
 * m stored snapshots costs m·N multiply-adds and is bound by memory bandwidth (the window is read once). No
 * maintained JS library offers a float32-storage / float64-accumulation dot kernel (ml-matrix is float64 only and
 * would need a copy of the window). The kernels below read the new vector once per block of 4 stored rows and keep
 * independent accumulators so the JIT can overlap the loads.
 *
 * Layout contract: a matrix of snapshots is row-major (rows = snapshots, N values each) in one typed array.
 *
 * These JS kernels are the reference and the fallback. Float32 data takes the WebAssembly SIMD kernel of
 * wasmDot.ts where it is available (`gram()` below, and SnapshotWindow, whose ring buffer lives in a wasm arena).
 */
import { Float64Arena, wasmSimdAvailable } from './wasmDot';

export type FloatArray = Float32Array | Float64Array;

/** Which dot kernel: 'auto' (wasm SIMD for float32 data where available, else JS), or force one. */
export type DotKernel = 'auto' | 'js' | 'wasm';

/** Σ_k a[ia + k]·b[ib + k] for k < n, accumulated in float64. */
export function dot(a: FloatArray, ia: number, b: FloatArray, ib: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[ia + k] * b[ib + k];
    s1 += a[ia + k + 1] * b[ib + k + 1];
    s2 += a[ia + k + 2] * b[ib + k + 2];
    s3 += a[ia + k + 3] * b[ib + k + 3];
  }
  for (; k < n; k++) s0 += a[ia + k] * b[ib + k];
  return s0 + s1 + s2 + s3;
}

/**
 * Inner products of one vector x (length n, from offset ix) with `count` rows of `rows`: row j starts at
 * `rowOffsets[j]`. Writes out[j] = ⟨x, row_j⟩. Rows are processed four at a time so x is streamed once per four.
 */
export function dotRows(
  x: FloatArray, ix: number, rows: FloatArray, rowOffsets: ArrayLike<number>, count: number, n: number,
  out: Float64Array,
): void {
  let j = 0;
  for (; j + 3 < count; j += 4) {
    const o0 = rowOffsets[j], o1 = rowOffsets[j + 1], o2 = rowOffsets[j + 2], o3 = rowOffsets[j + 3];
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    let k = 0;
    for (; k + 1 < n; k += 2) {
      const xa = x[ix + k], xb = x[ix + k + 1];
      s0 += xa * rows[o0 + k]; t0 += xb * rows[o0 + k + 1];
      s1 += xa * rows[o1 + k]; t1 += xb * rows[o1 + k + 1];
      s2 += xa * rows[o2 + k]; t2 += xb * rows[o2 + k + 1];
      s3 += xa * rows[o3 + k]; t3 += xb * rows[o3 + k + 1];
    }
    if (k < n) {
      const xa = x[ix + k];
      s0 += xa * rows[o0 + k]; s1 += xa * rows[o1 + k]; s2 += xa * rows[o2 + k]; s3 += xa * rows[o3 + k];
    }
    out[j] = s0 + t0; out[j + 1] = s1 + t1; out[j + 2] = s2 + t2; out[j + 3] = s3 + t3;
  }
  for (; j < count; j++) out[j] = dot(x, ix, rows, rowOffsets[j], n);
}

/** Columns per cache block of the batch Gram: 4 rows × 8192 float32 = 128 KiB, about an L2's worth. */
const BLOCK = 8192;

/** Below this many values (M·N) 'auto' keeps the JS kernel: allocating a wasm memory would cost more than it saves. */
const WASM_MIN_VALUES = 1 << 15;
/**
 * Values per column block copied into the wasm arena (2²⁰: 1024 … 8192 columns per block; 4096 at M = 256, 1024 at
 * M = 1024). The arena stores them as float64, 8 MiB. The column blocks fix the summation order of every entry, so
 * they are kept as they were with the float32 arena (4096–8192 measured best there) and the Gram stays bit for bit
 * what it was; half as many columns per block (the same 4 MiB as before) measured −3 … +6 % with float64 storage,
 * no consistent gain to change the results for (bench/gram-candidates.ts, docs/benchmarks.md).
 */
const WASM_BLOCK_VALUES = 1 << 20;

/**
 * The full M×M Gram G[i][j] = ⟨x_i, x_j⟩ of the M rows (N values each) of `data`, row-major float64.
 * Cache-blocked over N so each 4-row tile is reused from cache against every other row; symmetric, so only the
 * upper triangle is computed. `onProgress(fraction)` is called between column blocks.
 *
 * Float32 data (kernel 'auto', wasm SIMD available, M·N ≥ 32768) goes to the wasm kernel: each column block of all
 * M rows is copied into a wasm arena promoted to float64 (one extra pass over the data, ≤ 8 MiB held unless M > 1024;
 * the promote is exact and done once per value, not once per tile that reads it), then its Gram is taken there in 2×4
 * register tiles (wasmDot.ts Float64Arena, GRAM_TILE64): 4–6× the JS kernel with float32 blocks, float64 blocks
 * 1.2–1.3× faster again (docs/benchmarks.md). Results agree with the JS kernel to
 * ~1e-14 relative (summation order) and bit for bit with Float32Arena.gramAccumulate's 2×4 tiles on the same blocks.
 */
export function gram(
  data: FloatArray, M: number, N: number, onProgress?: (fraction: number) => void, kernel: DotKernel = 'auto',
): Float64Array {
  if (kernel === 'wasm') {
    if (!(data instanceof Float32Array)) throw new Error('the wasm Gram kernel needs Float32Array data');
    if (!wasmSimdAvailable()) throw new Error('WebAssembly SIMD is not available in this environment');
    return gramWasm(data, M, N, onProgress);
  }
  if (kernel === 'auto' && data instanceof Float32Array && M * N >= WASM_MIN_VALUES && wasmSimdAvailable()) {
    let arena: Float64Arena | undefined;
    try { arena = new Float64Arena(M * wasmBlock(M, N)); } catch { /* e.g. memory exhausted: the JS kernel */ }
    if (arena) return gramWasm(data, M, N, onProgress, arena);
  }
  return gramJs(data, M, N, onProgress);
}

/** Columns per block of the wasm Gram: WASM_BLOCK_VALUES / M, a multiple of 4 in [1024, BLOCK], at most N. */
export function wasmBlock(M: number, N: number): number {
  const len = Math.min(BLOCK, Math.max(1024, Math.floor(WASM_BLOCK_VALUES / Math.max(M, 1)) & ~3));
  return Math.max(1, Math.min(len, N));
}

function gramWasm(
  data: Float32Array, M: number, N: number, onProgress?: (fraction: number) => void, arena?: Float64Arena,
): Float64Array {
  const G = new Float64Array(M * M);
  gramWasmUpper(data, M, N, 0, M, G, onProgress, arena);
  mirrorUpper(G, M);
  return G;
}

/**
 * Adds into G the upper-triangle entries (i, j ≥ i) of rows i in [i0, i1) of the Gram, over all N columns (the wasm
 * kernel; see gram()). Column blocks and tiles are those of the full triangle, so any split of the rows gives
 * bit-identical entries; only rows i0 … M−1 are packed.
 */
function gramWasmUpper(
  data: Float32Array, M: number, N: number, i0: number, i1: number, G: Float64Array,
  onProgress?: (fraction: number) => void, arena?: Float64Arena,
): void {
  // Float64Array.set converts each float32 exactly
  const pack: PackRow = (i, k0, w, f, at) => f.set(data.subarray(i * N + k0, i * N + k0 + w), at);
  gramPackedUpper(pack, M, N, i0, i1, G, onProgress, arena);
}

/** Stores values k0 … k0 + w − 1 of row i, as float64, at f[at …]. */
type PackRow = (i: number, k0: number, w: number, f: Float64Array, at: number) => void;

/** The wasm Gram over column blocks whose rows `pack` stores (gramWasmUpper, gramUpperRowsFrom). */
function gramPackedUpper(
  pack: PackRow, M: number, N: number, i0: number, i1: number, G: Float64Array,
  onProgress?: (fraction: number) => void, arena?: Float64Arena,
): void {
  const len = wasmBlock(M, N);
  arena ??= new Float64Arena((M - i0) * len);
  const f = arena.f64;
  const blocks = Math.ceil(N / len) || 1;
  for (let b = 0; b < blocks; b++) {
    const k0 = b * len;
    const w = Math.min(len, N - k0);
    // the block's rows i0 … M−1, packed with stride w, then their tiles (Float64Arena.gramAccumulate)
    for (let i = i0; i < M; i++) pack(i, k0, w, f, (i - i0) * w);
    if (M > 0) arena.gramAccumulate(M, w, w, G, i0, i1);
    onProgress?.((b + 1) / blocks);
  }
}

/**
 * Float32 snapshots read on demand instead of held in memory, e.g. the rows of a file (src/cli/fileRows.ts), so a
 * Gram of a 1 GB file needs one block of it in memory, not the file. `read(row, k0, dest)` stores values k0 …
 * k0 + dest.length − 1 of snapshot `row` (0 ≤ row < rows) in dest. `source`, when present, is a structured-cloneable
 * description from which another thread can open the same rows (src/workers/threadExecutor.ts).
 */
export interface RowReader {
  readonly rows: number;
  readonly N: number;
  read(row: number, k0: number, dest: Float32Array): void;
  readonly source?: unknown;
}

/**
 * gramUpperRows for the M snapshots `rows` (indices into `reader`) read block by block through `reader`: the same
 * column blocks, packing and tiles as gramUpperRows on those rows held in memory, so the entries are bit-identical
 * to it (the wasm kernel; without wasm SIMD, the rows are read whole and the JS kernel runs). i0 even, as there.
 */
export function gramUpperRowsFrom(
  reader: RowReader, rows: ArrayLike<number>, i0: number, i1: number, G: Float64Array, onProgress?: (fraction: number) => void,
): void {
  const M = rows.length, N = reader.N;
  if (!(Number.isInteger(i0) && Number.isInteger(i1) && 0 <= i0 && i0 <= i1 && i1 <= M && i0 % 2 === 0)) {
    throw new RangeError(`row range [${i0}, ${i1}) must start at an even row within [0, ${M}]`);
  }
  if (i1 === i0) return;
  if (M * N >= WASM_MIN_VALUES && wasmSimdAvailable()) {
    const staging = new Float32Array(wasmBlock(M, N));
    const pack: PackRow = (i, k0, w, f, at) => {
      const v = staging.subarray(0, w);
      reader.read(rows[i], k0, v);
      f.set(v, at);
    };
    gramPackedUpper(pack, M, N, i0, i1, G, onProgress);
    return;
  }
  const data = new Float32Array(M * N);
  for (let i = 0; i < M; i++) reader.read(rows[i], 0, data.subarray(i * N, (i + 1) * N));
  gramUpperRows(data, M, N, i0, i1, G);
  onProgress?.(1);
}

/** G[i][j] = G[j][i] for j < i: the lower triangle from the upper. */
export function mirrorUpper(G: Float64Array, M: number): void {
  for (let i = 0; i < M; i++) for (let j = 0; j < i; j++) G[i * M + j] = G[j * M + i];
}

/**
 * Adds into the row-major M × M float64 G the upper-triangle entries G[i][j], j ≥ i, of the rows i in [i0, i1) of the
 * Gram of the M rows of `data` (row-major, N values per row); i0 must be even (the wasm tile has 2 rows). Every entry
 * is summed exactly as gram() sums it (same kernel choice, column blocks and tiles), so threads that split the rows
 * (src/workers/threadExecutor.ts) reproduce the one-thread Gram bit for bit. `kernel` as in gram(); `onProgress`
 * between column blocks.
 */
export function gramUpperRows(
  data: FloatArray, M: number, N: number, i0: number, i1: number, G: Float64Array, kernel: DotKernel = 'auto',
  onProgress?: (fraction: number) => void,
): void {
  if (!(Number.isInteger(i0) && Number.isInteger(i1) && 0 <= i0 && i0 <= i1 && i1 <= M && i0 % 2 === 0)) {
    throw new RangeError(`row range [${i0}, ${i1}) must start at an even row within [0, ${M}]`);
  }
  if (i1 === i0) return;
  const wasm = kernel === 'wasm' || (kernel === 'auto' && data instanceof Float32Array && M * N >= WASM_MIN_VALUES && wasmSimdAvailable());
  if (wasm && data instanceof Float32Array) {
    let arena: Float64Arena | undefined;
    try { arena = new Float64Arena((M - i0) * wasmBlock(M, N)); } catch { /* the JS kernel, as gram() */ }
    if (arena) { gramWasmUpper(data, M, N, i0, i1, G, onProgress, arena); return; }
  }
  gramJsUpper(data, M, N, i0, i1, G, onProgress);
}

/**
 * A Gram computed elsewhere, e.g. split over threads (src/workers/threadExecutor.ts), injected through
 * SpectrumOptions.gramExecutor so the core stays free of threads. `gram` returns the full symmetric M × M Gram of
 * the M rows (N values each) of `data`, to the same contract as gram() (float64 accumulation; src/workers/threadExecutor.ts
 * reproduces it bit for bit), or undefined when it cannot take this one (the caller then uses gram()).
 */
export interface GramExecutor {
  readonly threads: number;
  gram(data: FloatArray, M: number, N: number, onProgress?: (fraction: number) => void): Float64Array | undefined;
  /** The Gram of the snapshots `rows` of `reader` (gramUpperRowsFrom's entries), or undefined to decline. */
  gramRows?(reader: RowReader, rows: readonly number[], onProgress?: (fraction: number) => void): Float64Array | undefined;
}

/** The JS Gram (the reference). */
function gramJs(data: FloatArray, M: number, N: number, onProgress?: (fraction: number) => void): Float64Array {
  const G = new Float64Array(M * M);
  gramJsUpper(data, M, N, 0, M, G, onProgress);
  mirrorUpper(G, M);
  return G;
}

/** Adds the upper-triangle entries of rows [i0, i1) of the Gram into G (the JS kernel; same sums as gramJs). */
function gramJsUpper(
  data: FloatArray, M: number, N: number, i0: number, i1: number, G: Float64Array, onProgress?: (fraction: number) => void,
): void {
  const offs = offsetArray(M, M * N);
  for (let i = 0; i < M; i++) offs[i] = i * N;
  const tmp = new Float64Array(M);
  const blocks = Math.ceil(N / BLOCK) || 1;
  for (let b = 0; b < blocks; b++) {
    const k0 = b * BLOCK;
    const len = Math.min(BLOCK, N - k0);
    for (let i = i0; i < i1; i++) {
      // rows i..M-1 against row i, over columns [k0, k0+len)
      const count = M - i;
      const sub = offs.subarray(i, M);
      dotRowsShifted(data, i * N + k0, data, sub, k0, count, len, tmp);
      const gi = i * M;
      for (let j = 0; j < count; j++) G[gi + i + j] += tmp[j];
    }
    onProgress?.((b + 1) / blocks);
  }
}

/** dotRows with a common column shift added to every row offset (avoids allocating shifted offset arrays). */
function dotRowsShifted(
  x: FloatArray, ix: number, rows: FloatArray, rowOffsets: Int32Array | Float64Array, shift: number, count: number,
  n: number, out: Float64Array,
): void {
  if (shift === 0) return dotRows(x, ix, rows, rowOffsets, count, n, out);
  const shifted = offsetArray(count, rows.length);
  for (let j = 0; j < count; j++) shifted[j] = rowOffsets[j] + shift;
  dotRows(x, ix, rows, shifted, count, n, out);
}

/**
 * An array for row offsets into a typed array of `extent` elements: Int32Array when every offset fits in 31 bits,
 * because V8 then indexes with integers (1.2–2× faster dot kernels than double-valued offsets; bench/README),
 * Float64Array beyond that.
 */
export function offsetArray(count: number, extent: number): Int32Array | Float64Array {
  return extent < 2 ** 31 ? new Int32Array(count) : new Float64Array(count);
}
