/**
 * End-to-end tests of the BUILT app's self-contained panels (dist/), in headless Chromium through playwright-core:
 * the Lyapunov panel (paper 3, src/lyapunov in a worker) and the KPFlow panel (paper 2, src/kpflow in a worker). Run
 * with `node scripts/e2e.mjs` (builds, serves, runs every test/e2e/*.e2e.mjs), or against a server already running:
 * `E2E_URL=http://127.0.0.1:4173/ node --test test/e2e/panels.e2e.mjs` (without E2E_URL this file serves ./dist).
 * See docs/testing.md.
 *
 *   l. Lyapunov, quadratic preset (quick, < 1 s): the FTLEs, the exact exponents ln|1 − ηh| and DMD's λ of the same
 *      run as the panel prints them, against the formula and against `koopscope lyapunov --json`'s O(1/τ) bound; the
 *      plot drew its seven traces; a paper-3 quick run starts (progress) and Cancel leaves the panel idle and usable;
 *   k. KPFlow, memory-pro-rnn quick (300 steps, about 8 s in the browser): runs to the end; the three operator plots and the
 *      Koopman spectrum of the run drew; the loss fell; no alert;
 *   p. no console errors, page errors or failed requests in any of the above.
 */
import { execFileSync } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSession, watchProblems } from './browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const T = 90_000; // per-test timeout: a 2-core machine, maybe shared

let session;
/** Every console error, page error and failed request, tagged with the test it happened in. */
const problems = [];

before(async () => { session = await startSession(path.join(root, 'dist')); });
after(async () => { await session?.close(); });

/** A fresh page (own context) with every kind of problem collected under `name`. */
async function open(name) {
  const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchProblems(page, (kind, text) => problems.push(`[${name}] ${kind}: ${text}`));
  await page.goto(session.base, { waitUntil: 'domcontentloaded' });
  return page;
}

/** `koopscope …` through bin/koopscope.js (the bundled CLI); returns stdout. */
function cli(...args) {
  return execFileSync(process.execPath, [path.join(root, 'bin/koopscope.js'), ...args], { cwd: root, encoding: 'utf8' });
}

