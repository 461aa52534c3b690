/**
 * A WebAssembly SIMD inner-product kernel with the engine's numerical contract (float32 storage, float64
 * accumulation) that does two float64 multiply-adds per instruction: 6–12× the scalar JS kernel in gram.ts
 * (docs/benchmarks.md). gram.ts remains the reference and the fallback.
 *
 * Kernels: `dot4` (one vector against 4 rows: SnapshotWindow's push, `dotRows`); `tile`, a register-blocked R×C
 * block of inner products on float32 data (GRAM_TILE = 2×4, `Float32Arena.gramAccumulate`, 1.2–1.3× dot4 in the
 * batch Gram); `tile64`, the same on float64 data, which the batch Gram uses (gram.ts packs each column block
 * promoted to float64, `Float64Arena.gramAccumulate`: no promotes in the kernel, 1.2–1.3× `tile`, bit for bit its
 * results), and `strip64`, a row of tile64's tiles in one call; `mm`/`mm4`, float32 × float64 products (the
 * randomized route).
 *
 * Why hand-assembled, and how `WebAssembly` is reached without DOM/Node types: wasmAsm.ts.
 *
 * Why an arena: wasm code reads only its own linear memory, so the data must live in a `WebAssembly.Memory`.
 * `Float32Arena` owns one of fixed size (never grown, so its buffer and views stay valid) and hands out a
 * Float32Array view of it; callers store their rows there and ask for inner products by float32-element offset.
 */
import {
  F32_LOAD, F64_ADD, F64_PROMOTE_F32, F64_STORE, F64X2_ADD, F64X2_MUL, F64X2_SPLAT, I32, I32_ADD, I32_CONST, I32_LT_U,
  I32_MUL, I32_SUB, LOCAL_TEE, PROMOTE, V128, V128_ZERO, compileModule, get, lane, load64zero, name, section, set,
  sleb, uleb, v128load, v128store, vec, type WasmApi,
} from './wasmAsm';

/** dot4(x, r0, r1, r2, r3, nbytes, out): see dot4Body. All arguments are byte addresses / counts (i32, unsigned). */
type Dot4 = (x: number, r0: number, r1: number, r2: number, r3: number, nbytes: number, out: number) => void;

/**
 * dot4(x, r0, r1, r2, r3, nbytes, out): out[q] = Σ_k x[k]·r_q[k] for q < 4, float32 data at byte addresses x, r_q,
 * nbytes a positive multiple of 16 (4 floats per iteration), four float64 results stored at byte address `out`.
 *
 * Per iteration (byte offset k): xa = promote(x[k], x[k+1]), xb = promote(x[k+2], x[k+3]) as f64x2 pairs, loaded once
 * for the four rows; then for each row q: a_q += xa·promote(r_q[k..k+1]), b_q += xb·promote(r_q[k+2..k+3]). Eight
 * independent f64x2 accumulators hide the add latency. At the end out[q] = lane0(a_q + b_q) + lane1(a_q + b_q).
 */
function dot4Body(): number[] {
  // params 0..6: x r0 r1 r2 r3 nbytes out; locals: 7 = k (i32, starts at 0); 8..11 = a0..a3, 12..15 = b0..b3,
  // 16 = xa, 17 = xb (v128, start at zero)
  const A = (q: number) => 8 + q, B = (q: number) => 12 + q, XA = 16, XB = 17, K = 7, NBYTES = 5, OUT = 6;
  const c: number[] = [];
  c.push(0x03, 0x40);                                                                    // loop (no result)
  c.push(...get(0), ...get(K), I32_ADD, ...load64zero(0), ...PROMOTE, ...set(XA));       //   xa = x[k..k+1]
  c.push(...get(0), ...get(K), I32_ADD, ...load64zero(8), ...PROMOTE, ...set(XB));       //   xb = x[k+2..k+3]
  for (let q = 0; q < 4; q++) {
    c.push(...get(A(q)), ...get(XA), ...get(1 + q), ...get(K), I32_ADD, ...load64zero(0), ...PROMOTE,
      ...F64X2_MUL, ...F64X2_ADD, ...set(A(q)));                                        //   a_q += xa·r_q[k..k+1]
    c.push(...get(B(q)), ...get(XB), ...get(1 + q), ...get(K), I32_ADD, ...load64zero(8), ...PROMOTE,
      ...F64X2_MUL, ...F64X2_ADD, ...set(B(q)));                                        //   b_q += xb·r_q[k+2..k+3]
  }
  c.push(...get(K), I32_CONST, ...sleb(16), I32_ADD, LOCAL_TEE, ...uleb(K));             //   k += 16
  c.push(...get(NBYTES), I32_LT_U, 0x0d, 0x00);                                          //   br_if 0 (k < nbytes)
  c.push(0x0b);                                                                          // end loop
  for (let q = 0; q < 4; q++) {
    c.push(...get(OUT));                                                                 // store address
    c.push(...get(A(q)), ...get(B(q)), ...F64X2_ADD, ...set(A(q)));                      // a_q += b_q
    c.push(...get(A(q)), ...lane(0), ...get(A(q)), ...lane(1), F64_ADD);                 // lane 0 + lane 1
    c.push(F64_STORE, 3, ...uleb(8 * q));                                                // f64.store out + 8q
  }
  c.push(0x0b);                                                                          // end function
  const body = [...vec([[1, I32], [10, V128]]), ...c];                                   // locals: 1 i32, 10 v128
  return [...uleb(body.length), ...body];
}

