/**
 * A minimal zip reader for `.npz` (and for recognising PyTorch zips): the central directory, zip64 records, stored
 * and deflate members. Sizes come from the central directory; the local header is read only to find the data.
 *
 * Zip-bomb protection with bounded memory: a member's declared size is checked against the remaining budget before
 * anything is allocated; deflate data is inflated in input pieces of 16 KiB to 1 MiB, scaled with the declared size
 * (`pieceFor`; fflate's streaming `Inflate`), into a buffer of exactly the declared size, and inflation aborts as soon as the output would pass that size. So no member can
 * make us hold more than its declared size (≤ the budget) plus one piece's output, whatever its headers claim.
 * Across members (`checkMembers`, before any inflation): members may not overlap, their declared sizes must fit the
 * budget together, and deflated members may not together expand more than 200:1 past 256 MiB.
 */

import { Inflate } from 'fflate';
import { NpzError } from './errors';
import { decodeLatin1, decodeUtf8 } from './text';

export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // PK\x03\x04
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localOffset: number;
}

/**
 * Mutable budget of bytes that members may still decompress to, shared by every member of one archive.
 * `inflated` counts the bytes inflation actually produced (including an aborted last piece): the work done, which
 * tests bound instead of timing it.
 */
export interface Budget { left: number; limit: number; inflated?: number }

export function isZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b) || EMPTY_ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

type Fail = (code: 'truncated' | 'bad-zip' | 'too-large', msg: string) => never;

function failer(file: string): Fail {
  return (code, msg) => { throw new NpzError(file, code, msg); };
}

/** Lists the members from the central directory. */
export function listZip(bytes: Uint8Array, file: string): ZipEntry[] {
  const fail = failer(file);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (at: number): number => {
    const hi = dv.getUint32(at + 4, true);
    if (hi >= 1 << 21) fail('bad-zip', 'a zip64 size or offset is larger than 2^53 bytes');
    return hi * 4294967296 + dv.getUint32(at, true);
  };
  // End of central directory: 22 bytes plus a comment of up to 65535 bytes at the very end.
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 65535); p--) {
    if (dv.getUint32(p, true) === 0x06054b50 && p + 22 + dv.getUint16(p + 20, true) <= bytes.length) { eocd = p; break; }
  }
  if (eocd < 0) fail('truncated', 'the zip archive is truncated or corrupt (no end-of-central-directory record)');
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== 0x07064b50) fail('bad-zip', 'the zip64 end-of-directory locator is missing');
    const z = u64(loc + 8);
    if (z + 56 > bytes.length || dv.getUint32(z, true) !== 0x06064b50) fail('bad-zip', 'the zip64 end-of-directory record is missing');
    count = u64(z + 32);
    cdSize = u64(z + 40);
    cdOffset = u64(z + 48);
  }
  if (cdOffset + cdSize > bytes.length || count * 46 > cdSize) {
    fail('truncated', 'the zip archive is truncated or corrupt (its central directory lies outside the file)');
  }
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cdOffset + cdSize || dv.getUint32(p, true) !== 0x02014b50) fail('bad-zip', 'the zip central directory is corrupt');
    const flags = dv.getUint16(p + 8, true);
    const nameLen = dv.getUint16(p + 28, true), extraLen = dv.getUint16(p + 30, true);
    const next = p + 46 + nameLen + extraLen + dv.getUint16(p + 32, true);
    if (next > cdOffset + cdSize) fail('bad-zip', 'the zip central directory is corrupt');
    const rawName = bytes.subarray(p + 46, p + 46 + nameLen);
    const name = (flags & 0x800 ? decodeUtf8(rawName) : undefined) ?? decodeLatin1(rawName);
    const e: ZipEntry = {
      name, method: dv.getUint16(p + 10, true), crc: dv.getUint32(p + 16, true),
      compressedSize: dv.getUint32(p + 20, true), size: dv.getUint32(p + 24, true), localOffset: dv.getUint32(p + 42, true),
    };
    // zip64 extended information: present fields follow in this order, only for those saturated at 0xFFFFFFFF.
    for (let x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen;) {
      const id = dv.getUint16(x, true), len = dv.getUint16(x + 2, true);
      if (x + 4 + len > p + 46 + nameLen + extraLen) fail('bad-zip', `zip member '${name}' has a corrupt extra field`);
      if (id === 0x0001) {
        let q = x + 4;
        const take = (): number => {
          if (q + 8 > x + 4 + len) fail('bad-zip', `zip member '${name}' has a short zip64 extra field`);
          const v = u64(q); q += 8; return v;
        };
        if (e.size === 0xffffffff) e.size = take();
        if (e.compressedSize === 0xffffffff) e.compressedSize = take();
        if (e.localOffset === 0xffffffff) e.localOffset = take();
      }
      x += 4 + len;
    }
    if (flags & 1) fail('bad-zip', `zip member '${name}' is encrypted`);
    entries.push(e);
    p = next;
  }
  return entries;
}

