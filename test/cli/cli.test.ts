/**
 * The command line, in-process through `main` (fast) and once through the built binary (exit status, one-line
 * stderr). Files are made with our own writers in a temp folder; paper 1's published eigenvalue files are read from
 * the shared folder beside the repository when it is there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './inProcess';
import { writeNpy, writeNpz } from '../../src/io/index';
import { computeSpectrum } from '../../src/koopman/analyze';
import golden from '../fixtures/golden.json';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const paper1 = resolve(root, '../shared/data/paper1');
let dir = '';


/** A (T, N) trajectory of a known linear system: rotation 0.95·e^{±0.3i}, 0.9 and 0.5 in a random 40-D basis. */
function linearTrajectory(T = 60, N = 40, rot = [0.95, 0.3], reals = [0.9, 0.5]) {
  let s = 11;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const Q = Array.from({ length: N }, () => [rnd(), rnd(), rnd(), rnd()]);
  let z = [1, 0.4, -0.7, 0.9];
  const c = rot[0] * Math.cos(rot[1]), d = rot[0] * Math.sin(rot[1]);
  const data = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) data[t * N + i] = Q[i][0] * z[0] + Q[i][1] * z[1] + Q[i][2] * z[2] + Q[i][3] * z[3];
    z = [c * z[0] - d * z[1], d * z[0] + c * z[1], reals[0] * z[2], reals[1] * z[3]];
  }
  return { T, N, data };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'koopscope-cli-'));
  const { T, N, data } = linearTrajectory();
  writeFileSync(join(dir, 'lin.npy'), writeNpy({ dtype: 'float64', shape: [T, N], data }));
  // slowly decaying modes, so every window stays well conditioned (the live/window path uses the Gram route,
  // which loses modes that decayed below ~1e-7 of the largest)
  const slow = linearTrajectory(60, 40, [0.99, 0.1], [0.97, 0.95]);
  writeFileSync(join(dir, 'slow.npy'), writeNpy({ dtype: 'float64', shape: [60, 40], data: slow.data }));
  writeFileSync(join(dir, 'two.npy'), writeNpy({ dtype: 'float64', shape: [2], data: [1, 2] }));
  writeFileSync(join(dir, 'junk.npy'), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  writeFileSync(join(dir, 'empty.npz'), new Uint8Array());
  // an .npz with two named parameters and steps every 5 optimizer steps
  const traj = {
    kind: 'trajectory' as const, source: 'named.npz', runs: 1, T, N,
    params: [{ name: 'fc1.weight', shape: [30], offset: 0, size: 30 }, { name: 'fc2.weight', shape: [10], offset: 30, size: 10 }],
    data: Float32Array.from(data), steps: Float64Array.from({ length: T }, (_, t) => 5 * t), metrics: {},
  };
  writeFileSync(join(dir, 'named.npz'), writeNpz(traj, { perParameter: true }));
});

describe('koopscope spectrum', () => {
  it('prints the known eigenvalues as JSON, sorted by |λ| descending', async () => {
    const r = await cli('spectrum', join(dir, 'lin.npy'), '--rank', '4', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rank).toBe(4);
    expect(j.warnings).toEqual([]);
    const expected = [[0.95 * Math.cos(0.3), 0.95 * Math.sin(0.3)], [0.95 * Math.cos(0.3), -0.95 * Math.sin(0.3)], [0.9, 0], [0.5, 0]];
    j.eigenvalues.forEach(([re, im]: [number, number], i: number) => {
      expect(re).toBeCloseTo(expected[i][0], 10);
      expect(im).toBeCloseTo(expected[i][1], 10);
    });
    expect(j.singularValues.length).toBeGreaterThanOrEqual(4);
    expect(j.details[2].growthRate).toBeCloseTo(Math.log(0.9), 10);
  });

  it('reads dt from the file steps and applies --params and --window', async () => {
    const all = JSON.parse((await cli('spectrum', join(dir, 'named.npz'), '--rank', '4', '--json')).out);
    expect(all.dt).toBe(5);
    expect(all.details[3].growthRate).toBeCloseTo(Math.log(0.5) / 5, 5); // float32 data: ~1e-5
    const sub = JSON.parse((await cli('spectrum', join(dir, 'named.npz'), '--params', 'fc2', '--rank', '4', '--json')).out);
    expect(sub.embeddedDim).toBe(10);
    const win = JSON.parse((await cli('spectrum', join(dir, 'named.npz'), '--window', '10:40', '--every', '2', '--rank', '4', '--json')).out);
    expect(win.pairs).toBe(14);
    expect(win.dt).toBe(10);
  });

  it('matches the engine called directly with the same options (delays, centering)', async () => {
    const { T, N, data } = linearTrajectory();
    const direct = computeSpectrum({ runs: 1, T, N, data }, { rank: { kind: 'rank', r: 5 }, delays: 2, center: true }).spectrum;
    const j = JSON.parse((await cli('spectrum', join(dir, 'lin.npy'), '--rank', '5', '--delays', '2', '--center', '--json')).out);
    expect(j.eigenvalues).toEqual(direct.eigenvalues.map((e) => [e.re, e.im]));
  });

  it('prints a readable table without --json', async () => {
    const r = await cli('spectrum', join(dir, 'lin.npy'), '--rank', '4');
    expect(r.code).toBe(0);
    expect(r.out).toContain('lin.npy');
    expect(r.out).toMatch(/0\.900000000/);
  });
});

