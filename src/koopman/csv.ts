/**
 * Exporting a `Spectrum` (./types.ts) as CSV. The JSON export is `spectrumReport` in ./report.ts: one canonical
 * object for the command line and the app (docs/engine.md). Lives in koopman, not io, because it is about spectra
 * (io sits below koopman and knows nothing of them).
 */

import type { Spectrum } from './types';

export const SPECTRUM_CSV_COLUMNS = ['re', 'im', 'abs', 'arg', 'growth_rate', 'frequency', 'ct_re', 'ct_im', 'amplitude'];

/**
 * One row per eigenvalue, in the spectrum's order, with a header row. Numbers are written with round-trip
 * precision; non-finite ones as `inf`, `-inf`, `nan` (numpy.loadtxt and pandas read these); a missing amplitude as
 * an empty field. Lines end with `\n`.
 */
export function spectrumToCsv(s: Spectrum): string {
  const num = (x: number | undefined) =>
    x === undefined ? '' : Number.isNaN(x) ? 'nan' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : String(x);
  const rows = s.eigenvalues.map((e) =>
    [e.re, e.im, e.abs, e.arg, e.growthRate, e.frequency, e.ctRe, e.ctIm, e.amplitude].map(num).join(','));
  return [SPECTRUM_CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
