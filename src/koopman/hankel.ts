/**
 * Time-delay (Hankel) embedding with d delays, paper 1's convention: the embedded snapshot of run r at time t is
 * z_t = [x_t; x_{t+1}; …; x_{t+d}], t = 0 … T_r − d − 1, so each run loses d snapshots and the embedded dimension is
 * (d + 1)·N. PyDMD's HankelDMD(d) is our d − 1. Runs are embedded separately: no z mixes two runs.
 *
 * From the Gram alone (method of snapshots): ⟨z_s, z_t⟩ = Σ_{k=0..d} ⟨x_{s+k}, x_{t+k}⟩, a sum of d + 1 shifted
 * blocks of the base Gram. Computed by running sums along diagonals, so the cost is O(M²) for any d and delays
 * never multiply memory by d + 1.
 */
import { runStarts, totalSnapshots, type EnsembleGram, type SnapshotSet } from './snapshots';
import { DataError } from '../linalg/errors';

export function delayGram(base: EnsembleGram, d: number): EnsembleGram {
  if (d === 0) return base;
  const lens = base.runLengths;
  const M = totalSnapshots(base);
  const starts = runStarts(lens);
  const eLens = lens.map((T) => T - d);
  if (eLens.some((T) => T < 2)) {
    throw new DataError('too-few-snapshots', `${d} delays need at least ${d + 2} snapshots per run; the shortest run has ${Math.min(...lens)}`);
  }
  const eStarts = runStarts(eLens);
  const Me = totalSnapshots({ runLengths: eLens });
  const Ge = new Float64Array(Me * Me);
  const G = base.G;
  for (let a = 0; a < lens.length; a++) {
    for (let b = a; b < lens.length; b++) {
      // Block (run a, run b): Ge[s][t] = Σ_k G[sa+s+k][sb+t+k]; along a diagonal (s − t fixed) this is a
      // sliding-window sum, updated in O(1) per entry.
      const sa = starts[a], sb = starts[b], ea = eStarts[a], eb = eStarts[b];
      const Ta = eLens[a], Tb = eLens[b];
      for (let off = -(Ta - 1); off <= Tb - 1; off++) {
        // entries (s, t = s + off)
        const s0 = Math.max(0, -off);
        const s1 = Math.min(Ta - 1, Tb - 1 - off);
        if (s0 > s1) continue;
        let acc = 0;
        for (let k = 0; k <= d; k++) acc += G[(sa + s0 + k) * M + sb + s0 + off + k];
        for (let s = s0; ; s++) {
          const v = acc;
          Ge[(ea + s) * Me + eb + s + off] = v;
          Ge[(eb + s + off) * Me + ea + s] = v;
          if (s === s1) break;
          if ((s - s0) % 64 === 63) {
            // re-sum exactly now and then so rounding in the running sum cannot drift along long diagonals
            acc = 0;
            for (let k = 0; k <= d; k++) acc += G[(sa + s + 1 + k) * M + sb + s + 1 + off + k];
          } else {
            acc += G[(sa + s + d + 1) * M + sb + s + off + d + 1] - G[(sa + s) * M + sb + s + off];
          }
        }
      }
    }
  }
  return { G: Ge, runLengths: eLens, dim: base.dim * (d + 1) };
}

/**
 * Explicit delay embedding of a small snapshot set (for the direct SVD route): returns (runs·(T − d), (d+1)·N)
 * row-major float64, rows in run order. Only sensible when (d+1)·N is small.
 */
export function delayEmbed(set: SnapshotSet, d: number): SnapshotSet & { data: Float64Array } {
  const { runs, T, N, data } = set;
  const Te = T - d;
  if (Te < 2) throw new DataError('too-few-snapshots', `${d} delays need at least ${d + 2} snapshots per run; runs have ${T}`);
  const n = (d + 1) * N;
  const out = new Float64Array(runs * Te * n);
  for (let r = 0; r < runs; r++) {
    for (let t = 0; t < Te; t++) {
      const row = (r * Te + t) * n;
      for (let k = 0; k <= d; k++) {
        const src = (r * T + t + k) * N;
        for (let j = 0; j < N; j++) out[row + k * N + j] = data[src + j];
      }
    }
  }
  return { runs, T: Te, N: n, data: out };
}
