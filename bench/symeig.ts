/**
 * Section `symeig`: the symmetric eigensolver (src/linalg/symeig.ts) on random symmetric matrices and on rank-deficient
 * PSD Grams like the DMD Gram route's (n snapshots of dimension n/4), against what a user would run instead: NumPy's
 * eigvalsh / eigh and SciPy's eigh(subset_by_index, driver='evr') on one BLAS thread (bench/numpy_symeig.py, run on
 * the same matrix right after the JS, OpenBLAS variables unset for NumPy only), and, for n ≤ 256, ml-matrix's
 * EigenvalueDecomposition (the same tred2/tql2 on Matrix objects).
 *
 * Ours, each the median of several calls: `js` symmetricEigenvalues with the JS loops (kernel 'js'); `values`
 * symmetricEigenvalues with the default kernel (tred2's two O(n³) loops in wasm SIMD, wasmTridiag.ts); `leading`
 * symmetricEigLeading plus its 10 leading vectors (what the Gram route of computeSpectrum calls). Ratios ours / NumPy.
 *
 *   node scripts/bench.mjs --only=symeig [--full]     # quick: n = 64 … 511; full: n = 64 … 4095 (4095: the Gram only)
 *   node --import tsx bench/symeig.ts [--quick]
 *
 * Prints a table on stderr and, like the other sections, one JSON object on the last line of stdout.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { writeNpy } from '../src/io/npy';
import { symmetricEigLeading, symmetricEigenvalues } from '../src/linalg/symeig';
import { randomSymmetric } from '../test/linalg/randomSymmetric';
import { emit, log, median, numpyEnv, quick, rng, timeIt, type Metric } from './common';

/** Gram matrix XᵀX of n columns of dimension p (rank p < n): what the DMD Gram route decomposes. */
function gram(n: number, p: number, seed: number): Float64Array {
  const r = rng(seed);
  const X = new Float64Array(p * n);
  for (let i = 0; i < X.length; i++) X[i] = r() - 0.5;
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += X[k * n + i] * X[k * n + j];
      G[i * n + j] = s;
      G[j * n + i] = s;
    }
  }
  return G;
}

function mlMatrix(a: Float64Array, n: number): void {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, a[i * n + j]);
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  void evd.realEigenvalues;
  void evd.eigenvectorMatrix;
}

interface NumpyTimes { eigvalsh_ms: number; eigh_ms: number; evr10_ms: number | null; max_abs_diff: number; norm: number; blas: unknown; numpy: string }

