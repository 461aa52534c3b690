/**
 * Random-projection sketch of snapshots, for models whose window would not fit in memory (a 256-snapshot window
 * of a 1M-parameter model is a gigabyte of float32).
 *
 * A sparse Johnson–Lindenstrauss map S (k × N) with s = 4 non-zeros per column, each ±1/√s at rows drawn by a
 * seeded hash of the column index (Kane & Nelson 2014; CountSketch for s = 1). Applying it costs O(s·N) per
 * snapshot and needs no stored matrix, so snapshots can be sketched as they stream in. E⟨Sx, Sy⟩ = ⟨x, y⟩ and
 * Var⟨Sx, Sy⟩ ≤ (‖x‖²‖y‖² + ⟨x, y⟩²)/k ≤ 2‖x‖²‖y‖²/k, so every inner product, hence every Gram entry the DMD
 * uses, is within ±ε·‖x‖‖y‖ with ε = 3·√(2/k) (three standard deviations). Eigenvalues of well-separated,
 * well-conditioned modes move by O(ε); modes live in the sketch space and are not mapped back.
 */
import type { FloatArray } from '../linalg/gram';
import { OptionError } from '../linalg/errors';

export const SKETCH_NONZEROS = 4;

export interface SketchSpec {
  dim: number;
  seed: number;
}

/** The stated error ε of a k-dimensional sketch (relative to ‖x‖‖y‖; see the file comment). */
export function sketchError(dim: number): number {
  return 3 * Math.sqrt(2 / dim);
}

/** 32-bit mix (Murmur3 finaliser) for hashing (seed, column, j) to rows and signs. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Precomputed rows and signed weights of S, column-major: entries j·s … j·s+s−1 belong to column j. */
export class Sketcher {
  readonly rows: Int32Array;
  readonly weights: Float64Array;
  constructor(readonly N: number, readonly spec: SketchSpec) {
    const s = SKETCH_NONZEROS, k = spec.dim;
    if (!(Number.isInteger(k) && k >= 1)) throw new OptionError(`sketch dimension must be a positive integer, got ${k}`);
    this.rows = new Int32Array(N * s);
    this.weights = new Float64Array(N * s);
    const w = 1 / Math.sqrt(s);
    for (let j = 0; j < N; j++) {
      for (let q = 0; q < s; q++) {
        const h = mix((spec.seed * 0x9e3779b1) ^ mix(j * s + q + 0x632be5ab));
        this.rows[j * s + q] = h % k;
        this.weights[j * s + q] = (h & 0x80000000) ? -w : w;
      }
    }
  }

  /** S·x for the N values of x starting at `offset`; writes k values into out (zeroed first). */
  apply(x: FloatArray, offset: number, out: Float64Array): void {
    out.fill(0);
    const s = SKETCH_NONZEROS, rows = this.rows, wts = this.weights;
    for (let j = 0; j < this.N; j++) {
      const v = x[offset + j];
      if (v === 0) continue;
      const b = j * s;
      for (let q = 0; q < s; q++) out[rows[b + q]] += wts[b + q] * v;
    }
  }
}
