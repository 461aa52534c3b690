/**
 * Exact discrete optimal transport (the Hitchcock transportation problem, "earth mover's distance"):
 *
 *   min Σ_ij c_ij x_ij   subject to   Σ_j x_ij = a_i,  Σ_i x_ij = b_j,  x_ij ≥ 0,
 *
 * for n sources with masses a_i ≥ 0 and m sinks with masses b_j ≥ 0 of equal totals, and any finite costs c_ij.
 *
 * Algorithm: successive shortest augmenting paths on the dense bipartite residual graph with Johnson potentials and
 * O(V²) array Dijkstra (Ahuja, Magnanti & Orlin, "Network Flows", 1993, §9.7; potentials as in Edmonds & Karp 1972).
 * A super source s feeds every source with remaining mass and a super sink t drains every sink with remaining
 * demand. Each round finds the cheapest s→t path in reduced costs c_ij + π_i − π_j ≥ 0 (forward arcs i→j always
 * exist; reverse arcs j→i exist where x_ij > 0), raises the potentials by the capped distances min(d(v), d(t)),
 * and pushes the bottleneck mass along the path. Every round empties a source, fills a sink or clears a reverse arc,
 * so it terminates; with n, m ≲ a few hundred it needs about n + m rounds of O((n + m)²) each.
 *
 * Exactness: the result is an LP optimum up to float rounding. Masses are real numbers (no scaling to integers);
 * residual masses at or below `16·ε·total` are treated as zero, so float noise cannot create endless tiny rounds.
 * The final potentials give a dual certificate (see `TransportResult.u`/`v`), which the tests check.
 */

/** One positive entry of the transport plan: `mass` moves from source i to sink j. */
export interface TransportEntry {
  i: number;
  j: number;
  mass: number;
}

export interface TransportResult {
  /** Σ_ij c_ij x_ij over the plan (the LP optimum; not normalized by the total mass). */
  cost: number;
  /** The positive entries x_ij > 0, ordered by i then j. A basic optimum has at most n + m − 1 of them. */
  plan: TransportEntry[];
  /**
   * Dual potentials: u[i] + v[j] ≤ c_ij for all pairs and = c_ij where x_ij > 0 (up to rounding), so
   * Σ a_i u_i + Σ b_j v_j = cost certifies optimality (LP duality).
   */
  u: Float64Array;
  v: Float64Array;
  /** Number of augmenting paths used (for diagnostics and performance tests). */
  augmentations: number;
}

export interface TransportOptions {
  /**
   * Largest allowed relative mismatch |Σa − Σb| / max(Σa, Σb) of the two totals; default 1e-9. Masses built as
   * k/n in float64 never sum exactly, so an exact-equality check would reject valid input.
   */
  balanceTolerance?: number;
}

/**
 * Solves the balanced transportation problem exactly.
 *
 * @param cost row-major n×m ground costs c_ij (finite).
 * @param a source masses (length n, finite, ≥ 0, positive total); @param b sink masses (length m, same rules).
 * Throws RangeError on shape mismatch, empty sides, non-finite or negative values, or unbalanced totals.
 */
