/**
 * Room for a panel figure's legend (Lyapunov, KPFlow panels): the legend goes in rows under the whole figure
 * (container-relative), and the bottom margin grows by the rows it will take at the figure's width. Plotly does not
 * make room for a container-relative legend itself, and a legend placed relative to the plot area (y < 0) lands on
 * the x-axis title as soon as it takes two or three rows, since those rows shrink the plot area it is measured in.
 * Pure (tested in Node).
 */
import type { Data, Layout } from 'plotly.js';

/** Pixels: one legend row at plotly's default 12 px font, and an entry's symbol, gaps and per-character width. */
const ROW = 19, ENTRY = 46, CHAR = 6.6;

/** The names plotly lists: traces with a name and showlegend not false (a legendgroup lists its first shown trace). */
function entries(data: readonly Data[]): string[] {
  return data.filter((t) => (t as { showlegend?: boolean }).showlegend !== false && (t as { name?: string }).name)
    .map((t) => (t as { name: string }).name);
}

/**
 * How many rows a horizontal legend of `names` takes in `width` pixels, as plotly lays it out: one row if every entry
 * fits side by side, else columns as wide as the widest entry.
 */
export function legendRows(names: readonly string[], width: number): number {
  if (!names.length) return 0;
  const widths = names.map((n) => ENTRY + CHAR * n.length);
  if (widths.reduce((a, b) => a + b, 0) <= width) return 1;
  return Math.ceil(names.length / Math.max(1, Math.floor(width / Math.max(...widths))));
}

/**
 * `layout` at `width` × (`height` + the legend's rows) pixels, with the legend in rows under the figure and the bottom
 * margin grown by as much: the plot area keeps the size it has without a legend.
 */
export function withLegendRoom(data: readonly Data[], layout: Partial<Layout>, width: number, height: number): Partial<Layout> {
  if (layout.showlegend === false) return { ...layout, height };
  const margin = layout.margin ?? {};
  // plotly wraps the legend at the plot area's width
  const room = legendRows(entries(data), Math.max(100, width - (margin.l ?? 80) - (margin.r ?? 80))) * ROW + 4;
  return {
    ...layout,
    height: height + room,
    legend: { ...layout.legend, orientation: 'h', x: 0, xanchor: 'left', yref: 'container', y: 0, yanchor: 'bottom' },
    margin: { ...margin, b: (margin.b ?? 40) + room },
  };
}
