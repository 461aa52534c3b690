/**
 * Hostile files (issue 14), generated in memory by test/io/hostile.ts: each must be refused with a
 * TrajectoryFileError naming the file, before any large allocation or inflation. Work is bounded by counting it
 * (bytes inflated, values allocated), never by timing it.
 */
import { describe, expect, it } from 'vitest';
import { readBlob, readTrajectoryFile, TrajectoryFileError, type Trajectory } from '../../src/io/index';
import { parseNpz } from '../../src/io/npz';
import { duplicateJsonKey } from '../../src/io/safetensors';
import { fixture } from './helpers';
import { jsonHugeShape, safetensorsRaw, stHeader, zipOverlapping, zipRepeated } from './hostile';
import { checkMembers, listZip } from '../../src/io/zip';
import { writeNpy } from '../../src/io/index';
import { zipSync } from 'fflate';

function refusal(name: string, bytes: Uint8Array): TrajectoryFileError {
  try {
    readTrajectoryFile(name, bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(TrajectoryFileError);
    expect((e as Error).message.startsWith(`${name}: `)).toBe(true);
    expect((e as Error).message).not.toContain('\n');
    return e as TrajectoryFileError;
  }
  throw new Error(`${name} was read`);
}

describe('JSON whose first row claims a huge shape', () => {
  it('is refused as not rectangular, without sizing anything by the claim', () => {
    const bytes = jsonHugeShape(4, 1000); // claims 10^12 values in ~8 kB
    expect(bytes.length).toBeLessThan(20_000);
    const e = refusal('huge.json', bytes);
    expect(e.code).toBe('bad-json');
    expect(e.message).toBe('huge.json: "w" is not rectangular: expected shape [1000, 1000, 1000, 1000]');
  });
  it('is refused the same way through readBlob (the app and workers read Files with it)', async () => {
    const bytes = jsonHugeShape(4, 1000);
    const blob = { size: bytes.length, slice: (a: number, b: number) => ({ arrayBuffer: async () => bytes.slice(a, b).buffer }) };
    await expect(readBlob('huge.json', blob)).rejects.toThrow(TrajectoryFileError);
  });
  it('a rectangular array still reads', () => {
    const t = readTrajectoryFile('ok.json', new TextEncoder().encode('{"params": {"w": [[1, 2], [3, 4], [5, null], [7, 8]]}}'),
      { nonFinite: 'drop' }) as Trajectory;
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 7, 8]);
  });
});

describe('zip with overlapping members', () => {
  it('is refused before anything is inflated', () => {
    const bytes = zipOverlapping(8, 16 * 2 ** 20); // 8 members × 16 MiB declared, sharing ~16 kB of deflate data
    expect(bytes.length).toBeLessThan(100_000);
    const stats = { inflatedBytes: -1 };
    expect(() => parseNpz(bytes, 'bomb.npz', { stats })).toThrow(
      "bomb.npz: zip members 'w0.npy' and 'w1.npy' overlap (they share compressed bytes; a zip bomb?)");
    expect(stats.inflatedBytes).toBe(0);
    expect(refusal('bomb.npz', bytes).code).toBe('bad-zip');
  });
  it('a single member of the same data reads (the overlap, not the ratio, is refused)', () => {
    const t = readTrajectoryFile('one.npz', zipOverlapping(1, 2 ** 16)) as Trajectory;
    expect([t.T, t.N]).toEqual([2 ** 16 / 32, 8]);
  });
  it('members whose declared sizes together pass the limit are refused before inflating any', () => {
    const npy = writeNpy({ dtype: 'float32', shape: [1024, 8], data: new Float32Array(8192) });
    const zip = zipSync({ 'a.npy': npy, 'b.npy': npy, 'c.npy': npy }, { level: 6 });
    const stats = { inflatedBytes: -1 };
    expect(() => parseNpz(zip, 'z.npz', { maxDecompressedBytes: 2.5 * npy.length, stats }))
      .toThrow("z.npz: refusing to decompress: member 'c.npy' would bring the decompressed total above the limit");
    expect(stats.inflatedBytes).toBe(0);
  });
  it('separate members that together expand more than 200:1 past a floor are refused before inflating any', () => {
    const zip = zipRepeated(4, 2 ** 20); // 4 × 1 MiB of zeros, ~1000:1
    const entries = listZip(zip, 'r.npz');
    const budget = { left: 2 ** 40, limit: 2 ** 40, inflated: 0 };
    expect(() => checkMembers(zip, entries, entries, budget, 'r.npz', { minBytes: 2 ** 20, maxRatio: 200 }))
      .toThrow(/^r\.npz: refusing to decompress: the members declare \d+ bytes from \d+ compressed bytes, more than 200:1 \(a zip bomb\?\); if the data really is that repetitive, save it uncompressed/);
    expect(budget.inflated).toBe(0);
    // below the floor (the default is 256 MiB) the same archive reads: small repetitive files are fine
    const t = readTrajectoryFile('r.npz', zip) as Trajectory;
    expect([t.T, t.N]).toEqual([2 ** 15, 32]);
  });
  it('a lying declared size stops inflation after at most one piece past it', () => {
    // bomb_lying.npz: a member of 256 MiB of zeros that declares 1000 bytes. One 16 KiB input piece inflates to at
    // most ~1032 × 16 KiB; inflating everything would be 256 MiB.
    const stats = { inflatedBytes: -1 };
    expect(() => parseNpz(fixture('bomb_lying.npz'), 'b.npz', { stats })).toThrow(/declared 1000 bytes/);
    expect(stats.inflatedBytes).toBeGreaterThan(1000);
    expect(stats.inflatedBytes).toBeLessThanOrEqual(1032 * 2 ** 14 + 1000);
  });
});

