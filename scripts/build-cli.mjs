// Bundles the command line (src/cli/node.ts and the pure core it imports) into dist-cli/koopscope.mjs, so
// `npx koopscope` runs with plain Node after `npm install` (the package's `prepare` runs this).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// the Gram worker thread (src/cli/gramWorkers.ts loads dist-cli/gramWorker.mjs next to the bundle)
await build({
  entryPoints: [`${root}/src/cli/gramWorker.ts`],
  outfile: `${root}/dist-cli/gramWorker.mjs`,
  bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: true, logLevel: 'warning',
});
await build({
  entryPoints: [`${root}/src/cli/node.ts`],
  outfile: `${root}/dist-cli/koopscope.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // tfjs-core: take the ESM build for every import, so the deep side-effect imports in src/train/tf.ts register
  // gradients into the same copy of the engine as the main import
  mainFields: ['module', 'main'],
  // ml-matrix and friends are CommonJS-free ESM or dual; a require shim covers any CJS dependency
  // and __filename/__dirname, which tfjs-backend-wasm's Emscripten glue reads in Node to find its .wasm binaries
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; "
      + "import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); "
      + 'const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);',
  },
});
