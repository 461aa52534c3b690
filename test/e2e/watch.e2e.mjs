/**
 * End-to-end test of the page served by `koopscope watch` (docs/watch.md "The page"), in headless Chromium: a real
 * training script streams its weights with python/koopscope_recorder.py, the page opened from the printed URL lists the
 * server's runs and shows one live through the stream worker and the Koopman worker. Run with `node scripts/e2e.mjs`
 * (it builds dist/ and dist-cli/), or alone after those builds: `node --test test/e2e/watch.e2e.mjs`.
 *
 *   w. two training scripts at once (PyTorch MLPs when a python3 has torch, else a NumPy one; seed-1 sketched to 16
 *      values): both runs appear in
 *      the page's list as they register (SSE), the first is shown live (its spectrum drawn), and once they close the
 *      spectrum table of seed-0 equals `koopscope spectrum DIR/seed-0.npz --window a:b --json` of the same 64
 *      snapshots (float32 data: 1e-4); the sketched run is shown too, and seed-0's spectrum joins the run list;
 *   x. the server stopped mid-run: one notice says so, the page stays usable (the run list and the last spectrum
 *      stay, new DMD options refit the window held in the page, and a preset picked then trains: its worker scripts
 *      come from the browser's cache).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { finishPage, launchChromium, openPage, tableRows } from './browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built app koopscope watch serves: scripts/e2e.mjs's (--dist), else ./dist. */
const dist = process.env.E2E_DIST ?? path.join(root, 'dist');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'koopscope-watch-e2e-'));
const T = 240_000;
const WINDOW = 64; // the page's default DMD window (store.ts DEFAULT_DMD); the CLI is given the same snapshots
/**
 * Rank 4 for both: the live window's fit and the CLI's agree to float32 precision on the leading modes; at rank 10 the
 * trailing singular values of this small model sit near float32 round-off, where the live fit keeps fewer of them.
 */
const RANK = 4;

const has = (py, mod) => spawnSync(py, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
const torchPython = ['python3', '/usr/bin/python3'].find((p) => has(p, 'torch'));
const python = torchPython ?? ['python3', '/usr/bin/python3'].find((p) => has(p, 'numpy'));

/** The training script: STEPS steps of a small model, a snapshot every EVERY steps, `pause` s between steps. */
const SCRIPT = `
import sys, time
sys.path.insert(0, ${JSON.stringify(path.join(root, 'python'))})
from koopscope_recorder import Recorder
url, run, seed, steps, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
sketch = int(sys.argv[6]) if len(sys.argv) > 6 else None
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    torch.manual_seed(seed); torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
    x = torch.randn(64, 4); y = torch.sin(x.sum(1, keepdim=True))
    rec = Recorder(url, params=model.named_parameters(), every=2, run=run, sketch=sketch, meta={"torch": torch.__version__})
    for t in range(steps):
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad(); loss.backward(); opt.step()
        rec.step(loss)
        time.sleep(pause)
else:
    import numpy as np
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((4, 1)).astype(np.float32); x = rng.standard_normal((64, 4)).astype(np.float32); y = x.sum(1, keepdims=True)
    rec = Recorder(url, params=[("w", w)], every=2, run=run, sketch=sketch, meta={"numpy": np.__version__})
    for t in range(steps):
        g = x.T @ (x @ w - y) / len(x); w -= 0.05 * g
        rec.step(float(((x @ w - y) ** 2).mean()))
        time.sleep(pause)
rec.close()
`;
fs.writeFileSync(path.join(tmp, 'train.py'), SCRIPT);

/** Starts `koopscope watch --port 0 --record DIR`; resolves with the printed URL and the process. */
async function startWatch(record) {
  fs.mkdirSync(record, { recursive: true });
  const child = spawn(process.execPath, [path.join(root, 'bin/koopscope.js'), 'watch', '--port', '0', '--record', record, '--app', dist],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stderr.on('data', (c) => { err += c; });
  const url = await new Promise((ok, fail) => {
    child.stdout.on('data', (c) => { out += c; const m = /(http:\/\/\S+\?token=\S+)/.exec(out); if (m) ok(m[1]); });
    child.on('exit', (code) => fail(new Error(`koopscope watch exited (${code}): ${err}`)));
  });
  return { url, child, stop: () => new Promise((ok) => { if (child.exitCode !== null) ok(); else { child.on('exit', ok); child.kill('SIGINT'); } }) };
}

/** Runs train.py for `run`; resolves when it exits (rejects on a non-zero status, with its stderr). */
function train(url, run, seed, steps, pause, sketch) {
  const child = spawn(python, [path.join(tmp, 'train.py'), url, run, String(seed), String(steps), String(pause), ...(sketch ? [String(sketch)] : [])],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  const done = new Promise((ok, fail) => child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`train.py ${run} exited ${code}: ${err}`)))));
  return { child, done };
}

