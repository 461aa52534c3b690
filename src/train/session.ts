/**
 * A training session: the ensemble of Trainers of one configuration, the play/pause/step loop, snapshots every
 * `snapshotEvery` steps to a sink (the Koopman worker's port in the browser, a recorder in the command line), and
 * divergence handling. Independent of the worker API, so the command line's `train` and the tests use it too.
 *
 * Snapshot timing: snapshot 0 is the initialisation; then one every `snapshotEvery` optimizer steps. Training runs
 * in chunks that end exactly on snapshot steps, so the schedule does not depend on the play speed.
 *
 * GPU device loss ("continue on the next backend and say so"): the session keeps a host-memory checkpoint of every
 * trainer (Trainer.exportState), refreshed every `checkpointEvery` steps (default 50 on webgpu, whose device can be
 * lost, and off elsewhere: each costs one read of all weights and optimizer state), plus every learning-rate change
 * since, at the step each run had reached. `recover()` drops the trainers (their tensors may be unreadable), builds
 * new ones on the current backend, imports the checkpoint (or starts from the initialisation when there is none),
 * replays the steps up to the step reached (batches depend on the step only, so on the same backend this is bit for
 * bit the uninterrupted run; across backends it is the same run up to rounding), sends only the snapshot the loss
 * may have swallowed (none already sent is sent again), posts a `backend` reply and resumes playing if it was.
 * A training call that was in flight when the device went is abandoned: `generation` changes, and every await in
 * `advance` checks it so that the old loop never touches the new trainers.
 */
import type { BackendReport, SnapshotMessage, TrainerReply } from './messages';
import { makeDataset } from './data/index';
import { Trainer, type TrainerState } from './trainer';
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
  /**
   * Steps between checkpoints kept for recovery from a lost GPU device (0: none; `recover` then replays from step 0).
   * Default: DEFAULT_CHECKPOINT_EVERY on webgpu, 0 on the backends whose device cannot be lost.
   */
  checkpointEvery?: number;
  /**
   * Evaluate loss and accuracy on the full train and test sets (run 0) at most this often while training, in ms of
   * wall time (0: never; `koopscope train` evaluates once at the end instead). The interval also grows to ten times
   * the cost of the last evaluation, so evaluating never takes more than ~10% of the time. Default 2000.
   */
  evaluateEveryMs?: number;
  /**
   * Called with an error that stopped the play loop; return true when the host takes care of it (a lost GPU device
   * that it recovers from), so the session does not post `failed`.
   */
  handleError?(error: unknown): boolean;
}

/** Default checkpoint interval (steps) when the backend is webgpu. */
export const DEFAULT_CHECKPOINT_EVERY = 50;

/** Thrown inside a training call that `recover` (or `dispose`) made obsolete; callers drop it silently. */
export class SessionSuperseded extends Error {
  constructor() {
    super('the session was recovered onto another backend while this call ran');
    this.name = 'SessionSuperseded';
  }
}

/** Whether an error (from tfjs or WebGPU) says that the GPU device was lost. */
export function isDeviceLostError(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  return /device (?:is |was |has been )?(?:lost|destroyed)|lost (?:the )?(?:gpu )?device|devicelost|device_lost|context (?:is |was )?lost/i.test(text);
}

/** What `recover` starts from: a checkpoint (states null: the initialisation) and the learning-rate changes since. */
interface Base {
  step: number;
  states: TrainerState[] | null;
  learningRate: number;
  /** In order; `steps[r]` the step run r had reached when the change was made (it applies from that step). */
  lrChanges: { steps: number[]; lr: number }[];
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

function base0(step: number): string {
  return step === 0 ? 'from the initialisation' : `from the checkpoint at step ${step}`;
}

export class TrainingSession {
  private trainers_: Trainer[];
  private playing = false;
  private stepsPerTick = 1;
  private diverged = false;
  private lastMetricsAt = 0;
  private lastEvalAt = 0;
  private lastEvalCost = 0;
  private loop?: Promise<void>;
  /** The backend the trainers live on (changes on `recover`). */
  private backend_: BackendReport;
  /** Bumped by `recover`/`dispose`: a training call of an older generation stops at its next await. */
  private generation = 0;
  /** Every run completed this many steps (the end of the last chunk that fully succeeded). */
  private reached = 0;
  /** The step of the last snapshot handed to the sink (−1: none since the last (re)start). */
  private lastSnapshotStep = -1;
  private base: Base;
  private recovering = false;
  private resumeAfterRecovery = false;

  private constructor(readonly config: TrainConfig, readonly dataset: Dataset, private readonly host: SessionHost) {
    const every = host.checkpointEvery;
    if (every !== undefined && !(Number.isInteger(every) && every >= 0)) throw new Error(`checkpointEvery must be a whole number ≥ 0, got ${every}`);
    this.backend_ = host.backend;
    this.trainers_ = this.makeTrainers();
    this.base = { step: 0, states: null, learningRate: this.trainers_[0].learningRate, lrChanges: [] };
  }

