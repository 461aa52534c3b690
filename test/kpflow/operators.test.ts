/**
 * KPFlow identities (docs/methods.md E12) for the three cells, in float64: adjointness of 𝒫/𝒫* and J_θ/J_θᵀ, symmetry
 * of 𝒦, 𝒫·𝒫⁻¹ = I, a linear RNN's 𝒫 reproducing its trajectory, the closed-form 𝒦 = D(MMᵀ ⊗ I)D and its rank bound,
 * step and parameter Jacobians against central finite differences, and the hidden-NTK identity
 * 𝒫𝒦𝒫*q = −(1/η)·δh after a tiny GD step along −J_θᵀ𝒫*q.
 */
import { describe, expect, it } from 'vitest';
import { makeCell, type CellSpec } from '../../src/kpflow/cells';
import {
  applyJtheta, applyJthetaT, applyK, applyP, applyPinv, applyPstar, kpflowOperators, linearize, vanillaK,
} from '../../src/kpflow/operators';
import { denseMatrix } from '../../src/kpflow/spectral';
import { normals, seededRng } from '../../src/linalg/random';
import { symmetricEigenvalues } from '../../src/linalg/symeig';

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: Float64Array) => Math.sqrt(dot(a, a));
const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const CELLS: [string, CellSpec][] = [
  ['rnn', { kind: 'rnn' }], ['rnn leaky dt 0.2', { kind: 'rnn', dt: 0.2 }],
  ['basic tanh', { kind: 'basic', phi: 'tanh' }], ['basic tanh leaky dt 0.1', { kind: 'basic', phi: 'tanh', dt: 0.1 }],
  ['basic linear', { kind: 'basic', phi: 'linear' }], ['gru', { kind: 'gru' }],
];

/** A random linearisation point: H hidden, B samples, T steps, nIn inputs; gain 1.3 so the dynamics are not trivial. */
function setup(spec: CellSpec, { H = 5, B = 3, T = 7, nIn = 3, seed = 3 } = {}) {
  const rnd = seededRng(seed), cell = makeCell(spec, H, nIn);
  const theta = cell.init(rnd, 1.3);
  for (let i = 0; i < theta.length; i++) theta[i] += 0.1 * rnd.normal(); // nonzero biases too
  const x = normals(rnd, B * T * nIn);
  return { cell, theta, x, B, T, H, nIn, rnd, lin: linearize(cell, theta, x, B, T) };
}

