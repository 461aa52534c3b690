import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import type { ComplexPoints } from '../../src/koopman/wasserstein';
import { wasserstein1 } from '../../src/koopman/wasserstein';
import {
  betweenSeedNull,
  betweenSeedNulls,
  rowwiseW1,
  splitRows,
  summarizeDistances,
} from '../../src/koopman/seedNull';
import { loadPaperEigenvalues, notePaperDataSkipped, paperDataAvailable, readPaperFile } from '../paperData';

/**
 * Paper 1's published eigenvalues are read from the shared folder (../shared/data/paper1, never copied into the
 * repository) by test/paperData.ts; w1.json holds only the NumPy/SciPy numbers computed from them plus each file's
 * name, shape and SHA-256. Rows are the (seeds, k) array's rows; a (k,) file is one set.
 */
interface Stats {
  values: number[];
  count: number;
  mean: number;
  std_ddof0: number;
  std_ddof1: number;
  min: number;
  max: number;
  median: number;
  p95: number;
}
type PaperKey = 'h5' | 'h10' | 'h40' | 'grokking' | 'constrained' | 'omd' | 'ogd' | 'bm';
interface Paper1 {
  files: Record<PaperKey, { file: string; shape: number[]; sha256: string }>;
  expected: Record<'h5_h10' | 'h5_h40' | 'h10_h40' | 'null_h40' | 'grokking_constrained', Stats> &
    Record<'omd_ogd' | 'ogd_bm' | 'omd_bm', number>;
}
const paper1 = (JSON.parse(readFileSync(new URL('../fixtures/w1.json', import.meta.url), 'utf8')) as { paper1: Paper1 }).paper1;
const loaded = new Map<PaperKey, ComplexPoints[]>();
/** The published file's sets (rows), read once through src/io's reader. */
const rows = (key: PaperKey): ComplexPoints[] => {
  let r = loaded.get(key);
  if (!r) loaded.set(key, (r = loadPaperEigenvalues(paper1.files[key].file).sets));
  return r;
};
const single = (key: PaperKey): ComplexPoints => {
  const r = rows(key);
  expect(r.length, key).toBe(1);
  return r[0]!;
};

function expectStats(got: ReturnType<typeof summarizeDistances>, want: Stats, tol: number) {
  expect(got.count).toBe(want.count);
  for (const [k, w] of [['mean', want.mean], ['stdPopulation', want.std_ddof0], ['std', want.std_ddof1], ['min', want.min],
    ['max', want.max], ['median', want.median], ['p95', want.p95]] as const) {
    expect(Math.abs(got[k] - w), k).toBeLessThan(tol);
  }
}

describe('summarizeDistances', () => {
  it('uses ddof = 1 for std, ddof = 0 for stdPopulation and NumPy linear percentiles', () => {
    const s = summarizeDistances([4, 1, 3, 2]);
    expect(s).toMatchObject({ count: 4, mean: 2.5, min: 1, max: 4, median: 2.5 });
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(s.stdPopulation).toBeCloseTo(Math.sqrt(5 / 4), 15);
    expect(s.p95).toBeCloseTo(3.85, 15); // np.percentile([1, 2, 3, 4], 95)
    expect(Number.isNaN(summarizeDistances([1]).std)).toBe(true);
    expect(() => summarizeDistances([])).toThrow(/empty/);
  });
});

notePaperDataSkipped('paper 1 spectra (docs/methods.md E9) in seedNull.test.ts');

