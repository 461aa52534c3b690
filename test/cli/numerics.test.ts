/**
 * Command-line side of the numerical fixes: --drop-nonfinite splits a run at the dropped snapshot instead of joining
 * its neighbours; an empty or NaN eigenvalue file given to `compare` is a user error; a negative number after a flag
 * is judged by the flag's own check instead of parseArgs' "argument is ambiguous". In-process through main().
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './inProcess';
import { writeNpy } from '../../src/io/index';
import { inlineNegativeValues } from '../../src/cli/options';
import { computeSpectrum } from '../../src/koopman/analyze';
import { expectEigenvaluesClose, matchEigenvalues } from '../matchers';

let dir = '';
/** Eigenvalues of the system in `decaying()`: 0.988, 0.9 and 0.95·e^{±0.3i}. */
const TRUE: [number, number][] = [[0.988, 0], [0.95 * Math.cos(0.3), 0.95 * Math.sin(0.3)], [0.95 * Math.cos(0.3), -0.95 * Math.sin(0.3)], [0.9, 0]];

/** (T, N) snapshots of that linear system in a fixed random 24-D basis; row `nanAt` (if any) gets a NaN. */
function decaying(T: number, N: number, nanAt?: number): Float64Array {
  let s = 5;
  const rnd = () => ((s = (s * 1664525 + 1013904223) % 4294967296), s / 4294967296 - 0.5);
  const Q = Array.from({ length: N }, () => [rnd(), rnd(), rnd(), rnd()]);
  let z = [1, 0.4, -0.7, 0.9];
  const c = 0.95 * Math.cos(0.3), d = 0.95 * Math.sin(0.3);
  const data = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) data[t * N + i] = Q[i][0] * z[0] + Q[i][1] * z[1] + Q[i][2] * z[2] + Q[i][3] * z[3];
    z = [c * z[0] - d * z[1], d * z[0] + c * z[1], 0.988 * z[2], 0.9 * z[3]];
  }
  if (nanAt !== undefined) data[nanAt * N + 3] = NaN;
  return data;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'koopscope-numerics-'));
  writeFileSync(join(dir, 'gap.npy'), writeNpy({ dtype: 'float64', shape: [60, 24], data: decaying(60, 24, 30) }));
  writeFileSync(join(dir, 'clean.npy'), writeNpy({ dtype: 'float64', shape: [60, 24], data: decaying(60, 24) }));
  const complex = (re: number[], im: number[]) =>
    writeNpy({ dtype: 'complex128', shape: [re.length], data: Float64Array.from(re), im: Float64Array.from(im) });
  writeFileSync(join(dir, 'empty_eigs.npy'), complex([], []));
  writeFileSync(join(dir, 'nan_eigs.npy'), complex([0.9, NaN], [0, 0]));
  writeFileSync(join(dir, 'eigs.npy'), complex([0.9, 0.5], [0.1, 0]));
});

