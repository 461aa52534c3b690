/**
 * The page as a viewer of `koopscope watch` (docs/watch.md "The page"). The server marks the index.html it serves
 * with `<meta name="koopscope-watch">`; only then does the page ask the server anything (a page served elsewhere makes
 * no request to /api). It lists the server's runs (`GET /api/runs`, then the SSE events `runs`, `run`, `snapshots`,
 * `removed` of `/api/events`; the token travels as the cookie the printed URL set) in a store of its own
 * (`watchStore`, read by ui/WatchedRuns.tsx), and shows one of them in the live view: `watchRun` starts a new run
 * generation whose snapshots come from a stream worker (workers/stream.ts) instead of the trainer, through the
 * same Koopman worker and MessageChannel (client/engine.ts `watch`). The first run seen is shown by itself when
 * nothing is watched yet.
 */
import { createStore } from 'zustand/vanilla';
import type { Engine } from '../client/engine';
import { addCurrentRunToList } from './actions';
import { dropNotice, pushNotice, withoutRunNotices } from './replies';
import { emptyLive, emptyScrub, shownWatch, store as appStore, type AppStore, type DmdConfig } from './store';
import type { StreamReply, StreamTarget } from '../../workers/stream';

/** A run as the server summarises it (docs/watch.md "Summary"). */
export interface WatchSummary {
  run: string;
  params: { name: string; shape: number[]; size: number }[];
  dt: number;
  sketch: { dim: number; seed: number } | null;
  n: number;
  N: number;
  count: number;
  lastStep: number | null;
  closed: boolean;
  recording: string | null;
}

export interface WatchState {
  /** The page is served by koopscope watch. */
  enabled: boolean;
  /** The server's runs, in the order it lists them (new ones last). */
  runs: WatchSummary[];
  /** The run shown in the live view (undefined: none yet, or the live view trains in the page again). */
  watched?: string;
  /** The stream worker's last word on the watched run. */
  stream?: Omit<Extract<StreamReply, { type: 'stream' }>, 'type'>;
  /** Why the run list could not be read (one line). */
  error?: string;
}

export const watchStore = createStore<WatchState>()(() => ({ enabled: false, runs: [] }));

/** Whether this document was served by `koopscope watch` (its marker in index.html). */
export function servedByWatch(doc: Document = document): boolean {
  return doc.querySelector('meta[name="koopscope-watch"]') !== null;
}

/** What the stream worker needs of a summary: values per snapshot, Δt, and the parameter table of the vector. */
export function streamTarget(s: WatchSummary): StreamTarget {
  const params = s.sketch ? [{ name: 'sketch', shape: [s.sketch.dim], size: s.sketch.dim }] : s.params.map((p) => ({ ...p }));
  return { run: s.run, n: s.n, dt: s.dt, params };
}

/** Checks the fields the page uses; anything else from the server is refused as not a summary. */
export function parseSummary(v: unknown): WatchSummary {
  const o = v as Partial<WatchSummary> | null;
  const ok = !!o && typeof o.run === 'string' && Number.isSafeInteger(o.n) && (o.n as number) > 0 && typeof o.dt === 'number' && o.dt > 0
    && Array.isArray(o.params) && Number.isSafeInteger(o.count);
  if (!ok) throw new Error('the server sent a run summary the page cannot read');
  return { ...(o as WatchSummary), closed: !!o!.closed, sketch: o!.sketch ?? null, lastStep: o!.lastStep ?? null, N: o!.N ?? o!.n! };
}

/** The list with `s` put in place of the run of the same id (or added last). */
export function upsertRun(runs: readonly WatchSummary[], s: WatchSummary): WatchSummary[] {
  const at = runs.findIndex((r) => r.run === s.run);
  return at < 0 ? [...runs, s] : runs.map((r, i) => (i === at ? s : r));
}

let engine: Engine<DmdConfig> | undefined;
let target: AppStore = appStore;
let origin = '';

const STREAM_NOTICE = 'watch-stream';

/** A `stream` reply of the stream worker: its state for the list, and one notice while it has trouble. */
export function applyStreamReply(r: StreamReply & { gen?: number }, s: AppStore = target): void {
  if (r.type !== 'stream') return;
  const { watch, status } = s.getState();
  if (!watch || watch.run !== r.run || (r.gen !== undefined && r.gen !== status.recording)) return; // an earlier stream
  const { type: _type, ...rest } = r;
  watchStore.setState({ stream: rest });
  // the header's step follows the stream even when the trainer sends no loss (no `metrics` then)
  if (r.step !== null && r.step > status.step) s.setState({ status: { ...status, step: r.step } });
  if (r.state === 'live') dropNotice(s, STREAM_NOTICE);
  else pushNotice(s, { kind: r.state === 'failed' ? 'error' : 'warning', text: r.message ?? `${r.run}: the stream stopped`, key: STREAM_NOTICE, run: true });
}

