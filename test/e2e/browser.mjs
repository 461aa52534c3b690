/**
 * Shared by the e2e tests (test/e2e/*.e2e.mjs) and the browser benchmark (bench/app-browser.mjs): the headless
 * Chromium launch (system Chromium through playwright-core; the flags: docs/testing.md) and small page helpers.
 */
import * as fs from 'node:fs';
import { chromium } from 'playwright-core';
import { serveStatic } from './server.mjs';

/** Headless Chromium flags (docs/testing.md): --enable-unsafe-webgpu gives the SwiftShader WebGPU adapter. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function chromiumPath() {
  const p = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(p)) {
    throw new Error(`no Chromium at ${p}: install the chromium package (Debian: apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return p;
}

export function launchChromium() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

/** Waits until the run is initialised: the header says 'paused' (phase ready) and Play is enabled. */
export async function waitReady(page, timeout = 60_000) {
  await page.waitForFunction(() => {
    const state = document.querySelector('[data-testid="run-state"]')?.textContent;
    const play = [...document.querySelectorAll('button')].find((b) => /^(Play|Pause)\b/.test(b.textContent ?? ''));
    return (state === 'paused' || state === 'playing') && play && !play.disabled;
  }, undefined, { timeout, polling: 100 });
}

/** Rows of the spectrum table under `root` (a CSS selector) as numbers: [#, Re, Im, |λ|]. */
export function tableRows(page, root) {
  return page.evaluate((sel) => {
    const table = document.querySelector(`${sel} table.spectrum`);
    if (!table) return null;
    return [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => Number(td.textContent)));
  }, root);
}

/**
 * Reports every problem of `page` to `note(kind, text)`: console.error (the page's console event carries its dedicated
 * workers' messages too, playwright-core 1.65), uncaught page errors, failed requests (but aborted ones), HTTP errors
 * and crashes.
 */
export function watchProblems(page, note) {
  page.on('console', (m) => { if (m.type() === 'error') note('console.error', `${m.text()} (${m.location().url || 'page'})`); });
  page.on('pageerror', (e) => note('pageerror', e.stack ?? e.message));
  page.on('requestfailed', (r) => { if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) note('requestfailed', `${r.url()} ${r.failure()?.errorText}`); });
  page.on('response', (r) => { if (r.status() >= 400) note('http', `${r.status()} ${r.url()}`); });
  page.on('crash', () => note('crash', 'the page crashed'));
}

/**
 * What an e2e file tests against: the app at E2E_URL (scripts/e2e.mjs serves one), else the folder `dist` served here;
 * and a browser. `close()` ends both.
 */
export async function startSession(dist) {
  let server;
  let base = process.env.E2E_URL;
  if (!base) {
    server = await serveStatic(dist);
    base = server.url;
  }
  const browser = await launchChromium();
  return { base, browser, close: async () => { await browser.close(); await server?.close(); } };
}

/**
 * A fresh page (its own context, `viewport`) at `base + hash`, with console and request problems noted through
 * `note(kind, text)`; the e2e files' common opening.
 */
export async function openPage(browser, base, hash, note, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchProblems(page, note);
  await page.goto(base + hash, { waitUntil: 'domcontentloaded' });
  return page;
}

/** Closes the page's context and fails on any error notice the page still shows. */
export async function finishPage(page, assertEmpty) {
  const errors = await page.locator('.notice-error').allTextContents();
  await page.context().close();
  assertEmpty(errors);
}
