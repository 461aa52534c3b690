/**
 * The app's one store (zustand vanilla; React reads it through `useStore(store, selector)` in components). Actions are
 * plain functions in actions.ts beside it.
 *
 * Two kinds of state live here:
 * - configuration and run status (low rate): React renders these;
 * - live data (spectra, losses, W1 timeline: up to ~10 updates/s): only the plot modules read them, through
 *   `store.subscribe` and throttled canvas redraws (plots/), never through React re-renders. Components must not
 *   select `live` (see ui/plots). `scrub.recorded` changes with every snapshot: the scrubber reads it throttled too.
 * Everything that reproduces a run (preset, overrides, DMD options, view) is `config`, serialised to the URL hash
 * (url.ts); trajectories are never put in URLs.
 */
import { createStore } from 'zustand/vanilla';
import type { RankRule } from '../../koopman/types';
import type { SpectrumReport } from '../../koopman/report';
import type { ParamInfo, StepMetrics } from '../../train/types';
import type { BackendReport, FieldData, FieldGrid } from '../../workers/protocol';
import type { FitThreads } from '../../workers/jobRequests';
import type { CustomConfig } from './custom';

/** DMD options of the live view and of loaded files (the same meaning as SpectrumOptions; docs/engine.md). */
export interface DmdConfig {
  /** Snapshots per run in the sliding window. */
  window: number;
  rank: RankRule;
  delays: number;
  center: boolean;
  /** 0: no PCA. */
  pca: number;
}

/** What reproduces a run: a preset (or 'custom' with a built configuration) plus overrides. Serialised to the URL. */
export interface RunConfig {
  /** A preset name, or 'custom' (then `custom` holds the model, data and optimizer: custom.ts). */
  preset: string;
  /** The preset's small variant. */
  quick: boolean;
  /** Overrides of the preset (undefined: the preset's value). */
  lr?: number;
  initSeed?: number;
  dataSeed?: number;
  snapshotEvery?: number;
  runs?: number;
  /** Parameter names/prefixes to observe, comma-separated; undefined: the preset's. */
  observe?: string;
  /** preset 'custom' only: the built configuration. */
  custom?: CustomConfig;
}

export interface ViewConfig {
  plane: 'discrete' | 'continuous';
  zoom: 'unit' | 'near1';
  /** Show the spectrum as a table as well as the plot. */
  table: boolean;
  /** Loss axis. */
  logLoss: boolean;
  /** EMA smoothing of the loss curve, 0 ≤ s < 1. */
  smoothing: number;
}

export interface Notice {
  id: number;
  kind: 'error' | 'warning' | 'info';
  text: string;
  /** A how-to link or hint shown with it. */
  help?: string;
  /**
   * Notices with a key are one of a kind: a new one replaces the shown one in place (e.g. 'backend': one notice about
   * the training backend, whichever model asked). Without a key, a notice with the same text is not added twice.
   */
  key?: string;
  /** About the current run only (its backend, divergence, failures): cleared when a run starts or is reset. */
  run?: boolean;
}

/** A finished or loaded run in the comparison list. */
export interface RunEntry {
  id: string;
  name: string;
  /** 'demo': computed by a gallery demo (e.g. paper 1's OMD/OGD spectra). */
  origin: 'trained' | 'file' | 'demo';
  /**
   * One spectrum per seed (an ensemble fit gives one; a (seeds, k) eigenvalue file gives several; a trained ensemble
   * gets one per run, each fitted alone on the same window, once the Koopman worker answers `seedSpectra`).
   */
  spectra: SpectrumReport[];
  /** Trained ensembles with per-run spectra: the joint fit of all runs (shown in the table and exported). */
  ensemble?: SpectrumReport;
  /** Trained runs: the optimizer step the window ends at, and the recording it came from (`status.recording`). */
  step?: number;
  recording?: number;
  /** Trained ensembles: per-run spectra asked for and not answered yet. */
  seedsPending?: boolean;
  /** Opened files whose fit was large enough to split: the threads it ran on, or why one (fileReader.worker.ts). */
  fitThreads?: FitThreads;
}

/**
 * The scrubber: the Koopman worker records the run (every snapshot of every run, within a memory budget), and any
 * past window of the recording can be shown instead of the live one.
 */
export interface ScrubState {
  /** The recording of the current run: snapshots held per run, stride (every stride-th snapshot kept), bytes. */
  recorded: number;
  stride: number;
  bytes: number;
  /** The window end shown (a recorded-snapshot index, exclusive); undefined: following the live window. */
  end?: number;
  /** The scrubbed window on show (undefined until the first answer). */
  shown?: { start: number; end: number; stepStart: number; step: number; w1: number | null };
  /** The newest live spectrum (and its step), kept while scrubbing so "Back to live" shows it at once. */
  latest?: { report: SpectrumReport; step: number };
  /** Why the scrubbed window could not be fitted. */
  error?: string;
}