function cli(...args) {
  return execFileSync(process.execPath, [path.join(root, 'bin/koopscope.js'), ...args], { cwd: root, encoding: 'utf8' });
}

let browser;
const problems = [];
const servers = [];
before(async () => { browser = await launchChromium(); });
after(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const watchedNames = (page) => page.locator('[data-testid="watched-runs"] li button').allTextContents();
const live = 'section.plots';

describe('Koopscope page served by koopscope watch', { concurrency: false, skip: python ? false : 'no python3 with numpy' }, () => {
  it('w. two recorded trainings appear in the run list; the shown one is live and its spectrum equals the CLI\'s on the recording', { timeout: T }, async () => {
    const record = path.join(tmp, 'runs');
    const server = await startWatch(record);
    servers.push(server);
    const page = await openPage(browser, server.url, `#v=1&rank=r${RANK}&table=1`, (kind, text) => problems.push(`[w] ${kind}: ${text}`));
    await page.locator('[data-testid="watched-runs"]').waitFor({ timeout: 60_000 });
    const steps = 300;
    const runs = [train(server.url, 'seed-0', 0, steps, 0.01), train(server.url, 'seed-1', 1, steps, 0.01, 16)]; // seed-1 sketched: 16 values a snapshot
    // both appear while they train (SSE `run` events), and one is shown live: its spectrum drawn, labelled as watched
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="watched-runs"] li').length === 2, undefined, { timeout: 60_000 });
    assert.deepEqual((await watchedNames(page)).sort(), ['seed-0', 'seed-1']);
    await page.waitForFunction(() => {
      const line = document.querySelector('[data-testid="spectrum-freshness"]')?.textContent ?? '';
      const drawn = Number(document.querySelector('[data-plot="spectrum"] .koop-plot-area')?.dataset.drawn ?? 0);
      return / seed-[01] \(watched\): spectrum at step \d+/.test(line) && drawn > 0;
    }, undefined, { timeout: 120_000, polling: 200 }).catch(async (e) => {
      throw new Error(`no live spectrum of a watched run: ${await page.locator('.notice').allTextContents()} ${await page.getByTestId('spectrum-freshness').textContent().catch(() => '')} (${e.message})`);
    });
    await Promise.all(runs.map((r) => r.done));
    // show seed-0 (again): the whole run streams through the stream worker; its last window ends at the last step
    await page.locator('[data-testid="watched-runs"] li[data-run="seed-0"] button').click();
    await page.waitForFunction(({ live, steps }) => new RegExp(`ending at step ${steps}:`).test(document.querySelector(`${live} table.spectrum caption`)?.textContent ?? '')
      && /seed-0 \(watched\)/.test(document.querySelector('[aria-label="Run status"] dd')?.textContent ?? ''),
    { live, steps }, { timeout: 60_000, polling: 200 });
    assert.match(await page.locator('[data-testid="watched-runs"] li[data-run="seed-0"]').textContent(), /151 snapshots, step 300, closed/);
    assert.equal(await page.getByTestId('run-step').textContent(), String(steps));
    // the recording has T = 151 snapshots (step 0 and every 2nd); the page's window is the last 64 of them
    const file = path.join(record, 'seed-0.npz');
    const T0 = 1 + steps / 2;
    const expected = JSON.parse(cli('spectrum', file, '--rank', String(RANK), '--delays', '0', '--window', `${T0 - WINDOW}:${T0}`, '--json'));
    const rows = await tableRows(page, live);
    const caption = await page.locator(`${live} table.spectrum caption`).textContent();
    assert.equal(rows.length, expected.eigenvalues.length, `${rows.length} eigenvalues in the page (${caption}: ${JSON.stringify(rows)}), ${expected.eigenvalues.length} from the CLI (rank ${expected.rank}: ${JSON.stringify(expected.eigenvalues)}, warnings ${expected.warnings})`);
    rows.forEach(([i, re, im, abs], k) => {
      const [xr, xi] = expected.eigenvalues[k];
      assert.ok(Math.abs(re - xr) <= 1e-4 && Math.abs(im - xi) <= 1e-4 && Math.abs(abs - expected.details[k].abs) <= 1e-4,
        `eigenvalue ${i}: ${re} ${im}i (|λ| ${abs}) in the page, ${xr} ${xi}i in the CLI`);
    });
    // the loss curve got the frames' losses
    await page.waitForFunction(() => Number(document.querySelector('[data-plot="loss"] .koop-plot-area')?.dataset.drawn ?? 1) > 0, undefined, { timeout: 10_000 });
    // the sketched run: 16 values a snapshot, shown the same way
    assert.match(await page.locator('[data-testid="watched-runs"] li[data-run="seed-1"]').textContent(), /sketch of 16 \(N = \d+\)/);
    await page.locator('[data-testid="watched-runs"] li[data-run="seed-1"] button').click();
    await page.waitForFunction(({ live, steps }) => new RegExp(`ending at step ${steps}:`).test(document.querySelector(`${live} table.spectrum caption`)?.textContent ?? '')
      && /seed-1 \(watched\)/.test(document.querySelector('[aria-label="Run status"] dd')?.textContent ?? ''), { live, steps }, { timeout: 60_000, polling: 200 });
    // Compare: the spectra shown before (seed-0's, the first run's) joined the run list as the shown run changed
    assert.ok((await page.locator('section.run-list > ul li').allTextContents()).some((t) => /seed-0 \(watched\) @ step 300/.test(t)), 'seed-0 is not in the run list');
    // the transport: no Play/Step/Reset for a stream (its script sets the pace); R says why; one button trains here again
    assert.match(await page.getByTestId('watch-transport').textContent(), /Watching seed-1/);
    await page.keyboard.press('r');
    await page.locator('.notice', { hasText: /seed-1 is trained by its own script/ }).first().waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: /in the page$/ }).click();
    await page.waitForFunction(() => !/watched/.test(document.querySelector('[aria-label="Run status"] dd')?.textContent ?? '')
      && /Pause|Play/.test(document.querySelector('.transport button.primary')?.textContent ?? ''), undefined, { timeout: 30_000, polling: 200 });
    await finishPage(page, (errors) => assert.deepEqual(errors, [], 'error notices on the page'));
    assert.deepEqual(problems.filter((p) => p.startsWith('[w]')), [], 'console errors or failed requests');
    await server.stop();
  });

  it('x. the server stopped mid-run: one notice, and the page keeps working', { timeout: T }, async () => {
    const server = await startWatch(path.join(tmp, 'runs-x'));
    servers.push(server);
    const page = await openPage(browser, server.url, '#v=1&table=1', (kind, text) => problems.push(`[x] ${kind}: ${text}`));
    const run = train(server.url, 'slow', 2, 100_000, 0.02);
    run.done.catch(() => { /* killed below, on purpose */ });
    try {
      await page.waitForFunction(() => / slow \(watched\): spectrum at step \d+/.test(document.querySelector('[data-testid="spectrum-freshness"]')?.textContent ?? ''),
        undefined, { timeout: 120_000, polling: 200 });
      await server.stop();
      const notice = page.locator('.notice', { hasText: /does not answer/ });
      await notice.first().waitFor({ timeout: 30_000 });
      const texts = await page.locator('.notice').allTextContents();
      assert.ok(texts.filter((t) => /does not answer/.test(t)).length <= 2, `notices: ${texts.join(' | ')}`);
      assert.ok(texts.every((t) => !t.includes('\n')), 'notices are one line');
      // the page is alive: the run stays listed, its spectrum stays, and the Koopman worker refits it with new DMD
      // options
      assert.deepEqual(await watchedNames(page), ['slow']);
      assert.ok((await tableRows(page, live))?.length > 0, 'the last spectrum is gone');
      await page.getByLabel('r', { exact: true }).fill('2');
      await page.getByLabel('r', { exact: true }).press('Tab');
      await page.waitForFunction((live) => /: 2 eigenvalues, rank 2,/.test(document.querySelector(`${live} table.spectrum caption`)?.textContent ?? ''), live, { timeout: 30_000 })
        .catch(async (e) => { throw new Error(`no refit after the server stopped: ${await page.locator(`${live} table.spectrum caption`).textContent().catch(() => 'no table')} (${e.message})`); });
      assert.deepEqual(await page.locator('.notice-error').allTextContents(), []);
      // and a preset picked now trains in the page: its worker scripts come from the browser's cache (hashed assets)
      await page.locator('section.presets select').selectOption('spiral');
      await page.getByRole('button', { name: /^Play/ }).click({ timeout: 60_000 }); // enabled once the trainer is ready
      await page.waitForFunction(() => !/watched/.test(document.querySelector('[aria-label="Run status"] dd')?.textContent ?? '')
        && Number(document.querySelector('[data-testid="run-step"]')?.textContent ?? 0) > 0, undefined, { timeout: 60_000, polling: 200 })
        .catch(async (e) => { throw new Error(`no training after the server stopped: ${(await page.locator('.notice').allTextContents()).join(' | ')} (${e.message})`); });
      assert.deepEqual(await page.locator('.notice-error').allTextContents(), []);
      await page.context().close();
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
