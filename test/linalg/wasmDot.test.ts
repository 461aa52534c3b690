/**
 * The WebAssembly SIMD dot kernel (src/linalg/wasmDot.ts) against the JS reference kernel (src/linalg/gram.ts) on
 * random float32 data: dotRows (n not a multiple of 4, n < 4, count not a multiple of 4, rows ending at the last
 * byte of the memory), the batch Gram, and SnapshotWindow with kernel 'wasm' vs 'js'. Both accumulate in float64
 * in different orders, so they agree to ~1e-15 relative, not bitwise; the bound asserted is 1e-13 of the largest
 * |value|. The 4 GiB size check is tested without allocating.
 */
import { describe, expect, it } from 'vitest';
import { dotRows, gram } from '../../src/linalg/gram';
import { arenaPages, ARENA_MAX_FLOATS, Float32Arena, MAX_WASM_PAGES, wasmSimdAvailable } from '../../src/linalg/wasmDot';
import { SnapshotWindow } from '../../src/koopman/window';

const available = wasmSimdAvailable();
if (!available) console.warn('wasmDot.test.ts: WebAssembly SIMD is NOT available here; the wasm kernel tests are skipped');

/** Deterministic uniform values in [-0.5, 0.5) plus a per-column offset (so inner products do not cancel to ~0). */
function fill(a: Float32Array, seed: number, bias = 0.1): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    a[i] = s / 2 ** 32 - 0.5 + bias;
  }
}

