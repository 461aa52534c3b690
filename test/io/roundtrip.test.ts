/**
 * Round trips against NumPy itself: files numpy writes (npy v1/v2/v3, Fortran order, big-endian, complex, float16,
 * zip64 compressed npz) read back to numpy's values, and files we write load in numpy.load with our values.
 * Skipped, with a visible note, when python3 with numpy is unavailable.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy, readNpz, readTrajectoryFile, writeNpy, writeNpz, type Trajectory } from '../../src/io/index';
import { HAS_NUMPY, diffNumbers, python } from './helpers';

if (!HAS_NUMPY) console.warn('test/io/roundtrip.test.ts: python3 with numpy not found, NumPy round trips SKIPPED');

const dir = mkdtempSync(join(tmpdir(), 'koopscope-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = (f: string) => new Uint8Array(readFileSync(join(dir, f)));

describe.skipIf(!HAS_NUMPY)('numpy writes, we read', () => {
  // Each file comes with its values in C order (complex split into re/im) as numpy sees them.
  const expected = JSON.parse(python(`
import json, numpy as np
rng = np.random.default_rng(7)
a = rng.standard_normal((7, 3, 2)).astype(np.float32)
cases = {
  'v1.npy': (a, (1, 0)), 'v2.npy': (a, (2, 0)), 'v3.npy': (a, (3, 0)),
  'fortran.npy': (np.asfortranarray(rng.standard_normal((5, 4, 3))), None),
  'fortran_be.npy': (np.asfortranarray(rng.standard_normal((4, 6)).astype('>f4')), None),
  'be_f8.npy': (rng.standard_normal((3, 4)).astype('>f8'), None),
  'be_i4.npy': (rng.integers(-2**31, 2**31, (3, 4)).astype('>i4'), None),
  'u4.npy': (rng.integers(0, 2**32, (3, 4)).astype('<u4'), None),
  'i2.npy': (rng.integers(-2**15, 2**15, (5,)).astype('<i2'), None),
  'bool.npy': (rng.integers(0, 2, (4, 2)).astype(bool), None),
  'f16.npy': ((rng.standard_normal((6, 5)) * 1000).astype(np.float16), None),
  'c16.npy': (rng.standard_normal(9) + 1j * rng.standard_normal(9), None),
  'c8_be.npy': ((rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype('>c8'), None),
}
out = {}
for name, (arr, version) in cases.items():
  with open(name, 'wb') as f:
    np.lib.format.write_array(f, arr, version=version)
  x = np.asarray(arr)
  out[name] = {'shape': list(x.shape), 're': np.real(x).astype(np.float64).ravel().tolist(),
               'im': np.imag(x).astype(np.float64).ravel().tolist() if np.iscomplexobj(x) else None}
w = rng.standard_normal((10, 4, 3)).astype(np.float32)
np.savez_compressed('zip64.npz', w=w, b=rng.standard_normal((10, 4)).astype(np.float32), steps=np.arange(10) * 5)
np.savez('stored.npz', w=w)
z = np.load('zip64.npz')
out['zip64.npz'] = {k: z[k].astype(np.float64).ravel().tolist() for k in z.files}
# NumPy >= 2 writes zip64 extra fields in the local headers of savez_compressed.
raw = open('zip64.npz', 'rb').read()
out['zip64_local_extra'] = raw[30 + int.from_bytes(raw[26:28], 'little'):][:2] == b'\\x01\\x00'
print(json.dumps(out))
`, dir)) as Record<string, { shape: number[]; re: number[]; im: number[] | null }> & Record<string, unknown>;

  for (const name of ['v1.npy', 'v2.npy', 'v3.npy', 'fortran.npy', 'fortran_be.npy', 'be_f8.npy', 'be_i4.npy', 'u4.npy',
    'i2.npy', 'bool.npy', 'f16.npy', 'c16.npy', 'c8_be.npy']) {
    it(`reads ${name} to numpy's values`, () => {
      const want = expected[name]!;
      const got = readNpy(read(name), name);
      expect(got.shape).toEqual(want.shape);
      expect(diffNumbers(got.data, want.re)).toBe('');
      if (want.im) expect(diffNumbers(got.im!, want.im)).toBe('');
    });
  }

  it('reads a zip64 savez_compressed archive', () => {
    expect(expected.zip64_local_extra).toBe(true);
    const got = readNpz(read('zip64.npz'), 'zip64.npz');
    const want = expected['zip64.npz'] as unknown as Record<string, number[]>;
    expect([...got.arrays.keys()]).toEqual(['w', 'b', 'steps']);
    for (const [k, v] of got.arrays) expect(diffNumbers(v.data, want[k]!), k).toBe('');
    const t = readTrajectoryFile('zip64.npz', read('zip64.npz')) as Trajectory;
    expect([t.T, t.N]).toEqual([10, 16]);
    expect(Array.from(t.steps!)).toEqual(Array.from({ length: 10 }, (_, i) => 5 * i));
  });

  it('reads a stored npz (unaligned member data is copied once)', () => {
    const t = readTrajectoryFile('stored.npz', read('stored.npz')) as Trajectory;
    expect(diffNumbers(t.data, (expected['zip64.npz'] as unknown as Record<string, number[]>).w!)).toBe('');
  });
});

describe.skipIf(!HAS_NUMPY)('we write, numpy reads', () => {
  it('writeNpy: every dtype loads in numpy with the same values', () => {
    const cases = [
      { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1.5, -2, 3e-8, 4, 5, 6]) },
      { dtype: 'float64', shape: [4], data: Float64Array.from([Math.PI, -0, 1e300, -1e-300]) },
      { dtype: 'int8', shape: [3], data: [-128, 0, 127] },
      { dtype: 'int16', shape: [3], data: [-32768, 1, 32767] },
      { dtype: 'int32', shape: [1, 3], data: [-(2 ** 31), 7, 2 ** 31 - 1] },
      { dtype: 'uint8', shape: [2], data: [0, 255] },
      { dtype: 'uint16', shape: [2], data: [0, 65535] },
      { dtype: 'uint32', shape: [2], data: [0, 2 ** 32 - 1] },
      { dtype: 'bool', shape: [3], data: [1, 0, 1] },
      { dtype: 'complex128', shape: [2], data: [1, -3], im: [2, 0.5] },
      { dtype: 'float32', shape: [0, 3], data: [] },
    ] as const;
    cases.forEach((c, i) => writeFileSync(join(dir, `w${i}.npy`), writeNpy(c)));
    const got = JSON.parse(python(`
import json, numpy as np
out = []
for i in range(${cases.length}):
  a = np.load(f'w{i}.npy', allow_pickle=False)
  out.append({'dtype': str(a.dtype), 'shape': list(a.shape), 're': np.real(a).astype(float).ravel().tolist(),
              'im': np.imag(a).astype(float).ravel().tolist()})
print(json.dumps(out))`, dir)) as { dtype: string; shape: number[]; re: number[]; im: number[] }[];
    cases.forEach((c, i) => {
      expect(got[i]!.dtype).toBe(c.dtype === 'bool' ? 'bool' : c.dtype);
      expect(got[i]!.shape).toEqual(c.shape);
      expect(diffNumbers(got[i]!.re, Array.from(c.data))).toBe('');
      if ('im' in c) expect(diffNumbers(got[i]!.im, c.im)).toBe('');
    });
  });

  const traj: Trajectory = {
    kind: 'trajectory', source: 'mine.npz', runs: 2, T: 4, N: 5,
    params: [{ name: 'fc.weight', shape: [2, 2], offset: 0, size: 4 }, { name: 'fc.bias', shape: [1], offset: 4, size: 1 }],
    data: Float64Array.from({ length: 40 }, (_, i) => Math.fround(Math.sin(i) * 10)),
    steps: Float64Array.from([0, 10, 20, 30]),
    metrics: { loss: Float64Array.from([1, 0.5, 0.25, 0.125]) },
    meta: { optimizer: 'adam', seed: 3 },
  };

  for (const o of [{}, { compress: true }, { perParameter: true }, { perParameter: true, compress: true }]) {
    it(`writeNpz ${JSON.stringify(o)} loads in numpy and reads back identically`, () => {
      const bytes = writeNpz(traj, o);
      writeFileSync(join(dir, 'mine.npz'), bytes);
      const np = JSON.parse(python(`
import json, numpy as np
z = np.load('mine.npz', allow_pickle=False)
print(json.dumps({k: (json.loads(bytes(z[k])) if k == 'meta.json' else
  {'dtype': str(z[k].dtype), 'shape': list(z[k].shape), 'v': z[k].astype(float).ravel().tolist()}) for k in z.files}))`, dir));
      const w = o.perParameter ? np['fc.weight'] : np.weights;
      expect(w.dtype).toBe('float32');
      expect(w.shape).toEqual(o.perParameter ? [2, 4, 2, 2] : [2, 4, 5]);
      expect(np.steps).toEqual({ dtype: 'int32', shape: [4], v: [0, 10, 20, 30] });
      expect(np.loss.v).toEqual([1, 0.5, 0.25, 0.125]);
      expect(np['meta.json']).toEqual({ optimizer: 'adam', seed: 3, names: ['fc.weight', 'fc.bias'], shapes: [[2, 2], [1]],
        layout: 'ensemble' });
      const back = readTrajectoryFile('mine.npz', bytes) as Trajectory;
      expect(back.params).toEqual(traj.params);
      expect([back.runs, back.T, back.N]).toEqual([2, 4, 5]);
      expect(diffNumbers(back.data, traj.data)).toBe('');
      expect(Array.from(back.steps!)).toEqual([0, 10, 20, 30]);
      expect(back.meta).toMatchObject({ optimizer: 'adam', seed: 3 });
    });
  }
});

const PAPER1 = '/work/shared/data/paper1/';
describe.skipIf(!HAS_NUMPY || !existsSync(PAPER1))("paper 1's published eigenvalue files", () => {
  it('read as eigenvalue sets with numpy\'s values', () => {
    const files = readdirSync(PAPER1).filter((f) => f.endsWith('.npy'));
    const want = JSON.parse(python(`
import json, numpy as np
print(json.dumps({f: [[a.real.tolist(), a.imag.tolist()] for a in np.atleast_2d(np.load(f))] for f in ${JSON.stringify(files)}}))`,
      PAPER1)) as Record<string, [number[], number[]][]>;
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const got = readTrajectoryFile(f, new Uint8Array(readFileSync(PAPER1 + f)));
      expect(got.kind, f).toBe('eigenvalues');
      if (got.kind !== 'eigenvalues') continue;
      expect(got.sets.length, f).toBe(want[f]!.length);
      got.sets.forEach((s, i) => {
        expect(diffNumbers(s.re, want[f]![i]![0]), `${f} set ${i}`).toBe('');
        expect(diffNumbers(s.im, want[f]![i]![1]), `${f} set ${i}`).toBe('');
      });
    }
  });
});
