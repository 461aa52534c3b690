/**
 * WebAssembly SIMD kernels for the two O(n³) loops of the Householder tridiagonalisation (symeig.ts tred2), two
 * float64 multiply-adds per instruction where V8's JS does one, on the working matrix held in a WebAssembly memory:
 *
 *   symvRow  — row j's part of p = A·u:   acc += W[k]·u[k] and p[k] += W[k]·f   over pairs of k
 *   syr2Row  — row j's rank-2 update:     W[k] −= f_j·p[k] + g_j·u[k]          over pairs of k
 *   fusedRow — syr2Row of one step, then symvRow of the next step on the updated pairs, in one pass over the row
 *              (symeig.ts reduceFused: at n = 4095 the reduction took 16 s instead of 24–30 s unfused, the matrix
 *              being far out of cache; at n ≤ 2047 within the noise, docs/benchmarks.md section symeig)
 *
 * Each lane does exactly the operations of tred2's scalar loops in the same order (no fused multiply-add exists in
 * wasm SIMD, and V8 never contracts JS's a·b + c either), and symvRow's two lanes are tred2's two partial sums g0 (even
 * k − j − 1) and g1 (odd), so the reduction, and every eigenvalue and eigenvector after it, is bit-identical to the JS
 * loops (test/linalg/symeig.test.ts compares both). The callers do the odd last element of a row in JS.
 *
 * Why by hand: no maintained npm package offers a flat-array symmetric eigensolver (see symeig.ts), let alone a SIMD
 * one; the kernels are loops of a dozen instructions each (assembler: wasmAsm.ts).
 */
import {
  F64, F64X2_ADD, F64X2_MUL, F64X2_SPLAT, F64X2_SUB, I32, I32_ADD, I32_CONST, I32_LT_U, LOCAL_TEE, V128, compileModule,
  get, name, replaceLane, section, set, sleb, uleb, v128load, v128store, vec,
} from './wasmAsm';

/**
 * symvRow(w, d, e, nbytes, f, g0, g1, out): for byte offsets k = 0, 16, … < nbytes (a positive multiple of 16), with
 * W = the float64 pair at w + k, D at d + k, E at e + k:  acc += W·D;  E ← E + W·f.  acc starts as (g0, g1) and
 * is stored as two float64 at byte address `out`.
 */
function symvBody(): number[] {
  const W = 0, D = 1, E = 2, NB = 3, F = 4, G0 = 5, G1 = 6, OUT = 7, K = 8, ACC = 9, FV = 10, WV = 11;
  const at = (p: number) => [...get(p), ...get(K), I32_ADD];
  const c: number[] = [];
  c.push(...get(G0), ...F64X2_SPLAT, ...get(G1), ...replaceLane(1), ...set(ACC));        // acc = (g0, g1)
  c.push(...get(F), ...F64X2_SPLAT, ...set(FV));                                          // fv = (f, f)
  c.push(0x03, 0x40);                                                                     // loop
  c.push(...at(W), ...v128load(0), ...set(WV));                                           //   wv = W[k..k+1]
  c.push(...get(ACC), ...get(WV), ...at(D), ...v128load(0), ...F64X2_MUL, ...F64X2_ADD, ...set(ACC)); // acc += wv·d
  c.push(...at(E), ...at(E), ...v128load(0), ...get(WV), ...get(FV), ...F64X2_MUL, ...F64X2_ADD, ...v128store(0)); // e += wv·f
  c.push(...get(K), I32_CONST, ...sleb(16), I32_ADD, LOCAL_TEE, ...uleb(K));              //   k += 16
  c.push(...get(NB), I32_LT_U, 0x0d, 0x00, 0x0b);                                         //   br_if (k < nbytes); end
  c.push(...get(OUT), ...get(ACC), ...v128store(0), 0x0b);                                // out = acc; end
  const body = [...vec([[1, I32], [3, V128]]), ...c];
  return [...uleb(body.length), ...body];
}

/**
 * syr2Row(w, e, d, nbytes, fj, gj): for byte offsets k = 0, 16, … < nbytes (a positive multiple of 16), the float64
 * pair at w + k becomes W − (fj·E + gj·D), E and D the pairs at e + k and d + k.
 */
