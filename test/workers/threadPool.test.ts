/**
 * The page's thread pool (src/workers/threadPool.ts): when it declines threads and why, and how it starts them. The
 * executor it builds is threadExecutor.ts, checked for bit-identity on Node's threads (test/cli/gramWorkers.test.ts)
 * and in the built page (test/e2e/app.e2e.mjs 'b2').
 */
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_THREADS, pageThreadCount, startPageThreads } from '../../src/workers/threadPool';

const Worker = function () { /* a constructor is all pageThreadCount looks for */ };

describe('pageThreadCount', () => {
  it('uses every core of an isolated page, up to MAX_PAGE_THREADS', () => {
    expect(pageThreadCount({ crossOriginIsolated: true, navigator: { hardwareConcurrency: 4 }, Worker })).toEqual({ threads: 4 });
    expect(pageThreadCount({ crossOriginIsolated: true, navigator: { hardwareConcurrency: 64 }, Worker }).threads).toBe(MAX_PAGE_THREADS);
  });
  it('says why it uses one thread', () => {
    expect(pageThreadCount({ crossOriginIsolated: false, navigator: { hardwareConcurrency: 4 }, Worker }))
      .toEqual({ threads: 1, why: expect.stringMatching(/not cross-origin isolated.*COOP\/COEP/) });
    expect(pageThreadCount({ crossOriginIsolated: true, navigator: { hardwareConcurrency: 4 } }))
      .toEqual({ threads: 1, why: expect.stringMatching(/cannot start workers from a worker/) });
    expect(pageThreadCount({ crossOriginIsolated: true, navigator: { hardwareConcurrency: 1 }, Worker }))
      .toEqual({ threads: 1, why: 'the browser reports one core' });
  });
});

/** A stand-in for a nested Worker: says 'ready' (or fails) on the next tick, answers 'ping', records the rest. */
class FakeWorker {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  sent: unknown[] = [];
  terminated = false;
  constructor(fail?: string) {
    setTimeout(() => {
      if (fail) this.onerror?.({ message: fail, preventDefault() {} } as ErrorEvent);
      else this.onmessage?.({ data: { type: 'ready' } } as MessageEvent);
    }, 0);
  }
  postMessage(m: unknown) {
    if ((m as { type?: string }).type === 'ping') setTimeout(() => this.onmessage?.({ data: { type: 'pong' } } as MessageEvent), 0);
    else this.sent.push(m);
  }
  terminate() { this.terminated = true; }
}

describe('startPageThreads', () => {
  it('starts threads − 1 workers and resolves once all have loaded and answered a ping', async () => {
    const made: FakeWorker[] = [];
    const t = await startPageThreads(3, () => { const w = new FakeWorker(); made.push(w); return w as unknown as Worker; });
    expect(made).toHaveLength(2);
    expect('executor' in t && t.executor.threads).toBe(3);
    if ('close' in t) t.close();
    expect(made.every((w) => w.terminated)).toBe(true);
  });
  it('falls back to one thread, saying why, when a worker fails to load (and stops the others)', async () => {
    const made: FakeWorker[] = [];
    const t = await startPageThreads(3, () => {
      const w = new FakeWorker(made.length === 1 ? 'SyntaxError in gram.worker.js' : undefined);
      made.push(w);
      return w as unknown as Worker;
    });
    expect(t).toEqual({ threads: 1, why: 'the worker threads could not start: SyntaxError in gram.worker.js' });
    expect(made.every((w) => w.terminated)).toBe(true);
  });
});