describe('koopscope windows', () => {
  it('gives one spectrum per window and zero W1 between windows of the same linear system', async () => {
    const r = await cli('windows', join(dir, 'slow.npy'), '--length', '20', '--stride', '10', '--rank', '4', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.windows.map((w: { start: number }) => w.start)).toEqual([0, 10, 20, 30, 40]);
    expect(j.windows[0].w1FromPrevious).toBeNull();
    for (const w of j.windows.slice(1)) expect(w.w1FromPrevious).toBeLessThan(1e-8);
    expect(j.windows[2].spectrum.eigenvalues[2][0]).toBeCloseTo(0.97, 8);
  });
  it.each([
    [['reproduce', 'grokking', '--logits', 'all'], /--logits must be 'answers' or 'vocab', got 'all'/],
    [['reproduce', 'omd-ogd', '--logits', 'vocab'], /--logits is for grokking only, not omd-ogd/],
  ])('reproduce rejects %j in one line before training', async (...args) => {
    const [argv, pattern] = args as [string[], RegExp];
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
  it('needs --length', async () => {
    const r = await cli('windows', join(dir, 'lin.npy'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--length/);
  });
  it.each([
    [['--length', 'abc'], /--length must be a whole number ≥ 3, got 'abc'/],
    [['--length', '20', '--stride', '0'], /--stride must be a whole number ≥ 1, got '0'/],
    [['--length', '20', '--every', 'x'], /--every must be a whole number ≥ 1, got 'x'/],
  ])('rejects bad window flags %j before reading the file, in one line', async (flags, pattern) => {
    const r = await cli('windows', join(dir, 'does-not-exist.npy'), ...(flags as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});

describe('user errors: exit 2, one line naming the problem', () => {
  const cases: [string, string[], RegExp][] = [
    ['missing file', ['spectrum', 'nope.npy'], /nope\.npy: no such file/],
    ['random bytes', ['spectrum', 'JUNK'], /junk\.npy/],
    ['empty file', ['spectrum', 'EMPTY'], /empty\.npz/],
    ['too few snapshots', ['spectrum', 'TWO'], /two\.npy/],
    ['bad rank', ['spectrum', 'LIN', '--rank', 'ten'], /--rank must be a whole number/],
    ['two rank rules', ['spectrum', 'LIN', '--rank', '3', '--energy', '0.9'], /only one of/],
    ['bad window', ['spectrum', 'LIN', '--window', '50:10'], /--window/],
    ['window outside data', ['spectrum', 'LIN', '--window', '0:500'], /outside/],
    ['too many delays', ['spectrum', 'LIN', '--delays', '59'], /snapshots/],
    ['unknown option', ['spectrum', 'LIN', '--frobnicate'], /frobnicate/],
    ['unknown command', ['spectre'], /unknown command 'spectre'/],
    ['unknown demo', ['demo', 'nope'], /unknown demo 'nope'/],
    ['compare needs two', ['compare', 'LIN'], /two files/],
  ];
  it.each(cases)('%s', async (_name, argv, pattern) => {
    const files: Record<string, string> = { LIN: 'lin.npy', JUNK: 'junk.npy', EMPTY: 'empty.npz', TWO: 'two.npy' };
    const args = argv.map((a) => (files[a] ? join(dir, files[a]) : a));
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('koopscope demo omd-ogd', () => {
  it('reproduces paper 1: OMD and OGD eigenvalues and W1 = 0.0080732, bisection far away', async () => {
    const r = await cli('demo', 'omd-ogd', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.omd).toHaveLength(10);
    expect(j.ogd).toHaveLength(10);
    const g = (golden as any).omd_ogd;
    expect(j.distances.omd_ogd).toBeCloseTo(0.0080732, 6);
    expect(Math.abs(j.distances.omd_ogd - g.w.omd_ogd)).toBeLessThan(1e-9);
    expect(j.distances.omd_bisection).toBeGreaterThan(0.7);
    expect(j.distances.ogd_bisection).toBeGreaterThan(0.7);
    const sortRe = (a: number[][]) => a.map((p) => p[0]).sort();
    const ref = sortRe(g.eigenvalues.omd);
    sortRe(j.omd).forEach((v: number, i: number) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-9));
  });
});

describe.skipIf(!existsSync(paper1))('koopscope compare on paper 1 published eigenvalue files', () => {
  it('compares complex (k,) files: W1(OMD, OGD) = 0.0080732', async () => {
    const r = await cli('compare', join(paper1, 'mirror_descent_eigs.npy'), join(paper1, 'gradient_descent_eigs.npy'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).distances[0]).toBeCloseTo(0.0080732, 7);
  });
  it('compares (seeds, k) files row by row with the between-seed null', async () => {
    const r = await cli('compare', join(paper1, 'Koopman_eigenvalues_FCN_MNIST_h=5.npy'), join(paper1, 'Koopman_eigenvalues_FCN_MNIST_h=40.npy'), '--json');
    const j = JSON.parse(r.out);
    expect(j.rows).toBe(25);
    expect(j.mean).toBeCloseTo(0.0070043, 7);
    expect(j.stdPopulation).toBeCloseTo(0.0016686, 7);
    expect(j.betweenSeed['Koopman_eigenvalues_FCN_MNIST_h=40.npy'].mean).toBeCloseTo(0.0042818, 7);
    // the permutation test over seeds: non-conjugate, as paper 1 concludes (docs/conjugacy.md)
    expect(j.verdict.label).toBe('non-conjugate');
    expect(j.verdict.ratio).toBeCloseTo(1.5472, 3);
  });
  it('judges single spectra against a reference contrast with --reference, with no p-value', async () => {
    const r = await cli('compare', join(paper1, 'mirror_descent_eigs.npy'), join(paper1, 'gradient_descent_eigs.npy'),
      '--reference', join(paper1, 'bisection_method_eigs.npy'), '--json');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out).verdict;
    expect(v.kind).toBe('reference');
    expect(v.label).toBe('conjugate-like');
    expect(v.ratio).toBeCloseTo(0.0080732 / 0.746023, 4);
    const none = JSON.parse((await cli('compare', join(paper1, 'mirror_descent_eigs.npy'), join(paper1, 'gradient_descent_eigs.npy'), '--json')).out);
    expect(none.verdict.label).toBe('inconclusive');
  });
  it('compares an eigenvalue file against a trajectory spectrum', async () => {
    const r = await cli('compare', join(dir, 'lin.npy'), join(paper1, 'mirror_descent_eigs.npy'), '--rank', '4', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).distances[0]).toBeGreaterThan(0);
  });
});

describe('the built binary', () => {
  const bin = join(root, 'bin/koopscope.js');
  const built = existsSync(join(root, 'dist-cli/koopscope.mjs'));
  it.skipIf(!built)('prints --version and exits 2 with one stderr line on a user error', () => {
    expect(execFileSync('node', [bin, '--version']).toString().trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const r = spawnSync('node', [bin, 'spectrum', join(dir, 'missing.npy')]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString().trim().split('\n')).toHaveLength(1);
    expect(r.stdout.toString()).toBe('');
  });
});
