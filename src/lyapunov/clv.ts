/**
 * Covariant Lyapunov vectors (CLVs) by Ginelli's forward–backward method (Ginelli et al., PRL 99, 130601, 2007),
 * for a small number k of directions, and the angles between them.
 *
 * Input: the frames and R factors of a Benettin run (benettin.ts with keepFrames), J_n Q_n = Q_{n+1} R_n.
 * Backward pass: start from an upper-triangular C_N (seeded random, unit columns) and iterate
 *   C_n = R_n⁻¹ C_{n+1}, columns renormalised;
 * then V_n = Q_n C_n has unit columns with J_n V_n ∝ V_{n+1} column by column (each CLV is carried onto itself by
 * the tangent dynamics, unlike the orthonormal Gram–Schmidt vectors), the i-th growing at the i-th exponent.
 *
 * Transients: Q_n needs a forward transient to align with the backward Lyapunov vectors, and C_n a backward one;
 * CLVs near either end of the run are not converged. Callers drop both ends (the presets drop τ steps each).
 */
import type { Rng } from '../linalg/random';

export interface ClvResult {
  k: number;
  dim: number;
  /** Steps n at which CLVs were evaluated, ascending. */
  steps: number[];
  /** CLVs at each of `steps`: dim × k, column-major, unit columns. */
  vectors: Float64Array[];
  /** Angles (radians, in [0, π/2]) between each pair i < j at each of `steps`: steps × pairs, pairs in (0,1), (0,2)… */
  angles: Float64Array;
  pairs: [number, number][];
}

/** Solves R X = B for upper-triangular R (k × k, column-major) and B (k × k, column-major), in place in B. */
function backSubstitute(r: Float64Array, b: Float64Array, k: number): void {
  for (let c = 0; c < k; c++) {
    for (let i = k - 1; i >= 0; i--) {
      let s = b[c * k + i];
      for (let j = i + 1; j < k; j++) s -= r[j * k + i] * b[c * k + j];
      b[c * k + i] = s / r[i * k + i];
    }
  }
}

function normaliseColumns(a: Float64Array, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += a[c * rows + i] ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < rows; i++) a[c * rows + i] *= inv;
  }
}

/** Angle in [0, π/2] between two lines spanned by unit vectors (the sign of a CLV is arbitrary). */
export function lineAngle(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return Math.acos(Math.min(1, Math.abs(d)));
}

/**
 * CLVs at the steps in [from, to] (every `every`-th), from frames Q_0…Q_N and R_0…R_{N−1}.
 * The backward pass always starts at N, so to ≤ N − (a backward transient) is the caller's choice.
 */
export function covariantVectors(
  frames: Float64Array[], rs: Float64Array[], dim: number, k: number, rng: Rng,
  range: { from: number; to: number; every?: number },
): ClvResult {
  const N = rs.length;
  if (frames.length !== N + 1) throw new Error(`need N + 1 frames for N R factors, got ${frames.length} and ${N}`);
  const every = range.every ?? 1;
  if (!(range.from >= 0 && range.to <= N && range.from <= range.to && every >= 1)) throw new Error(`bad CLV range ${range.from}…${range.to} (N = ${N})`);
  const c = new Float64Array(k * k);
  for (let j = 0; j < k; j++) for (let i = 0; i <= j; i++) c[j * k + i] = i === j ? 1 + rng.uniform() : rng.uniform() - 0.5;
  normaliseColumns(c, k, k);
  const pairs: [number, number][] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pairs.push([i, j]);
  const steps: number[] = [], vectors: Float64Array[] = [], angleRows: number[][] = [];
  for (let n = N; n >= range.from; n--) {
    if (n < N) { backSubstitute(rs[n], c, k); normaliseColumns(c, k, k); }
    if (n > range.to || (n - range.from) % every !== 0) continue;
    const q = frames[n], v = new Float64Array(dim * k);
    for (let col = 0; col < k; col++) {
      for (let j = 0; j <= col; j++) {
        const cj = c[col * k + j];
        for (let i = 0; i < dim; i++) v[col * dim + i] += q[j * dim + i] * cj;
      }
    }
    normaliseColumns(v, dim, k);
    steps.push(n); vectors.push(v);
    angleRows.push(pairs.map(([a, b]) => lineAngle(v.subarray(a * dim, (a + 1) * dim), v.subarray(b * dim, (b + 1) * dim))));
  }
  steps.reverse(); vectors.reverse(); angleRows.reverse();
  const angles = new Float64Array(steps.length * pairs.length);
  angleRows.forEach((row, t) => angles.set(row, t * pairs.length));
  return { k, dim, steps, vectors, angles, pairs };
}
