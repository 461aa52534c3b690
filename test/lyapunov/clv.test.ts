/**
 * Ginelli's covariant Lyapunov vectors on a constant non-normal map, whose CLVs are its eigenvectors (not the
 * orthonormal Gram–Schmidt vectors): the vectors, the angles between them, and covariance J V_n ∝ V_{n+1}.
 */
import { describe, expect, it } from 'vitest';
import { benettin, type TangentSystem } from '../../src/lyapunov/benettin';
import { covariantVectors, lineAngle } from '../../src/lyapunov/clv';
import { householderQr } from '../../src/lyapunov/qr';
import { seededRng } from '../../src/linalg/random';

// A = V diag(0.9, 0.6, 0.3) V⁻¹ with non-orthogonal unit eigenvectors (columns of V)
const v1 = [1, 0, 0], v2 = [0.8, 0.6, 0], v3 = [0.6, 0.48, 0.64];
const lambdas = [0.9, 0.6, 0.3];
function matrixA(): number[][] {
  // V is upper triangular here, so V⁻¹ by back substitution is easy; A = V Λ V⁻¹
  const V = [[v1[0], v2[0], v3[0]], [v1[1], v2[1], v3[1]], [v1[2], v2[2], v3[2]]];
  const inv = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let c = 0; c < 3; c++) {
    for (let i = 2; i >= 0; i--) {
      let s = i === c ? 1 : 0;
      for (let j = i + 1; j < 3; j++) s -= V[i][j] * inv[j][c];
      inv[i][c] = s / V[i][i];
    }
  }
  return V.map((row) => [0, 1, 2].map((c) => row.reduce((acc, vij, j) => acc + vij * lambdas[j] * inv[j][c], 0)));
}

const A = matrixA();
const linear: TangentSystem = {
  dim: 3,
  jvp(v, out) { for (let i = 0; i < 3; i++) out[i] = A[i][0] * v[0] + A[i][1] * v[1] + A[i][2] * v[2]; },
  advance() {},
};

describe('covariantVectors (Ginelli)', () => {
  const rng = seededRng(2);
  const q0 = Float64Array.from([0.3, 0.5, 0.81, -0.6, 0.7, 0.1, 0.2, 0.1, -0.4]); // any full-rank start
  const b = benettin(linear, { k: 3, steps: 200, q0: (() => { const { q } = qrOf(q0); return q; })(), keepFrames: true });
  const cv = covariantVectors(b.frames!, b.rs!, 3, 3, rng, { from: 80, to: 120, every: 10 });

  it('finds the eigenvectors of a constant non-normal map, in the order of the exponents', () => {
    expect(cv.steps).toEqual([80, 90, 100, 110, 120]); // transients: (0.6/0.9)^80 ≈ 1e-14 at both ends
    for (const V of cv.vectors) {
      [v1, v2, v3].forEach((e, i) => expect(lineAngle(V.subarray(i * 3, i * 3 + 3), Float64Array.from(e))).toBeLessThan(1e-9));
    }
  });

  it('the angles between CLVs are the angles between eigenvectors (not 90° as for Gram–Schmidt vectors)', () => {
    const expected = [[v1, v2], [v1, v3], [v2, v3]].map(([a, c]) => lineAngle(Float64Array.from(a), Float64Array.from(c)));
    expect(cv.pairs).toEqual([[0, 1], [0, 2], [1, 2]]);
    for (let t = 0; t < cv.steps.length; t++) expected.forEach((e, p) => expect(cv.angles[t * 3 + p]).toBeCloseTo(e, 9));
    expect(expected[0]).toBeLessThan(1); // 36.9°: far from orthogonal
  });

  it('is covariant: J V_n is parallel to V_{n+1}, column by column', () => {
    const all = covariantVectors(b.frames!, b.rs!, 3, 3, seededRng(9), { from: 100, to: 101 });
    const out = new Float64Array(3);
    for (let i = 0; i < 3; i++) {
      linear.jvp(all.vectors[0].subarray(i * 3, i * 3 + 3), out);
      expect(lineAngle(out.map((x) => x / Math.hypot(...out)), all.vectors[1].subarray(i * 3, i * 3 + 3))).toBeLessThan(1e-9);
    }
  });

  it('the exponents are ln of the eigenvalues', () => {
    const mean = [0, 1, 2].map((i) => b.logR.filter((_, j) => j % 3 === i).slice(50).reduce((a, x) => a + x, 0) / 150);
    mean.forEach((m, i) => expect(m).toBeCloseTo(Math.log(lambdas[i]), 10));
  });

  it('rejects inconsistent input', () => {
    expect(() => covariantVectors(b.frames!.slice(1), b.rs!, 3, 3, rng, { from: 0, to: 10 })).toThrow(/frames/);
    expect(() => covariantVectors(b.frames!, b.rs!, 3, 3, rng, { from: 10, to: 500 })).toThrow(/range/);
  });
});

function qrOf(a: Float64Array) { return householderQr(a, 3, 3); }
