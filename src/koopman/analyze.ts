/**
 * The engine's front door: the spectrum of a snapshot set (or of a Gram matrix) under `SpectrumOptions`.
 *
 * Pipeline (paper 1, docs/methods.md#pipeline): select snapshots (window, every k) → optional sketch → optional centering
 * → optional PCA projection → delay embedding per run → pairs stacked across runs → rank-r projected DMD.
 * Three routes compute the same quantities (see dmd.ts): an SVD of the explicit embedded data when its dimension is
 * small (most accurate), otherwise the method of snapshots on the Gram matrix, except that a fixed-rank fit with both
 * a large embedded dimension and many snapshot pairs (where the Gram route's m × m eigendecomposition is
 * prohibitive) uses randomized subspace iteration on the Hankel structure (randomized.ts; top r + oversampling
 * singular values only).
 */
import { gram, gramUpperRowsFrom, mirrorUpper, type FloatArray, type GramExecutor, type RowReader } from '../linalg/gram';
import { symmetricEig } from '../linalg/eig';
import { firstNonFinite } from '../linalg/finite';
import { pairProblemFromData, pairProblemFromGram, rankFor, solveReduced, type PairProblem } from './dmd';
import { chooseRank } from './rank';
import { pairProblemRandomized, type RandomizedOptions, type RandomizedPairProblem } from './randomized';
import type { ProductsExecutor } from './hankelWasm';
import { delayEmbed, delayGram } from './hankel';
import { Sketcher, sketchError, type SketchSpec } from './sketch';
import { checkSnapshotSet, checkSnapshotShape, runStarts, totalSnapshots, type EnsembleGram, type SnapshotSet } from './snapshots';
import { describeEigenvalue, spectrumOrder } from './spectrum';
import { DEFAULT_RANK, type ModeKind, type PcaFit, type RankRule, type Spectrum } from './types';
import { DataError, OptionError } from '../linalg/errors';

export interface SpectrumOptions {
  rank?: RankRule;
  /** Number of delays d ≥ 0: embedded snapshot z_t = [x_t; x_{t+1}; …; x_{t+d}] (paper 1's convention). Default 0. */
  delays?: number;
  /**
   * Subtract the mean snapshot (over every snapshot of every run in the fit) before delay embedding. Off by default,
   * as in paper 1. Raw weights carry a large constant offset; an offset is a mode that never decays, so uncentered
   * fits of weight trajectories show an eigenvalue at or near λ = 1. It is real, not an artefact of training;
   * centering removes it (but is not exact for affine dynamics either; docs/methods.md#e5).
   */
  center?: boolean;
  /**
   * Project the (uncentered) snapshots onto the top `pca` principal components before delays; the components are
   * fitted on the mean-subtracted snapshots of all runs (those chosen by `pcaFit`), as paper 1 does for
   * Transformers. 0 or undefined: no projection.
   */
  pca?: number;
  /**
   * The snapshots the PCA is fitted on (types.ts PcaFit): 'all' (default) or 'pairs', every snapshot but the last
   * of each run (segment), which is paper 1's choice. Ignored without `pca`.
   */
  pcaFit?: PcaFit;
  /** Snapshot interval in optimizer steps (before `every`; the effective Δt is dt·every). Default 1. */
  dt?: number;
  /** Which modes the amplitudes are fitted with. Default 'projected'. */
  modes?: ModeKind;
  /** Snapshots [start, end) of every run, indices before `every` is applied. Default: all. */
  window?: { start: number; end: number };
  /** Keep every k-th snapshot of the window. Default 1. */
  every?: number;
  /** Random-projection sketch of each snapshot before anything else (sketch.ts). */
  sketch?: SketchSpec;
  /**
   * Force a route; 'auto' uses the SVD route when the embedded dimension is at most 600 (or with PCA), the
   * randomized route when the rank rule is a fixed rank, the embedded dimension is above 600 and there are more than
   * 2000 snapshot pairs, and the Gram route otherwise. The randomized route computes only the leading r + oversampling
   * singular values, so it accepts only `{kind: 'rank'}` rules and no PCA.
   */
  route?: 'auto' | 'gram' | 'svd' | 'randomized';
  /** Settings of the randomized route (randomized.ts). */
  randomized?: RandomizedOptions;
  /**
   * Computes the Gram route's snapshot Gram elsewhere (e.g. split over threads: src/workers/threadExecutor.ts, on
   * Node's worker threads or the page's nested workers). Used for contiguous unsketched rows and for rows read on
   * demand; when absent or when it declines (returns undefined), the Gram is computed here on one thread.
   * Eigenvalues agree with the one-thread Gram to rounding (~1e-14 on well-conditioned fits).
   */
  gramExecutor?: GramExecutor;
  /**
   * Runs the randomized route's snapshot products elsewhere (e.g. split over threads: src/workers/threadExecutor.ts),
   * unless `randomized.executor` names one. Eigenvalues agree with one thread to rounding.
   */
  productsExecutor?: ProductsExecutor;
  /** Called with a fraction in [0, 1] during the long phases ('sketch', 'gram'); for progress bars. */
  onProgress?: (fraction: number, phase: string) => void;
}

