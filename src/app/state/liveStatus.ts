/**
 * What the page says about the live run besides the plots (pure functions of the store, tested in Node): the run's
 * label, how fresh the spectrum on screen is, the training rate, and what a run is doing while it sets up.
 */
import { trainConfigFor } from './runConfig';
import { shownWatch, type AppState, type LivePoint } from './store';

/** Rates are measured over the loss points of this many ms of wall time before the newest one. */
export const RATE_WINDOW_MS = 3000;

/**
 * The spectrum counts as behind when the training step is more than this many snapshot intervals past the step its
 * window ends at (the Koopman worker refreshes up to 10 times a second, so a few intervals are normal at speed).
 */
export const BEHIND_SNAPSHOTS = 20;

/**
 * Optimizer steps per second over the last RATE_WINDOW_MS of loss points, or since the last point of an earlier step
 * when that is further back (a heavy model: one step in 25 s); undefined without two steps or time between them.
 * `t` is the wall time a point arrived.
 */
export function stepsPerSecond(losses: readonly LivePoint[]): number | undefined {
  const last = losses.at(-1);
  if (!last) return undefined;
  let i0 = losses.length - 1;
  for (let i = losses.length - 2; i >= 0 && last.t - losses[i].t <= RATE_WINDOW_MS; i--) i0 = i;
  // an evaluation repeats its step: reach back to the last point of an earlier step
  while (i0 >= 0 && losses[i0].step >= last.step) i0--;
  if (i0 < 0) return undefined;
  const first = losses[i0];
  const dt = last.t - first.t;
  return dt <= 0 ? undefined : ((last.step - first.step) * 1000) / dt;
}

/**
 * A run's label: generation number `gen` (counts starts and resets; default the current one), preset, variant and init
 * seed (of the configuration now: replies of another generation never reach the live data, replies.ts).
 */
export function runLabel(s: AppState, gen = s.status.recording): string {
  if (s.watch && s.watch.gen === gen) return `run #${gen} ${s.watch.run} (watched)`;
  const r = s.config.run;
  let seed = r.initSeed;
  if (seed === undefined) { try { seed = trainConfigFor(r).initSeed; } catch { /* invalid: no seed to name */ } }
  return `run #${gen} ${r.preset}${r.quick ? ' (quick)' : ''}${seed !== undefined ? ` seed ${seed}` : ''}`;
}

/** Optimizer steps between snapshots of the run shown: the watched stream's own, else the page's configuration. */
function snapshotEvery(s: AppState): number {
  const watched = shownWatch(s);
  if (watched) return watched.every;
  if (s.config.run.snapshotEvery !== undefined) return s.config.run.snapshotEvery;
  try { return trainConfigFor(s.config.run).snapshotEvery; } catch { return 1; }
}

/**
 * How old the spectrum on screen is: the window's end step next to the training step, and whether the analysis
 * falls behind (more than BEHIND_SNAPSHOTS snapshot intervals). `text` is undefined while there is no spectrum, and
 * while scrubbing (the scrubber says which window is shown).
 */
export function spectrumFreshness(s: AppState): { text?: string; behind: boolean } {
  if (!s.live.spectrum || s.scrub.end !== undefined) return { behind: false };
  const at = s.live.spectrumStep;
  const training = s.status.step;
  const lag = training - at;
  const behind = lag > BEHIND_SNAPSHOTS * snapshotEvery(s);
  const head = `${runLabel(s, s.live.spectrumGen)}: spectrum at step ${at}`;
  if (lag <= 0) return { text: `${head} (up to date)`, behind };
  return { text: `${head}, training at step ${training}${behind ? ` — the analysis is ${lag} steps behind` : ''}`, behind };
}

/**
 * What the run is doing while nothing moves yet: setting up (the trainer's progress), or playing with no step done
 * (the first steps compile every kernel: seconds on a GPU, longer for a big model on a software backend).
 */
export function runProgress(s: AppState): { message: string; fraction?: number } | undefined {
  const { status } = s;
  if (status.phase === 'starting') return status.progress ?? { message: 'starting the training worker' };
  if (status.phase === 'ready' && status.playing && status.step === 0 && s.live.losses.length === 0) {
    return { message: 'taking the first steps (the first use of each kernel compiles it)' };
  }
  return undefined;
}

/** A rate for people: '135 steps/s', '2.4 steps/s', '25.0 s/step' below one step a second, '—' when unknown. */
export function formatRate(rate: number | undefined): string {
  if (rate === undefined || !Number.isFinite(rate)) return '— steps/s';
  if (rate <= 0) return '0 steps/s';
  if (rate < 1) return `${(1 / rate).toFixed(1)} s/step`;
  return `${rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2)} steps/s`;
}
