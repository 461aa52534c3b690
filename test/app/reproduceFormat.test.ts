/** The gallery's formatting of a `koopscope reproduce` result (src/app/client/demo.ts): pure, no worker. */
import { describe, expect, it } from 'vitest';
import { checksLine, distanceRows, fmtNum, meanStd, percent, settingRows } from '../../src/app/ui/reproduceFormat';
import type { ExperimentResult } from '../../src/reproduce/types';

const summary = (mean: number, std: number | null, count: number) =>
  ({ count, mean, std, stdPopulation: std, min: mean, max: mean, median: mean, p95: mean }) as unknown as ExperimentResult['distances'][number]['summary'];

describe('reproduce result formatting', () => {
  it('formats numbers with 3 significant digits and n/a for null or non-finite', () => {
    expect(fmtNum(0.123456)).toBe('0.123');
    expect(fmtNum(12.3456)).toBe('12.3');
    expect(fmtNum(0)).toBe('0');
    expect(fmtNum(0.00001234)).toBe('1.23e-5');
    expect(fmtNum(null)).toBe('n/a');
    expect(fmtNum(NaN)).toBe('n/a');
    expect(fmtNum(Infinity)).toBe('n/a');
  });

  it('writes mean ± std, and just the mean when the std is null (a single distance after JSON)', () => {
    expect(meanStd(0.5, 0.01)).toBe('0.5 ± 0.01');
    expect(meanStd(0.5, null)).toBe('0.5');
    expect(meanStd(null, null)).toBe('n/a');
  });

  it('lists distances then nulls, with the paper value where there is one', () => {
    const rows = distanceRows({
      distances: [
        { label: 'h=5 vs h=40', values: [0.2, 0.3], summary: summary(0.25, 0.0707, 2), paper: { mean: 0.31, std: 0.02, source: 'paper' }, verdict: 'non-conjugate' },
        { label: 'h=10 vs h=40', values: [0.1], summary: summary(0.1, null, 1) },
      ],
      nulls: [{ label: 'between seeds within h=40', values: [0.05, 0.07], summary: summary(0.06, 0.0141, 2) }],
    });
    expect(rows).toEqual([
      { label: 'h=5 vs h=40', kind: 'distance', n: 2, ours: '0.25 ± 0.0707', paper: '0.31 ± 0.02', paperSource: 'paper', verdict: 'non-conjugate' },
      { label: 'h=10 vs h=40', kind: 'distance', n: 1, ours: '0.1', paper: '—' },
      { label: 'between seeds within h=40', kind: 'null', n: 2, ours: '0.06 ± 0.0141', paper: '—' },
    ]);
    expect(distanceRows({ distances: [], nulls: [] })).toEqual([]);
  });

  it('shows settings as text, counts checks and clamps progress', () => {
    expect(settingRows({ steps: 100, optimizer: 'sgd', widths: [5, 40], nested: { a: 1 } })).toEqual([
      ['steps', '100'], ['optimizer', 'sgd'], ['widths', '[5,40]'], ['nested', '{"a":1}'],
    ]);
    expect(checksLine({ checks: [] })).toBe('');
    expect(checksLine({ checks: [{ name: 'a', expected: 1, got: 1, pass: true }, { name: 'b', expected: 1, got: 2, pass: false }] })).toBe('1 of 2 checks pass');
    expect(percent(0.456)).toBe(46);
    expect(percent(-1)).toBe(0);
    expect(percent(2)).toBe(100);
    expect(percent(NaN)).toBe(0);
  });
});
