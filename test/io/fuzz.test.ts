/**
 * Fuzzing: seeded mutations of valid files (bit flips, truncations, header and length-field edits, insertions) and
 * structure-aware generated files (JSON shapes, zip directories with overlapping or duplicated members, npy header
 * dicts, safetensors headers) must either read correctly or throw a `TrajectoryFileError` whose message is one line
 * starting with the file name; never another exception. Work is bounded by counting it, not timing it: a zip never
 * inflates more than deflate's ~1032:1 of the file's bytes, whatever the decompression cap (so the cap cannot hide
 * an overlap bomb). A few generated files also go through the built binary: exit 0 or 2, one line, bounded memory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { readTrajectoryFile, TrajectoryFileError, writeNpy, type ReadOptions } from '../../src/io/index';
import { parseNpz } from '../../src/io/npz';
import { isZip } from '../../src/io/zip';
import { fixture } from './helpers';
import { concat, safetensorsRaw, zipOverlapping } from './hostile';

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

/** Reads `bytes` as `file`; checks the outcome's contract; returns whether it was read. */
function readOrRefuse(file: string, bytes: Uint8Array, opts: ReadOptions, c: number): boolean {
  try {
    const out = readTrajectoryFile(file, bytes, opts);
    if (out.kind === 'trajectory') {
      expect(out.data.length).toBe(out.runs * out.T * out.N);
      expect(out.T).toBeGreaterThanOrEqual(3);
    }
    return true;
  } catch (e) {
    if (!(e instanceof TrajectoryFileError)) throw new Error(`case ${c} (${file}): ${(e as Error)?.stack ?? e}`);
    expect(e.message.startsWith(`${file}: `)).toBe(true);
    expect(e.message, `case ${c}`).not.toMatch(/[\n\r]/);
    return false;
  }
}

/** Bounded work for zips: bytes inflated ≤ deflate's maximum ratio × the file's bytes (plus one 1 MiB slack). */
function expectBoundedInflation(file: string, bytes: Uint8Array, c: number): void {
  if (!isZip(bytes)) return;
  const stats = { inflatedBytes: 0 };
  try { parseNpz(bytes, file, { stats }); } catch { /* the outcome is checked by readOrRefuse */ }
  expect(stats.inflatedBytes, `case ${c} (${file})`).toBeLessThanOrEqual(1032 * bytes.length + 2 ** 20);
}

describe('io fuzz', () => {
  it(`${CASES} seeded mutations give results or one-line TrajectoryFileErrors, with bounded inflation`, () => {
    const r = rng(Number(process.env.IO_FUZZ_SEED ?? 20240611));
    const seeds = SEEDS.map((f) => [f, fixture(f)] as const);
    const tally = { ok: 0, errors: 0 };
    for (let c = 0; c < CASES; c++) {
      const [file, bytes] = seeds[c % seeds.length]!;
      const mutated = mutate(bytes, r);
      const opts: ReadOptions = [{}, { every: 2 }, { nonFinite: 'drop' as const }, { params: { start: 0, end: 3 } }][c % 4]!;
      if (readOrRefuse(file, mutated, { ...opts, maxDecompressedBytes: 64 * 2 ** 20 }, c)) tally.ok++;
      else tally.errors++;
      expectBoundedInflation(file, mutated, c);
    }
    // Both outcomes must occur, or the mutations are too weak (or too destructive) to mean anything.
    if (process.env.IO_FUZZ_VERBOSE) console.log(tally);
    expect(tally.ok).toBeGreaterThan(100);
    expect(tally.errors).toBeGreaterThan(500);
  });

  it(`${STRUCTURED} structure-aware generated files (JSON, zip directories, npy headers, safetensors headers)`, () => {
    const r = rng(Number(process.env.IO_FUZZ_SEED ?? 20240611) + 1);
    const tally: Record<string, [number, number]> = {};
    for (let c = 0; c < STRUCTURED; c++) {
      const [file, bytes] = generate(c, r);
      const ok = readOrRefuse(file, bytes, {}, c);
      const t = (tally[file] ??= [0, 0]);
      t[ok ? 0 : 1]++;
      expectBoundedInflation(file, bytes, c);
    }
    if (process.env.IO_FUZZ_VERBOSE) console.log(tally);
    // every generator produces both readable and refused files, or it is not exploring the boundary
    for (const [file, [ok, bad]] of Object.entries(tally)) {
      expect(ok, `${file} never read`).toBeGreaterThan(0);
      expect(bad, `${file} never refused`).toBeGreaterThan(0);
    }
  });
});

const STRUCTURED = Number(process.env.IO_FUZZ_STRUCTURED ?? 800);
const enc = (t: string) => new TextEncoder().encode(t);

