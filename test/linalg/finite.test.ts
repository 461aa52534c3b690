/** firstNonFinite (src/linalg/finite.ts): the bit test against Number.isFinite, every special value, both storage types. */
import { describe, expect, it } from 'vitest';
import { firstNonFinite } from '../../src/linalg/finite';

const SPECIAL = [NaN, Infinity, -Infinity];
const FINITE = [0, -0, 1, -1, 3.4e38, -3.4e38, 1e-45, -1e-45, 1.17e-38, 65504];

describe.each([['Float32Array', Float32Array], ['Float64Array', Float64Array]] as const)('firstNonFinite on %s', (_n, C) => {
  it('is −1 on finite data, including the largest, smallest and subnormal values', () => {
    const d = new C(5000);
    d.forEach((_, i) => { d[i] = FINITE[i % FINITE.length] * (i % 2 ? 1 : 0.5); });
    expect([...d].every(Number.isFinite)).toBe(true);
    expect(firstNonFinite(d)).toBe(-1);
    if (C === Float64Array) expect(firstNonFinite(new C([1.7e308, -1.7e308, 5e-324]))).toBe(-1);
  });
  it.each(SPECIAL)('finds %s at every position of several blocks, and only within [start, end)', (v) => {
    const n = 3000; // three blocks of 1024 and a partial one
    for (const at of [0, 1, 1023, 1024, 1025, 2047, 2999]) {
      const d = new C(n).fill(0.5);
      d[at] = v;
      expect(firstNonFinite(d)).toBe(at);
      expect(firstNonFinite(d, at + 1)).toBe(-1);
      expect(firstNonFinite(d, 0, at)).toBe(-1);
      expect(firstNonFinite(d, at, at + 1)).toBe(at);
    }
  });
  it('reports the first of several, and reads a view at an offset', () => {
    const buf = new C(100).fill(2);
    buf[10] = NaN; buf[40] = Infinity; buf[70] = -Infinity;
    expect(firstNonFinite(buf)).toBe(10);
    expect(firstNonFinite(buf, 11)).toBe(40);
    const view = buf.subarray(20); // index 40 of buf is 20 of the view
    expect(firstNonFinite(view)).toBe(20);
  });
  it('is −1 on an empty range', () => {
    expect(firstNonFinite(new C([NaN]), 1, 1)).toBe(-1);
  });
});
