/**
 * `koopscope watch` (src/cli/commands/watch.ts): the server in-process on 127.0.0.1, port 0, against real HTTP
 * requests: token, Host check, size limits, bad and cut-off bodies (the server stays up), resume and duplicates,
 * long-poll and SSE delivery, static files with the isolation headers, recording to DIR/<run>.npz (read back by
 * `koopscope spectrum`, and resumed by a new server), and Ctrl-C on the built binary writing the recording.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './inProcess';
import { startWatchServer, type WatchServer } from '../../src/cli/commands/watch';
import { decodeFrames, encodeFrames } from '../../src/io/stream';
import { readTrajectoryFile } from '../../src/io/index';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let dir = '', rec = '', app = '';
let srv: WatchServer;

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** One request with Node's http (so Host and partial bodies can be controlled). */
function request(path: string, o: { method?: string; body?: Uint8Array | string; headers?: Record<string, string>; auth?: boolean; server?: WatchServer } = {}): Promise<Reply> {
  const s = o.server ?? srv;
  const headers: Record<string, string> = { ...(o.auth === false ? {} : { Authorization: `Bearer ${s.token}` }), ...o.headers };
  return new Promise((ok, fail) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, path, method: o.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}
const json = (r: Reply) => JSON.parse(r.body.toString('utf8'));
const post = (path: string, body: unknown, server?: WatchServer) =>
  request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), server });
const frames = (from: number, to: number, n: number, f = (t: number, i: number) => Math.sin(0.1 * t + i)) =>
  encodeFrames(Array.from({ length: to - from }, (_, k) => {
    const t = from + k;
    return { header: { step: 10 * t, loss: 1 / (1 + t) }, data: Float32Array.from({ length: n }, (_, i) => f(t, i)) };
  }));
const REG = { run: 'alpha', params: [{ name: 'fc.weight', shape: [3, 4] }, { name: 'fc.bias', shape: [3] }], dt: 10, meta: { lr: 0.1 } };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'koopscope-watch-'));
  rec = join(dir, 'rec');
  app = join(dir, 'app');
  mkdirSync(rec);
  mkdirSync(join(app, 'assets'), { recursive: true });
  writeFileSync(join(app, 'index.html'), '<!doctype html><title>koopscope</title>');
  writeFileSync(join(app, 'assets', 'a.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  srv = await startWatchServer({ port: 0, record: rec, recordEvery: 5, maxBodyBytes: 4096, appDir: app });
});
afterAll(async () => { await srv?.close(); });

describe('access', () => {
  it('binds the loopback and prints a URL with the token', () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(srv.token.length).toBeGreaterThanOrEqual(32);
  });
  it('refuses every request without the token, API and app alike, with one JSON line', async () => {
    for (const path of ['/api/runs', '/', '/api/events', '/api/runs/alpha/snapshots']) {
      const r = await request(path, { auth: false });
      expect(r.status).toBe(401);
      expect(json(r).error).toMatch(/token/);
    }
    expect((await request('/api/runs', { auth: false, headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });
  it('takes ?token= once and then the cookie it sets (the page and its assets)', async () => {
    const r = await request(`/?token=${srv.token}`, { auth: false });
    expect(r.status).toBe(200);
    const cookie = String(r.headers['set-cookie']).split(';')[0];
    expect(cookie).toMatch(/^koopscope_token=/);
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await request('/assets/a.js', { auth: false, headers: { Cookie: cookie } })).status).toBe(200);
  });
  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await request('/api/runs', { headers: { Host: `evil.example:${srv.port}` } });
    expect(r.status).toBe(403);
    expect((await request('/api/runs', { headers: { Host: `localhost:${srv.port}` } })).status).toBe(200);
  });
  it('serves the app with the cross-origin isolation headers, nothing outside it', async () => {
    const r = await request('/');
    expect(r.status).toBe(200);
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect((await request('/assets/a.js')).headers['content-type']).toMatch(/javascript/);
    // hashed assets may be cached for good (the page keeps working after the server stops); the page and /api never
    expect((await request('/assets/a.js')).headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(r.headers['cache-control']).toBe('no-store');
    expect((await request('/api/runs')).headers['cache-control']).toBe('no-store');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt']) {
      const s = await request(p);
      expect([403, 404]).toContain(s.status);
      expect(s.body.toString()).not.toContain('secret"');
    }
    expect((await request('/%E0%A4%A')).status).toBe(400);
  });
  it('says in one line how to build the app when dist/ is missing', async () => {
    const other = await startWatchServer({ port: 0, appDir: join(dir, 'nothing'), token: 'x'.repeat(32) });
    try {
      const r = await request('/', { server: other });
      expect(r.status).toBe(503);
      expect(r.body.toString().trim().split('\n')).toHaveLength(1);
      expect(r.body.toString()).toMatch(/npx vite build/);
    } finally { await other.close(); }
  });
});

