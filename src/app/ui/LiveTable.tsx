/**
 * The live spectrum as a table. It reads `live` through a store subscription throttled to 2 updates/s (not a React
 * selector), so a 10 Hz spectrum stream does not re-render the page; a table changing faster is unreadable anyway.
 */
import { useEffect, useState } from 'react';
import type { SpectrumReport } from '../../koopman/report';
import { store } from '../state/store';
import { SpectrumTable } from './SpectrumTable';

const INTERVAL_MS = 500;

export function LiveTable() {
  const [shown, setShown] = useState<{ report?: SpectrumReport; step: number }>(() => ({ report: store.getState().live.spectrum, step: store.getState().live.spectrumStep }));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const show = () => { timer = undefined; last = performance.now(); const l = store.getState().live; setShown({ report: l.spectrum, step: l.spectrumStep }); };
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.live.spectrum === prev.live.spectrum || timer) return;
      timer = setTimeout(show, Math.max(0, last + INTERVAL_MS - performance.now()));
    });
    return () => { unsubscribe(); if (timer) clearTimeout(timer); };
  }, []);
  if (!shown.report) return <p className="hint">No live spectrum yet: the window needs a few snapshots (play or step).</p>;
  return <SpectrumTable report={shown.report} caption={`live window ending at step ${shown.step}`} />;
}
