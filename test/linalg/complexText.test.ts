/** The one text form of complex numbers (src/linalg/complexText.ts). */
import { describe, expect, it } from 'vitest';
import { formatComplex, formatConjugatePair, formatEigenvalue } from '../../src/linalg/complexText';

describe('complex text', () => {
  const f4 = (x: number) => x.toFixed(4);
  it('writes a+bi / a−bi with the caller\'s number format, −0 as +', () => {
    expect(formatComplex(0.5, 0.25, f4)).toBe('0.5000+0.2500i');
    expect(formatComplex(0.5, -0.25, f4)).toBe('0.5000−0.2500i');
    expect(formatComplex(1, -0, f4)).toBe('1.0000+0.0000i');
    expect(formatComplex(1, 0, f4)).toBe('1.0000+0.0000i');
  });
  it('writes a real eigenvalue alone, optionally in its own format', () => {
    expect(formatEigenvalue(0.9, 0, f4)).toBe('0.9000');
    expect(formatEigenvalue(0.9, 0, f4, (x) => x.toFixed(6))).toBe('0.900000');
    expect(formatEigenvalue(0.9, -0.1, f4)).toBe('0.9000−0.1000i');
  });
  it('spaces the sign for prose and writes a conjugate pair once', () => {
    expect(formatComplex(0.5, -0.25, f4, 'spaced')).toBe('0.5000 − 0.2500i');
    expect(formatConjugatePair(0.95, -0.1, (x) => x.toFixed(3), (x) => x.toFixed(4))).toBe('0.950±0.100i');
    expect(formatConjugatePair(0.95, 0, (x) => x.toFixed(3), (x) => x.toFixed(4))).toBe('0.9500');
  });
});
