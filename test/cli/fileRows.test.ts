/**
 * Snapshots read on demand from a .npy (src/cli/fileRows.ts): which files are taken, that the rows read are the
 * file's, that a fit through the reader (one thread and split over Node threads) gives the Gram and the spectrum of
 * the file read whole bit for bit, and that the command line gives the same answer and the same kind of errors
 * either way (KOOPSCOPE_READ=on-demand / whole).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/io/index';
import { computeSpectrum, planFit, type SpectrumOptions } from '../../src/koopman/analyze';
import { gramUpperRows, gramUpperRowsFrom, mirrorUpper } from '../../src/linalg/gram';
import { npyRows } from '../../src/cli/fileRows';
import { createGramWorkers } from '../../src/cli/gramWorkers';
import { loadTrajectory } from '../../src/cli/load';
import { cli } from './inProcess';

let dir = '';
const path = (name: string) => join(dir, name);
/** tall.npy: 2200 snapshots of 700 values, more than 2000 pairs: a fixed rank takes the randomized route. */
const TALL = [2200, 700] as const;

/** T × N float32 values of a damped linear system seen through a random map, plus a little noise; seeded. */
function trajectory(T: number, N: number, seed = 3): Float32Array {
  let s = seed;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const P = Float64Array.from({ length: N * 4 }, rnd);
  const out = new Float32Array(T * N);
  let z = [1, 0.5, -0.8, 0.3];
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) out[t * N + i] = P[4 * i] * z[0] + P[4 * i + 1] * z[1] + P[4 * i + 2] * z[2] + P[4 * i + 3] * z[3] + 1e-3 * rnd();
    z = [0.98 * Math.cos(0.2) * z[0] - 0.98 * Math.sin(0.2) * z[1], 0.98 * Math.sin(0.2) * z[0] + 0.98 * Math.cos(0.2) * z[1], 0.9 * z[2], 0.7 * z[3]];
  }
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'koopscope-rows-'));
  // wider than one column block of the Gram (8192 values at 80 rows), so blocks after the first are read too
  writeFileSync(path('traj.npy'), writeNpy({ dtype: 'float32', shape: [80, 9001], data: trajectory(80, 9001) }));
  writeFileSync(path('cube.npy'), writeNpy({ dtype: 'float32', shape: [50, 30, 41], data: trajectory(50, 1230) }));
  writeFileSync(path('weights.npy'), writeNpy({ dtype: 'float32', shape: [2, 40, 8500], data: trajectory(80, 8500, 9) }));
  writeFileSync(path('tall.npy'), writeNpy({ dtype: 'float32', shape: [...TALL], data: trajectory(TALL[0], TALL[1], 21) }));
  writeFileSync(path('f64.npy'), writeNpy({ dtype: 'float64', shape: [80, 300], data: Float64Array.from(trajectory(80, 300)) }));
  const bad = trajectory(80, 3001);
  bad[17 * 3001 + 123] = NaN;
  writeFileSync(path('nan.npy'), writeNpy({ dtype: 'float32', shape: [80, 3001], data: bad }));
  const full = writeNpy({ dtype: 'float32', shape: [80, 3001], data: trajectory(80, 3001) });
  writeFileSync(path('short.npy'), full.subarray(0, full.length - 4));
  // big-endian float32: same values, '>f4'
  const be = writeNpy({ dtype: 'float32', shape: [20, 10], data: trajectory(20, 10) });
  const text = new TextDecoder('latin1').decode(be.subarray(0, 128)).replace("'<f4'", "'>f4'");
  writeFileSync(path('be.npy'), Buffer.concat([Buffer.from(text, 'latin1'), be.subarray(128)]));
});

describe('npyRows: which files are read on demand', () => {
  it('a (T, N) float32 file: one run; (T, a, b): N = a·b; weights.npy (R, T, P): an ensemble, as io reads them', () => {
    for (const [name, shape] of [['traj.npy', [1, 80, 9001]], ['cube.npy', [1, 50, 1230]], ['weights.npy', [2, 40, 8500]]] as const) {
      const r = npyRows(path(name))!;
      expect([r.runs, r.T, r.N]).toEqual(shape);
      const whole = loadTrajectory(path(name));
      expect([whole.runs, whole.T, whole.N]).toEqual(shape);
      r.reader.close();
    }
  });
  it('reads exactly the file\'s values at any row and column', () => {
    const r = npyRows(path('weights.npy'))!;
    const whole = loadTrajectory(path('weights.npy')).data;
    const dest = new Float32Array(37);
    for (const [row, k0] of [[0, 0], [39, 8463], [40, 0], [79, 700]]) {
      r.reader.read(row, k0, dest);
      expect(dest).toEqual(whole.subarray(row * 8500 + k0, row * 8500 + k0 + 37));
    }
    expect(() => r.reader.read(80, 0, dest)).toThrow(RangeError);
    r.reader.close();
  });
  it('declines what it does not take, so load.ts reads it (and names any problem)', () => {
    for (const name of ['f64.npy', 'be.npy', 'short.npy', 'nowhere.npy']) expect(npyRows(path(name)), name).toBeUndefined();
    expect(npyRows(dir)).toBeUndefined(); // a directory (nor a FIFO) is never opened
  });
});

