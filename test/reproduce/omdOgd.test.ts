/**
 * `reproduce omd-ogd`: the experiment's eigenvalues against paper 1's published files to 1e-6 (exact float64
 * arithmetic reproduces them to ~5e-9) when the shared folder is there, else against the fixture golden.json
 * `omd_ogd.published` (the same values, transcribed by test/fixtures/make_fixtures.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getExperiment, type Pair } from '../../src/reproduce/index';
import { loadPaperEigenvalues, notePaperDataSkipped, paperDataAvailable } from '../paperData';

const golden = (JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as
  { omd_ogd: { published: { eigenvalues: Record<'omd' | 'ogd', Pair[]>; w: { omd_ogd: number } } } }).omd_ogd.published;

const sortPairs = (p: Pair[]) => [...p].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
function maxDiff(a: Pair[], b: Pair[]): number {
  expect(a).toHaveLength(b.length);
  const x = sortPairs(a), y = sortPairs(b);
  return Math.max(...x.map((p, i) => Math.hypot(p[0] - y[i][0], p[1] - y[i][1])));
}

const published = (file: string) => (paperDataAvailable() ? loadPaperEigenvalues(file).sets : undefined);

describe('reproduce omd-ogd', async () => {
  notePaperDataSkipped('omd-ogd eigenvalues against the published .npy files (the golden.json transcription is used instead)');
  const result = await getExperiment('omd-ogd').run({ quick: true, published });

  for (const [group, file, key] of [['OMD', 'mirror_descent_eigs.npy', 'omd'], ['OGD', 'gradient_descent_eigs.npy', 'ogd']] as const) {
    it(`${group} eigenvalues match the published ones to 1e-6`, () => {
      const expected: Pair[] = paperDataAvailable()
        ? Array.from(loadPaperEigenvalues(file).sets[0].re, (re, k) => [re, loadPaperEigenvalues(file).sets[0].im[k]] as Pair)
        : golden.eigenvalues[key];
      expect(maxDiff(result.spectra[group][0], expected)).toBeLessThan(1e-6);
    });
  }

  it('W1(OMD, OGD) = 0.0080732 to 1e-6, bisection far away, all checks pass', () => {
    const d = Object.fromEntries(result.distances.map((x) => [x.label, x.summary.mean]));
    expect(Math.abs(d['OMD vs OGD'] - 0.0080732)).toBeLessThan(1e-6);
    expect(Math.abs(d['OMD vs OGD'] - golden.w.omd_ogd)).toBeLessThan(1e-6);
    expect(d['OMD vs bisection']).toBeGreaterThan(0.7);
    expect(d['OGD vs bisection']).toBeGreaterThan(0.7);
    expect(result.checks.every((c) => c.pass)).toBe(true);
  });

  it('judges OMD vs OGD against the bisection contrast (no p-value), keeps the subset nulls as context, is plain JSON', () => {
    expect(result.nulls.length).toBe(2);
    expect(result.verdict).toMatch(/^OMD vs OGD: conjugate-like relative to a reference contrast: W1 is 0\.011× W1\(OMD, bisection\) \(single spectra: no seed spread, no p-value\)$/);
    const main = result.distances[0];
    expect(main.test?.kind).toBe('reference');
    expect(main.ratio).toBeCloseTo(result.distances[0].values[0] / result.distances[1].values[0], 14);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
