/**
 * The recording of a live run, kept in the Koopman worker beside its sliding window (live.ts): every snapshot of
 * every ensemble member (float32), with its optimizer step and loss, so that a past window can be refitted
 * (scrubbing) and the run exported as `.npz`, without snapshots ever touching the page during training.
 *
 * Memory budget (default 512 MiB of snapshot data): when a new snapshot would take the recording past it, every
 * other recorded snapshot is dropped (indices 1, 3, 5, … of the recording) and the recording stride doubles (from
 * then on only every stride-th incoming snapshot is kept), as often as needed. The recording stays evenly spaced:
 * recorded snapshot i is incoming snapshot i·stride, so its Δt is snapshotEvery·stride optimizer steps. When one
 * time step alone (all runs) is larger than the budget, nothing is recorded and `status().off` says why.
 *
 * Pure (no worker API), so it is tested in Node.
 */
import { writeNpz, type Trajectory } from '../io/index';
import { ordinal } from '../io/text';
import type { FloatArray } from '../linalg/gram';
import type { SnapshotSet } from './snapshots';
import { OptionError } from '../linalg/errors';

/** One observed parameter, in snapshot order (the trainer's `restart` message carries these). */
export interface RecordedParam { name: string; shape: number[]; size: number }

export const DEFAULT_RECORDING_BUDGET = 512 * 2 ** 20;

export interface RecordingStatus {
  /** Snapshots held (per run). */
  recorded: number;
  /** Every stride-th incoming snapshot is kept (1 until the budget is first reached). */
  stride: number;
  /** Bytes of snapshot data held, and the budget. */
  bytes: number;
  budgetBytes: number;
  /** Set when nothing is recorded because one time step exceeds the budget. */
  off?: string;
}

/** Re-exported for the app's notices about a thinned recording. */
export { ordinal };

const MiB = (b: number) => `${(b / 2 ** 20).toFixed(b < 2 ** 20 ? 2 : 0)} MiB`;

export class Recorder {
  private rows: Float32Array[] = [];
  private stepList: number[] = [];
  private lossList: number[] = [];
  private received = 0;
  private strideValue = 1;
  private N = 0;
  private runs = 1;
  private dt = 1;
  private paramTable: RecordedParam[] = [];

  constructor(private budget = DEFAULT_RECORDING_BUDGET) {
    this.checkBudget(budget);
  }

  private checkBudget(b: number): void {
    if (!(Number.isFinite(b) && b > 0)) throw new OptionError(`the recording budget must be a positive number of bytes, got ${b}`);
  }

  /** A new run (or reset): drops the recording. `params` name the observed values (default: one flat 'weights'). */
  restart(N: number, runs: number, snapshotEvery: number, params?: RecordedParam[]): void {
    this.N = N; this.runs = runs; this.dt = snapshotEvery;
    this.paramTable = params && params.length ? params.map((p) => ({ name: p.name, shape: [...p.shape], size: p.size })) : [{ name: 'weights', shape: [N], size: N }];
    const total = this.paramTable.reduce((a, p) => a + p.size, 0);
    if (total !== N) throw new Error(`the parameter table covers ${total} values, but snapshots have ${N}`);
    this.rows = []; this.stepList = []; this.lossList = [];
    this.received = 0; this.strideValue = 1;
  }

  /** Bytes of one recorded time step (all runs). */
  get rowBytes(): number { return this.runs * this.N * 4; }
  get T(): number { return this.rows.length; }
  /** Ensemble members recorded together. */
  get runCount(): number { return this.runs; }
  get stride(): number { return this.strideValue; }
  /** Snapshot interval of the recording in optimizer steps (snapshotEvery · stride). */
  get interval(): number { return this.dt * this.strideValue; }
  get params(): RecordedParam[] { return this.paramTable; }
  get steps(): readonly number[] { return this.stepList; }
  get losses(): readonly number[] { return this.lossList; }

  status(): RecordingStatus {
    const s: RecordingStatus = { recorded: this.T, stride: this.strideValue, bytes: this.T * this.rowBytes, budgetBytes: this.budget };
    if (this.N > 0 && this.rowBytes > this.budget) {
      s.off = `one snapshot of all ${this.runs} run(s) takes ${MiB(this.rowBytes)}, more than the recording budget of ${MiB(this.budget)}: nothing is recorded`;
    }
    return s;
  }

