import { accessSync, constants } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

// Two projects: `node` (the numerical core, io and the command line; most tests) and `browser` (a few smokes in
// headless Chromium, whose `--enable-unsafe-webgpu` gives a software WebGPU adapter). CHROMIUM_PATH overrides the
// Debian location; `.ci/run` installs the package. Without Chromium the browser project is left out with one line
// saying so (instead of vitest's 151-line launch error); `npm test` and `npm run test:browser` fail on it first
// (scripts/check-chromium.mjs), so a missing browser never passes silently there.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = (() => {
  try { accessSync(chromium, constants.X_OK); return true; } catch { return false; }
})();
if (!hasChromium && !process.argv.includes('node')) {
  process.stderr.write(`vitest: no Chromium at ${chromium}: browser tests left out (Debian: apt-get install -y chromium, ` +
    'or set CHROMIUM_PATH; npm run test:unit runs the Node tests alone)\n');
}
const chromiumArgs = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export default defineConfig({
  resolve: { mainFields: ['module', 'jsnext:main', 'jsnext'] },
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          // tfjs-core's ESM build uses directory imports that Node's loader rejects: let Vite transform it, and
          // resolve the ESM build first so gradients register into the same copy (src/train/tf.ts)
          server: { deps: { inline: [/@tensorflow\//] } },
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          testTimeout: 60_000,
          // a beforeAll that trains a small model took longer than the 10 s default under load
          hookTimeout: 60_000,
        },
      },
      ...(hasChromium ? [{
        // Pre-bundle the page's dependencies up front: when Vite's optimiser discovers one in the middle of a run it
        // reloads, and two copies of React can end up loaded ("Cannot read properties of null (reading 'useCallback')")
        optimizeDeps: {
          include: ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'zustand', 'zustand/vanilla',
            'plotly.js-basic-dist-min', 'fflate', 'ml-matrix'],
        },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            instances: [{ browser: 'chromium' as const }],
            provider: playwright({
              launchOptions: { executablePath: chromium, args: chromiumArgs },
            }),
          },
        },
      }] : []),
    ],
  },
});
