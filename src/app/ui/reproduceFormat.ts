/** The pure formatting of reproduce experiments' results for the gallery and results page (tested in Node). */
import type { DistanceReport, ExperimentResult, NullReport } from '../../reproduce/types';

/** A number in a table: 3 significant digits, exponent form for very small or large; n/a for null/NaN/±∞. */
export function fmtNum(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) return x.toExponential(2);
  return Number(x.toPrecision(3)).toString();
}

/** "mean ± std", or just the mean when the std is missing (a single value: null after the JSON round trip). */
export function meanStd(mean: number | null | undefined, std: number | null | undefined): string {
  return std === null || std === undefined || !Number.isFinite(std) ? fmtNum(mean) : `${fmtNum(mean)} ± ${fmtNum(std)}`;
}

export interface DistanceRow {
  label: string;
  kind: 'distance' | 'null';
  /** How many values. */
  n: number;
  ours: string;
  /** The paper's value, or '—' when it has none. */
  paper: string;
  paperSource?: string;
  /** The verdict of a distance against the null (distances only). */
  verdict?: string;
}

/** The rows of the distances table: each distance, then each between-seed null. */
export function distanceRows(r: Pick<ExperimentResult, 'distances' | 'nulls'>): DistanceRow[] {
  const row = (d: DistanceReport | NullReport, kind: DistanceRow['kind']): DistanceRow => ({
    label: d.label,
    kind,
    n: d.values?.length ?? d.summary?.count ?? 0,
    ours: meanStd(d.summary?.mean, d.summary?.std),
    paper: d.paper ? meanStd(d.paper.mean, d.paper.std) : '—',
    ...(d.paper ? { paperSource: d.paper.source } : {}),
    ...('verdict' in d && d.verdict ? { verdict: d.verdict } : {}),
  });
  return [...(r.distances ?? []).map((d) => row(d, 'distance')), ...(r.nulls ?? []).map((d) => row(d, 'null'))];
}

/**
 * The verdict of each judged distance as [label, words] (the words of src/koopman/conjugacy.ts), or the result's one
 * line when nothing was judged pair by pair (teaching cases, cnn-early).
 */
export function verdictLines(r: Pick<ExperimentResult, 'distances' | 'verdict'>): [string, string][] {
  const judged = (r.distances ?? []).filter((d) => d.verdict && d.test);
  return judged.length ? judged.map((d) => [d.label, d.verdict!]) : [['', r.verdict]];
}

/** A short summary for tables: "h=5 vs h=10: inconclusive; h=5 vs h=40: non-conjugate", else the whole verdict. */
export function verdictSummary(r: Pick<ExperimentResult, 'distances' | 'verdict'>): string {
  const judged = (r.distances ?? []).filter((d) => d.verdict && d.test);
  return judged.length ? judged.map((d) => `${d.label}: ${d.test!.label}`).join('; ') : r.verdict;
}

/** Settings as [key, text] pairs, in the order given; objects and arrays as compact JSON. */
export function settingRows(settings: Record<string, unknown>): [string, string][] {
  return Object.entries(settings ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v)]);
}

/** "3 of 4 checks pass" (empty when there are none). */
export function checksLine(r: Pick<ExperimentResult, 'checks'>): string {
  const checks = r.checks ?? [];
  if (!checks.length) return '';
  const pass = checks.filter((c) => c.pass).length;
  return `${pass} of ${checks.length} check${checks.length === 1 ? '' : 's'} pass`;
}

/** A progress fraction as a whole percent, clamped to [0, 100]. */
export function percent(fraction: number): number {
  return Number.isFinite(fraction) ? Math.round(Math.min(1, Math.max(0, fraction)) * 100) : 0;
}
