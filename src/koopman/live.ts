/**
 * The live spectrum of a training run: snapshots arrive one time step at a time (every run of the ensemble
 * together), go into a SnapshotWindow, and the spectrum of the current window is recomputed at most
 * `maxRefreshHz` times a second. Every snapshot is also recorded (recorder.ts, within a memory budget), which
 * makes three more things possible in the worker: the spectrum of any past window (`spectrumAt`, for scrubbing),
 * one spectrum per ensemble member (`seedSpectra`, for the seed-to-seed spread), and the `.npz` of the run
 * (`exportNpz`). Pure (no worker API), so the Koopman worker is only a switchboard around it and this logic is
 * tested in Node.
 */
import { spectrumReport, type SpectrumReport } from './report';
import { computeSpectrum, spectrumFromGram, type SpectrumOptions } from './analyze';
import { DEFAULT_RECORDING_BUDGET, Recorder, type RecordedParam, type RecordingStatus } from './recorder';
import { SnapshotWindow } from './window';
import { wasserstein1 } from './wasserstein';
import { DataError, OptionError, UserError } from '../linalg/errors';

export interface LiveUpdate {
  step: number;
  /** Snapshots received since the last restart. */
  snapshots: number;
  report: SpectrumReport;
  w1FromPrevious: number | null;
  memoryBytes: number;
}

export type LiveOptions = Omit<SpectrumOptions, 'window' | 'every' | 'onProgress' | 'dt'>;

/** The spectrum of a past window of the recording (scrubbing). */
export interface ScrubbedSpectrum {
  /** The window: recorded snapshots [start, end) (indices into the recording, `end` exclusive). */
  start: number;
  end: number;
  /** Optimizer steps of the window's first and last snapshots. */
  stepStart: number;
  step: number;
  /** Snapshots recorded and the recording stride when this was computed (the slider's range). */
  recorded: number;
  stride: number;
  report: SpectrumReport;
  /** W1 to the window one recorded snapshot earlier ([start−1, end−1) or shorter at the start); null if none. */
  w1FromPrevious: number | null;
}

/** One spectrum per ensemble member, each fitted alone on the same window with the same options. */
export interface SeedSpectra {
  /** Optimizer step the window ends at. */
  step: number;
  /** 'live': the current sliding window; 'recording': a recorded window (scrubbed, or after the live one moved on). */
  from: 'live' | 'recording';
  reports: SpectrumReport[];
}

export class LiveSpectrum {
  private win?: SnapshotWindow;
  private N = 0;
  private runs = 1;
  private dt = 1;
  private count = 0;
  private lastStep = 0;
  private lastRefresh = -Infinity;
  private previous?: SpectrumReport;
  private capacity = 64;
  private options: LiveOptions = { rank: { kind: 'rank', r: 10 } };
  private minInterval = 100;
  private dirty = false;
  private readonly recorder: Recorder;
  private note?: string;
  /** Eigenvalues of recent scrubbed windows by `end` (cleared whenever the recording or the options change). */
  private scrubCache = new Map<number, [number, number][]>();
  private recordedStride = 1;

  constructor(private readonly now: () => number = () => Date.now(), recordingBudget = DEFAULT_RECORDING_BUDGET) {
    this.recorder = new Recorder(recordingBudget);
  }

  /**
   * A new run (or reset): N observed values per snapshot, `runs` ensemble members, Δt = snapshotEvery steps;
   * `params` name the observed values for the export. The window and the recording start empty.
   */
  restart(N: number, runs: number, snapshotEvery: number, params?: RecordedParam[]): void {
    this.N = N; this.runs = runs; this.dt = snapshotEvery;
    this.count = 0; this.previous = undefined; this.dirty = false; this.lastRefresh = -Infinity;
    this.win = new SnapshotWindow(N, { capacity: this.capacity, runs });
    this.recorder.restart(N, runs, snapshotEvery, params);
    this.scrubCache.clear(); this.recordedStride = 1; this.note = undefined;
  }

