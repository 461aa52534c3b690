/** Householder thin QR: NumPy's factors (after the same positive-diagonal sign fix), reconstruction, orthogonality. */
import { describe, expect, it } from 'vitest';
import { householderQr, orthonormalFrame } from '../../src/lyapunov/qr';
import { seededRng } from '../../src/linalg/random';
import { expectArrayClose } from '../matchers';
import { fixtures, toColumnMajor } from './fixtures';

function check(a: Float64Array, n: number, k: number, q: Float64Array, r: Float64Array) {
  for (let i = 0; i < k; i++) {
    expect(r[i * k + i]).toBeGreaterThanOrEqual(0);
    for (let j = 0; j < i; j++) expect(r[j * k + i]).toBe(0); // strictly lower part of R is zero
  }
  for (let c1 = 0; c1 < k; c1++) {
    for (let c2 = 0; c2 < k; c2++) {
      let d = 0;
      for (let m = 0; m < n; m++) d += q[c1 * n + m] * q[c2 * n + m];
      expect(Math.abs(d - (c1 === c2 ? 1 : 0))).toBeLessThan(1e-14);
    }
  }
  const qr = new Float64Array(n * k);
  for (let c = 0; c < k; c++) for (let j = 0; j <= c; j++) for (let m = 0; m < n; m++) qr[c * n + m] += q[j * n + m] * r[c * k + j];
  expectArrayClose(qr, a, { rel: 0, abs: 1e-13 }, 'QR');
}

describe('householderQr', () => {
  it.each(fixtures.qr.map((c) => [`${c.n}×${c.k}`, c] as const))('%s matches numpy.linalg.qr with diag(R) ≥ 0', (_n, c) => {
    const a = toColumnMajor(c.a, c.n, c.k);
    const { q, r } = householderQr(a, c.n, c.k);
    expectArrayClose(q, toColumnMajor(c.q, c.n, c.k), { rel: 0, abs: 1e-13 }, 'Q');
    expectArrayClose(r, toColumnMajor(c.r, c.k, c.k), { rel: 0, abs: 1e-13 }, 'R');
    check(a, c.n, c.k, q, r);
    expect(Array.from(a)).toEqual(Array.from(toColumnMajor(c.a, c.n, c.k))); // input untouched
  });

  it('keeps Q orthonormal for badly conditioned input (columns contracted at very different rates)', () => {
    const rng = seededRng(5);
    const n = 20, k = 5, a = new Float64Array(n * k);
    for (let c = 0; c < k; c++) for (let m = 0; m < n; m++) a[c * n + m] = rng.normal() * 10 ** (-3 * c) + (c > 0 ? a[m] : 0);
    const { q, r } = householderQr(a, n, k);
    check(a, n, k, q, r);
  });

  it('handles a zero column (R_jj = 0, no NaN) and rejects wide input', () => {
    const a = Float64Array.from([1, 2, 3, 0, 0, 0]);
    const { q, r } = householderQr(a, 3, 2);
    expect(r[3]).toBe(0);
    expect(Array.from(q).every(Number.isFinite)).toBe(true);
    expect(() => householderQr(new Float64Array(6), 2, 3)).toThrow(/n ≥ k/);
  });

  it('orthonormalFrame gives orthonormal columns', () => {
    const rng = seededRng(1), q = orthonormalFrame(9, 4, rng.normal);
    const { r } = householderQr(q, 9, 4);
    for (let i = 0; i < 4; i++) expect(r[i * 4 + i]).toBeCloseTo(1, 14);
  });
});
