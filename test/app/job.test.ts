/**
 * client/job.ts (page side) and src/workers/job.ts (worker side) with a fake worker: the page's handle and the
 * worker's switchboard are wired back to back, so the replies are the ones serveJob really writes.
 */
import { describe, expect, it, vi } from 'vitest';
import { startJob, type JobWorker } from '../../src/app/client/job';
import { byTime, serveJob, type JobContext, type JobScope } from '../../src/workers/job';

type Extra = { type: 'checkpoint'; step: number };

/** A worker whose global scope runs `serve` in this thread; messages cross asynchronously, as in a real worker. */
function fakeWorker(serve: (scope: JobScope) => void) {
  const sent: unknown[] = [];
  let terminated = false;
  const worker: JobWorker = {
    onmessage: null,
    onerror: null,
    postMessage: (m) => { sent.push(m); queueMicrotask(() => { if (!terminated) scope.onmessage?.({ data: m } as MessageEvent); }); },
    terminate: () => { terminated = true; },
  };
  const scope: JobScope = {
    onmessage: null,
    postMessage: (m) => queueMicrotask(() => { if (!terminated) worker.onmessage?.({ data: m } as MessageEvent); }),
  };
  serve(scope);
  /** A crash of the worker as the browser reports it (an ErrorEvent on the Worker object). */
  const crash = (message: string) => {
    const e = { message, preventDefault: vi.fn() } as unknown as ErrorEvent;
    worker.onerror?.(e);
    return e;
  };
  return { worker, sent, crash, terminated: () => terminated };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('startJob + serveJob', () => {
  it('posts the request, reports throttled progress and the extra messages, resolves with the result and terminates', async () => {
    const f = fakeWorker((scope) => serveJob<{ type: 'run'; n: number }, number, Extra>((req, job: JobContext<Extra>) => {
      for (let i = 0; i <= 1000; i++) job.progress(i / 1000, 'loop');
      job.post({ type: 'checkpoint', step: 7 });
      return req.n * 2;
    }, scope));
    const progress: [number, string | undefined][] = [];
    const extra: Extra[] = [];
    const h = startJob<number, Extra>(() => f.worker, { type: 'run', n: 21 }, {
      label: 'x', onProgress: (fr, ph) => progress.push([fr, ph]), onMessage: (m) => extra.push(m),
    });
    await expect(h.done).resolves.toBe(42);
    expect(f.sent).toEqual([{ type: 'run', n: 21 }]);
    // 0, then every 0.005 (the float steps land on 0.005 or 0.006), and 1 always
    expect(progress[0]).toEqual([0, 'loop']);
    expect(progress[progress.length - 1]).toEqual([1, 'loop']);
    expect(progress.length).toBeGreaterThan(150);
    expect(progress.length).toBeLessThanOrEqual(202);
    expect(extra).toEqual([{ type: 'checkpoint', step: 7 }]);
    await tick();
    expect(f.terminated()).toBe(true);
  });

  it('sends a thrown error as data and rejects with one line that starts with the label', async () => {
    const f = fakeWorker((scope) => serveJob(async () => { await tick(); throw new RangeError('no such preset "zz"'); }, scope));
    const h = startJob<number>(() => f.worker, { type: 'run' }, { label: 'zz' });
    await expect(h.done).rejects.toThrow(/^zz: no such preset "zz"$/);
    await tick();
    expect(f.terminated()).toBe(true);
  });

  it('answers only the first run request', async () => {
    const run = vi.fn(() => 1);
    const f = fakeWorker((scope) => serveJob(run, scope));
    const h = startJob<number>(() => f.worker, { type: 'run' }, { label: 'x' });
    f.worker.postMessage({ type: 'run' });
    f.worker.postMessage({ type: 'other' });
    await expect(h.done).resolves.toBe(1);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('a crashed worker rejects (the error event is prevented: no uncaught error on the page)', async () => {
    const f = fakeWorker(() => undefined);
    const h = startJob<number>(() => f.worker, { type: 'run' }, { label: 'q' });
    const e = f.crash('');
    await expect(h.done).rejects.toThrow(/^q: the worker stopped: unknown error$/);
    expect(e.preventDefault).toHaveBeenCalled();
  });

  it('a worker that cannot be created rejects instead of throwing', async () => {
    const h = startJob<number>(() => { throw new Error('blocked'); }, { type: 'run' }, { label: 'q' });
    await expect(h.done).rejects.toThrow(/^q: the worker could not start: blocked$/);
    h.cancel();
  });

  it('cancel terminates the worker; done never settles and no callback runs afterwards', async () => {
    let go!: () => void;
    const gate = new Promise<void>((r) => { go = r; });
    const f = fakeWorker((scope) => serveJob(async (_q, job) => { job.progress(0.5); await gate; job.progress(0.9); return 1; }, scope));
    const onProgress = vi.fn();
    const h = startJob<number>(() => f.worker, { type: 'run' }, { label: 'x', onProgress });
    await tick();
    expect(onProgress).toHaveBeenCalledWith(0.5, undefined);
    h.cancel();
    expect(f.terminated()).toBe(true);
    go();
    f.crash('late');
    const settled = vi.fn();
    h.done.then(settled, settled);
    await tick();
    await tick();
    expect(settled).not.toHaveBeenCalled();
    expect(onProgress).toHaveBeenCalledTimes(1);
  });

  it('serves another request type, answers other messages with failed, transfers the result\'s buffers; a failure keeps its code', async () => {
    const posted: [unknown, Transferable[] | undefined][] = [];
    const scope: JobScope = { onmessage: null, postMessage: (m, t) => posted.push([m, t]) };
    const data = new Float32Array(4);
    serveJob<{ type: 'read'; fail?: boolean }, { data: Float32Array }>((q) => {
      if (q.fail) throw Object.assign(new Error('bad'), { code: 'unknown-format' });
      return { data };
    }, scope, { request: 'read', rejectOthers: true, transfer: (r) => [r.data.buffer as ArrayBuffer] });
    scope.onmessage?.({ data: { type: 'parse' } } as MessageEvent);
    expect(posted[0]).toEqual([{ type: 'failed', error: { name: 'Error', message: "Unsupported message type 'parse'" } }, undefined]);
    scope.onmessage?.({ data: { type: 'read' } } as MessageEvent);
    await tick();
    expect(posted[1]).toEqual([{ type: 'result', result: { data } }, [data.buffer]]);

    const failed: unknown[] = [];
    const scope2: JobScope = { onmessage: null, postMessage: (m) => failed.push(m) };
    serveJob(() => { throw Object.assign(new Error('x.npy: bad'), { code: 'unknown-format' }); }, scope2);
    scope2.onmessage?.({ data: { type: 'run' } } as MessageEvent);
    await tick();
    expect(failed).toEqual([{ type: 'failed', error: { name: 'Error', message: 'x.npy: bad', code: 'unknown-format' } }]);
  });

  it('byTime sends a report per phase change, then at most one per interval, and 1 always', () => {
    let t = 0;
    const send = byTime(50, () => t);
    expect(send(0, 'read')).toBe(true);
    t = 10; expect(send(0.1, 'read')).toBe(false);
    t = 20; expect(send(0, 'parse')).toBe(true);
    t = 30; expect(send(1, 'parse')).toBe(true);
    t = 90; expect(send(0.5, 'parse')).toBe(true);
  });

  it('toError maps every failure; an undeserialisable message rejects', async () => {
    const f = fakeWorker(() => undefined);
    const h = startJob<number>(() => f.worker, { type: 'run' }, { label: 'q', toError: (why) => new RangeError(why.kind) });
    f.worker.onmessageerror?.({} as MessageEvent);
    await expect(h.done).rejects.toThrow(RangeError);
    await expect(h.done).rejects.toThrow(/^unreadable$/);
  });
});