function syr2Body(): number[] {
  const W = 0, E = 1, D = 2, NB = 3, FJ = 4, GJ = 5, K = 6, FV = 7, GV = 8;
  const at = (p: number) => [...get(p), ...get(K), I32_ADD];
  const c: number[] = [];
  c.push(...get(FJ), ...F64X2_SPLAT, ...set(FV), ...get(GJ), ...F64X2_SPLAT, ...set(GV));
  c.push(0x03, 0x40);                                                                     // loop
  c.push(...at(W), ...at(W), ...v128load(0));                                             //   W[k..k+1]
  c.push(...get(FV), ...at(E), ...v128load(0), ...F64X2_MUL);                             //   fj·e
  c.push(...get(GV), ...at(D), ...v128load(0), ...F64X2_MUL, ...F64X2_ADD);               //   + gj·d
  c.push(...F64X2_SUB, ...v128store(0));                                                  //   W −= …
  c.push(...get(K), I32_CONST, ...sleb(16), I32_ADD, LOCAL_TEE, ...uleb(K));              //   k += 16
  c.push(...get(NB), I32_LT_U, 0x0d, 0x00, 0x0b, 0x0b);                                   //   br_if; end; end
  const body = [...vec([[1, I32], [2, V128]]), ...c];
  return [...uleb(body.length), ...body];
}

/**
 * fusedRow(w, u, p, u2, p2, nbytes, fj, gj, f2, g0, g1, out): syr2Row of one reduction step and symvRow of the next on
 * the same pairs, in one pass over the row: for byte offsets k = 0, 16, … < nbytes, W ← W − (fj·P + gj·U), then
 * acc += W·U2 and P2 ← P2 + W·f2 with the updated W (U, P, U2, P2 the pairs at u + k, …); acc starts as (g0, g1)
 * and is stored at `out`. The same operations in the same order as the two kernels run one after the other.
 */
function fusedBody(): number[] {
  const W = 0, U = 1, P = 2, U2 = 3, P2 = 4, NB = 5, FJ = 6, GJ = 7, F2 = 8, G0 = 9, G1 = 10, OUT = 11;
  const K = 12, ACC = 13, FJV = 14, GJV = 15, F2V = 16, WV = 17;
  const at = (p: number) => [...get(p), ...get(K), I32_ADD];
  const c: number[] = [];
  c.push(...get(G0), ...F64X2_SPLAT, ...get(G1), ...replaceLane(1), ...set(ACC));        // acc = (g0, g1)
  c.push(...get(FJ), ...F64X2_SPLAT, ...set(FJV), ...get(GJ), ...F64X2_SPLAT, ...set(GJV));
  c.push(...get(F2), ...F64X2_SPLAT, ...set(F2V));
  c.push(0x03, 0x40);                                                                     // loop
  c.push(...at(W), ...v128load(0));                                                       //   W
  c.push(...get(FJV), ...at(P), ...v128load(0), ...F64X2_MUL);                            //   fj·p
  c.push(...get(GJV), ...at(U), ...v128load(0), ...F64X2_MUL, ...F64X2_ADD);              //   + gj·u
  c.push(...F64X2_SUB, ...set(WV));                                                       //   wv = W − …
  c.push(...at(W), ...get(WV), ...v128store(0));                                          //   W = wv
  c.push(...get(ACC), ...get(WV), ...at(U2), ...v128load(0), ...F64X2_MUL, ...F64X2_ADD, ...set(ACC)); // acc += wv·u2
  c.push(...at(P2), ...at(P2), ...v128load(0), ...get(WV), ...get(F2V), ...F64X2_MUL, ...F64X2_ADD, ...v128store(0)); // p2 += wv·f2
  c.push(...get(K), I32_CONST, ...sleb(16), I32_ADD, LOCAL_TEE, ...uleb(K));              //   k += 16
  c.push(...get(NB), I32_LT_U, 0x0d, 0x00, 0x0b);                                         //   br_if (k < nbytes); end
  c.push(...get(OUT), ...get(ACC), ...v128store(0), 0x0b);                                // out = acc; end
  const body = [...vec([[1, I32], [5, V128]]), ...c];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                                       // magic, version 1
    ...section(1, vec([                                                                    // types 0 (symvRow), 1 (syr2Row), 2 (fusedRow)
      [0x60, ...vec([[I32], [I32], [I32], [I32], [F64], [F64], [F64], [I32]]), ...vec([])],
      [0x60, ...vec([[I32], [I32], [I32], [I32], [F64], [F64]]), ...vec([])],
      [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32], [F64], [F64], [F64], [F64], [F64], [I32]]), ...vec([])],
    ])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 0x01]])),              // import memory, min 1 page
    ...section(3, vec([[0], [1], [2]])),
    ...section(7, vec([[...name('symvRow'), 0x00, 0x00], [...name('syr2Row'), 0x00, 0x01], [...name('fusedRow'), 0x00, 0x02]])),
    ...section(10, vec([symvBody(), syr2Body(), fusedBody()])),
  ]);
}