/**
 * tile(nbytes, out, x_0 … x_{R−1}, r_0 … r_{C−1}): the R×C block of inner products out[a·C + b] = Σ_k x_a[k]·r_b[k]
 * (float32 data at byte addresses x_a, r_b; nbytes a positive multiple of 8·unroll; R·C float64 results stored at
 * byte address `out`, row-major).
 *
 * With `f64` (the `tile64` export): the same on float64 data (nbytes a positive multiple of 16·unroll), each pair a
 * plain v128.load. Promoting a float32 to float64 is exact, so on float32 values stored as float64 every f64x2
 * product and sum is the one `tile` computes and the results are bit-identical; the promotes (R + C per step, which
 * compete with the R·C multiplies and adds for the FP pipes) are done once per value when the caller packs the data
 * instead of once per tile that reads it: in one L1-resident 2×4 tile 5.9 cycles per step instead of 7.9 (docs/benchmarks.md).
 *
 * Register blocking: per step of two floats, each x_a pair and each r_b pair is loaded and promoted once and used C
 * (resp. R) times, so an R×C tile does R·C f64x2 multiply-adds for R + C loads, where dot4 (a 1×4 tile) does 4 for 5.
 * One f64x2 accumulator per product (R·C of them, independent chains); `unroll` steps per loop iteration share the
 * address arithmetic (the second step reads at immediate offset 8). R·C + R + 2 live v128 values must fit the 16 SIMD
 * registers of x86-64 / 32 of arm64 for the kernel to run without spills (2×4: 12). V8's TurboFan (Node 20) hoists
 * the C loads of a step ahead of its multiplies, so R·C + R + C + 1 are live: 2×4 (15) fits the 15 it allocates on
 * x86-64; 2×5, 3×4, 2×6, 3×3 and 2×4 unrolled twice spill accumulators in the loop and ran 1.25–1.9× slower on float64 data.
 */
function tileBody(R: number, C: number, unroll: number, f64 = false): number[] {
  // params: 0 nbytes, 1 out, 2..R+1 x_a, R+2..R+C+1 r_b; locals: K (i32), then R·C accumulators, R x values, Y
  const NBYTES = 0, OUT = 1, XP = 2, RP = 2 + R, K = R + C + 2;
  const ACC = (a: number, b: number) => K + 1 + a * C + b, X = (a: number) => K + 1 + R * C + a, Y = K + 1 + R * C + R;
  const stepBytes = f64 ? 16 : 8;                                                        // one f64x2 pair of values
  const c: number[] = [];
  c.push(0x03, 0x40);                                                                    // loop (no result)
  for (let u = 0; u < unroll; u++) {
    const ld = f64 ? v128load(16 * u) : [...load64zero(8 * u), ...PROMOTE];
    for (let a = 0; a < R; a++) c.push(...get(XP + a), ...get(K), I32_ADD, ...ld, ...set(X(a)));
    for (let b = 0; b < C; b++) {
      c.push(...get(RP + b), ...get(K), I32_ADD, ...ld, ...set(Y));                      //   y = r_b[k..k+1]
      for (let a = 0; a < R; a++) {
        c.push(...get(ACC(a, b)), ...get(X(a)), ...get(Y), ...F64X2_MUL, ...F64X2_ADD, ...set(ACC(a, b)));
      }
    }
  }
  c.push(...get(K), I32_CONST, ...sleb(stepBytes * unroll), I32_ADD, LOCAL_TEE, ...uleb(K)); //   k += step·unroll
  c.push(...get(NBYTES), I32_LT_U, 0x0d, 0x00);                                          //   br_if 0 (k < nbytes)
  c.push(0x0b);                                                                          // end loop
  for (let a = 0; a < R; a++) {
    for (let b = 0; b < C; b++) {
      c.push(...get(OUT));
      c.push(...get(ACC(a, b)), ...lane(0), ...get(ACC(a, b)), ...lane(1), F64_ADD);
      c.push(F64_STORE, 3, ...uleb(8 * (a * C + b)));
    }
  }
  c.push(0x0b);
  const body = [...vec([[1, I32], [R * C + R + 1, V128]]), ...c];
  return [...uleb(body.length), ...body];
}