describe.each(CELLS)('%s cell', (_name, spec) => {
  it('⟨𝒫q, r⟩ = ⟨q, 𝒫*r⟩ and ⟨J_θv, q⟩ = ⟨v, J_θᵀq⟩ to 1e-12 relative', () => {
    const { lin, rnd, cell } = setup(spec);
    const N = lin.traj.h.length, q = normals(rnd, N), r = normals(rnd, N), v = normals(rnd, cell.nParams);
    const Pq = applyP(lin, q), Pr = applyPstar(lin, r);
    expect(Math.abs(dot(Pq, r) - dot(q, Pr)) / (norm(Pq) * norm(r))).toBeLessThan(1e-12);
    expect(Math.abs(dot(applyJtheta(lin, v), q) - dot(v, applyJthetaT(lin, q))) / (norm(v) * norm(q))).toBeLessThan(1e-12);
    // 𝒫 is not self-adjoint: the check above would not pass with 𝒫 in place of 𝒫*
    expect(Math.abs(dot(Pq, r) - dot(q, applyP(lin, r))) / (norm(Pq) * norm(r))).toBeGreaterThan(1e-3);
  });

  it('𝒦 and 𝒫𝒦𝒫* are symmetric and PSD on random vectors', () => {
    const { lin, rnd } = setup(spec);
    const N = lin.traj.h.length, q = normals(rnd, N), r = normals(rnd, N), ops = kpflowOperators(lin);
    for (const op of [ops.K, ops.PKPstar, ops.PPstar]) {
      const Kq = op.apply(q), Kr = op.apply(r);
      expect(Math.abs(dot(Kq, r) - dot(q, Kr)) / (norm(Kq) * norm(r))).toBeLessThan(1e-12);
      expect(dot(q, Kq)).toBeGreaterThan(0);
    }
  });

  it('𝒫·𝒫⁻¹ = 𝒫⁻¹·𝒫 = I', () => {
    const { lin, rnd } = setup(spec);
    const q = normals(rnd, lin.traj.h.length);
    expect(maxAbsDiff(applyP(lin, applyPinv(lin, q)), q) / norm(q)).toBeLessThan(1e-13);
    expect(maxAbsDiff(applyPinv(lin, applyP(lin, q)), q) / norm(q)).toBeLessThan(1e-13);
  });

  it('step Jacobian J_0 and parameter Jacobian match central finite differences (nonzero h₀)', () => {
    const { cell, theta, rnd, B, H, nIn } = setup(spec);
    const x1 = normals(rnd, B * nIn), h0 = normals(rnd, B * H).map((v) => 0.5 * v), v = normals(rnd, H);
    const tr = cell.forward(theta, x1, B, 1, h0);
    const eps = 1e-6;
    for (let b = 0; b < B; b++) {
      const plus = Float64Array.from(h0), minus = Float64Array.from(h0);
      for (let i = 0; i < H; i++) { plus[b * H + i] += eps * v[i]; minus[b * H + i] -= eps * v[i]; }
      const hp = cell.forward(theta, x1, B, 1, plus).h, hm = cell.forward(theta, x1, B, 1, minus).h;
      const fd = new Float64Array(H).map((_, i) => (hp[b * H + i] - hm[b * H + i]) / (2 * eps));
      const jv = new Float64Array(H);
      cell.stateJvp(theta, tr, b, 0, v, 0, jv, 0);
      expect(maxAbsDiff(jv, fd)).toBeLessThan(1e-8);
      // and J_0ᵀ agrees with J_0 through ⟨J v, u⟩ = ⟨v, Jᵀu⟩
      const u = normals(rnd, H), jtu = new Float64Array(H);
      cell.stateVjp(theta, tr, b, 0, u, 0, jtu, 0);
      expect(Math.abs(dot(jv, u) - dot(v, jtu))).toBeLessThan(1e-12 * norm(jv) * norm(u) + 1e-14);
    }
    const dth = normals(rnd, cell.nParams);
    const fp = cell.forward(theta.map((t, i) => t + eps * dth[i]), x1, B, 1, h0).h;
    const fm = cell.forward(theta.map((t, i) => t - eps * dth[i]), x1, B, 1, h0).h;
    const out = new Float64Array(B * H);
    for (let b = 0; b < B; b++) cell.paramJvp(theta, tr, b, 0, dth, out, b * H);
    expect(maxAbsDiff(out, fp.map((v2, i) => (v2 - fm[i]) / (2 * eps)))).toBeLessThan(1e-8);
  });

  it('the trajectory derivative dh/dθ·v equals 𝒫 J_θ v (finite differences of the whole run)', () => {
    const { cell, theta, x, B, T, lin, rnd } = setup(spec);
    const v = normals(rnd, cell.nParams), eps = 1e-6;
    const hp = cell.forward(theta.map((t, i) => t + eps * v[i]), x, B, T).h;
    const hm = cell.forward(theta.map((t, i) => t - eps * v[i]), x, B, T).h;
    const fd = hp.map((a, i) => (a - hm[i]) / (2 * eps));
    const exact = applyP(lin, applyJtheta(lin, v));
    expect(maxAbsDiff(exact, fd) / norm(exact)).toBeLessThan(1e-8);
  });

  it('hidden NTK: 𝒫𝒦𝒫*q = −(1/η)·δh after a GD step θ ← θ − η J_θᵀ𝒫*q (central difference, O(η²))', () => {
    const { cell, theta, x, B, T, lin, rnd } = setup(spec);
    const q = normals(rnd, lin.traj.h.length), g = applyJthetaT(lin, applyPstar(lin, q));
    const eta = 1e-5 / norm(g); // a parameter step of length 1e-5: truncation O(1e-10), round-off O(1e-11)
    const down = cell.forward(theta.map((t, i) => t - eta * g[i]), x, B, T).h;
    const up = cell.forward(theta.map((t, i) => t + eta * g[i]), x, B, T).h;
    const fd = down.map((a, i) => -(a - up[i]) / (2 * eta));
    const pkp = kpflowOperators(lin).PKPstar.apply(q);
    expect(maxAbsDiff(pkp, fd) / norm(pkp)).toBeLessThan(1e-8);
  });
});

