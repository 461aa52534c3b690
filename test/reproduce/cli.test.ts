/**
 * `koopscope reproduce` in-process (list, errors, omd-ogd as JSON and text), and paper-1-style (seeds, k) complex
 * eigenvalue files written here with our writeNpy, loaded by `koopscope compare` row by row with a null.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/inProcess';
import { writeNpy } from '../../src/io/index';
import { betweenSeedNull } from '../../src/koopman/seedNull';
import { wasserstein1 } from '../../src/koopman/wasserstein';


describe('koopscope reproduce', () => {
  it('--list names every experiment with its runtimes', async () => {
    const r = await cli('reproduce', '--list');
    expect(r.code).toBe(0);
    for (const name of ['omd-ogd', 'fcn-width', 'cnn-early', 'grokking', 'quadratic', 'momentum']) expect(r.out).toMatch(new RegExp(`^${name} `, 'm'));
    expect(r.out).toMatch(/runtime: quick/);
  });

  it.each([
    [['reproduce'], /needs one experiment NAME/],
    [['reproduce', 'nope'], /unknown experiment 'nope'; experiments: omd-ogd, fcn-width/],
    [['reproduce', 'quadratic', '--seeds', '0'], /--seeds must be a whole number ≥ 1, got '0'/],
    [['reproduce', 'omd-ogd', '--seeds', '3'], /omd-ogd has no seeds to choose; run it without --seeds/],
    [['reproduce', 'quadratic', '--bogus'], /Unknown option '--bogus'/],
    [['reproduce', 'quadratic', '--paper-data', '/nonexistent/dir'], /--paper-data \/nonexistent\/dir: not a folder/],
  ])('%j is a user error: exit 2, one line', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.split('\n')).toHaveLength(1);
  });

  it('omd-ogd --json: spectra, distances, nulls, checks, verdict', async () => {
    const r = await cli('reproduce', 'omd-ogd', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.name).toBe('omd-ogd');
    expect(j.spectra.OMD[0]).toHaveLength(10);
    expect(j.distances[0].label).toBe('OMD vs OGD');
    expect(Math.abs(j.distances[0].summary.mean - 0.0080732)).toBeLessThan(1e-6);
    expect(j.checks.every((c: { pass: boolean }) => c.pass)).toBe(true);
    expect(j.verdict).toMatch(/conjugate-like/);
  });

  it('text output: settings, spectra, distances with the paper value, null, checks, verdict, runtime', async () => {
    const r = await cli('reproduce', 'quadratic', '--quick', '--seeds', '2');
    expect(r.code).toBe(0);
    for (const h of ['settings:', 'spectra (per seed', 'W1 distances:', 'between-seed null:', 'checks:', 'verdict: matches the formula', 'runtime:']) {
      expect(r.out).toContain(h);
    }
    expect(r.out).toMatch(/ours, seed 1: 0\.95000 0\.85000 0\.50000/);
  });
});

describe('koopscope compare on (seeds, k) complex .npy files', () => {
  let dir = '';
  // 5 seeds × 6 eigenvalues: a conjugate pair and four reals near 1, as paper 1 saved them (complex128, row-major).
  // Five seeds per side is the smallest balanced design whose permutation test can reach p < 0.01 (2/C(10, 5)).
  const rows = (shift: number) => Array.from({ length: 5 }, (_, s) => {
    const j = 0.001 * s;
    return [[0.99 + j + shift, 0.02], [0.99 + j + shift, -0.02], [0.97 + shift, 0], [0.95 - j, 0], [0.9 + shift, 0], [0.5, 0]];
  });
  const write = (name: string, r: number[][][]) => {
    const flat = r.flat();
    writeFileSync(join(dir, name), writeNpy({
      dtype: 'complex128', shape: [r.length, r[0].length],
      data: Float64Array.from(flat, (p) => p[0]), im: Float64Array.from(flat, (p) => p[1]),
    }));
  };
  const points = (r: number[][][]) => r.map((row) => ({ re: row.map((p) => p[0]), im: row.map((p) => p[1]) }));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'koopscope-reproduce-'));
    write('a.npy', rows(0));
    write('b.npy', rows(0.01));
  });

  it('compares rows one to one and judges them by the permutation test over seeds', async () => {
    const r = await cli('compare', join(dir, 'a.npy'), join(dir, 'b.npy'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rows).toBe(5);
    const a = points(rows(0)), b = points(rows(0.01));
    j.distances.forEach((d: number, i: number) => expect(d).toBeCloseTo(wasserstein1(a[i], b[i]), 14));
    expect(j.betweenSeed['a.npy'].mean).toBeCloseTo(betweenSeedNull(a).summary.mean, 14);
    expect(j.betweenSeed['a.npy'].count).toBe(10);
    expect(j.verdict.kind).toBe('seeds');
    expect(j.verdict.method).toBe('exact');
    expect(j.verdict.pValue).toBeCloseTo(2 / 252, 15);
    expect(j.verdict.verdict).toMatch(/^non-conjugate: between\/within W1 = [\d.]+× \(95 % CI .*\), permutation p = 0\.0079 .*over 5 \+ 5 seeds$/);
  });

  it('a file against itself is conjugate-like (distance 0)', async () => {
    const j = JSON.parse((await cli('compare', join(dir, 'a.npy'), join(dir, 'a.npy'), '--json')).out);
    expect(j.distances).toEqual([0, 0, 0, 0, 0]);
    expect(j.verdict.label).toBe('conjugate-like');
    expect(j.verdict.verdict).toMatch(/^conjugate-like: .*no difference beyond the seed-to-seed spread$/);
  });
});