/** max |a − b| / max |b|. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return m === 0 ? d : d / m;
}

describe('arena size limit (no allocation)', () => {
  it('4 GiB of memory at most: a clear Error beyond', () => {
    expect(arenaPages(0)).toBe(1);
    expect(arenaPages(16384 - 64)).toBe(1);            // 256-byte header + 65280 bytes = one page exactly
    expect(arenaPages(16384 - 63)).toBe(2);
    expect(arenaPages(ARENA_MAX_FLOATS)).toBe(MAX_WASM_PAGES);
    expect(() => arenaPages(ARENA_MAX_FLOATS + 1)).toThrow(/exceeds the 4 GiB limit of a WebAssembly memory/);
    expect(() => arenaPages(2 ** 31)).toThrow(/8\.00 GiB\) exceeds the 4 GiB limit/);
    expect(() => arenaPages(-1)).toThrow(/whole number/);
    expect(() => new Float32Arena(ARENA_MAX_FLOATS + 1)).toThrow(/4 GiB/);
  });

  it("kernel 'wasm' is refused for float64 storage and sketches", () => {
    expect(() => new SnapshotWindow(10, { capacity: 4, precision: 'float64', kernel: 'wasm' })).toThrow(/float32/);
    expect(() => new SnapshotWindow(10, { capacity: 4, sketch: { dim: 4, seed: 1 }, kernel: 'wasm' })).toThrow(/float32/);
    expect(new SnapshotWindow(10, { capacity: 4, precision: 'float64' }).kernel).toBe('js');
    expect(new SnapshotWindow(10, { capacity: 4, kernel: 'js' }).kernel).toBe('js');
    expect(() => gram(new Float64Array(8), 2, 4, undefined, 'wasm')).toThrow(/Float32Array/);
  });
});

describe.skipIf(!available)('wasm SIMD dot kernel vs the JS kernel', () => {
  it('dotRows: n = 1…13 and larger, count = 1…9, shuffled row offsets (1e-13 relative)', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 100, 1001, 4099]) {
      for (const count of [1, 2, 3, 4, 5, 7, 9]) {
        const rows = count + 1;
        const arena = new Float32Arena(rows * n + 3);       // +3: the rows do not start at offset 0
        fill(arena.f32, 1000 * n + count);
        const offs = Int32Array.from({ length: count }, (_, j) => 3 + ((j * 5 + 2) % rows) * n);
        const xOff = 3 + (count % rows) * n;
        const w = new Float64Array(count), js = new Float64Array(count);
        arena.dotRows(xOff, offs, count, n, w);
        dotRows(arena.f32, xOff, arena.f32, offs, count, n, js);
        expect(relDiff(w, js), `n=${n} count=${count}`).toBeLessThan(1e-13);
        expect(w.every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('dotRows with x and rows ending at the last byte of the memory (no trap, correct)', () => {
    const len = 2 * 16384 - 64;                              // exactly two pages with the 256-byte header
    const arena = new Float32Arena(len);
    expect(arena.byteLength).toBe(2 * 65536);
    fill(arena.f32, 9);
    for (const n of [3, 4, 6, 1023, 4096]) {
      const offs = Float64Array.from([len - n, len - 2 * n, len - n, 0, len - 3 * n]);
      const w = new Float64Array(5), js = new Float64Array(5);
      arena.dotRows(len - n, offs, 5, n, w);
      dotRows(arena.f32, len - n, arena.f32, offs, 5, n, js);
      expect(relDiff(w, js), `n=${n}`).toBeLessThan(1e-13);
    }
    expect(() => arena.dotRows(len - 3, [0], 1, 4, new Float64Array(1))).toThrow(RangeError);
    expect(() => arena.dotRows(0, [len - 3], 1, 4, new Float64Array(1))).toThrow(RangeError);
  });

  it('gram: wasm vs JS on float32 data, several shapes (1e-13 relative), symmetric, progress reported', () => {
    for (const [M, N] of [[1, 5], [3, 3], [7, 1001], [13, 2050], [9, 20000], [5, 8192 * 2 + 5]] as const) {
      const data = new Float32Array(M * N);
      fill(data, M * 31 + N);
      const seen: number[] = [];
      const Gw = gram(data, M, N, (f) => seen.push(f), 'wasm');
      const Gj = gram(data, M, N, undefined, 'js');
      expect(relDiff(Gw, Gj), `${M}×${N}`).toBeLessThan(1e-13);
      for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) expect(Gw[i * M + j]).toBe(Gw[j * M + i]);
      expect(seen.at(-1)).toBe(1);
    }
    // 'auto' on a subarray (nonzero byteOffset) of float32 data big enough for the wasm path
    const big = new Float32Array(40 * 3001 + 7);
    fill(big, 5);
    const view = big.subarray(7);
    expect(relDiff(gram(view, 40, 3001), gram(view, 40, 3001, undefined, 'js'))).toBeLessThan(1e-13);
  });

  it("SnapshotWindow: kernel 'wasm' and 'js' keep the same Gram (1e-13), while filling and after wrapping", () => {
    const N = 1003, C = 9, R = 2, T = 23;
    const traj = new Float32Array(R * T * N);
    fill(traj, 77);
    const ww = new SnapshotWindow(N, { capacity: C, runs: R, kernel: 'wasm' });
    const wj = new SnapshotWindow(N, { capacity: C, runs: R, kernel: 'js' });
    const wa = new SnapshotWindow(N, { capacity: C, runs: R });
    expect(ww.kernel).toBe('wasm');
    expect(wj.kernel).toBe('js');
    expect(wa.kernel).toBe('wasm');                                   // 'auto' picks wasm for float32
    expect(ww.memory()).toEqual(wj.memory());
    for (let t = 0; t < T; t++) {
      // float64 input into float32 storage, so the Gram must be of the stored (rounded) rows in both
      const xs = Array.from({ length: R }, (_, r) => Float64Array.from(traj.subarray((r * T + t) * N, (r * T + t + 1) * N), (v) => v * 1.0000001));
      ww.push(xs, t); wj.push(xs, t); wa.push(xs, t);
      if (t === 4 || t === T - 1) {
        const gw = ww.gram().G, gj = wj.gram().G;
        expect(relDiff(gw, gj), `after ${t + 1} pushes`).toBeLessThan(1e-13);
        expect(wa.gram().G).toEqual(gw);
      }
    }
    expect(ww.steps()).toEqual(wj.steps());
  });
});
