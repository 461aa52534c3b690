import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bisectionTrajectories, gridPoints, linspace, OGD_BOUNDS, ogdTrajectories, OMD_BOUNDS, OMD_OGD_GRIDS,
  OMD_OGD_STEPS, omdTrajectories, runView, type Trajectories,
} from '../../src/demos/omdOgd';

// Written by test/fixtures/make_fixtures.py (NumPy re-implementation of paper 1's OMD/OGD/BM generators, whose
// stacked 4-delay DMD spectra match the published .npy files to 3e-10). Read at run time rather than imported so
// the 1 MB file does not become a TypeScript type.
interface OmdOgdGolden {
  eta: number;
  T: number;
  grid: number;
  grids: Record<'omd_x0' | 'ogd_u0' | 'bisection_a0' | 'bisection_b0', [number, number]>;
  trajectories: { runIndices: number[] } & Record<'omd' | 'ogd' | 'bisection', number[][][]>;
}
const golden = (JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8')) as
  { omd_ogd: OmdOgdGolden }).omd_ogd;

const TOL = 1e-12;

function maxAbsDiffToRun(tr: Trajectories, run: number, expected: number[][]): number {
  const rows = runView(tr, run);
  expect(expected.length).toBe(tr.T);
  let worst = 0;
  for (let t = 0; t < tr.T; t++) {
    for (let i = 0; i < tr.N; i++) worst = Math.max(worst, Math.abs(rows[t * tr.N + i]! - expected[t]![i]!));
  }
  return worst;
}

const generators = {
  omd: omdTrajectories,
  ogd: ogdTrajectories,
  bisection: bisectionTrajectories,
} as const;

describe('paper 1 OMD/OGD/bisection trajectories', () => {
  it('uses the same constants as the Python fixture', () => {
    expect(golden.eta).toBe(0.01);
    expect(golden.T).toBe(OMD_OGD_STEPS);
    expect(golden.grids.omd_x0).toEqual(OMD_OGD_GRIDS.omdX0);
    expect(golden.grids.ogd_u0).toEqual(OMD_OGD_GRIDS.ogdU0);
    expect(golden.grids.bisection_a0).toEqual(OMD_OGD_GRIDS.bisectionA0);
    expect(golden.grids.bisection_b0).toEqual(OMD_OGD_GRIDS.bisectionB0);
  });

  it('lays out the 5x5 grid as numpy meshgrid + reshape does (x1 varies fastest)', () => {
    expect(linspace(0.1, 0.9, 5)).toEqual([0.1, 0.30000000000000004, 0.5, 0.7000000000000001, 0.9]);
    const g = gridPoints([0.1, 0.9]);
    expect(g).toHaveLength(25);
    expect(g[1]).toEqual([0.30000000000000004, 0.1]);
    expect(g[5]).toEqual([0.1, 0.30000000000000004]);
    expect(g[24]).toEqual([0.9, 0.9]);
  });

  for (const name of ['omd', 'ogd', 'bisection'] as const) {
    it(`${name}: runs ${golden.trajectories.runIndices.join(', ')} equal the Python trajectories to 1e-12`, () => {
      const tr = generators[name]();
      expect([tr.runs, tr.T, tr.N]).toEqual([25, 100, 2]);
      expect(tr.data.length).toBe(25 * 100 * 2);
      golden.trajectories.runIndices.forEach((run, k) => {
        expect(maxAbsDiffToRun(tr, run, golden.trajectories[name][k]!)).toBeLessThanOrEqual(TOL);
      });
    });
  }

  it('OMD and OGD iterates stay strictly inside their boxes, so the projections are inactive', () => {
    const inside = (tr: Trajectories, [lo, hi]: readonly [number, number]) =>
      tr.data.every((v) => v > lo && v < hi);
    expect(inside(omdTrajectories(), OMD_BOUNDS)).toBe(true);
    expect(inside(ogdTrajectories(), OGD_BOUNDS)).toBe(true);
  });

  it('the centre runs start at x0 = (0.5, 0.5) and u0 = (-1.2, -1.2) and descend monotonically', () => {
    const omd = omdTrajectories();
    const x = runView(omd, 12);
    const ogd = ogdTrajectories();
    const u = runView(ogd, 12);
    expect(x[0]).toBe(0.5);
    expect(u[0]).toBeCloseTo(-1.2, 12);
    // Both methods decrease each coordinate monotonically (f is increasing in every coordinate).
    for (let t = 1; t < 100; t++) {
      expect(x[2 * t]!).toBeLessThan(x[2 * (t - 1)]!);
      expect(u[2 * t]!).toBeLessThan(u[2 * (t - 1)]!);
    }
  });
});