/** A spectrum plus what is needed to ask for modes later. */
export interface Fit {
  spectrum: Spectrum;
  route: 'gram' | 'svd' | 'randomized';
  /**
   * DMD modes on request, in the order of `spectrum.eigenvalues`: N × r complex, row-major (entry i·r + k is
   * parameter i of mode k). Projected modes U W = X V S⁻¹ W, exact modes Y V S⁻¹ W (PyDMD's `exact=True`); with
   * delays, the block of the first delay copy (x_t's part). Available when the fit came from explicit snapshots
   * without PCA or sketching (modes of those live in a reduced space); undefined otherwise.
   */
  modes?: (kind: ModeKind) => Modes;
}

export interface Modes {
  N: number;
  r: number;
  re: Float64Array;
  im: Float64Array;
}

const DIRECT_MAX_DIM = 600;
/** Above this many snapshot pairs (and DIRECT_MAX_DIM), 'auto' prefers the randomized route for fixed-rank fits. */
export const RANDOMIZED_MIN_PAIRS = 2000;

interface Resolved {
  rank: RankRule; delays: number; center: boolean; pca: number; pcaFit: PcaFit; dt: number; modes: ModeKind;
  every: number; route: 'auto' | 'gram' | 'svd' | 'randomized';
}

function resolve(o: SpectrumOptions): Resolved {
  const delays = o.delays ?? 0;
  const every = o.every ?? 1;
  const dt = o.dt ?? 1;
  const pca = o.pca ?? 0;
  if (!(Number.isInteger(delays) && delays >= 0)) throw new OptionError(`delays must be a whole number ≥ 0, got ${o.delays}`);
  if (!(Number.isInteger(every) && every >= 1)) throw new OptionError(`every must be a whole number ≥ 1, got ${o.every}`);
  if (!(dt > 0 && Number.isFinite(dt))) throw new OptionError(`dt must be a positive number, got ${o.dt}`);
  if (!(Number.isInteger(pca) && pca >= 0)) throw new OptionError(`pca must be a whole number ≥ 0, got ${o.pca}`);
  const pcaFit = o.pcaFit ?? 'all';
  if (pcaFit !== 'all' && pcaFit !== 'pairs') throw new OptionError(`pcaFit must be 'all' or 'pairs', got '${String(o.pcaFit)}'`);
  return {
    rank: o.rank ?? DEFAULT_RANK, delays, center: o.center ?? false, pca, pcaFit, dt: dt * every,
    modes: o.modes ?? 'projected', every, route: o.route ?? 'auto',
  };
}

/**
 * Row offsets (into `data`) of the selected snapshots, run by run, and their split into segments: maximal stretches
 * in which consecutive selected snapshots are `every` steps apart on the time axis (`set.times`, default 0 … T−1).
 * Without `times` each run is one segment. `segments` lists the segment lengths in the order of `offsets` (all
 * segments of run 0 first); `perRun` is the number of selected snapshots of each run.
 */
function selectRows(set: SnapshotShape, o: SpectrumOptions, every: number): { offsets: number[]; segments: number[]; perRun: number } {
  const times = set.times;
  const last = times ? times[set.T - 1] + 1 : set.T;
  const start = o.window?.start ?? 0;
  const end = o.window?.end ?? last;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= last && start < end)) {
    throw new OptionError(`window ${start}:${end} is outside the ${last} snapshots of each run`);
  }
  // indices (into 0 … T−1) of the selected snapshots of one run, and where a new segment starts
  const picked: number[] = [];
  const runSegments: number[] = [];
  if (!times) {
    for (let t = start; t < end; t += every) picked.push(t);
    runSegments.push(picked.length);
  } else {
    let prev = NaN, len = 0;
    for (let t = 0; t < set.T; t++) {
      const time = times[t];
      if (time < start || time >= end || (time - start) % every !== 0) continue;
      if (len > 0 && time - prev !== every) { runSegments.push(len); len = 0; }
      picked.push(t); prev = time; len++;
    }
    if (len > 0) runSegments.push(len);
  }
  const offsets: number[] = [], segments: number[] = [];
  for (let r = 0; r < set.runs; r++) {
    for (const t of picked) offsets.push((r * set.T + t) * set.N);
    segments.push(...runSegments);
  }
  return { offsets, segments, perRun: picked.length };
}

/**
 * Drop the segments too short to give one delay-embedded pair (fewer than delays + 2 snapshots) from `offsets` and
 * `segments`, with a warning; throws when fewer than 2 pairs remain in all.
 */
