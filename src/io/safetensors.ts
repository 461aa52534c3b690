/**
 * Safetensors reader: u64 LE header length N, N bytes of UTF-8 JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}`, then the data buffer;
 * offsets are relative to the end of the header, data is little-endian and C-ordered. Tensors are returned in header
 * order; `__metadata__` is kept as given.
 *
 * Validation follows the reference implementation (the Rust `safetensors` crate): the header is a JSON object (serde
 * accepts blanks around it, so leading whitespace and the writers' trailing-space padding are fine) without duplicate
 * keys; `__metadata__` maps strings to strings; each tensor's offsets span exactly shape × item size; and the
 * tensors, sorted by offset, cover the data buffer exactly from byte 0 to its end: no holes, no overlaps, no trailing
 * bytes ("InvalidOffset", "MetadataIncompleteBuffer" there).
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

const isBlank = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** True for a plausible safetensors start: a header length below 100 MB followed by `{` (after JSON blanks). */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(0, true);
  if (dv.getUint32(4, true) !== 0 || n > MAX_HEADER_BYTES || n < 2) return false;
  let i = 8;
  while (i < Math.min(bytes.length, 8 + n, 8 + 4096) && isBlank(bytes[i])) i++;
  return bytes[i] === 0x7b;
}

/**
 * The first key that occurs twice in one object of a valid JSON text, or undefined. `JSON.parse` keeps the last
 * value silently; the reference reader refuses such a header. One pass over the text, strings decoded as JSON does.
 */
export function duplicateJsonKey(text: string): string | undefined {
  const stack: { keys?: Set<string>; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push({ expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') { const top = stack[stack.length - 1]; if (top?.keys) top.expectKey = true; }
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
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
  const dup = duplicateJsonKey(text!);
  if (dup !== undefined) fail('bad-header', `the header lists '${dup}' twice`);
  const data = bytes.subarray(8 + n);
  const arrays = new Map<string, ArraySource>();
  let metadata: Record<string, unknown> | undefined;
  const spans: { name: string; b: number; e: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info)) fail('bad-header', '__metadata__ is not an object');
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail('bad-header', `__metadata__ value '${k}' is not a string (the format allows only strings)`);
      }
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
    spans.push({ name, b, e });
  }
  if (arrays.size === 0) fail('bad-header', 'the file holds no tensors');
  // Contiguity, as the reference checks it: sorted by offset, each tensor starts where the previous one ended.
  spans.sort((x, y) => x.b - y.b || x.e - y.e);
  let end = 0;
  for (const t of spans) {
    if (t.b !== end) {
      fail('bad-header', `tensor '${t.name}' starts at byte ${t.b} of the data but the tensors before it end at ` +
        `byte ${end} (data_offsets must be contiguous from 0, without ${t.b > end ? 'holes' : 'overlaps'})`);
    }
    end = t.e;
  }
  if (end !== data.length) {
    fail('bad-header', `the data holds ${data.length - end} bytes after the last tensor (data_offsets must cover ` +
      'the data exactly)');
  }
  return { arrays, ...(metadata ? { metadata } : {}) };
}
