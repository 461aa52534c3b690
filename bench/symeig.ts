/**
 * Standalone timing of the symmetric eigensolver (src/linalg/symeig.ts) against ml-matrix's
 * EigenvalueDecomposition (assumeSymmetric: the same tred2/tql2, on Matrix objects), on random symmetric matrices
 * and on a rank-deficient PSD Gram matrix like the live app's window Gram (n snapshots of dimension n/4).
 *
 *   node --import tsx bench/symeig.ts            # n = 64, 128, 256, 512
 *   node --import tsx bench/symeig.ts --quick    # fewer repetitions, n ≤ 256
 *
 * Prints a table on stderr and, like the other sections, one JSON object on the last line of stdout.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { symmetricEigFlat, symmetricEigenvalues } from '../src/linalg/symeig';
import { randomSymmetric } from '../test/linalg/randomSymmetric';
import { emit, log, median, quick, rng, timeIt, type Metric } from './common';

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

const sizes = quick ? [64, 128, 256] : [64, 128, 256, 512];
const opts = quick ? { warmup: 1, minReps: 3, minMs: 100 } : { warmup: 2, minReps: 7, minMs: 500 };
const metrics: Metric[] = [];
const rows: string[] = [];
for (const n of sizes) {
  for (const [kind, a] of [['random', randomSymmetric(n, rng(n))], ['gram', gram(n, n >> 2, n + 1)]] as const) {
    const tMl = median(timeIt(() => mlMatrix(a, n), opts));
    const tNew = median(timeIt(() => symmetricEigFlat(a, n), opts));
    const tVals = median(timeIt(() => symmetricEigenvalues(a, n), opts));
    rows.push(`${String(n).padStart(4)}  ${kind.padEnd(6)}  ${tMl.toFixed(2).padStart(9)}  ${tNew.toFixed(2).padStart(9)}  `
      + `${tVals.toFixed(2).padStart(9)}  ${(tMl / tNew).toFixed(1).padStart(6)}×`);
    log(`n = ${n} ${kind}: ml-matrix ${tMl.toFixed(2)} ms, symeig ${tNew.toFixed(2)} ms, values only ${tVals.toFixed(2)} ms`);
    if (kind === 'random') {
      metrics.push({ id: `symeig.ml.${n}`, label: `ml-matrix symmetric EVD n=${n}`, value: tMl, unit: 'ms' });
      metrics.push({ id: `symeig.flat.${n}`, label: `symeig (values+vectors) n=${n}`, value: tNew, unit: 'ms' });
      metrics.push({ id: `symeig.values.${n}`, label: `symeig values only n=${n}`, value: tVals, unit: 'ms' });
    } else {
      metrics.push({ id: `symeig.gram.${n}`, label: `symeig (values+vectors) rank-${n >> 2} Gram n=${n}`, value: tNew, unit: 'ms' });
    }
  }
}
process.stderr.write(`\n   n  matrix  ml-matrix      symeig  vals only  speed-up   (median ms)\n${rows.join('\n')}\n`);
emit('symeig', metrics, { sizes });