function usableSegments(offsets: number[], segments: number[], delays: number, warnings: string[]): { offsets: number[]; segments: number[] } {
  if (segments.length === 0) throw new OptionError('the window holds no snapshots');
  const keepOffsets: number[] = [], keep: number[] = [];
  let at = 0, lost = 0, pairs = 0;
  for (const len of segments) {
    if (len >= delays + 2) { keep.push(len); keepOffsets.push(...offsets.slice(at, at + len)); pairs += len - delays - 1; }
    else lost += len;
    at += len;
  }
  if (lost > 0) {
    warnings.push(`${lost} snapshot(s) between gaps were not used: a stretch without gaps needs at least ${delays + 2} ` +
      `snapshots to give one pair${delays > 0 ? ` with ${delays} delays` : ''}`);
  }
  if (pairs < 2) {
    throw new DataError('too-few-snapshots', `too few snapshots: the gaps leave ${pairs} snapshot pair(s) after ${delays} delays; at least 2 are needed`);
  }
  return { offsets: keepOffsets, segments: keep };
}

/** Gather (and optionally sketch) the selected rows into a dense float64 M × n matrix. */
function gatherRows(set: SnapshotSet, offsets: number[], sketch?: Sketcher): { data: Float64Array; n: number } {
  const n = sketch ? sketch.spec.dim : set.N;
  const out = new Float64Array(offsets.length * n);
  const buf = new Float64Array(n);
  offsets.forEach((off, i) => {
    if (sketch) { sketch.apply(set.data, off, buf); out.set(buf, i * n); }
    else for (let j = 0; j < n; j++) out[i * n + j] = set.data[off + j];
  });
  return { data: out, n };
}

/** Gram of rows at the given offsets of `data` (each n long). */
function gramOfRows(
  data: FloatArray, offsets: number[], n: number, onProgress?: (f: number) => void, executor?: GramExecutor,
): Float64Array {
  const contiguous = offsets.every((o, i) => o === offsets[0] + i * n);
  if (contiguous) {
    const rows = data.subarray(offsets[0], offsets[0] + offsets.length * n);
    const G = executor?.gram(rows, offsets.length, n, onProgress);
    if (G) { onProgress?.(1); return G; }
    return gram(rows, offsets.length, n, onProgress);
  }
  const { data: dense } = gatherRows({ runs: 1, T: offsets.length, N: n, data }, offsets);
  return gram(dense, offsets.length, n, onProgress);
}

/** What a fit will do, decided from the shape and the options alone (no data read): see planFit. */
export interface FitPlan {
  o: Resolved;
  /** Row offsets (into data of runs·T·N values) of the snapshots used, and their segments (see selectRows). */
  offsets: number[];
  segments: number[];
  warnings: string[];
  /** Snapshot dimension the fit sees (the sketch's, or N). */
  N: number;
  route: 'gram' | 'svd' | 'randomized';
}

/** Whether a plan reads its data only in ways a RowReader serves (see RowSnapshots). */
export function readsOnDemand(plan: FitPlan, options: SpectrumOptions): boolean {
  if (options.sketch || plan.o.pca > 0) return false;
  return plan.route === 'gram' || (plan.route === 'randomized' && !plan.o.center && plan.o.rank.kind === 'rank');
}

/** The shape of a snapshot set, without its values. */
export type SnapshotShape = Pick<SnapshotSet, 'runs' | 'T' | 'N' | 'times'>;

/**
 * The selected snapshots, their segments and the route computeSpectrum takes for `options` on data of this shape.
 * Exported so that a caller can tell beforehand whether the data will be read only through a Gram (the 'gram' route
 * without a sketch), e.g. to read a large file on demand instead of whole (src/cli/commands/spectrum.ts).
 */
export function planFit(shape: SnapshotShape, options: SpectrumOptions = {}): FitPlan {
  const o = resolve(options);
  const selected = selectRows(shape, options, o.every);
  const warnings: string[] = [];
  if (!shape.times) checkEnoughSnapshots(selected.perRun, o.delays);
  // runs split at gaps become segments, fitted like ensemble members: no pair and no delay vector spans a gap
  const { offsets, segments } = usableSegments(selected.offsets, selected.segments, o.delays, warnings);
  const gapCount = segments.length - shape.runs;
  if (shape.times && gapCount > 0) {
    warnings.push(`gaps in the time axis (dropped snapshots) split the ${shape.runs} run(s) into ${segments.length} ` +
      'segments; no snapshot pair or delay vector spans a gap');
  }
  const N = options.sketch ? options.sketch.dim : shape.N;
  const obsDim = o.pca > 0 ? o.pca : N;
  const embedded = (o.delays + 1) * obsDim;
  const useSvd = o.route === 'svd' || (o.route === 'auto' && (o.pca > 0 || embedded <= DIRECT_MAX_DIM));
  const pairs = segments.reduce((a, len) => a + len - o.delays - 1, 0);
  const useRandomized = o.route === 'randomized' || (o.route === 'auto' && !useSvd && o.rank.kind === 'rank' &&
    pairs > RANDOMIZED_MIN_PAIRS);
  return { o, offsets, segments, warnings, N, route: useRandomized ? 'randomized' : useSvd ? 'svd' : 'gram' };
}

