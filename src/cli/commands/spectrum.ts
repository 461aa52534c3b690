/** `koopscope spectrum FILE [options]`: the DMD spectrum of a trajectory file. */
import { commandArgs } from '../command';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { computeSpectrum, planFit, readsOnDemand, type SpectrumOptions } from '../../koopman/analyze';
import type { Spectrum } from '../../koopman/types';
import { npyRows } from '../fileRows';
import { TrajectoryFileError } from '../../io/errors';
import { spectrumReport, type SpectrumReport } from '../../koopman/report';
import { timesAfterDropping } from '../../koopman/snapshots';
import { UsageError, UserError } from '../errors';
import { formatSpectrum } from '../format';
import { loadTrajectory, stepSpacing } from '../load';
import { progressBar } from '../progress';
import { readOptionsFrom, spectrumFlags, spectrumOptionsFrom, SPECTRUM_USAGE } from '../options';
import type { Io } from '../main';
import { sharedCopy } from '../../workers/threadExecutor';
import { createGramWorkers } from '../gramWorkers';
import type { GramExecutor } from '../../linalg/gram';
import type { ProductsExecutor } from '../../koopman/hankelWasm';

/**
 * Threads for the Gram and the randomized route's products: KOOPSCOPE_THREADS if set (1 = single-threaded), else
 * every core (os.availableParallelism). One executor per process; its workers start on the first Gram or product
 * large enough to need them.
 */
let executor: (GramExecutor & ProductsExecutor) | undefined;
function gramExecutor(): GramExecutor & ProductsExecutor {
  const env = Number(process.env.KOOPSCOPE_THREADS);
  executor ??= createGramWorkers(Number.isInteger(env) && env >= 1 ? env : undefined);
  return executor;
}

export const usage = `usage: koopscope spectrum FILE [options]

Prints the Koopman (DMD) spectrum of the weight trajectory in FILE (.npy, .npz, .safetensors, .json).

${SPECTRUM_USAGE}`;

/**
 * Spectrum of one file under the parsed flags (shared with `compare`). A large float32 .npy whose fit reads its data
 * only through the Gram or the randomized products is read on demand (fileRows.ts) instead of whole; the same result
 * (to the bit on the Gram route, to rounding on the randomized one).
 */
export function spectrumOfFile(path: string, values: Record<string, unknown>): SpectrumReport {
  const onDemand = rowsOnDemand(path, values);
  if (onDemand) return onDemand;
  const bar = progressBar(path);
  const traj = loadTrajectory(path, { ...readOptionsFrom(values), onProgress: (f, phase) => bar.update(f, phase) }, true);
  const exec = gramExecutor();
  // the reader copied (a parameter selection, thinning, float16…): put the data in shared memory once, when the Gram
  // threads will be used on it (a copy is one pass; the Gram is M/2 passes)
  if (exec.threads > 1 && !(traj.data.buffer instanceof SharedArrayBuffer) && traj.data.byteLength >= 16 * 2 ** 20) {
    traj.data = sharedCopy(traj.data);
  }
  const spacing = stepSpacing(traj);
  const options = spectrumOptionsFrom(values, spacing.dt);
  // snapshots dropped for NaN/Inf leave gaps; `times` makes the engine split the runs there (the reader kept every
  // snapshot: --every is applied by the engine here)
  const times = timesAfterDropping(traj.T, traj.dropped);
  const report = spectrumReport(fitWithBar(times ? { ...traj, times } : traj, options, traj.source, bar), traj.source);
  if (spacing.warning) report.warnings.unshift(spacing.warning);
  if (traj.dropped && traj.dropped.length) {
    report.warnings.unshift(`${traj.source}: dropped ${traj.dropped.length} snapshot(s) with NaN/Inf values`);
  }
  return report;
}

/** Files smaller than this are read whole (reading on demand pays off where the file is a large share of memory). */
const ON_DEMAND_MIN_BYTES = 64 * 2 ** 20;

/** spectrumOfFile on demand (see there), or undefined when the file or the options need it read whole. */
function rowsOnDemand(path: string, values: Record<string, unknown>): SpectrumReport | undefined {
  // KOOPSCOPE_READ: 'whole' or 'on-demand' overrides the size rule (benchmarks and tests compare the two)
  const mode = process.env.KOOPSCOPE_READ;
  if (Object.keys(readOptionsFrom(values)).length > 0 || mode === 'whole') return undefined;
  try { if (mode !== 'on-demand' && statSync(path).size < ON_DEMAND_MIN_BYTES) return undefined; } catch { return undefined; }
  const rows = npyRows(path);
  if (!rows) return undefined;
  try {
    const options = spectrumOptionsFrom(values);
    let plan;
    try { plan = planFit(rows, options); } catch { return undefined; } // the usual path gives the usual message
    if (!readsOnDemand(plan, options)) return undefined;
    const source = basename(path);
    return spectrumReport(fitWithBar(rows, options, source, progressBar(path)), source);
  } finally {
    rows.reader.close();
  }
}

/**
 * computeSpectrum on the CLI's threads, reporting to `bar` (closed after). The engine's user errors get the file's
 * name (`source`); the reader's own (a file that changed while read on demand) carry it already; anything else is a
 * bug and stays one (main.ts).
 */
function fitWithBar(input: Parameters<typeof computeSpectrum>[0], options: SpectrumOptions, source: string, bar: ReturnType<typeof progressBar>): Spectrum {
  const exec = gramExecutor();
  try {
    return computeSpectrum(input, { ...options, gramExecutor: exec, productsExecutor: exec, onProgress: (f, phase) => bar.update(f, phase) }).spectrum;
  } catch (e) {
    if (e instanceof UserError && !(e instanceof TrajectoryFileError)) throw new UsageError(`${source}: ${e.message}`);
    throw e;
  } finally {
    bar.done();
  }
}

export function run(args: string[], io: Io): number {
  const parsed = commandArgs(args, spectrumFlags, usage, io);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`spectrum needs exactly one FILE, got ${positionals.length} (see koopscope spectrum --help)`);
  const report = spectrumOfFile(positionals[0], values);
  io.out(values.json ? JSON.stringify(report) : formatSpectrum(report));
  return 0;
}
