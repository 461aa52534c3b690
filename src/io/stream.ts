/**
 * The snapshot stream format of `koopscope watch` (docs/watch.md): how a training process registers a run and sends
 * snapshots, and how the page reads them back. Pure (ES2022 only), so the server (src/cli/commands/watch.ts) and,
 * later, the page parse and check the same bytes with the same code.
 *
 * A run is registered with a small JSON object (`parseRegistration`). Snapshots travel as *frames*, one or more
 * concatenated in a request or response body:
 *
 *   bytes 0–3   "KSF1" (ASCII)
 *   bytes 4–7   H: byte length of the JSON header, uint32 little-endian (≤ 4096)
 *   bytes 8…    the header: a UTF-8 JSON object, {"step": s, "loss": x | null, "n": n} (the server adds "index"
 *               when it sends frames back); encoders pad it with spaces so the data starts at a multiple of 4
 *   then        n float32 values, little-endian (the snapshot: the run's N values, or its sketch's dim values)
 *
 * Everything received is data: headers are parsed with JSON.parse and checked field by field, never evaluated.
 * Every failure is a `StreamError`: one line, and the HTTP status the server answers with.
 */
import { UserError } from '../linalg/errors';
import { decodeUtf8, encodeUtf8 } from './text';

export const FRAME_MAGIC = 'KSF1';
export const MAX_FRAME_HEADER = 4096;
/** Run ids: also the recorded file's name (DIR/<run>.npz), so no path separators and no leading dot. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;
export const MAX_PARAMS = 100_000;
/** Typed arrays use the platform's byte order; on little-endian platforms (all current ones) values are copied whole. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class StreamError extends UserError {
  override name = 'StreamError';
  /** The HTTP status that reports it: 400 bad input, 404 no such run, 409 conflicts with the run, 413 too large. */
  readonly status: number;
  constructor(status: number, message: string) {
    super('stream', message);
    this.status = status;
  }
}

export interface StreamParam { name: string; shape: number[]; size: number }

/** A registered run, as validated from the trainer's JSON. */
export interface Registration {
  run: string;
  /** The observed parameters in the order of the flat snapshot vector (their sizes add up to the full N). */
  params: StreamParam[];
  /** Optimizer steps between snapshots (the spectrum's Δt). */
  dt: number;
  /** When present, each snapshot is the sketch S·x (src/koopman/sketch.ts) of the full vector, dim values. */
  sketch?: { dim: number; seed: number };
  /** Free-form JSON object stored in the recorded file's meta.json (optimizer, lr, …); at most 64 KiB as JSON. */
  meta: Record<string, unknown>;
  /** Values per snapshot on the wire: the sum of the parameter sizes, or the sketch dimension. */
  n: number;
  /** The full flat size (sum of the parameter sizes). */
  N: number;
}

export interface FrameHeader { step: number; loss: number; index?: number }
export interface Frame { header: FrameHeader; data: Float32Array }

const bad = (m: string): never => { throw new StreamError(400, m); };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown) => JSON.stringify(v)?.slice(0, 60) ?? String(v);

export function checkRunId(run: unknown): string {
  if (typeof run !== 'string' || !RUN_ID_PATTERN.test(run)) {
    bad(`run id must be 1–64 characters from A–Z a–z 0–9 . _ - (not starting with '.'), got ${describe(run)}`);
  }
  return run as string;
}

/** Validates a registration object (already parsed from JSON). */
export function parseRegistration(v: unknown): Registration {
  if (!isObject(v)) bad('registration must be a JSON object {run, params, dt, sketch?, meta?}');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['run', 'params', 'dt', 'sketch', 'meta'].includes(k)) bad(`registration: unknown field ${describe(k)}`);
  }
  const run = checkRunId(o.run);
  if (!Array.isArray(o.params) || o.params.length === 0 || o.params.length > MAX_PARAMS) {
    bad(`registration: params must be a non-empty list of {name, shape} (at most ${MAX_PARAMS})`);
  }
  const names = new Set<string>();
  let N = 0;
  const params = (o.params as unknown[]).map((p, i): StreamParam => {
    if (!isObject(p) || typeof p.name !== 'string' || p.name.length === 0 || p.name.length > 256) {
      return bad(`registration: params[${i}] must be {name: a non-empty string of ≤ 256 characters, shape}`);
    }
    if (p.name === 'steps' || p.name === 'loss' || p.name === 'meta.json' || names.has(p.name)) {
      bad(`registration: parameter name ${describe(p.name)} is used twice or clashes with 'steps'/'loss'`);
    }
    names.add(p.name);
    const shape = p.shape;
    if (!Array.isArray(shape) || shape.length > 16 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 1)) {
      return bad(`registration: params[${i}] (${p.name}) shape must be a list of at most 16 positive whole numbers, got ${describe(shape)}`);
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    N += size;
    if (!Number.isSafeInteger(N) || N > 2 ** 40) bad('registration: the parameters hold more than 2^40 values');
    return { name: p.name, shape: [...(shape as number[])], size };
  });
  const dt = o.dt ?? 1;
  if (typeof dt !== 'number' || !(dt > 0) || !Number.isFinite(dt)) bad(`registration: dt must be a positive number, got ${describe(dt)}`);
  let sketch: Registration['sketch'];
  if (o.sketch !== undefined && o.sketch !== null) {
    const s = o.sketch;
    if (!isObject(s) || !Number.isSafeInteger(s.dim) || (s.dim as number) < 1 || (s.dim as number) > 2 ** 24
      || !Number.isSafeInteger(s.seed ?? 0) || ((s.seed ?? 0) as number) < 0) {
      bad(`registration: sketch must be {dim: a whole number in [1, 2^24], seed: a whole number ≥ 0}, got ${describe(s)}`);
    }
    sketch = { dim: (s as { dim: number }).dim, seed: ((s as { seed?: number }).seed ?? 0) };
  }
  const meta = o.meta ?? {};
  if (!isObject(meta)) bad('registration: meta must be a JSON object');
  if (JSON.stringify(meta).length > 65536) bad('registration: meta is larger than 64 KiB as JSON');
  return { run, params, dt: dt as number, sketch, meta: meta as Record<string, unknown>, N, n: sketch ? sketch.dim : N };
}

