/**
 * The Node worker-thread Gram executor (src/cli/gramWorkers.ts): the same Gram as gram() on one thread (to rounding),
 * the same eigenvalues through computeSpectrum, and it declines (undefined) what it should not take.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { gram } from '../../src/linalg/gram';
import { computeSpectrum } from '../../src/koopman/analyze';
import { createGramWorkers } from '../../src/cli/gramWorkers';
import { sharedCopy } from '../../src/workers/threadExecutor';
import { HankelProducts } from '../../src/koopman/hankelWasm';
import { REGRESSION_CASES } from '../koopman/regressionCases';

const exec = createGramWorkers(3);
afterAll(() => exec.close());

function data32(M: number, N: number): Float32Array {
  const d = new Float32Array(new SharedArrayBuffer(4 * M * N));
  for (let i = 0; i < d.length; i++) d[i] = Math.sin(0.37 * i) + 0.01 * ((i * 7919) % 13);
  return d;
}

describe('createGramWorkers', () => {
  it("3 threads: the Gram of 66 × 100003 float32 rows is bit-identical to the one-thread Gram", () => {
    const M = 66, N = 100_003, d = data32(M, N);
    const G = exec.gram(d, M, N)!;
    expect(G).toBeDefined();
    const ref = gram(d, M, N);
    let err = 0, mx = 0;
    for (let i = 0; i < M * M; i++) { err = Math.max(err, Math.abs(G[i] - ref[i])); mx = Math.max(mx, Math.abs(ref[i])); }
    expect(err / mx).toBe(0);
    for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) expect(G[i * M + j]).toBe(G[j * M + i]);
  });

  it('declines data not on a SharedArrayBuffer and small Grams', () => {
    expect(exec.gram(new Float32Array(64 * 100_000), 64, 100_000)).toBeUndefined();
    expect(exec.gram(data32(8, 1000), 8, 1000)).toBeUndefined();
  });

  it('computeSpectrum with the executor: eigenvalues bit-identical to one thread on a Gram-route case', () => {
    const c = REGRESSION_CASES.find((x) => x.name === 'auto f32 256 × 5000 (gram route)')!;
    const set = c.set();
    const big = { ...set, data: sharedCopy(set.data) };
    const one = computeSpectrum(set, c.options).spectrum;
    // force the threads on this small case (256²·5000/2 = 1.6e8 multiply-adds is just under MIN_MADDS)
    const forced = { threads: 3, gram: (d: Float32Array | Float64Array, M: number, N: number) => exec.gram(d, M, N) ?? undefined };
    const sp = computeSpectrum(big, { ...c.options, gramExecutor: forced }).spectrum;
    sp.eigenvalues.forEach((e, k) => expect(Math.hypot(e.re - one.eigenvalues[k].re, e.im - one.eigenvalues[k].im)).toBe(0));
  });
});

describe('createGramWorkers: the randomized route\'s products split by snapshots', () => {
  const split = createGramWorkers(3, { minProductMadds: 0 });
  afterAll(() => split.close());

  it('X·B and Xᵀ·W over 3 threads equal the one-thread HankelProducts to rounding (2 delays, 6 columns)', () => {
    const T = 61, N = 20_011, d = data32(T, N), delays = 2, c = 6;
    const offsets = Array.from({ length: T }, (_, i) => i * N);
    const one = new HankelProducts(d, offsets, N, delays, c);
    const many = split.hankel(d, offsets, N, delays, c)!;
    expect(many).toBeDefined();
    const fill = (len: number, seed: number) => (A: Float64Array) => { for (let i = 0; i < len; i++) A[i] = Math.cos(seed * i + 0.3); };
    const C = (delays + 1) * HankelProducts.blockCols(c);
    for (const cc of [c, 3]) {
      const CC = (delays + 1) * HankelProducts.blockCols(cc);
      const relErr = (a: Float64Array, b: Float64Array) => {
        let e = 0, m = 0;
        for (let i = 0; i < b.length; i++) { e = Math.max(e, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
        return e / m;
      };
      const D1 = one.mulX(cc, fill(N * CC, 0.7)).slice(), Dn = many.mulX(cc, fill(N * CC, 0.7)).slice();
      expect(Dn.length).toBe(T * CC);
      expect(relErr(Dn, D1)).toBe(0); // each row of D is summed by one thread, in the same order
      const Z1 = one.mulXt(cc, fill(T * CC, 1.3)).slice(), Zn = many.mulXt(cc, fill(T * CC, 1.3)).slice();
      expect(Zn.length).toBe(N * CC);
      expect(relErr(Zn, Z1)).toBeLessThan(1e-13); // partial sums over the snapshot shares, added in thread order
    }
    expect(C).toBe(24);
  });

  it('declines data not on a SharedArrayBuffer, too few snapshots, and small products at the default threshold', () => {
    expect(split.hankel(new Float32Array(61 * 1000), Array.from({ length: 61 }, (_, i) => i * 1000), 1000, 0, 4)).toBeUndefined();
    expect(split.hankel(data32(4, 1000), [0, 1000, 2000, 3000], 1000, 0, 4)).toBeUndefined();
    expect(exec.hankel(data32(61, 1000), Array.from({ length: 61 }, (_, i) => i * 1000), 1000, 0, 4)).toBeUndefined();
  });

  it.each(REGRESSION_CASES.filter((x) => x.name.startsWith('randomized f32')).map((x) => [x.name, x] as const))(
    'computeSpectrum with the products over 3 threads: %s gives the one-thread eigenvalues to 1e-12', (_name, c) => {
      const set = c.set();
      const one = computeSpectrum(set, c.options).spectrum;
      let taken = 0; // the products really went over the threads
      const counting = { threads: 3, hankel: (...a: Parameters<typeof split.hankel>) => { const h = split.hankel(...a); if (h) taken++; return h; } };
      const sp = computeSpectrum({ ...set, data: sharedCopy(set.data) }, { ...c.options, productsExecutor: counting }).spectrum;
      expect(taken).toBe(1);
      expect(sp.eigenvalues.length).toBe(one.eigenvalues.length);
      sp.eigenvalues.forEach((e, k) => expect(Math.hypot(e.re - one.eigenvalues[k].re, e.im - one.eigenvalues[k].im)).toBeLessThan(1e-12));
    });
});
