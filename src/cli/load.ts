/**
 * Reading a trajectory or eigenvalue file from disk for the command line. Every failure becomes a one-line
 * UsageError naming the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readTrajectoryFile, TrajectoryFileError, type EigenvalueSets, type ReadOptions, type Trajectory } from '../io/index';
import { UsageError } from './errors';

export function loadFile(path: string, opts: ReadOptions = {}): Trajectory | EigenvalueSets {
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${path}: is a directory, not a file`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no such file`);
    if (code === 'EACCES') throw new UsageError(`${path}: permission denied`);
    throw new UsageError(`${path}: cannot be read (${(e as Error).message})`);
  }
  try {
    return readTrajectoryFile(name, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), opts);
  } catch (e) {
    if (e instanceof TrajectoryFileError) throw new UsageError(e.message);
    throw e;
  }
}

export function loadTrajectory(path: string, opts: ReadOptions = {}): Trajectory {
  const f = loadFile(path, opts);
  if (f.kind !== 'trajectory') {
    throw new UsageError(`${basename(path)}: holds eigenvalues, not a weight trajectory; use 'koopscope compare' with it`);
  }
  return f;
}

/** Snapshot spacing in optimizer steps from the file's `steps` (undefined if absent or unevenly spaced). */
export function stepSpacing(t: Trajectory): { dt?: number; warning?: string } {
  const s = t.steps;
  if (!s || s.length < 2) return {};
  const dt = s[1] - s[0];
  for (let i = 2; i < s.length; i++) {
    if (Math.abs(s[i] - s[i - 1] - dt) > 1e-9 * Math.abs(dt)) {
      return { warning: `${t.source}: snapshots are unevenly spaced in 'steps'; Δt = 1 snapshot is used (give --dt to override)` };
    }
  }
  return dt > 0 ? { dt } : {};
}
