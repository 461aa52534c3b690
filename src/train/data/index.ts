/**
 * The data sets of the training side (contracts in ../types.ts). Pure TypeScript: runs in workers and in Node.
 *
 * `makeDataset(spec, seed)` builds the data set; every random draw comes from `new Sfc32(mixSeed(seed, 'data'))`, so
 * the same spec and seed always give the same arrays, and a trainer can take its batch order from another stream of
 * the same seed (e.g. `mixSeed(dataSeed, 'batches')`) without correlating with the data. MNIST is not random (the
 * first images in file order) and needs the raw IDX bytes in `sources.mnist`.
 */
import type { Dataset, DatasetSpec } from '../types';
import { mixSeed, Sfc32 } from '../../linalg/random';
import { mnistDataset, type MnistSources } from './mnist';
import { modularDataset } from './modular';
import { syntheticDataset } from './synthetic';

export { MNIST_FILES, MNIST_SUBSET, MNIST_WEB_DIR, MNIST_MEAN, MNIST_STD, encodeIdx, loadMnistSources, mnistDataset, parseIdx, parseMnistImages, parseMnistLabels, type MnistSources } from './mnist';
export { modularDataset, modularTrainCount } from './modular';
export { DEFAULT_TEST_FRACTION, REGRESSION_1D, REGRESSION_2D, syntheticDataset, trainCount } from './synthetic';

export interface DataSources {
  mnist?: MnistSources;
}

/** The empty data set of the 'none' kind (the quadratic teaching presets have no data). */
export function emptyDataset(spec: DatasetSpec = { kind: 'none' }): Dataset {
  return {
    spec, task: 'none', inputShape: [], outputs: 0, nTrain: 0, nTest: 0,
    xTrain: new Float32Array(0), yTrain: new Float32Array(0), xTest: new Float32Array(0), yTest: new Float32Array(0),
  };
}

/** Builds the data set of `spec` with data seed `seed`. Throws a clear Error for a bad spec or missing MNIST bytes. */
export function makeDataset(spec: DatasetSpec, seed: number, sources?: DataSources): Dataset {
  if (spec === null || typeof spec !== 'object') throw new Error(`Dataset spec must be an object, got ${String(spec)}`);
  const rng = () => new Sfc32(mixSeed(seed, 'data'));
  switch (spec.kind) {
    case 'spiral':
    case 'circles':
    case 'xor':
    case 'gaussians':
    case 'regression1d':
    case 'regression2d':
      return syntheticDataset(spec, rng());
    case 'modular':
      return modularDataset(spec, rng());
    case 'mnist':
      if (!sources?.mnist) {
        throw new Error("MNIST data not loaded: pass the four IDX files as sources.mnist (browser: loadMnistSources over fetch of " +
          "./data/mnist/, written by 'node scripts/prepare-data.mjs'; Node: loadMnistFiles() from src/train/node/mnistFiles.ts)");
      }
      return mnistDataset(spec, sources.mnist);
    case 'none':
      return emptyDataset(spec);
    default: {
      const never: never = spec;
      throw new Error(`Unknown dataset kind '${String((never as { kind?: unknown }).kind)}'`);
    }
  }
}
