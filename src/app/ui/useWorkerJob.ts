/**
 * React state for one worker job at a time (client/job.ts): idle → running {fraction, phase} → done {result} |
 * failed {message}. `start` cancels the job before it; `cancel` terminates the worker and goes back to idle; the job
 * is cancelled on unmount. Replies of a cancelled or replaced job are ignored, also those of its extra callbacks when
 * they are wrapped with `guard`. Any JobHandle will do: the results page wraps a plain promise (nothing to cancel).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobHandle } from '../client/job';

export type JobState<R> =
  | { kind: 'idle' }
  | { kind: 'running'; fraction: number; phase?: string }
  | { kind: 'done'; result: R }
  | { kind: 'failed'; message: string };

/** What `start`'s launcher gets to wire its job to this hook. */
export interface JobLaunch {
  /** Pass as the job's progress callback. */
  onProgress: (fraction: number, phase?: string) => void;
  /** Wraps any other callback of the job so that it does nothing once the job is cancelled, replaced or over. */
  guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

export interface WorkerJob<R> {
  state: JobState<R>;
  /** Starts `launch`'s job (cancelling the one before); the state is running at 0 with `phase` until progress comes. */
  start(launch: (job: JobLaunch) => JobHandle<R>, phase?: string): void;
  /** Terminates the running job, if any, and goes back to idle. */
  cancel(): void;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function useWorkerJob<R>(): WorkerJob<R> {
  const [state, setState] = useState<JobState<R>>({ kind: 'idle' });
  /** The current job; a reply counts only while its job is this one. */
  const current = useRef<{ handle?: JobHandle<R> } | null>(null);
  useEffect(() => () => { current.current?.handle?.cancel(); current.current = null; }, []);

  const start = useCallback((launch: (job: JobLaunch) => JobHandle<R>, phase?: string) => {
    current.current?.handle?.cancel();
    const job: { handle?: JobHandle<R> } = {};
    current.current = job;
    const live = () => current.current === job;
    const guard = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => { if (live()) fn(...args); };
    setState({ kind: 'running', fraction: 0, ...(phase === undefined ? {} : { phase }) });
    try {
      job.handle = launch({ onProgress: guard((fraction: number, p?: string) => setState({ kind: 'running', fraction, phase: p })), guard });
    } catch (e) {
      current.current = null;
      setState({ kind: 'failed', message: `could not start the worker: ${messageOf(e)}` });
      return;
    }
    job.handle.done.then(
      (result) => { if (live()) { current.current = null; setState({ kind: 'done', result }); } },
      (e: unknown) => { if (live()) { current.current = null; setState({ kind: 'failed', message: messageOf(e) }); } },
    );
  }, []);

  const cancel = useCallback(() => {
    current.current?.handle?.cancel();
    current.current = null;
    setState({ kind: 'idle' });
  }, []);

  return { state, start, cancel };
}
