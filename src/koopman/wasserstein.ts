/**
 * Wasserstein-1 distance between two eigenvalue sets in the complex plane (docs/methods.md#pipeline item 6, #e10).
 *
 * Each set is an empirical measure Σ_k w_k δ(λ_k) on ℂ ≅ ℝ² with ground cost |λ − μ| (Euclidean). By default the
 * weights are uniform, 1/n₁ and 1/n₂, and every eigenvalue counts, both members of a conjugate pair included.
 *
 * - Equal sizes, uniform weights: W1 is the mean matched cost of the exact minimum-cost assignment (a Birkhoff–von
 *   Neumann vertex of the transport polytope is a permutation), which is paper 1's Hungarian W.
 * - Unequal sizes or explicit weights: exact weighted transport (earth mover's distance). A truncated assignment,
 *   which matches only min(n₁, n₂) points, is not W1 and is never used.
 *
 * Uniform unequal sizes use integer masses n₂ per point of the first set and n₁ per point of the second (total
 * n₁·n₂), so the transport totals balance exactly in float64; the cost is divided by n₁·n₂ afterwards.
 */

import { UserError } from '../linalg/errors';
import { solveAssignment } from '../linalg/assignment';
import { solveTransport, type TransportEntry } from '../linalg/transport';

/** Complex points as parallel arrays (re[k], im[k]). */
export interface ComplexPoints {
  re: ArrayLike<number>;
  im: ArrayLike<number>;
}

/**
 * Any of the eigenvalue-set shapes the app and the command line hold:
 * parallel arrays, `[re, im]` pairs, `{re, im}` objects (e.g. `Spectrum.eigenvalues`), or a `Spectrum`-like object.
 */
export type EigenvalueSet =
  | ComplexPoints
  | ReadonlyArray<readonly [number, number]>
  | ReadonlyArray<{ readonly re: number; readonly im: number }>
  | { readonly eigenvalues: ReadonlyArray<{ readonly re: number; readonly im: number }> };

/**
 * Atom weights. `uniform`: 1/n per eigenvalue. `weighted`: one non-negative weight per eigenvalue of each set (e.g.
 * mode amplitudes |b|), each set normalized to total 1 before transport.
 */
export type W1Weights =
  | { kind: 'uniform' }
  | { kind: 'weighted'; a: ArrayLike<number>; b: ArrayLike<number> };

export interface W1Options {
  /** Default `{ kind: 'uniform' }`. */
  weights?: W1Weights;
}

export interface W1Result {
  /** W1 (in the units of λ; for discrete-time eigenvalues, per snapshot interval). */
  distance: number;
  /** `assignment` for equal sizes with uniform weights, else `transport`. */
  method: 'assignment' | 'transport';
  /** The optimal coupling: entries (i in a, j in b, mass), masses summing to 1. */
  plan: TransportEntry[];
}

export type WassersteinErrorCode = 'empty' | 'not-finite' | 'shape' | 'weights';

/** Bad input to the W1 functions; `message` quotes the offending value. */
export class WassersteinError extends UserError {
  override name = 'Error computing the Wasserstein distance.';
  declare readonly code: WassersteinErrorCode;
  constructor(code: WassersteinErrorCode, message: string) {
    super(code, message);
  }
}

/** W1 between two eigenvalue sets; see the module comment for the definition and method. */
export function wasserstein1(a: EigenvalueSet, b: EigenvalueSet, options: W1Options = {}): number {
  return wasserstein1Plan(a, b, options).distance;
}

/** W1 together with the optimal coupling and the method used. Throws WassersteinError on bad input. */
export function wasserstein1Plan(a: EigenvalueSet, b: EigenvalueSet, options: W1Options = {}): W1Result {
  const p = toComplexPoints(a, 'first set');
  const q = toComplexPoints(b, 'second set');
  const n1 = p.re.length;
  const n2 = q.re.length;
  const cost = new Float64Array(n1 * n2);
  for (let i = 0; i < n1; i++) {
    for (let j = 0; j < n2; j++) cost[i * n2 + j] = Math.hypot(p.re[i] - q.re[j], p.im[i] - q.im[j]);
  }
  const weights = options.weights ?? { kind: 'uniform' };

  if (weights.kind === 'uniform') {
    if (n1 === n2) {
      const { rowToCol, cost: total } = solveAssignment(cost, n1, n2);
      const plan: TransportEntry[] = [];
      for (let i = 0; i < n1; i++) plan.push({ i, j: rowToCol[i], mass: 1 / n1 });
      return { distance: total / n1, method: 'assignment', plan };
    }
    const res = solveTransport(cost, new Float64Array(n1).fill(n2), new Float64Array(n2).fill(n1));
    const scale = n1 * n2;
    return {
      distance: res.cost / scale,
      method: 'transport',
      plan: res.plan.map(({ i, j, mass }) => ({ i, j, mass: mass / scale })),
    };
  }

  const wa = normalizedWeights(weights.a, n1, 'first set');
  const wb = normalizedWeights(weights.b, n2, 'second set');
  const res = solveTransport(cost, wa, wb);
  return { distance: res.cost, method: 'transport', plan: res.plan };
}

