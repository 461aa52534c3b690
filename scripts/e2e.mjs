#!/usr/bin/env node
/**
 * End-to-end tests of the built app: `node scripts/e2e.mjs` builds it (`vite build` into dist/), serves dist/ on a
 * free port with the COOP/COEP headers of `vite preview` (test/e2e/server.mjs), and runs test/e2e/*.e2e.mjs with
 * node:test in headless Chromium (playwright-core, the system Chromium: CHROMIUM_PATH, default /usr/bin/chromium).
 * Ends with one line CI can read: `e2e: N passed, M failed (S s)`; the exit status is non-zero on any failure.
 *
 *   --no-build           test the dist/ that is there (fails if there is none)
 *   --dist=DIR           build into / serve DIR instead of dist/
 *   --port=N             serve on port N (default: any free port)
 *   --grep=PATTERN       only tests whose name matches (node:test --test-name-pattern)
 *
 * What is tested and why: docs/testing.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from '../test/e2e/browser.mjs';
import { serveStatic } from '../test/e2e/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const dist = path.resolve(root, opt('dist') ?? 'dist');
const port = Number(opt('port') ?? 0);
const grep = opt('grep');
const t0 = performance.now();
const log = (msg) => console.log(`e2e: ${msg}`);

function run(cmd, args, what) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    log(`${what} failed (${r.status ?? r.signal})`);
    log('0 passed, 1 failed');
    process.exit(1);
  }
  log(`${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

try {
  chromiumPath();
} catch (e) {
  log(e.message);
  log('0 passed, 1 failed');
  process.exit(1);
}

// The tests call the command line (bin/koopscope.js) for reference spectra and trajectories.
if (!fs.existsSync(path.join(root, 'dist-cli/koopscope.mjs'))) run(process.execPath, ['scripts/build-cli.mjs'], 'build the CLI');
if (argv.includes('--no-build')) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    log(`--no-build, but ${path.relative(root, dist) || '.'}/index.html does not exist`);
    log('0 passed, 1 failed');
    process.exit(1);
  }
} else {
  run(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'],
    `vite build → ${path.relative(root, dist)}`);
}

const server = await serveStatic(dist, port);
log(`serving ${path.relative(root, dist)} at ${server.url}`);

const files = fs.readdirSync(path.join(root, 'test/e2e')).filter((f) => f.endsWith('.e2e.mjs')).sort().map((f) => path.join('test/e2e', f));
const tap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'koopscope-e2e-')), 'report.tap');
const args = ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap',
  `--test-reporter-destination=${tap}`, ...(grep ? [`--test-name-pattern=${grep}`] : []), ...files];
const child = spawn(process.execPath, args, {
  cwd: root, stdio: 'inherit', env: { ...process.env, E2E_URL: server.url, E2E_DIST: dist, CHROMIUM_PATH: chromiumPath() },
});
const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
await server.close();

const report = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
fs.rmSync(path.dirname(tap), { recursive: true, force: true });
const count = (key) => Number(report.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled') + (code !== 0 && count('fail') + count('cancelled') === 0 ? 1 : 0);
log(`${passed} passed, ${failed} failed (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