  /**
   * Record one time step (copied: the caller may reuse its arrays). Returns a sentence when the recording had to be
   * thinned to stay within the budget, else undefined.
   */
  push(step: number, runs: FloatArray[], loss = NaN): string | undefined {
    if (this.N === 0) throw new Error('snapshot before restart: the trainer must announce the run first');
    if (runs.length !== this.runs) throw new Error(`expected ${this.runs} snapshots (one per run), got ${runs.length}`);
    const index = this.received++;
    if (index % this.strideValue !== 0 || this.rowBytes > this.budget) return undefined;
    const row = new Float32Array(this.runs * this.N);
    runs.forEach((x, r) => {
      if (x.length !== this.N) throw new Error(`snapshot has ${x.length} values, the recording holds ${this.N}`);
      row.set(x, r * this.N);
    });
    this.rows.push(row);
    this.stepList.push(step);
    this.lossList.push(loss);
    return this.fit();
  }

  /** A new budget; thins right away when the recording is over it (returns the sentence saying so). */
  setBudget(bytes: number): string | undefined {
    this.checkBudget(bytes);
    this.budget = bytes;
    return this.fit();
  }

  private fit(): string | undefined {
    let halvings = 0;
    while (this.T > 1 && this.T * this.rowBytes > this.budget) {
      const keep = (_: unknown, i: number) => i % 2 === 0;
      this.rows = this.rows.filter(keep);
      this.stepList = this.stepList.filter(keep);
      this.lossList = this.lossList.filter(keep);
      this.strideValue *= 2;
      halvings++;
    }
    if (halvings === 0) return undefined;
    return `The recording reached its memory budget (${MiB(this.budget)}): every other recorded snapshot was dropped `
      + `${halvings > 1 ? `(${halvings} times) ` : ''}and from now on every ${ordinal(this.strideValue)} snapshot is kept `
      + `(${this.T} held, Δt = ${this.interval} steps). Scrubbing and export use the thinned recording.`;
  }

  /** Recorded index of the snapshot taken at `step`, or −1. */
  indexOfStep(step: number): number {
    let lo = 0, hi = this.T - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.stepList[mid];
      if (s === step) return mid;
      if (s < step) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Recorded snapshots [start, end) as a SnapshotSet (a copy, float32): of every run, or of run `run` alone.
   * `computeSpectrum(slice(a, b))` is `computeSpectrum(all(), { window: { start: a, end: b } })`.
   */
  slice(start: number, end: number, run?: number): SnapshotSet {
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= this.T && start < end)) {
      throw new Error(`snapshots ${start}:${end} are outside the ${this.T} recorded`);
    }
    const runs = run === undefined ? Array.from({ length: this.runs }, (_, r) => r) : [run];
    if (run !== undefined && !(Number.isInteger(run) && run >= 0 && run < this.runs)) throw new Error(`run ${run} is not one of the ${this.runs} runs`);
    const T = end - start, N = this.N;
    const data = new Float32Array(runs.length * T * N);
    runs.forEach((r, k) => {
      for (let t = 0; t < T; t++) data.set(this.rows[start + t].subarray(r * N, (r + 1) * N), (k * T + t) * N);
    });
    return { runs: runs.length, T, N, data };
  }

  /** The whole recording in the io module's layout, ready for writeNpz. */
  trajectory(source = 'recording.npz', meta: Record<string, unknown> = {}): Trajectory {
    if (this.T === 0) throw new Error('nothing recorded yet: play or step first');
    const set = this.slice(0, this.T);
    let offset = 0;
    const params = this.paramTable.map((p) => { const e = { name: p.name, shape: [...p.shape], offset, size: p.size }; offset += p.size; return e; });
    return {
      kind: 'trajectory', source, runs: this.runs, T: this.T, N: this.N, params,
      data: set.data as Float32Array, steps: Float64Array.from(this.stepList), metrics: { loss: Float64Array.from(this.lossList) },
      meta: { ...meta, snapshotEvery: this.dt, recordingStride: this.strideValue, recordingInterval: this.interval },
    };
  }

  /** The recording as `.npz` bytes: one float32 array per parameter, int32 `steps`, float64 `loss`, meta.json. */
  exportNpz(meta: Record<string, unknown> = {}, source?: string): Uint8Array {
    return writeNpz(this.trajectory(source, meta), { perParameter: true });
  }
}
