/** Exporting a `Spectrum` (src/koopman/types.ts) as JSON and CSV. */

import type { Spectrum } from '../koopman/types';

/**
 * A plain JSON-able, field-for-field copy of the `Spectrum` type (for round trips and debugging). The canonical
 * export that the command line and the app write is `spectrumReport` in src/koopman/report.ts (docs/engine.md);
 * io does not import it, to keep io free of runtime dependencies on the engine.
 * JSON has no Infinity/NaN (ctRe is −Infinity for λ = 0), so non-finite numbers become the strings "Infinity",
 * "-Infinity" and "NaN" here (spectrumReport writes null instead).
 */
export function spectrumToJson(s: Spectrum): Record<string, unknown> {
  const fix = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
    if (Array.isArray(v)) return v.map(fix);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, fix(x)]));
    }
    return v;
  };
  return fix(s) as Record<string, unknown>;
}

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
