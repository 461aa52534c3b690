/**
 * The stream worker's logic (src/workers/stream.ts) against a fake server: frame → snapshot mapping, resume from
 * X-Koopscope-Next, skipping frames already taken, backoff on network errors / 404 / bad frames, 401 stops, and the
 * summary → stream target mapping of the page (src/app/state/watch.ts).
 */
import { describe, expect, it } from 'vitest';
import { encodeFrames } from '../../src/io/stream';
import { Backoff, framesToMessages, restartMessage, runStream, snapshotsUrl, type StreamHost, type StreamReply } from '../../src/workers/stream';
import { applyStreamReply, parseSummary, streamTarget, upsertRun, watchStore } from '../../src/app/state/watch';
import { makeStore, initialState } from '../../src/app/state/store';
import type { SnapshotMessage } from '../../src/workers/protocol';

const N = 3;
const target = { run: 'seed-0', n: N, dt: 10, params: [{ name: 'w', shape: [N], size: N }] };
const frame = (i: number, loss: number | null = 1 / (i + 1)) =>
  ({ header: { step: 10 * i, loss: loss ?? NaN, index: i }, data: Float32Array.from({ length: N }, (_, k) => i + k / 10) });
const body = (from: number, to: number) => encodeFrames(Array.from({ length: to - from }, (_, k) => frame(from + k)));

type Answer = { status: number; bytes?: Uint8Array; next?: number; json?: unknown } | Error;

/** A host whose fetch answers from `script` in order (then stops the stream); records everything posted. */
function fakeHost(script: Answer[]) {
  const urls: string[] = [];
  const sleeps: number[] = [];
  const snapshots: (SnapshotMessage & { gen?: number })[] = [];
  const transfers: Transferable[][] = [];
  const replies: (StreamReply & { gen?: number })[] = [];
  let i = 0;
  const host: StreamHost = {
    async fetch(url) {
      urls.push(url);
      const a = script[i++];
      if (a instanceof Error) throw a;
      const bytes = a.bytes ?? new Uint8Array(0);
      return {
        status: a.status,
        headers: { get: (h: string) => (h === 'X-Koopscope-Next' && a.next !== undefined ? String(a.next) : null) },
        arrayBuffer: async () => bytes.slice().buffer,
        text: async () => (a.json !== undefined ? JSON.stringify(a.json) : ''),
      };
    },
    sleep: async (ms) => { sleeps.push(ms); },
    snapshot: (m, t) => { snapshots.push(m); transfers.push(t); },
    reply: (r) => replies.push(r),
    stopped: () => i >= script.length,
  };
  return { host, urls, sleeps, snapshots, transfers, replies };
}

describe('framesToMessages', () => {
  it('maps frames to snapshots (loss NaN when absent) and finite losses to metrics; next from the server', () => {
    const bytes = encodeFrames([frame(0, null), frame(1), frame(2)]);
    const r = framesToMessages(bytes, N, 0, '3');
    expect(r.snapshots.map((s) => [s.step, s.runs.length, Array.from(s.runs[0])])).toEqual([
      [0, 1, Array.from(frame(0).data)], [10, 1, Array.from(frame(1).data)], [20, 1, Array.from(frame(2).data)]]);
    expect(Number.isNaN(r.snapshots[0].loss)).toBe(true);
    expect(r.metrics).toEqual([{ step: 10, loss: 0.5 }, { step: 20, loss: 1 / 3 }]);
    expect(r.next).toBe(3);
    expect(r.step).toBe(20);
    // each snapshot has a buffer of its own (transferable one by one)
    expect(new Set(r.snapshots.map((s) => s.runs[0].buffer)).size).toBe(3);
  });

  it('skips frames below `from` (an overlapping answer) and never moves `next` backwards', () => {
    const r = framesToMessages(body(2, 6), N, 4, '3');
    expect(r.snapshots.map((s) => s.step)).toEqual([40, 50]);
    expect(r.next).toBe(6);
    expect(framesToMessages(new Uint8Array(0), N, 7, null)).toMatchObject({ snapshots: [], next: 7, step: null });
    expect(framesToMessages(new Uint8Array(0), N, 7, '9').next).toBe(9);
  });

  it('refuses frames of another size and cut-off bodies', () => {
    expect(() => framesToMessages(body(0, 2), N + 1, 0, null)).toThrow(/values, the run has 4/);
    const b = body(0, 2);
    expect(() => framesToMessages(b.subarray(0, b.length - 5), N, 0, null)).toThrow(/truncated/);
  });
});

describe('Backoff and URLs', () => {
  it('doubles from 0.5 s up to the cap and starts over after reset', () => {
    const b = new Backoff(500, 4000);
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000, 4000, 4000]);
    b.reset();
    expect(b.next()).toBe(500);
  });

  it('builds the long-poll URL and the restart message', () => {
    expect(snapshotsUrl('http://127.0.0.1:8765/', 'seed-0', 12, 25000)).toBe('http://127.0.0.1:8765/api/runs/seed-0/snapshots?from=12&wait=25000');
    expect(restartMessage(target, 4)).toEqual({ type: 'restart', N, runs: 1, snapshotEvery: 10, params: target.params, gen: 4 });
  });
});

