/**
 * Browser-only registration of the tfjs wasm backend; ./backend.ts imports this module lazily, the first time wasm
 * is tried, so the ~150 KB of glue and the .wasm binaries only load when wasm is a candidate, and Node (vitest, the
 * command line) never has to resolve Vite's `?url` imports.
 *
 * - The binaries ship through Vite: each `?url` import makes Vite emit the file into dist/assets (hashed) and gives
 *   its URL, and `setWasmPaths` wants all three names even though only one is fetched
 *   (docs/browser-notes.md#wasm-binaries).
 * - Single-threaded: the threaded build's pthread blob workers break under Vite's minification ("e is not defined",
 *   and setBackend('wasm') never resolved), and threads did not help on 2 cores (same section). The flag must be set
 *   before the backend initialises; the import above it registers the flag.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { tf } from './tf';
import { registerWasmTrainingKernels } from './wasmKernels';

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
registerWasmTrainingKernels();
setWasmPaths({
  'tfjs-backend-wasm.wasm': plainUrl,
  'tfjs-backend-wasm-simd.wasm': simdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdUrl,
});