  /**
   * Window length, DMD options and refresh cap. Keeps the held snapshots when only the options change; a new window
   * length refills the window from the recording (when it is not thinned).
   */
  configure(capacity: number, options: LiveOptions, maxRefreshHz = 10): void {
    if (!(Number.isInteger(capacity) && capacity >= 3)) throw new OptionError(`window must be a whole number ≥ 3, got ${capacity}`);
    this.options = options;
    this.minInterval = 1000 / Math.max(maxRefreshHz, 0.1);
    this.scrubCache.clear();
    if (capacity !== this.capacity) {
      this.capacity = capacity;
      if (this.N > 0) this.refill();
    }
    this.dirty = this.count > 0;
  }

  /** A new window length: a fresh window, refilled from the recording's latest snapshots when it is not thinned. */
  private refill(): void {
    this.win = new SnapshotWindow(this.N, { capacity: this.capacity, runs: this.runs });
    this.previous = undefined; this.lastRefresh = -Infinity;
    const rec = this.recorder;
    // a thinned recording is spaced wider than the window's snapshots: start empty then
    if (rec.stride !== 1) return;
    for (let t = Math.max(0, rec.T - this.capacity); t < rec.T; t++) {
      const row = rec.slice(t, t + 1);
      this.win.push(Array.from({ length: this.runs }, (_, r) => row.data.subarray(r * this.N, (r + 1) * this.N)), rec.steps[t]);
      this.lastStep = rec.steps[t];
    }
  }

  /** The recording's memory budget in bytes (default 512 MiB); the recording is thinned at once if over it. */
  setRecordingBudget(bytes: number): void {
    const note = this.recorder.setBudget(bytes);
    if (note) { this.note = note; this.scrubCache.clear(); }
  }

  /** Snapshots recorded, stride, bytes and budget. */
  recording(): RecordingStatus { return this.recorder.status(); }

  /** A sentence about the recording (it was thinned to stay in budget) not yet passed on; cleared by reading. */
  takeRecordingNote(): string | undefined {
    const n = this.note;
    this.note = undefined;
    return n;
  }

  /** Snapshots (time steps) received since the last restart. */
  get snapshots(): number { return this.count; }

  /** Add one time step (and record it with its loss); returns true when a refresh is due now (call `refresh`). */
  push(step: number, runs: Float32Array[], loss = NaN): boolean {
    if (!this.win) throw new Error('snapshot before restart: the trainer must announce the run first');
    for (const x of runs) {
      for (let i = 0; i < x.length; i++) {
        if (!Number.isFinite(x[i])) throw new DataError('non-finite', `snapshot at step ${step} contains NaN/Inf; it was not added`);
      }
    }
    this.win.push(runs, step);
    const note = this.recorder.push(step, runs, loss);
    if (note) this.note = note;
    if (this.recorder.stride !== this.recordedStride) { this.recordedStride = this.recorder.stride; this.scrubCache.clear(); }
    this.count++;
    this.lastStep = step;
    this.dirty = true;
    return this.due();
  }

  /** Snapshots a window needs for a fit with the current options: delays + 3 (analyze.ts checkEnoughSnapshots). */
  private get needed(): number { return (this.options.delays ?? 0) + 3; }

  /** Whether a refresh would happen now (enough snapshots, something new, not too soon). */
  due(): boolean {
    return this.dirty && (this.win?.size ?? 0) >= this.needed && this.now() - this.lastRefresh >= this.minInterval;
  }

  /** Milliseconds until a pending refresh becomes due (for a timer), or undefined if nothing is pending. */
  pendingIn(): number | undefined {
    if (!this.dirty || (this.win?.size ?? 0) < this.needed) return undefined;
    return Math.max(0, this.lastRefresh + this.minInterval - this.now());
  }

  refresh(): LiveUpdate {
    if (!this.win) throw new Error('no run');
    this.lastRefresh = this.now();
    this.dirty = false;
    const fit = this.win.spectrum({ ...this.options, dt: this.dt });
    const report = spectrumReport(fit.spectrum, 'live');
    const w1 = this.previous ? wasserstein1(this.previous.eigenvalues, report.eigenvalues) : null;
    this.previous = report;
    return { step: this.lastStep, snapshots: this.count, report, w1FromPrevious: w1, memoryBytes: this.win.memory().totalBytes };
  }

  // ---------------------------------------------------------------------------------------- the recording

