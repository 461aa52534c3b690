/**
 * The page's thread pool for threadExecutor.ts: nested workers (gram.worker.ts) started from a worker — the file
 * reader's — and awaited *before* the synchronous fit, because a worker blocked in Atomics.wait cannot let its
 * children load. Shared memory needs a cross-origin isolated page (COOP/COEP headers: vite.config.ts, the watch
 * server, test/e2e/server.mjs); without it, or with one core, or when the workers fail to start, the fit runs on one
 * thread and `why` says so.
 */
import { threadExecutor, type ThreadExecutor } from './threadExecutor';

/** The most threads the page uses (a dropped file's fit is memory-bound beyond a few). */
export const MAX_PAGE_THREADS = 8;
/** How long the nested workers may take to load before the fit runs on one thread. */
const START_MS = 10_000;

export type PageThreads =
  | { threads: number; executor: ThreadExecutor; close(): void }
  | { threads: 1; why: string };

/** What the worker scope offers; a parameter so that tests can pretend. */
export interface ThreadScope {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: unknown;
}

/** Why the fit cannot use threads here, or undefined when it can; and how many it would use. */
export function pageThreadCount(scope: ThreadScope = globalThis as ThreadScope): { threads: number; why?: string } {
  if (typeof SharedArrayBuffer === 'undefined' || !scope.crossOriginIsolated) {
    return { threads: 1, why: 'the page is not cross-origin isolated (its server sends no COOP/COEP headers), so threads cannot share memory' };
  }
  if (typeof scope.Worker !== 'function') return { threads: 1, why: 'this browser cannot start workers from a worker' };
  const cores = scope.navigator?.hardwareConcurrency ?? 1;
  if (cores < 2) return { threads: 1, why: 'the browser reports one core' };
  return { threads: Math.min(MAX_PAGE_THREADS, cores) };
}

/**
 * Starts `threads − 1` nested workers and resolves once each has loaded ('ready') and answered a ping: one message
 * each way before the fit, because in Chromium a job posted right after 'ready' by a worker that then blocked in
 * Atomics.wait was seen never to arrive (threadExecutor.ts would then take the job back: slower, not stuck). Resolves
 * to the reason when they cannot start.
 */
export async function startPageThreads(threads: number, newWorker: () => Worker): Promise<PageThreads> {
  const workers: Worker[] = [];
  const close = () => { for (const w of workers) w.terminate(); };
  try {
    await Promise.all(Array.from({ length: threads - 1 }, () => new Promise<void>((resolve, reject) => {
      const w = newWorker();
      workers.push(w);
      const timer = setTimeout(() => reject(new Error('they did not load in time')), START_MS);
      w.onmessage = (e: MessageEvent) => {
        const type = (e.data as { type?: string })?.type;
        if (type === 'ready') w.postMessage({ type: 'ping' });
        else if (type === 'pong') { clearTimeout(timer); resolve(); }
      };
      w.onerror = (e) => { clearTimeout(timer); e.preventDefault?.(); reject(new Error(e.message || 'a worker failed to load')); };
    })));
  } catch (e) {
    close();
    return { threads: 1, why: `the worker threads could not start: ${(e as Error).message}` };
  }
  const pool = { size: workers.length, post: (i: number, job: unknown) => workers[i].postMessage(job) };
  return { threads, executor: threadExecutor(threads, () => pool), close };
}
