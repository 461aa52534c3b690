/**
 * The stream worker's logic (stream.worker.ts is a thin shell around `runStream`): it takes the trainer worker's place
 * for a run streamed by `koopscope watch` (docs/watch.md). It long-polls
 * `GET /api/runs/:run/snapshots?from=k&wait=ms`, decodes the frames (src/io/stream.ts) and posts each as a
 * `snapshot` to the Koopman worker over the MessageChannel (buffers transferred), exactly as the trainer worker does;
 * the page gets the losses as `metrics` replies and the stream's health as `stream` replies.
 *
 * Resume: `from` (the next snapshot index wanted) only moves forward, to the server's `X-Koopscope-Next`; frames
 * whose `index` is below it are dropped, so a repeated or overlapping answer adds nothing twice. Network errors and
 * refusals are retried with exponential backoff (`Backoff`) from the same `from`, so a restarted server (same token,
 * same --record folder: the run resumes from its file) or a reconnecting trainer just continues. 401/403 stop the
 * stream (a retry cannot fix a wrong token). Nothing here touches the DOM: Node tests drive it with a fake fetch.
 */
import { decodeFrames } from '../io/stream';
import type { ParamInfo, StepMetrics } from '../train/types';
import type { Gen, SnapshotMessage } from './protocol';

/** The run to stream, as the page knows it from the server's summary (`GET /api/runs`). */
export interface StreamTarget {
  /** Run id (src/io/stream.ts RUN_ID_PATTERN). */
  run: string;
  /** Values per snapshot on the wire: N, or the sketch's dim (summary.n). */
  n: number;
  /** Optimizer steps between snapshots (summary.dt): Δt of the spectrum. */
  dt: number;
  /** The parameter table of the snapshot vector: summary.params, or [{name: 'sketch', shape: [dim], size: dim}]. */
  params: ParamInfo[];
}

/** Page → stream worker. */
export type StreamRequest =
  /**
   * Stream `target` from `origin` (the server's origin, e.g. http://127.0.0.1:8765; the token travels as the cookie the
   * page got) into `koopmanPort`, as run generation `gen`. `waitMs`: the long poll's wait (default 25000, ≤ 30000).
   */
  | { type: 'watch'; target: StreamTarget; origin: string; koopmanPort: MessagePort; gen?: number; waitMs?: number }
  | { type: 'dispose' };

/** How the stream stands (one line for the page in `message` when it is not 'live'). */
export type StreamState = 'live' | 'retrying' | 'failed';

/** Stream worker → page: `metrics` (one per frame with a finite loss, as the trainer's) and `stream`. */
export type StreamReply =
  | { type: 'metrics'; metrics: StepMetrics }
  /** `next`: snapshots taken in so far (the next `from`); `step`: the last optimizer step seen (null before any). */
  | { type: 'stream'; run: string; state: StreamState; next: number; step: number | null; message?: string };

/** Exponential backoff: 0.5 s, 1 s, 2 s, … up to `max` ms; `reset()` after a success. */
export class Backoff {
  private n = 0;
  constructor(private readonly first = 500, private readonly max = 15_000) {}
  next(): number { return Math.min(this.max, this.first * 2 ** this.n++); }
  reset(): void { this.n = 0; }
  get failures(): number { return this.n; }
}

/** The long-poll URL for snapshots `from`, … of `run`. */
export function snapshotsUrl(origin: string, run: string, from: number, waitMs: number): string {
  return `${origin.replace(/\/$/, '')}/api/runs/${encodeURIComponent(run)}/snapshots?from=${from}&wait=${waitMs}`;
}

/** The Koopman worker's `restart` for a streamed run: one run of `n` values, Δt = dt. */
export function restartMessage(t: StreamTarget, gen?: number): SnapshotMessage {
  return { type: 'restart', N: t.n, runs: 1, snapshotEvery: t.dt, params: t.params, ...(gen !== undefined ? { gen } : {}) };
}

/**
 * Frames → what to post: the `snapshot` messages (in order, loss NaN when the frame has none) and the loss points.
 * Frames with an `index` below `from` were taken in already and are skipped. `next` is where the following poll
 * starts: the server's `X-Koopscope-Next` when it is a whole number not below `from`, else `from` + frames taken.
 */
