/** Lanczos, the Krylov-aware trace estimates, effective rank / participation ratio and the probe alignment. */
import { describe, expect, it } from 'vitest';
import { lanczos, operatorStats, opAlignment, statsFromEigenvalues } from '../../src/kpflow/spectral';
import type { SymOperator } from '../../src/kpflow/operators';
import { normals, seededRng } from '../../src/linalg/random';
import { symmetricEig } from '../../src/linalg/eig';

/** A random PSD matrix Q diag(λ) Qᵀ with the given eigenvalues (Q from the eigenvectors of a random symmetric matrix). */
function psd(lambdas: number[], seed: number): { A: Float64Array; op: SymOperator } {
  const N = lambdas.length, rnd = seededRng(seed), S = normals(rnd, N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < i; j++) S[j * N + i] = S[i * N + j];
  const Q = symmetricEig(S, N).vectors, A = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) { let s = 0; for (let k = 0; k < N; k++) s += Q[i * N + k] * lambdas[k] * Q[j * N + k]; A[i * N + j] = s; }
  const op = { N, apply: (v: Float64Array) => { const o = new Float64Array(N); for (let i = 0; i < N; i++) { let s = 0; for (let j = 0; j < N; j++) s += A[i * N + j] * v[j]; o[i] = s; } return o; } };
  return { A, op };
}

const decaying = (N: number, rate: number) => Array.from({ length: N }, (_, i) => Math.exp(-rate * i));

describe('lanczos', () => {
  it('top eigenvalues of a random PSD matrix agree with the dense eig to 1e-10', () => {
    const lam = decaying(300, 0.15), { op } = psd(lam, 5);
    const lz = lanczos(op, 60, 1);
    for (let i = 0; i < 10; i++) expect(Math.abs(lz.values[i] - lam[i])).toBeLessThan(1e-10);
    expect(lz.residuals[0]).toBeLessThan(1e-10);
    // the residual bound is honest: every Ritz value of a short run lies within its bound of some eigenvalue,
    // and the last one has not converged
    const short = lanczos(op, 8, 1);
    short.values.forEach((v, j) => expect(Math.min(...lam.map((l) => Math.abs(l - v)))).toBeLessThanOrEqual(short.residuals[j] + 1e-12));
    expect(short.residuals[7]).toBeGreaterThan(1e-6);
  });

  it('with k = N it is the full spectrum and tr(QᵀAQ) = tr A', () => {
    const lam = decaying(40, 0.1), { op } = psd(lam, 6);
    const lz = lanczos(op, 40, 2);
    expect(Math.abs(lz.traceInBasis - lam.reduce((a, b) => a + b))).toBeLessThan(1e-11);
    expect(Math.abs(lz.normSqInBasis - lam.reduce((a, b) => a + b * b, 0))).toBeLessThan(1e-11);
  });
});

describe('operatorStats', () => {
  it('dense route: effective rank (95 % of the trace) and participation ratio are exact', () => {
    const lam = [4, 3, 2, 1, 0, 0, 0, 0];
    const { op } = psd(lam, 7);
    const s = operatorStats(op, { denseLimit: 100 });
    expect(s.method).toBe('dense');
    expect(s.trace).toBeCloseTo(10, 12);
    expect(s.effectiveRank).toBe(4); // 4+3+2 = 9 < 9.5
    expect(s.participationRatio).toBeCloseTo(100 / 30, 12);
    expect(statsFromEigenvalues([1, 1, 1, 1], { top: 4, threshold: 0.95 }, 'exact').participationRatio).toBe(4);
  });

  it('Lanczos route: trace and tr A² within 1 % and the effective rank of a fast-decaying spectrum exactly', () => {
    const lam = decaying(400, 0.08), { op } = psd(lam, 8);
    const s = operatorStats(op, { denseLimit: 10, iterations: 60, probes: 10 });
    const tr = lam.reduce((a, b) => a + b), tr2 = lam.reduce((a, b) => a + b * b, 0);
    expect(s.method).toBe('lanczos');
    expect(Math.abs(s.trace / tr - 1)).toBeLessThan(0.01);
    expect(Math.abs(s.traceSq / tr2 - 1)).toBeLessThan(0.01);
    let acc = 0, r = 0;
    while (acc < 0.95 * tr) acc += lam[r++];
    expect(s.effectiveRank).toBe(r);
    // too few Ritz values for a flat spectrum: reported as a lower bound, not a number
    const flat = psd(decaying(300, 0.002), 9);
    const f = operatorStats(flat.op, { denseLimit: 10, iterations: 20, probes: 5 });
    expect(f.effectiveRank).toBeNull();
    expect(f.effectiveRankAtLeast).toBe(21);
  });
});

describe('opAlignment', () => {
  it('probe estimate agrees with the exact Frobenius cosine within 4 standard errors', () => {
    const a = psd(decaying(300, 0.05), 10), b = psd(decaying(300, 0.02), 11);
    const exact = opAlignment(a.op, b.op, 0, 0, 1000);
    expect(exact.method).toBe('dense');
    const est = opAlignment(a.op, b.op, 40, 3, 10);
    expect(est.method).toBe('probes');
    expect(est.stderr).toBeGreaterThan(0);
    expect(Math.abs(est.value - exact.value)).toBeLessThan(4 * est.stderr);
    expect(opAlignment(a.op, a.op, 10, 3, 10).value).toBeCloseTo(1, 12);
  });
});
