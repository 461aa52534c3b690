/**
 * Layout rules: how the named arrays of one file become a `Trajectory` (or `EigenvalueSets`). Documented for users
 * in docs/file-formats.md; the contract in brief:
 *
 * 1. Eigenvalue files: if every array is complex with shape (k,) or (seeds, k), the file is `EigenvalueSets`.
 *    Any other complex array is an error.
 * 2. Ensemble: `meta.layout === 'ensemble'`, or an array named `weights` with 3 dims (runs, T, P). Then every
 *    parameter has shape (R, T, …) and per-step series (R, T) or (T,); otherwise parameters are (T, …).
 * 3. Parameters: the names listed in `meta.names` (in that order) when present; else the JSON "params"; else the
 *    only array of a single-array file (any number of dims ≥ 1); else every array other than `steps` with at least
 *    one axis besides time (and runs), in file order.
 * 4. Per-step series: `steps`, and every other non-parameter array that is 1-D (or (R, T) in an ensemble): these are
 *    metrics (`loss`, `test_loss`, `accuracy`, `lr`, …), whatever their name; they must have length T. Arrays that
 *    fit neither rule (0-d scalars, say) are ignored.
 * 5. All parameters share T (and R); fewer than 3 snapshots is an error, before and after `every`/dropping.
 */

import { TrajectoryFileError, type IoErrorCode } from './errors';
import { decodeComplex, decodeInto, elementCount, fitsFloat32, isComplex, zeroCopyView, type ArraySource } from './dtype';
import { ordinal } from './text';
import { firstNonFinite } from '../linalg/finite';
import type { EigenvalueSets, ParamEntry, ReadOptions, Trajectory } from './types';

/** What a format reader hands to the layout step. */
export interface Contents {
  arrays: Map<string, ArraySource>;
  meta?: Record<string, unknown>;
  /** Explicit parameter names (the JSON "params" object); otherwise rule 3 decides. */
  paramNames?: string[];
}

/**
 * A contiguous run [a, b) of one parameter's flattened values that survives selection. The parameter occupies
 * columns [base, base + size) of each row of `src`, whose rows are `stride` values long.
 */
interface Piece {
  src: ArraySource; name: string; shape: number[]; size: number; base: number; stride: number; a: number; b: number;
}

const shapeText = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/** Reads a list-valued meta key; safetensors metadata holds strings, so a JSON-encoded list is accepted too. */
function metaList(meta: Record<string, unknown> | undefined, key: string): string[] | undefined {
  let v = meta?.[key];
  if (typeof v === 'string') { try { v = JSON.parse(v); } catch { return undefined; } }
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}

