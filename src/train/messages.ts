/**
 * The messages a TrainingSession (./session.ts) posts to its host, and the types they carry. They are part of the
 * worker protocol (src/workers/protocol.ts re-exports them, with the file comment on generations and ordering); they
 * live here so that train, which the trainer worker hosts, never imports workers.
 *
 *   TrainerReply    session ──▶ host.post           (the trainer worker forwards it to the page, tagged with `gen`)
 *   SnapshotMessage session ──▶ host.koopman.postMessage (a MessagePort to the Koopman worker; buffers transferred)
 */
import type { ParamInfo, StepMetrics } from './types';

/** An error crossing a worker boundary, as a plain object (structured clone drops Error prototypes). */
export interface WireError { name: string; message: string; code?: string }

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendReport {
  name: BackendName;
  /** Why this backend: e.g. "WebGPU adapter google/swiftshader (software fallback)", "no WebGPU adapter". */
  reason: string;
  /** Backends tried first that failed, and why. */
  skipped: { name: BackendName; why: string }[];
}

/**
 * What the trainer worker posts is `TrainerReply & Gen` (Gen: src/workers/protocol.ts); the page also accepts untagged replies (tests), which it
 * takes as the current generation's.
 */
export type TrainerReply =
  /** Setting up: what is being done (loading the data, building the models) and, when known, how far, in [0, 1]. */
  | { type: 'progress'; phase: 'data' | 'model'; message: string; fraction?: number }
  | { type: 'ready'; backend: BackendReport; params: ParamInfo[]; observed: ParamInfo[]; runs: number; modelSize: number }
  | { type: 'metrics'; metrics: StepMetrics; runMetrics?: StepMetrics[] }
  | { type: 'state'; playing: boolean; step: number }
  /** The loss became NaN/Inf at `step`: the run is paused, no NaN snapshot was sent. */
  | { type: 'diverged'; step: number; message: string }
  /**
   * Low-dimensional data sets (inputs of 1 or 2 features): the training points, once per run after `ready`, so the
   * page can draw them under the model's output (field.ts).
   */
  | { type: 'fieldData'; data: FieldData }
  /** The model's output over a grid of the input range at `step` (field.ts; a few times a second while it changes). */
  | { type: 'field'; field: FieldGrid }
  /** The backend changed mid-run (e.g. the GPU device was lost). */
  | { type: 'backend'; backend: BackendReport; message: string }
  | { type: 'failed'; error: WireError };

// ---------------------------------------------------------------------------------------------- data and model output

/** The training points of a 1- or 2-feature data set (at most FIELD_MAX_POINTS, evenly thinned). */
export interface FieldData {
  task: 'classification' | 'regression';
  /** Input features per point: 1 (a curve y(x)) or 2 (a plane). */
  dims: 1 | 2;
  /** Classes (classification) or outputs (regression). */
  outputs: number;
  /** Row-major inputs, `dims` per point. */
  x: Float32Array;
  /** Class per point (classification) or the first target (regression). */
  y: Float32Array;
  /** The grid's box: [min, max] of each input (the data's range, padded). */
  bounds: [number, number][];
}

/**
 * The model's output on a grid over `bounds` at optimizer step `step`. dims 1: `n` inputs evenly spaced, `values[i]`
 * the first output. dims 2: n×n cells, row j (y ascending) then column i (x ascending); classification gives the
 * class probabilities (`outputs` per cell: softmax of the logits), regression the first output per cell.
 */
export interface FieldGrid {
  step: number;
  dims: 1 | 2;
  n: number;
  outputs: number;
  task: 'classification' | 'regression';
  bounds: [number, number][];
  values: Float32Array;
}

// ---------------------------------------------------------------------------------------------- snapshots

/** One time step of every run of the ensemble: runs[r] has the observed parameters of run r (transferred). */
export type SnapshotMessage =
  | { type: 'snapshot'; step: number; runs: Float32Array[]; /** training loss of run 0 at this step (NaN at step 0) */ loss: number }
  /**
   * A new run started (init or reset): the Koopman worker drops its window. `gen`: the run generation the snapshots
   * after it belong to (the trainer worker adds it; TrainingSession itself sends none).
   */
  | { type: 'restart'; N: number; runs: number; snapshotEvery: number; params: ParamInfo[]; gen?: number };