export function framesToMessages(bytes: Uint8Array, n: number, from: number, serverNext: string | null):
  { snapshots: Extract<SnapshotMessage, { type: 'snapshot' }>[]; metrics: StepMetrics[]; next: number; step: number | null } {
  const frames = decodeFrames(bytes, n);
  const snapshots: Extract<SnapshotMessage, { type: 'snapshot' }>[] = [];
  const metrics: StepMetrics[] = [];
  let at = from;
  let step: number | null = null;
  for (const f of frames) {
    const index = f.header.index ?? at;
    if (index < at) continue;
    at = index + 1;
    step = f.header.step;
    snapshots.push({ type: 'snapshot', step: f.header.step, runs: [f.data], loss: f.header.loss });
    if (Number.isFinite(f.header.loss)) metrics.push({ step: f.header.step, loss: f.header.loss });
  }
  const told = serverNext === null ? NaN : Number(serverNext);
  const next = Number.isSafeInteger(told) && told >= at ? told : at;
  return { snapshots, metrics, next, step };
}

/** What `runStream` needs from its host (a worker, or a test). */
export interface StreamHost {
  fetch(url: string): Promise<{ status: number; headers: { get(name: string): string | null }; arrayBuffer(): Promise<ArrayBuffer>; text(): Promise<string> }>;
  sleep(ms: number): Promise<void>;
  /** To the Koopman worker (transfer the buffers). */
  snapshot(m: SnapshotMessage & Partial<Gen>, transfer: Transferable[]): void;
  /** To the page. */
  reply(r: StreamReply & Partial<Gen>): void;
  /** True once the stream should end (the page disposed it). */
  stopped(): boolean;
}

/** The server's one-line `{"error": "…"}`, else the status. */
async function errorLine(res: { status: number; text(): Promise<string> }): Promise<string> {
  let text = '';
  try { text = await res.text(); } catch { /* the body is gone: the status says enough */ }
  try {
    const o = JSON.parse(text) as { error?: unknown };
    if (typeof o.error === 'string') return `${res.status}: ${o.error.slice(0, 300)}`;
  } catch { /* not JSON */ }
  return `HTTP ${res.status}`;
}

/**
 * Streams `target` until `host.stopped()`: `restart` first, then every snapshot the server holds and every new one.
 * Never throws; a problem is reported as a `stream` reply (state 'retrying', or 'failed' when retrying is pointless)
 * and the next success reports 'live' again.
 */
export async function runStream(target: StreamTarget, origin: string, host: StreamHost,
  options: { gen?: number; waitMs?: number; backoff?: Backoff } = {}): Promise<void> {
  const gen = options.gen;
  const tag = gen !== undefined ? { gen } : {};
  const waitMs = Math.min(30_000, Math.max(0, options.waitMs ?? 25_000));
  const backoff = options.backoff ?? new Backoff();
  host.snapshot(restartMessage(target, gen), []);
  let from = 0;
  let step: number | null = null;
  let troubled = true; // the first success says 'live'
  const say = (state: StreamState, message?: string) =>
    host.reply({ type: 'stream', run: target.run, state, next: from, step, ...(message ? { message } : {}), ...tag });
  const retry = async (why: string) => {
    const wait = backoff.next();
    troubled = true;
    say('retrying', `${target.run}: ${why}; retrying in ${(wait / 1000).toFixed(wait < 1000 ? 1 : 0)} s`);
    await host.sleep(wait);
  };

  while (!host.stopped()) {
    let res;
    try {
      res = await host.fetch(snapshotsUrl(origin, target.run, from, waitMs));
    } catch (e) {
      if (host.stopped()) return;
      await retry(`the koopscope watch server does not answer (${(e as Error).message || 'network error'})`);
      continue;
    }
    if (host.stopped()) return;
    if (res.status === 401 || res.status === 403) {
      say('failed', `${target.run}: the server refused the page (${await errorLine(res)}); open the URL koopscope watch printed`);
      return;
    }
    if (res.status !== 200) {
      const line = await errorLine(res);
      await retry(res.status === 404 ? `the server has no such run (${line})` : `the server answered ${line}`);
      continue;
    }
    let got;
    try {
      got = framesToMessages(new Uint8Array(await res.arrayBuffer()), target.n, from, res.headers.get('X-Koopscope-Next'));
    } catch (e) {
      if (host.stopped()) return;
      // a cut-off body (server gone mid-answer) or frames that do not parse: nothing of this answer is used
      await retry(`bad stream from the server (${(e as Error).message})`);
      continue;
    }
    for (const m of got.snapshots) host.snapshot({ ...m, ...tag }, m.runs.map((r) => r.buffer));
    for (const metrics of got.metrics) host.reply({ type: 'metrics', metrics, ...tag });
    from = got.next;
    if (got.step !== null) step = got.step;
    backoff.reset();
    if (troubled || got.snapshots.length) { troubled = false; say('live'); }
  }
}
