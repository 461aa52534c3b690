/**
 * `koopscope watch`: a local HTTP server that receives weight snapshots from training processes (the Python recorder,
 * python/koopscope_recorder.py, or anything speaking docs/watch.md), keeps them per run, optionally records each run
 * to DIR/<run>.npz, serves the built app, and hands the streams to the page (SSE notifications + binary frames).
 *
 * Safety: binds 127.0.0.1 unless --host says otherwise; a random token printed at start is required on every request
 * (Authorization: Bearer, ?token=, or the cookie set when the page is opened with ?token=); on loopback the Host header
 * must name the loopback (DNS rebinding); bodies over --max-mb are refused with 413; everything received is parsed as
 * JSON or float32 and checked (src/io/stream.ts), never evaluated. A bad request gets one JSON line
 * {"error": "…"} and never brings the server down.
 */
import { commandArgs } from '../command';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrajectoryFile, writeNpz, type Trajectory } from '../../io/index';
import {
  checkRunId, decodeFrames, encodeFrames, parseRegistration, sameRun, StreamError, type Frame, type Registration,
} from '../../io/stream';
import { UsageError, UserError, oneLine } from '../errors';
import { wholeNumber } from '../options';
import { reserveOutput } from '../safeWrite';
import type { Io } from '../main';

export const usage = `usage: koopscope watch [--port P] [--host H] [--record DIR] [options]

Receives weight snapshots from training processes (python/koopscope_recorder.py; protocol: docs/watch.md), serves the
app from dist/ and streams the runs to it. Prints the URL with a session token; every request needs the token
(random per start; KOOPSCOPE_WATCH_TOKEN fixes it, so trainers can reconnect to a restarted server).
  --port P            port (default 8765; 0 picks a free one)
  --host H            address to bind (default 127.0.0.1: this machine only; anything else exposes the server)
  --record DIR        also write each run to DIR/<run>.npz (our schema), every --record-every snapshots, when the
                      run closes and on Ctrl-C; a run whose file exists resumes from it
  --record-every k    rewrite the recording every k new snapshots (default 100)
  --max-mb m          largest request body in MiB (default 64; larger: 413)
  --max-memory-mb m   snapshots held in memory by all runs together, in MiB (default 2048; past it: 507)
  --app DIR           the built app to serve (default: dist/ of this installation)`;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json', '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip', '.npy': 'application/octet-stream', '.npz': 'application/octet-stream',
};
/** The cross-origin isolation headers of vite.config.ts and test/e2e/server.mjs (SharedArrayBuffer, wasm threads). */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const COMMON = { ...ISOLATION, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
const COOKIE = 'koopscope_token';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const MAX_WAIT_MS = 30_000;

export interface WatchOptions {
  port?: number;
  host?: string;
  record?: string;
  recordEvery?: number;
  maxBodyBytes?: number;
  maxMemoryBytes?: number;
  appDir?: string;
  /** Fixed token (tests); default 24 random bytes, base64url. */
  token?: string;
  log?: (line: string) => void;
}

export interface RunSummary {
  run: string; params: Registration['params']; dt: number; sketch: Registration['sketch'] | null; meta: Record<string, unknown>;
  n: number; N: number; count: number; lastStep: number | null; closed: boolean; recording: string | null;
}

export interface WatchServer {
  url: string; port: number; token: string; appDir: string; appBuilt: boolean;
  runs(): RunSummary[];
  /** Writes every run's recording now (atomically). */
  flush(): void;
  /** Flushes the recordings and stops the server. */
  close(): Promise<void>;
}

interface RunState {
  reg: Registration;
  snaps: Float32Array[];
  steps: number[];
  losses: number[];
  closed: boolean;
  unflushed: number;
  recordPath?: string;
  waiters: Set<() => void>;
}

/** The folder of this installation's package.json (walking up from this module, bundled or not). */
function packageRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      if (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name === 'koopscope') return d;
    } catch { /* not here */ }
    d = dirname(d);
  }
  return process.cwd();
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(oneLine(message)); }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (res.headersSent) { res.destroy(); return; }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...COMMON, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function tokenOf(req: http.IncomingMessage, url: URL): { token?: string; viaQuery: boolean } {
  const auth = req.headers.authorization;
  if (auth && /^Bearer /i.test(auth)) return { token: auth.slice(7).trim(), viaQuery: false };
  const q = url.searchParams.get('token');
  if (q !== null) return { token: q, viaQuery: true };
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return { token: v.join('='), viaQuery: false };
  }
  return { viaQuery: false };
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The body, at most `limit` bytes (413 past it, without reading the rest into memory). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = () => new HttpError(413, `request body larger than the limit of ${limit} bytes (--max-mb); send fewer values per request (sketch=k in the recorder) or raise --max-mb`);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let got = 0, failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      got += c.length;
      if (got > limit) { failed = true; chunks.length = 0; reject(tooLarge()); return; }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolveBody(new Uint8Array(Buffer.concat(chunks))); });
    req.on('error', (e) => { if (!failed) { failed = true; reject(new HttpError(400, `the request body was cut off (${e.message})`)); } });
    req.on('aborted', () => { if (!failed) { failed = true; reject(new HttpError(400, 'the request body was cut off')); } });
  });
}

