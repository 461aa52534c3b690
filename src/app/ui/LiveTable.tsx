/**
 * The live spectrum as a table. It reads `live` through a store subscription throttled to 2 updates/s (not a React
 * selector), so a 10 Hz spectrum stream does not re-render the page; a table changing faster is unreadable anyway.
 */
import type { AppState } from '../state/store';
import { SpectrumTable } from './SpectrumTable';
import { useThrottledApp } from './useApp';

const INTERVAL_MS = 500;

const shownOf = (s: AppState) => ({ report: s.live.spectrum, step: s.live.spectrumStep });
const spectrumChanged = (s: AppState, prev: AppState) => s.live.spectrum !== prev.live.spectrum;

export function LiveTable() {
  const shown = useThrottledApp(shownOf, spectrumChanged, INTERVAL_MS);
  if (!shown.report) return <p className="hint">No live spectrum yet: the window needs a few snapshots (play or step).</p>;
  return <SpectrumTable report={shown.report} caption={`live window ending at step ${shown.step}`} />;
}
