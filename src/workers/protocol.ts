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
import type { BackendName, WireError } from '../train/messages';
import type { TrainConfig } from '../train/types';

/**
 * What a TrainingSession posts (TrainerReply, SnapshotMessage) and the types they carry are defined beside it in
 * src/train/messages.ts, so train never imports workers; they are part of this protocol and re-exported here.
 */
export type {
  BackendName, BackendReport, FieldData, FieldGrid, SnapshotMessage, TrainerReply, WireError,
} from '../train/messages';

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
