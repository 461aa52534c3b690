/**
 * Numerical comparison helpers for the tests: arrays and eigenvalue lists with a tolerance, reporting WHERE they
 * differ (the failing index / path and the size of the difference) instead of a bare "expected false to be true".
 *
 * Eigenvalue lists are compared as sets: the two lists are matched by an exact minimum-cost assignment on |λ − μ|
 * (so near-ties in modulus, whose order depends on the last bits, cannot make a test flaky), and the largest matched
 * distance must be ≤ tol. Lists of different length fail with a message stating both lengths.
 */
import { solveAssignment } from '../src/linalg/assignment';
import { mulberry32 } from '../src/linalg/random';

/** An eigenvalue as `[re, im]` (fixtures) or `{re, im}` (Spectrum.eigenvalues). */
export type ComplexLike = readonly [number, number] | { readonly re: number; readonly im: number };

export function toPair(z: ComplexLike): [number, number] {
  return Array.isArray(z) ? [z[0] as number, z[1] as number] : [(z as { re: number }).re, (z as { im: number }).im];
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(6) : String(x));
const fmtZ = ([re, im]: [number, number]) => `${fmt(re)}${im < 0 ? ' - ' : ' + '}${fmt(Math.abs(im))}i`;

export interface Tolerance {
  /** Absolute tolerance (default 0). */
  abs?: number;
  /** Relative tolerance, times |expected| (default 0). An element passes when |a − e| ≤ abs + rel·|e|. */
  rel?: number;
}

export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
  diff: number;
}

/** Every element outside the tolerance (empty when all pass). */
export function arrayMismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): Mismatch[] {
  const out: Mismatch[] = [];
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i], e = expected[i];
    const diff = Math.abs(a - e);
    const bound = (tol.abs ?? 0) + (tol.rel ?? 0) * Math.abs(e);
    if (!(diff <= bound)) out.push({ index: i, actual: a, expected: e, diff });
  }
  return out;
}

/** Throws (naming `path`, the first failing index and the worst difference) unless the arrays agree. */
export function expectArrayClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance | number, path = 'array',
): void {
  const t: Tolerance = typeof tol === 'number' ? { abs: tol } : tol;
  if (actual.length !== expected.length) {
    throw new Error(`${path}: length ${actual.length}, expected ${expected.length}`);
  }
  const bad = arrayMismatches(actual, expected, t);
  if (bad.length) {
    const worst = bad.reduce((w, m) => (m.diff > w.diff || Number.isNaN(m.diff) ? m : w));
    const first = bad[0];
    throw new Error(
      `${path}: ${bad.length} of ${expected.length} elements outside tolerance (abs ${t.abs ?? 0}, rel ${t.rel ?? 0}); ` +
      `first ${path}[${first.index}] = ${fmt(first.actual)}, expected ${fmt(first.expected)} (|diff| ${fmt(first.diff)}); ` +
      `worst ${path}[${worst.index}] |diff| ${fmt(worst.diff)}`,
    );
  }
}

/** Scalar version of expectArrayClose. */
export function expectScalarClose(actual: number, expected: number, tol: Tolerance | number, path = 'value'): void {
  const t: Tolerance = typeof tol === 'number' ? { abs: tol } : tol;
  const diff = Math.abs(actual - expected);
  if (!(diff <= (t.abs ?? 0) + (t.rel ?? 0) * Math.abs(expected))) {
    throw new Error(`${path} = ${fmt(actual)}, expected ${fmt(expected)} (|diff| ${fmt(diff)}, abs ${t.abs ?? 0}, rel ${t.rel ?? 0})`);
  }
}

export interface EigenvalueMatch {
  /** perm[i] = index in `expected` matched to actual[i]. */
  perm: number[];
  /** Distance |actual[i] − expected[perm[i]]| per actual index. */
  dist: number[];
  maxDist: number;
  /** Mean matched distance: W1 between the two uniform empirical measures (equal sizes). */
  w1: number;
}

