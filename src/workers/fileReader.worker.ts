/**
 * Reads a trajectory `File`/`Blob` off the main thread, so that choosing a file of hundreds of megabytes never freezes
 * the page. With `spectrum`, also fits it here, on every core when the fit is large and the page is cross-origin
 * isolated (nested workers, threadPool.ts; the result's `threads` says how many, or why one). A job worker (job.ts): `{type: 'read', file, name, spectrum?}` (jobRequests.ts) → `progress`… (phases
 * 'read', …; at most one per 50 ms and phase, fraction 1 always) → `result` (a ReadResult; a trajectory's data buffer
 * is transferred) | `failed` ({name, code, message}: io's error codes survive). Any other message is answered with
 * `failed` "Unsupported message type 'T'".
 */
import { readBlob } from '../io';
import { computeSpectrum } from '../koopman/analyze';
import { spectrumReport, type SpectrumReport } from '../koopman/report';
import { byTime, serveJob } from './job';
import type { FitThreads, ReadRequest, ReadResult } from './jobRequests';
import { MIN_MADDS, MIN_PRODUCT_MADDS, sharedCopy } from './threadExecutor';
import { pageThreadCount, startPageThreads, type PageThreads } from './threadPool';

/** Minimum time between two progress messages of the same phase (the last one, fraction 1, is always sent). */
const PROGRESS_INTERVAL_MS = 50;

/**
 * Whether a fit of M snapshots of N values is large enough to split: the Gram's M²N/2 multiply-adds, or one randomized
 * product (≥ 16 columns) over all the data, past threadExecutor.ts's thresholds.
 */
const wantsThreads = (M: number, N: number): boolean => (M * M * N) / 2 >= MIN_MADDS || M * N * 16 >= MIN_PRODUCT_MADDS;

/** What the run's details say of a large fit's threads (FitThreads): how many did work, or why one. */
function fitThreads(t: PageThreads | { threads: number; why?: string }): FitThreads {
  if ('executor' in t) {
    const late = t.executor.takenBack();
    return t.executor.split() > 0
      ? { count: t.threads, ...(late ? { late } : {}) }
      : { count: 1, why: 'its products were too small to split (or memory for the threads ran short)' };
  }
  return { count: 1, why: t.why ?? 'no other thread was available' };
}

/** The array itself when it owns its whole buffer, else a copy that does (so transferring it moves no extra bytes). */
function ownBuffer<A extends Float32Array | Float64Array>(a: A): A {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer
    ? a : (a.slice() as A);
}

/** Files from this size on may need threads: their pool starts while the file is read (and is closed if unused). */
const THREADS_MIN_BYTES = 16 * 2 ** 20;

serveJob<ReadRequest, ReadResult>(async (request, job) => {
  const onProgress = (fraction: number, phase: string): void => job.progress(fraction, phase);
  // a large file's fit may use threads: start them now, so they load while the file is read, and read the file onto
  // shared memory, where they can see its data without a copy (threads are started and awaited before the
  // synchronous fit: see threadPool.ts)
  const plan = request.spectrum ? pageThreadCount() : undefined;
  const start = () => startPageThreads(plan!.threads, () => new Worker(new URL('./gram.worker.ts', import.meta.url), { type: 'module' }));
  let starting = plan && plan.threads > 1 && request.file.size >= THREADS_MIN_BYTES ? start() : undefined;
  let result;
  try {
    result = await readBlob(request.name, request.file, { onProgress, sharedMemory: starting !== undefined });
  } catch (e) {
    void starting?.then((t) => { if ('close' in t) t.close(); });
    throw e;
  }
  // (a smaller file can still want threads: many snapshots of few values; then they start now)
  const wanted = result.kind === 'trajectory' && plan !== undefined && wantsThreads(result.runs * result.T, result.N);
  if (wanted && plan.threads > 1) starting ??= start();
  let threads: PageThreads | undefined;
  if (starting) {
    job.progress(0, 'starting threads');
    threads = await starting;
    if (!wanted) { if ('close' in threads) threads.close(); threads = undefined; }
  }
  if (result.kind === 'eigenvalues') return { kind: 'eigenvalues', sets: result.sets };
  if (request.spectrum) {
    let report: SpectrumReport;
    try {
      const steps = result.steps;
      const dt = steps && steps.length > 1 && steps[1] > steps[0] ? steps[1] - steps[0] : undefined;
      const executor = threads && 'executor' in threads ? threads.executor : undefined;
      // the threads see the data only on shared memory: a copy where the reader made one (a selection, float64…)
      const set = executor && !(result.data.buffer instanceof SharedArrayBuffer) ? { ...result, data: sharedCopy(result.data) } : result;
      const fit = computeSpectrum(set, { dt, ...request.spectrum, onProgress, gramExecutor: executor, productsExecutor: executor });
      report = spectrumReport(fit.spectrum, request.name);
    } catch (e) {
      throw new Error(`${request.name}: ${(e as Error).message}`);
    } finally {
      if (threads && 'close' in threads) threads.close();
    }
    return {
      kind: 'analysed', runs: result.runs, T: result.T, N: result.N, params: result.params, report,
      ...(wanted ? { threads: fitThreads(threads ?? plan!) } : {}),
    };
  }
  return { kind: 'trajectory', runs: result.runs, T: result.T, N: result.N, params: result.params, data: ownBuffer(result.data) };
}, undefined, {
  request: 'read',
  rejectOthers: true,
  throttle: byTime(PROGRESS_INTERVAL_MS),
  transfer: (r) => (r.kind === 'trajectory' ? [r.data.buffer as ArrayBuffer] : []),
});
