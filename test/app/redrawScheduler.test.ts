/** plots/redrawScheduler.ts with a fake clock, fake timers and a fake frame queue (one frame = runFrame()). */
import { describe, expect, it } from 'vitest';
import { createRedrawScheduler, MAX_REDRAW_MS, type SchedulerClock } from '../../src/app/plots/redrawScheduler';

function fakeClock() {
  let t = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let frames: { job: () => void; first: boolean }[] = [];
  let nextId = 0;
  const clock: SchedulerClock = {
    now: () => t,
    setTimeout: (fn, ms) => { const id = ++nextId; timers.push({ at: t + ms, fn, id }); return id; },
    clearTimeout: (id) => { timers = timers.filter((x) => x.id !== id); },
    requestDraw: (job, first = false) => {
      const entry = { job, first };
      if (first) frames.unshift(entry); else frames.push(entry);
      return () => { frames = frames.filter((f) => f !== entry); };
    },
  };
  return {
    clock,
    /** Moves time on, firing due timers in order. */
    advance(ms: number) {
      const end = t + ms;
      for (;;) {
        const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((x) => x !== due);
        t = due.at;
        due.fn();
      }
      t = end;
    },
    /** Runs the oldest queued draw; its paint takes `cost` ms. */
    runFrame(cost = 0) {
      const f = frames.shift();
      if (!f) return false;
      costNext = cost;
      f.job();
      return true;
    },
    pendingFrames: () => frames.length,
    pendingTimers: () => timers.length,
    tick: (ms: number) => { t += ms; },
  };
}
/** How long the next paint takes (ms of the fake clock). */
let costNext = 0;

function setup(minWait = 50) {
  const c = fakeClock();
  let draws = 0;
  const s = createRedrawScheduler(() => { draws++; c.tick(costNext); return true; }, c.clock, { minWait });
  return { c, s, draws: () => draws };
}

describe('redraw scheduler', () => {
  it('draws once at the first frame, then at most once per minWait for any number of changes', () => {
    const { c, s, draws } = setup(50);
    expect(c.pendingFrames()).toBe(1);
    c.runFrame();
    expect(draws()).toBe(1);
    for (let i = 0; i < 5; i++) s.invalidate();
    expect(c.pendingFrames()).toBe(0); // waiting for the interval
    c.advance(49);
    expect(c.pendingFrames()).toBe(0);
    c.advance(1);
    expect(c.pendingFrames()).toBe(1);
    c.runFrame();
    expect(draws()).toBe(2);
    expect(c.runFrame()).toBe(false);
  });

  it('waits three times the last cost, at most MAX_REDRAW_MS', () => {
    const { c, s, draws } = setup(50);
    c.runFrame(100); // cost 100 ms → wait 300 ms from the draw's start
    s.invalidate();
    c.advance(199);
    expect(c.pendingFrames()).toBe(0);
    c.advance(1);
    expect(c.pendingFrames()).toBe(1);
    c.runFrame(400); // from 300 to 700 ms: 3 × 400 capped at MAX_REDRAW_MS after its start
    s.invalidate();
    c.advance(300 + MAX_REDRAW_MS - 700 - 1);
    expect(c.pendingFrames()).toBe(0);
    c.advance(1);
    expect(c.pendingFrames()).toBe(1);
    expect(draws()).toBe(2);
  });

  it('an urgent change skips the wait', () => {
    const { c, s } = setup(250);
    c.runFrame();
    s.invalidate();
    expect(c.pendingTimers()).toBe(1);
    s.invalidate(true);
    expect(c.pendingTimers()).toBe(0);
    expect(c.pendingFrames()).toBe(1);
  });

  it('a hidden plot is not redrawn until it is visible again; refresh draws it anyway and resolves', async () => {
    const { c, s, draws } = setup(50);
    c.runFrame();
    s.setVisible(false);
    c.advance(100);
    s.invalidate();
    expect(c.pendingFrames() + c.pendingTimers()).toBe(0);
    s.setVisible(true);
    expect(c.pendingFrames()).toBe(1);
    c.runFrame();
    expect(draws()).toBe(2);

    s.setVisible(false);
    c.advance(100);
    s.invalidate();
    let done = false;
    const p = s.refresh().then(() => { done = true; });
    expect(c.pendingFrames()).toBe(1);
    c.runFrame();
    await p;
    expect(done).toBe(true);
    expect(draws()).toBe(3);
    await expect(s.refresh()).resolves.toBeUndefined(); // nothing pending
  });

  it('dispose cancels what is queued and resolves waiting refreshes; nothing is drawn afterwards', async () => {
    const { c, s, draws } = setup(50);
    const p = s.refresh();
    s.dispose();
    await p;
    expect(c.pendingFrames()).toBe(0);
    s.invalidate(true);
    expect(c.runFrame()).toBe(false);
    expect(draws()).toBe(0);
  });
});