/**
 * Checks the archive as a whole before anything is inflated: every listed member's data (local header through its
 * compressed bytes) must lie inside the file and no two members may share bytes (overlapping members are how a small
 * file makes many members inflate the same compressed data: a zip bomb); and the declared sizes of the members to be
 * extracted must fit the budget together. So the total inflated across members is bounded by the budget and by
 * ~1032× the file's size, and a refusal costs no inflation at all.
 */
export function checkMembers(bytes: Uint8Array, entries: readonly ZipEntry[], extract: readonly ZipEntry[],
  budget: Budget, file: string, ratio: RatioGuard = RATIO_GUARD): void {
  const fail = failer(file);
  const spans = entries.map((e) => ({ e, start: e.localOffset, end: dataStart(bytes, e, fail) + e.compressedSize }))
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const a = spans[i - 1]!, b = spans[i]!;
    if (b.start < a.end) {
      fail('bad-zip', `zip members '${a.e.name}' and '${b.e.name}' overlap (they share compressed bytes; a zip bomb?)`);
    }
  }
  // Deflated members together: above `ratio.minBytes`, refuse a total that only a bomb (or data that is almost
  // entirely one value) reaches. Weights deflate ~1.1:1; stored members are never counted.
  const deflated = extract.filter((e) => e.method === 8);
  const inflatedTotal = deflated.reduce((s, e) => s + e.size, 0), compressedTotal = deflated.reduce((s, e) => s + e.compressedSize, 0);
  if (inflatedTotal > ratio.minBytes && inflatedTotal > ratio.maxRatio * compressedTotal) {
    fail('too-large', `refusing to decompress: the members declare ${inflatedTotal} bytes from ${compressedTotal} ` +
      `compressed bytes, more than ${ratio.maxRatio}:1 (a zip bomb?); if the data really is that repetitive, save it ` +
      'uncompressed (np.savez instead of np.savez_compressed)');
  }
  let declared = 0;
  for (const e of extract) {
    declared += e.size;
    if (declared > budget.left) {
      fail('too-large', `refusing to decompress: member '${e.name}' would bring the decompressed total above the ` +
        `limit of ${budget.limit} bytes (maxDecompressedBytes)`);
    }
  }
}

/**
 * The compression-ratio guard: deflated members that together declare more than `minBytes` may not expand more than
 * `maxRatio`:1. Real weight trajectories deflate about 1.1:1; a few hundred to one means a file of (nearly) one repeated
 * value, which is what a non-overlapping zip bomb is. Small archives (below `minBytes`) are never refused by it.
 */
export interface RatioGuard { minBytes: number; maxRatio: number }
export const RATIO_GUARD: RatioGuard = { minBytes: 256 * 2 ** 20, maxRatio: 200 };

/** Offset of a member's compressed data, after its local header; checks that header and the data's extent. */
function dataStart(bytes: Uint8Array, e: ZipEntry, fail: Fail): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lh = e.localOffset;
  if (lh + 30 > bytes.length || dv.getUint32(lh, true) !== 0x04034b50) {
    fail('bad-zip', `zip member '${e.name}' has no valid local header`);
  }
  const start = lh + 30 + dv.getUint16(lh + 26, true) + dv.getUint16(lh + 28, true);
  if (start + e.compressedSize > bytes.length) fail('truncated', `zip member '${e.name}' is truncated`);
  return start;
}

