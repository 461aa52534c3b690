/** Shared helpers of the data generators: argument checks and the seeded train/test split. Pure TypeScript. */
import type { Sfc32 } from '../../linalg/random';

type Rows = Float32Array | Int32Array;

/** Rows idx[start … end) of a row-major (n, width) array, in that order. */
export function gatherRows<T extends Rows>(src: T, width: number, idx: ArrayLike<number>, start: number, end: number): T {
  const out = new (src.constructor as { new (n: number): T })((end - start) * width);
  for (let k = start; k < end; k++) {
    const from = idx[k] * width;
    out.set(src.subarray(from, from + width), (k - start) * width);
  }
  return out;
}

export interface Split<X extends Rows, Y extends Rows> {
  xTrain: X;
  yTrain: Y;
  xTest: X;
  yTest: Y;
  nTrain: number;
  nTest: number;
}

/**
 * Shuffles the n rows with `rng` and puts the first `nTrain` in the training set, the rest in the test set (both in
 * shuffled order).
 */
export function shuffleSplit<X extends Rows, Y extends Rows>(
  x: X, xWidth: number, y: Y, yWidth: number, n: number, nTrain: number, rng: Sfc32,
): Split<X, Y> {
  const perm = rng.permutation(n);
  return {
    xTrain: gatherRows(x, xWidth, perm, 0, nTrain),
    yTrain: gatherRows(y, yWidth, perm, 0, nTrain),
    xTest: gatherRows(x, xWidth, perm, nTrain, n),
    yTest: gatherRows(y, yWidth, perm, nTrain, n),
    nTrain,
    nTest: n - nTrain,
  };
}

export function checkCount(what: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${what} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

export function checkFraction(what: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new Error(`${what} must be a number strictly between 0 and 1, got ${String(value)}`);
  }
  return value;
}

export function checkNoise(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${what} must be a finite number ≥ 0, got ${String(value)}`);
  }
  return value;
}
