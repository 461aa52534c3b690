/**
 * Keyboard layer: Space play/pause, → step, R reset, ? (or Escape to close) the overlay. Keys are ignored while
 * typing in a field, with modifiers, and Space/Enter on a focused button (the button's own click handles it).
 */
import { useEffect } from 'react';
import * as A from '../state/actions';
import { store } from '../state/store';
import { useApp } from './useApp';

function typing(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName);
}

export function onKey(e: KeyboardEvent): void {
  if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
  const onButton = e.target instanceof HTMLElement && (e.target.tagName === 'BUTTON' || e.target.tagName === 'SUMMARY');
  if (e.key === ' ' && !onButton) { e.preventDefault(); A.togglePlay(); }
  else if (e.key === 'ArrowRight') { e.preventDefault(); A.step(1); }
  else if (e.key === 'r' || e.key === 'R') A.reset();
  else if (e.key === '?') A.toggleHelp();
  else if (e.key === 'Escape' && store.getState().help) A.toggleHelp(false);
}

export function useShortcuts(): void {
  useEffect(() => {
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function ShortcutsOverlay() {
  const open = useApp((st) => st.help);
  if (!open) return null;
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="shortcuts-heading" onClick={() => A.toggleHelp(false)}>
      <div className="overlay-card" onClick={(e) => e.stopPropagation()}>
        <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
        <dl className="shortcuts">
          <dt><kbd>Space</kbd></dt><dd>play / pause</dd>
          <dt><kbd>→</kbd></dt><dd>one optimizer step</dd>
          <dt><kbd>R</kbd></dt><dd>reset to the same initialisation (the spectrum so far goes to the run list)</dd>
          <dt><kbd>?</kbd></dt><dd>show / hide this list</dd>
          <dt><kbd>Esc</kbd></dt><dd>close</dd>
        </dl>
        <p className="hint">Keys do nothing while you type in a field.</p>
        <button type="button" autoFocus onClick={() => A.toggleHelp(false)}>Close</button>
      </div>
    </div>
  );
}
