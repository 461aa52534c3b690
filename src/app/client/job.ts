/**
 * One long computation in its own module worker, from the page's side: the worker gets one request, answers with
 * `progress`… (and any extra messages of its own) then `result` or `failed` (errors as data: jobWorker.ts writes these
 * replies). `done` resolves with the result or rejects with a one-line Error "LABEL: message"; `cancel()` terminates
 * the worker at once, after which `done` never settles and no callback runs. One job per worker, terminated when it
 * settles. Used by the Lyapunov and KPFlow panels and the demos gallery (demo.ts); the React side is
 * ui/useWorkerJob.ts.
 */

/** What a job worker posts. `X`: its extra messages (e.g. KPFlow's checkpoints), each with a `type` of its own. */
export type JobReply<R, X extends { type: string } = never> =
  | { type: 'progress'; fraction: number; phase?: string }
  | { type: 'result'; result: R }
  | { type: 'failed'; error: { name: string; message: string } }
  | X;

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
}

/** The part of a Worker a job uses (tests pass a fake). */
export interface JobWorker {
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
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
  let worker: JobWorker;
  try {
    worker = create();
  } catch (e) {
    return { done: Promise.reject(new Error(`${label}: the worker could not start: ${messageOf(e)}`)), cancel: () => undefined };
  }
  let cancelled = false;
  const done = new Promise<R>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<JobReply<R, X>>) => {
      if (cancelled) return;
      const m = e.data;
      if (m.type === 'progress') onProgress?.((m as { fraction: number }).fraction, (m as { phase?: string }).phase);
      else if (m.type === 'result') resolve((m as { result: R }).result);
      else if (m.type === 'failed') reject(new Error(`${label}: ${(m as { error: { message: string } }).error.message}`));
      else onMessage?.(m as X);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault(); // reported through `done`, not as an uncaught error on the page
      if (!cancelled) reject(new Error(`${label}: the worker stopped: ${e.message || 'unknown error'}`));
    };
    worker.postMessage(request);
  });
  const stop = () => worker.terminate();
  done.then(stop, stop);
  return { done, cancel: () => { cancelled = true; stop(); } };
}
