/**
 * The closed message protocol between the page, the training worker and the Koopman worker.
 *
 *   page ──TrainerRequest──▶ trainer.worker ──TrainerReply──▶ page          (control, metrics: low rate)
 *   page ──KoopmanRequest──▶ koopman.worker ──KoopmanReply──▶ page          (options, spectra: ≤ 10/s)
 *   trainer.worker ──SnapshotMessage──▶ koopman.worker                       (over a MessageChannel: snapshots never
 *                                                                             touch the main thread; buffers are
 *                                                                             transferred, not copied)
 * Errors cross as plain objects ({name, message, code}), because structured clone drops Error prototypes.
 * Both sides switch exhaustively; an unknown type is answered with `failed`.
 */
import type { SpectrumOptions } from '../koopman/analyze';
import type { SpectrumReport } from '../koopman/report';
import type { ParamInfo, StepMetrics, TrainConfig } from '../train/types';

export interface WireError { name: string; message: string; code?: string }

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendReport {
  name: BackendName;
  /** Why this backend: e.g. "WebGPU adapter google/swiftshader (software fallback)", "no WebGPU adapter". */
  reason: string;
  /** Backends tried first that failed, and why. */
  skipped: { name: BackendName; why: string }[];
}

// ---------------------------------------------------------------------------------------------- trainer worker

export type TrainerRequest =
  /** Set up a run. `koopmanPort` receives the snapshots. `backends` overrides the preference order. */
  | { type: 'init'; config: TrainConfig; koopmanPort?: MessagePort; backends?: BackendName[]; dataBaseUrl?: string }
  | { type: 'play' }
  | { type: 'pause' }
  /** `n` optimizer steps then pause (default 1). */
  | { type: 'step'; n?: number }
  /** Back to the same initialisation, step 0. */
  | { type: 'reset' }
  | { type: 'setLearningRate'; lr: number }
  /** Optimizer steps per tick of the play loop. */
  | { type: 'setSpeed'; stepsPerTick: number }
  | { type: 'dispose' };

export type TrainerReply =
  | { type: 'ready'; backend: BackendReport; params: ParamInfo[]; observed: ParamInfo[]; runs: number; modelSize: number }
  | { type: 'metrics'; metrics: StepMetrics; runMetrics?: StepMetrics[] }
  | { type: 'state'; playing: boolean; step: number }
  /** The loss became NaN/Inf at `step`: the run is paused, no NaN snapshot was sent. */
  | { type: 'diverged'; step: number; message: string }
  /** The backend changed mid-run (e.g. the GPU device was lost). */
  | { type: 'backend'; backend: BackendReport; message: string }
  | { type: 'failed'; error: WireError };

// ---------------------------------------------------------------------------------------------- snapshots

/** One time step of every run of the ensemble: runs[r] has the observed parameters of run r (transferred). */
export type SnapshotMessage =
  | { type: 'snapshot'; step: number; runs: Float32Array[]; /** training loss of run 0 at this step (NaN at step 0) */ loss: number }
  /** A new run started (init or reset): the Koopman worker drops its window. */
  | { type: 'restart'; N: number; runs: number; snapshotEvery: number; params: ParamInfo[] };

// ---------------------------------------------------------------------------------------------- Koopman worker

export type KoopmanRequest =
  /** Listen for snapshots on `port` (from the trainer worker). */
  | { type: 'connect'; port: MessagePort }
  /** Window length (snapshots per run), DMD options, and the maximum refresh rate. */
  | { type: 'configure'; window: number; options: Omit<SpectrumOptions, 'window' | 'every' | 'onProgress'>; maxRefreshHz?: number }
  | { type: 'dispose' };

export type KoopmanReply =
  | { type: 'spectrum'; step: number; snapshots: number; report: SpectrumReport; w1FromPrevious: number | null; memoryBytes: number }
  /** Snapshot counter, so the page can show progress while the window fills. */
  | { type: 'received'; count: number; step: number }
  | { type: 'failed'; error: WireError };

export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}
