/**
 * End-to-end tests of the BUILT app's live page (dist/), in headless Chromium through playwright-core: what a user
 * plays. Run with `node scripts/e2e.mjs` (or `--grep='^[ghi]\.'`), or against a running server:
 * `E2E_URL=http://127.0.0.1:4173/ node --test test/e2e/live.e2e.mjs`. See docs/testing.md.
 *
 *   g. every preset (listed by `koopscope train --list`, so a new preset is covered without editing this file), quick
 *      variant, picked in the preset select and started with Space right after: it trains until a spectrum of that
 *      run appears (MNIST presets load ./data/mnist/); while the next preset starts, no spectrum of the previous run
 *      is ever on screen; at most one backend notice, no error notice;
 *   h. every "Run …" button of the demos gallery (read from the page) selects its preset, plays it without a press of
 *      Play, and scrolls the live plots into view; the last one runs until its spectrum shows;
 *   i. layout at 1366×768, 800×900 and 390×844: Play is on screen without scrolling; the scrubber's label and "Back to
 *      live" stay inside the spectrum's frame (above the next plot); screenshots go to $E2E_SCREENSHOTS (default: a
 *      temporary folder, printed);
 *   m. an MNIST file the server lacks: one error notice naming the URL tried; picking another preset clears it;
 *   j. no console errors, page errors or failed requests in any of the above (but m, whose 404 is the point).
 */
import { execFileSync } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { finishPage, openPage, startSession, waitReady } from './browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Waiting for one preset's first spectrum: generous, SwiftShader/wasm on a shared 2-core machine. */
const SPECTRUM_MS = 120_000;

let session;
const problems = [];
let current = '';

before(async () => { session = await startSession(path.join(root, 'dist')); });
after(async () => { await session?.close(); });

