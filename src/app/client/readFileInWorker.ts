/**
 * Reads a trajectory `File`/`Blob` in a job worker (src/workers/fileReader.worker.ts, started by job.ts) so the page
 * stays responsive while hundreds of megabytes are read and parsed. The data array arrives by transfer, not by copy.
 */
import type { SpectrumOptions } from '../../koopman/analyze';
import type { WireError } from '../../workers/protocol';
import type { ReadRequest, ReadResult } from '../../workers/jobRequests';
import { startJob, type JobFailure } from './job';

export type WorkerReadResult = ReadResult;

/** An error rebuilt from the worker's plain-object report: `message` starts with the file name, `code` as in io. */
export class WorkerReadError extends Error {
  readonly code: string | undefined;
  constructor(failure: WireError) {
    super(failure.message);
    this.name = failure.name;
    this.code = failure.code;
  }
}

const readError = (name: string, f: JobFailure): WorkerReadError => new WorkerReadError(
  f.kind === 'failed' ? f.error : { name: 'Error', message: `${name}: ${
    f.kind === 'stopped' ? `the file reader stopped: ${f.message || 'worker error'}`
      : f.kind === 'unreadable' ? 'the file reader sent a message that could not be read'
        : `the file reader could not start: ${f.message}`}` });

export function readFileInWorker(
  file: Blob,
  onProgress?: (fraction: number, phase: string) => void,
  name: string = file instanceof File ? file.name : 'file',
  spectrum?: Omit<SpectrumOptions, 'onProgress'>,
): Promise<WorkerReadResult> {
  const request: ReadRequest = { type: 'read', file, name, ...(spectrum ? { spectrum } : {}) };
  return startJob<ReadResult>(() => new Worker(new URL('../../workers/fileReader.worker.ts', import.meta.url), { type: 'module' }), request, {
    label: name,
    onProgress: onProgress && ((fraction, phase) => onProgress(fraction, phase ?? '')),
    toError: (f) => readError(name, f),
  }).done;
}
