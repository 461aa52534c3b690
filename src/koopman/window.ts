/**
 * Live (streaming) spectra: a ring buffer of the last `capacity` snapshots of one run (or of R runs advancing in
 * lock-step, an ensemble) plus their Gram matrix. A new snapshot costs one row of inner products against the
 * stored window, O(R²·capacity·N), never a new SVD; the spectrum of the current window is then computed from the
 * Gram alone (O(m³) in the window size m, independent of N). Memory held: the window and the Gram, reported by
 * `memory()`. With a sketch, snapshots are projected to `sketch.dim` values as they arrive (sketch.ts) and only the
 * sketches are stored.
 *
 * With float32 storage and no sketch the ring buffer lives in a WebAssembly memory (linalg/wasmDot.ts) and the new
 * row of inner products is computed by the wasm SIMD kernel (6–12× the JS kernel); elsewhere, or with
 * `kernel: 'js'`, by the JS kernel of linalg/gram.ts. Either way the Gram is that of the stored rows.
 *
 * Sliding-window sequences over a recorded trajectory (`windowSpectra`) reuse the same update: each slide by
 * `stride` snapshots costs `stride` rows of inner products.
 */
import { dotRows, offsetArray, type DotKernel, type FloatArray } from '../linalg/gram';
import { ARENA_MAX_FLOATS, Float32Arena, wasmSimdAvailable } from '../linalg/wasmDot';
import { spectrumFromGram, type Fit, type SpectrumOptions } from './analyze';
import { Sketcher, sketchError, type SketchSpec } from './sketch';
import type { EnsembleGram, SnapshotSet } from './snapshots';
import { wasserstein1 } from './wasserstein';
import { OptionError } from '../linalg/errors';

export interface WindowOptions {
  /** Snapshots kept per run (the DMD window). */
  capacity: number;
  /** Runs advancing together (ensemble). Default 1. */
  runs?: number;
  /** Storage precision of the ring buffer. Default 'float32' (training snapshots are float32). */
  precision?: 'float32' | 'float64';
  sketch?: SketchSpec;
  /**
   * Dot kernel for new snapshots: 'auto' (default) takes wasm SIMD when storage is float32, there is no sketch and
   * the engine supports it, else JS; 'wasm' requires those conditions (throws otherwise); 'js' forces the JS kernel.
   */
  kernel?: DotKernel;
}

export interface WindowMemory {
  snapshotBytes: number;
  gramBytes: number;
  totalBytes: number;
}

export class SnapshotWindow {
  readonly N: number;
  readonly dim: number;
  readonly capacity: number;
  readonly runs: number;
  /** The kernel in use. */
  readonly kernel: 'js' | 'wasm';
  private readonly store: FloatArray;
  private readonly arena?: Float32Arena;
  /** Gram over slots: index of (run r, slot s) is r·capacity + s; (R·capacity)² row-major. */
  private readonly G: Float64Array;
  private readonly sketcher?: Sketcher;
  private readonly sketchBuf?: Float64Array;
  private count = 0;
  private head = 0;          // slot the next snapshot goes to
  private readonly stepOf: number[];
  private readonly offsets: Int32Array | Float64Array;
  private readonly row: Float64Array;

