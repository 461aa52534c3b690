/**
 * The analytic teaching cases, trained in float32 by TrainingSession and checked against their formulas to 1e-6.
 * Why 1e-6 on float32 data: the dynamics are exactly linear, so the eigenvalue error comes only from float32
 * rounding of the iterates (relative ~6e-8 per entry) amplified by the conditioning of the least-squares fit; the
 * modes here are well separated and well excited (σ_min/σ_max ≈ 0.1), and the errors measured are 2e-8–4e-8,
 * 25× under the tolerance. 1e-6 is still 4 orders of magnitude below any physically distinct spectrum (the
 * eigenvalues differ by ≥ 0.05).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeCpuBackend } from '../../src/cli/nodeBackend';
import { getExperiment } from '../../src/reproduce/index';
import { formulaEigenvalues } from '../../src/reproduce/teaching';

beforeAll(async () => {
  await useNodeCpuBackend();
});

describe('formulas (docs/methods.md E6)', () => {
  it('gradient descent: 1 − ηh', () => {
    expect(formulaEigenvalues([1, 3, 10], 0.05).map((p) => p[0])).toEqual([0.95, 0.85, 0.5].map((x) => expect.closeTo(x, 12)));
  });
  it('heavy ball: 0.925 ± 0.210654i, 0.875 ± 0.366572i, 0.7 ± 0.640312i, all |z| = √0.9', () => {
    const z = formulaEigenvalues([1, 3, 10], 0.05, 0.9);
    const expected = [[0.925, 0.210654], [0.925, -0.210654], [0.875, 0.366572], [0.875, -0.366572], [0.7, 0.640312], [0.7, -0.640312]];
    z.forEach((p, i) => { expect(p[0]).toBeCloseTo(expected[i][0], 6); expect(p[1]).toBeCloseTo(expected[i][1], 6); });
    for (const p of z) expect(Math.hypot(p[0], p[1])).toBeCloseTo(Math.sqrt(0.9), 12);
  });
});

describe.each(['quadratic', 'momentum'])('reproduce %s --quick', (name) => {
  it('matches the formula to 1e-6 for every seed', async () => {
    const r = await getExperiment(name).run({ quick: true });
    expect(r.checks.length).toBeGreaterThanOrEqual(3);
    for (const c of r.checks) {
      expect(c.pass, c.name).toBe(true);
      expect(c.deviation!).toBeLessThan(1e-6);
    }
    expect(r.spectra.ours).toHaveLength(3);
    expect(r.spectra.ours[0]).toHaveLength(name === 'momentum' ? 6 : 3);
    expect(r.verdict).toMatch(/^matches the formula/);
  });
});
