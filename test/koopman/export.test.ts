/** Spectrum export: the canonical JSON (spectrumReport, non-finite numbers as null) and CSV with the documented columns. */
import { describe, expect, it } from 'vitest';
import { SPECTRUM_CSV_COLUMNS, spectrumToCsv } from '../../src/koopman/csv';
import { spectrumReport } from '../../src/koopman/report';
import { formatSpectrum } from '../../src/cli/format';
import type { Spectrum } from '../../src/koopman/types';

const spectrum: Spectrum = {
  eigenvalues: [
    { re: 0.9, im: 0.1, abs: Math.hypot(0.9, 0.1), arg: Math.atan2(0.1, 0.9), ctRe: Math.log(Math.hypot(0.9, 0.1)),
      ctIm: Math.atan2(0.1, 0.9), growthRate: Math.log(Math.hypot(0.9, 0.1)), frequency: Math.atan2(0.1, 0.9) / (2 * Math.PI),
      amplitude: 2.5 },
    { re: 0, im: 0, abs: 0, arg: 0, ctRe: -Infinity, ctIm: 0, growthRate: -Infinity, frequency: 0 },
  ],
  singularValues: [3, 1e-3], rank: 2, rankRule: { kind: 'rank', r: 2 }, delays: 0, runs: 1, pairs: 9, embeddedDim: 4,
  residual: 0.01, truncatedEnergy: 0, conditionNumber: 3000, sketched: false, dt: 1, warnings: ['ill-conditioned'],
};

describe('spectrum export', () => {
  it('the JSON export (spectrumReport) survives JSON.stringify, non-finite numbers as null', () => {
    const j = JSON.parse(JSON.stringify(spectrumReport(spectrum, 'x.npz')));
    expect(j.eigenvalues).toEqual([[0.9, 0.1], [0, 0]]);
    expect(j.details[1].ct[0]).toBeNull();
    expect(j.details[0].amplitude).toBe(2.5);
    expect(j.rankRule).toEqual({ kind: 'rank', r: 2 });
    expect(j.warnings).toEqual(['ill-conditioned']);
    expect('sketch' in j).toBe(false);
  });
  it('the report itself holds null (its type says number | null) for ln|0| and an infinite condition number', () => {
    const r = spectrumReport({ ...spectrum, conditionNumber: Infinity }, 'x.npz');
    expect(r.details[1]!.growthRate).toBeNull();
    expect(r.details[1]!.ct).toEqual([null, 0]);
    expect(r.conditionNumber).toBeNull();
    expect(formatSpectrum(r)).toContain('σ1/σr = n/a');
  });
  it('spectrumToCsv writes a header and one row per eigenvalue', () => {
    const lines = spectrumToCsv(spectrum).split('\n');
    expect(lines[0]).toBe('re,im,abs,arg,growth_rate,frequency,ct_re,ct_im,amplitude');
    expect(SPECTRUM_CSV_COLUMNS).toHaveLength(9);
    expect(lines[1]!.split(',').map(Number)).toEqual([0.9, 0.1, Math.hypot(0.9, 0.1), Math.atan2(0.1, 0.9),
      Math.log(Math.hypot(0.9, 0.1)), Math.atan2(0.1, 0.9) / (2 * Math.PI), Math.log(Math.hypot(0.9, 0.1)),
      Math.atan2(0.1, 0.9), 2.5]);
    expect(lines[2]).toBe('0,0,0,0,-inf,0,-inf,0,');
    expect(lines[3]).toBe('');
  });
});