  constructor(N: number, opts: WindowOptions) {
    const runs = opts.runs ?? 1;
    if (!(Number.isInteger(opts.capacity) && opts.capacity >= 3)) {
      throw new OptionError(`window capacity must be a whole number ≥ 3, got ${opts.capacity}`);
    }
    if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`runs must be a positive integer, got ${runs}`);
    this.N = N;
    this.capacity = opts.capacity;
    this.runs = runs;
    if (opts.sketch) {
      this.sketcher = new Sketcher(N, opts.sketch);
      this.sketchBuf = new Float64Array(opts.sketch.dim);
    }
    this.dim = opts.sketch ? opts.sketch.dim : N;
    const slots = runs * this.capacity;
    const size = slots * this.dim;
    const f64 = opts.precision === 'float64' || !!opts.sketch;
    const kernel = opts.kernel ?? 'auto';
    if (kernel === 'wasm') {
      if (f64) throw new Error("kernel 'wasm' needs float32 storage and no sketch");
      if (!wasmSimdAvailable()) throw new Error('WebAssembly SIMD is not available in this environment');
      this.arena = new Float32Arena(size);
    } else if (kernel === 'auto' && !f64 && size <= ARENA_MAX_FLOATS && wasmSimdAvailable()) {
      try { this.arena = new Float32Arena(size); } catch { /* memory exhausted: a plain array and the JS kernel */ }
    } else if (kernel !== 'auto' && kernel !== 'js') {
      throw new Error(`unknown kernel '${kernel}' (expected 'auto', 'js' or 'wasm')`);
    }
    this.kernel = this.arena ? 'wasm' : 'js';
    this.store = this.arena ? this.arena.f32 : f64 ? new Float64Array(size) : new Float32Array(size);
    this.G = new Float64Array(slots * slots);
    this.stepOf = Array(this.capacity).fill(0);
    this.offsets = offsetArray(slots, size);
    this.row = new Float64Array(slots);
  }

  /** Snapshots held per run. */
  get size(): number { return this.count; }

  /** Optimizer steps of the held snapshots, oldest first. */
  steps(): number[] {
    return this.order().map((s) => this.stepOf[s]);
  }

  /**
   * Append the snapshot of each run at one time (x.length === runs, each N values); the oldest is dropped once the
   * window is full. Cost: one inner product per stored snapshot per run pair.
   */
  push(x: FloatArray | FloatArray[], step = NaN): void {
    const xs = Array.isArray(x) ? x : [x];
    if (xs.length !== this.runs) throw new Error(`expected ${this.runs} snapshots (one per run), got ${xs.length}`);
    for (const v of xs) {
      if (v.length !== this.N) throw new Error(`snapshot has ${v.length} values, the window holds ${this.N}`);
    }
    const slot = this.head;
    const C = this.capacity, dim = this.dim, slots = this.runs * C;
    // write the new snapshots first, so the new-vs-new products come out of the same loop
    for (let r = 0; r < this.runs; r++) {
      const dst = (r * C + slot) * dim;
      if (this.sketcher) { this.sketcher.apply(xs[r], 0, this.sketchBuf!); this.store.set(this.sketchBuf!, dst); }
      else this.store.set(xs[r], dst);
    }
    this.count = Math.min(this.count + 1, C);
    const held: number[] = [];
    for (const s of this.order()) for (let r = 0; r < this.runs; r++) held.push(r * C + s);
    for (let i = 0; i < held.length; i++) this.offsets[i] = held[i] * dim;
    for (let r = 0; r < this.runs; r++) {
      const idx = r * C + slot;
      // read the new snapshot back from the store: with float32 storage of float64 input, the Gram must be that of
      // the stored (rounded) values, or it would not equal the Gram of the window's own snapshots
      if (this.arena) this.arena.dotRows(idx * dim, this.offsets, held.length, dim, this.row);
      else dotRows(this.store, idx * dim, this.store, this.offsets, held.length, dim, this.row);
      for (let i = 0; i < held.length; i++) {
        this.G[idx * slots + held[i]] = this.row[i];
        this.G[held[i] * slots + idx] = this.row[i];
      }
    }
    this.stepOf[slot] = step;
    this.head = (slot + 1) % C;
  }

  /** Slots in time order, oldest first. */
  private order(): number[] {
    const C = this.capacity;
    const first = this.count < C ? 0 : this.head;
    return Array.from({ length: this.count }, (_, i) => (first + i) % C);
  }

  /** The Gram of the held snapshots in stacked order (run 0 oldest … newest, run 1 …), a fresh copy. */
  gram(): EnsembleGram {
    const C = this.capacity, slots = this.runs * C;
    const idx: number[] = [];
    for (let r = 0; r < this.runs; r++) for (const s of this.order()) idx.push(r * C + s);
    const M = idx.length;
    const G = new Float64Array(M * M);
    for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) G[i * M + j] = this.G[idx[i] * slots + idx[j]];
    return { G, runLengths: Array(this.runs).fill(this.count), dim: this.dim };
  }

  /** Spectrum of the current window (SpectrumOptions without window/every/sketch, which the window owns). */
  spectrum(options: Omit<SpectrumOptions, 'window' | 'every' | 'sketch'> = {}): Fit {
    const fit = spectrumFromGram(this.gram(), options);
    if (this.sketcher) {
      const spec = this.sketcher.spec;
      fit.spectrum.sketched = true;
      fit.spectrum.sketch = { dim: spec.dim, seed: spec.seed, relativeInnerProductError: sketchError(spec.dim) };
    }
    return fit;
  }

  memory(): WindowMemory {
    const snapshotBytes = this.store.byteLength;
    const gramBytes = this.G.byteLength;
    return { snapshotBytes, gramBytes, totalBytes: snapshotBytes + gramBytes };
  }
}

export interface WindowSpectrum {
  /** Window [start, end) in snapshot indices of the (every-k thinned) trajectory. */
  start: number;
  end: number;
  fit: Fit;
  /** W1 to the previous window's spectrum (undefined for the first). */
  w1FromPrevious?: number;
}

/**
 * Spectra of sliding windows [a, a + length) for a = 0, stride, 2·stride, … over a recorded trajectory (all runs
 * together), with the W1 distance between consecutive windows (paper 1's CNN early-phase analysis).
 */
export function windowSpectra(
  set: SnapshotSet,
  opts: { length: number; stride: number } & Omit<SpectrumOptions, 'window' | 'every'>,
  onProgress?: (fraction: number) => void,
): WindowSpectrum[] {
  const { length, stride, sketch, ...spectrumOptions } = opts;
  if (!(Number.isInteger(length) && length >= 3 && length <= set.T)) {
    throw new OptionError(`window length must be a whole number between 3 and ${set.T}, got ${length}`);
  }
  if (!(Number.isInteger(stride) && stride >= 1)) throw new OptionError(`stride must be a whole number ≥ 1, got ${stride}`);
  const win = new SnapshotWindow(set.N, {
    capacity: length, runs: set.runs, sketch,
    precision: set.data instanceof Float64Array ? 'float64' : 'float32',
  });
  const row = (r: number, t: number) => set.data.subarray((r * set.T + t) * set.N, (r * set.T + t + 1) * set.N);
  const out: WindowSpectrum[] = [];
  let pushed = 0;
  for (let end = length; end <= set.T; end += stride) {
    for (; pushed < end; pushed++) {
      win.push(Array.from({ length: set.runs }, (_, r) => row(r, pushed)), pushed);
    }
    const fit = win.spectrum(spectrumOptions);
    const prev = out[out.length - 1];
    out.push({
      start: end - length, end, fit,
      w1FromPrevious: prev ? wasserstein1(prev.fit.spectrum.eigenvalues, fit.spectrum.eigenvalues) : undefined,
    });
    onProgress?.(end / set.T);
  }
  return out;
}
