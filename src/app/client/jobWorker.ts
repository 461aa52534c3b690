/**
 * The worker side of job.ts: `serveJob(run)` answers the first `{type: 'run', …}` message by calling `run(request,
 * context)` and posts `progress`… → `result` | `failed` (a thrown error is sent as data: `{name, message}`). Later
 * requests are ignored: one job per worker, and the page cancels by terminating it.
 */
import type { JobReply } from './job';

export interface JobContext<X> {
  /**
   * Progress in [0, 1], sent at most every 0.005 (about 200 messages a run; the first and 1 always go), so a tight
   * loop cannot flood the page.
   */
  progress(fraction: number, phase?: string): void;
  /** Sends one of the job's own messages (e.g. a checkpoint). */
  post(message: X): void;
}

/** The part of a worker's global scope a job uses (tests pass a fake). */
export interface JobScope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
}

export function serveJob<Q extends { type: 'run' }, R, X extends { type: string } = never>(
  run: (request: Q, context: JobContext<X>) => R | Promise<R>,
  scope: JobScope = self as unknown as JobScope,
): void {
  const post = (m: JobReply<R, X>) => scope.postMessage(m);
  let started = false;
  let last = -1;
  const context: JobContext<X> = {
    progress: (fraction, phase) => {
      if (fraction < 1 && fraction - last < 0.005) return;
      last = fraction;
      post({ type: 'progress', fraction, ...(phase === undefined ? {} : { phase }) });
    },
    post,
  };
  scope.onmessage = (e: MessageEvent<Q>) => {
    const m = e.data;
    if (m?.type !== 'run' || started) return;
    started = true;
    void (async () => {
      try {
        post({ type: 'result', result: await run(m, context) });
      } catch (err) {
        const error = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
        post({ type: 'failed', error });
      }
    })();
  };
}
