/**
 * When one live plot redraws (plain TS, no DOM: tested in Node with fake timers and a fake frame queue). The plot
 * marks its data changed (`invalidate`); the scheduler then queues one draw for a coming frame (`requestDraw`,
 * frames.ts), at least `minWait` ms — and REDRAW_COST_FACTOR times the last draw's cost, capped at MAX_REDRAW_MS —
 * after the start of the previous draw. An urgent change skips the wait (the next frame). A plot that is not visible
 * is not redrawn once it has drawn once, until it is visible again; `refresh` (an export) draws what is pending at
 * once, seen or not, and resolves when it is done. Times are in ms of `now()`.
 */

/** Minimum time between the starts of two redraws of one plot, by default (see LivePlot.tsx's MIN_REDRAW_MS). */
export const DEFAULT_MIN_REDRAW_MS = 50;
/** The wait is at least this many times the last redraw's cost. */
export const REDRAW_COST_FACTOR = 3;
/** The cost-based wait never exceeds this (a slow first draw must not hold back the next). */
export const MAX_REDRAW_MS = 1000;

export interface SchedulerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  /** Queues `job` for a coming frame; returns a cancel function (frames.ts's requestDraw). */
  requestDraw(job: () => void, first?: boolean): () => void;
}

export interface SchedulerOptions {
  /** Minimum time between two redraws' starts (ms). */
  minWait?: number;
  /** Draw ahead of the other plots queued for the same frame. */
  first?: boolean;
  /** Told the cost (ms) of every draw, after it. */
  onCost?: (ms: number) => void;
}

export interface RedrawScheduler {
  /** The data changed; `urgent`: draw at the next frame instead of after the interval. */
  invalidate(urgent?: boolean): void;
  /** Near the viewport or not; becoming visible with a pending change schedules it. */
  setVisible(visible: boolean): void;
  /** Draws what is pending now (seen or not); resolves once done (at once when nothing is pending or disposed). */
  refresh(): Promise<void>;
  /** Stops: cancels the queued draw and timer, resolves waiting refreshes; nothing is drawn afterwards. */
  dispose(): void;
}

/**
 * `paint` draws the current state and returns whether a figure was drawn (false: it failed before drawing). It must
 * not throw. The first draw is scheduled at once (the empty state, the export's target).
 */
export function createRedrawScheduler(paint: () => boolean, clock: SchedulerClock, options: SchedulerOptions = {}): RedrawScheduler {
  const minWait = options.minWait ?? DEFAULT_MIN_REDRAW_MS;
  let disposed = false;
  /** Cancels the queued draw, when one is queued. */
  let queued: (() => void) | undefined;
  let timer: unknown;
  let timing = false;
  let dirty = true;
  /** An urgent change is pending: draw at the next frame, not after the interval. */
  let urgent = false;
  let lastDraw = -Infinity;
  let lastCost = 0;
  let drawnOnce = false;
  let visible = true;
  /** Resolves callers of `refresh` once the pending redraw is done. */
  let flushed: (() => void)[] = [];

  const stopTimer = () => {
    if (timing) clock.clearTimeout(timer);
    timing = false;
    timer = undefined;
  };

  const settle = () => {
    const waiting = flushed;
    flushed = [];
    for (const done of waiting) done();
  };

  const draw = () => {
    queued = undefined;
    if (disposed) return;
    if (!dirty) { settle(); return; }
    dirty = false;
    urgent = false;
    lastDraw = clock.now();
    if (paint()) drawnOnce = true;
    lastCost = clock.now() - lastDraw;
    options.onCost?.(lastCost);
    settle();
  };

  const schedule = () => {
    if (urgent && timing) stopTimer();
    // the first draw always happens; later ones only when seen (or an export waits)
    if (disposed || queued || timing || (!visible && drawnOnce && !flushed.length)) return;
    const wait = urgent ? 0 : lastDraw + Math.min(MAX_REDRAW_MS, Math.max(minWait, REDRAW_COST_FACTOR * lastCost)) - clock.now();
    if (wait > 0) {
      timing = true;
      timer = clock.setTimeout(() => {
        timing = false;
        timer = undefined;
        schedule();
      }, wait);
    } else {
      queued = clock.requestDraw(draw, options.first);
    }
  };

  schedule();
  return {
    invalidate(isUrgent = false) {
      dirty = true;
      if (isUrgent) urgent = true;
      schedule();
    },
    setVisible(seen) {
      if (seen === visible) return;
      visible = seen;
      if (visible && dirty) schedule();
    },
    refresh: () => new Promise<void>((resolve) => {
      if (disposed || (!dirty && !queued && !timing)) { resolve(); return; }
      flushed.push(resolve);
      stopTimer();
      if (!queued) queued = clock.requestDraw(draw, options.first);
    }),
    dispose() {
      disposed = true;
      settle();
      queued?.();
      queued = undefined;
      stopTimer();
    },
  };
}
