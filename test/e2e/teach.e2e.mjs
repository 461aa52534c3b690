/**
 * End-to-end tests of the BUILT app's teaching views (dist/), in headless Chromium through playwright-core. Run with
 * `node scripts/e2e.mjs --grep='^[notu]\.'` (see docs/testing.md).
 *
 *   n. the spiral preset (2 input features): the data-and-model plot appears beside the loss and, while the run plays,
 *      its label ("decision regions · model at step N") follows the training step; the regression preset (1 feature)
 *      shows a fitted curve; a preset with more features (quadratic) shows none;
 *   o. the guided tour: "Guided tour" opens step 1 of 5 and runs the quadratic preset until its spectrum shows; Next
 *      walks through momentum, edge of stability, past the edge and spiral, each selecting its preset and saying what
 *      to look for; the spiral step shows its decision regions; Finish closes the tour;
 *   t. "How to read the circle" opens and its live reading follows the spectrum on screen;
 *   u. no console errors, page errors or failed requests in any of the above.
 * Nothing here measures speed (bench/app-browser.mjs does).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { finishPage, openPage, startSession, waitReady } from './browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SPECTRUM_MS = 120_000;

let session;
const problems = [];

before(async () => { session = await startSession(path.join(root, 'dist')); });
after(async () => { await session?.close(); });

async function open(hash, where, viewport = { width: 1280, height: 900 }) {
  return openPage(session.browser, session.base, hash, (kind, text) => problems.push(`[${where}] ${kind}: ${text}`), viewport);
}

const finish = (page) => finishPage(page, (errors) => assert.deepEqual(errors, [], 'error notices on the page'));

/** The text labels the field plot drew (its annotations, mirrored into the DOM by LivePlot). */
const fieldLabel = (page) => page.evaluate(() => document.querySelector('[data-plot="field"] .annotation-text')?.textContent ?? '');

/** Waits until the field plot's label names a model step above `after`; returns that step. */
async function fieldStepAbove(page, kind, after) {
  const h = await page.waitForFunction(({ kind, after }) => {
    const t = document.querySelector('[data-plot="field"] .annotation-text')?.textContent ?? '';
    const m = new RegExp(`^${kind} · model at step (\\d+)$`).exec(t);
    return m && Number(m[1]) > after && { step: Number(m[1]) }; // an object: step 0 is falsy
  }, { kind, after }, { timeout: SPECTRUM_MS, polling: 100 });
  return (await h.jsonValue()).step;
}

/** Waits until the spectrum on screen is a run of `preset` (the freshness line names run and preset). */
async function waitSpectrum(page, preset) {
  await page.waitForFunction((preset) => {
    const line = document.querySelector('[data-testid="spectrum-freshness"]')?.textContent ?? '';
    return new RegExp(`^run #\\d+ ${preset.replace(/-/g, '\\-')} seed \\d+: spectrum at step \\d+`).test(line);
  }, preset, { timeout: SPECTRUM_MS, polling: 200 });
}

