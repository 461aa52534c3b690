/**
 * Exact minimum-cost assignment (the linear assignment problem) for an n×m cost matrix with n ≤ m.
 *
 * Algorithm: the O(n²·m) shortest-augmenting-path Hungarian method with row/column potentials (Kuhn–Munkres in the
 * form of Jonker & Volgenant 1987, "A shortest augmenting path algorithm for dense and sparse linear assignment
 * problems", Computing 38; the compact formulation follows the e-maxx / cp-algorithms "Hungarian algorithm" notes).
 * Rows are added one at a time; each step runs a Dijkstra-like search over columns on reduced costs
 * c_ij − u_i − v_j ≥ 0 and augments along the shortest alternating path.
 *
 * Written by hand rather than taken from npm: maintained ports exist (e.g. `munkres` 2.0.4, MIT, Dec 2025, square and
 * rectangular), but the numerical core imports nothing, and this version also returns the dual potentials that
 * certify optimality (tests check them). SciPy's `linear_sum_assignment` (also a JV variant) is the reference the
 * tests compare against.
 *
 * Exactness: the result is an optimal assignment of the float64 costs up to rounding in the potentials (only an
 * assignment cheaper by a rounding-level margin could be missed). The reported total is re-summed from the original
 * costs, not read off the potentials.
 */

/** An optimal assignment of every row to a distinct column. */
export interface Assignment {
  /** rowToCol[i] = column assigned to row i (length n). */
  rowToCol: Int32Array;
  /** colToRow[j] = row assigned to column j, or −1 when column j is unused (length m; −1 occurs only when n < m). */
  colToRow: Int32Array;
  /** Σ_i cost[i, rowToCol[i]]. */
  cost: number;
  /**
   * Dual potentials certifying optimality: u[i] + v[j] ≤ cost[i, j] for all i, j, with equality on assigned pairs
   * (up to rounding), and v[j] ≤ 0 on unused columns. So Σu + Σ_{assigned j} v is a lower bound equal to `cost`.
   */
  u: Float64Array;
  v: Float64Array;
}

/**
 * Solves min Σ_i cost[i, σ(i)] over injective σ: rows → columns.
 *
 * @param cost row-major n×m costs (any ArrayLike, read as float64); entries must be finite.
 * @param n rows; @param m columns, n ≤ m (transpose the problem when there are more rows than columns).
 * Throws RangeError on a shape mismatch, n > m, or a non-finite cost.
 */
export function solveAssignment(cost: ArrayLike<number>, n: number, m: number = n): Assignment {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) {
    throw new RangeError(`solveAssignment: sizes must be non-negative integers, got ${n}×${m}.`);
  }
  if (n > m) throw new RangeError(`solveAssignment: needs rows ≤ columns, got ${n}×${m}; transpose the cost matrix.`);
  if (cost.length !== n * m) {
    throw new RangeError(`solveAssignment: cost has ${cost.length} entries, expected ${n}×${m} = ${n * m}.`);
  }
  const c = Float64Array.from(cost);
  for (let k = 0; k < c.length; k++) {
    if (!Number.isFinite(c[k])) throw new RangeError(`solveAssignment: cost[${k}] is ${c[k]}; costs must be finite.`);
  }

  // 1-indexed potentials and matching; index 0 is the virtual column that holds the row being inserted.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j] = row (1-based) matched to column j, 0 = free
  const way = new Int32Array(m + 1); // predecessor column on the alternating path
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);

  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      const row = (i0 - 1) * m;
      const ui0 = u[i0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = c[row + j - 1] - ui0 - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    // Flip the alternating path back to the virtual column.
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }

  const rowToCol = new Int32Array(n);
  const colToRow = new Int32Array(m).fill(-1);
  let total = 0;
  for (let j = 1; j <= m; j++) {
    if (p[j] === 0) continue;
    rowToCol[p[j] - 1] = j - 1;
    colToRow[j - 1] = p[j] - 1;
  }
  for (let i = 0; i < n; i++) total += c[i * m + rowToCol[i]];
  return { rowToCol, colToRow, cost: total, u: u.slice(1), v: v.slice(1) };
}
