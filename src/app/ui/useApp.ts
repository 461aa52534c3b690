/** React's view of the one store. Components select config and status only; live data is for the plots (store.ts). */
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { store, type AppState } from '../state/store';

export const useApp = <T,>(selector: (s: AppState) => T): T => useStore(store, selector);
/** For selectors that build an object or array: re-render only when a field changes. */
export const useAppShallow = <T,>(selector: (s: AppState) => T): T => useStore(store, useShallow(selector));
