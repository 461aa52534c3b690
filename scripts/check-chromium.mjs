#!/usr/bin/env node
// Run by `npm test` and `npm run test:browser` before the browser tests: exits 1 with ONE line saying how to get
// Chromium (or how to run the Node tests alone) when it is missing, instead of vitest's long launch error.
// The browser is CHROMIUM_PATH, else Debian's /usr/bin/chromium (docs/testing.md).
import { accessSync, constants } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
try {
  accessSync(path, constants.X_OK);
} catch {
  process.stderr.write(`browser tests need Chromium, not found at ${path}: install it (Debian: apt-get install -y ` +
    'chromium) or set CHROMIUM_PATH; the Node tests alone: npm run test:unit\n');
  process.exit(1);
}