export function toTrajectory(file: string, c: Contents, opts: ReadOptions = {}): Trajectory | EigenvalueSets {
  const err = (code: IoErrorCode, msg: string) => new TrajectoryFileError(file, code, msg);
  const all = [...c.arrays.values()];
  const complex = all.filter((a) => isComplex(a.dtype));
  if (complex.length > 0) {
    if (complex.length === all.length && all.every((a) => a.shape.length === 1 || a.shape.length === 2)) {
      return eigenvalueSets(file, all);
    }
    const a = complex[0]!;
    throw err('unsupported-dtype', `array '${a.name}' is complex (${a.dtype.name}, shape ${shapeText(a.shape)}); ` +
      'complex arrays are read only as eigenvalue files, of shape (k,) or (seeds, k)');
  }
  const plan = planLayout(c, err);
  const { R, T, series } = plan;
  const pieces = select(plan.pieces, opts, err);
  const k = opts.every ?? 1;
  if (!Number.isSafeInteger(k) || k < 1) throw err('selection', `'every' must be a positive integer, not ${k}`);
  let rows = Array.from({ length: Math.ceil(T / k) }, (_, i) => i * k);
  const N = pieces.reduce((s, p) => s + p.b - p.a, 0);
  if (N === 0) throw err('selection', 'the selected parameters hold no values');

  let data = gather(pieces, R, T, rows, N, k, opts, err);
  const bad = scanNonFinite(data, R, rows, N, pieces, opts.nonFinite ?? 'error', err);
  let dropped: number[] | undefined;
  if (bad) {
    dropped = rows.filter((_, i) => bad[i]);
    data = dropRows(data, R, rows.length, N, bad);
    rows = rows.filter((_, i) => !bad[i]);
  }
  if (rows.length < 3) {
    throw err('too-few-snapshots', `needs at least 3 snapshots but has ${rows.length} (${T} in the file` +
      (k > 1 ? `, keeping every ${ordinal(k)}` : '') + (dropped?.length ? `, ${dropped.length} dropped for non-finite values` : '') + ')');
  }

  const pick = (v: Float64Array) => (rows.length === T ? v : Float64Array.from(rows, (t) => v[t]!));
  const metrics: Record<string, Float64Array> = {};
  for (const [name, v] of series) if (name !== 'steps') metrics[name] = pick(v);
  let offset = 0;
  const entries: ParamEntry[] = pieces.map((p) => {
    const size = p.b - p.a;
    const e = { name: p.name, shape: size === p.size ? p.shape.slice() : [size], offset, size };
    offset += size;
    return e;
  });
  const steps = series.get('steps');
  return {
    kind: 'trajectory', source: file, runs: R, T: rows.length, N, params: entries, data, metrics, finite: true,
    ...(steps ? { steps: pick(steps) } : {}), ...(c.meta ? { meta: c.meta } : {}), ...(dropped ? { dropped } : {}),
  };
}

/** Rules 2–5: which arrays are parameters (as unselected pieces) and per-step series, and the common R and T. */
function planLayout(c: Contents, err: (c: IoErrorCode, m: string) => Error):
  { R: number; T: number; pieces: Piece[]; series: Map<string, Float64Array> } {
  const all = [...c.arrays.values()];
  const meta = c.meta;
  const ensemble = meta?.layout === 'ensemble' || c.arrays.get('weights')?.shape.length === 3;
  const ax = ensemble ? 1 : 0;

  // Rule 3, plus one more case: meta.names/shapes that are not arrays describe how the columns of a flat
  // `weights` array split into named parameters (this is what `writeNpz` writes for flat files).
  const listed = metaList(meta, 'names');
  const twice = listed?.find((n, i) => listed.indexOf(n) !== i);
  if (twice !== undefined) throw err('layout', `meta.json lists parameter '${twice}' twice in "names"`);
  const split = listed && !listed.every((n) => c.arrays.has(n)) ? splitWeights(c, meta, ensemble) : undefined;
  if (listed && !split) {
    for (const n of listed) if (!c.arrays.has(n)) throw err('layout', `meta.json lists parameter '${n}' but the file has no such array`);
  }
  const paramNames = split ? ['weights'] : listed ?? c.paramNames ?? (all.length === 1 && all[0]!.name !== 'steps'
    ? [all[0]!.name] : all.filter((a) => a.name !== 'steps' && a.shape.length >= ax + 2).map((a) => a.name));
  if (paramNames.length === 0) {
    throw err('layout', 'holds no parameter arrays (arrays with a time axis and at least one more axis; 1-D arrays ' +
      'are read as per-step metrics unless meta.json lists them in "names")');
  }
  const params = paramNames.map((n) => c.arrays.get(n)!);
  for (const p of params) {
    if (p.shape.length < ax + 1) {
      throw err('layout', `array '${p.name}' has shape ${shapeText(p.shape)} but needs ` +
        (ensemble ? 'a run axis and a time axis first (ensemble layout)' : 'a time axis first'));
    }
  }
  const ref = params[0]!;
  const R = ensemble ? ref.shape[0]! : 1;
  const T = ref.shape[ax]!;
  for (const p of params) {
    if (ensemble && p.shape[0] !== R) throw err('layout', `array '${p.name}' has ${p.shape[0]} runs but '${ref.name}' has ${R}`);
    if (p.shape[ax] !== T) throw err('layout', `array '${p.name}' has ${p.shape[ax]} snapshots but '${ref.name}' has ${T}`);
  }
  if (R < 1) throw err('layout', 'the ensemble holds no runs');
  if (T < 3) throw err('too-few-snapshots', `needs at least 3 snapshots but has ${T}`);

  // Rule 4: per-step series, decoded whole (they are short), run 0 for ensembles.
  const series = new Map<string, Float64Array>();
  for (const a of all) {
    if (paramNames.includes(a.name)) continue;
    const is1d = a.shape.length === 1, isRunT = ensemble && a.shape.length === 2 && a.shape[0] === R;
    if (!is1d && !isRunT) {
      if (a.name === 'steps') throw err('layout', `array 'steps' has shape ${shapeText(a.shape)} but must hold one entry per snapshot`);
      continue;
    }
    const len = a.shape[a.shape.length - 1]!;
    if (len !== T) throw err('layout', `array '${a.name}' has ${len} snapshots but '${ref.name}' has ${T}`);
    const v = new Float64Array(T);
    decodeInto(a, 0, T, v, 0);
    series.set(a.name, v);
  }
  const pieces = split ?? params.map((p) => {
    const shape = p.shape.slice(ax + 1);
    const size = elementCount(shape)!;
    return { src: p, name: p.name, shape, size, base: 0, stride: size, a: 0, b: 0 };
  });
  return { R, T, pieces, series };
}

