/**
 * Synthetic data sets: the TensorFlow Playground's 2-D classification toys and small regression problems. Pure
 * TypeScript; every random number comes from the seeded `Sfc32`.
 *
 * Scale and noise (all kinds): inputs lie in about [−1, 1] (the Playground's [−6, 6] divided by 5 for the toys), and
 * `noise` is the standard deviation of isotropic Gaussian noise added to every input coordinate (classification) or
 * to the target (regression), in those units. Useful values: 0 … 0.2.
 *
 * Classification kinds are exactly balanced (class c gets ⌊n/k⌋ points, plus one for c < n mod k) before the
 * seeded shuffle; the split then puts a random `testFraction` (default 0.2) of the rows in the test set:
 * nTest = round(n · testFraction), clamped so that at least one training row remains.
 */
import type { Dataset, DatasetSpec } from '../types';
import type { Sfc32 } from '../../linalg/random';
import { checkCount, checkFraction, checkNoise, shuffleSplit } from './split';

export type SyntheticSpec = Extract<DatasetSpec, { kind: 'spiral' | 'circles' | 'xor' | 'gaussians' | 'regression1d' | 'regression2d' }>;
type ToySpec = Extract<SyntheticSpec, { kind: 'spiral' | 'circles' | 'xor' | 'gaussians' }>;

export const DEFAULT_TEST_FRACTION = 0.2;

/** Regression targets before noise, x ∈ [−1, 1] (exported so views can draw the ground truth). */
export const REGRESSION_1D: Record<'sin' | 'cubic' | 'step', (x: number) => number> = {
  sin: (x) => Math.sin(Math.PI * x),
  cubic: (x) => x * x * x,
  step: (x) => (x < 0 ? -1 : 1),
};

/** Regression targets before noise, (x1, x2) ∈ [−1, 1]². */
export const REGRESSION_2D: Record<'saddle' | 'bump' | 'sincos', (x1: number, x2: number) => number> = {
  saddle: (x1, x2) => x1 * x1 - x2 * x2,
  bump: (x1, x2) => Math.exp(-4 * (x1 * x1 + x2 * x2)),
  sincos: (x1, x2) => Math.sin(Math.PI * x1) * Math.cos(Math.PI * x2),
};

/** Class sizes of an exactly balanced labelling of n points into k classes. */
function classCounts(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0));
}

/** Generates the n points of a 2-D toy (class-sorted, not yet shuffled): x (n, 2), y (n) labels. */
export function generateToy(spec: ToySpec, rng: Sfc32): { x: Float32Array; y: Int32Array; classes: number } {
  const { n, noise } = spec;
  const k = spec.kind === 'gaussians' ? (spec.classes ?? 2) : 2;
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  let row = 0;
  const put = (px: number, py: number, label: number): void => {
    x[2 * row] = px + (noise > 0 ? rng.normal(0, noise) : 0);
    x[2 * row + 1] = py + (noise > 0 ? rng.normal(0, noise) : 0);
    y[row++] = label;
  };
  const counts = classCounts(n, k);
  for (let c = 0; c < k; c++) {
    const m = counts[c];
    for (let i = 0; i < m; i++) {
      switch (spec.kind) {
        case 'spiral': {
          // the Playground's two interleaved spirals: radius grows linearly, 1.75 turns, class 1 rotated by π
          const r = i / m;
          const t = 1.75 * 2 * Math.PI * r + c * Math.PI;
          put(r * Math.sin(t), r * Math.cos(t), c);
          break;
        }
        case 'circles': {
          // class 0: a disk of radius 0.5; class 1: the ring 0.7 … 1 around it
          const r = c === 0 ? rng.uniform(0, 0.5) : rng.uniform(0.7, 1);
          const t = rng.uniform(0, 2 * Math.PI);
          put(r * Math.sin(t), r * Math.cos(t), c);
          break;
        }
        case 'xor': {
          // class 0 in quadrants I and III, class 1 in II and IV, kept 0.05 away from the axes
          const sx = rng.uniform() < 0.5 ? -1 : 1;
          const sy = c === 0 ? sx : -sx;
          put(sx * (0.05 + 0.95 * rng.uniform()), sy * (0.05 + 0.95 * rng.uniform()), c);
          break;
        }
        case 'gaussians': {
          // k blobs of std 0.15 with centres on a circle of radius 0.6 (k = 2: the Playground's diagonal pair)
          const a = Math.PI / 4 + (2 * Math.PI * c) / k;
          put(0.6 * Math.cos(a) + rng.normal(0, 0.15), 0.6 * Math.sin(a) + rng.normal(0, 0.15), c);
          break;
        }
      }
    }
  }
  return { x, y, classes: k };
}