describe('a fit through the reader equals the fit of the file read whole', () => {
  const cases: [string, string, SpectrumOptions][] = [
    ['rank 6', 'traj.npy', { rank: { kind: 'rank', r: 6 } }],
    ['window, delays, centred', 'traj.npy', { rank: { kind: 'rank', r: 5 }, window: { start: 10, end: 70 }, delays: 2, center: true }],
    ['an ensemble of two runs', 'weights.npy', { rank: { kind: 'rank', r: 4 } }],
    ['(T, a, b), an energy rule', 'cube.npy', { rank: { kind: 'energy', fraction: 0.999 } }],
  ];
  it.each(cases)('%s: the same eigenvalues, residual and modes, bit for bit', (_name, file, options) => {
    const r = npyRows(path(file))!;
    const whole = loadTrajectory(path(file));
    expect(planFit(r, options).route).toBe('gram');
    const a = computeSpectrum(r, options), b = computeSpectrum(whole, options);
    expect(a.spectrum.eigenvalues).toEqual(b.spectrum.eigenvalues);
    expect(a.spectrum.residual).toBe(b.spectrum.residual);
    expect(a.modes?.('projected').re).toEqual(b.modes?.('projected').re);
    r.reader.close();
  });
  it('refuses a plan that would read the data other than through the Gram', () => {
    const r = npyRows(path('traj.npy'))!;
    expect(() => computeSpectrum(r, { route: 'svd' })).toThrow(/fitted on the Gram route, or the randomized one without centring/);
    expect(() => computeSpectrum(r, { route: 'randomized', center: true })).toThrow(/centred/);
    r.reader.close();
  });
  it('a non-finite value is found and named, as on the whole file', () => {
    const r = npyRows(path('nan.npy'))!;
    expect(() => computeSpectrum(r, { rank: { kind: 'rank', r: 4 } })).toThrow(/snapshot 17 of run 0 has a non-finite value \(NaN\) at parameter 123/);
    r.reader.close();
  });
});

describe('the randomized route on rows read on demand', () => {
  // 2200 snapshots: more than 2000 pairs at a fixed rank take the randomized route
  const T = TALL[0], N = TALL[1];
  const file = () => path('tall.npy');
  const options: SpectrumOptions = { rank: { kind: 'rank', r: 6 }, delays: 1 };
  it('the same eigenvalues (to 1e-12), residual and modes as the file read whole, on one thread', () => {
    const r = npyRows(file())!;
    const whole = loadTrajectory(file());
    expect(planFit(r, options).route).toBe('randomized');
    const a = computeSpectrum(r, options), b = computeSpectrum(whole, options);
    expect(a.spectrum.eigenvalues.length).toBe(6);
    a.spectrum.eigenvalues.forEach((e, k) => expect(Math.hypot(e.re - b.spectrum.eigenvalues[k].re, e.im - b.spectrum.eigenvalues[k].im)).toBeLessThan(1e-12));
    expect(Math.abs(a.spectrum.residual - b.spectrum.residual)).toBeLessThan(1e-12 * Math.max(1, b.spectrum.residual));
    expect(a.modes?.('projected').re.length).toBe(b.modes?.('projected').re.length);
    r.reader.close();
  });
  it('the explicit residual pass reads the rows too: the same residual as on the file read whole', () => {
    const r = npyRows(file())!;
    const explicit: SpectrumOptions = { ...options, randomized: { residual: 'explicit' } };
    const a = computeSpectrum(r, explicit).spectrum.residual, b = computeSpectrum(loadTrajectory(file()), explicit).spectrum.residual;
    expect(a).toBeGreaterThan(0);
    expect(Math.abs(a - b)).toBeLessThan(1e-12 * b);
    r.reader.close();
  });
  it('its products split over Node threads that each read their own snapshots from the file', () => {
    const exec = createGramWorkers(3, { minProductMadds: 0 });
    try {
      const r = npyRows(file())!;
      let split = 0;
      const counting = { threads: 3, hankel: (...a: Parameters<typeof exec.hankel>) => { const h = exec.hankel(...a); if (h) split++; return h; } };
      const a = computeSpectrum(r, { ...options, productsExecutor: counting });
      const b = computeSpectrum(loadTrajectory(file()), options);
      expect(split).toBe(1);
      expect(exec.takenBack()).toBe(0);
      a.spectrum.eigenvalues.forEach((e, k) => expect(Math.hypot(e.re - b.spectrum.eigenvalues[k].re, e.im - b.spectrum.eigenvalues[k].im)).toBeLessThan(1e-12));
      r.reader.close();
    } finally { void exec.close(); }
  });
  it('a non-finite value is named before any product', () => {
    const data = trajectory(T, N, 21);
    data[1500 * N + 77] = -Infinity;
    writeFileSync(path('tallbad.npy'), writeNpy({ dtype: 'float32', shape: [T, N], data }));
    const r = npyRows(path('tallbad.npy'))!;
    expect(() => computeSpectrum(r, options)).toThrow(/snapshot 1500 of run 0 has a non-finite value \(-Infinity\) at parameter 77/);
    r.reader.close();
  });
});