/** Copies the (R·rows, N) data without the row indices flagged in `bad` (flags are per row index, for all runs). */
function dropRows(data: Float32Array | Float64Array, R: number, rows: number, N: number, bad: Uint8Array):
  Float32Array | Float64Array {
  const keep = Array.from({ length: rows }, (_, i) => i).filter((i) => !bad[i]);
  const out = data instanceof Float32Array ? new Float32Array(R * keep.length * N) : new Float64Array(R * keep.length * N);
  for (let r = 0; r < R; r++) {
    keep.forEach((i, j) => out.set(data.subarray((r * rows + i) * N, (r * rows + i + 1) * N), (r * keep.length + j) * N));
  }
  return out;
}

/** Applies `opts.params`, setting each kept piece's column range [a, b). */
function select(all: Piece[], opts: ReadOptions, err: (c: IoErrorCode, m: string) => Error): Piece[] {
  const sel = opts.params;
  if (!sel) return all.map((p) => ({ ...p, a: 0, b: p.size }));
  if ('names' in sel) {
    const hits = (n: string, p: string) => p === n || p.startsWith(n.endsWith('.') ? n : `${n}.`);
    for (const n of sel.names) {
      if (!all.some((p) => hits(n, p.name))) {
        const names = all.map((p) => `'${p.name}'`);
        throw err('selection', `no parameter matches '${n}'; the file has ${names.slice(0, 12).join(', ')}` +
          (names.length > 12 ? ` and ${names.length - 12} more` : ''));
      }
    }
    return all.filter((p) => sel.names.some((n) => hits(n, p.name)) && p.size > 0).map((p) => ({ ...p, a: 0, b: p.size }));
  }
  const total = all.reduce((s, p) => s + p.size, 0);
  const { start, end } = sel;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > total || start >= end) {
    throw err('selection', `parameter index range [${start}, ${end}) is not within [0, ${total})`);
  }
  const out: Piece[] = [];
  let off = 0;
  for (const p of all) {
    const a = Math.max(start - off, 0), b = Math.min(end - off, p.size);
    if (a < b) out.push({ ...p, a, b });
    off += p.size;
  }
  return out;
}

