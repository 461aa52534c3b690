import { describe, it, expect } from 'vitest';
import { uniformRng as rng } from '../matchers';
import { solveAssignment } from '../../src/linalg/assignment';


/** Minimum over all injective maps rows → columns, by enumeration (small n, m only). */
function bruteForce(c: Float64Array, n: number, m: number): number {
  let best = Infinity;
  const used = new Uint8Array(m);
  const go = (i: number, acc: number): void => {
    if (i === n) {
      best = Math.min(best, acc);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = 1;
      go(i + 1, acc + c[i * m + j]);
      used[j] = 0;
    }
  };
  go(0, 0);
  return best;
}

describe('solveAssignment', () => {
  it('matches enumeration on random square and rectangular matrices', () => {
    const r = rng(1);
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor(r() * 6);
      const m = n + Math.floor(r() * 3);
      // Integer costs make ties common, which exercises the degenerate paths.
      const c = Float64Array.from({ length: n * m }, () => (trial % 2 ? Math.floor(r() * 5) : r() * 10 - 3));
      const res = solveAssignment(c, n, m);
      expect(res.cost).toBeCloseTo(bruteForce(c, n, m), 12);
      expect(new Set(res.rowToCol).size).toBe(n);
      for (let i = 0; i < n; i++) expect(res.colToRow[res.rowToCol[i]]).toBe(i);
    }
  });

  it('returns dual potentials that certify optimality', () => {
    const r = rng(2);
    const n = 30;
    const m = 45;
    const c = Float64Array.from({ length: n * m }, () => r());
    const { u, v, rowToCol, colToRow, cost } = solveAssignment(c, n, m);
    let maxViolation = -Infinity;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) maxViolation = Math.max(maxViolation, u[i] + v[j] - c[i * m + j]);
    expect(maxViolation).toBeLessThan(1e-12);
    let dual = 0;
    for (let i = 0; i < n; i++) {
      expect(Math.abs(u[i] + v[rowToCol[i]] - c[i * m + rowToCol[i]])).toBeLessThan(1e-12);
      dual += u[i];
    }
    for (let j = 0; j < m; j++) {
      if (colToRow[j] >= 0) dual += v[j];
      else expect(v[j]).toBeLessThanOrEqual(1e-12);
    }
    expect(dual).toBeCloseTo(cost, 12);
  });

  it('finds the identity on a diagonal-dominant matrix and handles n = 0 and n = 1', () => {
    const c = Float64Array.from([0, 5, 5, 5, 0, 5, 5, 5, 0]);
    expect(Array.from(solveAssignment(c, 3).rowToCol)).toEqual([0, 1, 2]);
    expect(solveAssignment([], 0).cost).toBe(0);
    expect(solveAssignment([7], 1)).toMatchObject({ cost: 7 });
  });

  it('rejects bad shapes and non-finite costs', () => {
    expect(() => solveAssignment([1, 2, 3], 2)).toThrow(/expected 2×2/);
    expect(() => solveAssignment([1, 2], 2, 1)).toThrow(/rows ≤ columns/);
    expect(() => solveAssignment([1, NaN, 3, 4], 2)).toThrow(/finite/);
  });
});