/** NumPy's times on `a` (one BLAS thread), and how far its eigenvalues are from `values`. */
function numpy(a: Float64Array, n: number, values: Float64Array, reps: number): NumpyTimes | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'koopscope-symeig-'));
  try {
    const A = path.join(dir, 'a.npy'), V = path.join(dir, 'v.npy');
    fs.writeFileSync(A, writeNpy({ dtype: 'float64', shape: [n, n], data: a }));
    fs.writeFileSync(V, writeNpy({ dtype: 'float64', shape: [n], data: values }));
    const r = spawnSync('python3', ['bench/numpy_symeig.py', A, String(reps), V], { env: numpyEnv(1), encoding: 'utf8' });
    if (r.status !== 0) { log(`NumPy reference failed (${r.status}): ${(r.stderr ?? '').slice(-400)}`); return undefined; }
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

const sizes = quick ? [64, 128, 256, 511] : [64, 256, 511, 1023, 2047, 4095];
const metrics: Metric[] = [];
const rows: string[] = [];
const info: Record<string, unknown> = { sizes };
const f = (x: number | undefined | null, w = 9) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(0)).padStart(w);
for (const n of sizes) {
  const big = n >= 1000, huge = n >= 4000; // (at 4095 one call of each, and the JS loops, ~80 s, are not timed)
  const opts = huge ? { warmup: 0, minReps: 1, maxReps: 1, minMs: 0 } : big ? { warmup: 1, minReps: 3, maxReps: 3, minMs: 0 }
    : quick ? { warmup: 1, minReps: 3, minMs: 100 } : { warmup: 2, minReps: 7, minMs: 500 };
  for (const [kind, a] of [['random', randomSymmetric(n, rng(n))], ['gram', gram(n, n >> 2, n + 1)]] as const) {
    if (huge && kind === 'random') continue;
    const tMl = n <= 256 ? median(timeIt(() => mlMatrix(a, n), opts)) : undefined;
    const tJs = huge ? NaN : median(timeIt(() => symmetricEigenvalues(a, n, 'js'), opts));
    const tVals = median(timeIt(() => symmetricEigenvalues(a, n), opts));
    const tLead = median(timeIt(() => symmetricEigLeading(a, n).vectors(Math.min(10, n)), opts));
    const np = numpy(a, n, symmetricEigenvalues(a, n), huge ? 1 : big ? 3 : 7);
    const rel = np ? np.max_abs_diff / np.norm : undefined;
    rows.push(`${String(n).padStart(4)}  ${kind.padEnd(6)}  ${f(tMl)}  ${f(tJs)}  ${f(tVals)}  ${f(tLead)}  ${f(np?.eigvalsh_ms)}  ${f(np?.eigh_ms)}  `
      + `${f(np?.evr10_ms)}  ${f(tJs / tVals, 6)}×  ${f(np && tVals / np.eigvalsh_ms, 6)}×  ${f(np && tLead / np.eigh_ms, 6)}×  ${rel === undefined ? '—' : rel.toExponential(1)}`);
    log(`n = ${n} ${kind}: js ${tJs.toFixed(1)} ms, values ${tVals.toFixed(1)} ms, leading ${tLead.toFixed(1)} ms; NumPy eigvalsh ${np?.eigvalsh_ms.toFixed(1)} ms, eigh ${np?.eigh_ms.toFixed(1)} ms`);
    const id = `symeig.${kind}.${n}`;
    if (tMl !== undefined) metrics.push({ id: `${id}.ml`, label: `ml-matrix symmetric EVD, ${kind} n=${n}`, value: tMl, unit: 'ms' });
    if (!huge) metrics.push({ id: `${id}.js`, label: `eigenvalues, JS loops, ${kind} n=${n}`, value: tJs, unit: 'ms' });
    metrics.push({ id: `${id}.values`, label: `eigenvalues (wasm SIMD tred2), ${kind} n=${n}`, value: tVals, unit: 'ms' });
    metrics.push({ id: `${id}.leading`, label: `eigenvalues + 10 leading vectors, ${kind} n=${n}`, value: tLead, unit: 'ms' });
    if (!huge) metrics.push({ id: `${id}.simd`, label: `JS loops / wasm SIMD, ${kind} n=${n}`, value: tJs / tVals, unit: '×' });
    if (np) {
      metrics.push({ id: `${id}.np.eigvalsh`, label: `NumPy eigvalsh (1 thread), ${kind} n=${n}`, value: np.eigvalsh_ms, unit: 'ms' });
      metrics.push({ id: `${id}.np.eigh`, label: `NumPy eigh (1 thread), ${kind} n=${n}`, value: np.eigh_ms, unit: 'ms' });
      metrics.push({ id: `${id}.ratio.values`, label: `ours values / NumPy eigvalsh, ${kind} n=${n}`, value: tVals / np.eigvalsh_ms, unit: '×' });
      metrics.push({ id: `${id}.ratio.leading`, label: `ours values + 10 vectors / NumPy eigh, ${kind} n=${n}`, value: tLead / np.eigh_ms, unit: '×' });
      metrics.push({ id: `${id}.error`, label: `max |λ − NumPy's| / ‖A‖, ${kind} n=${n}`, value: rel!, unit: '' });
      info.numpy = np.numpy; info.blas = np.blas;
    }
  }
}
process.stderr.write('\n   n  matrix  ml-matrix         js     values    leading   eigvalsh       eigh      evr10  js/simd  '
  + 'vals/np  lead/eigh  |Δλ|/‖A‖   (ms: ours median, NumPy min, 1 thread)\n' + rows.join('\n') + '\n');
emit('symeig', metrics, info);