function checkSynthetic(spec: SyntheticSpec): number {
  checkCount(`${spec.kind}: n`, spec.n, 1);
  checkNoise(`${spec.kind}: noise`, spec.noise);
  const f = spec.testFraction === undefined ? DEFAULT_TEST_FRACTION : checkFraction(`${spec.kind}: testFraction`, spec.testFraction);
  if (spec.kind === 'gaussians' && spec.classes !== undefined) checkCount('gaussians: classes', spec.classes, 2);
  if (spec.kind === 'regression1d' && !Object.hasOwn(REGRESSION_1D, spec.fn)) {
    throw new Error(`regression1d: fn must be one of ${Object.keys(REGRESSION_1D).join(', ')}, got ${String(spec.fn)}`);
  }
  if (spec.kind === 'regression2d' && !Object.hasOwn(REGRESSION_2D, spec.fn)) {
    throw new Error(`regression2d: fn must be one of ${Object.keys(REGRESSION_2D).join(', ')}, got ${String(spec.fn)}`);
  }
  return f;
}

/** Training rows of n after holding out round(n · testFraction) (at least one training row). */
export function trainCount(n: number, testFraction: number): number {
  return n - Math.min(n - 1, Math.round(n * testFraction));
}

/** A synthetic data set for `spec`, every random draw from `rng` (generation first, then the split's shuffle). */
export function syntheticDataset(spec: SyntheticSpec, rng: Sfc32): Dataset {
  const testFraction = checkSynthetic(spec);
  const n = spec.n;
  const nTrain = trainCount(n, testFraction);
  switch (spec.kind) {
    case 'spiral':
    case 'circles':
    case 'xor':
    case 'gaussians': {
      const { x, y, classes } = generateToy(spec, rng);
      return { spec, task: 'classification', inputShape: [2], outputs: classes, ...shuffleSplit(x, 2, y, 1, n, nTrain, rng) };
    }
    case 'regression1d': {
      const f = REGRESSION_1D[spec.fn];
      const x = new Float32Array(n);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const xi = rng.uniform(-1, 1);
        x[i] = xi;
        y[i] = f(xi) + (spec.noise > 0 ? rng.normal(0, spec.noise) : 0);
      }
      return { spec, task: 'regression', inputShape: [1], outputs: 1, ...shuffleSplit(x, 1, y, 1, n, nTrain, rng) };
    }
    case 'regression2d': {
      const f = REGRESSION_2D[spec.fn];
      const x = new Float32Array(2 * n);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const x1 = rng.uniform(-1, 1);
        const x2 = rng.uniform(-1, 1);
        x[2 * i] = x1;
        x[2 * i + 1] = x2;
        y[i] = f(x1, x2) + (spec.noise > 0 ? rng.normal(0, spec.noise) : 0);
      }
      return { spec, task: 'regression', inputShape: [2], outputs: 1, ...shuffleSplit(x, 2, y, 1, n, nTrain, rng) };
    }
    default: {
      const never: never = spec;
      throw new Error(`Unknown synthetic data set kind '${(never as { kind: string }).kind}'`);
    }
  }
}
