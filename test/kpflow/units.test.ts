/**
 * Issue 12 §3 (paper 2): the reference package's effective rank in unit space, the exact spectrum of 𝒫𝒫* from its
 * per-sample blocks, the hidden-state PCA dimension, and the misdirection estimate against its exact value.
 */
import { describe, expect, it } from 'vitest';
import { makeCell, type CellSpec } from '../../src/kpflow/cells';
import { applyP, kpflowOperators, linearize, samplePropagator, type SymOperator } from '../../src/kpflow/operators';
import {
  denseMatrix, effectiveRankUnits, hiddenPca, opAlignment, ppStarEigenvalues, squaredEnergyRank, unitCovarianceExact,
  unitCovarianceProbes,
} from '../../src/kpflow/spectral';
import { symmetricEig } from '../../src/linalg/eig';
import { normals, seededRng } from '../../src/linalg/random';
import { runKpflow, ALIGNMENT_EXACT_MAX } from '../../src/kpflow/analysis';
import { getKpflowPreset } from '../../src/kpflow/presets';

function setup(spec: CellSpec, { H = 4, B = 2, T = 5, nIn = 3, seed = 3 } = {}) {
  const rnd = seededRng(seed), cell = makeCell(spec, H, nIn);
  const theta = cell.init(rnd, 1.3);
  for (let i = 0; i < theta.length; i++) theta[i] += 0.1 * rnd.normal();
  const x = normals(rnd, B * T * nIn);
  return linearize(cell, theta, x, B, T);
}

/** A = I_{B·T} ⊗ S with S = U diag(d) Uᵀ (H × H): every (sample, step) block is S, so C = B·T·S² exactly. */
function kronIdentity(d: number[], BT: number, seed: number): { op: SymOperator; S: Float64Array } {
  const H = d.length, rnd = seededRng(seed), R = normals(rnd, H * H);
  for (let i = 0; i < H; i++) for (let j = 0; j < i; j++) R[j * H + i] = R[i * H + j];
  const U = symmetricEig(R, H).vectors, S = new Float64Array(H * H);
  for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) { let s = 0; for (let k = 0; k < H; k++) s += U[i * H + k] * d[k] * U[j * H + k]; S[i * H + j] = s; }
  const op: SymOperator = {
    N: BT * H,
    apply: (v) => {
      const o = new Float64Array(BT * H);
      for (let n = 0; n < BT; n++) for (let i = 0; i < H; i++) { let s = 0; for (let j = 0; j < H; j++) s += S[i * H + j] * v[n * H + j]; o[n * H + i] = s; }
      return o;
    },
  };
  return { op, S };
}

describe('effective rank in unit space (the KPFlow package definition)', () => {
  it('squared-energy rank: fewest values whose Σλ² exceeds the threshold', () => {
    expect(squaredEnergyRank([3, 3, 0.1], 0.95)).toBe(2);
    expect(squaredEnergyRank([10, 1, 1, 1], 0.95)).toBe(1); // 100/103 > 0.95
    expect(squaredEnergyRank([1, 1, 1, 1], 0.95)).toBe(4);
    expect(squaredEnergyRank([0, 0], 0.95)).toBe(0);
  });

  it('I ⊗ S: C = B·T·S², so the rank follows from d⁴ (exact and probes)', () => {
    // d² = 9, 9, 4, 0.01 → eigenvalues of C ∝ d², their squares ∝ 81, 81, 16, 1e-4: 162/178 = 0.91 < 0.95 → rank 3
    const BT = 6, { op, S } = kronIdentity([3, 3, 2, 0.1], BT, 1), shape = { B: 2, T: 3, H: 4 };
    const C = unitCovarianceExact(op, shape);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      let s2 = 0; for (let k = 0; k < 4; k++) s2 += S[i * 4 + k] * S[k * 4 + j];
      expect(C[i * 4 + j]).toBeCloseTo(BT * s2, 10);
    }
    const exact = effectiveRankUnits(op, shape, { probes: 10, seed: 1, exactLimit: 1000 });
    expect(exact.method).toBe('exact');
    expect(exact.rank).toBe(3);
    expect(exact.eigenvalues[0]).toBeCloseTo(BT * 9, 9);
    // sign probes estimate C with noise (the off-diagonal q_i q_j average out only over probes and blocks): compare the rank
    const probed = effectiveRankUnits(op, shape, { probes: 200, seed: 2, exactLimit: 0 });
    expect(probed.method).toBe('probes');
    expect(probed.rank).toBe(3);
  });

  it('the sign-probe covariance is unbiased for the exact partial trace of A² (mean over draws within 5 s.e.)', () => {
    const lin = setup({ kind: 'gru' }), ops = kpflowOperators(lin), shape = lin.traj, H = shape.H;
    const exact = unitCovarianceExact(ops.PKPstar, shape);
    const draws = 300, sum = new Float64Array(H * H), sumSq = new Float64Array(H * H), rng = seededRng(9);
    for (let d = 0; d < draws; d++) {
      const C = unitCovarianceProbes(ops.PKPstar, shape, 4, rng);
      for (let k = 0; k < H * H; k++) { sum[k] += C[k]; sumSq[k] += C[k] * C[k]; }
    }
    for (let k = 0; k < H * H; k++) {
      const mean = sum[k] / draws, se = Math.sqrt((sumSq[k] / draws - mean * mean) / (draws - 1));
      expect(Math.abs(mean - exact[k])).toBeLessThan(5 * se + 1e-9 * Math.abs(exact[k]));
    }
  });
});