/** The numbers in "LABEL = a, b, c" of `text` (the panel prints them with toFixed). */
function numbersAfter(text, label) {
  const i = text.indexOf(label);
  assert.ok(i >= 0, `"${label}" is not in: ${text}`);
  const m = /^\s*=\s*([-\d., ]+)/.exec(text.slice(i + label.length));
  assert.ok(m, `no numbers after "${label}" in: ${text}`);
  return m[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
}

/** Waits until every plotly figure under `root` drew an SVG; returns how many traces each has. */
async function drawnTraces(page, root, figures) {
  const plots = page.locator(`${root} figure`);
  await page.waitForFunction(({ root, figures }) => {
    const f = [...document.querySelectorAll(`${root} figure`)];
    return f.length === figures && f.every((x) => x.querySelector('svg.main-svg .scatterlayer .trace'));
  }, { root, figures }, { timeout: 30_000 });
  return plots.evaluateAll((fs) => fs.map((f) => f.querySelectorAll('.scatterlayer .trace').length));
}

describe('Koopscope panels, built app', { concurrency: false }, () => {
  it('l. Lyapunov: the quadratic FTLEs converge to ln|1 − ηh| within the O(1/τ) bound, DMD gives 1 − ηh, and a paper-3 run cancels cleanly', { timeout: T }, async () => {
    const page = await open('l');
    const panel = page.locator('section.lyapunov');
    await panel.getByTestId('lyapunov-preset').selectOption('quadratic');
    assert.ok(await panel.getByLabel('quick').isChecked());
    await panel.getByTestId('lyapunov-run').click();
    const summary = panel.getByTestId('lyapunov-summary');
    await summary.waitFor({ timeout: 30_000 });
    const text = (await summary.textContent()).replace(/\s+/g, ' ');

    // docs/methods.md E6: lr 0.05, curvatures 1, 3, 10 → 1 − ηh = 0.95, 0.85, 0.5
    const formula = [0.95, 0.85, 0.5].map((m) => Math.log(m)); // −0.051293, −0.162519, −0.693147
    const exact = numbersAfter(text, 'ln|1 − ηh|');
    assert.equal(exact.length, 3, text);
    exact.forEach((x, i) => assert.ok(Math.abs(x - formula[i]) <= 5e-6, `ln|1 − ηh|[${i}] = ${x}, formula ${formula[i]}`));
    // the FTLEs over the longest window: the CLI's numbers (same float64 code) and within its bound of the formula
    const ref = JSON.parse(cli('lyapunov', '--preset', 'quadratic', '--quick', '--json')).result;
    const last = ref.windows[ref.windows.length - 1];
    const ftle = numbersAfter(text, `FTLE over [0, ${last.tau})`);
    assert.equal(ftle.length, 3, text);
    ftle.forEach((x, i) => {
      assert.ok(Math.abs(x - last.ftle[i]) <= 5e-6, `FTLE[${i}] = ${x} in the panel, ${last.ftle[i]} in the CLI`);
      assert.ok(Math.abs(x - formula[i]) <= last.bound[i] + 1e-5, `|FTLE[${i}] − ln|1 − ηh|| = ${Math.abs(x - formula[i])} > bound ${last.bound[i]}`);
    });
    assert.match(text, /within the O\(1\/τ\) bound: yes\./);
    assert.match(text, /DMD of the same run: λ = 0\.9500, 0\.8500, 0\.5000 /);
    // one figure: 3 running FTLEs, 3 dashed ln|1 − ηh| lines, DMD's markers
    assert.deepEqual(await drawnTraces(page, 'section.lyapunov .lyapunov-grid', 1), [7]);

    // paper 3 quick (seconds of work): it starts, reports progress, and Cancel ends it with no result and no alert
    await panel.getByTestId('lyapunov-preset').selectOption('paper3');
    const run = panel.getByTestId('lyapunov-run');
    await run.click();
    const progress = panel.getByRole('progressbar', { name: 'Reproduction progress' });
    await progress.waitFor();
    assert.equal(await run.textContent(), 'Running…');
    assert.ok(await panel.getByTestId('lyapunov-preset').isDisabled(), 'the preset can change while running');
    await page.waitForFunction(() => Number(document.querySelector('section.lyapunov progress')?.value) > 0, undefined, { timeout: 30_000 });
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await progress.waitFor({ state: 'detached' });
    assert.equal(await run.textContent(), 'Run');
    assert.ok(await run.isEnabled());
    assert.equal(await summary.count(), 0, 'a result after Cancel');
    // the panel still works: the quadratic again
    await panel.getByTestId('lyapunov-preset').selectOption('quadratic');
    await run.click();
    await summary.waitFor({ timeout: 30_000 });
    assert.equal(await panel.getByRole('alert').count(), 0);
    await page.context().close();
  });

  it('k. KPFlow: memory-pro-rnn (quick) trains to the end; the operator plots and the Koopman spectrum of the run drew, no alert', { timeout: T }, async () => {
    const page = await open('k');
    const panel = page.locator('section.kpflow');
    assert.equal(await panel.getByTestId('kpflow-preset').inputValue(), 'memory-pro-rnn');
    assert.ok(await panel.getByLabel('quick').isChecked());
    await panel.getByTestId('kpflow-run').click();
    await panel.getByRole('progressbar', { name: 'Reproduction progress' }).waitFor();
    const summary = panel.getByTestId('kpflow-summary');
    await summary.waitFor({ timeout: 75_000 });
    assert.equal(await panel.getByRole('progressbar').count(), 0);
    assert.equal(await panel.getByTestId('kpflow-run').textContent(), 'Run');

    // full-space effective rank/PR (6 traces), unit-space ranks of K, P P*, P K P* and the hidden-state PCA dimension
    // (3 + 2), eigenvalues (3), misdirection (1: one task), Koopman (unit circle + eigenvalues)
    assert.deepEqual(await drawnTraces(page, 'section.kpflow .kpflow-grid', 5), [6, 5, 3, 1, 2]);
    const koopman = panel.locator('figure[aria-label^="Koopman spectrum"]');
    const eigenvalues = await koopman.locator('.scatterlayer .trace').nth(1).locator('path.point').count();
    assert.ok(eigenvalues > 0, 'no Koopman eigenvalue markers');
    assert.match(await koopman.locator('.gtitle').textContent(), /^Koopman spectrum \(rank \d+, \d+ snapshots\)$/);

    const text = (await summary.textContent()).replace(/\s+/g, ' ');
    const m = /^loss ([\d.e+-]+) → ([\d.e+-]+) in [\d.]+ s;/.exec(text);
    assert.ok(m, text);
    assert.ok(Number(m[2]) < Number(m[1]), `the loss did not fall: ${text}`);
    assert.doesNotMatch(text, /VIOLATED/);
    assert.equal(await panel.getByRole('alert').count(), 0);
    await page.context().close();
  });

  it('p. no console errors, page errors or failed requests in any test', () => {
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
});