/** Copies the kept rows and columns into one (R·rows, N) array, or returns a zero-copy view when nothing is cut. */
function gather(pieces: Piece[], R: number, T: number, rows: number[], N: number, k: number, opts: ReadOptions,
  err: (c: IoErrorCode, m: string) => Error): Float32Array | Float64Array {
  // Pieces are disjoint and in row order, so one source fully covered means the file's array is the result.
  const first = pieces[0]!;
  if (k === 1 && N === first.stride && pieces.every((p) => p.src === first.src)) {
    const view = zeroCopyView(first.src);
    if (view) return view;
  }
  const f32 = pieces.every((p) => fitsFloat32(p.src.dtype));
  let out: Float32Array | Float64Array;
  try {
    out = f32 ? new Float32Array(R * rows.length * N) : new Float64Array(R * rows.length * N);
  } catch {
    throw err('too-large', `not enough memory for ${R * rows.length} snapshots of ${N} values; ` +
      'keep every k-th snapshot or select fewer parameters');
  }
  const total = R * rows.length;
  const tick = Math.max(1, Math.floor(total / 100));
  let pos = 0;
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < rows.length; i++) {
      for (const p of pieces) {
        decodeInto(p.src, (r * T + rows[i]!) * p.stride + p.base + p.a, p.b - p.a, out, pos);
        pos += p.b - p.a;
      }
      if (opts.onProgress && (r * rows.length + i) % tick === 0) opts.onProgress((r * rows.length + i) / total, 'assemble');
    }
  }
  opts.onProgress?.(1, 'assemble');
  return out;
}

/**
 * Finds NaN/±Infinity. 'error' throws naming the array and snapshot; 'drop' returns a flag per kept row index
 * (set when any run has a non-finite value there), or undefined when everything is finite.
 */
function scanNonFinite(data: Float32Array | Float64Array, R: number, rows: number[], N: number, pieces: Piece[],
  mode: 'error' | 'drop', err: (c: IoErrorCode, m: string) => Error): Uint8Array | undefined {
  let bad: Uint8Array | undefined;
  for (let r = 0; r < R; r++) {
    for (let i = 0; i < rows.length; i++) {
      const base = (r * rows.length + i) * N;
      const at = firstNonFinite(data, base, base + N);
      if (at < 0) continue;
      if (mode === 'drop') { (bad ??= new Uint8Array(rows.length))[i] = 1; continue; }
      const j = at - base;
      let off = 0;
      const p = pieces.find((q) => (off += q.b - q.a) > j)!;
      throw err('non-finite', `array '${p.name}' has a non-finite value (${data[at]}) at snapshot ${rows[i]}` +
        (R > 1 ? ` of run ${r}` : ''));
    }
  }
  return bad;
}

/** Parameters as column blocks of a flat `weights` array, from meta `names` + `shapes`; undefined if they don't fit. */
function splitWeights(c: Contents, meta: Record<string, unknown> | undefined, ensemble: boolean): Piece[] | undefined {
  const w = c.arrays.get('weights');
  const names = metaList(meta, 'names')!;
  let shapes = meta?.shapes;
  if (typeof shapes === 'string') { try { shapes = JSON.parse(shapes); } catch { return undefined; } }
  if (!w || w.shape.length !== (ensemble ? 3 : 2) || !Array.isArray(shapes) || shapes.length !== names.length) return undefined;
  const stride = w.shape[w.shape.length - 1]!;
  const pieces: Piece[] = [];
  let base = 0;
  for (let i = 0; i < names.length; i++) {
    const shape = shapes[i] as unknown;
    const size = Array.isArray(shape) ? elementCount(shape as number[]) : undefined;
    if (size === undefined) return undefined;
    pieces.push({ src: w, name: names[i]!, shape: (shape as number[]).slice(), size, base, stride, a: 0, b: 0 });
    base += size;
  }
  return base === stride ? pieces : undefined;
}

function eigenvalueSets(file: string, arrays: ArraySource[]): EigenvalueSets {
  const sets: EigenvalueSets['sets'] = [];
  for (const a of arrays) {
    const { re, im } = decodeComplex(a);
    const k = a.shape[a.shape.length - 1]!, s = a.shape.length === 2 ? a.shape[0]! : 1;
    for (let i = 0; i < s; i++) sets.push({ re: re.subarray(i * k, (i + 1) * k), im: im.subarray(i * k, (i + 1) * k) });
  }
  return { kind: 'eigenvalues', source: file, sets };
}
