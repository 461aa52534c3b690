/**
 * The register-tiled wasm Gram (Float32Arena.gramAccumulate, used by gram() for float32 data) against the JS
 * reference kernel dotRows on random float32 data, with ragged edges: M not a multiple of the tile's R or C, n not a
 * multiple of the kernel's step (2·unroll floats), n < 4, row stride > n, several tile shapes (the default GRAM_TILE
 * and others the generator can emit). float64 accumulation in a different order: 1e-13 of the largest |value|.
 *
 * The batch Gram packs its blocks as float64 (Float64Arena, no promotes in the kernel): bit for bit the float32
 * kernel's results, for every tile shape, row range and the whole of gram() / gramUpperRows.
 */
import { describe, expect, it } from 'vitest';
import { dotRows, gram, gramUpperRows, mirrorUpper, wasmBlock } from '../../src/linalg/gram';
import { Float32Arena, Float64Arena, GRAM_TILE, GRAM_TILE64, wasmSimdAvailable, type TileShape } from '../../src/linalg/wasmDot';

const available = wasmSimdAvailable();

function fill(a: Float32Array, seed: number, bias = 0.1): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    a[i] = s / 2 ** 32 - 0.5 + bias;
  }
}

/** The reference upper triangle via dotRows: G[i·M + j] = ⟨row_i, row_j⟩ for j ≥ i, 0 below. */
function reference(f: Float32Array, M: number, w: number, n: number): Float64Array {
  const G = new Float64Array(M * M), tmp = new Float64Array(M);
  const offs = Int32Array.from({ length: M }, (_, j) => j * w);
  for (let i = 0; i < M; i++) {
    dotRows(f, i * w, f, offs.subarray(i), M - i, n, tmp);
    for (let j = i; j < M; j++) G[i * M + j] = tmp[j - i];
  }
  return G;
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return m === 0 ? d : d / m;
}

describe.skipIf(!available)('Float32Arena.gramAccumulate (register-tiled wasm Gram)', () => {
  const shapes: TileShape[] = [GRAM_TILE, { R: 1, C: 4, unroll: 2 }, { R: 2, C: 4, unroll: 2 }, { R: 3, C: 4, unroll: 1 },
    { R: 4, C: 4, unroll: 1 }, { R: 3, C: 2, unroll: 2 }];

  it('upper triangle equals dotRows (1e-13): M = 1…13, n = 1…1001, stride > n, all tile shapes; lower left as is', () => {
    for (const tile of shapes) {
      for (const M of [1, 2, 3, 4, 5, 7, 8, 9, 13]) {
        for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 1001]) {
          for (const w of [n, n + 3]) {
            const arena = new Float32Arena(M * w, tile);
            fill(arena.f32, 7 * M + 131 * n + w);
            const ref = reference(arena.f32, M, w, n);
            const G = new Float64Array(M * M);
            arena.gramAccumulate(M, w, n, G);
            const label = `${tile.R}×${tile.C}u${tile.unroll} M=${M} n=${n} w=${w}`;
            expect(relDiff(G, ref), label).toBeLessThan(1e-13);
            for (let i = 0; i < M; i++) for (let j = 0; j < i; j++) expect(G[i * M + j], label).toBe(0);
          }
        }
      }
    }
  });

  it('accumulates into G (two calls give twice the Gram) and checks its arguments', () => {
    const M = 6, n = 11, arena = new Float32Arena(M * n);
    fill(arena.f32, 3);
    const G = new Float64Array(M * M);
    arena.gramAccumulate(M, n, n, G);
    const once = G.slice();
    arena.gramAccumulate(M, n, n, G);
    expect(relDiff(G, once.map((v) => 2 * v))).toBeLessThan(1e-15);
    arena.gramAccumulate(M, n, 0, G);                         // n = 0 adds nothing
    expect(relDiff(G, once.map((v) => 2 * v))).toBeLessThan(1e-15);
    expect(() => arena.gramAccumulate(M + 1, n, n, G)).toThrow(RangeError);
    expect(() => arena.gramAccumulate(M, n, n, new Float64Array(M * M - 1))).toThrow(RangeError);
    expect(() => new Float32Arena(8, { R: 5, C: 8, unroll: 1 })).toThrow(/unsupported tile/);
  });

  it("gram(…, 'wasm') vs 'js': ragged M, n < 4, odd N over several column blocks (1e-13), symmetric", () => {
    for (const [M, N] of [[1, 3], [2, 1], [3, 2], [5, 3], [7, 4], [9, 1023], [11, 8192 * 2 + 7], [33, 999]] as const) {
      const data = new Float32Array(M * N);
      fill(data, M * 17 + N);
      const Gw = gram(data, M, N, undefined, 'wasm');
      expect(relDiff(Gw, gram(data, M, N, undefined, 'js')), `${M}×${N}`).toBeLessThan(1e-13);
      for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) expect(Gw[i * M + j]).toBe(Gw[j * M + i]);
    }
  });
});

