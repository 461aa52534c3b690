import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import {
  wasserstein1,
  wasserstein1Plan,
  fromInterleaved,
  WassersteinError,
  type ComplexPoints,
} from '../../src/koopman/wasserstein';

interface W1Case {
  name: string;
  a: ComplexPoints;
  b: ComplexPoints;
  weights?: { a: number[]; b: number[] };
  w1: number;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/w1.json', import.meta.url), 'utf8')) as { cases: W1Case[] };

const spectrum4: ComplexPoints = { re: [0.9, 0.95, 0.95, 0.5], im: [0, 0.1, -0.1, 0] };

function permuteAndShift(p: ComplexPoints, order: number[], dRe: number, dIm: number): ComplexPoints {
  return { re: order.map((k) => p.re[k] + dRe), im: order.map((k) => p.im[k] + dIm) };
}

describe('wasserstein1 (docs/methods.md E10 basics)', () => {
  it('a permuted copy shifted by δ is |δ| away (0.0100 for δ = 0.01)', () => {
    const shifted = permuteAndShift(spectrum4, [2, 0, 3, 1], 0.01, 0);
    expect(wasserstein1(spectrum4, shifted)).toBeCloseTo(0.01, 14);
    const diagonal = permuteAndShift(spectrum4, [3, 2, 1, 0], 0.003, -0.004);
    expect(wasserstein1(spectrum4, diagonal)).toBeCloseTo(0.005, 14);
  });

  it('is symmetric, invariant to permuting either set, and 0 on identical sets', () => {
    for (const c of fixture.cases.slice(0, 12)) {
      const ab = wasserstein1(c.a, c.b);
      expect(wasserstein1(c.b, c.a)).toBeCloseTo(ab, 13);
      const n = c.a.re.length;
      const order = Array.from({ length: n }, (_, k) => (k * 7 + 3) % n);
      if (new Set(order).size === n) expect(wasserstein1(permuteAndShift(c.a, order, 0, 0), c.b)).toBeCloseTo(ab, 13);
      expect(wasserstein1(c.a, c.a)).toBe(0);
    }
  });

  it('uses the assignment for equal sizes and transport (not truncation) for unequal sizes', () => {
    expect(wasserstein1Plan(spectrum4, spectrum4).method).toBe('assignment');
    // {0, 1} vs {0}: a truncated assignment would give 0; W1 moves half the mass a distance 1.
    const res = wasserstein1Plan([[0, 0], [1, 0]], [[0, 0]]);
    expect(res.method).toBe('transport');
    expect(res.distance).toBeCloseTo(0.5, 15);
    expect(res.plan.reduce((s, e) => s + e.mass, 0)).toBeCloseTo(1, 15);
  });

  it('equal-size transport equals the assignment', () => {
    for (const c of fixture.cases.filter((k) => k.a.re.length === k.b.re.length && !k.weights)) {
      const n = c.a.re.length;
      const viaTransport = wasserstein1(c.a, c.b, {
        weights: { kind: 'weighted', a: new Array(n).fill(1), b: new Array(n).fill(1) },
      });
      expect(viaTransport).toBeCloseTo(wasserstein1(c.a, c.b), 12);
    }
  });

  it('matches SciPy (linear_sum_assignment / HiGHS linprog) on the fixture cases to 1e-10', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(20);
    for (const c of fixture.cases) {
      const opts = c.weights ? { weights: { kind: 'weighted' as const, a: c.weights.a, b: c.weights.b } } : {};
      const got = wasserstein1(c.a, c.b, opts);
      expect(Math.abs(got - c.w1), c.name).toBeLessThan(1e-10);
    }
  });

  it('accepts [re, im] pairs, {re, im} objects, spectra and interleaved data alike', () => {
    const pairs = Array.from({ length: 4 }, (_, k): [number, number] => [spectrum4.re[k], spectrum4.im[k]]);
    const objects = pairs.map(([re, im]) => ({ re, im }));
    const other = permuteAndShift(spectrum4, [1, 0, 3, 2], 0.02, 0.01);
    const expected = wasserstein1(spectrum4, other);
    expect(wasserstein1(pairs, other)).toBe(expected);
    expect(wasserstein1(objects, other)).toBe(expected);
    expect(wasserstein1({ eigenvalues: objects }, other)).toBe(expected);
    expect(wasserstein1(fromInterleaved(pairs.flat()), other)).toBe(expected);
  });

  it('throws a WassersteinError on empty sets, NaN and mismatched weights', () => {
    expect(() => wasserstein1({ re: [], im: [] }, spectrum4)).toThrow(WassersteinError);
    expect(() => wasserstein1(spectrum4, [])).toThrow(/empty/);
    expect(() => wasserstein1({ re: [1, NaN], im: [0, 0] }, spectrum4)).toThrow(/finite/);
    expect(() => wasserstein1({ re: [1, 2], im: [0] }, spectrum4)).toThrow(/imaginary parts/);
    expect(() => wasserstein1(spectrum4, spectrum4, { weights: { kind: 'weighted', a: [1, 1], b: [1, 1, 1, 1] } })).toThrow(
      /4 eigenvalues but 2 weights/,
    );
    expect(() => wasserstein1([[NaN, 0]], spectrum4)).toThrow(expect.objectContaining({ code: 'not-finite' }));
    expect(() => wasserstein1([], spectrum4)).toThrow(expect.objectContaining({ code: 'empty' }));
  });
});
