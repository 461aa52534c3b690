/** High-rate worker replies are applied in batches, in order, and other replies flush them first. */
import { describe, expect, it, vi } from 'vitest';
import { coalescingHandlers } from '../../src/app/state/coalesce';
import { makeStore } from '../../src/app/state/store';

describe('coalescingHandlers', () => {
  it('applies metrics and received at most every interval, as one batch, keeping every loss point', () => {
    vi.useFakeTimers();
    const store = makeStore();
    let updates = 0;
    store.subscribe(() => updates++);
    const h = coalescingHandlers(store, 100);
    for (let s = 1; s <= 50; s++) {
      h.trainer({ type: 'metrics', metrics: { step: s, loss: 1 / s } });
      h.koopman({ type: 'received', count: s, step: s, recording: { recorded: s, stride: 1, bytes: 4 * s, budgetBytes: 1e6 } });
    }
    expect(updates).toBe(0);
    vi.advanceTimersByTime(100);
    const st = store.getState();
    expect(st.live.losses.map((p) => p.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(st.live.snapshots).toBe(50);
    expect(st.status.step).toBe(50);
    expect(updates).toBeLessThanOrEqual(51);
    vi.useRealTimers();
  });

  it('flushes held replies before any other reply, so the order of events is kept', () => {
    vi.useFakeTimers();
    const store = makeStore();
    const h = coalescingHandlers(store, 100);
    h.trainer({ type: 'metrics', metrics: { step: 7, loss: 0.5 } });
    h.trainer({ type: 'state', playing: false, step: 7 });
    expect(store.getState().live.losses).toHaveLength(1);
    expect(store.getState().status).toMatchObject({ playing: false, step: 7 });
    vi.useRealTimers();
  });
});