/**
 * strip64(nbytes, out, x_0 … x_{R−1}, rbase, rstride, count): `count` consecutive R×C tiles of tile64 in one call,
 * the tile t against the C float64 rows at byte addresses rbase + (t·C + b)·rstride, its R·C results stored row-major
 * at out + 8·R·C·t. Each tile is exactly tile64's (the same loop, accumulators and lane sums), so the results are bit
 * for bit the ones `count` calls of tile64 give; what it saves is a JS → wasm call, the address setup and the result
 * read-back per tile (~0.6 s of a 1024 × 100k Gram's 7–8 s in a CPU profile, tiledUpper). count ≥ 1.
 */
function stripBody(R: number, C: number, unroll: number): number[] {
  const NBYTES = 0, OUT = 1, XP = 2, RBASE = 2 + R, RSTRIDE = 3 + R, COUNT = 4 + R;
  const K = R + 5, T = R + 6, RP = (b: number) => R + 7 + b;
  const V0 = R + 7 + C, ACC = (a: number, b: number) => V0 + a * C + b, X = (a: number) => V0 + R * C + a, Y = V0 + R * C + R;
  const c: number[] = [];
  c.push(0x03, 0x40);                                                                    // loop over tiles
  for (let b = 0; b < C; b++) {                                                          //   r_b = rbase + b·rstride
    c.push(...get(RBASE));
    if (b > 0) c.push(...get(RSTRIDE), I32_CONST, ...sleb(b), I32_MUL, I32_ADD);
    c.push(...set(RP(b)));
  }
  for (let a = 0; a < R; a++) for (let b = 0; b < C; b++) c.push(...V128_ZERO, ...set(ACC(a, b)));
  c.push(I32_CONST, 0, ...set(K));                                                       //   k = 0
  c.push(0x03, 0x40);                                                                    //   loop over k (as tileBody)
  for (let u = 0; u < unroll; u++) {
    const ld = v128load(16 * u);
    for (let a = 0; a < R; a++) c.push(...get(XP + a), ...get(K), I32_ADD, ...ld, ...set(X(a)));
    for (let b = 0; b < C; b++) {
      c.push(...get(RP(b)), ...get(K), I32_ADD, ...ld, ...set(Y));
      for (let a = 0; a < R; a++) {
        c.push(...get(ACC(a, b)), ...get(X(a)), ...get(Y), ...F64X2_MUL, ...F64X2_ADD, ...set(ACC(a, b)));
      }
    }
  }
  c.push(...get(K), I32_CONST, ...sleb(16 * unroll), I32_ADD, LOCAL_TEE, ...uleb(K));
  c.push(...get(NBYTES), I32_LT_U, 0x0d, 0x00, 0x0b);                                   //   br_if (k < nbytes); end
  for (let a = 0; a < R; a++) {
    for (let b = 0; b < C; b++) {
      c.push(...get(OUT));
      c.push(...get(ACC(a, b)), ...lane(0), ...get(ACC(a, b)), ...lane(1), F64_ADD);
      c.push(F64_STORE, 3, ...uleb(8 * (a * C + b)));
    }
  }
  c.push(...get(OUT), I32_CONST, ...sleb(8 * R * C), I32_ADD, ...set(OUT));              //   out += 8·R·C
  c.push(...get(RBASE), ...get(RSTRIDE), I32_CONST, ...sleb(C), I32_MUL, I32_ADD, ...set(RBASE)); // rbase += C·rstride
  c.push(...get(T), I32_CONST, 1, I32_ADD, LOCAL_TEE, ...uleb(T));                       //   t += 1
  c.push(...get(COUNT), I32_LT_U, 0x0d, 0x00, 0x0b, 0x0b);                               //   br_if (t < count); end; end
  const body = [...vec([[2 + C, I32], [R * C + R + 1, V128]]), ...c];
  return [...uleb(body.length), ...body];
}

/**
 * mm(K, astride, a0, a1, b, bstride, out, ostride): a 2×8 block of a float32 × float64 matrix product, accumulated:
 *     out_r[c] += Σ_{k<K} A_r[k] · B_k[c]   for r < 2, c < 8,
 * where A_r[k] is the float32 at byte address a_r + k·astride (a row of snapshots: astride = 4; a column of them:
 * astride = 4·N), B_k[c] the float64 at b + k·bstride + 8c, and out_r[c] the float64 at out + r·ostride + 8c. K ≥ 1.
 * All arguments are byte addresses / strides (i32; a negative ostride wraps, which is what it should do).
 *
 * Per k: A_0[k], A_1[k] promoted and splat to f64x2 (x0, x1), four f64x2 loads of B_k, eight multiply-adds into eight
 * accumulators (each lane sums over k in order, as the JS loops of randomized.ts did). 8 + 3 live v128 values.
 * The randomized route's products X·V and Xᵀ·U are made of these (randomized.ts).
 */