  private recordedOptions(): SpectrumOptions {
    return { ...this.options, dt: this.recorder.interval };
  }

  private recordedEigenvalues(start: number, end: number): [number, number][] {
    const cached = this.scrubCache.get(end);
    if (cached) return cached;
    const fit = computeSpectrum(this.recorder.slice(start, end), this.recordedOptions());
    const eig = spectrumReport(fit.spectrum, 'recording').eigenvalues;
    this.remember(end, eig);
    return eig;
  }

  private remember(end: number, eig: [number, number][]): void {
    this.scrubCache.set(end, eig);
    if (this.scrubCache.size > 8) this.scrubCache.delete(this.scrubCache.keys().next().value as number);
  }

  /**
   * The spectrum of the window of `window` recorded snapshots ending before recorded index `end` (exclusive:
   * snapshots [end − window, end), fewer at the start of the run), fitted with the live options on the recording
   * (computeSpectrum; Δt = snapshotEvery · stride), plus W1 to the window one snapshot earlier.
   */
  spectrumAt(end: number): ScrubbedSpectrum {
    const rec = this.recorder;
    if (rec.T === 0) throw new UserError('nothing-recorded', rec.status().off ?? 'nothing recorded yet: play or step first');
    if (!(Number.isInteger(end) && end >= 1 && end <= rec.T)) throw new OptionError(`snapshot ${end} is outside the ${rec.T} recorded`);
    const needed = this.needed;
    const start = Math.max(0, end - this.capacity);
    if (end - start < needed) throw new DataError('too-few-snapshots', `the window ending at snapshot ${end} holds ${end - start} snapshots; at least ${needed} are needed`);
    const fit = computeSpectrum(rec.slice(start, end), this.recordedOptions());
    const report = spectrumReport(fit.spectrum, 'recording');
    this.remember(end, report.eigenvalues);
    const pStart = Math.max(0, end - 1 - this.capacity);
    const w1 = end - 1 - pStart >= needed ? wasserstein1(this.recordedEigenvalues(pStart, end - 1), report.eigenvalues) : null;
    return {
      start, end, stepStart: rec.steps[start], step: rec.steps[end - 1], recorded: rec.T, stride: rec.stride, report, w1FromPrevious: w1,
    };
  }

  /**
   * One spectrum per ensemble member on the window ending at optimizer step `step` (default: the live window):
   * the live window when it ends there (each run's block of its Gram), else the recorded window ending there.
   */
  seedSpectra(step?: number): SeedSpectra {
    if (!this.win) throw new Error('no run');
    const steps = this.win.steps();
    if (step === undefined || (steps.length && steps[steps.length - 1] === step)) {
      if (this.win.size < this.needed) throw new Error(`the window holds ${this.win.size} snapshots; at least ${this.needed} are needed`);
      const { G, dim } = this.win.gram();
      const T = this.win.size, M = this.runs * T;
      const reports = Array.from({ length: this.runs }, (_, r) => {
        const block = new Float64Array(T * T);
        for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) block[i * T + j] = G[(r * T + i) * M + r * T + j];
        const fit = spectrumFromGram({ G: block, runLengths: [T], dim }, { ...this.options, dt: this.dt });
        return spectrumReport(fit.spectrum, `run ${r}`);
      });
      return { step: steps[steps.length - 1], from: 'live', reports };
    }
    const rec = this.recorder;
    const i = rec.indexOfStep(step);
    if (i < 0) throw new Error(`the window ending at step ${step} is no longer held (the run was reset, or the recording thinned)`);
    const start = Math.max(0, i + 1 - this.capacity);
    const reports = Array.from({ length: this.runs }, (_, r) =>
      spectrumReport(computeSpectrum(rec.slice(start, i + 1, r), this.recordedOptions()).spectrum, `run ${r}`));
    return { step, from: 'recording', reports };
  }

  /** The recording as `.npz` bytes (recorder.ts: per-parameter float32 arrays, int32 steps, loss, meta.json). */
  exportNpz(meta: Record<string, unknown> = {}, source?: string): Uint8Array {
    return this.recorder.exportNpz(meta, source);
  }

  /** The recorder itself (read-only use: tests and the worker's status). */
  get recorded(): Recorder { return this.recorder; }
}
