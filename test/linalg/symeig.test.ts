import { describe, it, expect } from 'vitest';
import { uniformRng as rng } from '../matchers';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { symmetricEigFlat, symmetricEigLeading, symmetricEigenvalues } from '../../src/linalg/symeig';
import { TRIDIAG_WASM_MIN_N, tridiagWork } from '../../src/linalg/wasmTridiag';
import { symmetricEig } from '../../src/linalg/eig';
import { randomSymmetric } from './randomSymmetric';
import { symeigCases as cases } from './symeigCases';


/** max |λ| (the 2-norm of a symmetric matrix), from the reference eigenvalues. */
function norm2(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** max_ij |(A V − V Λ)_ij| and max_ij |(VᵀV − I)_ij|. */
function invariants(a: ArrayLike<number>, n: number, values: Float64Array, V: Float64Array) {
  let residual = 0;
  let orth = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * V[j * n + k];
      residual = Math.max(residual, Math.abs(s - values[k] * V[i * n + k]));
    }
    for (let l = 0; l <= k; l++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += V[i * n + k] * V[i * n + l];
      orth = Math.max(orth, Math.abs(s - (k === l ? 1 : 0)));
    }
  }
  return { residual, orth };
}

function expectDescending(values: Float64Array) {
  for (let k = 1; k < values.length; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
}

describe('symmetricEigFlat against NumPy eigh (test/fixtures/symeig.json)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const a = c.a;
      const { values, vectors } = symmetricEigFlat(a, c.n);
      const scale = Math.max(norm2(c.values), Number.MIN_VALUE);
      expect(values.length).toBe(c.n);
      expectDescending(values);
      // eigenvalues to 1e-12 relative to ‖A‖₂ (a backward-stable solver guarantees ~n·ε·‖A‖ absolutely, not
      // relative accuracy of each tiny eigenvalue: the Gram case has 32 eigenvalues at the rounding level)
      for (let k = 0; k < c.n; k++) expect(Math.abs(values[k] - c.values[k]) / scale).toBeLessThan(1e-12);
      const { residual, orth } = invariants(a, c.n, values, vectors);
      expect(residual / scale).toBeLessThan(1e-12);
      expect(orth).toBeLessThan(1e-12);
      // values only: same numbers as the full solver's, up to rounding
      const vals = symmetricEigenvalues(a, c.n);
      for (let k = 0; k < c.n; k++) expect(Math.abs(vals[k] - c.values[k]) / scale).toBeLessThan(1e-12);
    });
  }

  it('repeated eigenvalues come out as multiple copies, with an orthonormal basis of each eigenspace', () => {
    const c = cases.find((x) => x.name.startsWith('repeated'))!;
    const { values } = symmetricEigFlat(c.a, c.n);
    const threes = Array.from(values).filter((v) => Math.abs(v - 3) < 1e-12);
    const minusTwos = Array.from(values).filter((v) => Math.abs(v + 2) < 1e-12);
    expect(threes.length).toBe(3);
    expect(minusTwos.length).toBe(4);
  });
});

