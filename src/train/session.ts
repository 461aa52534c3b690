/**
 * A training session: the ensemble of Trainers of one configuration, the play/pause/step loop, snapshots every
 * `snapshotEvery` steps to a sink (the Koopman worker's port in the browser, a recorder in the command line), and
 * divergence handling. Independent of the worker API, so the command line's `train` and the tests use it too.
 *
 * Snapshot timing: snapshot 0 is the initialisation; then one every `snapshotEvery` optimizer steps. Training runs
 * in chunks that end exactly on snapshot steps, so the schedule does not depend on the play speed.
 */
import type { BackendReport, SnapshotMessage, TrainerReply } from '../workers/protocol';
import { makeDataset } from './data/index';
import { Trainer } from './trainer';
import type { Dataset, DatasetSpec, StepMetrics, TrainConfig } from './types';
import { MNIST_FILES } from './data/mnist';

export interface SnapshotSink {
  postMessage(message: SnapshotMessage, transfer: Transferable[]): void;
}

export interface SessionHost {
  backend: BackendReport;
  /** Where snapshots go (transferred). */
  koopmanPort?: SnapshotSink;
  /** Loads a data file by relative name (MNIST IDX files): fetch in the browser, fs in Node. */
  loadBytes(file: string): Promise<Uint8Array>;
  /** Replies to the page (metrics, state, divergence). */
  post(message: TrainerReply): void;
}

/** The data set of a spec, loading MNIST files through `loadBytes` when needed. */
export async function loadDataset(spec: DatasetSpec, seed: number, loadBytes: (file: string) => Promise<Uint8Array>): Promise<Dataset> {
  if (spec.kind !== 'mnist') return makeDataset(spec, seed);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    loadBytes(MNIST_FILES.trainImages), loadBytes(MNIST_FILES.trainLabels),
    loadBytes(MNIST_FILES.testImages), loadBytes(MNIST_FILES.testLabels),
  ]);
  return makeDataset(spec, seed, { mnist: { trainImages, trainLabels, testImages, testLabels } });
}

export class TrainingSession {
  readonly trainers: Trainer[];
  private playing = false;
  private stepsPerTick = 1;
  private diverged = false;
  private lastMetricsAt = 0;
  private loop?: Promise<void>;

  private constructor(readonly config: TrainConfig, readonly dataset: Dataset, private readonly host: SessionHost) {
    const runs = config.ensemble?.runs ?? 1;
    this.trainers = Array.from({ length: runs }, (_, r) => new Trainer(config, dataset, r));
  }

  static async create(config: TrainConfig, host: SessionHost): Promise<TrainingSession> {
    if (!(Number.isInteger(config.snapshotEvery) && config.snapshotEvery >= 1)) {
      throw new Error(`snapshotEvery must be a whole number ≥ 1, got ${config.snapshotEvery}`);
    }
    const dataset = await loadDataset(config.data, config.dataSeed, host.loadBytes);
    const s = new TrainingSession(config, dataset, host);
    const t0 = s.trainers[0];
    host.post({
      type: 'ready', backend: host.backend, params: t0.params, observed: t0.observed, runs: s.trainers.length,
      modelSize: t0.params.reduce((a, p) => a + p.size, 0),
    });
    await s.announce();
    return s;
  }

  get step(): number { return this.trainers[0].step; }
  get isPlaying(): boolean { return this.playing; }

  /** Tell the snapshot sink a run starts, and send snapshot 0. */
  private async announce(): Promise<void> {
    const t0 = this.trainers[0];
    this.host.koopmanPort?.postMessage({
      type: 'restart', N: t0.observedSize, runs: this.trainers.length, snapshotEvery: this.config.snapshotEvery, params: t0.observed,
    }, []);
    await this.sendSnapshot();
  }

  private async sendSnapshot(loss = NaN): Promise<void> {
    const runs = await Promise.all(this.trainers.map((t) => t.snapshot()));
    this.host.koopmanPort?.postMessage({ type: 'snapshot', step: this.step, runs, loss }, runs.map((x) => x.buffer));
  }

  /**
   * Train n steps in chunks ending on snapshot steps, sending snapshots and (at most 20 times a second) metrics.
   * Stops early on divergence. Returns the last metrics of run 0.
   */
  async advance(n: number): Promise<StepMetrics | undefined> {
    if (this.diverged) throw new Error(`the run diverged at step ${this.step}; reset it (or lower the learning rate) to continue`);
    const every = this.config.snapshotEvery;
    let left = n;
    let last: StepMetrics | undefined;
    while (left > 0) {
      const k = Math.min(left, every - (this.step % every));
      const results = await Promise.all(this.trainers.map((t) => t.train(k)));
      last = results[0];
      const bad = results.find((r) => r.diverged);
      if (bad) {
        this.diverged = true;
        this.playing = false;
        this.host.post({
          type: 'diverged', step: bad.step,
          message: `the loss became ${bad.loss} at step ${bad.step}: training paused; no snapshot of it reached the spectra. Lower the learning rate and reset.`,
        });
        this.postState();
        return last;
      }
      left -= k;
      if (this.step % every === 0) await this.sendSnapshot(last.loss);
      const now = Date.now();
      if (now - this.lastMetricsAt >= 50 || left === 0) {
        this.lastMetricsAt = now;
        this.host.post({ type: 'metrics', metrics: last, runMetrics: results.length > 1 ? results : undefined });
      }
    }
    return last;
  }

  play(): void {
    if (this.playing || this.diverged) return;
    this.playing = true;
    this.postState();
    this.loop = (async () => {
      while (this.playing) {
        await this.advance(this.stepsPerTick);
        // yield to the event loop so pause/step/reset messages are handled between ticks
        await new Promise((r) => setTimeout(r, 0));
      }
    })().catch((e) => {
      this.playing = false;
      this.host.post({ type: 'failed', error: { name: (e as Error).name, message: (e as Error).message } });
    });
  }

  pause(): void {
    this.playing = false;
    this.postState();
  }

  async stepOnce(n: number): Promise<void> {
    this.pause();
    await this.loop;
    await this.advance(n);
    this.postState();
  }

  async reset(): Promise<void> {
    this.pause();
    await this.loop;
    for (const t of this.trainers) t.reset();
    this.diverged = false;
    await this.announce();
    this.postState();
  }

  setLearningRate(lr: number): void {
    if (!(lr > 0 && Number.isFinite(lr))) throw new Error(`learning rate must be a positive number, got ${lr}`);
    for (const t of this.trainers) t.setLearningRate(lr);
  }

  setSpeed(stepsPerTick: number): void {
    if (!(Number.isInteger(stepsPerTick) && stepsPerTick >= 1)) throw new Error(`steps per tick must be a whole number ≥ 1, got ${stepsPerTick}`);
    this.stepsPerTick = stepsPerTick;
  }

  private postState(): void {
    this.host.post({ type: 'state', playing: this.playing, step: this.step });
  }

  dispose(): void {
    this.playing = false;
    for (const t of this.trainers) t.dispose();
  }
}
