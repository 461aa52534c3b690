/**
 * The Python recorder (python/koopscope_recorder.py) against the real server and the engine:
 * - its sketch is the engine's (src/koopman/sketch.ts): the same float64 numbers, bit for bit, for every NumPy found;
 * - a NumPy training loop streamed into `koopscope watch --record` and the same loop saved offline give files with the
 *   same spectrum; with no server listening it falls back to the file;
 * - with PyTorch (Debian's /usr/bin/python3 has 1.13): a real training run streamed equals the offline file, and a
 *   streamed sketch=k has the spectrum of `koopscope spectrum --sketch k --seed s` of the full run;
 * - torch.distributed (gloo, 2 processes): the sketch summed over shards equals the unsharded one.
 * Tests that need torch are skipped with a note where no python3 has it. Python runs asynchronously (execFile), since
 * the server it talks to lives in this process.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './inProcess';
import { startWatchServer, type WatchServer } from '../../src/cli/commands/watch';
import { readNpy, readTrajectoryFile } from '../../src/io/index';
import { Sketcher } from '../../src/koopman/sketch';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const script = (name: string) => join(root, 'test/python', name);

const has = (py: string, mod: string) => spawnSync(py, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
const numpyPythons = [...new Set(['python3', '/usr/bin/python3'])].filter((p) => has(p, 'numpy'));
const torchPython = ['python3', '/usr/bin/python3'].find((p) => has(p, 'torch'));
if (!torchPython) process.stderr.write('recorder.test: no python3 with torch (python3, /usr/bin/python3): the PyTorch tests are skipped\n');

function python(py: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((ok) => {
    execFile(py, args, { cwd: root, timeout: 240_000, maxBuffer: 16 << 20 }, (e, out, err) => {
      ok({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: String(out), err: String(err) });
    });
  });
}
function pythonEnv(py: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((ok) => {
    execFile(py, args, { cwd: root, timeout: 240_000, maxBuffer: 16 << 20, env: { ...process.env, ...env } }, (e, out, err) => {
      ok({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: String(out), err: String(err) });
    });
  });
}
function lastJson(out: string) {
  return JSON.parse(out.trim().split('\n').filter((l) => l.startsWith('{')).pop()!);
}
async function spectrum(...args: string[]) {
  const r = await cli('spectrum', ...args, '--json');
  if (r.code !== 0) throw new Error(r.err);
  return JSON.parse(r.out) as { eigenvalues: [number, number][]; singularValues: number[] };
}
function maxDiff(a: [number, number][], b: [number, number][]) {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map(([re, im], i) => Math.hypot(re - b[i][0], im - b[i][1])));
}
function trajectory(path: string) {
  const t = readTrajectoryFile('f.npz', new Uint8Array(readFileSync(path)));
  if (t.kind !== 'trajectory') throw new Error('not a trajectory');
  return t;
}

let dir = '', rec = '';
let srv: WatchServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'koopscope-recorder-'));
  rec = mkdtempSync(join(tmpdir(), 'koopscope-recorder-rec-'));
  srv = await startWatchServer({ port: 0, record: rec, recordEvery: 7 });
});
afterAll(async () => { await srv?.close(); });

describe.skipIf(numpyPythons.length === 0)('the sketch port', () => {
  it.each(numpyPythons)('%s: S·x equals the engine\'s sketch bit for bit (one block), to 1e-14 in blocks', async (py) => {
    const out = mkdtempSync(join(dir, 'sk-'));
    const r = await python(py, [script('sketch_cases.py'), out]);
    expect(r.code, r.err).toBe(0);
    const { cases } = lastJson(r.out);
    expect(cases.length).toBe(6);
    for (const c of cases) {
      const x = readNpy(new Uint8Array(readFileSync(join(out, `x${c.i}.npy`)))).data as Float32Array;
      const s = readNpy(new Uint8Array(readFileSync(join(out, `s${c.i}.npy`)))).data as Float64Array;
      const want = new Float64Array(c.dim);
      new Sketcher(c.N, { dim: c.dim, seed: c.seed }).apply(x, 0, want);
      if (!c.blocked) expect(Array.from(s), `case ${c.i}`).toEqual(Array.from(want));
      else for (let k = 0; k < c.dim; k++) expect(Math.abs(s[k] - want[k])).toBeLessThan(1e-14 * (1 + Math.abs(want[k])));
    }
  });
});

describe.skipIf(numpyPythons.length === 0)('NumPy training', () => {
  const py = numpyPythons[0];
  it('streamed into koopscope watch and saved offline: the same trajectory and spectrum', async () => {
    const on = await python(py, [script('train_numpy.py'), srv.url, srv.token, 'np-run', 'none']);
    expect(on.code, on.err).toBe(0);
    expect(lastJson(on.out).online).toBe(true);
    const offFile = join(dir, 'np-off.npz');
    const off = await python(py, [script('train_numpy.py'), 'none', '', 'np-off', offFile]);
    expect(off.code, off.err).toBe(0);
    const a = trajectory(join(rec, 'np-run.npz')), b = trajectory(offFile);
    expect([a.T, a.N, a.params.map((p) => p.name)]).toEqual([41, 9, ['w', 'c']]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.steps!)).toEqual(Array.from(b.steps!));
    const sa = await spectrum(join(rec, 'np-run.npz'), '--rank', '4'), sb = await spectrum(offFile, '--rank', '4');
    expect(sa.eigenvalues).toEqual(sb.eigenvalues);
  });
  it('falls back to the file when no server answers, with one line saying so', async () => {
    const file = join(dir, 'nobody.npz');
    const r = await python(py, [script('train_numpy.py'), 'http://127.0.0.1:9', 'x', 'nobody', file]);
    expect(r.code, r.err).toBe(0);
    expect(lastJson(r.out).online).toBe(false);
    expect(r.err).toMatch(/no koopscope watch at http:\/\/127\.0\.0\.1:9 .*recording to .*nobody\.npz instead/);
    expect(trajectory(file).T).toBe(41);
  });
  it('a diverged step (NaN weights) is skipped with one line; training and the recording go on', async () => {
    const file = join(dir, 'diverged.npz');
    const r = await pythonEnv(py, [script('train_numpy.py'), srv.url, srv.token, 'np-nan', file], { KOOPSCOPE_TEST_DIVERGE: '1' });
    expect(r.code, r.err).toBe(0);
    expect(r.err.match(/NaN\/Inf/g)).toHaveLength(1);
    expect(trajectory(file).T).toBe(30); // steps 0..29: the NaN enters with update 30
    expect(trajectory(join(rec, 'np-nan.npz')).T).toBe(30);
  });
  it('a server restarted on the same port, folder and token: the trainer reconnects and the recording is whole', async () => {
    const folder = mkdtempSync(join(dir, 'restart-'));
    const token = 'restart-token-0123456789';
    const first = await startWatchServer({ port: 0, record: folder, token, recordEvery: 1000 });
    const port = first.port;
    const done = pythonEnv(py, [script('train_numpy.py'), first.url, token, 'np-restart', 'none'], { KOOPSCOPE_TEST_SLOW: '0.05' });
    const count = (s: WatchServer) => s.runs().find((x) => x.run === 'np-restart')?.count ?? 0;
    for (let i = 0; i < 600 && count(first) < 8; i++) await new Promise((ok) => setTimeout(ok, 50));
    expect(count(first)).toBeGreaterThanOrEqual(8);
    await first.close(); // writes np-restart.npz so far
    await new Promise((ok) => setTimeout(ok, 300));
    const second = await startWatchServer({ port, record: folder, token, recordEvery: 1000 });
    try {
      const r = await done;
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/lost http:\/\/127\.0\.0\.1:\d+ .*will retry/);
      expect(r.err).toMatch(/is back/);
    } finally { await second.close(); }
    const t = trajectory(join(folder, 'np-restart.npz'));
    expect(Array.from(t.steps!)).toEqual(Array.from({ length: 41 }, (_, i) => i));
    const off = trajectory(join(dir, 'np-off.npz'));
    expect(Array.from(t.data)).toEqual(Array.from(off.data));
  });
  it('a trainer restarted with start_step and the same run id continues the run; steps it resends are ignored', async () => {
    const a = await python(py, [script('train_numpy.py'), srv.url, srv.token, 'np-resume', 'none']);
    expect(a.code, a.err).toBe(0);
    const b = await pythonEnv(py, [script('train_numpy.py'), srv.url, srv.token, 'np-resume', 'none'], { KOOPSCOPE_TEST_START: '30' });
    expect(b.code, b.err).toBe(0);
    expect(b.err).toMatch(/run 'np-resume' resumes after step 40/);
    const t = trajectory(join(rec, 'np-resume.npz'));
    expect(Array.from(t.steps!)).toEqual(Array.from({ length: 71 }, (_, i) => i));
  });
  it('a wrong token is an error, not a silent fallback', async () => {
    const r = await python(py, [script('train_numpy.py'), srv.url, 'wrong', 'np-bad', 'none']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/RecorderError: .*HTTP 401: missing or wrong token/);
  });
});

describe.skipIf(!torchPython)('PyTorch training (torch from ' + (torchPython ?? 'nowhere') + ')', () => {
  const py = torchPython!;
  it('a real run streamed into the server records the file the offline mode writes (same spectrum)', async () => {
    const on = await python(py, [script('train_torch.py'), `${srv.url}/?token=${srv.token}`, '', 'torch-run', 'none', '0', '0']);
    expect(on.code, on.err).toBe(0);
    expect(lastJson(on.out).online).toBe(true);
    const offFile = join(dir, 'torch-off.npz');
    const off = await python(py, [script('train_torch.py'), 'none', '', 'torch-off', offFile, '0', '0']);
    expect(off.code, off.err).toBe(0);
    const a = trajectory(join(rec, 'torch-run.npz')), b = trajectory(offFile);
    expect([a.T, a.N]).toEqual([31, 6 * 12 + 12 + 12 + 1]);
    expect(a.params.map((p) => [p.name, p.shape])).toEqual(b.params.map((p) => [p.name, p.shape]));
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    expect(worst).toBeLessThanOrEqual(1e-6); // the same float32 weights (CPU torch is deterministic: usually 0)
    const sa = await spectrum(join(rec, 'torch-run.npz'), '--rank', '6'), sb = await spectrum(offFile, '--rank', '6');
    const d = maxDiff(sa.eigenvalues, sb.eigenvalues);
    process.stderr.write(`recorder.test: torch streamed vs offline: max |Δw| ${worst}, max |Δλ| ${d}\n`);
    expect(d).toBeLessThan(1e-5);
  });
  it('sketch=k streamed equals koopscope spectrum --sketch k --seed s of the full run', async () => {
    const on = await python(py, [script('train_torch.py'), srv.url, srv.token, 'torch-sketch', 'none', '24', '11']);
    expect(on.code, on.err).toBe(0);
    const full = join(dir, 'torch-full.npz');
    const off = await python(py, [script('train_torch.py'), 'none', '', 'torch-full', full, '0', '0']);
    expect(off.code, off.err).toBe(0);
    const streamed = trajectory(join(rec, 'torch-sketch.npz'));
    expect([streamed.N, streamed.params[0].name, (streamed.meta?.sketch as { seed: number }).seed]).toEqual([24, 'sketch', 11]);
    const sa = await spectrum(join(rec, 'torch-sketch.npz'), '--rank', '6');
    const sb = await spectrum(full, '--rank', '6', '--sketch', '24', '--seed', '11');
    const d = maxDiff(sa.eigenvalues, sb.eigenvalues);
    process.stderr.write(`recorder.test: streamed sketch vs --sketch of the full file: max |Δλ| ${d}\n`);
    expect(d).toBeLessThan(1e-4); // the stream carries the float64 sketch rounded to float32
    const sw = sa.singularValues.map((s, i) => Math.abs(s - sb.singularValues[i]) / sb.singularValues[0]);
    expect(Math.max(...sw)).toBeLessThan(1e-6);
  });
  it('torch.distributed (gloo, 2 processes): the all_reduced sketch of the shards equals the unsharded sketch', async () => {
    const out = mkdtempSync(join(dir, 'dist-'));
    const r = await python(py, [script('distributed.py'), out, '32', '5']);
    if (r.code === 77) { process.stderr.write(`recorder.test: distributed test skipped: ${r.out.trim()}\n`); return; }
    expect(r.code, r.err).toBe(0);
    const info = lastJson(r.out);
    expect(info.pieces[0][1]).toBeLessThan(info.N); // rank 0 held only part of the vector
    const a = trajectory(join(out, 'sharded.npz')), b = trajectory(join(out, 'full.npz'));
    expect([a.T, a.N]).toEqual([21, 32]);
    let worst = 0, scale = 0;
    for (let i = 0; i < a.data.length; i++) { worst = Math.max(worst, Math.abs(a.data[i] - b.data[i])); scale = Math.max(scale, Math.abs(b.data[i])); }
    expect(worst).toBeLessThanOrEqual(1e-6 * scale);
    // and both equal the engine's --sketch of the unsharded weights
    const sa = await spectrum(join(out, 'sharded.npz'), '--rank', '5');
    const sb = await spectrum(join(out, 'weights.npz'), '--rank', '5', '--sketch', '32', '--seed', '5');
    expect(maxDiff(sa.eigenvalues, sb.eigenvalues)).toBeLessThan(1e-4);
  });
});