describe('streams', () => {
  it('registers a run, takes snapshots, ignores repeated steps, lists the run', async () => {
    const r = await post('/api/runs', REG);
    expect(r.status).toBe(201);
    expect(json(r)).toMatchObject({ run: 'alpha', n: 15, N: 15, count: 0, resumed: false, maxBodyBytes: 4096 });
    const a = await request('/api/runs/alpha/snapshots', { method: 'POST', body: frames(0, 3, 15) });
    expect(json(a)).toEqual({ accepted: 3, ignored: 0, count: 3, lastStep: 20 });
    // a reconnecting trainer resends 1..3: steps 10 and 20 are ignored
    const again = await post('/api/runs', REG);
    expect(again.status).toBe(200);
    expect(json(again)).toMatchObject({ resumed: true, lastStep: 20, count: 3 });
    const b = await request('/api/runs/alpha/snapshots', { method: 'POST', body: frames(1, 4, 15) });
    expect(json(b)).toEqual({ accepted: 1, ignored: 2, count: 4, lastStep: 30 });
    const list = json(await request('/api/runs')).runs;
    expect(list.map((x: { run: string; count: number }) => [x.run, x.count])).toEqual([['alpha', 4]]);
  });
  it('delivers snapshots from index k as frames, with index, step and loss', async () => {
    const r = await request('/api/runs/alpha/snapshots?from=1&max=2');
    expect(r.status).toBe(200);
    expect(r.headers['x-koopscope-count']).toBe('4');
    expect(r.headers['x-koopscope-next']).toBe('3');
    const f = decodeFrames(new Uint8Array(r.body), 15);
    expect(f.map((x) => [x.header.index, x.header.step])).toEqual([[1, 10], [2, 20]]);
    expect(f[0].header.loss).toBeCloseTo(0.5);
    expect(f[1].data[2]).toBeCloseTo(Math.sin(0.2 + 2), 6);
  });
  it('refuses another model under the same run id, bad ids, bad JSON and bad frames; the run is unchanged', async () => {
    const clash = await post('/api/runs', { ...REG, params: [{ name: 'fc.weight', shape: [4, 4] }] });
    expect(clash.status).toBe(409);
    expect(json(clash).error).toMatch(/alpha.*exists/);
    expect((await post('/api/runs', { ...REG, run: 'a/b' })).status).toBe(400);
    expect(json(await post('/api/runs', '{"run": ')).error).toMatch(/not valid JSON/);
    const wrongN = await request('/api/runs/alpha/snapshots', { method: 'POST', body: frames(9, 10, 7) });
    expect(wrongN.status).toBe(400);
    expect(json(wrongN).error).toMatch(/7 values, the run has 15/);
    const good = frames(9, 11, 15);
    const cut = await request('/api/runs/alpha/snapshots', { method: 'POST', body: good.subarray(0, good.length - 3) });
    expect(json(cut).error).toMatch(/truncated/);
    expect((await request('/api/runs/nobody/snapshots', { method: 'POST', body: good })).status).toBe(404);
    expect((await request('/api/nothing')).status).toBe(404);
    expect((await request('/api/runs', { method: 'DELETE' })).status).toBe(405);
    expect(json(await request('/api/runs/alpha')).count).toBe(4);
  });
  it('answers a body over the limit with 413 and one JSON line, declared or streamed', async () => {
    const big = frames(10, 60, 15); // > 4096 bytes
    const r = await request('/api/runs/alpha/snapshots', { method: 'POST', body: big });
    expect(r.status).toBe(413);
    expect(json(r).error).toMatch(/larger than the limit of 4096 bytes/);
    // chunked (no Content-Length): counted as it arrives
    const chunked = await new Promise<Reply>((ok, fail) => {
      const req = http.request({ host: '127.0.0.1', port: srv.port, path: '/api/runs/alpha/snapshots', method: 'POST',
        headers: { Authorization: `Bearer ${srv.token}`, 'Transfer-Encoding': 'chunked' } }, (res) => {
        const c: Buffer[] = [];
        res.on('data', (x) => c.push(x));
        res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(c) }));
      });
      req.on('error', fail);
      for (let i = 0; i < big.length; i += 1000) req.write(big.subarray(i, i + 1000));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(json(await request('/api/runs/alpha')).count).toBe(4);
  });
  it('survives a trainer that dies in the middle of a body (nothing is added)', async () => {
    const body = frames(4, 6, 15);
    await new Promise<void>((ok) => {
      const sock = net.connect(srv.port, '127.0.0.1', () => {
        sock.write(`POST /api/runs/alpha/snapshots HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${srv.token}\r\n` +
          `Content-Length: ${body.length}\r\n\r\n`);
        sock.write(body.subarray(0, 100));
        setTimeout(() => { sock.destroy(); ok(); }, 50);
      });
    });
    // not HTTP at all: answered 400 (or dropped); either way the server goes on
    let answer = '';
    const garbage = net.connect(srv.port, '127.0.0.1', () => garbage.write('GARBAGE\r\n\r\n'));
    garbage.on('data', (c) => { answer += c; });
    await new Promise((ok) => { garbage.on('close', ok); garbage.on('end', ok); setTimeout(ok, 3000); });
    garbage.destroy();
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(json(await request('/api/runs/alpha')).count).toBe(4);
  });
  it('long-polls until a snapshot arrives, and notifies over SSE', async () => {
    const events: string[] = [];
    const sse = http.get({ host: '127.0.0.1', port: srv.port, path: `/api/events?token=${srv.token}` });
    const sseRes = await new Promise<http.IncomingMessage>((ok) => sse.on('response', ok));
    expect(sseRes.headers['content-type']).toBe('text/event-stream');
    sseRes.on('data', (c) => events.push(String(c)));
    const waiting = request('/api/runs/alpha/snapshots?from=4&wait=20000');
    await new Promise((r) => setTimeout(r, 100));
    await request('/api/runs/alpha/snapshots', { method: 'POST', body: frames(4, 5, 15) });
    const got = await waiting;
    expect(decodeFrames(new Uint8Array(got.body), 15).map((f) => f.header.index)).toEqual([4]);
    await new Promise((r) => setTimeout(r, 100));
    sse.destroy();
    const text = events.join('');
    expect(text).toMatch(/^event: runs\ndata: \{"runs":\[/);
    expect(text).toContain('event: snapshots\ndata: {"run":"alpha","count":5,"lastStep":40}');
  });
});

describe('recording', () => {
  it('writes DIR/<run>.npz every k snapshots and on close; koopscope spectrum reads it', async () => {
    await request('/api/runs/alpha/snapshots', { method: 'POST', body: frames(5, 12, 15) });
    const file = join(rec, 'alpha.npz');
    expect(existsSync(file)).toBe(true); // 12 snapshots with --record-every 5
    const closed = await post('/api/runs/alpha/close', {});
    expect(json(closed)).toMatchObject({ closed: true, count: 12, recording: file });
    const traj = readTrajectoryFile('alpha.npz', new Uint8Array(readFileSync(file)));
    if (traj.kind !== 'trajectory') throw new Error('not a trajectory');
    expect(traj.params.map((p) => [p.name, p.shape])).toEqual([['fc.weight', [3, 4]], ['fc.bias', [3]]]);
    expect(Array.from(traj.steps!)).toEqual(Array.from({ length: 12 }, (_, t) => 10 * t));
    expect(traj.metrics.loss[3]).toBeCloseTo(0.25);
    expect(traj.meta).toMatchObject({ lr: 0.1, run: 'alpha', dt: 10 });
    expect(traj.data[5 * 15 + 2]).toBeCloseTo(Math.sin(0.5 + 2), 6);
    const r = await cli('spectrum', file, '--rank', '3', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).eigenvalues).toHaveLength(3);
    // the same file over HTTP
    const npz = await request('/api/runs/alpha/npz');
    expect(Buffer.compare(npz.body, readFileSync(file))).toBe(0);
  });
  it('DELETE forgets a run (its file stays) and frees its memory', async () => {
    await post('/api/runs', { ...REG, run: 'gone' });
    await request('/api/runs/gone/snapshots', { method: 'POST', body: frames(0, 3, 15) });
    const d = await request('/api/runs/gone', { method: 'DELETE' });
    expect(json(d)).toMatchObject({ run: 'gone', count: 3 });
    expect((await request('/api/runs/gone')).status).toBe(404);
    expect(existsSync(join(rec, 'gone.npz'))).toBe(true);
    expect(json(await request('/api/runs')).runs.map((x: { run: string }) => x.run)).toEqual(['alpha']);
  });
  it('a new server on the same folder resumes the run from its file', async () => {
    const second = await startWatchServer({ port: 0, record: rec, recordEvery: 1000, appDir: app });
    try {
      const other = await post('/api/runs', { ...REG, params: [{ name: 'x', shape: [15] }] }, second);
      expect(other.status).toBe(409);
      expect(json(other).error).toMatch(/alpha\.npz holds a different run/);
      const r = await post('/api/runs', REG, second);
      expect(json(r)).toMatchObject({ resumed: true, count: 12, lastStep: 110 });
      const more = await request('/api/runs/alpha/snapshots', { method: 'POST', body: frames(11, 13, 15), server: second });
      expect(json(more)).toEqual({ accepted: 1, ignored: 1, count: 13, lastStep: 120 });
    } finally { await second.close(); }
  });
});

