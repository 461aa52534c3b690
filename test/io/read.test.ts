/** Behaviour of the readers beyond the fixture table: zero-copy, selection, Blob reading, writer guards, errors. */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  BLOB_CHUNK_BYTES, NpyError, NpzError, TrajectoryFileError, readBlob, readNpy, readTrajectoryFile, sniffFormat,
  writeNpy, writeNpz, type BlobLike, type Trajectory,
} from '../../src/io/index';
import { fixture } from './helpers';

const traj = (t: unknown) => t as Trajectory;

function blobOf(bytes: Uint8Array, slices: [number, number][] = []): BlobLike {
  return {
    size: bytes.length,
    slice(a: number, b: number) {
      slices.push([a, b]);
      return { arrayBuffer: async () => bytes.slice(a, b).buffer as ArrayBuffer };
    },
  };
}

/** A stored .npz of float32 arrays (in the given order) and an optional meta.json member. */
function npz(arrays: Record<string, { shape: number[]; data: number[] }>, meta?: object): Uint8Array {
  return zipSync(Object.fromEntries([
    ...Object.entries(arrays).map(([k, a]) => [`${k}.npy`, writeNpy({ dtype: 'float32', shape: a.shape, data: a.data })]),
    ...(meta ? [['meta.json', new TextEncoder().encode(JSON.stringify(meta))]] : []),
  ]), { level: 0 });
}
const range = (n: number, f = (i: number) => i) => Array.from({ length: n }, (_, i) => f(i));

describe('zero-copy and alignment', () => {
  it('an aligned little-endian float32 .npy becomes a view of the file buffer', () => {
    const bytes = writeNpy({ dtype: 'float32', shape: [4, 3], data: range(12) });
    const t = traj(readTrajectoryFile('a.npy', bytes));
    expect(t.data.buffer).toBe(bytes.buffer);
    expect(Array.from(t.data)).toEqual(range(12));
  });

  it('an unaligned one is copied once and reads the same values', () => {
    const inner = writeNpy({ dtype: 'float64', shape: [3, 2], data: range(6, (i) => i / 3) });
    const shifted = new Uint8Array(inner.length + 1).subarray(1);
    shifted.set(inner);
    const t = traj(readTrajectoryFile('a.npy', shifted));
    expect(t.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(t.data)).toEqual(range(6, (i) => i / 3));
  });

  it('every-k and selections copy only what they keep', () => {
    const bytes = writeNpy({ dtype: 'float32', shape: [10, 4], data: range(40) });
    const t = traj(readTrajectoryFile('a.npy', bytes, { every: 3, params: { start: 1, end: 3 } }));
    expect([t.T, t.N]).toEqual([4, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 13, 14, 25, 26, 37, 38]);
    expect(t.params).toEqual([{ name: 'a', shape: [2], offset: 0, size: 2 }]);
  });
});

describe('parameter selection by name', () => {
  const bytes = npz({
    'fc1.weight': { shape: [3, 2], data: range(6) }, 'fc1.bias': { shape: [3, 1], data: [10, 11, 12] },
    'fc10.weight': { shape: [3, 1], data: [20, 21, 22] },
  });
  it("a prefix 'fc1' selects fc1.* but not fc10.*", () => {
    const t = traj(readTrajectoryFile('m.npz', bytes, { params: { names: ['fc1'] } }));
    expect(t.params.map((p) => p.name)).toEqual(['fc1.weight', 'fc1.bias']);
    expect(Array.from(t.data)).toEqual([0, 1, 10, 2, 3, 11, 4, 5, 12]);
  });
  it('exact names and trailing-dot prefixes work, file order is kept', () => {
    const t = traj(readTrajectoryFile('m.npz', bytes, { params: { names: ['fc10.', 'fc1.weight'] } }));
    expect(t.params.map((p) => [p.name, p.offset])).toEqual([['fc1.weight', 0], ['fc10.weight', 2]]);
  });
  it('bad options are typed errors', () => {
    for (const opts of [{ every: 0 }, { every: 1.5 }, { params: { start: 2, end: 2 } }, { params: { start: 0, end: 99 } }]) {
      expect(() => readTrajectoryFile('m.npz', bytes, opts)).toThrow(TrajectoryFileError);
    }
  });
});