export interface LivePoint extends StepMetrics {
  /** Wall-clock ms since the run started, for rates. */
  t: number;
}

export interface LiveData {
  /** The latest spectrum of the sliding window, and recent ones (oldest first) for fading trails. */
  spectrum?: SpectrumReport;
  trail: SpectrumReport[];
  /** Optimizer step the spectrum's window ends at, and snapshots received. */
  spectrumStep: number;
  /** The run generation (status.recording) the spectrum came from, as its reply said: what the page labels it with. */
  spectrumGen?: number;
  snapshots: number;
  losses: LivePoint[];
  /** W1 between consecutive window spectra. */
  w1: { step: number; w1: number }[];
  memoryBytes: number;
  /** 1- and 2-feature data sets: the training points (kept across a reset of the same run), */
  fieldData?: FieldData;
  /** and the model's output over the input space, a few times a second (ui/FieldPlot). */
  field?: FieldGrid;
}

export interface AppState {
  config: { run: RunConfig; dmd: DmdConfig; view: ViewConfig };
  status: {
    phase: 'idle' | 'starting' | 'ready' | 'failed';
    playing: boolean;
    step: number;
    backend?: BackendReport;
    modelSize?: number;
    observed?: ParamInfo[];
    runs?: number;
    diverged?: string;
    /** File being read: name and progress in [0, 1]. */
    reading?: { name: string; fraction: number; phase: string };
    /** Why the last file could not be opened (shown with role="alert" beside the Open file button). */
    fileError?: string;
    /** Optimizer steps per tick of the trainer's play loop (runtime only: not part of the URL). */
    speed: number;
    /** A gallery demo computing off the main thread (its name). */
    demo?: string;
    /**
     * The run generation (workers/protocol.ts): counts (re)starts and resets. The Koopman worker's recording and every
     * live reply belong to one value; replies of another are dropped.
     */
    recording: number;
    /** The configuration generation: counts the DMD configurations sent; spectra fitted with another are dropped. */
    configured: number;
    /** While a run sets up or takes its first step: what it is doing and, when known, how far (0–1). */
    progress?: { message: string; fraction?: number };
    /** An .npz export is being built in the Koopman worker. */
    exporting?: boolean;
  };
  notices: Notice[];
  runList: RunEntry[];
  /** Two run ids to compare, and an optional reference run for single spectra (W1(A, B) against W1(A, ref)). */
  compare: { a?: string; b?: string; ref?: string };
  /** The run-list entry whose spectrum is shown as a table and exported (a newly opened file selects itself). */
  selected?: string;
  live: LiveData;
  scrub: ScrubState;
  /** Shortcut overlay visible. */
  help: boolean;
  /** The guided tour's step (ui/tour.ts), while it runs. */
  tour?: number;
  /**
   * The live view shows run `run` streamed by `koopscope watch` (state/watch.ts) while `gen` is status.recording; a
   * later start or reset (a new generation) ends it without touching this. `every`: optimizer steps between its
   * snapshots (the recorder's `every`, the summary's `dt`).
   */
  watch?: { run: string; gen: number; every: number };
}

/** The watched run the live view shows now (`watch` of the current generation), or undefined. */
export function shownWatch(s: Pick<AppState, 'watch' | 'status'>): AppState['watch'] {
  return s.watch && s.watch.gen === s.status.recording ? s.watch : undefined;
}

export const DEFAULT_DMD: DmdConfig = { window: 64, rank: { kind: 'rank', r: 10 }, delays: 0, center: false, pca: 0 };
export const DEFAULT_VIEW: ViewConfig = { plane: 'discrete', zoom: 'unit', table: false, logLoss: true, smoothing: 0.6 };
export const DEFAULT_RUN: RunConfig = { preset: 'spiral', quick: false };

export function emptyLive(): LiveData {
  return { trail: [], spectrumStep: 0, snapshots: 0, losses: [], w1: [], memoryBytes: 0 };
}

export function emptyScrub(): ScrubState {
  return { recorded: 0, stride: 1, bytes: 0 };
}

export function initialState(): AppState {
  return {
    config: { run: { ...DEFAULT_RUN }, dmd: { ...DEFAULT_DMD }, view: { ...DEFAULT_VIEW } },
    status: { phase: 'idle', playing: false, step: 0, speed: 1, recording: 0, configured: 0 },
    notices: [],
    runList: [],
    compare: {},
    live: emptyLive(),
    scrub: emptyScrub(),
    help: false,
  };
}

export type AppStore = ReturnType<typeof makeStore>;

export function makeStore(state: AppState = initialState()) {
  return createStore<AppState>()(() => state);
}

/** The app's store instance (tests make their own with makeStore). */
export const store = makeStore();
