/**
 * NumPy `.npy` reader and writer (format versions 1.0, 2.0 and 3.0; see numpy/lib/format.py).
 *
 * Layout: magic `\x93NUMPY`, major and minor version bytes, the header length (u16 LE in v1, u32 LE in v2/v3), then
 * the header: a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces
 * and a newline so that the data starts at a multiple of 64 (16 in old files). v1/v2 headers are Latin-1, v3 UTF-8.
 * The dict is parsed here by hand (a tiny Python-literal parser), never evaluated.
 */

import { NpyError } from './errors';
import { ITEMSIZE, elementCount, fortranToC, toNdArray, type ArraySource, type Dtype, type DtypeName, type NdArray }
  from './dtype';
import { decodeLatin1, decodeUtf8, encodeUtf8 } from './text';

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** NumPy refuses headers above 10 000 bytes by default; we allow more but keep a cap against absurd lengths. */
const MAX_HEADER_BYTES = 1 << 20;

export function isNpy(bytes: Uint8Array): boolean {
  return NPY_MAGIC.every((b, i) => bytes[i] === b);
}

/** Reads a whole `.npy` file (see `NdArray` for how dtypes convert). `file` names it in error messages. */
export function readNpy(bytes: Uint8Array, file = 'array.npy'): NdArray {
  return toNdArray(parseNpy(bytes, file, 'array'));
}

/** Parses header and locates the data; the returned source is always C-ordered (Fortran data is reordered). */
export function parseNpy(bytes: Uint8Array, file: string, name: string): ArraySource {
  const { dtype, shape: dims, fortran, dataStart, nbytes } = parseNpyHeader(bytes, file, name);
  if (nbytes > bytes.length - dataStart) {
    throw new NpyError(file, 'truncated', `array '${name}' is truncated: shape (${dims.join(', ')}) of ${dtype.name} needs ${nbytes} ` +
      `bytes of data but only ${bytes.length - dataStart} are present`);
  }
  let data = bytes.subarray(dataStart, dataStart + nbytes);
  if (fortran) data = fortranToC(data, dims, dtype.itemsize);
  return { name, dtype, shape: dims, bytes: data };
}

/**
 * The header of a .npy file whose first bytes (at least the header's) are `bytes`: dtype, shape, order, where the
 * data start and how many bytes they take. Errors as parseNpy's. Lets a caller read the data itself, on demand.
 */
export function parseNpyHeader(bytes: Uint8Array, file: string, name: string):
  { dtype: Dtype; shape: number[]; fortran: boolean; dataStart: number; nbytes: number } {
  const fail = (code: 'truncated' | 'bad-header' | 'bad-shape' | 'unsupported-dtype', msg: string): never => {
    throw new NpyError(file, code, msg);
  };
  if (bytes.length === 0) fail('truncated', `array '${name}' is empty (0 bytes)`);
  if (!isNpy(bytes)) fail('bad-header', `array '${name}' is not a .npy array (it does not start with \\x93NUMPY)`);
  if (bytes.length < 10) fail('truncated', `array '${name}' is truncated inside the .npy header`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail('bad-header', `array '${name}' has unsupported .npy format version ${major}.${bytes[7]}`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail('truncated', `array '${name}' is truncated inside the .npy header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (headerLen > MAX_HEADER_BYTES) fail('bad-header', `array '${name}' claims a ${headerLen}-byte .npy header`);
  if (dataStart > bytes.length) fail('truncated', `array '${name}' is truncated inside the .npy header`);
  const raw = bytes.subarray(8 + lenBytes, dataStart);
  const text = major === 3 ? decodeUtf8(raw) : decodeLatin1(raw);
  if (text === undefined) fail('bad-header', `array '${name}' has a .npy header that is not valid UTF-8`);
  const header = parseHeaderDict(text!, (m) => fail('bad-header', `array '${name}' has a malformed .npy header: ${m}`));

  const descr = header.get('descr'), fortran = header.get('fortran_order'), shape = header.get('shape');
  if (typeof fortran !== 'boolean') fail('bad-header', `array '${name}': .npy header lacks 'fortran_order'`);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) {
    fail('bad-header', `array '${name}': .npy header lacks a 'shape' tuple of integers`);
  }
  if (typeof descr !== 'string') {
    fail('unsupported-dtype', `array '${name}' has a structured dtype, which is not supported (need plain numbers)`);
  }
  const dtype = parseDescr(descr as string, (m) => fail('unsupported-dtype', `array '${name}' ${m}`));
  const dims = shape as number[];
  const count = elementCount(dims);
  if (count === undefined) fail('bad-shape', `array '${name}' has an impossible shape (${dims.join(', ')})`);
  const nbytes = count! * dtype.itemsize;
  return { dtype, shape: dims, fortran: fortran as boolean, dataStart, nbytes };
}

type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

/**
 * Parses the Python literal subset numpy writes: dicts with string keys, tuples, lists, strings, integers, True,
 * False, None. `fail` must throw.
 */
function parseHeaderDict(text: string, fail: (m: string) => never): Map<string, PyValue> {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++; };
  const value = (depth: number): PyValue => {
    if (depth > 8) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{' || c === '(' || c === '[') {
      const close = c === '{' ? '}' : c === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      const dict = new Map<string, PyValue>();
      for (;;) {
        ws();
        if (text[i] === close) { i++; break; }
        const v = value(depth + 1);
        if (c === '{') {
          if (typeof v !== 'string') fail('dict key is not a string');
          ws();
          if (text[i] !== ':') fail(`expected ':' at position ${i}`);
          i++;
          dict.set(v as string, value(depth + 1));
        } else items.push(v);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}' at position ${i}`);
      }
      return c === '{' ? dict : items;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(-?\d+)L?|^(True|False|None)/.exec(text.slice(i, i + 32));
    if (!m) fail(`unexpected ${c === undefined ? 'end of header' : `'${c}'`} at position ${i}`);
    i += m![0].length;
    if (m![1] !== undefined) return Number(m![1]);
    return m![2] === 'None' ? null : m![2] === 'True';
  };
  const v = value(0);
  ws();
  if (!(v instanceof Map)) fail('it is not a dict');
  if (i !== text.length) fail(`unexpected text after the dict at position ${i}`);
  return v as Map<string, PyValue>;
}