describe('runStream', () => {
  it('restarts the Koopman window, streams every snapshot once, and resumes after a network error and a 404', async () => {
    const f = fakeHost([
      { status: 200, bytes: body(0, 3), next: 3 },
      new TypeError('Failed to fetch'),
      { status: 404, json: { error: "no run 'seed-0'" } },
      { status: 200, bytes: body(2, 5), next: 5 }, // overlaps what was taken: frame 2 is dropped
      { status: 200, next: 5 },
    ]);
    await runStream(target, 'http://h:1', f.host, { gen: 7, waitMs: 1000 });
    expect(f.snapshots[0]).toEqual({ type: 'restart', N, runs: 1, snapshotEvery: 10, params: target.params, gen: 7 });
    expect(f.snapshots.slice(1).map((s) => s.type === 'snapshot' && [s.step, s.gen])).toEqual([[0, 7], [10, 7], [20, 7], [30, 7], [40, 7]]);
    expect(f.transfers.slice(1).every((t) => t.length === 1)).toBe(true);
    expect(f.urls.map((u) => new URL(u).search)).toEqual(['?from=0&wait=1000', '?from=3&wait=1000', '?from=3&wait=1000', '?from=3&wait=1000', '?from=5&wait=1000']);
    expect(f.sleeps).toEqual([500, 1000]);
    const states = f.replies.filter((r) => r.type === 'stream').map((r) => r.type === 'stream' && [r.state, r.next, r.step]);
    expect(states).toEqual([['live', 3, 20], ['retrying', 3, 20], ['retrying', 3, 20], ['live', 5, 40]]);
    const retry = f.replies.find((r) => r.type === 'stream' && r.state === 'retrying' && /no such run/.test(r.message ?? ''));
    expect(retry && retry.type === 'stream' && retry.message).toBe("seed-0: the server has no such run (404: no run 'seed-0'); retrying in 1 s");
    expect(f.replies.filter((r) => r.type === 'metrics').length).toBe(5);
  });

  it('a bad body is retried from the same place; 401 stops with one line', async () => {
    const bad = new TextEncoder().encode('<html>not frames</html>');
    const f = fakeHost([{ status: 200, bytes: bad, next: 9 }, { status: 200, bytes: body(0, 1), next: 1 }, { status: 401, json: { error: 'missing or wrong token' } }, { status: 200 }]);
    await runStream(target, 'http://h:1', f.host);
    expect(f.snapshots.filter((s) => s.type === 'snapshot').length).toBe(1);
    expect(f.urls.map((u) => new URL(u).searchParams.get('from'))).toEqual(['0', '0', '1']);
    const last = f.replies.at(-1);
    expect(last).toMatchObject({ type: 'stream', state: 'failed' });
    expect(last?.type === 'stream' && last.message).toMatch(/^seed-0: the server refused the page \(401: missing or wrong token\)/);
    const first = f.replies[0];
    expect(first.type === 'stream' && first.message).toMatch(/^seed-0: bad stream from the server \(frame 0 \(byte 0\): does not start with 'KSF1'/);
  });
});

describe('the page side: summaries', () => {
  const summary = { run: 'big', params: [{ name: 'fc.weight', shape: [10, 100], size: 1000 }], dt: 5, sketch: { dim: 64, seed: 0 }, meta: {}, n: 64, N: 1000, count: 2, lastStep: 5, closed: false, recording: null };

  it('a sketched run streams `dim` values as one parameter `sketch`; an unsketched one its own table', () => {
    expect(streamTarget(parseSummary(summary))).toEqual({ run: 'big', n: 64, dt: 5, params: [{ name: 'sketch', shape: [64], size: 64 }] });
    const full = parseSummary({ ...summary, sketch: null, n: 1000 });
    expect(streamTarget(full)).toEqual({ run: 'big', n: 1000, dt: 5, params: summary.params });
  });

  it('refuses what is not a summary, and updates a run in place', () => {
    expect(() => parseSummary({ run: 'x' })).toThrow(/cannot read/);
    expect(() => parseSummary(null)).toThrow(/cannot read/);
    const a = parseSummary(summary), b = parseSummary({ ...summary, run: 'other' });
    const runs = upsertRun(upsertRun([], a), b);
    expect(upsertRun(runs, { ...a, count: 9 }).map((r) => [r.run, r.count])).toEqual([['big', 9], ['other', 2]]);
  });
});

describe('the page side: stream replies', () => {
  it('one notice while the stream has trouble (replaced in place), gone when it is live again; other runs ignored', () => {
    const st = makeStore({ ...initialState(), watch: { run: 'seed-0', gen: 3, every: 1 }, status: { ...initialState().status, recording: 3 } });
    const reply = (state: 'live' | 'retrying' | 'failed', message?: string, extra: object = {}) =>
      applyStreamReply({ type: 'stream', run: 'seed-0', state, next: 5, step: 40, gen: 3, ...(message ? { message } : {}), ...extra }, st);
    reply('retrying', 'seed-0: the koopscope watch server does not answer (x); retrying in 1 s');
    reply('retrying', 'seed-0: the koopscope watch server does not answer (x); retrying in 2 s');
    expect(st.getState().notices.map((n) => [n.kind, n.text])).toEqual([['warning', 'seed-0: the koopscope watch server does not answer (x); retrying in 2 s']]);
    expect(st.getState().status.step).toBe(40);
    expect(watchStore.getState().stream).toMatchObject({ state: 'retrying', next: 5 });
    reply('failed', 'late', { gen: 2 }); // an earlier generation's stream
    applyStreamReply({ type: 'stream', run: 'other', state: 'failed', next: 0, step: null, message: 'other' }, st);
    expect(st.getState().notices.length).toBe(1);
    reply('live');
    expect(st.getState().notices).toEqual([]);
  });
});