/** One generated file, by case number: the generators take turns. */
function generate(c: number, r: () => number): [string, Uint8Array] {
  const n = (k: number) => Math.floor(r() * k);
  const pick = <T>(xs: readonly T[]): T => xs[n(xs.length)]!;
  switch (c % 4) {
    case 0: { // JSON: nested arrays, sometimes ragged, sometimes claiming a huge first row, odd leaves
      const T = 2 + n(4), dims = Array.from({ length: n(3) }, () => 1 + n(3));
      const leaf = () => pick([0.5, -1, 1e308, null, null, 'x', true, [], {}] as const);
      const build = (d: number): unknown => d === dims.length ? (r() < 0.97 ? r() : leaf())
        : Array.from({ length: (dims[d] ?? 1) + (r() < 0.05 ? pick([-1, 1, 1000]) : 0) }, () => build(d + 1));
      const w = Array.from({ length: T }, () => build(0));
      if (r() < 0.1 && Array.isArray(w[0])) (w[0] as unknown[]).push(...new Array(5000).fill(0)); // a huge first row
      const root: Record<string, unknown> = { params: { w } };
      if (r() < 0.3) root.steps = Array.from({ length: T + (r() < 0.3 ? 1 : 0) }, (_, i) => i);
      if (r() < 0.2) root.meta = pick([{ a: 1 }, [], 'x', null]);
      return ['gen.json', enc(JSON.stringify(root))];
    }
    case 1: { // zip directories: overlapping members, duplicated names, members pointing outside the file
      const kind = n(4);
      if (kind === 0) return ['gen.npz', zipOverlapping(1 + n(3), 2 ** (10 + n(6)))];
      const T = 3 + n(3);
      const npy = writeNpy({ dtype: 'float32', shape: [T, 2], data: new Float32Array(2 * T).map(() => r()) });
      const zip = zipSync({ 'a.npy': npy, 'b.npy': npy }, { level: pick([0, 6]) });
      if (kind === 1) return ['gen.npz', zip];
      const dv = new DataView(zip.buffer);
      const eocd = zip.length - 22, cd = dv.getUint32(eocd + 16, true);
      const second = cd + 46 + dv.getUint16(cd + 28, true) + dv.getUint16(cd + 30, true) + dv.getUint16(cd + 32, true);
      if (kind === 2) dv.setUint32(second + 42, dv.getUint32(cd + 42, true) + pick([0, 0, 1, 30]), true); // b → a's bytes
      else zip.set(enc('a'), second + 46); // the same name twice
      return ['gen.npz', zip];
    }
    case 2: { // npy header dicts
      const descr = pick(["'<f4'", "'>f8'", "'|u1'", "'<c16'", "'|O'", "'<U3'", "'<f4", "1", "'<i8'"]);
      const shape = pick(['(3, 2)', '(4,)', '()', '(3, -2)', '(99999999999, 99999999999)', '(3, 2.5)', '[3, 2]', '(3, 2, 0)']);
      const fo = pick(['False', 'True', '0', "'no'"]);
      const dict = r() < 0.1 ? `{'shape': ${shape}, 'descr': ${descr}}` : `{'descr': ${descr}, 'fortran_order': ${fo}, 'shape': ${shape}, }`;
      const head = enc(dict.padEnd(118 - 10, ' ') + '\n');
      const pre = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, head.length & 0xff, head.length >> 8]);
      const data = new Uint8Array(pick([0, 24, 48, 96, 200])).map(() => n(256));
      return ['gen.npy', concat([pre, head, data])];
    }
    default: { // safetensors headers: offsets with holes/overlaps/out of order, duplicate keys, odd metadata
      const k = 1 + n(3);
      let at = 0;
      const parts: string[] = [];
      for (let i = 0; i < k; i++) {
        const bytes = 4 * 3 * (1 + n(2));
        const start = at + (r() < 0.1 ? pick([-4, 4]) : 0);
        const name = r() < 0.08 && i > 0 ? 't0' : `t${i}`;
        const dtype = r() < 0.05 ? pick(['F8_E4M3', 'X', '1']) : 'F32';
        parts.push(`"${name}": {"dtype": "${dtype}", "shape": [${bytes / 4 / (r() < 0.05 ? 2 : 1)}], "data_offsets": [${start}, ${start + bytes}]}`);
        at = start + bytes;
      }
      if (r() < 0.3) parts.splice(n(parts.length + 1), 0, `"__metadata__": ${pick(['{"a": "1"}', '{"a": 1}', '[]', '"x"', '{"n": "[\\"t0\\"]"}'])}`);
      if (r() < 0.5) parts.reverse();
      const header = `${pick(['', ' ', '\n '])}{${parts.join(', ')}}${pick(['', '   ', ' \n'])}`;
      return ['gen.safetensors', safetensorsRaw(header, Math.max(0, at + (r() < 0.1 ? pick([-4, 4]) : 0)))];
    }
  }
}

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const bin = join(root, 'bin/koopscope.js');

describe.skipIf(!existsSync(join(root, 'dist-cli/koopscope.mjs')))('fuzz: the command line\'s contract', () => {
  const dir = mkdtempSync(join(tmpdir(), 'koopscope-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('12 generated files: exit 0 or 2, on 2 exactly one line naming the file, peak RSS < 1.5 GB, no hang', () => {
    const r = rng(7);
    const codes: number[] = [];
    for (let c = 0; c < 12; c++) {
      const [file, bytes] = generate(c, r);
      const path = join(dir, `${c}-${file}`);
      writeFileSync(path, bytes);
      const rss = join(dir, `rss-${c}`);
      const p = spawnSync(process.execPath, ['--require', join(root, 'test/cli/rss.cjs'), bin, 'spectrum', path, '--rank', '2'], {
        encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: { ...process.env, KOOPSCOPE_TEST_RSS_FILE: rss },
      });
      expect(p.signal, `case ${c}: killed (hung or ran past 30 s)`).toBeNull();
      expect([0, 2], `case ${c}: exit ${p.status}: ${p.stderr}`).toContain(p.status);
      if (p.status === 2) {
        const lines = p.stderr.split('\n').filter(Boolean);
        expect(lines, `case ${c}`).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^koopscope: ${c}-${file.replace('.', '\\.')}: `));
      }
      expect(Number(readFileSync(rss, 'utf8'))).toBeLessThan(1.5e6);
      codes.push(p.status!);
    }
    expect(codes).toContain(2);
  });
});
