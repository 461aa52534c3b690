/**
 * One plotly figure of a self-contained panel (Lyapunov, KPFlow): a div redrawn with Plotly.react whenever `figure`
 * changes by identity (the figure builders make new arrays on every call, so a panel memoises its figures: a
 * re-render for progress must not redraw), with its legend in rows under it (panelLegend.ts), purged on unmount.
 * Plotly loads lazily (loadPlotly); if it cannot load, the figure shows a role="alert" and the rest of the page keeps
 * working.
 */
import { useEffect, useRef, useState } from 'react';
import type { Data, Layout } from 'plotly.js';
import { loadPlotly } from './loadPlotly';
import { withLegendRoom } from './panelLegend';

/** What a panel's pure figure builder returns. */
export interface PanelFigure { data: Data[]; layout: Partial<Layout> }

export function PanelPlot({ figure, label, className, height = 300 }: {
  figure: PanelFigure;
  /** The figure's accessible name. */
  label: string;
  /** The panel's class for its figures (e.g. lyapunov-plot). */
  className: string;
  /** CSS pixels, without the legend (which adds its rows). */
  height?: number;
}) {
  const div = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    loadPlotly().then(
      (P) => {
        const d = div.current;
        if (live && d) void P.react(d, figure.data, { ...withLegendRoom(figure.data, figure.layout, d.clientWidth, height), autosize: true }, { responsive: true, displaylogo: false });
      },
      (e: unknown) => { if (live) setError(`plots are unavailable: ${e instanceof Error ? e.message : String(e)}`); },
    );
    return () => { live = false; };
  }, [figure, height]);
  useEffect(() => () => { const d = div.current; if (d) void loadPlotly().then((P) => P.purge(d), () => undefined); }, []);
  return (
    <figure className={className} aria-label={label}>
      {error ? <p role="alert" className="alert">{error}</p> : <div ref={div} style={{ minHeight: height }} />}
    </figure>
  );
}
