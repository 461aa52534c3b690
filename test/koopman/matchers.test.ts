/** The tolerance helpers of test/matchers.ts report where and by how much values differ. */
import { describe, expect, it } from 'vitest';
import { expectArrayClose, expectEigenvaluesClose, expectMatchedValuesClose, matchEigenvalues } from '../matchers';

describe('test/matchers.ts', () => {
  it('expectArrayClose names the path, the first failing index and the worst difference', () => {
    expectArrayClose([1, 2, 3], [1, 2 + 1e-12, 3], 1e-10);
    expect(() => expectArrayClose([1, 2, 3, 4], [1, 2.1, 3, 4.5], 1e-3, 'sigma'))
      .toThrow(/sigma: 2 of 4 .*first sigma\[1\].*worst sigma\[3\]/);
    expect(() => expectArrayClose([1, 2], [1], 1, 'x')).toThrow(/x: length 2, expected 1/);
    expect(() => expectArrayClose([NaN], [1], 1, 'x')).toThrow(/x\[0\]/);
    expectArrayClose([100.5], [100], { rel: 1e-2 });
  });

  it('eigenvalue lists are compared as sets, robust to the order of near-ties', () => {
    const a: [number, number][] = [[0.9, 0.1], [0.9, -0.1], [0.5, 0]];
    const b = [{ re: 0.5, im: 0 }, { re: 0.9, im: -0.1 + 1e-12 }, { re: 0.9, im: 0.1 }];
    const m = expectEigenvaluesClose(b, a, 1e-10);
    expect(m.perm).toEqual([2, 1, 0]);
    expect(() => expectEigenvaluesClose(b, [[0.9, 0.1], [0.9, -0.1], [0.4, 0]], 1e-6, 'eigs'))
      .toThrow(/eigs\[0\] = .* matched to expected\[2\]/);
    expect(() => expectEigenvaluesClose(b, a.slice(1), 1)).toThrow(/3 eigenvalues, expected 2/);
    expect(matchEigenvalues([[0, 0], [1, 0]], [[1, 0.3], [0, 0.1]]).w1).toBeCloseTo(0.2, 14);
  });

  it('per-eigenvalue values follow the matching', () => {
    expectMatchedValuesClose([[0.5, 0], [0.9, 0]], [5, 9], [[0.9, 0], [0.5, 0]], [9, 5], 1e-12);
    expect(() => expectMatchedValuesClose([[0.5, 0], [0.9, 0]], [5, 9], [[0.9, 0], [0.5, 0]], [5, 9], 1e-12, 'amp'))
      .toThrow(/amp/);
  });
});