describe('meta.json names', () => {
  it('lists 1-D parameters explicitly so they are not taken for metrics', () => {
    const bytes = npz({ temp: { shape: [3], data: [1, 2, 3] }, loss: { shape: [3], data: [3, 2, 1] } }, { names: ['temp'] });
    const t = traj(readTrajectoryFile('m.npz', bytes));
    expect(t.params).toEqual([{ name: 'temp', shape: [], offset: 0, size: 1 }]);
    expect(Object.keys(t.metrics)).toEqual(['loss']);
  });
  it('names a missing array: error', () => {
    const bytes = npz({ w: { shape: [3, 1], data: [1, 2, 3] } }, { names: ['v'] });
    expect(() => readTrajectoryFile('m.npz', bytes)).toThrow("m.npz: meta.json lists parameter 'v' but the file has no such array");
  });
});

describe('non-finite values in ensembles', () => {
  it('says which run, and drop removes the snapshot from every run', () => {
    const data = range(2 * 4 * 2);
    data[1 * 8 + 2 * 2 + 1] = Infinity; // run 1, snapshot 2
    const bytes = npz({ weights: { shape: [2, 4, 2], data } });
    expect(() => readTrajectoryFile('e.npz', bytes)).toThrow("e.npz: array 'weights' has a non-finite value (Infinity) at snapshot 2 of run 1");
    const t = traj(readTrajectoryFile('e.npz', bytes, { nonFinite: 'drop' }));
    expect([t.runs, t.T, t.dropped]).toEqual([2, 3, [2]]);
    expect(Array.from(t.data)).toEqual([0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 14, 15]);
  });
});

