/**
 * Element types and their conversion to JavaScript numbers. Readers describe an array as an `ArraySource` (raw
 * C-order bytes plus dtype and shape); `decodeInto` converts any run of elements into a Float32Array/Float64Array, so
 * the layout step can copy only the rows and columns it keeps. Conversions:
 * - float16, bfloat16 and the integers/bool that fit exactly (int8/16, uint8/16, bool) → Float32Array;
 * - float64, int32, uint32, int64, uint64 → Float64Array. int64/uint64 go through Number: exact below 2^53 in
 *   magnitude, rounded to the nearest double above (no error; optimizer steps and counters never get there).
 * - complex64/complex128 → separate real and imaginary Float64Arrays (`decodeComplex`), never interleaved.
 */

export type DtypeName =
  | 'float16' | 'bfloat16' | 'float32' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'complex64' | 'complex128';

export interface Dtype {
  name: DtypeName;
  /** Bytes per element (both parts for complex). */
  itemsize: number;
  littleEndian: boolean;
}

/** An array as stored: `bytes` holds exactly product(shape)·itemsize bytes in C (row-major) order. */
export interface ArraySource {
  name: string;
  dtype: Dtype;
  shape: number[];
  bytes: Uint8Array;
}

/** A decoded array. `data` is C-ordered; for complex dtypes it holds the real parts and `im` the imaginary ones. */
export interface NdArray {
  /** The element type in the file. */
  dtype: DtypeName;
  shape: number[];
  data: Float32Array | Float64Array;
  im?: Float64Array;
}

export const ITEMSIZE: Record<DtypeName, number> = {
  float16: 2, bfloat16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8,
  uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1, complex64: 8, complex128: 16,
};

const PLATFORM_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function isComplex(d: Dtype): boolean {
  return d.name === 'complex64' || d.name === 'complex128';
}

/** True when every value of the dtype is exactly representable as float32. */
export function fitsFloat32(d: Dtype): boolean {
  return ['float16', 'bfloat16', 'float32', 'int8', 'int16', 'uint8', 'uint16', 'bool'].includes(d.name);
}

/** Number of elements of `shape`, or undefined when a dimension is not a non-negative safe integer or it overflows. */
export function elementCount(shape: readonly number[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) return undefined;
    n *= d;
    if (!Number.isSafeInteger(n)) return undefined;
  }
  return n;
}

let halfTable: Float32Array | undefined;

/** IEEE 754 binary16 → number, via a 64K-entry table built on first use. */
function half(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const f = h & 0x3ff;
    if (e === 0) t[h] = s * f * 2 ** -24;
    else if (e === 31) t[h] = f ? NaN : s * Infinity;
    else t[h] = s * (1 + f / 1024) * 2 ** (e - 15);
  }
  return (halfTable = t);
}

