/**
 * Reads a trajectory `File`/`Blob` off the main thread, so that choosing a file of hundreds of megabytes never freezes
 * the page. A job worker (job.ts): `{type: 'read', file, name, spectrum?}` (jobRequests.ts) → `progress`… (phases
 * 'read', …; at most one per 50 ms and phase, fraction 1 always) → `result` (a ReadResult; a trajectory's data buffer
 * is transferred) | `failed` ({name, code, message}: io's error codes survive). Any other message is answered with
 * `failed` "Unsupported message type 'T'".
 */
import { readBlob } from '../io';
import { computeSpectrum } from '../koopman/analyze';
import { spectrumReport, type SpectrumReport } from '../koopman/report';
import { byTime, serveJob } from './job';
import type { ReadRequest, ReadResult } from './jobRequests';

/** Minimum time between two progress messages of the same phase (the last one, fraction 1, is always sent). */
const PROGRESS_INTERVAL_MS = 50;

/** The array itself when it owns its whole buffer, else a copy that does (so transferring it moves no extra bytes). */
function ownBuffer<A extends Float32Array | Float64Array>(a: A): A {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer
    ? a : (a.slice() as A);
}

serveJob<ReadRequest, ReadResult>(async (request, job) => {
  const onProgress = (fraction: number, phase: string): void => job.progress(fraction, phase);
  const result = await readBlob(request.name, request.file, { onProgress });
  if (result.kind === 'eigenvalues') return { kind: 'eigenvalues', sets: result.sets };
  if (request.spectrum) {
    let report: SpectrumReport;
    try {
      const steps = result.steps;
      const dt = steps && steps.length > 1 && steps[1] > steps[0] ? steps[1] - steps[0] : undefined;
      const fit = computeSpectrum(result, { dt, ...request.spectrum, onProgress });
      report = spectrumReport(fit.spectrum, request.name);
    } catch (e) {
      throw new Error(`${request.name}: ${(e as Error).message}`);
    }
    return { kind: 'analysed', runs: result.runs, T: result.T, N: result.N, params: result.params, report };
  }
  return { kind: 'trajectory', runs: result.runs, T: result.T, N: result.N, params: result.params, data: ownBuffer(result.data) };
}, undefined, {
  request: 'read',
  rejectOthers: true,
  throttle: byTime(PROGRESS_INTERVAL_MS),
  transfer: (r) => (r.kind === 'trajectory' ? [r.data.buffer as ArrayBuffer] : []),
});