export function solveTransport(
  cost: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: TransportOptions = {},
): TransportResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError(`solveTransport: both sides need at least one point, got ${n} and ${m}.`);
  if (cost.length !== n * m) {
    throw new RangeError(`solveTransport: cost has ${cost.length} entries, expected ${n}×${m} = ${n * m}.`);
  }
  const c = Float64Array.from(cost);
  for (let k = 0; k < c.length; k++) {
    if (!Number.isFinite(c[k])) throw new RangeError(`solveTransport: cost[${k}] is ${c[k]}; costs must be finite.`);
  }
  const remA = checkMasses(a, 'a');
  const remB = checkMasses(b, 'b');
  const totalA = sum(remA);
  const totalB = sum(remB);
  const total = Math.max(totalA, totalB);
  const balanceTolerance = options.balanceTolerance ?? 1e-9;
  if (!(Math.abs(totalA - totalB) <= balanceTolerance * total)) {
    throw new RangeError(
      `solveTransport: totals differ, Σa = ${totalA} and Σb = ${totalB} (relative tolerance ${balanceTolerance}).`,
    );
  }
  const zeroMass = 16 * Number.EPSILON * total;
  for (let i = 0; i < n; i++) if (remA[i] <= zeroMass) remA[i] = 0;
  for (let j = 0; j < m; j++) if (remB[j] <= zeroMass) remB[j] = 0;

  // Node numbering: sources 0..n−1, sinks n..n+m−1, super sink t = n+m. The super source has potential 0 forever
  // (its distance is 0), so an active source i starts Dijkstra at label 0 − π_i.
  const t = n + m;
  const V = n + m + 1;
  const pi = new Float64Array(V);
  // Feasible start: π_i = 0, π_j = min_i c_ij, π_t = min_j π_j keeps every reduced cost ≥ 0 for any finite costs.
  let minSink = Infinity;
  for (let j = 0; j < m; j++) {
    let mn = Infinity;
    for (let i = 0; i < n; i++) mn = Math.min(mn, c[i * m + j]);
    pi[n + j] = mn;
    minSink = Math.min(minSink, mn);
  }
  pi[t] = minSink;

  const x = new Float64Array(n * m);
  const dist = new Float64Array(V);
  const prev = new Int32Array(V);
  const done = new Uint8Array(V);
  let augmentations = 0;

  for (;;) {
    dist.fill(Infinity);
    prev.fill(-1);
    done.fill(0);
    let anySource = false;
    for (let i = 0; i < n; i++) {
      if (remA[i] > 0) {
        dist[i] = -pi[i];
        anySource = true;
      }
    }
    if (!anySource) break;

    // Dense Dijkstra from the super source, stopped when t is settled.
    for (;;) {
      let node = -1;
      let best = Infinity;
      for (let k = 0; k < V; k++) {
        if (!done[k] && dist[k] < best) {
          best = dist[k];
          node = k;
        }
      }
      if (node < 0 || node === t) break;
      done[node] = 1;
      if (node < n) {
        const i = node;
        const row = i * m;
        const base = best + pi[i];
        for (let j = 0; j < m; j++) {
          const w = n + j;
          if (done[w]) continue;
          const nd = base + c[row + j] - pi[w];
          if (nd < dist[w]) {
            dist[w] = nd;
            prev[w] = i;
          }
        }
      } else {
        const j = node - n;
        const base = best + pi[node];
        for (let i = 0; i < n; i++) {
          if (done[i] || x[i * m + j] <= 0) continue;
          const nd = base - c[i * m + j] - pi[i];
          if (nd < dist[i]) {
            dist[i] = nd;
            prev[i] = node;
          }
        }
        if (remB[j] > 0) {
          const nd = base - pi[t];
          if (nd < dist[t]) {
            dist[t] = nd;
            prev[t] = node;
          }
        }
      }
    }
    const dt = dist[t];
    if (!Number.isFinite(dt)) break; // every sink is full: only rounding-level supply is left (checked below)

    for (let k = 0; k < V; k++) pi[k] += Math.min(dist[k], dt);

    // Bottleneck along t ← j_end ← i ← (j ← i)* ← i_start.
    const jEnd = prev[t];
    let delta = remB[jEnd - n];
    let node = jEnd;
    for (;;) {
      const i = prev[node];
      const back = prev[i];
      if (back < 0) {
        delta = Math.min(delta, remA[i]);
        break;
      }
      delta = Math.min(delta, x[i * m + (back - n)]);
      node = back;
    }

    remB[jEnd - n] -= delta;
    if (remB[jEnd - n] <= zeroMass) remB[jEnd - n] = 0;
    node = jEnd;
    for (;;) {
      const i = prev[node];
      x[i * m + (node - n)] += delta;
      const back = prev[i];
      if (back < 0) {
        remA[i] -= delta;
        if (remA[i] <= zeroMass) remA[i] = 0;
        break;
      }
      const k = i * m + (back - n);
      x[k] -= delta;
      if (x[k] <= zeroMass) x[k] = 0;
      node = back;
    }
    augmentations++;
  }

  const leftover = Math.max(sum(remA), sum(remB));
  if (!(leftover <= balanceTolerance * total + zeroMass)) {
    throw new RangeError(`solveTransport: ${leftover} of mass could not be moved; this is a bug, please report it.`);
  }

  const plan: TransportEntry[] = [];
  let totalCost = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const mass = x[i * m + j];
      if (mass > 0) {
        plan.push({ i, j, mass });
        totalCost += mass * c[i * m + j];
      }
    }
  }
  const u = new Float64Array(n);
  const v = new Float64Array(m);
  for (let i = 0; i < n; i++) u[i] = -pi[i];
  for (let j = 0; j < m; j++) v[j] = pi[n + j];
  return { cost: totalCost, plan, u, v, augmentations };
}

function checkMasses(w: ArrayLike<number>, name: string): Float64Array {
  const out = Float64Array.from(w);
  for (let k = 0; k < out.length; k++) {
    if (!(Number.isFinite(out[k]) && out[k] >= 0)) {
      throw new RangeError(`solveTransport: ${name}[${k}] is ${out[k]}; masses must be finite and ≥ 0.`);
    }
  }
  if (!(sum(out) > 0)) throw new RangeError(`solveTransport: the masses ${name} sum to 0.`);
  return out;
}

function sum(w: Float64Array): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k];
  return s;
}
