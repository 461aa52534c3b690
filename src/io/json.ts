/**
 * JSON trajectories, for small hand-made or exported files (< ~20 MB; JSON is 2–3× larger than binary):
 *
 *   { "params":  { "<name>": [[...], ...], ... },   required; each value nested arrays with time first, (T, …)
 *     "steps":   [0, 10, 20, ...],                  optional, length T
 *     "loss":    [...],                              optional, length T
 *     "metrics": { "<name>": [...], ... },           optional, more per-step metrics of length T
 *     "meta":    { ... } }                           optional, free-form (same keys as `meta.json` in an .npz)
 *
 * `null` stands for NaN (JSON has no NaN), so `nonFinite` handling applies. Arrays become float64 sources in the
 * same form the binary readers produce, and then go through the common layout rules.
 */

import { JsonTrajectoryError } from './errors';
import type { ArraySource } from './dtype';

export interface JsonContents {
  arrays: Map<string, ArraySource>;
  meta?: Record<string, unknown>;
  /** Names of the members that are parameters (everything under "params"). */
  paramNames: string[];
}

export function parseJsonTrajectory(text: string, file: string): JsonContents {
  const fail = (msg: string): never => { throw new JsonTrajectoryError(file, 'bad-json', msg); };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    // The engine's own message (with a position) differs between engines, so it is not repeated here.
    fail('is not valid JSON' + (/\b(NaN|Infinity)\b/.test(text) ? ' (write NaN and Infinity as null)' : ''));
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    fail('a JSON trajectory must be an object like {"params": {"name": [[...], ...]}}');
  }
  const r = root as Record<string, unknown>;
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(r.params) || Object.keys(r.params).length === 0) {
    fail('a JSON trajectory needs a non-empty "params" object of arrays with time first');
  }
  if (r.meta !== undefined && !isObj(r.meta)) fail('"meta" must be an object');
  if (r.metrics !== undefined && !isObj(r.metrics)) fail('"metrics" must be an object of arrays');
  const arrays = new Map<string, ArraySource>();
  const params = r.params as Record<string, unknown>;
  for (const [name, v] of Object.entries(params)) arrays.set(name, toSource(name, v, fail));
  const extra: [string, unknown][] = [['steps', r.steps], ['loss', r.loss],
    ...Object.entries((r.metrics ?? {}) as Record<string, unknown>)];
  for (const [name, v] of extra) {
    if (v === undefined) continue;
    if (arrays.has(name)) fail(`"${name}" appears both as a parameter and as a per-step series`);
    const s = toSource(name, v, fail);
    if (s.shape.length !== 1) fail(`"${name}" must be a flat array of numbers, one per snapshot`);
    arrays.set(name, s);
  }
  return { arrays, paramNames: Object.keys(params), ...(r.meta ? { meta: r.meta as Record<string, unknown> } : {}) };
}

/**
 * Flattens a rectangular nested array of numbers (null → NaN) into a float64 source. The shape is read from the
 * first element at each depth and every level is checked against it *before* anything is sized by it, so a first
 * row that claims a huge shape costs nothing: values are collected one by one (bounded by the parsed text).
 */
function toSource(name: string, v: unknown, fail: (m: string) => never): ArraySource {
  const shape: number[] = [];
  for (let x = v; Array.isArray(x); x = x[0]) {
    shape.push(x.length);
    if (x.length === 0) break;
    if (shape.length > 32) fail(`"${name}" is nested more than 32 levels deep`);
  }
  if (shape.length === 0) fail(`"${name}" must be an array`);
  const values: number[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof x === 'number') values.push(x);
      else if (x === null) values.push(NaN);
      else fail(`"${name}" holds a ${Array.isArray(x) ? 'nested array where a number was expected' : typeof x}, not a number`);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) {
      fail(`"${name}" is not rectangular: expected shape [${shape.join(', ')}]`);
    }
    for (const y of x as unknown[]) walk(y, depth + 1);
  };
  walk(v, 0);
  const out = Float64Array.from(values);
  return { name, dtype: { name: 'float64', itemsize: 8, littleEndian: true }, shape,
    bytes: new Uint8Array(out.buffer) };
}
