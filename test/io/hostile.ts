/**
 * Small generators of hostile files, built in memory (nothing large is committed): each returns the bytes of one
 * file that a careless reader would crash on, inflate without bound, or read wrongly. Shared by the io tests, the
 * fuzz test and the command-line tests.
 */
import { zipSync } from 'fflate';
import { writeNpy } from '../../src/io/index';

const enc = (s: string) => new TextEncoder().encode(s);

/**
 * A JSON trajectory whose first row claims the shape [width]^depth (width^depth values) while the file holds only
 * depth·width numbers: at each depth the first element is an array of `width` and the others are scalars.
 */
export function jsonHugeShape(depth = 4, width = 1000): Uint8Array {
  let inner = `[${new Array(width).fill(0).join(',')}]`;
  for (let d = 1; d < depth; d++) inner = `[${inner},${new Array(width - 1).fill(0).join(',')}]`;
  return enc(`{"params": {"w": ${inner}}}`);
}

/**
 * A zip in which `copies` central-directory entries (w0.npy, w1.npy, …) all point at the same local header and
 * compressed bytes: one deflated .npy of `bytes` zeros (float32, shape (bytes/4/8, 8)). Each member is a valid
 * deflate stream of the full declared size with a correct CRC, so only the overlap gives it away.
 */
export function zipOverlapping(copies: number, bytes = 2 ** 20): Uint8Array {
  const npy = writeNpy({ dtype: 'float32', shape: [bytes / 32, 8], data: new Float32Array(bytes / 4) });
  const one = zipSync({ 'w0.npy': npy }, { level: 9 });
  const dv = new DataView(one.buffer, one.byteOffset, one.byteLength);
  const eocd = one.length - 22;
  const cdOffset = dv.getUint32(eocd + 16, true);
  // Copies of the one central entry, renamed w0.npy, w1.npy, … (extra field and comment dropped)
  const entries = Array.from({ length: copies }, (_, k) => {
    const name = enc(`w${k}.npy`);
    const out = new Uint8Array(46 + name.length);
    out.set(one.subarray(cdOffset, cdOffset + 46));
    const odv = new DataView(out.buffer);
    odv.setUint16(28, name.length, true);
    odv.setUint16(30, 0, true);
    odv.setUint16(32, 0, true);
    out.set(name, 46);
    return out;
  });
  const cd = concat(entries);
  const end = new Uint8Array(22);
  const edv = new DataView(end.buffer);
  edv.setUint32(0, 0x06054b50, true);
  edv.setUint16(8, copies, true);
  edv.setUint16(10, copies, true);
  edv.setUint32(12, cd.length, true);
  edv.setUint32(16, cdOffset, true);
  return concat([one.subarray(0, cdOffset), cd, end]);
}

/**
 * A zip of `copies` separate members w0.npy, w1.npy, … (no overlap: each has its own local header and data), each a
 * deflated .npy of `bytes` zeros: a classic non-overlapping bomb, ~1000:1. At most 10 copies (names of one length).
 */
export function zipRepeated(copies: number, bytes = 2 ** 20): Uint8Array {
  if (copies > 10) throw new Error('zipRepeated: at most 10 copies');
  const npy = writeNpy({ dtype: 'float32', shape: [bytes / 32, 8], data: new Float32Array(bytes / 4) });
  const one = zipSync({ 'w0.npy': npy }, { level: 9 });
  const dv = new DataView(one.buffer, one.byteOffset, one.byteLength);
  const cdOffset = dv.getUint32(one.length - 22 + 16, true), cdSize = dv.getUint32(one.length - 22 + 12, true);
  const local = one.subarray(0, cdOffset), central = one.subarray(cdOffset, cdOffset + cdSize);
  const locals: Uint8Array[] = [], centrals: Uint8Array[] = [];
  for (let k = 0; k < copies; k++) {
    const l = local.slice(), c = central.slice();
    l.set(enc(`w${k}`), 30);
    c.set(enc(`w${k}`), 46);
    new DataView(c.buffer).setUint32(42, k * local.length, true);
    locals.push(l);
    centrals.push(c);
  }
  const cd = concat(centrals);
  const end = one.slice(one.length - 22);
  const edv = new DataView(end.buffer);
  edv.setUint16(8, copies, true);
  edv.setUint16(10, copies, true);
  edv.setUint32(12, cd.length, true);
  edv.setUint32(16, copies * local.length, true);
  return concat([...locals, cd, end]);
}

export interface StTensor { name: string; dtype?: string; shape: number[]; offsets: [number, number] }

/**
 * A safetensors file from a header given as raw text (so duplicate keys and odd blanks survive) and `dataBytes` bytes
 * of data (little-endian float32 1, 2, 3, … where they fit).
 */
export function safetensorsRaw(header: string, dataBytes: number): Uint8Array {
  const h = enc(header);
  const out = new Uint8Array(8 + h.length + dataBytes);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  const f = new Float32Array(Math.floor(dataBytes / 4)).map((_, i) => i + 1);
  out.set(new Uint8Array(f.buffer), 8 + h.length);
  return out;
}

/** The header text of tensors (float32 unless given), optional metadata first. */
export function stHeader(tensors: StTensor[], metadata?: Record<string, unknown>): string {
  const parts = tensors.map((t) => `"${t.name}": ${JSON.stringify({ dtype: t.dtype ?? 'F32', shape: t.shape, data_offsets: t.offsets })}`);
  if (metadata) parts.unshift(`"__metadata__": ${JSON.stringify(metadata)}`);
  return `{${parts.join(', ')}}`;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