function mmBody(P = 4): number[] {
  // P f64x2 column pairs per row (mm: P = 4, 8 columns; mm4: P = 2, 4 columns, for widths ≡ 4 mod 8)
  const K = 0, AS = 1, A0 = 2, A1 = 3, B = 4, BS = 5, OUT = 6, OS = 7;
  const ACC = (r: number, p: number) => 8 + r * P + p, X = (r: number) => 8 + 2 * P + r, Y = 8 + 2 * P + 2;
  const c: number[] = [];
  c.push(0x03, 0x40);                                                                    // loop
  for (let r = 0; r < 2; r++) {
    c.push(...get(r === 0 ? A0 : A1), F32_LOAD, 2, 0, F64_PROMOTE_F32, ...F64X2_SPLAT, ...set(X(r)));
  }
  for (let p = 0; p < P; p++) {
    c.push(...get(B), ...v128load(16 * p), ...set(Y));
    for (let r = 0; r < 2; r++) c.push(...get(ACC(r, p)), ...get(X(r)), ...get(Y), ...F64X2_MUL, ...F64X2_ADD, ...set(ACC(r, p)));
  }
  c.push(...get(A0), ...get(AS), I32_ADD, ...set(A0));
  c.push(...get(A1), ...get(AS), I32_ADD, ...set(A1));
  c.push(...get(B), ...get(BS), I32_ADD, ...set(B));
  c.push(...get(K), I32_CONST, ...sleb(1), I32_SUB, LOCAL_TEE, ...uleb(K), 0x0d, 0x00);  // br_if 0 (--K ≠ 0)
  c.push(0x0b);                                                                          // end loop
  for (let r = 0; r < 2; r++) {
    const addr = r === 0 ? [...get(OUT)] : [...get(OUT), ...get(OS), I32_ADD];
    for (let p = 0; p < P; p++) {
      c.push(...addr, ...addr, ...v128load(16 * p), ...get(ACC(r, p)), ...F64X2_ADD, ...v128store(16 * p));
    }
  }
  c.push(0x0b);
  const body = [...vec([[2 * P + 3, V128]]), ...c];
  return [...uleb(body.length), ...body];
}

/** A register-blocked kernel of the module: its export name, tile shape and unroll (see tileBody). */
export interface TileShape { R: number; C: number; unroll: number }
/** The tile of `Float32Arena.gramAccumulate` (float32 data, promoted in the kernel). */
export const GRAM_TILE: TileShape = { R: 2, C: 4, unroll: 1 };
/** The tile the batch Gram uses, on float64 data (`Float64Arena.gramAccumulate`; bench/gram-candidates.ts, docs/benchmarks.md). */
export const GRAM_TILE64: TileShape = { R: 2, C: 4, unroll: 1 };

/**
 * The module: imports memory `env.mem`, exports `dot4` (7 × i32), `tile` (float32 data, R + C + 2 × i32), `mm` and
 * `mm4` (8 × i32), `tile64` (float64 data, R + C + 2 × i32 of its own shape), no results.
 */
function moduleBytes(tile: TileShape = GRAM_TILE, tile64: TileShape = GRAM_TILE64): Uint8Array {
  const nt = tile.R + tile.C + 2, nt64 = tile64.R + tile64.C + 2;
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                                      // magic, version 1
    ...section(1, vec([                                                                   // types 0 (dot4), 1 (tile), 2 (mm), 3 (tile64), 4 (strip64)
      [0x60, ...vec(Array.from({ length: 7 }, () => [I32])), ...vec([])],
      [0x60, ...vec(Array.from({ length: nt }, () => [I32])), ...vec([])],
      [0x60, ...vec(Array.from({ length: 8 }, () => [I32])), ...vec([])],
      [0x60, ...vec(Array.from({ length: nt64 }, () => [I32])), ...vec([])],
      [0x60, ...vec(Array.from({ length: tile64.R + 5 }, () => [I32])), ...vec([])],
    ])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]])),             // import memory, min 1 page
    ...section(3, vec([[0], [1], [2], [2], [3], [4]])),                                   // functions 0 … 5
    ...section(7, vec([[...name('dot4'), 0x00, 0x00], [...name('tile'), 0x00, 0x01], [...name('mm'), 0x00, 0x02],
      [...name('mm4'), 0x00, 0x03], [...name('tile64'), 0x00, 0x04], [...name('strip64'), 0x00, 0x05]])),
    ...section(10, vec([dot4Body(), tileBody(tile.R, tile.C, tile.unroll), mmBody(4), mmBody(2),
      tileBody(tile64.R, tile64.C, tile64.unroll, true), stripBody(tile64.R, tile64.C, tile64.unroll)])), // code
  ]);
}

// ------------------------------------------------------------------------------------------------ detection
let compiled: { api: WasmApi; module: object } | null | undefined;

function load(): { api: WasmApi; module: object } | null {
  if (compiled !== undefined) return compiled;
  compiled = compile(GRAM_TILE, GRAM_TILE64);
  return compiled;
}

