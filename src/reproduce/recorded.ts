/**
 * Recorded reproductions: what `scripts/record-results.mjs` writes to src/reproduce/recorded/ID.json (one
 * `koopscope reproduce …` run, its wall time and machine) and what the app's results page and the docs show.
 * Pure (no Node, no DOM): the page loads the files itself, Node tests read them with fs.
 */
import { groupReport, overallVerdict } from './verdicts';
import type { DistanceReport, ExperimentResult } from './types';

export interface RecordedEntry {
  /** File stem, e.g. 'fcn-width-8-seeds'. */
  id: string;
  /** The command that produced `result`, e.g. 'koopscope reproduce fcn-width --seeds 8'. */
  command: string;
  /** Wall time of the whole command (seconds), on `machine`; other jobs may have shared the CPU. */
  wallSeconds: number;
  /** ISO date (YYYY-MM-DD). */
  recorded: string;
  machine: string;
  result: ExperimentResult;
  /**
   * Set when the verdicts were recomputed from the recorded spectra by `rejudge` (ISO date and why) rather than by
   * re-running the command: the spectra, distances and timings are the original run's.
   */
  rejudged?: { date: string; reason: string };
}

/**
 * Recomputes every "X vs Y" distance report whose groups X and Y are in `result.spectra` (several seeds each) with
 * the current conjugacy test (`groupReport`, src/koopman/conjugacy.ts), and the one-line verdict from them. The
 * spectra, row-by-row values and paper numbers are kept. Reports between single spectra (omd-ogd) and reports with
 * no verdict are left as they are. Used to re-judge a long recording when the statistics change
 * (`node scripts/record-results.mjs --rejudge ID`) and by the test that keeps recordings in step with the code.
 */
export function rejudge(result: ExperimentResult): ExperimentResult {
  let changed = false;
  const distances = result.distances.map((d): DistanceReport => {
    const m = /^(.+) vs (.+)$/.exec(d.label);
    const a = m && result.spectra[m[1]], b = m && result.spectra[m[2]];
    if (!d.verdict || !a || !b || a.length < 2 || b.length < 2) return d;
    changed = true;
    const fresh = groupReport(d.label, a, b, d.paper);
    return { ...d, verdict: fresh.verdict, ratio: fresh.ratio, test: fresh.test };
  });
  return changed ? { ...result, distances, verdict: overallVerdict(distances) } : result;
}

/** The page's order: paper 1's experiments first, then the teaching cases; unknown ids last, by name. */
export const RESULTS_ORDER = ['omd-ogd', 'fcn-width-8-seeds', 'fcn-width-quick', 'cnn-early', 'cnn-early-quick', 'grokking-10-seeds', 'grokking-quick', 'quadratic', 'momentum'];

export function sortRecorded(entries: RecordedEntry[]): RecordedEntry[] {
  const rank = (id: string) => { const i = RESULTS_ORDER.indexOf(id); return i < 0 ? RESULTS_ORDER.length : i; };
  return [...entries].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

/** Throws an Error naming `id` and the first missing or malformed field (a hand-edited or truncated file). */
export function checkRecorded(id: string, x: unknown): RecordedEntry {
  const e = x as Partial<RecordedEntry> | null;
  const bad = (what: string) => new Error(`recorded result ${id}: ${what}`);
  if (!e || typeof e !== 'object') throw bad('not a JSON object');
  if (e.id !== id) throw bad(`its id is '${String(e.id)}', the file says '${id}'`);
  if (typeof e.command !== 'string' || !e.command.startsWith('koopscope reproduce ')) throw bad('no `command`');
  if (typeof e.wallSeconds !== 'number' || !(e.wallSeconds >= 0)) throw bad('no `wallSeconds`');
  if (typeof e.recorded !== 'string' || !/^\d{4}-\d\d-\d\d$/.test(e.recorded)) throw bad('no `recorded` date');
  const r = e.result;
  if (!r || typeof r !== 'object' || typeof r.name !== 'string' || typeof r.verdict !== 'string') throw bad('no `result` with a name and a verdict');
  for (const k of ['distances', 'nulls', 'checks', 'reduced', 'seeds'] as const) if (!Array.isArray(r[k])) throw bad(`result.${k} is not a list`);
  if (!r.spectra || typeof r.spectra !== 'object') throw bad('result.spectra is missing');
  return e as RecordedEntry;
}

/** "1 min 36 s", "0.9 s", "1 h 5 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  const m = Math.floor(seconds / 60), s = Math.round(seconds - 60 * m);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
