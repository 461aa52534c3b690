/**
 * Keeps location.hash and config in step: the app starts from the hash (bad parts give one notice, never a crash),
 * every config change rewrites it with history.replaceState (no history entry per slider move), and editing the hash
 * by hand applies it (restarting the run only when the run part changed).
 */
import { addNotice, setDmd, startRun } from './actions';
import { store } from './store';
import { encodeHash, hashProblemsText, parseHash } from './url';

/** Reads the hash into the store. Returns whether its run config differs from the current one. */
export function applyHash(hash: string): boolean {
  const { config, problems } = parseHash(hash);
  const text = hashProblemsText(problems);
  if (text) addNotice({ kind: 'warning', text });
  const before = store.getState().config;
  store.setState({ config });
  return JSON.stringify(before.run) !== JSON.stringify(config.run);
}

/** Starts syncing; returns the cleanup. */
export function startUrlSync(): () => void {
  applyHash(location.hash);
  let written = '';
  const write = () => {
    const h = encodeHash(store.getState().config);
    if (h !== written && h !== location.hash) history.replaceState(history.state, '', h);
    written = h;
  };
  write();
  const unsubscribe = store.subscribe((s, prev) => { if (s.config !== prev.config) write(); });
  const onHash = () => {
    if (location.hash === written) return;
    const dmdBefore = store.getState().config.dmd;
    if (applyHash(location.hash)) startRun();
    else if (JSON.stringify(dmdBefore) !== JSON.stringify(store.getState().config.dmd)) setDmd({});
  };
  window.addEventListener('hashchange', onHash);
  return () => { unsubscribe(); window.removeEventListener('hashchange', onHash); };
}