  private makeTrainers(): Trainer[] {
    const runs = this.config.ensemble?.runs ?? 1;
    const made: Trainer[] = [];
    try {
      for (let r = 0; r < runs; r++) made.push(new Trainer(this.config, this.dataset, r));
    } catch (e) {
      for (const t of made) t.dispose();
      throw e;
    }
    return made;
  }

  /** The ensemble (replaced by `recover`: do not keep the array). */
  get trainers(): readonly Trainer[] { return this.trainers_; }
  get backend(): BackendReport { return this.backend_; }

  /** Steps between checkpoints on the current backend (0: no checkpoints). */
  get checkpointEvery(): number {
    return this.host.checkpointEvery ?? (this.backend_.name === 'webgpu' ? DEFAULT_CHECKPOINT_EVERY : 0);
  }

  /** The step of the checkpoint `recover` would start from (0: the initialisation). */
  get checkpointStep(): number { return this.base.step; }

  static async create(config: TrainConfig, host: SessionHost): Promise<TrainingSession> {
    if (!(Number.isInteger(config.snapshotEvery) && config.snapshotEvery >= 1)) {
      throw new Error(`snapshotEvery must be a whole number ≥ 1, got ${config.snapshotEvery}`);
    }
    const dataset = await loadDataset(config.data, config.dataSeed, host.loadBytes);
    const s = new TrainingSession(config, dataset, host);
    try {
      const t0 = s.trainers[0];
      host.post({
        type: 'ready', backend: host.backend, params: t0.params, observed: t0.observed, runs: s.trainers.length,
        modelSize: t0.params.reduce((a, p) => a + p.size, 0),
      });
      await s.announce();
    } catch (e) {
      s.dispose(); // e.g. the device was lost while sending snapshot 0: the host retries on another backend
      throw e;
    }
    return s;
  }

  get step(): number { return this.trainers_[0].step; }
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
    const gen = this.generation;
    const step = this.step;
    if (step <= this.lastSnapshotStep) return; // already sent (a replay after recovery)
    const runs = await Promise.all(this.trainers_.map((t) => t.snapshot()));
    this.check(gen);
    this.host.koopmanPort?.postMessage({ type: 'snapshot', step, runs, loss }, runs.map((x) => x.buffer));
    this.lastSnapshotStep = step;
  }

  private check(gen: number): void {
    if (gen !== this.generation) throw new SessionSuperseded();
  }

  /** Refresh the checkpoint (all runs at this.reached); LR changes before it are folded in. */
  private async saveCheckpoint(): Promise<void> {
    const gen = this.generation;
    const states = await Promise.all(this.trainers_.map((t) => t.exportState()));
    this.check(gen);
    this.base = { step: states[0].step, states, learningRate: states[0].learningRate, lrChanges: [] };
  }

  /**
   * Train n steps in chunks ending on snapshot steps, sending snapshots and (at most 20 times a second) metrics.
   * Stops early on divergence. Returns the last metrics of run 0.
   */
  async advance(n: number): Promise<StepMetrics | undefined> {
    if (this.diverged) throw new Error(`the run diverged at step ${this.step}; reset it (or lower the learning rate) to continue`);
    if (this.recovering) throw new Error('the session is moving to another backend; try again when it says so');
    const gen = this.generation;
    const every = this.config.snapshotEvery;
    const cpEvery = this.checkpointEvery;
    let left = n;
    let last: StepMetrics | undefined;
    while (left > 0) {
      let k = Math.min(left, every - (this.step % every));
      if (cpEvery > 0) k = Math.min(k, cpEvery - (this.step % cpEvery)); // chunks also end on checkpoint steps
      const results = await Promise.all(this.trainers_.map((t) => t.train(k)));
      this.check(gen);
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
      this.reached = this.step;
      if (this.step % every === 0) await this.sendSnapshot(last.loss);
      if (cpEvery > 0 && this.step % cpEvery === 0 && this.step > this.base.step) await this.saveCheckpoint();
      this.check(gen);
      const now = Date.now();
      if (now - this.lastMetricsAt >= 50 || left === 0) {
        this.lastMetricsAt = now;
        this.host.post({ type: 'metrics', metrics: last, runMetrics: results.length > 1 ? results : undefined });
      }
      await this.maybeEvaluate(last, gen, false);
    }
    return last;
  }

  /**
   * Train/test loss and accuracy of run 0 on the full sets, posted as metrics (with the batch loss of the step), when
   * the evaluation interval has passed or `force` is set (single steps, pauses). Costs one forward pass of the data.
   */
  private async maybeEvaluate(last: StepMetrics, gen: number, force: boolean): Promise<void> {
    const every = this.host.evaluateEveryMs ?? 2000;
    if (every <= 0 || this.dataset.task === 'none') return;
    const now = Date.now();
    if (!force && now - this.lastEvalAt < Math.max(every, 10 * this.lastEvalCost)) return;
    this.lastEvalAt = now;
    const ev = await this.trainers_[0].evaluate();
    this.check(gen);
    this.lastEvalCost = Date.now() - now;
    const { loss: _fullTrainLoss, ...rest } = ev;
    this.host.post({ type: 'metrics', metrics: { ...rest, loss: last.loss, step: last.step } });
  }