describe('tred2 in wasm SIMD (wasmTridiag.ts) against its JS loops', () => {
  /**
   * A PSD Gram of rank p > 0 (many eigenvalues at the rounding level, like a DMD window's); p = 0 a random matrix;
   * p = −1 block-diagonal random (blocks of n − 40 and 40: the reduction meets a zero column between them); p = −2
   * random with row and column 20 zero (the same, mid-way, right after a fused step).
   */
  const matrix = (n: number, p: number, seed: number): Float64Array => {
    if (p === 0) return randomSymmetric(n, rng(seed));
    if (p < 0) {
      const a = randomSymmetric(n, rng(seed));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (p === -1 ? (i < n - 40) !== (j < n - 40) : i === 20 || j === 20) a[i * n + j] = 0;
        }
      }
      return a;
    }
    const r = rng(seed), X = Float64Array.from({ length: n * p }, () => r() - 0.5), a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < p; k++) s += X[i * p + k] * X[j * p + k]; a[i * n + j] = s; }
    return a;
  };

  it('the kernels are there in Node from TRIDIAG_WASM_MIN_N on (else the comparisons below compare JS with JS)', () => {
    expect(tridiagWork(TRIDIAG_WASM_MIN_N).kernels).toBeDefined();
    expect(tridiagWork(TRIDIAG_WASM_MIN_N - 1).kernels).toBeUndefined();
    expect(tridiagWork(200, false).kernels).toBeUndefined();
  });

  // odd and even orders (rows end on a pair or on one value done in JS), at and past the threshold
  const what = (p: number) => (p > 0 ? `a Gram of rank ${p}` : ['random', 'block-diagonal', 'a zero row and column'][-p]);
  for (const [n, p] of [[160, 0], [161, 0], [170, 10], [200, 30], [257, 0], [200, -1], [201, -2]]) {
    it(`n = ${n}, ${what(p)}: eigenvalues and eigenvectors bit for bit`, () => {
      const a = matrix(n, p, 1000 + n);
      expect(Array.from(symmetricEigenvalues(a, n))).toEqual(Array.from(symmetricEigenvalues(a, n, 'js')));
      const full = symmetricEigFlat(a, n), fullJs = symmetricEigFlat(a, n, 'js');
      expect(Array.from(full.values)).toEqual(Array.from(fullJs.values));
      expect(Array.from(full.vectors)).toEqual(Array.from(fullJs.vectors));
      const lead = symmetricEigLeading(a, n), leadJs = symmetricEigLeading(a, n, 'js');
      expect(Array.from(lead.values)).toEqual(Array.from(leadJs.values));
      expect(Array.from(lead.vectors(5))).toEqual(Array.from(leadJs.vectors(5)));
    });
  }

  it('a diagonal matrix (every step a zero column) gives the sorted diagonal, as the JS loops do', () => {
    const n = 170, a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = ((i * 37) % n) - 20;
    const values = symmetricEigenvalues(a, n);
    expect(Array.from(values)).toEqual(Array.from(symmetricEigenvalues(a, n, 'js')));
    expect(Array.from(values)).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i - 20));
  });
});

describe('symmetricEigFlat: random n = 256 against ml-matrix', () => {
  it('same eigenvalues; eigenvectors equal up to sign; invariants hold', () => {
    const n = 256;
    const a = randomSymmetric(n, rng(256));
    const { values, vectors } = symmetricEigFlat(a, n);
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, a[i * n + j]);
    const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
    const d = evd.realEigenvalues;
    const Vm = evd.eigenvectorMatrix;
    const order = Array.from(d.keys()).sort((x, y) => d[y] - d[x]);
    const scale = norm2(values);
    let minGap = Infinity;
    for (let k = 0; k < n; k++) {
      expect(Math.abs(values[k] - d[order[k]]) / scale).toBeLessThan(1e-12);
      if (k > 0) minGap = Math.min(minGap, values[k - 1] - values[k]);
    }
    // eigenvector perturbation ≲ ε‖A‖/gap: compare |⟨v_k, u_k⟩| with 1 to that accuracy (times a safety factor)
    const tol = Math.max(1e-10, (1e3 * 2.22e-16 * scale) / minGap);
    expect(tol).toBeLessThan(1e-6); // the test is meaningful: this seed has no near-degenerate pair
    for (let k = 0; k < n; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += vectors[i * n + k] * Vm.get(i, order[k]);
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(tol);
    }
    const { residual, orth } = invariants(a, n, values, vectors);
    expect(residual / scale).toBeLessThan(1e-12);
    expect(orth).toBeLessThan(1e-12);
    const vals = symmetricEigenvalues(a, n);
    for (let k = 0; k < n; k++) expect(Math.abs(vals[k] - values[k]) / scale).toBeLessThan(1e-12);
  });
});