describe('options', () => {
  it('--help, and one line for a bad option or a missing record folder', async () => {
    expect((await cli('watch', '--help')).out).toMatch(/--record DIR/);
    const port = await cli('watch', '--port', 'abc');
    expect([port.code, port.err]).toEqual([2, "koopscope: --port must be a whole number in [0, 65535], got 'abc'"]);
    process.env.KOOPSCOPE_WATCH_TOKEN = 'short';
    try {
      expect((await cli('watch', '--port', '0')).err).toMatch(/^koopscope: KOOPSCOPE_WATCH_TOKEN must be 16–256 characters/);
    } finally { delete process.env.KOOPSCOPE_WATCH_TOKEN; }
    const folder = await cli('watch', '--port', '0', '--record', join(dir, 'missing'));
    expect(folder.code).toBe(2);
    expect(folder.err).toMatch(/^koopscope: --record .*missing: no such folder \(create it first\)$/);
  });
});

describe('the built command', () => {
  it('prints the URL and token, records, and writes the recording on Ctrl-C', async () => {
    expect(spawnSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { stdio: 'inherit' }).status).toBe(0);
    const folder = mkdtempSync(join(tmpdir(), 'koopscope-watch-bin-'));
    const child = spawn(process.execPath, [join(root, 'bin/koopscope.js'), 'watch', '--port', '0', '--record', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stderr.on('data', (c) => { err += c; });
    const line = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (c) => { out += c; const m = /(http:\/\/\S+\?token=\S+)/.exec(out); if (m) ok(m[1]); });
      child.on('exit', () => fail(new Error(`exited: ${err}`)));
    });
    const url = new URL(line);
    const token = url.searchParams.get('token')!;
    const fake = { port: Number(url.port), token } as WatchServer;
    expect((await post('/api/runs', { ...REG, run: 'bin' }, fake)).status).toBe(201);
    await request('/api/runs/bin/snapshots', { method: 'POST', body: frames(0, 6, 15), server: fake });
    const code = await new Promise<number | null>((ok) => { child.on('exit', (c) => ok(c)); child.kill('SIGINT'); });
    expect(code).toBe(0);
    expect(err).toMatch(/recording runs to/);
    const traj = readTrajectoryFile('bin.npz', new Uint8Array(readFileSync(join(folder, 'bin.npz'))));
    expect(traj.kind === 'trajectory' && traj.T).toBe(6);
  });
});