describe('linear RNN', () => {
  it.each([1, 0.2])("dt = %s: 𝒫 applied to the forcing dt·(U x_t + b) reproduces the trajectory exactly (h_t = ((1−dt)I + dt·W) h_{t−1} + dt·(U x_t + b))", (dt) => {
    const { cell, theta, lin, B, T, H, nIn, x } = setup({ kind: 'basic', phi: 'linear', dt }, { H: 6, T: 12 });
    const forcing = new Float64Array(B * T * H), oU = H * H, ob = H * H + H * nIn;
    for (let n = 0; n < B * T; n++) for (let i = 0; i < H; i++) {
      let s = theta[ob + i];
      for (let k = 0; k < nIn; k++) s += theta[oU + i * nIn + k] * x[n * nIn + k];
      forcing[n * H + i] = dt * s;
    }
    expect(maxAbsDiff(applyP(lin, forcing), lin.traj.h) / norm(lin.traj.h)).toBeLessThan(1e-14);
    expect(cell.nParams).toBe(ob + H);
  });

  it('dt outside (0, 1] is refused', () => {
    for (const dt of [0, -0.1, 1.5, NaN]) expect(() => makeCell({ kind: 'rnn', dt }, 3, 2)).toThrow(/dt must be in \(0, 1\]/);
  });
});

describe('closed-form 𝒦 of the vanilla cells', () => {
  it.each([['rnn', { kind: 'rnn' } as CellSpec], ['rnn dt 0.2', { kind: 'rnn', dt: 0.2 } as CellSpec],
    ['basic', { kind: 'basic', phi: 'tanh' } as CellSpec], ['basic dt 0.1', { kind: 'basic', phi: 'tanh', dt: 0.1 } as CellSpec]])(
    '%s: the closed form equals J_θ J_θᵀ; each hidden unit block has rank ≤ H + nIn + 1 < B·T', (_n, spec) => {
      const H = 4, nIn = 3, B = 4, T = 6, p = H + nIn + 1;
      const { lin, rnd } = setup(spec, { H, nIn, B, T });
      const vk = vanillaK(lin), q = normals(rnd, B * T * H);
      const a = vk.apply(q), b = applyK(lin, q);
      expect(maxAbsDiff(a, b) / norm(b)).toBeLessThan(1e-13);
      const N = B * T * H, K = denseMatrix({ N, apply: (v) => applyK(lin, v) }), BT = B * T;
      const rankOf = (A: Float64Array, n: number) => {
        const ev = symmetricEigenvalues(A, n);
        return ev.filter((v) => v > 1e-10 * ev[0]).length;
      };
      for (let i = 0; i < H; i++) {
        const blk = new Float64Array(BT * BT);
        for (let n = 0; n < BT; n++) for (let m = 0; m < BT; m++) blk[n * BT + m] = K[(n * H + i) * N + m * H + i];
        expect(rankOf(blk, BT)).toBe(p); // generic data: the bound is attained, and 8 < 24
      }
      // off-unit entries vanish: 𝒦 = D (G ⊗ I_H) D
      let off = 0;
      for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) if (r % H !== c % H) off = Math.max(off, Math.abs(K[r * N + c]));
      expect(off).toBe(0);
      expect(rankOf(K, N)).toBe(H * p);
    });

  it.each([1, 0.1])('basic form, dt = %s: 𝒦 = dt²·(M Mᵀ) ⊗ I_H exactly', (dt) => {
    const H = 3, nIn = 3, B = 2, T = 5;
    const { lin } = setup({ kind: 'basic', phi: 'tanh', dt }, { H, nIn, B, T });
    const vk = vanillaK(lin), p = vk.p, BT = B * T, N = BT * H;
    const K = denseMatrix({ N, apply: (v) => applyK(lin, v) });
    let err = 0;
    for (let n = 0; n < BT; n++) for (let m = 0; m < BT; m++) {
      let g = 0;
      for (let c = 0; c < p; c++) g += dt * dt * vk.M[n * p + c] * vk.M[m * p + c];
      for (let i = 0; i < H; i++) err = Math.max(err, Math.abs(K[(n * H + i) * N + m * H + i] - g));
    }
    expect(err).toBeLessThan(1e-13);
  });
});
