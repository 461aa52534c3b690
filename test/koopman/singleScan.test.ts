/**
 * Issue 18, one pass over the data: float32 snapshots are not rescaled (no max-|x| scan) and, on the Gram route,
 * their finiteness is read off the Gram's diagonal instead of a separate scan. These tests hold the consequences:
 * float32 data far from unit scale still give the unit-scale eigenvalues (σ scaled), and a NaN or ±Inf in the
 * selected snapshots is still a DataError that names snapshot and parameter, while one outside the window is not.
 */
import { describe, expect, it } from 'vitest';
import { computeSpectrum } from '../../src/koopman/analyze';
import { DataError } from '../../src/linalg/errors';
import type { SnapshotSet } from '../../src/koopman/snapshots';

function set32(scale: number): SnapshotSet {
  const T = 60, N = 700;
  const data = new Float32Array(T * N);
  for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) {
    data[t * N + i] = scale * (Math.cos(0.2 * t + i) * 0.97 ** t + 0.5 * Math.sin(0.45 * t + 2 * i) * 0.9 ** t + 1e-3 * Math.sin(7.1 * t * i));
  }
  return { runs: 1, T, N, data };
}

describe('float32 data at any scale, without a scaling scan', () => {
  for (const route of ['gram', 'svd', 'randomized'] as const) {
    it(`${route} route: 2^±100 scales give the unit-scale eigenvalues, σ scaled exactly`, () => {
      const opts = { rank: { kind: 'rank' as const, r: 6 }, route };
      const unit = computeSpectrum(set32(1), opts).spectrum;
      for (const e of [100, -100]) {
        const sp = computeSpectrum(set32(2 ** e), opts).spectrum;
        sp.eigenvalues.forEach((l, k) => expect(Math.hypot(l.re - unit.eigenvalues[k].re, l.im - unit.eigenvalues[k].im)).toBeLessThan(1e-12));
        expect(sp.singularValues[0] / 2 ** e / unit.singularValues[0]).toBeCloseTo(1, 12);
      }
    });
  }
});

describe('non-finite float32 values on the Gram route (checked from the Gram diagonal)', () => {
  it('NaN in a selected snapshot: DataError naming snapshot and parameter', () => {
    const s = set32(1);
    s.data[17 * s.N + 321] = NaN;
    try { computeSpectrum(s, { route: 'gram' }); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      expect((e as Error).message).toMatch(/snapshot 17 of run 0 .*NaN.* parameter 321/);
    }
    const inf = set32(1);
    inf.data[3 * inf.N] = -Infinity;
    expect(() => computeSpectrum(inf, { route: 'gram' })).toThrow(/snapshot 3 of run 0 has a non-finite value \(-Infinity\) at parameter 0/);
  });

  it('NaN outside the window is not used and not an error', () => {
    const s = set32(1);
    s.data[55 * s.N + 5] = NaN;
    const fit = computeSpectrum(s, { route: 'gram', window: { start: 0, end: 50 } });
    expect(fit.spectrum.eigenvalues.every((e) => Number.isFinite(e.re))).toBe(true);
  });
});