describe('safetensors follows the reference validation', () => {
  const t = (name: string, offsets: [number, number], shape = [3, 1]) => ({ name, shape, offsets });
  const bad = (header: string, dataBytes: number, msg: string) => {
    const e = refusal('s.safetensors', safetensorsRaw(header, dataBytes));
    expect(e.code).toBe('bad-header');
    expect(e.message).toBe(`s.safetensors: ${msg}`);
  };
  it('refuses duplicate tensor names (JSON.parse would keep the last silently)', () => {
    bad(stHeader([t('w', [0, 12]), t('w', [12, 24])]), 24, "the header lists 'w' twice");
  });
  it('refuses duplicate metadata keys', () => {
    bad(`{"__metadata__": {"a": "1", "a": "2"}, "w": ${JSON.stringify({ dtype: 'F32', shape: [3, 1], data_offsets: [0, 12] })}}`,
      12, "the header lists 'a' twice");
  });
  it('refuses overlapping offsets', () => {
    bad(stHeader([t('a', [0, 12]), t('b', [8, 20])]), 20,
      "tensor 'b' starts at byte 8 of the data but the tensors before it end at byte 12 (data_offsets must be contiguous from 0, without overlaps)");
  });
  it('refuses holes, including one at the start', () => {
    bad(stHeader([t('a', [0, 12]), t('b', [16, 28])]), 28,
      "tensor 'b' starts at byte 16 of the data but the tensors before it end at byte 12 (data_offsets must be contiguous from 0, without holes)");
    bad(stHeader([t('a', [4, 16])]), 16,
      "tensor 'a' starts at byte 4 of the data but the tensors before it end at byte 0 (data_offsets must be contiguous from 0, without holes)");
  });
  it('refuses trailing bytes after the last tensor', () => {
    bad(stHeader([t('a', [0, 12])]), 16, 'the data holds 4 bytes after the last tensor (data_offsets must cover the data exactly)');
  });
  it('refuses metadata values that are not strings', () => {
    bad(stHeader([t('a', [0, 12])], { names: ['a'] }), 12,
      "__metadata__ value 'names' is not a string (the format allows only strings)");
  });
  it('accepts leading whitespace and trailing-space padding in the header, and tensors listed out of offset order', () => {
    const header = `  \n${stHeader([t('b', [12, 24]), t('a', [0, 12])], { names: '["a", "b"]' })}      `;
    const out = readTrajectoryFile('s.safetensors', safetensorsRaw(header, 24)) as Trajectory;
    expect(out.params.map((p) => p.name)).toEqual(['a', 'b']);
    expect(Array.from(out.data)).toEqual([1, 4, 2, 5, 3, 6]);
  });
  it('duplicateJsonKey sees keys per object, through escapes and nesting', () => {
    expect(duplicateJsonKey('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}')).toBeUndefined();
    expect(duplicateJsonKey('{"a\\"b": 1, "x": "a\\"b", "a\\u0022b": 2}')).toBe('a"b');
    expect(duplicateJsonKey('{"k": [1, {"q": 1, "q": 2}]}')).toBe('q');
  });
});

describe('meta.json names', () => {
  it('an array listed twice is an error, not read twice', () => {
    const w = writeNpy({ dtype: 'float32', shape: [3, 2], data: new Float32Array(6) });
    const zip = zipSync({ 'w.npy': w, 'meta.json': new TextEncoder().encode('{"names": ["w", "w"]}') });
    const e = refusal('twice.npz', zip);
    expect(e.code).toBe('layout');
    expect(e.message).toBe('twice.npz: meta.json lists parameter \'w\' twice in "names"');
  });
});