function compile(tile: TileShape, tile64: TileShape): { api: WasmApi; module: object } | null {
  return compileModule(moduleBytes(tile, tile64));
}

/** Whether WebAssembly with fixed-width SIMD can be used here (checked once, then cached). */
export function wasmSimdAvailable(): boolean { return load() !== null; }

/** A caller of the tile kernel with its exact arity (a spread call or a mismatched arity is slower in V8). */
function callTile(fn: (...a: number[]) => void, k: number): (nb: number, out: number, p: Int32Array) => void {
  switch (k) {
    case 2: return (nb, out, p) => fn(nb, out, p[0], p[1]);
    case 3: return (nb, out, p) => fn(nb, out, p[0], p[1], p[2]);
    case 4: return (nb, out, p) => fn(nb, out, p[0], p[1], p[2], p[3]);
    case 5: return (nb, out, p) => fn(nb, out, p[0], p[1], p[2], p[3], p[4]);
    case 6: return (nb, out, p) => fn(nb, out, p[0], p[1], p[2], p[3], p[4], p[5]);
    case 7: return (nb, out, p) => fn(nb, out, p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
    case 8: return (nb, out, p) => fn(nb, out, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    case 9: return (nb, out, p) => fn(nb, out, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
    case 10: return (nb, out, p) => fn(nb, out, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]);
    default: return (nb, out, p) => fn(nb, out, ...Array.from(p.subarray(0, k)));
  }
}

// ------------------------------------------------------------------------------------------------ arena
const PAGE = 65536;
/** wasm32 memories hold at most 65536 pages of 64 KiB = 4 GiB. */
export const MAX_WASM_PAGES = 65536;
/** Bytes 0..255 receive the kernels' results (dot4: 4, tile: R·C ≤ 32 float64); data starts at byte 256. */
const OUT_PTR = 0, DATA_BASE = 256;
/** The most float32 values one arena can hold. */
export const ARENA_MAX_FLOATS = (MAX_WASM_PAGES * PAGE - DATA_BASE) / 4;

/** Pages of memory an arena of `floats` values of `bytesPer` bytes (float32: 4, float64: 8) needs; a clear Error beyond the 4 GiB wasm32 limit. */
export function arenaPages(floats: number, bytesPer: 4 | 8 = 4): number {
  const kind = bytesPer === 4 ? 'float32' : 'float64';
  if (!(Number.isInteger(floats) && floats >= 0)) throw new Error(`arena size must be a whole number of ${kind} values, got ${floats}`);
  if (floats > (MAX_WASM_PAGES * PAGE - DATA_BASE) / bytesPer) {
    throw new Error(`a WebAssembly arena of ${floats} ${kind} values (${(floats * bytesPer / 2 ** 30).toFixed(2)} GiB) exceeds ` +
      `the 4 GiB limit of a WebAssembly memory (65536 pages of 64 KiB)`);
  }
  return Math.max(1, Math.ceil((DATA_BASE + bytesPer * floats) / PAGE));
}

function checkTile(tile: TileShape): void {
  if (!(tile.R >= 1 && tile.C >= 1 && tile.R * tile.C <= 32 && tile.R + tile.C <= 12 && (tile.unroll === 1 || tile.unroll === 2))) {
    throw new Error(`unsupported tile ${JSON.stringify(tile)}`);
  }
}

/** The arguments of both `gramAccumulate`s: the rows fit an arena of `length` values, the row range fits the tile. */
function checkGramArgs(M: number, w: number, n: number, G: Float64Array, rowStart: number, rowEnd: number, length: number, R: number): void {
  if (!(M >= 1 && n >= 0 && n <= w && (M - 1 - rowStart) * w + n <= length)) {
    throw new RangeError(`${M} rows of ${n} (stride ${w}) do not fit the arena (${length})`);
  }
  if (!(rowStart % R === 0 && 0 <= rowStart && rowStart <= rowEnd && rowEnd <= M)) {
    throw new RangeError(`row range [${rowStart}, ${rowEnd}) must start at a multiple of ${R} within [0, ${M}]`);
  }
  if (G.length < M * M) throw new RangeError(`G holds ${G.length} values, needs ${M * M}`);
}

/** Tiles per strip64 call (its results area: STRIP_TILES · R·C ≤ 32 float64 after the arena's data). */
const STRIP_TILES = 256;

/** Float64Arena's strip64: the caller of its exact arity, and its results area (byte address and view). */
interface Strip { call: (nb: number, out: number, p: Int32Array, rbase: number, rstride: number, count: number) => void; ptr: number; res: Float64Array }

/** A caller of strip64 with its exact arity for R rows (a spread call or a mismatched arity is slower in V8). */
function callStrip(fn: (...a: number[]) => void, R: number): Strip['call'] {
  switch (R) {
    case 1: return (nb, out, p, rb, rs, cnt) => fn(nb, out, p[0], rb, rs, cnt);
    case 2: return (nb, out, p, rb, rs, cnt) => fn(nb, out, p[0], p[1], rb, rs, cnt);
    case 3: return (nb, out, p, rb, rs, cnt) => fn(nb, out, p[0], p[1], p[2], rb, rs, cnt);
    default: return (nb, out, p, rb, rs, cnt) => fn(nb, out, ...Array.from(p.subarray(0, R)), rb, rs, cnt);
  }
}

/**
 * The whole tiles j0 = from, from + C, … < to of the row strip i0 … i0 + R − 1 through strip64, STRIP_TILES per call,
 * each result added to G as tiledUpper adds a tile's (every entry once per column block: the same sums, bit for bit).
 */
function stripTiles(
  strip: Strip, nb: number, p: Int32Array, rowAddr: (i: number) => number, i0: number, from: number, to: number,
  R: number, C: number, M: number, rowBytes: number, G: Float64Array,
): void {
  const res = strip.res, RC = R * C;
  for (let j0 = from; j0 < to; j0 += STRIP_TILES * C) {
    const count = Math.min(STRIP_TILES, (to - j0) / C);
    strip.call(nb, strip.ptr, p, rowAddr(j0), rowBytes, count);
    for (let a = 0; a < R; a++) {
      const g = (i0 + a) * M + j0;
      for (let t = 0; t < count; t++) {
        const o = t * RC + a * C, gt = g + t * C;
        for (let b = 0; b < C; b++) G[gt + b] += res[o + b];
      }
    }
  }
}

/**
 * The tile driver of both `gramAccumulate`s (arguments checked by the caller, n ≥ 1): rows i ≥ rowStart stored at
 * f[(i − rowStart)·w] of the arena's data (byte address DATA_BASE + bytesPer·index), R×C tiles of `fn` over rows
 * [rowStart, rowEnd) of the upper triangle, the n mod (2·unroll) tail columns in JS, results read from `res`.
 */
function tiledUpper(
  tile: TileShape, bytesPer: number, fn: (...args: number[]) => void, f: Float32Array | Float64Array, res: Float64Array,
  M: number, w: number, n: number, G: Float64Array, rowStart: number, rowEnd: number, strip?: Strip,
): void {
  const { R, C, unroll } = tile;
  const last = M - 1;
  const step = 2 * unroll, nv = n - (n % step), nb = nv * bytesPer;
  const p = new Int32Array(12);                                   // the tile's R + C ≤ 12 byte addresses
  const call = callTile(fn, R + C);
  const r0 = rowStart;
  const rowAddr = (i: number) => DATA_BASE + bytesPer * (i - r0) * w;
  // the first tile from which no entry lies below the diagonal (j ≥ i for all R rows): from there on, the whole
  // tiles of a row strip can go to `strip` (no tail columns, all R rows in range); the others are done one by one
  const skip = C * Math.ceil((R - 1) / C);
  for (let i0 = rowStart; i0 < rowEnd; i0 += R) {
    for (let a = 0; a < R; a++) p[a] = rowAddr(i0 + a <= last ? i0 + a : last);
    let stripFrom = M, stripTo = M; // tiles with j0 in [stripFrom, stripTo) go to the strip kernel
    if (strip && nb > 0 && nv === n && i0 + R - 1 <= last && i0 + R - 1 < rowEnd) {
      stripFrom = i0 + skip;
      stripTo = stripFrom + C * Math.max(0, Math.floor((M - stripFrom) / C));
    }
    for (let j0 = i0; j0 < M; j0 += C) {
      if (j0 === stripFrom && stripTo > stripFrom) {
        stripTiles(strip!, nb, p, rowAddr, i0, j0, stripTo, R, C, M, w * bytesPer, G);
        j0 = stripTo - C;
        continue;
      }
      for (let b = 0; b < C; b++) p[R + b] = rowAddr(j0 + b <= last ? j0 + b : last);
      if (nb > 0) call(nb, OUT_PTR, p);
      for (let a = 0; a < R && i0 + a <= last && i0 + a < rowEnd; a++) {
        const i = i0 + a, xo = (i - r0) * w;
        for (let b = 0; b < C && j0 + b <= last; b++) {
          const j = j0 + b;
          if (j < i) continue;
          let s = nb > 0 ? res[a * C + b] : 0;
          const yo = (j - r0) * w;
          for (let k = nv; k < n; k++) s += f[xo + k] * f[yo + k];
          G[i * M + j] += s;
        }
      }
    }
  }
}

/**
 * `length` float32 values in a fixed-size WebAssembly.Memory (`f32` is the view to store them in) plus the SIMD dot
 * kernel over them. Throws if wasm SIMD is unavailable (check `wasmSimdAvailable()`), past 4 GiB, or when the engine
 * cannot allocate the memory (a RangeError).
 */
export class Float32Arena {
  readonly length: number;
  /** The arena's values: float32 element offsets below are indices into this view. */
  readonly f32: Float32Array;
  /** The register tile of `gramAccumulate` (GRAM_TILE unless another was asked for, e.g. by a benchmark). */
  readonly tile: TileShape;
  /**
   * A float64 workspace after the float32 values (`extraF64` values, 16-byte aligned; empty unless asked for): the
   * operands B and results of `mulAcc`, by float64 element offset.
   */
  readonly f64: Float64Array;
  private readonly f64Base: number;
  private readonly res: Float64Array;
  private readonly mm: (K: number, as: number, a0: number, a1: number, b: number, bs: number, out: number, os: number) => void;
  private readonly mm4: Float32Arena['mm'];
  private readonly dot4: Dot4;
  private readonly tileFn: (...args: number[]) => void;

  constructor(length: number, tile?: TileShape, extraF64 = 0) {
    const f64Floats = extraF64 > 0 ? Math.ceil((4 * length + 15) / 16) * 4 - length + 2 * extraF64 : 0;
    const pages = arenaPages(length + f64Floats);
    if (tile) checkTile(tile);
    const wasm = tile ? compile(tile, GRAM_TILE64) : load();
    if (!wasm) throw new Error('WebAssembly SIMD is not available in this environment');
    const memory = new wasm.api.Memory({ initial: pages, maximum: pages });
    const instance = new wasm.api.Instance(wasm.module, { env: { mem: memory } });
    this.dot4 = instance.exports.dot4 as Dot4;
    this.mm = instance.exports.mm as Float32Arena['mm'];
    this.mm4 = instance.exports.mm4 as Float32Arena['mm'];
    this.f64Base = DATA_BASE + Math.ceil((4 * length) / 16) * 16;
    this.f64 = new Float64Array(memory.buffer, this.f64Base, extraF64);
    this.tileFn = instance.exports.tile as (...args: number[]) => void;
    this.tile = tile ?? GRAM_TILE;
    this.length = length;
    this.f32 = new Float32Array(memory.buffer, DATA_BASE, length);
    this.res = new Float64Array(memory.buffer, OUT_PTR, 32);
  }

  /**
   * Adds the upper triangle (j ≥ i) of the Gram of M rows stored at f32[i·w, i·w + n) (row stride w ≥ n) into the
   * row-major M×M float64 G: G[i·M + j] += ⟨row_i, row_j⟩ for i ≤ j < M; the lower triangle is left as it is.
   * Same contract as gram.ts dotRows (float64 accumulation; summation order differs, ~1e-15 relative).
   *
   * The triangle is covered by R×C tiles (this.tile): rows i0 … i0+R−1 against columns j0 … j0+C−1 for j0 = i0,
   * i0+C, …; indices past M repeat the last row and their results are dropped. With a row range [rowStart, rowEnd)
   * (rowStart a multiple of R) only the tiles of those rows run, on the same tiles and sums as the full triangle, so
   * threads that split the rows produce bit-identical entries; then only rows rowStart … M−1 need be stored. The tile kernel takes the first
   * n − n mod (2·unroll) columns, the rest are added in JS.
   */
  gramAccumulate(M: number, w: number, n: number, G: Float64Array, rowStart = 0, rowEnd = M): void {
    // rows from `rowStart` on are stored, row i at f32[(i − rowStart)·w]; tiles cover rows [rowStart, rowEnd) only
    checkGramArgs(M, w, n, G, rowStart, rowEnd, this.length, this.tile.R);
    tiledUpper(this.tile, 4, this.tileFn, this.f32, this.res, M, w, n, G, rowStart, rowEnd);
  }

  /**
   * out_r[c] += Σ_{k<K} A_r[k]·B_k[c] for r < 2, c < `cols` (8: the `mm` kernel, 4: `mm4`): A_r[k] = f32[a_r + k·aStride],
   * B_k[c] = f64[b + k·bStride + c], out_r[c] = f64[out + r·oStride + c] (element offsets into `f32` and `f64`).
   * Float64 accumulation; each out entry sums its K products in k order, then is added to out. Offsets are not
   * checked here (the hot loop of the randomized route calls it ~10⁶ times): the caller keeps them inside the views.
   */
  mulAcc(K: number, a0: number, a1: number, aStride: number, b: number, bStride: number, out: number, oStride: number, cols: 8 | 4 = 8): void {
    if (K <= 0) return;
    const fb = this.f64Base;
    (cols === 8 ? this.mm : this.mm4)(K, 4 * aStride, DATA_BASE + 4 * a0, DATA_BASE + 4 * a1, fb + 8 * b, 8 * bStride, fb + 8 * out, 8 * oStride);
  }

  /** Bytes of the arena's memory (whole 64 KiB pages). */
  get byteLength(): number { return this.f32.buffer.byteLength; }

  /**
   * out[j] = ⟨x, row_j⟩ (float64) for j < count, where x = f32[xOff, xOff + n) and row_j = f32[rowOffsets[j], … + n).
   * Same contract as gram.ts dotRows; the summation order differs (results agree to ~1e-15 relative). Rows go to
   * dot4 four at a time (a short last group repeats its last row); the n mod 4 trailing columns are added in JS.
   */
  dotRows(xOff: number, rowOffsets: ArrayLike<number>, count: number, n: number, out: Float64Array): void {
    const f = this.f32, res = this.res, len = this.length;
    if (!(xOff >= 0 && xOff + n <= len)) throw new RangeError(`x [${xOff}, ${xOff + n}) is outside the arena (${len})`);
    const nv = n & ~3, nb = nv * 4, x = DATA_BASE + 4 * xOff, last = count - 1;
    for (let j = 0; j < count; j += 4) {
      const o0 = rowOffsets[j], o1 = rowOffsets[j + 1 <= last ? j + 1 : last];
      const o2 = rowOffsets[j + 2 <= last ? j + 2 : last], o3 = rowOffsets[j + 3 <= last ? j + 3 : last];
      const m = count - j < 4 ? count - j : 4;
      for (let q = 0; q < m; q++) {
        const o = rowOffsets[j + q];
        if (!(o >= 0 && o + n <= len)) throw new RangeError(`row ${j + q} [${o}, ${o + n}) is outside the arena (${len})`);
      }
      if (nb > 0) {
        this.dot4(x, DATA_BASE + 4 * o0, DATA_BASE + 4 * o1, DATA_BASE + 4 * o2, DATA_BASE + 4 * o3, nb, OUT_PTR);
      }
      for (let q = 0; q < m; q++) {
        const o = rowOffsets[j + q];
        let s = nb > 0 ? res[q] : 0;
        for (let k = nv; k < n; k++) s += f[xOff + k] * f[o + k];
        out[j + q] = s;
      }
    }
  }
}


/**
 * `length` float64 values in a fixed-size WebAssembly.Memory (`f64` is the view to store them in) plus the
 * register-tiled Gram kernel `tile64` over them: the batch Gram's arena (gram.ts), which stores each column block of
 * float32 data promoted to float64 (exact) so the kernel does no promotes (GRAM_TILE64; docs/benchmarks.md).
 * Throws as Float32Arena does (no SIMD, past 4 GiB, memory exhausted).
 */
export class Float64Arena {
  readonly length: number;
  /** The arena's values: element offsets below are indices into this view. */
  readonly f64: Float64Array;
  /** The register tile of `gramAccumulate` (GRAM_TILE64 unless another was asked for, e.g. by a benchmark). */
  readonly tile: TileShape;
  private readonly res: Float64Array;
  private readonly tileFn: (...args: number[]) => void;
  private readonly strip: Strip;

  constructor(length: number, tile?: TileShape) {
    const pages = arenaPages(length + STRIP_TILES * 32, 8);
    if (tile) checkTile(tile);
    const wasm = tile ? compile(GRAM_TILE, tile) : load();
    if (!wasm) throw new Error('WebAssembly SIMD is not available in this environment');
    const memory = new wasm.api.Memory({ initial: pages, maximum: pages });
    const instance = new wasm.api.Instance(wasm.module, { env: { mem: memory } });
    this.tileFn = instance.exports.tile64 as (...args: number[]) => void;
    this.tile = tile ?? GRAM_TILE64;
    this.length = length;
    this.f64 = new Float64Array(memory.buffer, DATA_BASE, length);
    this.res = new Float64Array(memory.buffer, OUT_PTR, 32);
    const stripPtr = DATA_BASE + 8 * length; // the strip's results after the data (R·C ≤ 32 per tile)
    this.strip = {
      call: callStrip(instance.exports.strip64 as (...args: number[]) => void, this.tile.R),
      ptr: stripPtr,
      res: new Float64Array(memory.buffer, stripPtr, STRIP_TILES * 32),
    };
  }

  /**
   * Float32Arena.gramAccumulate on float64 rows: adds the upper triangle (j ≥ i) of the Gram of the M rows stored at
   * f64[(i − rowStart)·w, … + n) into G, with the same tiles, row range contract and summation order. On float32
   * values stored here as float64 the results are bit-identical to Float32Arena.gramAccumulate with the same tile
   * shape and unroll (the promote is exact and so is each product of two float32; the adds are the same).
   */
  gramAccumulate(M: number, w: number, n: number, G: Float64Array, rowStart = 0, rowEnd = M): void {
    checkGramArgs(M, w, n, G, rowStart, rowEnd, this.length, this.tile.R);
    if (n === 0) return;
    tiledUpper(this.tile, 8, this.tileFn, this.f64, this.res, M, w, n, G, rowStart, rowEnd, this.strip);
  }
}
