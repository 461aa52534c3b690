/**
 * The Node worker-thread Gram executor (src/cli/gramWorkers.ts): the same Gram as gram() on one thread (to rounding),
 * the same eigenvalues through computeSpectrum, and it declines (undefined) what it should not take.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { gram } from '../../src/linalg/gram';
import { computeSpectrum } from '../../src/koopman/analyze';
import { createGramWorkers, sharedCopy } from '../../src/cli/gramWorkers';
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