/**
 * Snapshots read on demand through a RowReader instead of held in memory (e.g. a large file: src/cli/fileRows.ts):
 * the shape of a SnapshotSet, with `reader` (rows = runs·T, snapshot r·T + t as row) in place of `data`. Plans that
 * read the data only through a Gram or through the randomized route's products are accepted: no sketch, and no
 * centring on the randomized route (it would need the centred snapshots in memory). planFit tells beforehand; see
 * readsOnDemand.
 */
export interface RowSnapshots extends SnapshotShape {
  reader: RowReader;
}

/** The spectrum of an ensemble of explicit snapshots, held in memory or read on demand (see SpectrumOptions). */
export function computeSpectrum(input: SnapshotSet | RowSnapshots, options: SpectrumOptions = {}): Fit {
  if ('reader' in input) return spectrumOfRows(input, options);
  checkSnapshotSet(input);
  // far from unit scale: fit s·data (s a power of two, exact) and scale σ and amplitudes back at the end. Float32
  // data never need it (see dataScale), which saves a full pass over the data
  const scale = input.data instanceof Float32Array ? 1 : dataScale(input.data);
  const set = scale === 1 ? input : { ...input, data: scaledCopy(input.data, scale) };
  const { o, offsets, segments, warnings, N, route } = planFit(set, options);
  const sketcher = options.sketch ? new Sketcher(set.N, options.sketch) : undefined;
  const useRandomized = route === 'randomized', useSvd = route === 'svd';
  // Finiteness, checked once: not at all when the producer scanned (io readers set `finite`); on the Gram route of
  // unsketched data from the Gram's diagonal (‖x_i‖² is finite iff x_i is; the scan below then only locates the
  // value for the message); otherwise by a scan of the selected rows
  const gramRoute = !useRandomized && !useSvd;
  const finiteFromGram = !set.finite && gramRoute && !sketcher;
  if (!set.finite && !finiteFromGram) checkFinite(rowsOf(set), offsets);

  let fit: Fit;
  if (useRandomized) {
    if (o.rank.kind !== 'rank') {
      throw new OptionError(
        `the randomized route computes only the leading singular values, so the '${o.rank.kind}' rank rule is not ` +
        `available on it; give a fixed rank ({kind: 'rank', r}) or use the 'gram' or 'svd' route`,
      );
    }
    if (o.pca > 0) throw new OptionError('the randomized route does not combine with PCA (use the svd route)');
    let data: FloatArray = set.data, rowOffsets = offsets;
    if (sketcher || o.center) {
      let dense = gatherRows(set, offsets, sketcher).data;
      if (o.center) dense = centerRows(dense, offsets.length, N);
      data = dense;
      rowOffsets = offsets.map((_, i) => i * N);
    }
    fit = randomizedFit(data, rowOffsets, segments, N, o.rank.r, o, set.runs, warnings, options);
    if (!sketcher) attachModes(fit, rowsOf(set), offsets, segments, o);
  } else if (useSvd) {
    let rows = sketcher || offsets.some((off, i) => off !== offsets[0] + i * N) || !(set.data instanceof Float64Array)
      ? gatherRows(set, offsets, sketcher).data
      : (set.data as Float64Array).slice(offsets[0], offsets[0] + offsets.length * N);
    let dim = N;
    if (o.center) rows = centerRows(rows, offsets.length, dim);
    if (o.pca > 0) {
      const G = gram(rows, offsets.length, dim);
      rows = pcaCoordinates(G, offsets.length, o.pca, warnings, pcaFitRows(segments, o.pcaFit));
      dim = o.pca;
    }
    fit = fitDirect(rows, segments, dim, set.runs, { ...o, center: false }, warnings);
    if (o.pca === 0 && !sketcher) attachModes(fit, rowsOf(set), offsets, segments, o);
  } else {
    let G: Float64Array;
    const progress = options.onProgress && ((f: number) => options.onProgress!(f, 'gram'));
    if (sketcher) {
      const dense = gatherRows(set, offsets, sketcher);
      G = gram(dense.data, offsets.length, dense.n, progress);
    } else {
      G = gramOfRows(set.data, offsets, set.N, progress, options.gramExecutor);
      if (finiteFromGram) locateNonFinite(G, rowsOf(set), offsets);
    }
    fit = fitGram({ G, runLengths: segments, dim: N }, o, warnings, set.runs);
    if (o.pca === 0 && !sketcher) attachModes(fit, rowsOf(set), offsets, segments, o);
  }
  if (options.sketch) {
    fit.spectrum.sketched = true;
    fit.spectrum.sketch = { ...options.sketch, relativeInnerProductError: sketchError(options.sketch.dim) };
  }
  return unscale(fit, scale);
}

