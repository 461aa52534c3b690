import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

// Two projects: `node` (the numerical core, io and the command line; most tests) and `browser` (a few smokes in
// headless Chromium, whose `--enable-unsafe-webgpu` gives a software WebGPU adapter). CHROMIUM_PATH overrides the
// Debian location; `.ci/run` installs the package.
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
        },
      },
      {
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
          browser: {
            enabled: true,
            headless: true,
            instances: [{ browser: 'chromium' }],
            provider: playwright({
              launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
            }),
          },
        },
      },
    ],
  },
});
