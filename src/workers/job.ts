/**
 * The job protocol, shared by the page (src/app/client/job.ts, `startJob`) and every request/progress/result worker
 * (demo, reproduce, lyapunov, kpflow, fileReader), and its worker side: `serveJob(run)` answers the first request
 * (`{type: 'run', …}` unless told another type) by calling `run(request, context)` and posts `progress`… (and any
 * extra messages of the job's own) → `result` | `failed`. A thrown error is sent as data, `{name, message, code?}`
 * (structured clone drops Error prototypes and own fields such as `code`). Later requests are ignored: one job per
 * worker, and the page cancels by terminating it.
 */
import { toWireError, type WireError } from './protocol';

/** What a job worker posts. `X`: its extra messages (e.g. KPFlow's checkpoints), each with a `type` of its own. */
export type JobReply<R, X extends { type: string } = never> =
  | { type: 'progress'; fraction: number; phase?: string }
  | { type: 'result'; result: R }
  | { type: 'failed'; error: WireError }
  | X;

export interface JobContext<X> {
  /** Progress in [0, 1], thinned by the worker's throttle (default `byFraction()`), so a tight loop cannot flood the page. */
  progress(fraction: number, phase?: string): void;
  /** Sends one of the job's own messages (e.g. a checkpoint). */
  post(message: X): void;
}

/** The part of a worker's global scope a job uses (tests pass a fake). */
export interface JobScope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** Decides, call by call, whether a progress report is sent. One instance per job. */
export type ProgressThrottle = (fraction: number, phase?: string) => boolean;

/** Sends the first report, then one whenever the fraction rose by `step` since the last sent one, and 1 always. */
export const byFraction = (step = 0.005): ProgressThrottle => {
  let last = -1;
  return (fraction) => {
    if (fraction < 1 && fraction - last < step) return false;
    last = fraction;
    return true;
  };
};

/** Sends a report when the phase changed or `ms` milliseconds passed since the last one, and fraction 1 always. */
export const byTime = (ms: number, now: () => number = () => performance.now()): ProgressThrottle => {
  let lastPhase: string | undefined = '';
  let lastTime = 0;
  return (fraction, phase) => {
    const t = now();
    if (phase === lastPhase && fraction < 1 && t - lastTime < ms) return false;
    lastPhase = phase;
    lastTime = t;
    return true;
  };
};

export interface ServeOptions<R> {
  /** The request's `type` (default 'run'). */
  request?: string;
  /** Answer any message of another type with `failed` "Unsupported message type 'T'" (default: ignore it). */
  rejectOthers?: boolean;
  /** The buffers of a result to transfer instead of copying them (default none). */
  transfer?: (result: R) => Transferable[];
  /** Which progress reports are sent (default `byFraction()`: about 200 a run). */
  throttle?: ProgressThrottle;
}

export function serveJob<Q extends { type: string }, R, X extends { type: string } = never>(
  run: (request: Q, context: JobContext<X>) => R | Promise<R>,
  scope: JobScope = self as unknown as JobScope,
  options: ServeOptions<R> = {},
): void {
  const { request = 'run', rejectOthers = false, transfer, throttle = byFraction() } = options;
  const post = (m: JobReply<R, X>, list?: Transferable[]) => (list?.length ? scope.postMessage(m, list) : scope.postMessage(m));
  let started = false;
  const context: JobContext<X> = {
    progress: (fraction, phase) => {
      if (throttle(fraction, phase)) post({ type: 'progress', fraction, ...(phase === undefined ? {} : { phase }) });
    },
    post,
  };
  scope.onmessage = (e: MessageEvent<Q>) => {
    const m = e.data;
    if (m?.type !== request) {
      if (rejectOthers) {
        const type = typeof m === 'object' && m !== null ? String((m as { type?: unknown }).type) : typeof m;
        post({ type: 'failed', error: { name: 'Error', message: `Unsupported message type '${type}'` } });
      }
      return;
    }
    if (started) return;
    started = true;
    void (async () => {
      try {
        const result = await run(m, context);
        post({ type: 'result', result }, transfer?.(result));
      } catch (err) {
        post({ type: 'failed', error: toWireError(err) });
      }
    })();
  };
}
