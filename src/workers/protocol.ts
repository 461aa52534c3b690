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
 *
 * Run generations: the page numbers every (re)start and reset of a run (`gen`, the store's `status.recording`) and
 * every DMD configuration (`cfg`). `init` and `reset` carry the new `gen` to the trainer, which puts it on the
 * `restart` it sends the Koopman worker (the moment the old run's data ends), and tags every reply it posts with the
 * generation whose data the reply describes. The Koopman worker tags `spectrum`, `received`, `recording` and
 * id-less `failed` with the generation of its window and the `cfg` of the options it fitted with. The page drops a
 * reply of any other generation (state/replies.ts), so a reply in flight from an earlier run or configuration is
 * never drawn for a new one.
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
  /**
   * Set up run generation `gen` (default 0). `koopmanPort` receives the snapshots. `backends` overrides the preference
   * order. `dataBaseUrl`: the folder (ending in '/') holding the MNIST IDX files; default: ../data/mnist/ next to the
   * worker's script, which is the page's ./data/mnist/ in a build (assets/ sits beside data/) but not under `vite dev`,
   * so the page always sends it.
   */
  | { type: 'init'; config: TrainConfig; koopmanPort?: MessagePort; backends?: BackendName[]; dataBaseUrl?: string; gen?: number }
  | { type: 'play' }
  | { type: 'pause' }
  /** `n` optimizer steps then pause (default 1). */
  | { type: 'step'; n?: number }
  /** Back to the same initialisation, step 0, as run generation `gen` (default: the current one). */
  | { type: 'reset'; gen?: number }
  | { type: 'setLearningRate'; lr: number }
  /** Optimizer steps per tick of the play loop. */
  | { type: 'setSpeed'; stepsPerTick: number }
  | { type: 'dispose' };

/** The run generation a reply belongs to (see the file comment). */
export interface Gen { gen: number }

/**
 * What the trainer worker posts is `TrainerReply & Gen`; the page also accepts untagged replies (tests), which it
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

// ---------------------------------------------------------------------------------------------- Koopman worker

/**
 * Requests with an `id` are answered by one reply with the same `id` (or by `failed` with it): the page's engine
 * matches them up (client/engine.ts).
 */
export type KoopmanRequest =
  /**
   * Listen for snapshots on `port` (from the trainer worker of run generation `gen`); the previous port is closed, and
   * no spectrum of the previous run's window is computed or sent any more.
   */
  | { type: 'connect'; port: MessagePort; gen?: number }
  /**
   * Window length (snapshots per run), DMD options, and the maximum refresh rate; `recordingBudgetBytes` caps the
   * recording of the run (default 512 MiB; past it the recording is thinned 2:1 and its stride doubled).
   */
  | { type: 'configure'; window: number; options: Omit<SpectrumOptions, 'window' | 'every' | 'onProgress'>; maxRefreshHz?: number; recordingBudgetBytes?: number;
      /** The page's configuration generation: spectra fitted with these options carry it. */
      cfg?: number }
  /**
   * Scrubbing: the spectrum of the window of `window` recorded snapshots ending at `end`, a recorded-snapshot index,
   * exclusive (the window is recorded snapshots [end − window, end); 1 ≤ end ≤ recorded). Indices, not steps, so a
   * range input maps onto them directly; the reply gives the steps. Answered by `spectrumAt`.
   */
  | { type: 'spectrumAt'; id: number; end: number }
  /**
   * One spectrum per ensemble member, each fitted alone with the live options on the window ending at optimizer
   * step `step` (default: the live window). Answered by `seedSpectra`.
   */
  | { type: 'seedSpectra'; id: number; step?: number }
  /** The recorded run as `.npz` (`meta` goes into meta.json, e.g. the run's config). Answered by `exported`. */
  | { type: 'export'; id: number; meta?: Record<string, unknown>; name?: string }
  | { type: 'dispose' };

/** Where the recording stands (sent with `received`, so the page can size its scrubber). */
export interface RecordingInfo {
  /** Snapshots recorded per run. */
  recorded: number;
  /** Every stride-th snapshot is recorded (1 until the memory budget is first reached). */
  stride: number;
  bytes: number;
  budgetBytes: number;
}

/**
 * The Koopman worker tags `spectrum`, `received`, `recording` and id-less `failed` with `gen` (the run generation of
 * its window) and `spectrum` also with `cfg` (the configuration it was fitted with); answers to asks are matched by id.
 */
export type KoopmanReply =
  | { type: 'spectrum'; step: number; snapshots: number; report: SpectrumReport; w1FromPrevious: number | null; memoryBytes: number; cfg?: number }
  /** Snapshot counter, so the page can show progress while the window fills, and the recording's state. */
  | { type: 'received'; count: number; step: number; recording: RecordingInfo }
  /** Something the user should know about the recording (it was thinned to stay within its budget, or is off). */
  | { type: 'recording'; message: string; recording: RecordingInfo }
  /** Answer to `spectrumAt`: the window [start, end) of the recording, its steps, spectrum and W1 to one snapshot earlier. */
  | { type: 'spectrumAt'; id: number; start: number; end: number; stepStart: number; step: number; recorded: number; stride: number;
      report: SpectrumReport; w1FromPrevious: number | null }
  /** Answer to `seedSpectra`: one report per run (in run order), and the step the window ends at. */
  | { type: 'seedSpectra'; id: number; step: number; from: 'live' | 'recording'; reports: SpectrumReport[] }
  /** Answer to `export`: the `.npz` bytes (transferred). */
  | { type: 'exported'; id: number; bytes: Uint8Array; snapshots: number; runs: number; stride: number }
  /** `id`: the request that failed, when it had one. */
  | { type: 'failed'; error: WireError; id?: number };

export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}
