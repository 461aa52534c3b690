/**
 * Finding NaN and ±Infinity in snapshot data, the one full pass every file read makes (io's readers) and every fit of
 * data not read that way (koopman/analyze.ts).
 *
 * Why by bits: a value is non-finite iff its exponent field is all ones, so the test reads the raw words (one Int32
 * per float32; the high Int32 of each little-endian float64) and ORs a flag over a block, with one branch per block
 * instead of one float comparison per value. It is also monomorphic (one loop per storage type): a loop over
 * `Float32Array | Float64Array` became polymorphic in the CLI and took ~7 ns a value, 1.9 s for a 1 GB file
 * (docs/benchmarks.md); this takes under 1 ns.
 */
import type { FloatArray } from './gram';

const EXP32 = 0x7f800000;
const EXP64_HI = 0x7ff00000;
/** Values per block between two checks of the flag. */
const BLOCK = 1024;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The index of the first non-finite value of `data` in [start, end), or −1 when all are finite. */
export function firstNonFinite(data: FloatArray, start = 0, end = data.length): number {
  if (!(start < end)) return -1;
  if (data instanceof Float32Array) return first32(data, start, end);
  if (LITTLE_ENDIAN) return first64(data, start, end);
  for (let j = start; j < end; j++) if (!Number.isFinite(data[j])) return j;
  return -1;
}

function first32(data: Float32Array, start: number, end: number): number {
  const u = new Int32Array(data.buffer, data.byteOffset, data.length);
  for (let b = start; b < end; b += BLOCK) {
    const e = Math.min(end, b + BLOCK);
    let bad = 0;
    // (x & EXP) === EXP exactly when x & EXP > EXP − 1: adding 2^23 carries into bit 31 only then
    for (let j = b; j < e; j++) bad |= (u[j] & EXP32) + 0x00800000;
    if (bad < 0) for (let j = b; j < e; j++) if ((u[j] & EXP32) === EXP32) return j;
  }
  return -1;
}

function first64(data: Float64Array, start: number, end: number): number {
  // little-endian (every platform a browser or Node runs on): value j's high word is word 2j + 1
  const u = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  for (let b = start; b < end; b += BLOCK) {
    const e = Math.min(end, b + BLOCK);
    let bad = 0;
    for (let j = b; j < e; j++) bad |= (u[2 * j + 1] & EXP64_HI) + 0x00100000;
    if (bad < 0) for (let j = b; j < e; j++) if ((u[2 * j + 1] & EXP64_HI) === EXP64_HI) return j;
  }
  return -1;
}