function parseJson(bytes: Uint8Array): unknown {
  try { return JSON.parse(Buffer.from(bytes).toString('utf8')); } catch { throw new HttpError(400, 'the body is not valid JSON'); }
}

export async function startWatchServer(opts: WatchOptions = {}): Promise<WatchServer> {
  const log = opts.log ?? (() => {});
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const host = opts.host ?? '127.0.0.1';
  const maxBody = opts.maxBodyBytes ?? 64 * 2 ** 20;
  const maxMemory = opts.maxMemoryBytes ?? 2048 * 2 ** 20;
  const recordEvery = opts.recordEvery ?? 100;
  const appDir = resolve(opts.appDir ?? join(packageRoot(), 'dist'));
  const appBuilt = existsSync(join(appDir, 'index.html'));
  const recordDir = opts.record !== undefined ? resolve(opts.record) : undefined;
  if (recordDir !== undefined) {
    let st;
    try { st = statSync(recordDir); } catch { throw new UsageError(`--record ${opts.record}: no such folder (create it first)`); }
    if (!st.isDirectory()) throw new UsageError(`--record ${opts.record}: is not a folder`);
  }
  const runs = new Map<string, RunState>();
  const events = new Set<http.ServerResponse>();
  let heldBytes = 0;

  const summary = (r: RunState): RunSummary => ({
    run: r.reg.run, params: r.reg.params, dt: r.reg.dt, sketch: r.reg.sketch ?? null, meta: r.reg.meta, n: r.reg.n, N: r.reg.N,
    count: r.snaps.length, lastStep: r.steps.length ? r.steps[r.steps.length - 1] : null, closed: r.closed,
    recording: r.recordPath ?? null,
  });
  const broadcast = (event: string, data: unknown) => {
    const msg = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of events) res.write(msg);
  };

  /** The run as a trajectory in our schema (sketched runs: one parameter 'sketch' of shape (dim,)). */
  const trajectoryOf = (r: RunState): Trajectory => {
    const { reg } = r, n = reg.n, T = r.snaps.length;
    const data = new Float32Array(T * n);
    r.snaps.forEach((s, t) => data.set(s, t * n));
    const params = reg.sketch ? [{ name: 'sketch', shape: [reg.sketch.dim], offset: 0, size: reg.sketch.dim }]
      : (() => { let off = 0; return reg.params.map((p) => { const e = { ...p, offset: off }; off += p.size; return e; }); })();
    const meta: Record<string, unknown> = { ...reg.meta, run: reg.run, dt: reg.dt, recordedBy: 'koopscope watch' };
    if (reg.sketch) meta.sketch = { dim: reg.sketch.dim, seed: reg.sketch.seed, N: reg.N, params: reg.params.map((p) => ({ name: p.name, shape: p.shape })) };
    return {
      kind: 'trajectory', source: `${reg.run}.npz`, runs: 1, T, N: n, params, data,
      steps: Float64Array.from(r.steps), metrics: { loss: Float64Array.from(r.losses) }, meta,
    };
  };

  const flushRun = (r: RunState) => {
    if (!r.recordPath || r.unflushed === 0) return;
    try {
      const out = reserveOutput(r.recordPath);
      try { out.commit(writeNpz(trajectoryOf(r), { perParameter: true })); } finally { out.abandon(); }
      r.unflushed = 0;
    } catch (e) {
      log(`koopscope watch: ${r.reg.run}: recording not written: ${oneLine((e as Error).message)}`);
    }
  };

  /** A run recorded by an earlier server: resume from DIR/<run>.npz when it is the same run. */
  const resumeFromFile = (state: RunState) => {
    const path = state.recordPath!;
    if (!existsSync(path)) return;
    let traj;
    try {
      traj = readTrajectoryFile(`${state.reg.run}.npz`, new Uint8Array(readFileSync(path)));
    } catch (e) {
      throw new StreamError(409, `${path} exists but cannot be read (${(e as Error).message}); move it or choose another run id`);
    }
    const reg = state.reg;
    const want = reg.sketch ? [{ name: 'sketch', shape: [reg.sketch.dim] }] : reg.params;
    const sk = (traj.kind === 'trajectory' ? traj.meta?.sketch : undefined) as { dim?: number; seed?: number } | undefined;
    const same = traj.kind === 'trajectory' && traj.runs === 1 && traj.params.length === want.length
      && traj.params.every((p, i) => p.name === want[i].name && p.shape.join() === want[i].shape.join())
      && (!reg.sketch || (sk?.dim === reg.sketch.dim && sk?.seed === reg.sketch.seed));
    if (!same || traj.kind !== 'trajectory') {
      throw new StreamError(409, `${path} holds a different run; move it or choose another run id`);
    }
    for (let t = 0; t < traj.T; t++) {
      state.snaps.push(Float32Array.from(traj.data.subarray(t * traj.N, (t + 1) * traj.N)));
      state.steps.push(traj.steps ? traj.steps[t] : t);
      state.losses.push(traj.metrics.loss ? traj.metrics.loss[t] : NaN);
    }
    heldBytes += 4 * traj.T * traj.N;
    log(`koopscope watch: ${reg.run}: resumed from ${path} (${traj.T} snapshots)`);
  };

  const register = (body: unknown): { status: number; reply: unknown } => {
    const reg = parseRegistration(body);
    const existing = runs.get(reg.run);
    if (existing) {
      const why = sameRun(existing.reg, reg);
      if (why) throw new StreamError(409, `run '${reg.run}' exists and ${why}; use another run id`);
      existing.closed = false;
      broadcast('run', summary(existing));
      log(`koopscope watch: ${reg.run}: trainer reconnected at step ${existing.steps[existing.steps.length - 1] ?? 'none'}`);
      return { status: 200, reply: { ...summary(existing), resumed: true, maxBodyBytes: maxBody } };
    }
    const state: RunState = { reg, snaps: [], steps: [], losses: [], closed: false, unflushed: 0, waiters: new Set() };
    if (recordDir) {
      state.recordPath = join(recordDir, `${reg.run}.npz`);
      resumeFromFile(state);
    }
    runs.set(reg.run, state);
    broadcast('run', summary(state));
    log(`koopscope watch: ${reg.run}: registered, ${reg.n} values per snapshot` +
      (reg.sketch ? ` (sketch of ${reg.N}, seed ${reg.sketch.seed})` : ` (${reg.params.length} parameters)`));
    return { status: state.snaps.length ? 200 : 201, reply: { ...summary(state), resumed: state.snaps.length > 0, maxBodyBytes: maxBody } };
  };

  const runOf = (id: string): RunState => {
    const r = runs.get(checkRunId(id));
    if (!r) throw new StreamError(404, `no run '${id}' (register it first: POST /api/runs)`);
    return r;
  };

  const addSnapshots = (r: RunState, frames: Frame[]) => {
    let last = r.steps.length ? r.steps[r.steps.length - 1] : -Infinity;
    const fresh = frames.filter((f) => { const keep = f.header.step > last; if (keep) last = f.header.step; return keep; });
    const bytes = 4 * r.reg.n * fresh.length;
    if (heldBytes + bytes > maxMemory) {
      throw new HttpError(507, `the server holds ${heldBytes} bytes of snapshots and the limit is ${maxMemory} (--max-memory-mb); ` +
        'record fewer parameters, every k-th step, or a sketch');
    }
    for (const f of fresh) { r.snaps.push(f.data); r.steps.push(f.header.step); r.losses.push(f.header.loss); }
    heldBytes += bytes;
    r.unflushed += fresh.length;
    if (r.unflushed >= recordEvery) flushRun(r);
    if (fresh.length) {
      broadcast('snapshots', { run: r.reg.run, count: r.snaps.length, lastStep: last });
      for (const w of r.waiters) w();
    }
    return { accepted: fresh.length, ignored: frames.length - fresh.length, count: r.snaps.length, lastStep: r.steps.length ? last : null };
  };

  const sendSnapshots = async (r: RunState, url: URL, req: http.IncomingMessage, res: http.ServerResponse) => {
    const num = (k: string, d: number) => {
      const v = url.searchParams.get(k);
      if (v === null) return d;
      if (!/^\d+$/.test(v)) throw new HttpError(400, `?${k}= must be a whole number, got '${v.slice(0, 40)}'`);
      return Number(v);
    };
    const from = num('from', 0), wait = Math.min(num('wait', 0), MAX_WAIT_MS);
    const max = Math.max(1, Math.min(num('max', Infinity), Math.floor(maxBody / (4 * r.reg.n + 128)) || 1));
    if (r.snaps.length <= from && wait > 0 && !r.closed) {
      await new Promise<void>((done) => {
        const timer = setTimeout(finish, wait);
        function finish() { clearTimeout(timer); r.waiters.delete(finish); req.off('close', finish); done(); }
        r.waiters.add(finish);
        req.once('close', finish);
      });
    }
    const frames: Frame[] = [];
    for (let i = from; i < Math.min(r.snaps.length, from + max); i++) {
      frames.push({ header: { step: r.steps[i], loss: r.losses[i], index: i }, data: r.snaps[i] });
    }
    const body = encodeFrames(frames);
    if (res.destroyed) return;
    res.writeHead(200, {
      ...COMMON, 'Content-Type': 'application/octet-stream', 'Content-Length': body.length,
      'X-Koopscope-Count': String(r.snaps.length), 'X-Koopscope-Next': String(from + frames.length),
    });
    res.end(body);
  };

  const serveStatic = (url: URL, req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!appBuilt) {
      const text = `the app is not built: run \`npx vite build\` (or npm run build) in ${packageRoot()}; the stream API under /api works without it\n`;
      res.writeHead(503, { ...COMMON, 'Content-Type': 'text/plain; charset=utf-8' }).end(text);
      return;
    }
    let rel: string;
    try { rel = decodeURIComponent(url.pathname); } catch { throw new HttpError(400, 'malformed path'); }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = resolve(appDir, '.' + rel);
    if (!file.startsWith(appDir + sep)) throw new HttpError(403, 'outside the app folder');
    let st;
    try { st = statSync(file); } catch { st = undefined; }
    if (!st?.isFile()) throw new HttpError(404, `not found: ${rel.slice(0, 200)}`);
    if (file === join(appDir, 'index.html')) {
      // the marker that tells the page it is served here, so it reads /api (src/app/state/watch.ts)
      const html = Buffer.from(readFileSync(file, 'utf8').replace(/<head>/i, '<head><meta name="koopscope-watch" content="1">'));
      res.writeHead(200, { ...COMMON, 'Content-Type': CONTENT_TYPES['.html'], 'Content-Length': html.length });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    // Vite names everything under assets/ by its content hash: the browser may keep those for good, so the page's
    // worker scripts and wasm still load from its cache after this server stops (a preset picked then trains)
    const cache = rel.startsWith('/assets/') ? { 'Cache-Control': 'private, max-age=31536000, immutable' } : {};
    res.writeHead(200, { ...COMMON, ...cache, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (LOOPBACK.has(host)) {
      const h = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!LOOPBACK.has(h)) throw new HttpError(403, `Host '${h.slice(0, 100)}' is not this machine's loopback address`);
    }
    const given = tokenOf(req, url);
    if (!sameToken(given.token, token)) {
      throw new HttpError(401, 'missing or wrong token: send the one koopscope watch printed, as Authorization: Bearer TOKEN or ?token=TOKEN');
    }
    // the page is opened with ?token=; its assets, fetches and EventSource then carry the cookie
    if (given.viaQuery) res.setHeader('Set-Cookie', `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    const extra: Record<string, string> = {};
    const path = url.pathname, method = req.method ?? 'GET';
    const m = /^\/api\/runs\/([^/]+)(\/snapshots|\/close|\/npz)?$/.exec(path);
    if (path === '/api/runs') {
      if (method === 'GET') return sendJson(res, 200, { runs: [...runs.values()].map(summary) }, extra);
      if (method === 'POST') {
        const { status, reply } = register(parseJson(await readBody(req, Math.min(maxBody, 16 * 2 ** 20))));
        return sendJson(res, status, reply, extra);
      }
      throw new HttpError(405, `${method} is not allowed on /api/runs (GET or POST)`);
    }
    if (m) {
      let id: string;
      try { id = decodeURIComponent(m[1]); } catch { throw new HttpError(400, 'malformed run id'); }
      const r = runOf(id);
      const what = m[2] ?? '';
      if (what === '' && method === 'GET') return sendJson(res, 200, summary(r), extra);
      if (what === '' && method === 'DELETE') {
        // forget the run (its recording is written first and stays on disk): frees its memory
        flushRun(r);
        runs.delete(r.reg.run);
        heldBytes -= 4 * r.reg.n * r.snaps.length;
        r.closed = true;
        for (const w of r.waiters) w();
        broadcast('removed', { run: r.reg.run });
        log(`koopscope watch: ${r.reg.run}: removed (${r.snaps.length} snapshots)`);
        return sendJson(res, 200, summary(r), extra);
      }
      if (what === '/snapshots' && method === 'POST') {
        const frames = decodeFrames(await readBody(req, maxBody), r.reg.n);
        return sendJson(res, 200, addSnapshots(r, frames), extra);
      }
      if (what === '/snapshots' && method === 'GET') return sendSnapshots(r, url, req, res);
      if (what === '/close' && method === 'POST') {
        await readBody(req, 4096);
        r.closed = true;
        flushRun(r);
        for (const w of r.waiters) w();
        broadcast('run', summary(r));
        log(`koopscope watch: ${r.reg.run}: closed after ${r.snaps.length} snapshots` + (r.recordPath ? `, recorded to ${r.recordPath}` : ''));
        return sendJson(res, 200, summary(r), extra);
      }
      if (what === '/npz' && method === 'GET') {
        const bytes = writeNpz(trajectoryOf(r), { perParameter: true });
        res.writeHead(200, { ...COMMON, ...extra, 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length,
          'Content-Disposition': `attachment; filename="${r.reg.run}.npz"` });
        res.end(bytes);
        return;
      }
      throw new HttpError(405, `${method} is not allowed on ${path.slice(0, 120)}`);
    }
    if (path === '/api/events' && method === 'GET') {
      res.writeHead(200, { ...COMMON, ...extra, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      res.write(`event: runs\ndata: ${JSON.stringify({ runs: [...runs.values()].map(summary) })}\n\n`);
      events.add(res);
      req.on('close', () => events.delete(res));
      return;
    }
    if (path.startsWith('/api/')) throw new HttpError(404, `no endpoint ${path.slice(0, 120)}`);
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} is not allowed here`);
    return serveStatic(url, req, res);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : e instanceof StreamError ? e.status : e instanceof UserError ? 400 : 500;
      const message = e instanceof Error ? oneLine(e.message) : String(e);
      if (status === 500) log(`koopscope watch: internal error: ${message}`);
      if (status === 413) {
        // answer now, drop the rest of the body without keeping it (and the connection once too much has come)
        let dropped = 0;
        req.on('data', (c: Buffer) => { dropped += c.length; if (dropped > 4 * maxBody) req.socket.destroy(); });
        req.resume();
      }
      try { sendJson(res, status, { error: message }, status === 413 ? { Connection: 'close' } : {}); } catch { res.destroy(); }
    });
  });
  server.on('clientError', (_e, socket) => { try { socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'); } catch { /* gone */ } });
  const ping = setInterval(() => { for (const res of events) res.write(': ping\n\n'); }, 15_000);
  ping.unref();
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(new UsageError(`cannot listen on ${host}:${opts.port ?? 8765} (${e.code ?? e.message})`)));
    server.listen(opts.port ?? 8765, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const flush = () => { for (const r of runs.values()) flushRun(r); };
  return {
    url: `http://${shown}:${port}`, port, token, appDir, appBuilt,
    runs: () => [...runs.values()].map(summary),
    flush,
    close: () => new Promise<void>((done) => {
      flush();
      clearInterval(ping);
      for (const res of events) res.end();
      for (const r of runs.values()) for (const w of r.waiters) w();
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = commandArgs(args, {
    port: { type: 'string' }, host: { type: 'string' }, record: { type: 'string' }, 'record-every': { type: 'string' },
    'max-mb': { type: 'string' }, 'max-memory-mb': { type: 'string' }, app: { type: 'string' },
  }, usage, io);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length) throw new UsageError(`watch takes no positional arguments, got '${positionals[0]}'`);
  const mb = (name: string, v: string | undefined, d: number) => (wholeNumber(name, v, 1, 1 << 20) ?? d) * 2 ** 20;
  // a fixed token (from the environment, not a flag, so it stays out of `ps`) lets a restarted server take back its trainers
  const fixed = process.env.KOOPSCOPE_WATCH_TOKEN;
  if (fixed !== undefined && !/^[A-Za-z0-9_-]{16,256}$/.test(fixed)) {
    throw new UsageError('KOOPSCOPE_WATCH_TOKEN must be 16–256 characters from A–Z a–z 0–9 _ -');
  }
  const server = await startWatchServer({
    port: wholeNumber('port', values.port, 0, 65535) ?? 8765,
    host: values.host,
    record: values.record,
    recordEvery: wholeNumber('record-every', values['record-every'], 1),
    maxBodyBytes: mb('max-mb', values['max-mb'], 64),
    maxMemoryBytes: mb('max-memory-mb', values['max-memory-mb'], 2048),
    appDir: values.app,
    token: fixed,
    log: (line) => io.err(line),
  });
  io.out(`koopscope watch: ${server.url}/?token=${server.token}`);
  io.out(`koopscope watch: token ${server.token} (send it as 'Authorization: Bearer TOKEN' or ?token=TOKEN)`);
  if (!server.appBuilt) io.err(`koopscope watch: the app is not built (${server.appDir} missing): run \`npx vite build\`; the stream API works without it`);
  if (values.host && !LOOPBACK.has(values.host)) io.err(`koopscope watch: warning: listening on ${values.host}: anyone who can reach it and has the token can send and read runs`);
  if (values.record) io.err(`koopscope watch: recording runs to ${resolve(values.record)}/<run>.npz`);
  io.err('koopscope watch: Ctrl-C stops (recordings are written first)');
  await new Promise<void>((done) => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); done(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  io.err(`koopscope watch: stopped; ${server.runs().length} run(s)`);
  return 0;
}
