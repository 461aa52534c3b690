/**
 * One long computation in its own module worker, from the page's side: the worker gets one request, answers with
 * `progress`… (and any extra messages of its own) then `result` or `failed` (errors as data: src/workers/job.ts, the
 * protocol and its worker side, writes these replies). `done` resolves with the result or rejects with a one-line
 * Error "LABEL: message" (or the job's own `toError`); `cancel()` terminates the worker at once, after which `done`
 * never settles and no callback runs. One job per worker, terminated when it settles. Used by every request/progress/
 * result worker: the Lyapunov and KPFlow panels, the demos gallery (demo.ts) and file reading (readFileInWorker.ts);
 * the React side is ui/useWorkerJob.ts.
 */
import type { WireError } from '../../workers/protocol';
import type { JobReply } from '../../workers/job';

export type { JobReply };

/** A running job. */
export interface JobHandle<R> {
  /** Resolves with the result; rejects with a one-line Error on failure. Never settles after cancel(). */
  done: Promise<R>;
  /** Stops the job now (terminates the worker). Idempotent. */
  cancel(): void;
}

export interface JobOptions<X> {
  /** Starts every error message ("quadratic: …"): the preset or experiment name. */
  label: string;
  /** Progress as a fraction in [0, 1] and an optional phase ("training", "analysis"…). */
  onProgress?: (fraction: number, phase?: string) => void;
  /** Every message that is not progress, result or failed. */
  onMessage?: (message: X) => void;
  /** The Error `done` rejects with (default: one line starting with the label, see JobFailure). */
  toError?: (failure: JobFailure) => Error;
}

/**
 * Why a job did not finish: the worker's `failed` reply, a crash (the ErrorEvent's message, possibly empty), a message
 * that could not be deserialised, or a worker that could not be created (the exception's message).
 */
export type JobFailure =
  | { kind: 'failed'; error: WireError }
  | { kind: 'stopped'; message: string }
  | { kind: 'unreadable' }
  | { kind: 'start'; message: string };

/** The default errors: "LABEL: message", "LABEL: the worker stopped: …", "LABEL: the worker could not start: …". */
export function jobError(label: string, f: JobFailure): Error {
  switch (f.kind) {
    case 'failed': return new Error(`${label}: ${f.error.message}`);
    case 'stopped': return new Error(`${label}: the worker stopped: ${f.message || 'unknown error'}`);
    case 'unreadable': return new Error(`${label}: the worker sent a message that could not be read`);
    case 'start': return new Error(`${label}: the worker could not start: ${f.message}`);
  }
}

/** The part of a Worker a job uses (tests pass a fake). */
export interface JobWorker {
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  /** Absent on fakes that never fail to deserialise. */
  onmessageerror?: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Creates the worker with `create` and posts `request`. `create` must hold the literal
 * `new Worker(new URL('./x.worker.ts', import.meta.url), { type: 'module' })`: that is how Vite finds and bundles the
 * worker. A worker that cannot be created gives a rejected `done` too, not an exception.
 */
export function startJob<R, X extends { type: string } = never>(
  create: () => JobWorker, request: unknown, options: JobOptions<X>,
): JobHandle<R> {
  const { label, onProgress, onMessage } = options;
  const toError = options.toError ?? ((f: JobFailure) => jobError(label, f));
  let worker: JobWorker;
  try {
    worker = create();
  } catch (e) {
    return { done: Promise.reject(toError({ kind: 'start', message: messageOf(e) })), cancel: () => undefined };
  }
  let cancelled = false;
  const done = new Promise<R>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<JobReply<R, X>>) => {
      if (cancelled) return;
      const m = e.data;
      if (m.type === 'progress') onProgress?.((m as { fraction: number }).fraction, (m as { phase?: string }).phase);
      else if (m.type === 'result') resolve((m as { result: R }).result);
      else if (m.type === 'failed') reject(toError({ kind: 'failed', error: (m as { error: WireError }).error }));
      else onMessage?.(m as X);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault(); // reported through `done`, not as an uncaught error on the page
      if (!cancelled) reject(toError({ kind: 'stopped', message: e.message }));
    };
    worker.onmessageerror = () => { if (!cancelled) reject(toError({ kind: 'unreadable' })); };
    worker.postMessage(request);
  });
  const stop = () => worker.terminate();
  done.then(stop, stop);
  return { done, cancel: () => { cancelled = true; stop(); } };
}
