/**
 * Spectrum and trajectory exports. JSON is the SpectrumReport itself (the same object `koopscope spectrum --json` prints); CSV goes
 * through koopman's spectrumToCsv, so both tools write the same columns. A report stores non-finite numbers as null
 * (JSON has no Infinity): they are rebuilt here as −Infinity for ln|0| and NaN otherwise.
 */
import { spectrumToCsv } from '../../koopman/csv';
import type { SpectrumReport } from '../../koopman/report';
import type { Spectrum } from '../../koopman/types';

export function reportToSpectrum(r: SpectrumReport): Spectrum {
  const back = (x: number | null, abs: number) => (x === null ? (abs === 0 ? -Infinity : NaN) : x);
  return {
    eigenvalues: r.eigenvalues.map(([re, im], i) => {
      const d = r.details[i];
      return {
        re, im, abs: d.abs, arg: d.arg,
        growthRate: back(d.growthRate, d.abs), frequency: d.frequency,
        ctRe: back(d.ct[0], d.abs), ctIm: back(d.ct[1], 1),
        ...(d.amplitude === null ? {} : { amplitude: d.amplitude }),
      };
    }),
    singularValues: r.singularValues, rank: r.rank, rankRule: r.rankRule, delays: r.delays, runs: r.runs, pairs: r.pairs,
    embeddedDim: r.embeddedDim, residual: r.residual, truncatedEnergy: r.truncatedEnergy,
    conditionNumber: r.conditionNumber ?? Infinity, sketched: r.sketched, dt: r.dt, warnings: r.warnings,
    ...(r.sketch ? { sketch: r.sketch } : {}),
  };
}

export function reportToCsv(r: SpectrumReport): string {
  return spectrumToCsv(reportToSpectrum(r));
}

/** The JSON text of an export: byte for byte what `koopscope spectrum --json` prints (compact, one line). */
export function reportToJson(r: SpectrumReport): string {
  return JSON.stringify(r) + '\n';
}

/** Extensions of the files the app opens: the only suffixes an export name drops. */
const FILE_EXTENSION = /\.(npy|npz|safetensors|json|csv|txt)$/i;

/**
 * A file name from a run or file name: 'lin.npy' → 'lin.spectrum.json'; 'spiral lr 0.05 @ step 40' →
 * 'spiral_lr_0.05_step_40.spectrum.json' (only a file extension is dropped, so decimals stay).
 */
export function exportName(name: string, ext: 'json' | 'csv'): string {
  const base = name.replace(FILE_EXTENSION, '').replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'spectrum';
  return `${base}.spectrum.${ext}`;
}

/** The file name of a trained run's trajectory: 'spiral-quick-step1200.npz'. */
export function trajectoryName(preset: string, quick: boolean, step: number): string {
  return `${preset.replace(/[^\w.-]+/g, '_') || 'run'}${quick ? '-quick' : ''}-step${step}.npz`;
}

/** Saves text or bytes as a download through a Blob URL and a temporary a[download]. */
export function download(name: string, content: string | Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([content as BlobPart], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
