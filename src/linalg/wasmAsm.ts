/**
 * A tiny WebAssembly assembler: the byte encodings that the hand-assembled SIMD kernels (wasmDot.ts, wasmTridiag.ts)
 * are written in, and the minimal `WebAssembly` interface they are compiled through.
 *
 * Why hand-assembled: each module is a few small functions; emitting them here needs no compiler toolchain in the
 * build, no binary asset to load (it works unchanged in Node, the browser and workers) and keeps them reviewable.
 * The core is typechecked without DOM/Node types, where `WebAssembly` is not declared: it is reached through
 * `globalThis` with the interface below (a `declare namespace` would clash with the DOM lib in the app build).
 * Opcodes: the WebAssembly core specification 2.0, section 5.4 (instructions), and its SIMD proposal's table.
 */

export interface WasmMemory { readonly buffer: ArrayBuffer }
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}

/** The engine's WebAssembly, or undefined where there is none. */
export const wasmApi = (): WasmApi | undefined => (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * `bytes` compiled, or null where the engine lacks WebAssembly or fixed-width SIMD (validate() is false) or refuses
 * to compile (e.g. a CSP without 'wasm-unsafe-eval'): all mean "not available".
 */
export function compileModule(bytes: Uint8Array): { api: WasmApi; module: object } | null {
  const api = wasmApi();
  try {
    if (api && typeof api.validate === 'function' && api.validate(bytes)) return { api, module: new api.Module(bytes) };
  } catch { /* not available */ }
  return null;
}

/** Unsigned / signed LEB128, the integer encoding of the wasm binary format. */
export const uleb = (n: number): number[] => { const o: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
export const sleb = (n: number): number[] => {
  const o: number[] = [];
  for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); }
};
/** A length-prefixed vector, a section (id, byte size, body) and a name. */
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
/** Value types. */
export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;
export const get = (i: number) => [0x20, ...uleb(i)];                               // local.get i
export const set = (i: number) => [0x21, ...uleb(i)];                               // local.set i
export const I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_LT_U = 0x49, I32_CONST = 0x41, LOCAL_TEE = 0x22;
export const F64_ADD = 0xa0, F64_STORE = 0x39, F32_LOAD = 0x2a, F64_PROMOTE_F32 = 0xbb;
export const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
export const load64zero = (offset: number) => simd(0x5d, 2, ...uleb(offset));     // v128.load64_zero (align hint 4 bytes)
export const PROMOTE = simd(0x5f);                                                  // f64x2.promote_low_f32x4
export const F64X2_ADD = simd(0xf0), F64X2_SUB = simd(0xf1), F64X2_MUL = simd(0xf2);
export const F64X2_SPLAT = simd(0x14);
export const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));                // v128.const 0
export const lane = (l: number) => simd(0x21, l);                                   // f64x2.extract_lane l
export const replaceLane = (l: number) => simd(0x22, l);                            // f64x2.replace_lane l
export const v128load = (offset: number) => simd(0x00, 3, ...uleb(offset));          // v128.load (align hint 8 bytes)
export const v128store = (offset: number) => simd(0x0b, 3, ...uleb(offset));         // v128.store