/** computeSpectrum for snapshots read on demand: the plans readsOnDemand accepts (see RowSnapshots). */
function spectrumOfRows(input: RowSnapshots, options: SpectrumOptions): Fit {
  const { reader } = input;
  checkSnapshotShape(input);
  if (reader.rows !== input.runs * input.T || reader.N !== input.N) {
    throw new Error(`the row reader holds ${reader.rows} rows of ${reader.N}, not ${input.runs}·${input.T} of ${input.N}`);
  }
  const plan = planFit(input, options);
  const { o, offsets, segments, warnings, N, route } = plan;
  if (!readsOnDemand(plan, options)) {
    throw new Error(`snapshots read on demand are fitted on the Gram route, or the randomized one without centring; these options take the ${options.sketch ? 'sketched' : route} route${o.center ? ', centred' : ''}`);
  }
  const rows = offsets.map((off) => off / N);
  const access = readerRows(reader, input.T);
  if (route === 'randomized' && o.rank.kind === 'rank') { // (readsOnDemand let only a fixed rank through)
    // a non-finite norm: find and name the value before any product
    const fit = randomizedFit(reader, rows, segments, N, o.rank.r, o, input.runs, warnings, options,
      (S) => checkFinite(access, [offsets[S]]));
    attachModes(fit, access, offsets, segments, o);
    return fit;
  }
  const progress = options.onProgress && ((f: number) => options.onProgress!(f, 'gram'));
  let G = options.gramExecutor?.gramRows?.(reader, rows, progress);
  if (G) progress?.(1);
  else {
    const M = rows.length;
    G = new Float64Array(M * M);
    gramUpperRowsFrom(reader, rows, 0, M, G, progress);
    mirrorUpper(G, M);
  }
  locateNonFinite(G, access, offsets);
  const fit = fitGram({ G, runLengths: segments, dim: N }, o, warnings, input.runs);
  if (o.pca === 0) attachModes(fit, access, offsets, segments, o);
  return fit;
}

/** The randomized route's fit of rank r on the snapshots at `rowOffsets` of `data` (in memory, or a RowReader's rows). */
function randomizedFit(
  data: FloatArray | RowReader, rowOffsets: ArrayLike<number>, segments: number[], N: number, r: number, o: Resolved,
  runs: number, warnings: string[], options: SpectrumOptions, onNonFinite?: (snapshot: number) => void,
): Fit {
  const problem = pairProblemRandomized(data, rowOffsets, segments, N, o.delays, r,
    { executor: options.productsExecutor, ...options.randomized, ...(onNonFinite ? { onNonFinite } : {}) });
  return finish(problem, o, runs, warnings);
}

/**
 * Snapshot rows by offset (a multiple of N into runs·T·N values): from memory, or through a RowReader. `row(off)`
 * returns the N values; a reader's row is read into one reused buffer, valid until the next call.
 */
interface RowAccess { N: number; T: number; row(off: number): FloatArray }

function rowsOf(set: SnapshotSet): RowAccess {
  return { N: set.N, T: set.T, row: (off) => set.data.subarray(off, off + set.N) };
}

function readerRows(reader: RowReader, T: number): RowAccess {
  const buf = new Float32Array(reader.N);
  return { N: reader.N, T, row: (off) => { reader.read(off / reader.N, 0, buf); return buf; } };
}

/** The Gram route's finiteness check: a non-finite diagonal entry means a non-finite value; checkFinite finds it. */
function locateNonFinite(G: Float64Array, rows: RowAccess, offsets: number[]): void {
  const M = offsets.length;
  for (let i = 0; i < M; i++) if (!Number.isFinite(G[i * M + i])) { checkFinite(rows, offsets); return; }
}

/** Data whose largest |value| lies in this range are fitted as they are (Gram entries stay far from over/underflow). */
const SAFE_SCALE = [2 ** -32, 2 ** 32] as const;

/**
 * The power of two s that brings the largest finite |value| of `data` into [1, 2), when that value lies outside
 * SAFE_SCALE; otherwise 1. Multiplying by s is exact, every fitted quantity is either scale-invariant (eigenvalues,
 * residual, energies, condition number, modes X V S⁻¹ W) or linear in it (singular values, amplitudes), so a fit
 * of s·data is the fit of data once those two are divided by s. Without it, data near 1e150 overflow the Gram
 * (~1e300·N) and data near 1e-150 underflow it to zero. Float32 data are never rescaled (computeSpectrum skips this
 * scan): every route computes in float64, where products of float32 values lie in [2e-90, 1.2e77] and sums of up to
 * 2⁵³ of them cannot overflow, so s = 1 gives the same fit as the exact power-of-two rescaling would.
 */
