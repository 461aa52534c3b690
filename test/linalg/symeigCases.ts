/**
 * The NumPy eigh references of test/fixtures/symeig.json (make_symeig_fixtures.py) with each matrix as a Float64Array:
 * stored entries, or, for a case with a `formula` (one large enough for symeig.ts's wasm SIMD reduction, given by a
 * formula to keep the file small), rebuilt here exactly as the script builds it.
 */
import fixtures from '../fixtures/symeig.json';

export interface SymeigCase { name: string; n: number; a: Float64Array; values: number[] }

interface Stored { name: string; n: number; a?: number[]; formula?: string; values: number[] }

/** ((7i + 7j + ij) mod 23 − 11) / 7: small integers over 7, so every entry is the float64 NumPy computes. */
function formulaMatrix(n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (((7 * i + 7 * j + i * j) % 23) - 11) / 7;
  return a;
}

export const symeigCases: SymeigCase[] = (fixtures as { cases: Stored[] }).cases.map((c) => {
  if (c.formula !== undefined && c.formula !== '((7i + 7j + ij) mod 23 - 11) / 7') throw new Error(`unknown formula ${c.formula}`);
  return { name: c.name, n: c.n, values: c.values, a: c.a ? Float64Array.from(c.a) : formulaMatrix(c.n) };
});
