/**
 * `koopscope windows FILE --length L [--stride s] [options]`: spectra of sliding windows over a recorded
 * trajectory and the W1 distance between consecutive windows (paper 1's CNN early-phase analysis: the distance
 * falls while training dynamics change, then levels off).
 */
import { commandArgs } from '../command';
import { formatComplex } from '../../linalg/complexText';
import { spectrumReport } from '../../koopman/report';
import { windowSpectra } from '../../koopman/window';
import { UsageError, UserError } from '../errors';
import { loadTrajectory, stepSpacing } from '../load';
import { readOptionsFrom, spectrumFlags, spectrumOptionsFrom, SPECTRUM_USAGE, wholeNumber } from '../options';
import { progressBar } from '../progress';
import type { Io } from '../main';

export const usage = `usage: koopscope windows FILE --length L [--stride s] [options]

Spectra of the windows [a, a+L) for a = 0, s, 2s, … (snapshot indices after --every), with W1 between consecutive
windows. Each slide costs s rows of inner products (streaming update), not a new fit from scratch.
  --length L             window length in snapshots (≥ 3)
  --stride s             slide between windows (default L/4)

${SPECTRUM_USAGE.replace(/\n  --window a:b[^\n]*/, '')}`;

export function run(args: string[], io: Io): number {
  const parsed = commandArgs(args, { ...spectrumFlags, length: { type: 'string' }, stride: { type: 'string' } }, usage, io);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`windows needs exactly one FILE, got ${positionals.length}`);
  if (values.window !== undefined) throw new UsageError('windows takes --length and --stride, not --window');
  if (values.length === undefined) throw new UsageError('windows needs --length L (snapshots per window)');
  // flags first, so a typo is reported before a large file is read
  const length = wholeNumber('length', values.length, 3);
  const stride = wholeNumber('stride', values.stride, 1) ?? Math.max(1, Math.floor(length / 4));
  const every = wholeNumber('every', values.every, 1);
  const traj = loadTrajectory(positionals[0], { ...readOptionsFrom(values), every });
  if (traj.dropped?.length) {
    // a sliding window streams an unbroken series; a gap would be fitted as a one-step transition
    throw new UsageError(`${traj.source}: ${traj.dropped.length} snapshot(s) were dropped for NaN/Inf, and sliding ` +
      'windows need an unbroken series; use koopscope spectrum --drop-nonfinite (which splits the run at the gaps) ' +
      'with --window on the stretches you want');
  }
  const { every: _every, window: _window, ...options } = spectrumOptionsFrom(values, stepSpacing(traj).dt);
  if (_every !== undefined && options.dt !== undefined) options.dt *= _every;
  const bar = progressBar(positionals[0]);
  let wins;
  try {
    wins = windowSpectra(traj, { length, stride, ...options }, (f) => bar.update(f, 'windows'));
  } catch (e) {
    // the engine's OptionError/DataError are the user's; anything else is a bug and stays one (main.ts)
    if (e instanceof UserError) throw new UsageError(`${traj.source}: ${e.message}`);
    throw e;
  } finally {
    bar.done();
  }
  const steps = traj.steps;
  const rows = wins.map((w) => ({
    start: w.start, end: w.end,
    startStep: steps ? steps[w.start] : w.start, endStep: steps ? steps[w.end - 1] : w.end - 1,
    w1FromPrevious: w.w1FromPrevious ?? null,
    spectrum: spectrumReport(w.fit.spectrum, `${traj.source}[${w.start}:${w.end}]`),
  }));
  if (values.json) { io.out(JSON.stringify({ source: traj.source, length, stride, windows: rows })); return 0; }
  const lines = [`${traj.source}: ${wins.length} windows of ${length} snapshots, stride ${stride}`, '  window (steps)          W1 to previous   |λ|max    leading eigenvalue'];
  for (const r of rows) {
    const [re, im] = r.spectrum.eigenvalues[0];
    lines.push(`  ${`${r.startStep}–${r.endStep}`.padEnd(22)}  ${(r.w1FromPrevious === null ? '—' : r.w1FromPrevious.toExponential(3)).padStart(14)}   ${r.spectrum.details[0].abs.toFixed(5)}   ${formatComplex(re, im, (x) => x.toFixed(5))}`);
  }
  io.out(lines.join('\n'));
  return 0;
}