describe.skipIf(!paperDataAvailable())('paper 1 spectra (docs/methods.md E9), against NumPy/SciPy', () => {
  const e = paper1.expected;

  it('reads the same published files the fixture was computed from (name, shape, SHA-256)', () => {
    for (const [key, f] of Object.entries(paper1.files) as [PaperKey, Paper1['files'][PaperKey]][]) {
      expect(createHash('sha256').update(readPaperFile(f.file)).digest('hex'), f.file).toBe(f.sha256);
      const sets = rows(key);
      const [seeds, k] = f.shape.length === 2 ? f.shape : [1, f.shape[0]!];
      expect(sets.length, f.file).toBe(seeds);
      for (const s of sets) expect([s.re.length, s.im.length], f.file).toEqual([k, k]);
    }
  });

  it('per-row W1 between widths matches to 1e-9 (h5–h10, h5–h40, h10–h40)', () => {
    for (const [p, q, key] of [['h5', 'h10', 'h5_h10'], ['h5', 'h40', 'h5_h40'], ['h10', 'h40', 'h10_h40']] as const) {
      const res = rowwiseW1(rows(p), rows(q));
      res.values.forEach((v, i) => expect(Math.abs(v - e[key].values[i])).toBeLessThan(1e-9));
      expectStats(res.summary, e[key], 1e-9);
    }
    // The numbers quoted in docs/methods.md#e9 (7 decimals; their stds are NumPy's ddof = 0).
    expect(rowwiseW1(rows('h5'), rows('h10')).summary.mean).toBeCloseTo(0.006523, 7);
    expect(rowwiseW1(rows('h5'), rows('h40')).summary.stdPopulation).toBeCloseTo(0.0016686, 7);
    expect(rowwiseW1(rows('h10'), rows('h40')).summary.mean).toBeCloseTo(0.0047097, 7);
  });

  it('between-seed null within h=40 has 300 pairs, mean 0.0042818 (std 0.0016287, ddof = 0)', () => {
    const nul = betweenSeedNull(rows('h40'));
    expect(nul.pairs.length).toBe(300);
    expect(nul.pairs[0]).toEqual([0, 1]);
    nul.values.forEach((v, k) => expect(Math.abs(v - e.null_h40.values[k])).toBeLessThan(1e-9));
    expectStats(nul.summary, e.null_h40, 1e-9);
    expect(nul.summary.mean).toBeCloseTo(0.0042818, 7);
    expect(nul.summary.stdPopulation).toBeCloseTo(0.0016287, 7);
  });

  it('grokking vs constrained: mean 0.0275272 (std 0.0013779, ddof = 0) over 20 seeds', () => {
    const res = rowwiseW1(rows('grokking'), rows('constrained'));
    expectStats(res.summary, e.grokking_constrained, 1e-9);
    expect(res.summary.mean).toBeCloseTo(0.0275272, 7);
  });

  it('OMD–OGD is 0.0080732 and BM is far from both', () => {
    const [omd, ogd, bm] = (['omd', 'ogd', 'bm'] as const).map(single);
    expect(Math.abs(wasserstein1(omd, ogd) - e.omd_ogd)).toBeLessThan(1e-9);
    expect(wasserstein1(omd, ogd)).toBeCloseTo(0.0080732, 7);
    expect(Math.abs(wasserstein1(ogd, bm) - e.ogd_bm)).toBeLessThan(1e-9);
    expect(Math.abs(wasserstein1(omd, bm) - e.omd_bm)).toBeLessThan(1e-9);
  });

  it('h=40 seed indices 0 and 5 hold identical spectra in the published file (one zero in the null)', () => {
    const nul = betweenSeedNull(rows('h40'));
    expect(nul.summary.min).toBe(0);
    expect(nul.pairs[Array.from(nul.values).indexOf(0)]).toEqual([0, 5]);
  });

  it('betweenSeedNulls names one null per configuration (the verdicts are tested in conjugacy.test.ts)', () => {
    const nulls = betweenSeedNulls({ h40: rows('h40'), constrained: rows('constrained') });
    expect(Object.keys(nulls)).toEqual(['h40', 'constrained']);
    expect(nulls.h40.values).toHaveLength(300);
    expect(nulls.constrained.values).toHaveLength(190);
  });
});

describe('splitRows and rowwiseW1 shapes', () => {
  it('splits row-major data and rejects mismatched row counts', () => {
    const parts = splitRows({ re: [1, 2, 3, 4, 5, 6], im: [0, 0, 0, 0, 0, 1] }, 2);
    expect(parts.map((p) => Array.from(p.re))).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(() => splitRows({ re: [1, 2, 3], im: [0, 0, 0] }, 2)).toThrow(/equal rows/);
    expect(() => rowwiseW1(parts, parts.slice(1))).toThrow(/as many rows/);
  });
});
