import { describe, it, expect } from 'vitest';
import { uniformRng as rng } from '../matchers';
import { solveTransport, type TransportResult } from '../../src/linalg/transport';
import { solveAssignment } from '../../src/linalg/assignment';


/** Checks marginals, dual feasibility and zero duality gap: together they prove LP optimality up to `tol`. */
function expectOptimal(res: TransportResult, c: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>, tol: number) {
  const n = a.length;
  const m = b.length;
  const rows = new Float64Array(n);
  const cols = new Float64Array(m);
  for (const { i, j, mass } of res.plan) {
    expect(mass).toBeGreaterThan(0);
    rows[i] += mass;
    cols[j] += mass;
    expect(Math.abs(res.u[i] + res.v[j] - c[i * m + j])).toBeLessThan(tol); // complementary slackness
  }
  for (let i = 0; i < n; i++) expect(Math.abs(rows[i] - a[i])).toBeLessThan(tol);
  for (let j = 0; j < m; j++) expect(Math.abs(cols[j] - b[j])).toBeLessThan(tol);
  let dual = 0;
  let maxViolation = -Infinity; // dual feasibility: u_i + v_j ≤ c_ij everywhere
  for (let i = 0; i < n; i++) {
    dual += a[i] * res.u[i];
    for (let j = 0; j < m; j++) maxViolation = Math.max(maxViolation, res.u[i] + res.v[j] - c[i * m + j]);
  }
  expect(maxViolation).toBeLessThan(tol);
  for (let j = 0; j < m; j++) dual += b[j] * res.v[j];
  expect(Math.abs(dual - res.cost)).toBeLessThan(tol);
  expect(res.plan.length).toBeLessThanOrEqual(n + m - 1);
}

describe('solveTransport', () => {
  it('equals the assignment on equal sizes with unit masses', () => {
    const r = rng(3);
    for (const n of [1, 2, 5, 17, 40]) {
      const c = Float64Array.from({ length: n * n }, () => r());
      const ones = new Float64Array(n).fill(1);
      expect(solveTransport(c, ones, ones).cost).toBeCloseTo(solveAssignment(c, n).cost, 12);
    }
  });

  it('equals an assignment on replicated points for integer masses', () => {
    // Masses 3 per source and 2 per sink (n = 4, m = 6): copy each source 3× and each sink 2× → 12×12 assignment.
    const r = rng(4);
    const n = 4;
    const m = 6;
    const c = Float64Array.from({ length: n * m }, () => r());
    const big = new Float64Array(144);
    for (let p = 0; p < 12; p++) for (let q = 0; q < 12; q++) big[p * 12 + q] = c[Math.floor(p / 3) * m + Math.floor(q / 2)];
    const res = solveTransport(c, new Float64Array(n).fill(3), new Float64Array(m).fill(2));
    expect(res.cost).toBeCloseTo(solveAssignment(big, 12).cost, 12);
  });

  it('returns a certified optimum for random real masses and costs of either sign', () => {
    const r = rng(5);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + Math.floor(r() * 25);
      const m = 1 + Math.floor(r() * 25);
      const c = Float64Array.from({ length: n * m }, () => r() * 4 - 1);
      const a = Float64Array.from({ length: n }, () => r() + 0.01);
      const raw = Float64Array.from({ length: m }, () => (r() < 0.2 ? 0 : r()));
      raw[0] += 0.01;
      const sa = a.reduce((s, x) => s + x, 0);
      const sb = raw.reduce((s, x) => s + x, 0);
      const b = raw.map((x) => (x * sa) / sb);
      expectOptimal(solveTransport(c, a, b), c, a, b, 1e-12);
    }
  });

  it('solves a 200 × 150 problem in about n + m augmenting rounds (bounded work; timings live in npm run bench)', () => {
    const r = rng(6);
    const n = 200;
    const m = 150;
    const px = Float64Array.from({ length: n }, () => r());
    const py = Float64Array.from({ length: n }, () => r());
    const qx = Float64Array.from({ length: m }, () => r());
    const qy = Float64Array.from({ length: m }, () => r());
    const c = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) c[i * m + j] = Math.hypot(px[i] - qx[j], py[i] - qy[j]);
    const a = new Float64Array(n).fill(1 / n);
    const b = new Float64Array(m).fill(1 / m);
    const res = solveTransport(c, a, b);
    // each round is O((n + m)²): a count near n + m, not n·m, is what keeps this fast on any machine
    expect(res.augmentations).toBeLessThanOrEqual(2 * (n + m));
    expectOptimal(res, c, a, b, 1e-12);
  });

  it('rejects unbalanced totals, negative masses, empty sides and bad shapes', () => {
    expect(() => solveTransport([1, 2], [1], [1, 1])).toThrow(/totals differ/);
    expect(() => solveTransport([1, 2], [1], [2, -1])).toThrow(/≥ 0/);
    expect(() => solveTransport([], [], [1])).toThrow(/at least one point/);
    expect(() => solveTransport([1, 2, 3], [1], [0.5, 0.5])).toThrow(/expected 1×2/);
    expect(() => solveTransport([1, Infinity], [1], [0.5, 0.5])).toThrow(/finite/);
  });
});
