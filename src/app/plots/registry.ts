/**
 * Mounted plots by kind, for the app's export menu: `exportPlot('spectrum', 'png')` downloads what the user sees.
 * The live view draws on a canvas (LivePlot); an export hands the same figure to plotly in an off-screen div of the
 * plot's size, so downloaded images are plotly's PNG/SVG.
 */
import type { Figure } from './figures';
import { loadPlotly } from './loadPlotly';

export type PlotKind = 'spectrum' | 'loss' | 'singularValues' | 'w1' | 'field';
export type ImageFormat = 'png' | 'svg';

const plots = new Map<PlotKind, HTMLElement>();
/** Per graph div: draws what is pending (a plot scrolled out of view skips redraws), resolving when done. */
const refreshers = new WeakMap<HTMLElement, () => Promise<void>>();
/** Per graph div: the figure it shows now. */
const figures = new WeakMap<HTMLElement, () => Figure | undefined>();

/**
 * Registers a mounted plot's graph div and its `refresh` (brings the drawing up to date); returns the unregister
 * function (a later mount of the same kind wins).
 */
export function registerPlot(kind: PlotKind, el: HTMLElement, refresh?: () => Promise<void>, figure?: () => Figure | undefined): () => void {
  plots.set(kind, el);
  if (refresh) refreshers.set(el, refresh);
  if (figure) figures.set(el, figure);
  return () => {
    if (plots.get(kind) === el) plots.delete(kind);
    refreshers.delete(el);
    figures.delete(el);
  };
}

/** The graph div of a mounted, drawn plot of this kind, or undefined. */
export function plotElement(kind: PlotKind): HTMLElement | undefined {
  const el = plots.get(kind);
  return el && el.dataset.drawn !== undefined ? el : undefined; // set by LivePlot after its first draw
}

export const FILE_NAMES: Record<PlotKind, string> = {
  spectrum: 'koopscope-spectrum',
  loss: 'koopscope-loss',
  singularValues: 'koopscope-singular-values',
  w1: 'koopscope-w1',
  field: 'koopscope-data-and-model',
};

/**
 * Downloads a mounted plot as PNG (at twice the on-screen resolution) or SVG. Rejects when no plot of that kind is
 * on the page (or it has not drawn yet), so the export menu can say so.
 */
export async function exportPlot(kind: PlotKind, format: ImageFormat, filename = FILE_NAMES[kind]): Promise<void> {
  const el = plotElement(kind);
  if (!el) throw new Error(`No ${kind} plot is shown, so there is nothing to export.`);
  const Plotly = await loadPlotly();
  await refreshers.get(el)?.();
  const fig = figures.get(el)?.();
  const width = el.clientWidth || 600;
  const height = el.clientHeight || 400;
  const opts = { format, filename, width, height, ...(format === 'png' ? { scale: 2 } : {}) } as Parameters<typeof Plotly.downloadImage>[1];
  if (!fig) {
    await Plotly.downloadImage(el, opts);
    return;
  }
  // off screen, the plot's size: plotly lays the figure out as it would have on the page
  const host = document.createElement('div');
  Object.assign(host.style, { position: 'fixed', left: '-10000px', top: '0', width: `${width}px`, height: `${height}px` });
  document.body.append(host);
  try {
    await Plotly.newPlot(host, fig.data, { ...fig.layout, autosize: false, width, height }, { staticPlot: true, displayModeBar: false });
    await Plotly.downloadImage(host, opts);
  } finally {
    Plotly.purge(host);
    host.remove();
  }
}
