/**
 * PCA fitted on the snapshots that start a pair (`pcaFit: 'pairs'`, paper 1's choice: its PCA input is the X matrix
 * of the pairs) against NumPy (test/fixtures/numerics.json, case pcaPairs, made by make_numerics_fixtures.py): three
 * runs of 30-D snapshots of an 8-mode system plus a drift, PCA to 4 components (fitted on the centered fit rows,
 * projecting the uncentered snapshots), 2 delays, rank 8. The fits on 'all' and 'pairs' differ by up to 1.3e-4 in
 * the eigenvalues, so the 1e-10 (SVD route) and 1e-8 (Gram route) tolerances tell them apart.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeSpectrum } from '../../src/koopman/analyze';
import { expectEigenvaluesClose, matchEigenvalues } from '../matchers';
import { toSet } from './fixtures';

interface PcaCase { runs: number[][][]; pca: number; delays: number; rank: number; pairs: [number, number][]; all: [number, number][] }
const P = (JSON.parse(readFileSync(new URL('../fixtures/numerics.json', import.meta.url), 'utf8')) as { pcaPairs: PcaCase }).pcaPairs;

describe("PCA fit set: 'pairs' (paper 1) and 'all' against NumPy", () => {
  const set = toSet(P.runs);
  const base = { pca: P.pca, delays: P.delays, rank: { kind: 'rank' as const, r: P.rank } };
  it('the two fit sets give eigenvalues far apart at the test tolerance', () => {
    expect(matchEigenvalues(P.pairs, P.all).maxDist).toBeGreaterThan(1e-5);
  });
  for (const [route, tol] of [['svd', 1e-10], ['gram', 1e-8]] as const) {
    it(`${route} route: pcaFit 'pairs' and 'all' (default) each match their NumPy fit to ${tol}`, () => {
      const pairs = computeSpectrum(set, { ...base, pcaFit: 'pairs', route }).spectrum;
      expectEigenvaluesClose(pairs.eigenvalues, P.pairs, tol, 'pairs');
      const all = computeSpectrum(set, { ...base, route }).spectrum;
      expectEigenvaluesClose(all.eigenvalues, P.all, tol, 'all');
    });
  }
  it('rejects an unknown fit set', () => {
    expect(() => computeSpectrum(set, { ...base, pcaFit: 'first' as never })).toThrow(/pcaFit must be 'all' or 'pairs'/);
  });
});
