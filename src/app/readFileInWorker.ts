/**
 * Reads a trajectory `File`/`Blob` in a dedicated module worker (`fileReader.worker.ts`) so the page stays responsive
 * while hundreds of megabytes are read and parsed. The data array arrives by transfer, not by copy.
 */
import type { ParamEntry } from '../io';
import type { SpectrumOptions } from '../koopman/analyze';
import type { SpectrumReport } from '../koopman/report';
import type { ReadRequest, WorkerFailure, WorkerReply } from './fileReader.worker';

export type WorkerReadResult =
  | { kind: 'trajectory'; runs: number; T: number; N: number; params: ParamEntry[]; data: Float32Array | Float64Array }
  | { kind: 'analysed'; runs: number; T: number; N: number; params: ParamEntry[]; report: SpectrumReport }
  | { kind: 'eigenvalues'; sets: { re: Float64Array; im: Float64Array }[] };

/** An error rebuilt from the worker's plain-object report: `message` starts with the file name, `code` as in io. */
export class WorkerReadError extends Error {
  readonly code: string | undefined;
  constructor(failure: WorkerFailure) {
    super(failure.message);
    this.name = failure.name;
    this.code = failure.code;
  }
}

export function readFileInWorker(
  file: Blob,
  onProgress?: (fraction: number, phase: string) => void,
  name: string = file instanceof File ? file.name : 'file',
  spectrum?: Omit<SpectrumOptions, 'onProgress'>,
): Promise<WorkerReadResult> {
  const worker = new Worker(new URL('./fileReader.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<WorkerReadResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>): void => {
      const msg = event.data;
      switch (msg.type) {
        case 'progress':
          onProgress?.(msg.fraction, msg.phase);
          return;
        case 'trajectory':
          resolve({ kind: 'trajectory', runs: msg.runs, T: msg.T, N: msg.N, params: msg.params, data: msg.data });
          return;
        case 'eigenvalues':
          resolve({ kind: 'eigenvalues', sets: msg.sets });
          return;
        case 'analysed':
          resolve({ kind: 'analysed', runs: msg.runs, T: msg.T, N: msg.N, params: msg.params, report: msg.report });
          return;
        case 'failed':
          reject(new WorkerReadError(msg.error));
          return;
      }
    };
    worker.onerror = (event: ErrorEvent): void => {
      event.preventDefault();
      reject(new WorkerReadError({ name: 'Error', message: `${name}: the file reader stopped: ${event.message || 'worker error'}` }));
    };
    worker.onmessageerror = (): void => {
      reject(new WorkerReadError({ name: 'Error', message: `${name}: the file reader sent a message that could not be read` }));
    };
    const request: ReadRequest = { type: 'read', file, name, ...(spectrum ? { spectrum } : {}) };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}
