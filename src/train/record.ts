/**
 * Headless training into memory: a TrainingSession whose snapshot sink keeps every snapshot (runs × T × N float32,
 * as the trainers produce them) with its step and loss. Used by `koopscope train` (which writes the .npz) and by the
 * reproductions (which fit spectra straight away). Needs the current tfjs backend to be set by the caller.
 */
import type { SnapshotSet } from '../koopman/snapshots';
import type { BackendReport, SnapshotMessage, TrainerReply } from './messages';
import { TrainingSession } from './session';
import type { ParamInfo, StepMetrics, TrainConfig } from './types';
import { DataError } from '../linalg/errors';

export interface RecordOptions {
  /** Loads MNIST IDX files by name (fs in Node, fetch in a browser); runs without MNIST do not need it. */
  loadBytes?: (file: string) => Promise<Uint8Array>;
  /** The backend the host made current, reported to the session. Default: cpu. */
  backend?: BackendReport;
  /** Evaluate train/test loss and accuracy of run 0 once at the end. */
  evaluate?: boolean;
  onProgress?: (fraction: number, step: number) => void;
}

export interface RecordedRun {
  set: SnapshotSet & { data: Float32Array };
  /** The observed parameters, in snapshot order. */
  params: ParamInfo[];
  /** Optimizer step and training loss of run 0 at each snapshot (the loss at step 0 is NaN: no step taken yet). */
  steps: Float64Array;
  losses: Float64Array;
  finalLoss: number;
  /** The divergence message when the run stopped on a NaN/Inf loss. */
  diverged?: string;
  evaluation?: StepMetrics;
  seconds: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export async function recordRun(config: TrainConfig, steps: number, opts: RecordOptions = {}): Promise<RecordedRun> {
  const snaps: Float32Array[][] = [];
  const snapSteps: number[] = [];
  const losses: number[] = [];
  let params: ParamInfo[] = [];
  let diverged: string | undefined;
  const host = {
    backend: opts.backend ?? { name: 'cpu' as const, reason: 'the tfjs cpu backend', skipped: [] },
    koopmanPort: {
      postMessage(m: SnapshotMessage) {
        if (m.type === 'restart') { params = m.params; return; }
        snaps.push(m.runs);
        snapSteps.push(m.step);
        losses.push(m.loss);
      },
    },
    loadBytes: (file: string) => {
      if (!opts.loadBytes) return Promise.reject(new Error(`this run needs MNIST (${file}) but no data loader was given`));
      return opts.loadBytes(file);
    },
    evaluateEveryMs: 0,
    post: (m: TrainerReply) => { if (m.type === 'diverged') diverged = m.message; },
  };
  const t0 = now();
  const session = await TrainingSession.create(config, host);
  let evaluation: StepMetrics | undefined;
  try {
    const chunk = Math.max(config.snapshotEvery, 10);
    for (let done = 0; done < steps && !diverged;) {
      const k = Math.min(chunk, steps - done);
      await session.advance(k);
      done += k;
      opts.onProgress?.(done / steps, session.step);
      // let the host breathe (progress output, worker messages) between chunks
      await new Promise((r) => setTimeout(r, 0));
    }
    if (opts.evaluate && !diverged) evaluation = await session.trainers[0].evaluate();
  } finally {
    session.dispose();
  }
  const R = snaps[0]?.length ?? 0, T = snaps.length;
  const N = params.reduce((a, p) => a + p.size, 0);
  if (T < 3) throw new DataError('too-few-snapshots', `training stopped after ${T} snapshot(s)${diverged ? `: ${diverged}` : ''}`);
  const data = new Float32Array(R * T * N);
  for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) data.set(snaps[t][r], (r * T + t) * N);
  return {
    set: { runs: R, T, N, data }, params, steps: Float64Array.from(snapSteps), losses: Float64Array.from(losses),
    finalLoss: losses[T - 1], diverged, evaluation, seconds: (now() - t0) / 1000,
  };
}
