/**
 * The two dense products of the randomized route (randomized.ts) on float32 snapshots, with the wasm `mm` kernel
 * (src/linalg/wasmDot.ts; float32 storage, float64 accumulation, two multiply-adds per instruction):
 *     D  = X · B     (Ttot × C)   B: N × C float64, X: the Ttot selected snapshots (rows of N float32 values)
 *     Z  = Xᵀ · W    (N × C)      W: Ttot × C float64
 * with C = (d + 1)·c' columns (c' = c rounded up to a multiple of 4; one block of c' per delay; 8-column register
 * tiles, and a 4-column one for the last 4 when C ≡ 4 mod 8). randomized.ts maps
 * its structured Hankel products onto these: X·V needs D with B[i][j·c' + a] = V[(j·N + i)·c + a], and Xᵀ·U needs Z
 * with W[S][j·c' + a] = U[row of the pair that snapshot S enters at delay j][a] (0 where it enters none).
 *
 * Why: the JS loops read the whole n × c operand once per snapshot (~16 MB per snapshot at N = 100k, c = 20: memory
 * bound, >120 s at 4096 × 100k). Here the snapshots are copied once into a wasm arena (rows back to back, in the
 * order of `offsets`), the operands are blocked so a block stays in L2, and each kernel call does a 2 × 8 register
 * tile. Summation: each entry sums over k in order within a block, blocks are added in order (differs from the JS
 * loops by rounding only, ~1e-16 relative).
 */
import type { RowReader } from '../linalg/gram';
import { Float32Arena, wasmSimdAvailable } from '../linalg/wasmDot';

/** Snapshot-dimension block of D = X·B: IB rows of B (IB·C·8 bytes, ≤ 200 KiB at C = 24) stay in L2. */
const IB = 1024;
/** Snapshot block of Z = Xᵀ·W: SB rows of W and SB cache lines of X per pair of columns. */
const SB = 512;

/**
 * What randomized.ts asks of its products: `mulX` and `mulXt` to the contracts of HankelProducts below (results are
 * views valid until the next call). HankelProducts is the one-thread implementation.
 */
export interface HankelProductsLike {
  mulX(c: number, fillB: (B: Float64Array, cp: number) => void): Float64Array;
  mulXt(c: number, fillW: (W: Float64Array, cp: number) => void): Float64Array;
  /** ‖x_S‖² of each snapshot, in the order of `offsets` (summed in float64 over i in order, as randomized.ts did). */
  readonly norms: Float64Array;
}

/**
 * Products computed elsewhere, e.g. split by snapshots over threads (src/workers/threadExecutor.ts), injected
 * through SpectrumOptions.productsExecutor so the core stays free of threads. `hankel` takes the arguments of the
 * HankelProducts constructor and returns products with the same results to rounding (each thread sums its own
 * snapshots; the parts of Xᵀ·W are added in thread order), or undefined when it cannot take these (the caller then
 * builds a HankelProducts on this thread).
 */
export interface ProductsExecutor {
  readonly threads: number;
  hankel(data: Float32Array | RowReader, offsets: ArrayLike<number>, N: number, delays: number, maxC: number): HankelProductsLike | undefined;
}

export class HankelProducts implements HankelProductsLike {
  private readonly arena: Float32Arena;
  /** Offsets (f64 elements) of the N-row region, the Ttot-row region and a scratch row (for odd row counts). */
  private readonly r1 = 0;
  private readonly r2: number;
  private readonly scratch: number;

  /**
   * Copies the `offsets.length` snapshots (N values each, at `offsets` in `data`) into a new arena with room for
   * operands of up to `maxC` columns per delay block and `delays` + 1 blocks, and takes their norms. With a RowReader
   * for `data`, `offsets` are its row indices and each snapshot is read straight into the arena (no other copy).
   * Throws when wasm SIMD is missing or the arena cannot be allocated (past 4 GiB, or out of memory): callers fall
   * back to the JS loops.
   */
  constructor(data: Float32Array | RowReader, offsets: ArrayLike<number>, readonly N: number, readonly delays: number, maxC: number) {
    if (!wasmSimdAvailable()) throw new Error('WebAssembly SIMD is not available');
    const Ttot = offsets.length;
    const Cmax = (delays + 1) * HankelProducts.blockCols(maxC);
    this.r2 = N * Cmax;
    this.scratch = (N + Ttot) * Cmax;
    this.arena = new Float32Arena(Ttot * N, undefined, (N + Ttot + 1) * Cmax);
    const f = this.arena.f32;
    this.norms = new Float64Array(Ttot);
    for (let S = 0; S < Ttot; S++) {
      const x = f.subarray(S * N, S * N + N);
      if (data instanceof Float32Array) x.set(data.subarray(offsets[S], offsets[S] + N));
      else data.read(offsets[S], 0, x);
      let nn = 0;
      for (let i = 0; i < N; i++) nn += x[i] ** 2;
      this.norms[S] = nn;
    }
    this.Ttot = Ttot;
  }

  readonly Ttot: number;
  readonly norms: Float64Array;

  /** Columns per delay block for c columns. */
  static blockCols(c: number): number { return Math.ceil(c / 4) * 4; }

  /**
   * D = X·B. `fillB(B, cp)` writes B (N × (d+1)·cp, row-major, zero padding already in place) into the view it is
   * given; the result is a view of Ttot × (d+1)·cp float64 (valid until the next call).
   */
  mulX(c: number, fillB: (B: Float64Array, cp: number) => void): Float64Array {
    const { N, Ttot, arena } = this, cp = HankelProducts.blockCols(c), C = (this.delays + 1) * cp;
    const B = arena.f64.subarray(this.r1, this.r1 + N * C), D = arena.f64.subarray(this.r2, this.r2 + Ttot * C);
    B.fill(0); D.fill(0);
    fillB(B, cp);
    for (let ib = 0; ib < N; ib += IB) {
      const K = Math.min(IB, N - ib);
      for (let S = 0; S < Ttot; S += 2) {
        const two = S + 1 < Ttot, S1 = two ? S + 1 : S;
        for (let cb = 0; cb < C; cb += 8) {
          const out = this.r2 + S * C + cb;
          arena.mulAcc(K, S * N + ib, S1 * N + ib, 1, this.r1 + ib * C + cb, C, out, two ? C : this.scratch - out, cb + 8 <= C ? 8 : 4);
        }
      }
    }
    return D;
  }

  /**
   * Z = Xᵀ·W. `fillW(W, cp)` writes W (Ttot × (d+1)·cp, zero padding in place); the result is a view of
   * N × (d+1)·cp float64 (valid until the next call).
   */
  mulXt(c: number, fillW: (W: Float64Array, cp: number) => void): Float64Array {
    const { N, Ttot, arena } = this, cp = HankelProducts.blockCols(c), C = (this.delays + 1) * cp;
    const W = arena.f64.subarray(this.r2, this.r2 + Ttot * C), Z = arena.f64.subarray(this.r1, this.r1 + N * C);
    W.fill(0); Z.fill(0);
    fillW(W, cp);
    for (let S0 = 0; S0 < Ttot; S0 += SB) {
      const K = Math.min(SB, Ttot - S0);
      for (let i = 0; i < N; i += 2) {
        const two = i + 1 < N, i1 = two ? i + 1 : i;
        for (let cb = 0; cb < C; cb += 8) {
          const out = this.r1 + i * C + cb;
          arena.mulAcc(K, S0 * N + i, S0 * N + i1, N, this.r2 + S0 * C + cb, C, out, two ? C : this.scratch - out, cb + 8 <= C ? 8 : 4);
        }
      }
    }
    return Z;
  }
}