/** Converts elements [start, start+count) of a real-valued source into out[pos, pos+count). */
export function decodeInto(
  src: ArraySource, start: number, count: number, out: Float32Array | Float64Array, pos: number,
): void {
  const { name, itemsize: sz, littleEndian: le } = src.dtype;
  const bytes = src.bytes.subarray(start * sz, (start + count) * sz);
  if (PLATFORM_LE && le && ((name === 'float32' && out instanceof Float32Array) ||
    (name === 'float64' && out instanceof Float64Array))) {
    new Uint8Array(out.buffer, out.byteOffset + pos * sz, count * sz).set(bytes);
    return;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (name) {
    case 'float32': for (let i = 0; i < count; i++) out[pos + i] = dv.getFloat32(i * 4, le); return;
    case 'float64': for (let i = 0; i < count; i++) out[pos + i] = dv.getFloat64(i * 8, le); return;
    case 'int8': for (let i = 0; i < count; i++) out[pos + i] = dv.getInt8(i); return;
    case 'uint8': for (let i = 0; i < count; i++) out[pos + i] = bytes[i]!; return;
    case 'bool': for (let i = 0; i < count; i++) out[pos + i] = bytes[i] ? 1 : 0; return;
    case 'int16': for (let i = 0; i < count; i++) out[pos + i] = dv.getInt16(i * 2, le); return;
    case 'uint16': for (let i = 0; i < count; i++) out[pos + i] = dv.getUint16(i * 2, le); return;
    case 'int32': for (let i = 0; i < count; i++) out[pos + i] = dv.getInt32(i * 4, le); return;
    case 'uint32': for (let i = 0; i < count; i++) out[pos + i] = dv.getUint32(i * 4, le); return;
    case 'int64':
    case 'uint64': {
      const lo = le ? 0 : 4, hi = le ? 4 : 0, signed = name === 'int64';
      for (let i = 0; i < count; i++) {
        const h = signed ? dv.getInt32(i * 8 + hi, le) : dv.getUint32(i * 8 + hi, le);
        out[pos + i] = h * 4294967296 + dv.getUint32(i * 8 + lo, le);
      }
      return;
    }
    case 'float16': {
      const t = half();
      for (let i = 0; i < count; i++) out[pos + i] = t[dv.getUint16(i * 2, le)]!;
      return;
    }
    case 'bfloat16': {
      // bfloat16 is the upper half of a float32.
      const f = new Float32Array(1), u = new Uint32Array(f.buffer);
      for (let i = 0; i < count; i++) {
        u[0] = dv.getUint16(i * 2, le) << 16;
        out[pos + i] = f[0]!;
      }
      return;
    }
    case 'complex64':
    case 'complex128':
      throw new Error('decodeInto: complex dtypes go through decodeComplex');
  }
}

/** Decodes a complex source into separate real and imaginary parts. */
export function decodeComplex(src: ArraySource): { re: Float64Array; im: Float64Array } {
  const n = src.bytes.length / src.dtype.itemsize;
  const re = new Float64Array(n), im = new Float64Array(n);
  const dv = new DataView(src.bytes.buffer, src.bytes.byteOffset, src.bytes.byteLength);
  const le = src.dtype.littleEndian;
  if (src.dtype.name === 'complex64') {
    for (let i = 0; i < n; i++) { re[i] = dv.getFloat32(8 * i, le); im[i] = dv.getFloat32(8 * i + 4, le); }
  } else {
    for (let i = 0; i < n; i++) { re[i] = dv.getFloat64(16 * i, le); im[i] = dv.getFloat64(16 * i + 8, le); }
  }
  return { re, im };
}

/**
 * A Float32Array/Float64Array view on the source bytes when they are little-endian float32/float64 at an aligned
 * offset (no copy; the view keeps the file buffer alive), else undefined.
 */
export function zeroCopyView(src: ArraySource): Float32Array | Float64Array | undefined {
  const { name, itemsize, littleEndian } = src.dtype;
  if (!PLATFORM_LE || !littleEndian || src.bytes.byteOffset % itemsize !== 0) return undefined;
  const n = src.bytes.length / itemsize;
  if (name === 'float32') return new Float32Array(src.bytes.buffer, src.bytes.byteOffset, n);
  if (name === 'float64') return new Float64Array(src.bytes.buffer, src.bytes.byteOffset, n);
  return undefined;
}

/** Decodes a whole source (zero-copy where `zeroCopyView` allows). */
export function toNdArray(src: ArraySource): NdArray {
  const shape = src.shape.slice();
  if (isComplex(src.dtype)) {
    const { re, im } = decodeComplex(src);
    return { dtype: src.dtype.name, shape, data: re, im };
  }
  const view = zeroCopyView(src);
  if (view) return { dtype: src.dtype.name, shape, data: view };
  const n = src.bytes.length / src.dtype.itemsize;
  const out = fitsFloat32(src.dtype) ? new Float32Array(n) : new Float64Array(n);
  decodeInto(src, 0, n, out, 0);
  return { dtype: src.dtype.name, shape, data: out };
}

/**
 * Reorders the bytes of a Fortran-ordered (column-major) array into C order, so element [i0, i1, …] lands where
 * numpy's `a[i0, i1, …]` would be in a C-contiguous copy. One copy; Fortran files are rare.
 */
export function fortranToC(bytes: Uint8Array, shape: readonly number[], itemsize: number): Uint8Array {
  const nd = shape.length;
  const n = bytes.length / itemsize;
  if (nd < 2 || n === 0) return bytes;
  const out = new Uint8Array(bytes.length);
  // Fortran strides (in elements) of each axis; walk C order with an odometer over the indices.
  const fstride: number[] = [];
  for (let k = 0, s = 1; k < nd; k++) { fstride.push(s); s *= shape[k]!; }
  const idx = new Array<number>(nd).fill(0);
  let src = 0;
  for (let o = 0; o < n; o++) {
    for (let b = 0, i = src * itemsize, j = o * itemsize; b < itemsize; b++) out[j + b] = bytes[i + b]!;
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) { src += fstride[k]!; break; }
      src -= (shape[k]! - 1) * fstride[k]!;
      idx[k] = 0;
    }
  }
  return out;
}
