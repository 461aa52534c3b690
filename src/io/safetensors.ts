/**
 * Safetensors reader: u64 LE header length N, N bytes of UTF-8 JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}`, then the data buffer;
 * offsets are relative to the end of the header, data is little-endian and C-ordered. Tensors are returned in header
 * order; `__metadata__` is kept as given.
 */

import { SafetensorsError } from './errors';
import { ITEMSIZE, elementCount, toNdArray, type ArraySource, type DtypeName, type NdArray } from './dtype';
import { decodeUtf8 } from './text';

/** The reference implementation refuses headers above 100 MB; so do we. */
const MAX_HEADER_BYTES = 100_000_000;

const DTYPES: Record<string, DtypeName> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I8: 'int8', I16: 'int16', I32: 'int32',
  I64: 'int64', U8: 'uint8', U16: 'uint16', U32: 'uint32', U64: 'uint64', BOOL: 'bool',
};

/** True for a plausible safetensors start: a header length below 100 MB followed by `{`. */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10 || bytes[8] !== 0x7b) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return dv.getUint32(4, true) === 0 && dv.getUint32(0, true) <= MAX_HEADER_BYTES;
}

export interface SafetensorsContents<A> {
  arrays: Map<string, A>;
  metadata?: Record<string, unknown>;
}

export function readSafetensors(bytes: Uint8Array, file = 'tensors.safetensors'): SafetensorsContents<NdArray> {
  const c = parseSafetensors(bytes, file);
  return { arrays: new Map([...c.arrays].map(([k, v]) => [k, toNdArray(v)])),
    ...(c.metadata ? { metadata: c.metadata } : {}) };
}

export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsContents<ArraySource> {
  const fail = (code: 'truncated' | 'bad-header' | 'bad-shape' | 'unsupported-dtype', msg: string): never => {
    throw new SafetensorsError(file, code, msg);
  };
  if (bytes.length < 8) fail('truncated', 'the file is truncated (shorter than the 8-byte header length)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(4, true) * 4294967296 + dv.getUint32(0, true);
  if (n > MAX_HEADER_BYTES) fail('bad-header', `the header claims ${n} bytes (the limit is 100 MB)`);
  if (8 + n > bytes.length) fail('truncated', `the file is truncated: the header claims ${n} bytes but only ` +
    `${bytes.length - 8} follow`);
  const text = decodeUtf8(bytes.subarray(8, 8 + n));
  let header: unknown;
  try { header = text === undefined ? undefined : JSON.parse(text); } catch { /* reported below */ }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('bad-header', 'the header is not a JSON object');
  }
  const data = bytes.subarray(8 + n);
  const arrays = new Map<string, ArraySource>();
  let metadata: Record<string, unknown> | undefined;
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) fail('bad-header', '__metadata__ is not an object');
      metadata = info as Record<string, unknown>;
      continue;
    }
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof t !== 'object' || t === null) fail('bad-header', `tensor '${name}' has no description`);
    const dtype = DTYPES[String(t!.dtype)];
    if (!dtype || typeof t!.dtype !== 'string') fail('unsupported-dtype', `tensor '${name}' has unsupported data type '${String(t!.dtype)}'`);
    const shape = t!.shape, off = t!.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) fail('bad-header', `tensor '${name}' has no valid 'shape'`);
    const count = elementCount(shape as number[]);
    if (count === undefined) fail('bad-shape', `tensor '${name}' has an impossible shape [${(shape as number[]).join(', ')}]`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => Number.isSafeInteger(x) && x >= 0) || off[0] > off[1]) {
      fail('bad-header', `tensor '${name}' has invalid 'data_offsets'`);
    }
    const [b, e] = off as [number, number];
    const size = count! * ITEMSIZE[dtype!];
    if (e - b !== size) fail('bad-shape', `tensor '${name}' has shape [${(shape as number[]).join(', ')}] of ` +
      `${t!.dtype} (${size} bytes) but data_offsets span ${e - b} bytes`);
    if (e > data.length) fail('truncated', `the file is truncated: tensor '${name}' ends at byte ${e} of the data ` +
      `but only ${data.length} bytes are present`);
    arrays.set(name, { name, dtype: { name: dtype!, itemsize: ITEMSIZE[dtype!], littleEndian: true },
      shape: shape as number[], bytes: data.subarray(b, e) });
  }
  if (arrays.size === 0) fail('bad-header', 'the file holds no tensors');
  return { arrays, ...(metadata ? { metadata } : {}) };
}
