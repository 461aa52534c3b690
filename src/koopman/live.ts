/**
 * The live spectrum of a training run: snapshots arrive one time step at a time (every run of the ensemble
 * together), go into a SnapshotWindow, and the spectrum of the current window is recomputed at most
 * `maxRefreshHz` times a second. Pure (no worker API), so the Koopman worker is only a switchboard around it and
 * this logic is tested in Node.
 */
import { spectrumReport, type SpectrumReport } from './report';
import type { SpectrumOptions } from './analyze';
import { SnapshotWindow } from './window';
import { wasserstein1 } from './wasserstein';

export interface LiveUpdate {
  step: number;
  /** Snapshots received since the last restart. */
  snapshots: number;
  report: SpectrumReport;
  w1FromPrevious: number | null;
  memoryBytes: number;
}

export type LiveOptions = Omit<SpectrumOptions, 'window' | 'every' | 'onProgress' | 'dt'>;

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

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** A new run (or reset): N observed values per snapshot, `runs` ensemble members, Δt = snapshotEvery steps. */
  restart(N: number, runs: number, snapshotEvery: number): void {
    this.N = N; this.runs = runs; this.dt = snapshotEvery;
    this.count = 0; this.previous = undefined; this.dirty = false; this.lastRefresh = -Infinity;
    this.win = new SnapshotWindow(N, { capacity: this.capacity, runs });
  }

  /** Window length, DMD options and refresh cap. Keeps the held snapshots when only the options change. */
  configure(capacity: number, options: LiveOptions, maxRefreshHz = 10): void {
    if (!(Number.isInteger(capacity) && capacity >= 3)) throw new Error(`window must be a whole number ≥ 3, got ${capacity}`);
    this.options = options;
    this.minInterval = 1000 / Math.max(maxRefreshHz, 0.1);
    if (capacity !== this.capacity) {
      this.capacity = capacity;
      if (this.N > 0) this.restart(this.N, this.runs, this.dt);
    }
    this.dirty = this.count > 0;
  }

  /** Snapshots (time steps) received since the last restart. */
  get snapshots(): number { return this.count; }

  /** Add one time step; returns true when a refresh is due now (call `refresh`). */
  push(step: number, runs: Float32Array[]): boolean {
    if (!this.win) throw new Error('snapshot before restart: the trainer must announce the run first');
    for (const x of runs) {
      for (let i = 0; i < x.length; i++) {
        if (!Number.isFinite(x[i])) throw new Error(`snapshot at step ${step} contains NaN/Inf; it was not added`);
      }
    }
    this.win.push(runs, step);
    this.count++;
    this.lastStep = step;
    this.dirty = true;
    return this.due();
  }

  /** Whether a refresh would happen now (enough snapshots, something new, not too soon). */
  due(): boolean {
    const needed = (this.options.delays ?? 0) + 3;
    return this.dirty && (this.win?.size ?? 0) >= needed && this.now() - this.lastRefresh >= this.minInterval;
  }

  /** Milliseconds until a pending refresh becomes due (for a timer), or undefined if nothing is pending. */
  pendingIn(): number | undefined {
    if (!this.dirty || (this.win?.size ?? 0) < (this.options.delays ?? 0) + 3) return undefined;
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
}