describe('Koopscope teaching views, built app', { concurrency: false }, () => {
  it('n. the data and the model: decision regions for spiral that follow training, a fitted curve for regression, none for quadratic', { timeout: 5 * 60_000 }, async () => {
    const page = await open('#v=1&preset=spiral&quick=1', 'n');
    await waitReady(page, SPECTRUM_MS);
    const plot = page.getByTestId('field-plot');
    await plot.waitFor();
    assert.ok(await plot.locator('canvas').count() === 1, 'no canvas in the field plot');
    // before Play: the model's output at step 0 over the training points
    assert.equal(await fieldStepAbove(page, 'decision regions', -1), 0);
    await page.getByRole('button', { name: /^Play/ }).click();
    // it stays current: the label's step climbs, twice, and keeps up with the header's step
    const s1 = await fieldStepAbove(page, 'decision regions', 0);
    const s2 = await fieldStepAbove(page, 'decision regions', s1);
    assert.ok(s2 > s1, `${s1} → ${s2}`);
    await page.getByRole('button', { name: /^Pause/ }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-state"]')?.textContent === 'paused');
    const header = Number(await page.getByTestId('run-step').textContent());
    await page.waitForFunction((header) => {
      const m = /model at step (\d+)$/.exec(document.querySelector('[data-plot="field"] .annotation-text')?.textContent ?? '');
      return m && Number(m[1]) === header;
    }, header, { timeout: 30_000 });
    const summary = await page.locator('[data-plot="field"] .koop-plot-summary').textContent();
    assert.match(summary, /decision regions over \d+ training points of 2 classes, at step \d+/);

    // 1 feature: a fitted curve
    await page.locator('section.presets select').selectOption('regression');
    await waitReady(page, SPECTRUM_MS);
    assert.match(await (async () => { await fieldStepAbove(page, 'fitted curve', -1); return fieldLabel(page); })(), /^fitted curve · model at step 0$/);
    // no input plane to draw: no field plot
    await page.locator('section.presets select').selectOption('quadratic');
    await waitReady(page, SPECTRUM_MS);
    await plot.waitFor({ state: 'detached', timeout: 30_000 });
    await finish(page);
  });

  it('o. the guided tour walks quadratic → momentum → edge of stability → past the edge → spiral, each step running its preset', { timeout: 10 * 60_000 }, async () => {
    const page = await open('#v=1&preset=regression', 'o');
    await waitReady(page, SPECTRUM_MS);
    await page.getByTestId('tour-start').click();
    const card = page.getByTestId('tour');
    const steps = [
      ['quadratic', /Gradient descent on a quadratic/, /0\.95, 0\.85 and 0\.5/],
      ['momentum', /Momentum makes rotations/, /complex pairs/],
      ['edge-of-stability', /edge of stability/, /near −1/],
      ['past-the-edge', /Past the edge/, /outside the circle/],
      ['spiral', /two spirals/, /decision regions/],
    ];
    for (const [i, [preset, title, look]] of steps.entries()) {
      await card.filter({ hasText: `step ${i + 1} of 5` }).waitFor();
      assert.match(await card.locator('h3').textContent(), title);
      assert.match(await card.textContent(), look);
      assert.equal(await page.locator('section.presets select').inputValue(), preset);
      // the step plays its preset: a spectrum of that run appears (past the edge diverges after it)
      await waitSpectrum(page, preset);
      if (i < steps.length - 1) await card.getByRole('button', { name: /^Next/ }).click();
    }
    // the last step's network has a data plane: its decision regions are drawn and follow training
    const s = await fieldStepAbove(page, 'decision regions', 0);
    await fieldStepAbove(page, 'decision regions', s);
    // Back returns a step; Finish ends the tour
    await card.getByRole('button', { name: 'Back' }).click();
    await card.filter({ hasText: 'step 4 of 5' }).waitFor();
    assert.equal(await page.locator('section.presets select').inputValue(), 'past-the-edge');
    await card.getByRole('button', { name: /^Next/ }).click();
    await card.getByRole('button', { name: 'Finish' }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByTestId('tour-start').waitFor();
    // past the edge diverges by design: its warning is no error
    await finish(page);
  });

  it('t. "How to read the circle" explains the circle, and its reading follows the live spectrum', { timeout: 5 * 60_000 }, async () => {
    const page = await open('#v=1&preset=quadratic&quick=1&window=40&rank=r3', 't');
    await waitReady(page, SPECTRUM_MS);
    await page.locator('details.explain summary').click();
    const reading = page.getByTestId('spectrum-reading');
    assert.match(await reading.textContent(), /No spectrum yet/);
    await page.getByRole('button', { name: /^Play/ }).click();
    await reading.filter({ hasText: /^Now: \d+ eigenvalues?, largest \|λ\| = 0\.9\d\d; .*inside \(decaying\)\.$/ }).waitFor({ timeout: SPECTRUM_MS });
    for (const text of ['λ = 1', 'Inside the circle', 'Complex pairs', 'Negative, near −1', 'Outside the circle', 'edge of stability']) {
      assert.ok((await page.locator('details.explain').textContent()).includes(text), `no "${text}"`);
    }
    await finish(page);
  });

  it('u. no console errors, page errors or failed requests in any test', () => {
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
});
