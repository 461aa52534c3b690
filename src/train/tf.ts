/**
 * The one place that imports TensorFlow.js core. tfjs-core's index does not register the gradient functions or the
 * chained tensor methods (`x.matMul`), so both side-effect imports are needed with the core package alone
 * (docs/browser-notes.md#core-imports). In Node the ESM build of tfjs-core has directory imports that Node's loader
 * rejects, so the command line is bundled by esbuild (mainFields: module first) and vitest inlines @tensorflow
 * packages; both then load one ESM copy of tfjs-core, which matters because gradients register into that copy's
 * engine.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export { tf };