describe('symmetricEigFlat: edge cases', () => {
  it('n = 0', () => {
    const r = symmetricEigFlat(new Float64Array(0), 0);
    expect(r.values.length).toBe(0);
    expect(r.vectors.length).toBe(0);
    expect(symmetricEigenvalues(new Float64Array(0), 0).length).toBe(0);
  });

  it('n = 1', () => {
    const r = symmetricEigFlat(Float64Array.of(-2.5), 1);
    expect(Array.from(r.values)).toEqual([-2.5]);
    expect(Array.from(r.vectors)).toEqual([1]);
  });

  it('zero matrix: zero eigenvalues, orthonormal (identity) vectors', () => {
    const n = 7;
    const r = symmetricEigFlat(new Float64Array(n * n), n);
    expect(Array.from(r.values)).toEqual(new Array(n).fill(0));
    const { orth } = invariants(new Float64Array(n * n), n, r.values, r.vectors);
    expect(orth).toBe(0);
  });

  it('diagonal matrix: sorted diagonal, unit vectors', () => {
    const diag = [0.5, -3, 7, 0, 2, 2];
    const n = diag.length;
    const a = new Float64Array(n * n);
    diag.forEach((v, i) => { a[i * n + i] = v; });
    const r = symmetricEigFlat(a, n);
    expect(Array.from(r.values)).toEqual([...diag].sort((x, y) => y - x));
    for (let k = 0; k < n; k++) {
      // column k is ±e_i for an i with diag[i] = values[k]
      const nz = [];
      for (let i = 0; i < n; i++) if (r.vectors[i * n + k] !== 0) nz.push(i);
      expect(nz.length).toBe(1);
      expect(Math.abs(r.vectors[nz[0] * n + k])).toBe(1);
      expect(diag[nz[0]]).toBe(r.values[k]);
    }
  });

  it('2×2 closed form', () => {
    const r = symmetricEigFlat(Float64Array.of(2, 1, 1, 2), 2);
    expect(r.values[0]).toBeCloseTo(3, 15);
    expect(r.values[1]).toBeCloseTo(1, 15);
    expect(Math.abs(r.vectors[0])).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('huge and tiny entries do not overflow or underflow', () => {
    for (const s of [1e150, 1e-150]) {
      const a = randomSymmetric(10, rng(3)).map((x) => x * s);
      const r = symmetricEigFlat(a, 10);
      const { residual, orth } = invariants(a, 10, r.values, r.vectors);
      expect(residual / norm2(r.values)).toBeLessThan(1e-13);
      expect(orth).toBeLessThan(1e-13);
    }
  });

  it('entries near the float64 limits (1e200, 1e-300): exactly the scaled eigenvalues, the same vectors, no NaN', () => {
    // a power of two times A has exactly the power of two times A's eigenvalues when the solver rescales internally
    const a = randomSymmetric(12, rng(5));
    const ref = symmetricEigFlat(a, 12);
    for (const p of [664, -997]) {                    // 2^664 ≈ 1e200, 2^-997 ≈ 1e-300
      const s = 2 ** p;
      const r = symmetricEigFlat(a.map((x) => x * s), 12);
      expect(Array.from(r.values, (v) => v / s)).toEqual(Array.from(ref.values));
      expect(Array.from(r.vectors)).toEqual(Array.from(ref.vectors));
      expect(Array.from(symmetricEigenvalues(a.map((x) => x * s), 12), (v) => v / s)).toEqual(Array.from(symmetricEigenvalues(a, 12)));
    }
  });

  it('NaN or Infinity input throws a clear Error (JAMA would loop for ever)', () => {
    const a = randomSymmetric(5, rng(1));
    a[2 * 5 + 3] = NaN;
    a[3 * 5 + 2] = NaN;
    expect(() => symmetricEigFlat(a, 5)).toThrow(/non-finite.*A\[2\]\[3\] = NaN/);
    expect(() => symmetricEigenvalues(a, 5)).toThrow(/non-finite/);
    expect(() => symmetricEig(a, 5)).toThrow(/non-finite/);
    const b = new Float64Array(9).fill(NaN);
    expect(() => symmetricEigFlat(b, 3)).toThrow(Error);
    const c = randomSymmetric(4, rng(2));
    c[0] = Infinity;
    expect(() => symmetricEigFlat(c, 4)).toThrow(/non-finite/);
  });

  it('bad sizes throw', () => {
    expect(() => symmetricEigFlat(new Float64Array(3), 2)).toThrow(/4 entries/);
    expect(() => symmetricEigFlat(new Float64Array(4), -1)).toThrow(/non-negative integer/);
    expect(() => symmetricEigFlat(new Float64Array(4), 1.5)).toThrow(/non-negative integer/);
  });

  it('symmetricEig (eig.ts) keeps its contract: descending values, vectors as columns', () => {
    const n = 9;
    const a = randomSymmetric(n, rng(9));
    const { values, vectors } = symmetricEig(a, n);
    expectDescending(values);
    const { residual, orth } = invariants(a, n, values, vectors);
    expect(residual).toBeLessThan(1e-13);
    expect(orth).toBeLessThan(1e-13);
  });
});
