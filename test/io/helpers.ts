/** Shared helpers of the io tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

export const FIXTURES = fileURLToPath(new URL('../fixtures/io/', import.meta.url));

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + name));
}

/** Exact elementwise comparison (NaN equals NaN); returns a message naming the first mismatch, or '' when equal. */
export function diffNumbers(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 0): string {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e))) continue;
    return `[${i}]: ${a} ≠ ${e}`;
  }
  return '';
}

/** True when `python3 -c 'import numpy'` works; the Python round-trip tests skip (with a note) otherwise. */
export const HAS_NUMPY = (() => {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0;
})();

export function python(code: string, cwd?: string): string {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', cwd, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed:\n${r.stderr}`);
  return r.stdout;
}
