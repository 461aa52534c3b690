/**
 * Dedicated module worker that reads a trajectory `File`/`Blob` off the main thread, so that choosing a file of
 * hundreds of megabytes never freezes the page. Protocol (see `readFileInWorker.ts`):
 *
 *   in:  { type: 'read', file: Blob, name: string }
 *   out: { type: 'progress', fraction, phase }                     (throttled)
 *        { type: 'trajectory', runs, T, N, params, data }          (data's buffer is transferred)
 *        { type: 'eigenvalues', sets }
 *        { type: 'failed', error: { name, code, message } }        (a plain object: structured clone drops Error
 *                                                                   prototypes and own fields such as `code`)
 */
import { readBlob, TrajectoryFileError } from '../io';
import type { ParamEntry } from '../io';
import { computeSpectrum, type SpectrumOptions } from '../koopman/analyze';
import { spectrumReport, type SpectrumReport } from '../koopman/report';

export interface ReadRequest {
  type: 'read';
  file: Blob;
  name: string;
  /**
   * Also compute the spectrum here, off the main thread, and reply with `analysed` (shape and report, no data)
   * instead of transferring the data back.
   */
  spectrum?: Omit<SpectrumOptions, 'onProgress'>;
}

export interface WorkerFailure {
  name: string;
  code?: string;
  message: string;
}

export type WorkerReply =
  | { type: 'progress'; fraction: number; phase: string }
  | { type: 'trajectory'; runs: number; T: number; N: number; params: ParamEntry[]; data: Float32Array | Float64Array }
  | { type: 'eigenvalues'; sets: { re: Float64Array; im: Float64Array }[] }
  | { type: 'analysed'; runs: number; T: number; N: number; params: ParamEntry[]; report: SpectrumReport }
  | { type: 'failed'; error: WorkerFailure };

/** The part of `DedicatedWorkerGlobalScope` used here (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<unknown>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

/** Minimum time between two progress messages of the same phase (the last one, fraction 1, is always sent). */
const PROGRESS_INTERVAL_MS = 50;

function toFailure(e: unknown): WorkerFailure {
  if (e instanceof TrajectoryFileError) return { name: e.name, code: e.code, message: e.message };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** The array itself when it owns its whole buffer, else a copy that does (so transferring it moves no extra bytes). */
function ownBuffer<A extends Float32Array | Float64Array>(a: A): A {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer
    ? a : (a.slice() as A);
}

async function read(request: ReadRequest): Promise<void> {
  let lastPhase = '';
  let lastTime = 0;
  const onProgress = (fraction: number, phase: string): void => {
    const now = performance.now();
    if (phase === lastPhase && fraction < 1 && now - lastTime < PROGRESS_INTERVAL_MS) return;
    lastPhase = phase;
    lastTime = now;
    scope.postMessage({ type: 'progress', fraction, phase });
  };
  const result = await readBlob(request.name, request.file, { onProgress });
  if (result.kind === 'eigenvalues') {
    scope.postMessage({ type: 'eigenvalues', sets: result.sets });
    return;
  }
  if (request.spectrum) {
    let report: SpectrumReport;
    try {
      const steps = result.steps;
      const dt = steps && steps.length > 1 && steps[1] > steps[0] ? steps[1] - steps[0] : undefined;
      const fit = computeSpectrum(result, { dt, ...request.spectrum, onProgress: (f, phase) => onProgress(f, phase) });
      report = spectrumReport(fit.spectrum, request.name);
    } catch (e) {
      throw new Error(`${request.name}: ${(e as Error).message}`);
    }
    scope.postMessage({ type: 'analysed', runs: result.runs, T: result.T, N: result.N, params: result.params, report });
    return;
  }
  const data = ownBuffer(result.data);
  scope.postMessage(
    { type: 'trajectory', runs: result.runs, T: result.T, N: result.N, params: result.params, data },
    [data.buffer as ArrayBuffer],
  );
}

scope.onmessage = (event: MessageEvent<unknown>): void => {
  const msg = event.data as Partial<ReadRequest> | null;
  if (msg?.type !== 'read') {
    const type = typeof msg === 'object' && msg !== null ? String((msg as { type?: unknown }).type) : typeof msg;
    scope.postMessage({ type: 'failed', error: { name: 'Error', message: `Unsupported message type '${type}'` } });
    return;
  }
  read(msg as ReadRequest).catch((e: unknown) => scope.postMessage({ type: 'failed', error: toFailure(e) }));
};
