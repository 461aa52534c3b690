/**
 * Mounted plots by kind, for the app's export menu: `exportPlot('spectrum', 'png')` downloads what the user sees.
 */
import { loadPlotly } from './loadPlotly';

export type PlotKind = 'spectrum' | 'loss' | 'singularValues' | 'w1';
export type ImageFormat = 'png' | 'svg';

const plots = new Map<PlotKind, HTMLElement>();
/** Per graph div: draws what is pending (a plot scrolled out of view skips redraws), resolving when done. */
const refreshers = new WeakMap<HTMLElement, () => Promise<void>>();

/**
 * Registers a mounted plot's graph div and its `refresh` (brings the drawing up to date); returns the unregister
 * function (a later mount of the same kind wins).
 */
export function registerPlot(kind: PlotKind, el: HTMLElement, refresh?: () => Promise<void>): () => void {
  plots.set(kind, el);
  if (refresh) refreshers.set(el, refresh);
  return () => {
    if (plots.get(kind) === el) plots.delete(kind);
    refreshers.delete(el);
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
  await Plotly.downloadImage(el, {
    format,
    filename,
    width: el.clientWidth || null,
    height: el.clientHeight || null,
    ...(format === 'png' ? { scale: 2 } : {}),
  } as Parameters<typeof Plotly.downloadImage>[1]);
}
