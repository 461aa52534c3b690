/**
 * Writing trajectories as `.npz` in our schema (docs/file-formats.md), readable by `numpy.load` and by
 * `readTrajectoryFile` with the same parameter table:
 * - flat (default): `weights` float32 (T, N), or (R, T, N) for ensembles, plus meta.json `names`/`shapes`;
 * - `perParameter`: one float32 array per parameter, (T, *shape) or (R, T, *shape), plus meta.json `names`;
 * - `steps` int32 when every step is an integer within int32 range, else float64; metrics float64 (T,);
 * - `meta.json`: the trajectory's meta with `names`, `shapes` and, for ensembles, `layout: "ensemble"` set.
 * fflate writes no zip64, so archives of 4 GiB and more are refused (they would not fit a browser buffer anyway).
 */

import { zipSync } from 'fflate';
import { TrajectoryFileError } from './errors';
import { writeNpy } from './npy';
import { encodeUtf8 } from './text';
import type { Trajectory } from './types';

export interface WriteNpzOptions {
  /** One array per parameter instead of one flat `weights` array. Default false. */
  perParameter?: boolean;
  /** Deflate (level 6) instead of storing. Default false. */
  compress?: boolean;
}

const ZIP32_LIMIT = 0xffffffff - (1 << 20);

export function writeNpz(traj: Trajectory, opts: WriteNpzOptions = {}): Uint8Array {
  const fail = (code: 'write' | 'too-large', m: string): never => { throw new TrajectoryFileError(traj.source, code, m); };
  const { runs: R, T, N, data } = traj;
  if (data.length !== R * T * N) fail('write', `data holds ${data.length} values, not runs·T·N = ${R * T * N}`);
  const lead = R > 1 ? [R, T] : [T];
  const reserved = new Set(['steps', ...Object.keys(traj.metrics)]);
  if (R * T * N * 4 > ZIP32_LIMIT) fail('too-large', 'cannot write an .npz of 4 GiB or more (no zip64 writer); ' +
    'keep every k-th snapshot or fewer parameters');
  const files: Record<string, Uint8Array> = {};
  if (opts.perParameter) {
    for (const p of traj.params) {
      if (reserved.has(p.name) || `${p.name}.npy` in files) fail('write', `parameter name '${p.name}' clashes with another array`);
      const out = new Float32Array(R * T * p.size);
      for (let row = 0; row < R * T; row++) out.set(data.subarray(row * N + p.offset, row * N + p.offset + p.size), row * p.size);
      files[`${p.name}.npy`] = writeNpy({ dtype: 'float32', shape: [...lead, ...p.shape], data: out });
    }
  } else {
    const w = data instanceof Float32Array ? data : Float32Array.from(data);
    files['weights.npy'] = writeNpy({ dtype: 'float32', shape: [...lead, N], data: w });
  }
  if (traj.steps) {
    const s = traj.steps;
    const int32 = s.every((x) => Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31);
    files['steps.npy'] = writeNpy({ dtype: int32 ? 'int32' : 'float64', shape: [s.length], data: s });
  }
  for (const [name, v] of Object.entries(traj.metrics)) files[`${name}.npy`] = writeNpy({ dtype: 'float64', shape: [v.length], data: v });
  const meta: Record<string, unknown> = { ...traj.meta, names: traj.params.map((p) => p.name),
    shapes: traj.params.map((p) => p.shape) };
  if (R > 1) meta.layout = 'ensemble';
  else if (meta.layout === 'ensemble') delete meta.layout;
  files['meta.json'] = encodeUtf8(JSON.stringify(meta));
  // A fixed timestamp keeps the output byte-for-byte reproducible.
  return zipSync(files, { level: opts.compress ? 6 : 0, mtime: new Date(2000, 0, 1) });
}