/** Minimum-cost matching of two equal-length eigenvalue lists (exact assignment on |λ − μ|). */
export function matchEigenvalues(actual: readonly ComplexLike[], expected: readonly ComplexLike[]): EigenvalueMatch {
  const a = actual.map(toPair), e = expected.map(toPair);
  const n = a.length;
  if (n !== e.length) throw new Error(`eigenvalue lists differ in length: ${n} vs ${e.length}`);
  if (n === 0) return { perm: [], dist: [], maxDist: 0, w1: 0 };
  const cost = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const d = Math.hypot(a[i][0] - e[j][0], a[i][1] - e[j][1]);
    // a non-finite entry would break the assignment; make it maximally expensive but finite
    cost[i * n + j] = Number.isFinite(d) ? d : 1e300;
  }
  const { rowToCol } = solveAssignment(cost, n, n);
  const perm = Array.from(rowToCol);
  const dist = perm.map((j, i) => Math.hypot(a[i][0] - e[j][0], a[i][1] - e[j][1]));
  const maxDist = dist.reduce((m, d) => (d > m || Number.isNaN(d) ? d : m), 0);
  return { perm, dist, maxDist, w1: dist.reduce((s, d) => s + d, 0) / n };
}

/**
 * Throws unless `actual` and `expected` are the same multiset of complex numbers to within `tol` (largest matched
 * distance under the optimal assignment). The message lists every pair beyond `tol`, with its indices.
 */
export function expectEigenvaluesClose(
  actual: readonly ComplexLike[], expected: readonly ComplexLike[], tol: number, path = 'eigenvalues',
): EigenvalueMatch {
  if (actual.length !== expected.length) {
    throw new Error(
      `${path}: ${actual.length} eigenvalues, expected ${expected.length}\n  actual:   ${actual.map((z) => fmtZ(toPair(z))).join(', ')}` +
      `\n  expected: ${expected.map((z) => fmtZ(toPair(z))).join(', ')}`,
    );
  }
  const m = matchEigenvalues(actual, expected);
  if (!(m.maxDist <= tol)) {
    const lines = m.dist.map((d, i) => ({ d, i })).filter(({ d }) => !(d <= tol)).map(({ d, i }) =>
      `  ${path}[${i}] = ${fmtZ(toPair(actual[i]))} matched to expected[${m.perm[i]}] = ${fmtZ(toPair(expected[m.perm[i]]))}: |diff| ${fmt(d)}`);
    throw new Error(`${path}: max matched |diff| ${fmt(m.maxDist)} > tol ${tol}\n${lines.join('\n')}`);
  }
  return m;
}

/**
 * Per-eigenvalue quantities (e.g. amplitudes) compared through the eigenvalue matching: value `actualValues[i]`
 * belongs to `actualEigs[i]`, and is compared with the expected value of its matched expected eigenvalue. Robust to
 * the order of near-ties, as long as the eigenvalues themselves are distinct at `tol`-level.
 */
export function expectMatchedValuesClose(
  actualEigs: readonly ComplexLike[], actualValues: ArrayLike<number>,
  expectedEigs: readonly ComplexLike[], expectedValues: ArrayLike<number>,
  tol: Tolerance | number, path = 'values',
): void {
  const { perm } = matchEigenvalues(actualEigs, expectedEigs);
  const reordered = perm.map((j) => expectedValues[j]);
  expectArrayClose(actualValues, reordered, tol, path);
}

/** A seeded uniform [0, 1) generator: the `uniform` of `rng(seed)` (mulberry32). */
export function uniformRng(seed: number): () => number {
  return rng(seed).uniform;
}

/**
 * Seeded uniforms and standard normals for tests: the core's raw mulberry32 stream from state `seed` (no mixing, no
 * warm-up: the sequence the golden tests were written with) and Box–Muller normals that keep the spare (sin) value.
 */
export function rng(seed: number): { uniform(): number; normal(): number } {
  const uniform = mulberry32(seed >>> 0);
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) { const v = spare; spare = undefined; return v; }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const rad = Math.sqrt(-2 * Math.log(u));
    spare = rad * Math.sin(2 * Math.PI * v);
    return rad * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}