/** Returns a member's bytes: a view into `bytes` when stored, a fresh buffer when deflated. Verifies size and CRC. */
export function extractEntry(bytes: Uint8Array, e: ZipEntry, budget: Budget, file: string): Uint8Array {
  const fail = failer(file);
  const start = dataStart(bytes, e, fail);
  if (e.size > budget.left) {
    fail('too-large', `refusing to decompress: member '${e.name}' would bring the decompressed total above the ` +
      `limit of ${budget.limit} bytes (maxDecompressedBytes)`);
  }
  // Deflate cannot expand more than ~1032:1, so a larger declared size is a lie; refuse it before allocating.
  if (e.method === 8 && e.size > e.compressedSize * 1032 + 1024) {
    fail('bad-zip', `zip member '${e.name}' declares ${e.size} bytes, more than ${e.compressedSize} compressed bytes can hold`);
  }
  const input = bytes.subarray(start, start + e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) {
    if (e.compressedSize !== e.size) fail('bad-zip', `stored zip member '${e.name}' has inconsistent sizes`);
    out = input;
  } else if (e.method === 8) {
    out = inflateBounded(input, e, budget, fail);
  } else {
    fail('bad-zip', `zip member '${e.name}' uses unsupported compression method ${e.method} (only stored and deflate)`);
  }
  budget.left -= e.size;
  if (crc32(out!) !== e.crc) fail('bad-zip', `zip member '${e.name}' is corrupt (CRC-32 mismatch)`);
  return out!;
}

/**
 * Input bytes per push. Deflate expands at most ~1032×, so a push yields at most ~1032·piece bytes before the size
 * check sees them. Pieces scale with the declared size (small pieces are slow in fflate) between 16 KiB and 1 MiB,
 * which bounds that overshoot by max(17 MB, the declared size).
 */
const pieceFor = (size: number) => Math.min(1 << 20, Math.max(1 << 14, Math.floor(size / 1032)));

function inflateBounded(input: Uint8Array, e: ZipEntry, budget: Budget, fail: Fail): Uint8Array {
  let out: Uint8Array;
  try {
    out = new Uint8Array(e.size);
  } catch {
    return fail('too-large', `not enough memory to decompress member '${e.name}' (${e.size} bytes)`);
  }
  let written = 0;
  let ended = false;
  const inf = new Inflate((chunk, final) => {
    budget.inflated = (budget.inflated ?? 0) + chunk.length;
    if (written + chunk.length > e.size) {
      fail('bad-zip', `zip member '${e.name}' decompresses to more than its declared ${e.size} bytes (zip bomb?)`);
    }
    out.set(chunk, written);
    written += chunk.length;
    if (final) ended = true;
  });
  try {
    const piece = pieceFor(e.size);
    for (let p = 0; p < input.length || p === 0; p += piece) {
      inf.push(input.subarray(p, p + piece), p + piece >= input.length);
    }
  } catch (err) {
    if (err instanceof NpzError) throw err;
    fail('bad-zip', `zip member '${e.name}' has corrupt deflate data (${(err as Error).message})`);
  }
  if (!ended || written !== e.size) {
    fail('bad-zip', `zip member '${e.name}' decompresses to ${written} bytes, not the declared ${e.size}`);
  }
  return out;
}

let crcTables: Int32Array[] | undefined;

/** CRC-32 (zip's polynomial 0xEDB88320), slicing-by-4: four table lookups per 4 input bytes. */
export function crc32(data: Uint8Array): number {
  if (!crcTables) {
    const t0 = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t0[n] = c;
    }
    crcTables = [t0];
    for (let j = 1; j < 4; j++) {
      const prev = crcTables[j - 1]!, t = new Int32Array(256);
      for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
      crcTables.push(t);
    }
  }
  const [t0, t1, t2, t3] = crcTables as [Int32Array, Int32Array, Int32Array, Int32Array];
  let c = -1;
  let i = 0;
  const n4 = data.length - (data.length % 4);
  for (; i < n4; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t3[c & 0xff]! ^ t2[(c >>> 8) & 0xff]! ^ t1[(c >>> 16) & 0xff]! ^ t0[c >>> 24]!;
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