/**
 * Show run `run` of the server in the live view, as a new run generation (the shown spectrum, if any, is kept in the
 * run list first, as a restart does). Returns false when the server has no such run or no engine is attached.
 */
export function watchRun(run: string): boolean {
  const summary = watchStore.getState().runs.find((r) => r.run === run);
  if (!summary || !engine?.watch) return false;
  addCurrentRunToList(true);
  const { status, config } = target.getState();
  const gen = status.recording + 1;
  const cfg = status.configured + 1;
  target.setState({
    live: emptyLive(), scrub: emptyScrub(), notices: withoutRunNotices(target.getState().notices), watch: { run, gen, every: summary.dt },
    status: { ...status, phase: 'ready', playing: !summary.closed, step: summary.lastStep ?? 0, diverged: undefined, progress: undefined,
      backend: undefined, recording: gen, configured: cfg, observed: streamTarget(summary).params, modelSize: summary.N, runs: 1 },
  });
  watchStore.setState({ watched: run, stream: undefined });
  try {
    engine.watch(streamTarget(summary), origin, config.dmd, { gen, cfg }, (r) => applyStreamReply(r));
  } catch (e) {
    pushNotice(target, { kind: 'error', text: `Cannot watch ${run}: ${(e as Error).message}`, key: STREAM_NOTICE, run: true });
    return false;
  }
  return true;
}

/** Whether the live view still shows the watched run (a preset started since ends it). */
const watching = (): boolean => shownWatch(target.getState()) !== undefined;

/** A summary arrived (list, SSE): keep it; show the first run when nothing is watched; mirror `closed` for the shown one. */
function takeSummary(s: WatchSummary): void {
  watchStore.setState({ runs: upsertRun(watchStore.getState().runs, s) });
  const { watched } = watchStore.getState();
  if (watched === undefined) { watchRun(s.run); return; }
  if (watched === s.run && watching()) {
    const { status } = target.getState();
    if (status.playing !== !s.closed) target.setState({ status: { ...status, playing: !s.closed } });
  }
}

/**
 * Start the watch client when the page is served by koopscope watch (else do nothing and return false). `engine` is
 * the page's worker engine; `s` the app store (tests give their own). Returns a function that stops it.
 */
export function startWatchClient(e: Engine<DmdConfig> | undefined, s: AppStore = appStore, doc: Document = document): (() => void) | false {
  if (!servedByWatch(doc)) return false;
  engine = e;
  target = s;
  origin = doc.location?.origin ?? '';
  watchStore.setState({ enabled: true });
  const fail = (why: string) => {
    watchStore.setState({ error: why });
    pushNotice(target, { kind: 'warning', text: `koopscope watch: ${why}`, key: 'watch-list' });
  };
  const fine = () => {
    if (watchStore.getState().error) watchStore.setState({ error: undefined });
    dropNotice(target, 'watch-list');
  };
  const takeList = (data: unknown) => {
    const runs = (data as { runs?: unknown })?.runs;
    if (!Array.isArray(runs)) throw new Error('the server sent a run list the page cannot read');
    for (const r of runs) takeSummary(parseSummary(r));
  };
  fetch(`${origin}/api/runs`, { credentials: 'same-origin', cache: 'no-store' })
    .then(async (res) => {
      if (!res.ok) throw new Error(`the run list was refused (HTTP ${res.status})`);
      takeList(await res.json());
      fine();
    })
    .catch((err: Error) => fail(err.message));

  let events: EventSource | undefined;
  try {
    events = new EventSource(`${origin}/api/events`, { withCredentials: false });
  } catch (err) {
    fail(`no live run list (${(err as Error).message})`);
  }
  const on = (name: string, f: (data: unknown) => void) => events?.addEventListener(name, (ev) => {
    try { f(JSON.parse((ev as MessageEvent<string>).data)); fine(); } catch (err) { fail((err as Error).message); }
  });
  on('runs', takeList);
  on('run', (d) => takeSummary(parseSummary(d)));
  on('snapshots', (d) => {
    const { run, count, lastStep } = d as { run?: unknown; count?: unknown; lastStep?: unknown };
    const runs = watchStore.getState().runs;
    if (typeof run !== 'string' || !runs.some((r) => r.run === run)) return;
    watchStore.setState({ runs: runs.map((r) => (r.run === run ? { ...r, count: Number(count) || r.count, lastStep: typeof lastStep === 'number' ? lastStep : r.lastStep } : r)) });
  });
  on('removed', (d) => {
    const run = (d as { run?: unknown }).run;
    watchStore.setState({ runs: watchStore.getState().runs.filter((r) => r.run !== run) });
  });
  if (events) {
    events.onerror = () => {
      // EventSource reconnects by itself; the `runs` event at reconnect brings the list up to date
      if (events!.readyState !== EventSource.OPEN) fail('the server does not answer (retrying); the runs shown stay viewable');
    };
    events.onopen = () => fine();
  }
  return () => { events?.close(); engine = undefined; };
}