/**
 * Normalizes any `EigenvalueSet` to parallel float64 arrays, checking that it is non-empty, that re and im have equal
 * lengths and that every value is finite. `label` names the set in error messages.
 */
export function toComplexPoints(set: EigenvalueSet, label = 'eigenvalue set'): { re: Float64Array; im: Float64Array } {
  let re: Float64Array;
  let im: Float64Array;
  if (isList(set)) {
    const items: ReadonlyArray<unknown> = set;
    re = new Float64Array(items.length);
    im = new Float64Array(items.length);
    for (let k = 0; k < items.length; k++) {
      const z = items[k];
      if (Array.isArray(z) && z.length === 2) {
        re[k] = Number(z[0]);
        im[k] = Number(z[1]);
      } else if (z !== null && typeof z === 'object' && 're' in z && 'im' in z) {
        re[k] = Number((z as { re: unknown }).re);
        im[k] = Number((z as { im: unknown }).im);
      } else {
        throw new WassersteinError('shape', `The ${label}'s entry ${k} is neither [re, im] nor {re, im}.`);
      }
    }
  } else if ('eigenvalues' in set) {
    return toComplexPoints(set.eigenvalues, label);
  } else {
    if (set.re.length !== set.im.length) {
      throw new WassersteinError('shape', `The ${label} has ${set.re.length} real parts but ${set.im.length} imaginary parts.`);
    }
    re = Float64Array.from(set.re);
    im = Float64Array.from(set.im);
  }
  if (re.length === 0) throw new WassersteinError('empty', `The ${label} is empty; W1 needs at least one eigenvalue on each side.`);
  for (let k = 0; k < re.length; k++) {
    if (!Number.isFinite(re[k]) || !Number.isFinite(im[k])) {
      throw new WassersteinError('not-finite', `The ${label}'s eigenvalue ${k} is ${re[k]} + ${im[k]}i; W1 needs finite values.`);
    }
  }
  return { re, im };
}

/** Splits interleaved complex data [re₀, im₀, re₁, im₁, …] (the complex128 memory layout) into parallel arrays. */
export function fromInterleaved(data: ArrayLike<number>): ComplexPoints {
  if (data.length % 2 !== 0) {
    throw new WassersteinError('shape', `Interleaved complex data needs an even length, got ${data.length}.`);
  }
  const n = data.length / 2;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    re[k] = data[2 * k];
    im[k] = data[2 * k + 1];
  }
  return { re, im };
}

// Array.isArray does not narrow readonly arrays out of a union (TypeScript issue 17002), hence this guard.
function isList(
  set: EigenvalueSet,
): set is ReadonlyArray<readonly [number, number]> | ReadonlyArray<{ readonly re: number; readonly im: number }> {
  return Array.isArray(set);
}

function normalizedWeights(w: ArrayLike<number>, n: number, label: string): Float64Array {
  if (w.length !== n) {
    throw new WassersteinError('weights', `The ${label} has ${n} eigenvalues but ${w.length} weights.`);
  }
  const out = Float64Array.from(w);
  let total = 0;
  for (let k = 0; k < n; k++) {
    if (!(Number.isFinite(out[k]) && out[k] >= 0)) {
      throw new WassersteinError('weights', `The ${label}'s weight ${k} is ${out[k]}; weights must be finite and ≥ 0.`);
    }
    total += out[k];
  }
  if (!(total > 0)) throw new WassersteinError('weights', `The ${label}'s weights sum to ${total}; need a positive total.`);
  for (let k = 0; k < n; k++) out[k] /= total;
  return out;
}
