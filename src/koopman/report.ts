/**
 * The canonical JSON form of a spectrum: what `koopscope spectrum --json` prints and the app's "Export spectrum"
 * saves (one object, same keys, so scripts can consume either).
 */
import type { Spectrum } from './types';

export interface SpectrumReport {
  /** Where the snapshots came from (a file name, a preset, "live"). */
  source: string;
  /** [re, im] pairs sorted by |λ| descending (then imaginary part descending). */
  eigenvalues: [number, number][];
  /** Per eigenvalue, same order: |λ|, arg λ, ln|λ|/Δt, arg λ/(2πΔt), log(λ)/Δt, |b|; null where not finite. */
  details: { abs: number; arg: number; growthRate: number | null; frequency: number; ct: [number | null, number | null]; amplitude: number | null }[];
  singularValues: number[];
  rank: number;
  rankRule: Spectrum['rankRule'];
  delays: number;
  runs: number;
  pairs: number;
  embeddedDim: number;
  dt: number;
  residual: number;
  truncatedEnergy: number;
  /** null when infinite or NaN (JSON has neither), e.g. a rank-deficient fit. */
  conditionNumber: number | null;
  sketched: boolean;
  sketch?: Spectrum['sketch'];
  warnings: string[];
}

/** JSON has no Infinity/NaN: non-finite numbers become null (ln|0| = −∞ in growthRate and ct, an infinite condition number). */
const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function spectrumReport(spectrum: Spectrum, source: string): SpectrumReport {
  const r: SpectrumReport = {
    source,
    eigenvalues: spectrum.eigenvalues.map((e) => [e.re, e.im]),
    details: spectrum.eigenvalues.map((e) => ({
      abs: e.abs, arg: e.arg, growthRate: num(e.growthRate), frequency: e.frequency,
      ct: [num(e.ctRe), num(e.ctIm)], amplitude: e.amplitude === undefined ? null : num(e.amplitude),
    })),
    singularValues: spectrum.singularValues,
    rank: spectrum.rank,
    rankRule: spectrum.rankRule,
    delays: spectrum.delays,
    runs: spectrum.runs,
    pairs: spectrum.pairs,
    embeddedDim: spectrum.embeddedDim,
    dt: spectrum.dt,
    residual: spectrum.residual,
    truncatedEnergy: spectrum.truncatedEnergy,
    conditionNumber: num(spectrum.conditionNumber),
    sketched: spectrum.sketched,
    warnings: spectrum.warnings,
  };
  if (spectrum.sketch) r.sketch = spectrum.sketch;
  return r;
}