/** Whether two registrations describe the same run (a reconnecting trainer); the reason when they do not. */
export function sameRun(a: Registration, b: Registration): string | undefined {
  if (a.n !== b.n || a.N !== b.N) return `it sends ${b.n} values per snapshot, the run has ${a.n}`;
  if (a.params.length !== b.params.length || a.params.some((p, i) => p.name !== b.params[i].name || p.shape.join() !== b.params[i].shape.join())) {
    return 'its parameter table differs';
  }
  if (a.dt !== b.dt) return `its dt is ${b.dt}, the run's is ${a.dt}`;
  if ((a.sketch?.dim ?? 0) !== (b.sketch?.dim ?? 0) || (a.sketch?.seed ?? 0) !== (b.sketch?.seed ?? 0)) return 'its sketch differs';
  return undefined;
}

/** Frames as bytes (the header padded so the data is 4-byte aligned within the buffer). */
export function encodeFrames(frames: readonly Frame[]): Uint8Array {
  const parts: { head: Uint8Array; data: Float32Array }[] = frames.map(({ header, data }) => {
    const h: Record<string, unknown> = { step: header.step, loss: Number.isFinite(header.loss) ? header.loss : null, n: data.length };
    if (header.index !== undefined) h.index = header.index;
    let json = JSON.stringify(h);
    json += ' '.repeat((4 - ((8 + encodeUtf8(json).length) % 4)) % 4);
    return { head: encodeUtf8(json), data };
  });
  const total = parts.reduce((s, p) => s + 8 + p.head.length + 4 * p.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const { head, data } of parts) {
    for (let i = 0; i < 4; i++) out[off + i] = FRAME_MAGIC.charCodeAt(i);
    view.setUint32(off + 4, head.length, true);
    out.set(head, off + 8);
    off += 8 + head.length;
    if (LITTLE_ENDIAN && off % 4 === 0) new Float32Array(out.buffer, off, data.length).set(data);
    else for (let i = 0; i < data.length; i++) view.setFloat32(off + 4 * i, data[i], true);
    off += 4 * data.length;
  }
  return out;
}

/**
 * Parses a body of concatenated frames; `n` (when given) is the number of values every frame must carry. Non-finite
 * snapshot values are refused (the spectrum cannot use them); a NaN or missing loss is fine (null on the wire).
 */
export function decodeFrames(bytes: Uint8Array, n?: number): Frame[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Frame[] = [];
  let off = 0;
  while (off < bytes.length) {
    const at = `frame ${frames.length} (byte ${off})`;
    if (bytes.length - off < 8) bad(`${at}: truncated: ${bytes.length - off} bytes where an 8-byte frame start was expected`);
    for (let i = 0; i < 4; i++) {
      if (bytes[off + i] !== FRAME_MAGIC.charCodeAt(i)) bad(`${at}: does not start with '${FRAME_MAGIC}' (not a Koopscope snapshot frame)`);
    }
    const H = view.getUint32(off + 4, true);
    if (H > MAX_FRAME_HEADER) bad(`${at}: header of ${H} bytes (at most ${MAX_FRAME_HEADER})`);
    if (bytes.length - off - 8 < H) bad(`${at}: truncated inside its header`);
    const text = decodeUtf8(bytes.subarray(off + 8, off + 8 + H));
    let h: unknown;
    try { h = text === undefined ? undefined : JSON.parse(text); } catch { h = undefined; }
    if (!isObject(h)) bad(`${at}: header is not a JSON object`);
    const o = h as Record<string, unknown>;
    if (typeof o.step !== 'number' || !Number.isSafeInteger(o.step)) bad(`${at}: step must be a whole number, got ${describe(o.step)}`);
    if (!(o.loss === null || o.loss === undefined || typeof o.loss === 'number')) bad(`${at}: loss must be a number or null`);
    const count = o.n;
    if (!Number.isSafeInteger(count) || (count as number) < 0) bad(`${at}: n must be a whole number of values, got ${describe(count)}`);
    if (n !== undefined && count !== n) bad(`${at}: ${count} values, the run has ${n} per snapshot`);
    off += 8 + H;
    if (bytes.length - off < 4 * (count as number)) {
      bad(`${at}: truncated: ${bytes.length - off} data bytes where ${4 * (count as number)} were announced`);
    }
    const data = new Float32Array(count as number);
    const start = bytes.byteOffset + off;
    if (LITTLE_ENDIAN && start % 4 === 0) data.set(new Float32Array(bytes.buffer, start, data.length));
    else for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(off + 4 * i, true);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) bad(`${at}: step ${o.step}: value ${i} is ${data[i]}; the snapshot was not added`);
    }
    off += 4 * data.length;
    const header: FrameHeader = { step: o.step as number, loss: typeof o.loss === 'number' ? o.loss : NaN };
    if (Number.isSafeInteger(o.index)) header.index = o.index as number;
    frames.push({ header, data });
  }
  return frames;
}