function dataScale(data: FloatArray): number {
  let mx = 0;
  for (let i = 0; i < data.length; i++) { const v = Math.abs(data[i]); if (v > mx && v !== Infinity) mx = v; }
  if (mx === 0 || (mx >= SAFE_SCALE[0] && mx <= SAFE_SCALE[1])) return 1;
  return 2 ** -Math.max(-1000, Math.min(1000, Math.floor(Math.log2(mx))));
}

/** s·data, in the input's precision (exact for a power of two s barring subnormals). */
function scaledCopy(data: FloatArray, s: number): FloatArray {
  const out = data instanceof Float32Array ? new Float32Array(data.length) : new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * s;
  return out;
}

/** The fit of data from the fit of s·data: singular values and amplitudes divided by s (see dataScale). */
function unscale(fit: Fit, s: number): Fit {
  if (s === 1) return fit;
  const sp = fit.spectrum;
  sp.singularValues = sp.singularValues.map((x) => x / s);
  for (const e of sp.eigenvalues) if (e.amplitude !== undefined) e.amplitude /= s;
  return fit;
}

/** The spectrum from a Gram matrix alone (live windows; see snapshots.ts). PCA and centering work here too. */
export function spectrumFromGram(eg: EnsembleGram, options: SpectrumOptions = {}): Fit {
  const o = resolve(options);
  if (options.window || (options.every ?? 1) !== 1) {
    throw new Error('window and every are applied when the Gram is built; pass them to the window, not here');
  }
  for (const T of eg.runLengths) checkEnoughSnapshots(T, o.delays);
  // a Gram far from unit scale: fit q·G with q = s², s a power of two (the Gram of s·data), then undo s
  let maxDiag = 0;
  for (let i = 0, M = totalSnapshots(eg); i < M; i++) maxDiag = Math.max(maxDiag, eg.G[i * M + i]);
  let s = 1;
  if (maxDiag > 0 && Number.isFinite(maxDiag) && !(maxDiag >= SAFE_SCALE[0] ** 2 && maxDiag <= SAFE_SCALE[1] ** 2)) {
    s = 2 ** -Math.max(-500, Math.min(500, Math.floor(Math.log2(maxDiag) / 2)));
    eg = { ...eg, G: eg.G.map((g) => g * s * s) };
  }
  return unscale(fitGram(eg, o, [], eg.runLengths.length), s);
}

/** Every selected snapshot must be finite; the error says which snapshot and parameter. */
function checkFinite(rows: RowAccess, offsets: number[]): void {
  const { N, T } = rows;
  for (const off of offsets) {
    const x = rows.row(off);
    const at = firstNonFinite(x);
    if (at < 0) continue;
    const row = off / N;
    throw new DataError('non-finite',
      `snapshot ${row % T} of run ${Math.floor(row / T)} has a non-finite value (${x[at]}) at ` +
      `parameter ${at}; drop such snapshots (--drop-nonfinite) or choose a window without them`,
    );
  }
}

function checkEnoughSnapshots(T: number, delays: number): void {
  if (T - delays < 3) {
    throw new DataError('too-few-snapshots',
      `too few snapshots: ${T} per run leave ${Math.max(T - delays, 0)} after ${delays} delays; at least 3 are needed`,
    );
  }
}

/** `runs`: the number of runs to report (eg.runLengths may list more segments, when runs were split at gaps). */
function fitGram(eg: EnsembleGram, o: Resolved, warnings: string[], runs: number): Fit {
  let base = eg;
  const M = totalSnapshots(eg);
  if (o.center) base = { ...base, G: centerGram(base.G, M) };
  if (o.pca > 0) {
    const Z = pcaCoordinates(base.G, M, o.pca, warnings, pcaFitRows(eg.runLengths, o.pcaFit));
    return fitDirect(Z, eg.runLengths, o.pca, runs, { ...o, center: false }, warnings);
  }
  const emb = delayGram(base, o.delays);
  const Me = totalSnapshots(emb);
  const xs: number[] = [], ys: number[] = [];
  runStarts(emb.runLengths).forEach((s, r) => {
    for (let t = 0; t + 1 < emb.runLengths[r]; t++) { xs.push(s + t); ys.push(s + t + 1); }
  });
  const m = xs.length;
  const block = (I: number[], J: number[]) => {
    const B = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) B[i * m + j] = emb.G[I[i] * Me + J[j]];
    return B;
  };
  const problem = pairProblemFromGram(block(xs, xs), block(xs, ys), block(ys, ys), m, emb.dim);
  return finish(problem, o, runs, warnings);
}