/** The previous gram() route: float32 column blocks of wasmBlock(M, N) columns in a Float32Arena, 2×4 tiles that promote. */
function gramF32Tiles(data: Float32Array, M: number, N: number, i0 = 0, i1 = M): Float64Array {
  const len = wasmBlock(M, N), arena = new Float32Arena((M - i0) * len, GRAM_TILE), f = arena.f32;
  const G = new Float64Array(M * M);
  for (let k0 = 0; k0 < N; k0 += len) {
    const w = Math.min(len, N - k0);
    for (let i = i0; i < M; i++) f.set(data.subarray(i * N + k0, i * N + k0 + w), (i - i0) * w);
    arena.gramAccumulate(M, w, w, G, i0, i1);
  }
  return G;
}

function bitsEqual(a: Float64Array, b: Float64Array, label: string): void {
  expect(a.length, label).toBe(b.length);
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ++;
  expect(differ, label).toBe(0);
}

describe.skipIf(!available)('Float64Arena.gramAccumulate (float64 blocks, no promotes): bit for bit the float32 kernel', () => {
  const shapes: TileShape[] = [GRAM_TILE64, { R: 1, C: 4, unroll: 2 }, { R: 2, C: 4, unroll: 2 }, { R: 3, C: 4, unroll: 1 },
    { R: 2, C: 5, unroll: 1 }, { R: 3, C: 2, unroll: 2 }];

  it('same tile shape, same entries: M = 1…13, n = 1…1001, stride > n, row ranges; lower left as is', () => {
    for (const tile of shapes) {
      for (const M of [1, 2, 3, 4, 5, 7, 8, 9, 13]) {
        for (const n of [1, 2, 3, 4, 5, 6, 7, 9, 17, 1001]) {
          for (const w of [n, n + 3]) {
            const a32 = new Float32Arena(M * w, tile), a64 = new Float64Arena(M * w, tile);
            fill(a32.f32, 11 * M + 37 * n + w);
            a64.f64.set(a32.f32);
            const label = `${tile.R}×${tile.C}u${tile.unroll} M=${M} n=${n} w=${w}`;
            const G32 = new Float64Array(M * M), G64 = new Float64Array(M * M);
            a32.gramAccumulate(M, w, n, G32);
            a64.gramAccumulate(M, w, n, G64);
            bitsEqual(G64, G32, label);
            for (let i = 0; i < M; i++) for (let j = 0; j < i; j++) expect(G64[i * M + j], label).toBe(0);
            // a row range: rows from rowStart stored from offset 0, tiles of [rowStart, rowEnd) only
            const rowStart = tile.R * Math.floor(M / (2 * tile.R)), rowEnd = Math.min(M, rowStart + tile.R + 1);
            const b32 = new Float32Arena(M * w, tile), b64 = new Float64Arena(M * w, tile);
            b32.f32.set(a32.f32.subarray(rowStart * w));
            b64.f64.set(b32.f32);
            const H32 = new Float64Array(M * M), H64 = new Float64Array(M * M);
            b32.gramAccumulate(M, w, n, H32, rowStart, rowEnd);
            b64.gramAccumulate(M, w, n, H64, rowStart, rowEnd);
            bitsEqual(H64, H32, `${label} rows [${rowStart}, ${rowEnd})`);
          }
        }
      }
    }
  });

  it('checks its arguments and accumulates', () => {
    const M = 6, n = 11, arena = new Float64Arena(M * n);
    arena.f64.forEach((_, i) => { arena.f64[i] = Math.fround(Math.sin(i)); });
    const G = new Float64Array(M * M);
    arena.gramAccumulate(M, n, n, G);
    const once = G.slice();
    arena.gramAccumulate(M, n, n, G);
    bitsEqual(G, once.map((v) => 2 * v), 'twice');
    expect(() => arena.gramAccumulate(M + 1, n, n, G)).toThrow(RangeError);
    expect(() => arena.gramAccumulate(M, n, n, new Float64Array(M * M - 1))).toThrow(RangeError);
    expect(() => arena.gramAccumulate(M, n, n, G, 1, M)).toThrow(RangeError);
    expect(() => new Float64Arena(8, { R: 5, C: 8, unroll: 1 })).toThrow(/unsupported tile/);
    expect(() => new Float64Arena(2 ** 29)).toThrow(/4 GiB/);
  });

  it("gram(…, 'wasm') and every even row split of gramUpperRows equal the float32 kernel bit for bit (ragged M, N over blocks)", () => {
    for (const [M, N] of [[1, 3], [2, 1], [3, 2], [5, 3], [7, 4], [9, 1023], [11, 8192 * 2 + 7], [33, 999], [70, 15001], [257, 4099]] as const) {
      const data = new Float32Array(M * N);
      fill(data, M * 29 + N);
      const ref = gramF32Tiles(data, M, N);
      const G = gram(data, M, N, undefined, 'wasm');
      mirrorUpper(ref, M);
      bitsEqual(G, ref, `gram ${M}×${N}`);
      for (const cut of [0, 2, 2 * Math.floor(M / 4), M - (M % 2)]) {
        if (cut > M) continue;
        const U = new Float64Array(M * M);
        gramUpperRows(data, M, N, 0, cut, U, 'wasm');
        gramUpperRows(data, M, N, cut, M, U, 'wasm');
        mirrorUpper(U, M);
        bitsEqual(U, ref, `gramUpperRows ${M}×${N} split at ${cut}`);
      }
    }
  });
});
