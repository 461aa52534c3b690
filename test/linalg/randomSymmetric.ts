/**
 * A random symmetric n×n matrix (row-major), entries uniform in [−0.5, 0.5): row by row, the lower triangle
 * (j ≤ i) draws one value each from `uniform` and mirrors it. Shared by test/linalg/symeig.test.ts (mulberry32
 * uniforms) and bench/symeig.ts (its xorshift uniforms), so each keeps its own sequence.
 */
export function randomSymmetric(n: number, uniform: () => number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = uniform() - 0.5;
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}