  play(): void {
    if (this.playing || this.diverged || this.recovering) return;
    this.playing = true;
    this.postState();
    const gen = this.generation;
    this.loop = (async () => {
      while (this.playing && gen === this.generation) {
        await this.advance(this.stepsPerTick);
        // yield to the event loop so pause/step/reset messages are handled between ticks
        await new Promise((r) => setTimeout(r, 0));
      }
    })().catch((e) => {
      if (e instanceof SessionSuperseded || gen !== this.generation) return; // recovered meanwhile: a new loop runs
      if (this.host.handleError?.(e)) return; // e.g. the device was lost: the host calls recover()
      this.playing = false;
      this.host.post({ type: 'failed', error: { name: (e as Error).name, message: (e as Error).message } });
    });
  }

  pause(): void {
    this.playing = false;
    this.resumeAfterRecovery = false;
    this.postState();
  }

  async stepOnce(n: number): Promise<void> {
    this.pause();
    await this.loop;
    try {
      await this.advance(n);
    } catch (e) {
      if (!(e instanceof SessionSuperseded)) throw e; // recovered meanwhile: the steps reached so far stand
    }
    this.postState();
  }

  async reset(): Promise<void> {
    this.pause();
    await this.loop;
    for (const t of this.trainers_) t.reset();
    this.diverged = false;
    this.reached = 0;
    this.lastSnapshotStep = -1;
    this.base = { step: 0, states: null, learningRate: this.trainers_[0].learningRate, lrChanges: [] };
    await this.announce();
    this.postState();
  }

  setLearningRate(lr: number): void {
    if (!(lr > 0 && Number.isFinite(lr))) throw new Error(`learning rate must be a positive number, got ${lr}`);
    for (const t of this.trainers_) t.setLearningRate(lr);
    // each run's own step: in an ensemble, one run may be a read ahead of another when the message arrives
    this.base.lrChanges.push({ steps: this.trainers_.map((t) => t.step), lr });
  }

  /**
   * Continue after the GPU device was lost: see the file comment. `next` is the backend now current, or a function
   * that picks it, called after the old trainers are disposed (so that no live tensor is on the lost device when
   * tfjs switches backends; docs/browser-notes.md#one-backend). `reason` is what the host knows of the loss.
   */
  async recover(next: BackendReport | (() => Promise<BackendReport>), reason: string): Promise<void> {
    if (this.recovering) throw new Error('recover: a recovery is already running');
    this.recovering = true;
    this.generation++;
    this.resumeAfterRecovery = this.playing; // cleared by pause() meanwhile
    this.playing = false;
    this.loop = undefined; // abandoned: its pending read on the lost device may never settle (do not await it)
    const lostAt = this.reached;
    const lost = this.backend_;
    try {
      for (const t of this.trainers_) t.dispose(); // never throws, even with an unreadable device
      this.backend_ = typeof next === 'function' ? await next() : next;
      this.trainers_ = this.makeTrainers();
      const base = this.base;
      if (base.states) this.trainers_.forEach((t, r) => t.importState(base.states![r]));
      else for (const t of this.trainers_) t.setLearningRate(base.learningRate);
      const loss = await this.replay(base, lostAt);
      if (this.step % this.config.snapshotEvery === 0) await this.sendSnapshot(loss); // one the loss may have swallowed
    } finally {
      this.recovering = false;
    }
    const replayed = lostAt - this.base.step;
    const message = `The GPU device was lost at step ${lostAt}; training continues on ${this.backend_.name} from step ${lostAt}`
      + ` (${base0(this.base.step)}, ${replayed} step${replayed === 1 ? '' : 's'} replayed on ${this.backend_.name}).`
      + ` ${lost.name}: ${reason.replace(/[.\s]+$/, '')}. ${this.backend_.name}: ${this.backend_.reason}.`;
    this.host.post({ type: 'backend', backend: this.backend_, message });
    this.postState();
    if (this.resumeAfterRecovery && !this.diverged) this.play();
    this.resumeAfterRecovery = false;
  }

  /**
   * Bring every run from the base to `target`, re-applying the learning-rate changes at the steps they were made.
   * Returns run 0's loss of the last step replayed (NaN if none), for the snapshot at `target`.
   */
  private async replay(base: Base, target: number): Promise<number> {
    const losses = await Promise.all(this.trainers_.map(async (t, r) => {
      let loss = NaN;
      for (const change of base.lrChanges) {
        const at = Math.min(change.steps[r], target); // a change made inside a lost chunk applies from `target`
        if (at > t.step) loss = await this.trainTo(t, at);
        t.setLearningRate(change.lr);
      }
      if (target > t.step) loss = await this.trainTo(t, target);
      return loss;
    }));
    return losses[0];
  }

  private async trainTo(t: Trainer, step: number): Promise<number> {
    const r = await t.train(step - t.step);
    if (r.diverged) throw new Error(`recover: run ${t.run} diverged at step ${r.step} while replaying steps that were finite before`);
    return r.loss;
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
    this.generation++;
    for (const t of this.trainers_) t.dispose();
  }
}