describe('readBlob', () => {
  it('reads in bounded chunks with progress and gives the same result', async () => {
    const bytes = fixture('state_dict.npz');
    const slices: [number, number][] = [];
    const progress: [number, string][] = [];
    const t = traj(await readBlob('s.npz', blobOf(bytes, slices), { onProgress: (f, p) => progress.push([f, p]) }));
    expect(Array.from(t.data)).toEqual(Array.from(traj(readTrajectoryFile('s.npz', bytes)).data));
    expect(slices.every(([a, b]) => b - a <= BLOB_CHUNK_BYTES)).toBe(true);
    expect(progress.filter(([, p]) => p === 'read').at(-1)).toEqual([1, 'read']);
    expect(progress.some(([, p]) => p === 'decompress')).toBe(true);
  });
  it('with sharedMemory, an aligned float32 .npy\'s data is a view of a SharedArrayBuffer (threads read it without a copy)', async () => {
    const bytes = writeNpy({ dtype: 'float32', shape: [5, 7], data: Float32Array.from({ length: 35 }, (_, i) => i / 3) });
    const shared = traj(await readBlob('w.npy', blobOf(bytes, []), { sharedMemory: true }));
    const plain = traj(await readBlob('w.npy', blobOf(bytes, [])));
    expect(shared.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(plain.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(shared.data)).toEqual(Array.from(plain.data));
  });
  it('reads a real Blob through its BYOB stream into one reused chunk, with progress, and the same result', async () => {
    const bytes = fixture('state_dict.npz');
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    let sliced = 0;
    const watched: BlobLike = { size: blob.size, slice: (a, b) => { sliced += b - a; return blob.slice(a, b); }, stream: () => blob.stream() as never };
    const progress: number[] = [];
    const t = traj(await readBlob('s.npz', watched, { onProgress: (f, p) => { if (p === 'read') progress.push(f); } }));
    expect(Array.from(t.data)).toEqual(Array.from(traj(readTrajectoryFile('s.npz', bytes)).data));
    expect(sliced).toBeLessThanOrEqual(16); // only the format sniff: the data came through the stream
    expect(progress.at(-1)).toBe(1);
  });
  it('a stream that ends early or runs long is a truncated file', async () => {
    const bytes = fixture('state_dict.npz');
    const lying = (delta: number): BlobLike => ({
      size: bytes.length, slice: (a, b) => new Blob([bytes.slice(a, b)]),
      stream: () => new Blob([bytes.slice(0, bytes.length + delta), new Uint8Array(Math.max(0, delta))]).stream() as never,
    });
    await expect(readBlob('s.npz', lying(-10))).rejects.toMatchObject({ code: 'truncated' });
    await expect(readBlob('s.npz', lying(10))).rejects.toMatchObject({ code: 'truncated' });
  });
  it('refuses a pickle after reading only its first bytes', async () => {
    const bytes = new Uint8Array(50 << 20);
    bytes.set([0x80, 0x02]);
    const slices: [number, number][] = [];
    await expect(readBlob('old.pt', blobOf(bytes, slices))).rejects.toMatchObject({ code: 'pytorch-pickle' });
    expect(slices).toEqual([[0, 16]]);
  });
  it('an empty blob is a typed error', async () => {
    await expect(readBlob('e.npy', blobOf(new Uint8Array(0)))).rejects.toMatchObject({ code: 'empty' });
  });
});

describe('errors and sniffing', () => {
  it('low-level errors are TrajectoryFileErrors with titles and codes', () => {
    let e: unknown;
    try { readNpy(new Uint8Array([1, 2, 3]), 'x.npy'); } catch (err) { e = err; }
    expect(e).toBeInstanceOf(NpyError);
    expect(e).toBeInstanceOf(TrajectoryFileError);
    expect(e).toMatchObject({ name: 'Error loading NumPy .npy file.', code: 'bad-header', file: 'x.npy' });
    expect(() => readTrajectoryFile('t.npz', fixture('truncated.npz'))).toThrow(NpzError);
  });
  it('detects formats from bytes', () => {
    expect(sniffFormat(fixture('flat_f32.npy'))).toBe('npy');
    expect(sniffFormat(fixture('compressed.npz'))).toBe('npz');
    expect(sniffFormat(fixture('model.safetensors'))).toBe('safetensors');
    expect(sniffFormat(fixture('traj.json'))).toBe('json');
    expect(sniffFormat(fixture('legacy.pt'))).toBe('pickle');
    expect(sniffFormat(fixture('random.bin'))).toBeUndefined();
  });
  it('a safetensors header of 640 bytes (0x80 0x02 …) is not taken for a pickle', () => {
    const json = JSON.stringify({ w: { dtype: 'F32', shape: [3, 1], data_offsets: [0, 12] }, __metadata__: { pad: '' } });
    const header = new TextEncoder().encode(json.replace('"pad":""', `"pad":"${' '.repeat(640 - json.length)}"`));
    expect(header.length).toBe(640);
    const bytes = new Uint8Array(8 + 640 + 12);
    new DataView(bytes.buffer).setUint32(0, 640, true);
    bytes.set(header, 8);
    bytes.set(new Uint8Array(Float32Array.from([1, 2, 3]).buffer), 648);
    expect([bytes[0], bytes[1]]).toEqual([0x80, 0x02]);
    expect(Array.from(traj(readTrajectoryFile('w.safetensors', bytes)).data)).toEqual([1, 2, 3]);
  });
  it('a lying zip header stops inflation right after the declared size', () => {
    // The member holds 256 MiB of zeros but declares 1000 bytes: refused. The work done (bytes inflated, at most one
    // input piece past the declared size) is bounded in test/io/hostile.test.ts, by counting, not by timing.
    expect(() => readTrajectoryFile('b.npz', fixture('bomb_lying.npz'))).toThrow(/declared 1000 bytes/);
  });
});

describe('writeNpz guards', () => {
  it('refuses parameter names that clash with metrics', () => {
    const t: Trajectory = { kind: 'trajectory', source: 'x', runs: 1, T: 3, N: 1, data: new Float32Array(3),
      params: [{ name: 'loss', shape: [], offset: 0, size: 1 }], metrics: { loss: new Float64Array(3) } };
    expect(() => writeNpz(t, { perParameter: true })).toThrow("x: parameter name 'loss' clashes with another array");
  });
  it('refuses data of the wrong length', () => {
    const t: Trajectory = { kind: 'trajectory', source: 'x', runs: 1, T: 3, N: 2, data: new Float32Array(5),
      params: [{ name: 'w', shape: [2], offset: 0, size: 2 }], metrics: {} };
    expect(() => writeNpz(t)).toThrow(TrajectoryFileError);
  });
});
