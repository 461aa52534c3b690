/**
 * Fuzzing: seeded mutations of valid files (bit flips, truncations, header and length-field edits, insertions)
 * must either read correctly or throw a `TrajectoryFileError`; never another exception, never a hang.
 */
import { describe, expect, it } from 'vitest';
import { readTrajectoryFile, TrajectoryFileError, type ReadOptions } from '../../src/io/index';
import { fixture } from './helpers';

const SEEDS = ['flat_f32.npy', 'v3.npy', 'fortran.npy', 'big_endian.npy', 'half.npy', 'int64_be.npy', 'eigs_seeds.npy',
  'state_dict.npz', 'compressed.npz', 'ensemble_meta.npz', 'ensemble.npz', 'model.safetensors', 'traj.json'];
const CASES = Number(process.env.IO_FUZZ_CASES ?? 3000);

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of zip signatures (local, central, end records), whose fixed fields hold sizes and offsets. */
function zipRecords(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i++) if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2]! <= 8 && b[i + 3]! <= 8) out.push(i);
  return out;
}

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0xffffffff, 0xfffffffe];

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const n = (k: number) => Math.floor(r() * k);
  let b = src.slice();
  const dv = () => new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (n(7)) {
    case 0: // bit flips anywhere
      for (let k = 1 + n(8); k > 0; k--) { const i = n(b.length); b[i]! ^= 1 << n(8); }
      break;
    case 1: // truncation
      b = b.slice(0, n(b.length));
      break;
    case 2: // random bytes in the header region
      for (let k = 1 + n(4); k > 0; k--) b[n(Math.min(b.length, 160))] = n(256);
      break;
    case 3: { // a length/size field: at the start (npy, safetensors) or inside a zip record
      const recs = zipRecords(b);
      const base = recs.length && r() < 0.7 ? recs[n(recs.length)]! : 0;
      const at = Math.min(b.length - 4, base + 2 * n(24));
      if (at >= 0) dv().setUint32(at, r() < 0.5 ? INTERESTING[n(INTERESTING.length)]! : n(2 ** 32), true);
      break;
    }
    case 4: { // header text edit: replace a digit run or a quoted token in the first 200 bytes
      const head = String.fromCharCode(...b.subarray(0, 200));
      const runs = [...head.matchAll(/\d+|'[^']*'|True|False/g)];
      if (runs.length) {
        const m = runs[n(runs.length)]!;
        const rep = ['0', '99999999999', '-1', "'<f4'", "'>f8'", "'|O'", 'True', 'False', '(3, 4)', '()', ''][n(11)]!;
        const s = head.slice(0, m.index) + rep + head.slice(m.index! + m[0].length);
        const out = new Uint8Array(b.length - 200 + s.length > 0 ? Math.max(0, b.length - Math.min(200, b.length)) + s.length : 0);
        out.set(Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff));
        out.set(b.subarray(Math.min(200, b.length)), s.length);
        b = out;
      }
      break;
    }
    case 5: { // insert or delete a few bytes
      const i = n(b.length), k = 1 + n(16);
      b = r() < 0.5 ? new Uint8Array([...b.subarray(0, i), ...Array.from({ length: k }, () => n(256)), ...b.subarray(i)])
        : new Uint8Array([...b.subarray(0, i), ...b.subarray(i + k)]);
      break;
    }
    case 6: // the safetensors/npy header length set to a nearby or huge value
      if (b.length >= 12) dv().setUint32(r() < 0.5 ? 0 : 8, n(4) === 0 ? 0xffffffff : dv().getUint32(0, true) + n(64) - 32, true);
      break;
  }
  return b;
}

describe('io fuzz', () => {
  it(`${CASES} seeded mutations give results or TrajectoryFileErrors, each within 2 s`, () => {
    const r = rng(Number(process.env.IO_FUZZ_SEED ?? 20240611));
    const seeds = SEEDS.map((f) => [f, fixture(f)] as const);
    const tally = { ok: 0, errors: 0 };
    let slowest = 0;
    for (let c = 0; c < CASES; c++) {
      const [file, bytes] = seeds[c % seeds.length]!;
      const mutated = mutate(bytes, r);
      const opts: ReadOptions = [{}, { every: 2 }, { nonFinite: 'drop' as const }, { params: { start: 0, end: 3 } }][c % 4]!;
      const t0 = performance.now();
      try {
        const out = readTrajectoryFile(file, mutated, { ...opts, maxDecompressedBytes: 64 * 2 ** 20 });
        if (out.kind === 'trajectory') {
          expect(out.data.length).toBe(out.runs * out.T * out.N);
          expect(out.T).toBeGreaterThanOrEqual(3);
        }
        tally.ok++;
      } catch (e) {
        if (!(e instanceof TrajectoryFileError)) {
          throw new Error(`case ${c} (${file}): ${(e as Error)?.stack ?? e}`);
        }
        expect(e.message.startsWith(`${file}: `)).toBe(true);
        tally.errors++;
      }
      const dt = performance.now() - t0;
      slowest = Math.max(slowest, dt);
      expect(dt, `case ${c} (${file}) took ${dt} ms`).toBeLessThan(2000);
    }
    // Both outcomes must occur, or the mutations are too weak (or too destructive) to mean anything.
    if (process.env.IO_FUZZ_VERBOSE) console.log(tally, `slowest ${slowest.toFixed(1)} ms`);
    expect(tally.ok).toBeGreaterThan(100);
    expect(tally.errors).toBeGreaterThan(500);
  });
});