/**
 * Direct route: `data` holds Σ runLengths rows of N values, run after run (runs may differ in length); the pairs of
 * delay-embedded snapshots are formed inside each run. `runs` is the number of runs to report.
 */
function fitDirect(data: Float64Array, runLengths: readonly number[], N: number, runs: number, o: Resolved, warnings: string[]): Fit {
  if (o.center) data = centerRows(data, totalSnapshots({ runLengths: [...runLengths] }), N);
  const d = o.delays, n = (d + 1) * N;
  const m = runLengths.reduce((a, len) => a + len - d - 1, 0);
  const XT = new Float64Array(m * n), YT = new Float64Array(m * n);
  let row = 0, first = 0;
  for (const len of runLengths) {
    for (let t = 0; t + d + 1 < len; t++, row++) {
      for (let k = 0; k <= d; k++) {
        XT.set(data.subarray((first + t + k) * N, (first + t + k + 1) * N), row * n + k * N);
        YT.set(data.subarray((first + t + k + 1) * N, (first + t + k + 2) * N), row * n + k * N);
      }
    }
    first += len;
  }
  return finish(pairProblemFromData(XT, YT, m, n), o, runs, warnings);
}

function finish(problem: PairProblem | RandomizedPairProblem, o: Resolved, runs: number, warnings: string[]): Fit {
  const randomized = problem.route === 'randomized' ? problem : undefined;
  const { r, warnings: rankWarnings } = randomized
    ? chooseRank(problem.sigma, problem.numericalRank, o.rank, problem.n, problem.m)
    : rankFor(problem as PairProblem, o.rank);
  const projected = problem.project(r);
  const sol = solveReduced(projected, o.modes);
  const order = spectrumOrder(sol.re, sol.im);
  const eigenvalues = order.map((i) => describeEigenvalue(sol.re[i], sol.im[i], o.dt, sol.amplitudes[i]));
  const sigma = problem.sigma;
  let total = 0, kept = 0;
  for (let i = 0; i < sigma.length; i++) { total += sigma[i] ** 2; if (i < r) kept += sigma[i] ** 2; }
  if (randomized) total = Math.max(randomized.xNorm2, kept); // ‖X‖²_F is exact; the trailing σ are not computed
  const spectrum: Spectrum = {
    eigenvalues,
    singularValues: Array.from(sigma.subarray(0, problem.numericalRank)),
    rank: r,
    rankRule: o.rank,
    delays: o.delays,
    runs,
    pairs: problem.m,
    embeddedDim: problem.n,
    residual: sol.residual,
    truncatedEnergy: total > 0 ? (total - kept) / total : 0,
    conditionNumber: sigma[0] / sigma[r - 1],
    sketched: false,
    dt: o.dt,
    warnings: [...warnings, ...rankWarnings, ...sol.warnings],
  };
  if (randomized) {
    spectrum.warnings.push(
      `randomized SVD (k = ${randomized.k}, q = ${randomized.iterations} power iterations): leading singular values ` +
      `accurate to ${randomized.accuracy.toExponential(1)}·σ₁; only the leading ${sigma.length} singular values were ` +
      `computed (energy and optimal rank rules are not available on this route)`,
    );
  }
  if (eigenvalues.some((e) => !Number.isFinite(e.re) || !Number.isFinite(e.im))) {
    spectrum.warnings.push('some eigenvalues are not finite: the data contain NaN or Inf, or the fit is degenerate');
  }
  const basis = { V: projected.V, S: projected.S, wRe: sol.wRe, wIm: sol.wIm, order, r };
  return { spectrum, route: problem.route, basis } as Fit;
}

interface ModeBasis { V: Float64Array; S: Float64Array; wRe: Float64Array; wIm: Float64Array; order: number[]; r: number }

/**
 * Give `fit` its `modes` function: Φ[:, k] = Σ_p x_p C[p, k] with C = V S⁻¹ W, where x_p is the base snapshot that
 * starts X column p (projected) or Y column p (exact); centered when the fit was.
 */