const KIND_NAMES: Record<string, Partial<Record<number, DtypeName>>> = {
  f: { 2: 'float16', 4: 'float32', 8: 'float64' },
  i: { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' },
  u: { 1: 'uint8', 2: 'uint16', 4: 'uint32', 8: 'uint64' },
  b: { 1: 'bool' },
  c: { 8: 'complex64', 16: 'complex128' },
};

/** Parses a numpy type string such as '<f4', '>i8', '|b1', '=c16'. '=' (native) is read as little-endian. */
export function parseDescr(descr: string, fail: (m: string) => never): Dtype {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)(.*)$/.exec(descr);
  const kind = m?.[2] ?? '';
  if (m && 'USaV'.includes(kind)) fail(`holds strings or raw bytes (dtype '${descr}'), not numbers`);
  if (m && kind === 'O') fail(`holds Python objects (dtype '${descr}'), which are pickled and never loaded here`);
  if (m && 'Mm'.includes(kind)) fail(`holds dates or time spans (dtype '${descr}'), not numbers`);
  const name = m && m[4] === '' ? KIND_NAMES[kind]?.[Number(m[3])] : undefined;
  if (!name) fail(`has unsupported dtype '${descr}'`);
  return { name: name!, itemsize: ITEMSIZE[name!], littleEndian: m![1] !== '>' };
}

const DESCR: Record<DtypeName, string> = {
  float16: '<f2', bfloat16: '', float32: '<f4', float64: '<f8', int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8',
  uint8: '|u1', uint16: '<u2', uint32: '<u4', uint64: '<u8', bool: '|b1', complex64: '<c8', complex128: '<c16',
};

/** What `writeNpy` accepts: the typed array must match the dtype (complex: `data` real parts, `im` imaginary). */
export interface NpyInput {
  dtype: 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32' | 'bool' | 'complex128';
  shape: readonly number[];
  data: ArrayLike<number>;
  im?: ArrayLike<number>;
}

/**
 * Writes a little-endian, C-ordered `.npy` (version 1.0, or 2.0 when the header needs more than 65535 bytes) whose
 * data starts at a multiple of 64, as numpy does. Values are converted to `dtype` like a typed-array store would.
 */
export function writeNpy(arr: NpyInput): Uint8Array {
  const n = elementCount(arr.shape);
  if (n === undefined || n !== arr.data.length || (arr.dtype === 'complex128' && arr.im?.length !== n)) {
    throw new NpyError('writeNpy', 'write', `shape (${arr.shape.join(', ')}) does not match the data length ` +
      `${arr.data.length}`);
  }
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let dict = `{'descr': '${DESCR[arr.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const v1 = dict.length + 11 <= 65535;
  const pre = v1 ? 10 : 12;
  dict += ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64) + '\n';
  const head = encodeUtf8(dict);
  const itemsize = ITEMSIZE[arr.dtype];
  const out = new Uint8Array(pre + head.length + n * itemsize);
  out.set(NPY_MAGIC);
  out[6] = v1 ? 1 : 2;
  const dv = new DataView(out.buffer);
  if (v1) dv.setUint16(8, head.length, true); else dv.setUint32(8, head.length, true);
  out.set(head, pre);
  const body = out.subarray(pre + head.length);
  const src = arr.dtype === 'bool' ? Array.from(arr.data, (x) => (x ? 1 : 0)) : arr.data;
  if (arr.dtype === 'complex128') {
    const c = new Float64Array(body.buffer, body.byteOffset, 2 * n);
    for (let i = 0; i < n; i++) { c[2 * i] = arr.data[i]!; c[2 * i + 1] = arr.im![i]!; }
  } else {
    const ctor = {
      float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
      uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, bool: Uint8Array,
    }[arr.dtype];
    new ctor(body.buffer, body.byteOffset, n).set(src);
  }
  return out;
}