/** `koopscope train --list`: one preset per line, its name first. */
function presetNames() {
  const out = execFileSync(process.execPath, [path.join(root, 'bin/koopscope.js'), 'train', '--list'], { cwd: root, encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
}

async function open(hash, viewport = { width: 1280, height: 900 }) {
  const where = current;
  return openPage(session.browser, session.base, hash, (kind, text) => problems.push(`[${where}] ${kind}: ${text}`), viewport);
}

const finish = (page) => finishPage(page, (errors) => assert.deepEqual(errors, [], 'error notices on the page'));

const presetSelect = (page) => page.locator('section.presets select');
const freshness = (page) => page.getByTestId('spectrum-freshness');

/**
 * Waits until the spectrum on screen is one of `preset`'s (the freshness line names run and preset, and the plot's
 * label says the same); returns the line. Says what the page showed when it times out.
 */
async function waitSpectrum(page, preset) {
  try {
    await page.waitForFunction((preset) => {
      const line = document.querySelector('[data-testid="spectrum-freshness"]')?.textContent ?? '';
      const label = [...document.querySelectorAll('[data-plot="spectrum"] .annotation-text')].map((a) => a.textContent).join(' ');
      const re = new RegExp(`^run #\\d+ ${preset.replace(/[-]/g, '\\-')} \\(quick\\)`);
      return re.test(line) && / spectrum at step \d+/.test(line) && label.includes(`${preset} (quick)`) && line;
    }, preset, { timeout: SPECTRUM_MS, polling: 200 });
  } catch (e) {
    const seen = {
      state: await page.getByTestId('run-state').textContent(), step: await page.getByTestId('run-step').textContent(),
      progress: await page.getByTestId('run-progress').textContent().catch(() => null),
      notices: await page.locator('.notice').allTextContents(),
      line: await freshness(page).textContent().catch(() => null),
    };
    throw new Error(`${preset}: no spectrum of its own run appeared: ${JSON.stringify(seen)} (${e.message})`);
  }
  return freshness(page).textContent();
}

/**
 * Call just before switching to `preset`: from then on, records every text the page shows about whose spectrum is on
 * screen, at every animation frame: the freshness line once the header names `preset` (the same store update renders
 * both), and the plot's label from draws that began after the call (revision above the one then + 1: a draw already
 * under way may still show the old run, before the switch). `seen()` returns them.
 */
async function recordSpectrumLabels(page, preset) {
  await page.evaluate((preset) => {
    const w = /** @type {any} */ (window);
    const area = () => document.querySelector('[data-plot="spectrum"] .koop-plot-area');
    const r0 = Number(area()?.dataset.revision ?? 0);
    w.__labels = new Set();
    const look = () => {
      const progress = document.querySelector('[data-testid="run-progress"]')?.textContent;
      if (progress) w.__labels.add(`progress: ${progress}`);
      const switched = document.querySelector('[aria-label="Run status"] dd')?.textContent === preset;
      const line = switched && document.querySelector('[data-testid="spectrum-freshness"]')?.textContent;
      if (line) w.__labels.add(line.replace(/:.*$/, ''));
      if (Number(area()?.dataset.drawn ?? 0) > r0 + 1) {
        for (const a of document.querySelectorAll('[data-plot="spectrum"] .annotation-text')) if (a.textContent) w.__labels.add(a.textContent.replace(/ · .*$/, ''));
      }
      w.__look = requestAnimationFrame(look);
    };
    look();
  }, preset);
  return async () => page.evaluate(() => { const w = /** @type {any} */ (window); cancelAnimationFrame(w.__look); return [...w.__labels]; });
}

/** Pauses with the Pause button and waits until the header says so. */
async function pauseWithButton(page) {
  await page.getByRole('button', { name: /^Pause/ }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="run-state"]')?.textContent === 'paused', undefined, { timeout: 30_000 });
}

/** Pauses with Space (the page, not a control, has focus) and waits until the header says so. */
async function pauseWithSpace(page) {
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('[data-testid="run-state"]')?.textContent === 'paused', undefined, { timeout: 30_000 });
}

describe('Koopscope live page, built app', { concurrency: false }, () => {
  it('g. every preset trains live in the page (quick, started with Space right after picking it) until its spectrum appears; no old spectrum is drawn for a new run', { timeout: 30 * 60_000 }, async () => {
    current = 'g';
    const presets = presetNames();
    assert.ok(presets.length >= 12 && presets.includes('fcn-h5') && presets.includes('lenet-early'), `presets: ${presets}`);
    const mnist = [];
    const progressSeen = [];
    const first = presets[0] === 'quadratic' ? presets[1] : 'quadratic';
    const page = await open(`#v=1&preset=${first}&quick=1`);
    page.on('response', (r) => { if (/\/data\/mnist\//.test(r.url())) mnist.push(`${r.status()} ${new URL(r.url()).pathname}`); });
    await waitReady(page, SPECTRUM_MS);
    let previous;
    for (const preset of [first, ...presets.filter((p) => p !== first)]) {
      let seen;
      if (preset !== first) {
        seen = await recordSpectrumLabels(page, preset);
        await presetSelect(page).selectOption(preset);
      }
      // Space right after picking: the select gave the focus back, so the key reaches the page (README: Space plays)
      await page.keyboard.press(' ');
      const line = await waitSpectrum(page, preset);
      // the header gives the training rate while it plays
      await page.waitForFunction(() => /^\d[\d.]* (steps\/s|s\/step)$/.test(document.querySelector('[data-testid="steps-per-second"]')?.textContent ?? ''),
        undefined, { timeout: 30_000 }).catch(async () => { throw new Error(`${preset}: no steps/s in the header: ${await page.getByTestId('steps-per-second').textContent()}`); });
      await pauseWithSpace(page);
      if (preset === 'spiral') assert.match(await page.getByTestId('noise-note').textContent(), /noise σ = 0\.1.*about 83 % test accuracy is the best/);
      else assert.equal(await page.getByTestId('noise-note').count(), 0, `${preset}: the spiral's noise note`);
      if (seen) {
        const labels = await seen();
        progressSeen.push(...labels.filter((l) => l.startsWith('progress: ')));
        // the labels come from the generation each spectrum's reply carried: the old run's number means an old spectrum
        const stale = labels.filter((l) => previous && l.startsWith(`${previous} `));
        assert.deepEqual(stale, [], `after switching to ${preset}, the page showed ${previous}'s spectrum: ${labels.join(' | ')}`);
      }
      previous = /^run #\d+/.exec(line)[0];
      const notices = await page.locator('.notice').allTextContents();
      assert.equal(notices.filter((t) => /error|failed|could not/i.test(t) && !/WebGPU/.test(t)).length, 0, `${preset}: ${notices.join(' | ')}`);
      assert.ok(notices.filter((t) => /WebGPU/.test(t)).length <= 1, `${preset}: one backend notice at most: ${notices.join(' | ')}`);
      assert.equal(await page.locator('.notice-error').count(), 0, `${preset}: error notice`);
    }
    // setting up said what it did: loading MNIST (with the megabytes), building the models
    assert.ok(progressSeen.some((t) => /loading MNIST: [\d.]+ MB/.test(t)), `progress seen: ${[...new Set(progressSeen)].join(' | ')}`);
    assert.ok(progressSeen.some((t) => /building the models/.test(t)), `progress seen: ${[...new Set(progressSeen)].join(' | ')}`);
    // the four MNIST files came from ./data/mnist/ (once per MNIST preset), never a 404
    assert.ok(mnist.length >= 4 && mnist.every((r) => /^200 \/data\/mnist\/(train|t10k)-(images|labels)-idx[13]-ubyte$/.test(r)), mnist.join(', '));
    await finish(page);
  });

  it('h. every "Run" button of the demos gallery selects its preset, plays it and brings the live plots into view', { timeout: 20 * 60_000 }, async () => {
    current = 'h';
    const page = await open('#v=1&preset=quadratic&quick=1');
    await waitReady(page, SPECTRUM_MS);
    const gallery = page.locator('section.demos');
    const buttons = await gallery.getByRole('button', { name: /^Run / }).allTextContents();
    assert.ok(buttons.length >= 10, `gallery Run buttons: ${buttons}`);
    for (const [k, name] of buttons.entries()) {
      const button = gallery.getByRole('button', { name, exact: true });
      await button.scrollIntoViewIfNeeded();
      assert.ok(await page.evaluate(() => document.querySelector('section.plots').getBoundingClientRect().bottom < 0), 'the plots were in view already');
      await button.click();
      const preset = await presetSelect(page).inputValue();
      await page.waitForFunction(() => document.querySelector('[data-testid="run-state"]')?.textContent === 'playing', undefined, { timeout: SPECTRUM_MS })
        .catch(async (e) => { throw new Error(`${name} (${preset}) did not play: ${await page.getByTestId('run-state').textContent()} (${e.message})`); });
      await page.waitForFunction(() => {
        const r = document.querySelector('section.plots').getBoundingClientRect();
        return r.top >= -1 && r.top < innerHeight / 2;
      }, undefined, { timeout: 10_000 }).catch(() => { throw new Error(`${name}: the live plots were not scrolled into view`); });
      if (k === buttons.length - 1) await waitSpectrum(page, preset);
      await pauseWithButton(page); // (Space would press the focused Run button again)
    }
    await finish(page);
  });

  it('i. at 1366×768, 800×900 and 390×844 Play is on screen without scrolling, and the scrubber stays inside the spectrum\'s frame', { timeout: 5 * 60_000 }, async () => {
    current = 'i';
    const dir = process.env.E2E_SCREENSHOTS ?? fs.mkdtempSync(path.join(os.tmpdir(), 'koopscope-layout-'));
    fs.mkdirSync(dir, { recursive: true });
    for (const [width, height] of [[1366, 768], [800, 900], [390, 844]]) {
      const page = await open('#v=1&preset=quadratic&quick=1&lr=0.05&window=40&rank=r3', { width, height });
      await waitReady(page, SPECTRUM_MS);
      const play = await page.getByRole('button', { name: /^Play/ }).boundingBox();
      assert.ok(play && play.y >= 0 && play.y + play.height <= height && play.x + play.width <= width,
        `${width}×${height}: Play at ${JSON.stringify(play)} is not on screen without scrolling`);
      // a recording to scrub: twelve steps, then the slider back to snapshot 6. The steps are queued and the slider's
      // range follows the recording at most 4 times a second, so wait for ten snapshots rather than for the slider to
      // open: CI once caught it at exactly six, and setting 6 then changed nothing (React fires no change).
      for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
      const scrubber = page.getByTestId('scrubber');
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid="scrubber"]');
        return el && !el.disabled && Number(el.max) >= 10;
      }, undefined, { timeout: 60_000 });
      assert.notEqual(await scrubber.inputValue(), '6');
      if (width === 1366) {
        // the exported file is named after the run: seed and learning rate, decimals kept
        await freshness(page).waitFor({ timeout: 30_000 });
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export live spectrum (JSON)' }).click()]);
        assert.match(download.suggestedFilename(), /^quadratic_quick_seed_0_lr_0\.05_step_\d+\.spectrum\.json$/);
      }
      await scrubber.evaluate((el) => {
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, '6');
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.getByRole('button', { name: 'Back to live' }).waitFor();
      await page.getByTestId('scrub-label').filter({ hasText: /window ending at step/ }).waitFor({ timeout: 30_000 });
      // the plot says what it shows: the run, and that the window is a scrubbed one
      const step = /window ending at step (\d+)/.exec(await page.getByTestId('scrub-label').textContent())[1];
      await page.locator('[data-plot="spectrum"] .annotation-text', { hasText: new RegExp(`^run #\\d+ quadratic \\(quick\\) seed 0 · scrubbed window ending at step ${step}$`) })
        .waitFor({ timeout: 30_000 });
      const boxes = await page.evaluate(() => {
        const rect = (el) => el && (({ top, bottom, left, right }) => ({ top, bottom, left, right }))(el.getBoundingClientRect());
        const figure = document.querySelector('figure.spectrum-plot');
        const next = [...document.querySelectorAll('.plot-grid > figure')].filter((f) => f !== figure);
        return {
          frame: rect(figure), label: rect(document.querySelector('[data-testid="scrub-label"]')),
          back: rect([...figure.querySelectorAll('button')].find((b) => b.textContent === 'Back to live')),
          others: next.map(rect),
        };
      });
      const inside = (r) => r.top >= boxes.frame.top - 0.5 && r.bottom <= boxes.frame.bottom + 0.5;
      const overlaps = (a, b) => a.top < b.bottom && b.top < a.bottom && a.left < b.right && b.left < a.right;
      for (const what of ['label', 'back']) {
        assert.ok(inside(boxes[what]), `${width}×${height}: the scrubber's ${what} ${JSON.stringify(boxes[what])} is outside the spectrum frame ${JSON.stringify(boxes.frame)}`);
        assert.ok(boxes.others.every((o) => !overlaps(boxes[what], o)), `${width}×${height}: the scrubber's ${what} overlaps another plot`);
      }
      await page.screenshot({ path: path.join(dir, `live-${width}x${height}.png`) });
      await page.screenshot({ path: path.join(dir, `live-${width}x${height}-full.png`), fullPage: true });
      await finish(page);
    }
    console.log(`layout screenshots: ${dir}`);
  });

  it('m. an MNIST file the server does not have: the error notice names the URL the trainer tried', { timeout: 2 * 60_000 }, async () => {
    // no problem watcher here: the 404 is the point
    const context = await session.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route('**/data/mnist/train-labels-idx1-ubyte', (route) => route.fulfill({ status: 404, body: 'not found' }));
    const page = await context.newPage();
    await page.goto(`${session.base}#v=1&preset=fcn-h5&quick=1`, { waitUntil: 'domcontentloaded' });
    const notice = page.locator('.notice-error');
    await notice.first().waitFor({ timeout: 60_000 });
    const url = new URL('data/mnist/train-labels-idx1-ubyte', session.base).href;
    assert.equal(await notice.count(), 1);
    assert.ok((await notice.textContent()).includes(`could not load ${url} (HTTP 404)`), await notice.textContent());
    assert.equal(await page.getByTestId('run-state').textContent(), 'failed');
    // picking another preset clears the failure's notice (it was about that run)
    await presetSelect(page).selectOption('quadratic');
    await waitReady(page, SPECTRUM_MS);
    assert.equal(await page.locator('.notice-error').count(), 0);
    await context.close();
  });

  it('j. no console errors, page errors or failed requests in any test', () => {
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
  });
});