function attachModes(fit: Fit, set: RowAccess, offsets: number[], segments: readonly number[], o: Resolved): void {
  const basis = (fit as Fit & { basis?: ModeBasis }).basis;
  delete (fit as Fit & { basis?: ModeBasis }).basis;
  if (!basis) return;
  const N = set.N;
  fit.modes = (kind) => {
    const { V, S, wRe, wIm, order, r } = basis;
    const m = segments.reduce((a, len) => a + len - o.delays - 1, 0);
    // C = V S⁻¹ W, columns permuted into spectrum order
    const Cr = new Float64Array(m * r), Ci = new Float64Array(m * r);
    for (let p = 0; p < m; p++) {
      for (let k = 0; k < r; k++) {
        const src = order[k];
        let cr = 0, ci = 0;
        for (let a = 0; a < r; a++) {
          const v = V[p * r + a] / S[a];
          cr += v * wRe[a * r + src]; ci += v * wIm[a * r + src];
        }
        Cr[p * r + k] = cr; Ci[p * r + k] = ci;
      }
    }
    const mean = new Float64Array(N);
    if (o.center) {
      for (const off of offsets) { const x = set.row(off); for (let i = 0; i < N; i++) mean[i] += x[i]; }
      for (let i = 0; i < N; i++) mean[i] /= offsets.length;
    }
    const re = new Float64Array(N * r), im = new Float64Array(N * r);
    const shift = kind === 'exact' ? 1 : 0;
    let p = 0, first = 0;
    for (const len of segments) {
      for (let t = 0; t + o.delays + 1 < len; t++, p++) {
        const row = set.row(offsets[first + t + shift]);
        for (let i = 0; i < N; i++) {
          const x = row[i] - mean[i];
          if (x === 0) continue;
          for (let k = 0; k < r; k++) { re[i * r + k] += x * Cr[p * r + k]; im[i * r + k] += x * Ci[p * r + k]; }
        }
      }
      first += len;
    }
    return { N, r, re, im };
  };
}

/** Subtract the mean row from an M × n matrix (returns a new array). */
export function centerRows(data: Float64Array, M: number, n: number): Float64Array {
  const mean = new Float64Array(n);
  for (let i = 0; i < M; i++) for (let j = 0; j < n; j++) mean[j] += data[i * n + j];
  for (let j = 0; j < n; j++) mean[j] /= M;
  const out = new Float64Array(M * n);
  for (let i = 0; i < M; i++) for (let j = 0; j < n; j++) out[i * n + j] = data[i * n + j] - mean[j];
  return out;
}

/** The Gram of the centered snapshots, C G C with C = I − 11ᵀ/M, from the uncentered Gram. */
export function centerGram(G: Float64Array, M: number): Float64Array {
  const rowMean = new Float64Array(M);
  let all = 0;
  for (let i = 0; i < M; i++) {
    let s = 0;
    for (let j = 0; j < M; j++) s += G[i * M + j];
    rowMean[i] = s / M;
    all += s;
  }
  all /= M * M;
  const out = new Float64Array(M * M);
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) out[i * M + j] = G[i * M + j] - rowMean[i] - rowMean[j] + all;
  return out;
}

/** Rows (into the stacked snapshots of runs of the given lengths) the PCA is fitted on; undefined for all. */
function pcaFitRows(runLengths: readonly number[], fit: PcaFit): number[] | undefined {
  if (fit === 'all') return undefined;
  const rows: number[] = [];
  let first = 0;
  for (const len of runLengths) { for (let t = 0; t + 1 < len; t++) rows.push(first + t); first += len; }
  return rows;
}

/**
 * Coordinates (M × k, row-major) of the snapshots on the top k principal components, from their Gram G alone.
 * The components are fitted on the snapshots of `fitRows` (default: all M), centered by their own mean μ_F:
 * eigenvectors u of C G_FF C (C = I − 11ᵀ/|F|), eigenvalues s², component v = Σ_{j∈F} (x_j − μ_F) u_j / s. Every
 * snapshot is projected without centering: Z[i, k] = ⟨x_i, v_k⟩ = Σ_{j∈F} G[i, j] u_k[j] / s_k (the μ_F term
 * vanishes because Σ_j u_k[j] = 0), paper 1's Transformer pipeline. Signs are arbitrary.
 */
export function pcaCoordinates(G: Float64Array, M: number, k: number, warnings: string[], fitRows?: readonly number[]): Float64Array {
  const F = fitRows ?? Array.from({ length: M }, (_, i) => i);
  const Mf = F.length;
  const Gf = new Float64Array(Mf * Mf);
  for (let a = 0; a < Mf; a++) for (let b = 0; b < Mf; b++) Gf[a * Mf + b] = G[F[a] * M + F[b]];
  const { values, vectors } = symmetricEig(centerGram(Gf, Mf), Mf);
  let kk = Math.min(k, Mf);
  const floor = values[0] * Mf * 2.2e-16 * 16;
  while (kk > 0 && !(values[kk - 1] > floor)) kk--;
  if (kk < k) warnings.push(`PCA: only ${kk} of the ${k} requested components carry variance; using ${kk}`);
  if (kk === 0) throw new DataError('degenerate', 'PCA: the snapshots do not vary; nothing to fit');
  const Z = new Float64Array(M * k);
  for (let c = 0; c < kk; c++) {
    const s = Math.sqrt(values[c]);
    for (let i = 0; i < M; i++) {
      let acc = 0;
      for (let j = 0; j < Mf; j++) acc += G[i * M + F[j]] * vectors[j * Mf + c];
      Z[i * k + c] = acc / s;
    }
  }
  return Z;
}