describe('the Gram of rows read on demand over Node threads', () => {
  const exec = createGramWorkers(3);
  afterAll(() => exec.close());
  it('each thread reads its own rows; the Gram is bit-identical to one thread and to the rows held in memory', () => {
    const M = 96, N = 50_001; // 96² · 50001 / 2 = 2.3e8 multiply-adds: past the split threshold
    const data = trajectory(M, N, 5);
    writeFileSync(path('big.npy'), writeNpy({ dtype: 'float32', shape: [M, N], data }));
    const r = npyRows(path('big.npy'))!;
    const rows = Array.from({ length: M }, (_, i) => i);
    const split = exec.gramRows!(r.reader, rows)!;
    expect(split).toBeDefined();
    expect(exec.takenBack()).toBe(0);
    const one = new Float64Array(M * M), held = new Float64Array(M * M);
    gramUpperRowsFrom(r.reader, rows, 0, M, one);
    mirrorUpper(one, M);
    gramUpperRows(data, M, N, 0, M, held);
    mirrorUpper(held, M);
    expect(split).toEqual(one);
    expect(split).toEqual(held);
    r.reader.close();
  });
});

describe('koopscope spectrum reads large .npy files on demand, with the same answers', () => {
  const withRead = async (mode: string, ...argv: string[]) => {
    const before = process.env.KOOPSCOPE_READ;
    process.env.KOOPSCOPE_READ = mode;
    try { return await cli(...argv); } finally { if (before === undefined) delete process.env.KOOPSCOPE_READ; else process.env.KOOPSCOPE_READ = before; }
  };
  it('the randomized route: the same eigenvalues on demand as read whole (to rounding), all threads', async () => {
    const a = JSON.parse((await withRead('on-demand', 'spectrum', path('tall.npy'), '--rank', '6', '--json')).out);
    const b = JSON.parse((await withRead('whole', 'spectrum', path('tall.npy'), '--rank', '6', '--json')).out);
    expect(a.pairs).toBeGreaterThan(2000);
    a.eigenvalues.forEach(([re, im]: number[], k: number) => expect(Math.hypot(re - b.eigenvalues[k][0], im - b.eigenvalues[k][1])).toBeLessThan(1e-12));
  });
  it.each([
    [['--rank', '6']], [['--rank', '5', '--window', '10:70', '--delays', '1']], [['--energy', '0.99', '--center']],
  ])('%j: the same JSON on demand as read whole', async (flags) => {
    const a = await withRead('on-demand', 'spectrum', path('traj.npy'), ...flags, '--json');
    const b = await withRead('whole', 'spectrum', path('traj.npy'), ...flags, '--json');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
  });
  it('a non-finite value: exit 2, one line naming the file, the snapshot and the parameter', async () => {
    const r = await withRead('on-demand', 'spectrum', path('nan.npy'), '--rank', '4');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^koopscope: nan\.npy: snapshot 17 of run 0 has a non-finite value \(NaN\) at parameter 123; drop such snapshots/);
    expect(r.err.split('\n')).toHaveLength(1);
  });
  it('a truncated file: read whole, the reader\'s own message', async () => {
    const r = await withRead('on-demand', 'spectrum', path('short.npy'), '--rank', '4');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/short\.npy.*truncated/);
  });
});

describe('a file that shrinks while it is read on demand', () => {
  it('gives one line naming the file, not a fit of zeros', async () => {
    const file = path('shrinks.npy');
    writeFileSync(file, writeNpy({ dtype: 'float32', shape: [80, 9001], data: trajectory(80, 9001) }));
    const r = npyRows(file)!;
    const { truncateSync } = await import('node:fs');
    truncateSync(file, 128 + 4 * 9001 * 40); // half the snapshots gone after the header was read
    expect(() => computeSpectrum(r, { rank: { kind: 'rank', r: 4 } })).toThrow(/^shrinks\.npy: the file ended early/);
    r.reader.close();
  });
  it('through the command line: exit 2, the same one line', async () => {
    const file = path('shrinks2.npy');
    writeFileSync(file, writeNpy({ dtype: 'float32', shape: [80, 9001], data: trajectory(80, 9001) }));
    const { truncateSync } = await import('node:fs');
    // the header still promises 80 snapshots: the whole-file reader refuses it; on demand the read runs short
    truncateSync(file, 128 + 4 * 9001 * 40);
    process.env.KOOPSCOPE_READ = 'on-demand';
    try {
      const r = await cli('spectrum', file, '--rank', '4');
      expect(r.code).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/shrinks2\.npy: .*truncated|shrinks2\.npy: the file ended early/);
      expect(r.err).not.toMatch(/shrinks2\.npy: shrinks2\.npy/);
    } finally { delete process.env.KOOPSCOPE_READ; }
  });
});