let compiled: ReturnType<typeof compileModule> | undefined;

/**
 * Below this order the JS loops are as fast: a fresh WebAssembly memory costs ~0.6 ms (at n = 64 the wasm path took
 * 0.97 ms, the JS loops 0.35; break-even at n = 128, 1.3× at 160, 1.7× at 192: bench section symeig and its probe).
 */
export const TRIDIAG_WASM_MIN_N = 160;

/** A vector of TridiagWork by number: 0 d, 1 e, 2 and 3 two more of length n (the fused reduction's second pair). */
export type TridiagVector = 0 | 1 | 2 | 3;

/**
 * The working arrays of one tridiagonalisation of order n: W (n × n), d and e (n each), and with `kernels` the SIMD
 * row kernels over them and two more vectors (`vec`: d, e and those two). The kernels take a float64 *element*
 * offset into W (a row's first pair), the element offset k of that pair in the vectors, a number of pairs (≥ 1) and
 * which vectors play u, p (and u2, p2); symvRow and fusedRow return their two partial sums in `out`.
 */
export interface TridiagWork {
  W: Float64Array;
  d: Float64Array;
  e: Float64Array;
  kernels?: {
    out: Float64Array;
    vec: readonly [Float64Array, Float64Array, Float64Array, Float64Array];
    /** For the pairs: acc += W·u; p += W·f. */
    symvRow(w: number, k: number, pairs: number, u: TridiagVector, p: TridiagVector, f: number, g0: number, g1: number): void;
    /** For the pairs: W −= fj·p + gj·u. */
    syr2Row(w: number, k: number, pairs: number, u: TridiagVector, p: TridiagVector, fj: number, gj: number): void;
    /** syr2Row (u, p) and then symvRow (u2, p2) on the updated pairs. */
    fusedRow(
      w: number, k: number, pairs: number, u: TridiagVector, p: TridiagVector, u2: TridiagVector, p2: TridiagVector,
      fj: number, gj: number, f2: number, g0: number, g1: number,
    ): void;
  };
}

/**
 * TridiagWork in a fresh WebAssembly memory with its kernels where `wasm` is asked for, wasm SIMD is available,
 * n ≥ TRIDIAG_WASM_MIN_N and the memory can be had (8·(n² + 4n) bytes, under 4 GiB); plain arrays otherwise (the JS
 * loops then run).
 */
export function tridiagWork(n: number, wasm = true): TridiagWork {
  const plain = (): TridiagWork => ({ W: new Float64Array(n * n), d: new Float64Array(n), e: new Float64Array(n) });
  const bytes = 16 + 8 * (n * n + 4 * n);
  if (!wasm || n < TRIDIAG_WASM_MIN_N || bytes > 2 ** 32) return plain();
  compiled ??= compileModule(moduleBytes());
  if (!compiled) return plain();
  let instance;
  try {
    const pages = Math.ceil(bytes / 65536);
    const memory = new compiled.api.Memory({ initial: pages, maximum: pages });
    instance = { memory, exports: new compiled.api.Instance(compiled.module, { env: { mem: memory } }).exports };
  } catch { return plain(); } // (no room for the memory: the JS loops need less)
  const buf = instance.memory.buffer;
  const WB = 16, VB = WB + 8 * n * n; // byte bases: `out` at byte 0, W, then the four vectors
  const at = (v: TridiagVector, k: number) => VB + 8 * (v * n + k);
  const vec = [0, 1, 2, 3].map((v) => new Float64Array(buf, VB + 8 * v * n, n)) as unknown as readonly [Float64Array, Float64Array, Float64Array, Float64Array];
  type Fn = (...args: number[]) => void;
  const symv = instance.exports.symvRow as Fn, syr2 = instance.exports.syr2Row as Fn, fused = instance.exports.fusedRow as Fn;
  return {
    W: new Float64Array(buf, WB, n * n),
    d: vec[0],
    e: vec[1],
    kernels: {
      out: new Float64Array(buf, 0, 2),
      vec,
      symvRow: (w, k, pairs, u, p, f, g0, g1) => symv(WB + 8 * w, at(u, k), at(p, k), 16 * pairs, f, g0, g1, 0),
      syr2Row: (w, k, pairs, u, p, fj, gj) => syr2(WB + 8 * w, at(p, k), at(u, k), 16 * pairs, fj, gj),
      fusedRow: (w, k, pairs, u, p, u2, p2, fj, gj, f2, g0, g1) =>
        fused(WB + 8 * w, at(u, k), at(p, k), at(u2, k), at(p2, k), 16 * pairs, fj, gj, f2, g0, g1, 0),
    },
  };
}