describe('𝒫𝒫* exactly from its per-sample blocks', () => {
  it.each([[{ kind: 'rnn', dt: 0.2 }], [{ kind: 'gru' }]] as [CellSpec][])('%j: P_b reproduces applyP and the eigenvalues match the dense 𝒫𝒫*', (spec) => {
    const lin = setup(spec, { H: 4, B: 3, T: 6 }), ops = kpflowOperators(lin), n = 24;
    // P_b against applyP on a vector living in sample 1 only
    const q = normals(seededRng(4), 3 * n).fill(0, 0, n).fill(0, 2 * n);
    const Pq = applyP(lin, q), P1 = samplePropagator(lin, 1);
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += P1[i * n + j] * q[n + j]; expect(s).toBeCloseTo(Pq[n + i], 12); }
    const dense = Array.from(symmetricEig(denseMatrix(ops.PPstar), ops.PPstar.N).values).sort((a, b) => b - a);
    const blocks = ppStarEigenvalues(lin);
    expect(blocks.length).toBe(dense.length);
    blocks.forEach((v, i) => expect(Math.abs(v - dense[i])).toBeLessThan(1e-10 * dense[0]));
  });
});

describe('hidden-state PCA dimension', () => {
  it('states on two orthogonal directions with equal variance: PR = 2, 2 components; one direction: 1', () => {
    const H = 5, u = [1, 0, 0, 0, 0], v = [0, 0.6, 0.8, 0, 0], rows: number[] = [];
    for (const [a, b] of [[1, 1], [1, -1], [-1, 1], [-1, -1]]) for (let i = 0; i < H; i++) rows.push(3 + a * u[i] + b * v[i]);
    const p = hiddenPca(rows, 4, H);
    expect(p.participationRatio).toBeCloseTo(2, 12);
    expect(p.rank95).toBe(2);
    expect(p.top[0]).toBeCloseTo(4 / 3, 12); // variance of ±1 with the n − 1 normalisation
    const line = [1, 2, 3, 4].flatMap((a) => [a, 2 * a, 0, 0, 0]);
    expect(hiddenPca(line, 4, H).participationRatio).toBeCloseTo(1, 12);
    expect(hiddenPca(line, 4, H).rank95).toBe(1);
  });
});

describe('misdirection: the probe estimate against the exact value', () => {
  it('the mean over many independent probe draws is within 4 standard errors of the exact alignment', () => {
    const lin = setup({ kind: 'rnn', dt: 0.2 }, { H: 6, B: 3, T: 8 }), ops = kpflowOperators(lin);
    const exact = opAlignment(ops.PKPstar, ops.PPstar, 0, 0, ALIGNMENT_EXACT_MAX);
    expect(exact.method).toBe('dense');
    const draws = 200, v: number[] = [];
    for (let d = 0; d < draws; d++) v.push(opAlignment(ops.PKPstar, ops.PPstar, 16, 1000 + d, 0).value);
    const mean = v.reduce((a, b) => a + b) / draws, sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws - 1));
    expect(sd).toBeGreaterThan(1e-3); // the draws do differ
    expect(Math.abs(mean - exact.value)).toBeLessThan(4 * sd / Math.sqrt(draws));
  });

  it('a run reports at every checkpoint the exact misdirection (small N), unit-space ranks, the exact 𝒫𝒫* rank and the hidden PCA', () => {
    const cfg = { ...getKpflowPreset('memory-pro-gru').quick, hidden: 6, batch: 4, periods: { stimulus: 4, memory: 4, response: 4 }, steps: 20, checkpoints: 3, snapshotEvery: 2, probes: 8, lanczos: 30, top: 5 };
    const r = runKpflow('memory-pro-gru', cfg, true);
    expect(r.checkpoints.length).toBe(3);
    for (const c of r.checkpoints) {
      expect(c.misdirection.method).toBe('dense'); // N = 4·12·6 = 288 ≤ ALIGNMENT_EXACT_MAX
      expect(c.PPstar.method).toBe('exact');
      expect(c.PPstar.effectiveRank).not.toBeNull();
      for (const u of [c.unitRank.K, c.unitRank.PPstar, c.unitRank.PKPstar]) { expect(u.rank).toBeGreaterThanOrEqual(1); expect(u.rank).toBeLessThanOrEqual(6); }
      expect(c.hiddenPca.rank95).toBeGreaterThanOrEqual(1);
    }
  });
});