describe('spectrum --drop-nonfinite', () => {
  for (const delays of ['0', '3']) {
    it(`splits the run at the dropped snapshot: the true eigenvalues to 1e-10 (--delays ${delays})`, async () => {
      const r = await cli('spectrum', join(dir, 'gap.npy'), '--drop-nonfinite', '--rank', '4', '--delays', delays, '--json');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      expectEigenvaluesClose(j.eigenvalues, TRUE, 1e-10);
      // 59 snapshots in segments of 30 and 29: (30 − d − 1) + (29 − d − 1) pairs
      expect(j.pairs).toBe(57 - 2 * Number(delays));
      expect(j.warnings.join('\n')).toMatch(/dropped 1 snapshot/);
      expect(j.warnings.join('\n')).toMatch(/into 2 segments/);
    });
  }
  it('the clean file gives the same eigenvalues; joining across the gap would not (the old defect)', async () => {
    const clean = JSON.parse((await cli('spectrum', join(dir, 'clean.npy'), '--rank', '4', '--json')).out);
    expectEigenvaluesClose(clean.eigenvalues, TRUE, 1e-10);
    // what the old join did: the 59 kept snapshots as one unbroken series
    const kept = decaying(60, 24).filter((_, i) => Math.floor(i / 24) !== 30);
    writeFileSync(join(dir, 'joined.npy'), writeNpy({ dtype: 'float64', shape: [59, 24], data: kept }));
    const joined = JSON.parse((await cli('spectrum', join(dir, 'joined.npy'), '--rank', '4', '--json')).out);
    expect(matchEigenvalues(joined.eigenvalues, TRUE).maxDist).toBeGreaterThan(1e-3);
  });
  it('windows refuses a file with dropped snapshots (exit 2, one line)', async () => {
    const r = await cli('windows', join(dir, 'gap.npy'), '--drop-nonfinite', '--length', '10');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/gap\.npy: 1 snapshot\(s\) were dropped/);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});

describe('compare with a bad eigenvalue file: exit 2, one line naming the file', () => {
  it.each([
    ['empty', 'empty_eigs.npy', /empty_eigs\.npy: holds no eigenvalues/],
    ['NaN', 'nan_eigs.npy', /nan_eigs\.npy: eigenvalue 1 is NaN \+ 0i/],
  ])('%s eigenvalues', async (_what, file, pattern) => {
    for (const order of [[file, 'eigs.npy'], ['eigs.npy', file]]) {
      const r = await cli('compare', ...order.map((f) => join(dir, f)));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err.split('\n')).toHaveLength(1);
    }
  });
});

describe('--pca-fit', () => {
  it("pairs and all give the engine's fits; bad values and use without --pca are user errors", async () => {
    const f = join(dir, 'clean.npy');
    const pairs = JSON.parse((await cli('spectrum', f, '--pca', '3', '--pca-fit', 'pairs', '--rank', '3', '--json')).out);
    const all = JSON.parse((await cli('spectrum', f, '--pca', '3', '--pca-fit', 'all', '--rank', '3', '--json')).out);
    const dflt = JSON.parse((await cli('spectrum', f, '--pca', '3', '--rank', '3', '--json')).out);
    expect(dflt.eigenvalues).toEqual(all.eigenvalues);
    const engine = computeSpectrum({ runs: 1, T: 60, N: 24, data: decaying(60, 24) }, { pca: 3, pcaFit: 'pairs', rank: { kind: 'rank', r: 3 } });
    expectEigenvaluesClose(pairs.eigenvalues, engine.spectrum.eigenvalues, 0);
    for (const [argv, pattern] of [
      [['--pca', '3', '--pca-fit', 'first'], /--pca-fit must be 'all' or 'pairs', got 'first'/],
      [['--pca-fit', 'pairs'], /--pca-fit only applies with --pca/],
    ] as const) {
      const r = await cli('spectrum', f, ...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(pattern);
    }
  });
});

describe('negative numbers after flags', () => {
  it.each([
    [['spectrum', 'CLEAN', '--rank', '-3'], /--rank must be a whole number ≥ 1, got '-3'/],
    [['spectrum', 'CLEAN', '--delays', '-1'], /--delays must be a whole number ≥ 0, got '-1'/],
    [['spectrum', 'CLEAN', '--dt', '-0.5'], /--dt must be positive, got '-0.5'/],
    [['compare', 'CLEAN', 'CLEAN', '--energy', '-.5'], /--energy must be in \(0, 1\], got '-.5'/],
    [['windows', 'CLEAN', '--length', '-3'], /--length must be a whole number ≥ 3, got '-3'/],
    [['spectrum', 'CLEAN', '--center', '-3'], /--center/],
  ])('%j', async (argv, pattern) => {
    const r = await cli(...argv.map((a) => (a === 'CLEAN' ? join(dir, 'clean.npy') : a)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err).not.toMatch(/ambiguous/);
    expect(r.err.split('\n')).toHaveLength(1);
  });
  it('inlineNegativeValues joins only a long flag and a following negative number, and stops at --', () => {
    expect(inlineNegativeValues(['f.npy', '--rank', '-3', '--json', '--dt', '2', '--x=-1', '--', '--y', '-2']))
      .toEqual(['f.npy', '--rank=-3', '--json', '--dt', '2', '--x=-1', '--', '--y', '-2']);
    expect(inlineNegativeValues(['--rank', '-h'])).toEqual(['--rank', '-h']);
  });
});
