/**
 * The float32 × float64 product kernels `mm` (2 × 8) and `mm4` (2 × 4) of wasmDot.ts through Float32Arena.mulAcc:
 * accumulated into out, exactly the float64 sums of the products in k order (compared with the same loop in JS),
 * for row-wise (stride 1) and column-wise (stride N) reads of A and a negative out stride.
 */
import { describe, expect, it } from 'vitest';
import { Float32Arena, wasmSimdAvailable } from '../../src/linalg/wasmDot';

describe.runIf(wasmSimdAvailable())('Float32Arena.mulAcc', () => {
  for (const cols of [8, 4] as const) {
    for (const [label, aStride] of [['rows', 1], ['columns', 37]] as const) {
      it(`${cols} columns, A read along ${label}`, () => {
        const K = 29, arena = new Float32Arena(40 * 37, undefined, 400);
        for (let i = 0; i < arena.f32.length; i++) arena.f32[i] = Math.fround(Math.sin(0.7 * i) * 3);
        for (let i = 0; i < 400; i++) arena.f64[i] = Math.cos(1.3 * i) / 7;
        const a0 = 5, a1 = 11, b = 0, bStride = 9, out = 300, oStride = -40; // row 1 of out at 260
        for (let c = 0; c < cols; c++) { arena.f64[out + c] = 0.5; arena.f64[out + oStride + c] = -0.25; }
        const before = Float64Array.from(arena.f64);
        arena.mulAcc(K, a0, a1, aStride, b, bStride, out, oStride, cols);
        for (let r = 0; r < 2; r++) for (let c = 0; c < cols; c++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += arena.f32[(r === 0 ? a0 : a1) + k * aStride] * before[b + k * bStride + c];
          expect(arena.f64[out + r * oStride + c]).toBe(before[out + r * oStride + c] + s);
        }
        // nothing else written
        for (let i = 0; i < 400; i++) {
          const inOut = (i >= out && i < out + cols) || (i >= out + oStride && i < out + oStride + cols);
          if (!inOut) expect(arena.f64[i]).toBe(before[i]);
        }
      });
    }
  }
});
