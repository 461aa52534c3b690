/** React's view of the one store. Components select config and status only; live data is for the plots (store.ts). */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { store, type AppState } from '../state/store';

export const useApp = <T,>(selector: (s: AppState) => T): T => useStore(store, selector);
/** For selectors that build an object or array: re-render only when a field changes. */
export const useAppShallow = <T,>(selector: (s: AppState) => T): T => useStore(store, useShallow(selector));

/**
 * For values that change with every snapshot (the live spectrum, the recording's size): `read` of the store, kept in
 * React state and refreshed through a store subscription at most every `intervalMs`, not through a selector, so a
 * 10 Hz stream does not re-render the page. `changed(state, prev)`: false to ignore an update, true to show it within
 * the interval, 'now' to show it at once. `read` and `changed` must be stable (module-level functions).
 */
export function useThrottledApp<T>(
  read: (s: AppState) => T, changed: (s: AppState, prev: AppState) => boolean | 'now', intervalMs: number,
): T {
  const [value, setValue] = useState(() => read(store.getState()));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const show = () => { timer = undefined; last = performance.now(); setValue(read(store.getState())); };
    const unsubscribe = store.subscribe((s, prev) => {
      const c = changed(s, prev);
      if (!c) return;
      if (c === 'now') { if (timer) clearTimeout(timer); show(); return; }
      if (!timer) timer = setTimeout(show, Math.max(0, last + intervalMs - performance.now()));
    });
    return () => { unsubscribe(); if (timer) clearTimeout(timer); };
  }, [read, changed, intervalMs]);
  return value;
}
