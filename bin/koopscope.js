#!/usr/bin/env node
// The `koopscope` command. The TypeScript sources are bundled by `npm run build:cli` (run by `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist-cli/koopscope.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('koopscope: the command line is not built yet; run `npm run build:cli` (or `npm install`) first\n');
  process.exit(2);
}
await import(bundle);
