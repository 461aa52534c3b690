/**
 * The shared machinery of the live plots. React renders only the container (configuration: size, labels); the data
 * reaches a canvas imperatively (canvasFigure.ts: why not plotly for the live view): the plot subscribes to the
 * store, and when its slice of the state changes it redraws after a coming animation frame (one plot per frame
 * across all plots, in a task of its own: frames.ts), at most once per MIN_REDRAW_MS (spectrum, loss) or
 * SECONDARY_REDRAW_MS (σ, W1), only while the plot is near the viewport (an export brings it up to date first), and
 * never through a React re-render (when to redraw: redrawScheduler.ts; this hook does the drawing and the DOM). Plotly
 * draws the same figure only for export (registry.ts).
 */
import { useEffect, useId, useRef, type CSSProperties, type RefObject } from 'react';
import { store, type AppState } from '../state/store';
import type { Figure } from './figures';
import { DARK, drawFigure, hoverText, LIGHT, nearestPoint, plainText, type HoverPoint } from './canvasFigure';
import { requestDraw } from './frames';
import { createRedrawScheduler, type RedrawScheduler } from './redrawScheduler';
import { exportPlot, registerPlot, type ImageFormat, type PlotKind } from './registry';

/**
 * Minimum time between the starts of two redraws of one plot (spectrum, loss, field): half the 100 ms of the Koopman
 * worker's 10 spectra/s, so every spectrum is drawn at a coming frame even when two arrive closer than 100 ms apart
 * (timer jitter); the trainer's metrics (≤ 20/s) redraw the loss at most this often. A redraw costs ~1–6 ms.
 */
export const MIN_REDRAW_MS = 50;
/**
 * The same for the secondary plots (singular values, W1): 4 redraws/s is enough for curves that mostly grow by a
 * point per spectrum, and leaves the frames to the spectrum and loss.
 */
export const SECONDARY_REDRAW_MS = 250;
/**
 * And at least REDRAW_COST_FACTOR times the last redraw's cost, so a heavy plot keeps its share of the main thread
 * under about a third (a canvas redraw takes a few ms; this only bites on a very slow machine), at most MAX_REDRAW_MS.
 */
export { MAX_REDRAW_MS, REDRAW_COST_FACTOR } from './redrawScheduler';

/** The browser's clock, timers and the shared frame queue (frames.ts), for the scheduler. */
const browserClock = {
  now: () => performance.now(),
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>),
  requestDraw,
};

export interface PlotSpec {
  kind: PlotKind;
  /** The values the figure depends on; the plot redraws when any of them changes (by identity). */
  select: (state: AppState) => readonly unknown[];
  figure: (state: AppState) => Figure;
  /** Minimum time between two redraws (default MIN_REDRAW_MS). */
  minRedrawMs?: number;
  /**
   * A change that must not wait for the redraw interval (e.g. another run started: what is on screen belongs to the
   * old one): the plot redraws at the next frame.
   */
  urgent?: (state: AppState, prev: AppState) => boolean;
  /** Offer PNG/SVG download buttons (plotly draws the figure; default true). */
  exportable?: boolean;
  /** Draw ahead of the other plots queued for the same frame (frames.ts): the spectrum. */
  first?: boolean;
}

/** Optional layout props every plot component takes. */
export interface PlotProps {
  /** CSS height of the plot area (default per plot). */
  height?: number | string;
  className?: string;
  style?: CSSProperties;
}

const visuallyHidden: CSSProperties = {
  position: 'absolute', width: 1, height: 1, padding: 0, margin: -1, overflow: 'hidden',
  clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap', border: 0,
};

const emptyStyle: CSSProperties = {
  position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center',
  padding: '1rem', textAlign: 'center', pointerEvents: 'none', fontSize: '0.95rem',
};

const emptyLabelStyle: CSSProperties = {
  padding: '0.3rem 0.7rem', borderRadius: '0.4rem', opacity: 0.8,
  background: 'color-mix(in srgb, Canvas 88%, transparent)',
};

/** Shows or hides the empty-state overlay (`hidden` alone would lose to its inline `display: flex`). */
function showEmpty(el: HTMLElement, show: boolean, text: string): void {
  const label = el.firstElementChild ?? el;
  if (label.textContent !== text) label.textContent = text;
  el.hidden = !show;
  el.style.display = show ? 'flex' : 'none';
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** The last figure each plot area drew (tests and export read it: `drawnFigure`). */
const drawnFigures = new WeakMap<HTMLElement, Figure>();

/** The figure a live plot's area (`.koop-plot-area`) last drew, or undefined before its first draw. */
export function drawnFigure(el: HTMLElement): Figure | undefined {
  return drawnFigures.get(el);
}

/**
 * Mounts one live plot into `plotRef` (a canvas inside it): store subscription, throttled canvas redraws, hover
 * tooltips, accessible summary and empty-state text written into `summaryRef`/`emptyRef`, registration for export;
 * all undone on unmount.
 */
function useLivePlot(
  spec: PlotSpec,
  plotRef: RefObject<HTMLDivElement | null>,
  summaryRef: RefObject<HTMLElement | null>,
  emptyRef: RefObject<HTMLElement | null>,
): void {
  useEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    const canvas = document.createElement('canvas');
    canvas.className = 'koop-plot-canvas';
    canvas.setAttribute('aria-hidden', 'true');
    Object.assign(canvas.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', display: 'block' });
    // the figure's text labels (annotations: the spectrum's run and step) in the DOM as well, for assistive
    // technology and tests: the canvas itself holds pixels only
    const labels = document.createElement('div');
    labels.className = 'koop-plot-labels';
    Object.assign(labels.style, visuallyHidden);
    const tip = document.createElement('div');
    tip.className = 'koop-plot-tip';
    tip.hidden = true;
    el.append(canvas, labels, tip);
    let labelText = '';
    let revision = 0;
    let hoverPoints: HoverPoint[] = [];
    let prev = spec.select(store.getState());
    // The page follows the system colour scheme (app.css: color-scheme: light dark); so do the plots.
    const dark = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;

    /** Draws the current state; true when a figure was drawn. Never throws: a bad state must not stop later draws. */
    const paint = (): boolean => {
      const before = revision;
      try {
        const fig = spec.figure(store.getState());
        if (summaryRef.current) summaryRef.current.textContent = fig.summary;
        if (emptyRef.current) showEmpty(emptyRef.current, fig.empty, fig.emptyText);
        el.dataset.revision = String(++revision);
        hoverPoints = drawFigure(canvas, fig, el.clientWidth, el.clientHeight, dark?.matches ? DARK : LIGHT);
        const texts = (fig.layout.annotations ?? []).map((a) => plainText(String(a.text ?? '')));
        if (texts.join('\n') !== labelText) {
          labelText = texts.join('\n');
          labels.replaceChildren(...texts.map((t) => Object.assign(document.createElement('span'), { className: 'annotation-text', textContent: t })));
        }
        drawnFigures.set(el, fig);
      } catch (err) {
        console.error(`Koopscope: drawing the ${spec.kind} plot failed`, err);
      }
      return revision > before;
    };
    const scheduler: RedrawScheduler = createRedrawScheduler(paint, browserClock, {
      minWait: spec.minRedrawMs ?? MIN_REDRAW_MS,
      first: spec.first,
      onCost: (ms) => {
        el.dataset.cost = ms.toFixed(1); // ms, figure + drawing (bench/app-browser.mjs reports it)
        el.dataset.drawn = String(revision);
      },
    });

    const redrawSoon = () => scheduler.invalidate(true);
    dark?.addEventListener('change', redrawSoon);

    // the canvas follows its container (a window resize, a panel opened): redraw at the new size
    let size = '';
    const resizer = typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => {
        const next = `${el.clientWidth}x${el.clientHeight}`;
        if (next === size) return;
        size = next;
        if (revision > 0) redrawSoon();
      })
      : undefined;
    resizer?.observe(el);

    const intersection = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => {
        scheduler.setVisible(entries.at(-1)?.isIntersecting ?? true);
      }, { rootMargin: '200px' })
      : undefined;
    intersection?.observe(el);

    // hover: the nearest drawn point's text in a tooltip (plotly's hover labels, in plain text)
    const onMove = (e: PointerEvent) => {
      const r = canvas.getBoundingClientRect();
      const p = nearestPoint(hoverPoints, e.clientX - r.left, e.clientY - r.top);
      if (!p) { tip.hidden = true; return; }
      tip.textContent = hoverText(p);
      tip.hidden = false;
      const left = p.px + 12 + tip.offsetWidth > el.clientWidth ? p.px - 12 - tip.offsetWidth : p.px + 12;
      tip.style.left = `${Math.max(0, left)}px`;
      tip.style.top = `${Math.max(0, Math.min(p.py - 10, el.clientHeight - tip.offsetHeight))}px`;
    };
    const onLeave = () => { tip.hidden = true; };
    canvas.addEventListener('pointermove', onMove);
    canvas.addEventListener('pointerleave', onLeave);

    const unsubscribe = store.subscribe((state, prevState) => {
      const next = spec.select(state);
      if (sameValues(next, prev)) return;
      prev = next;
      scheduler.invalidate(spec.urgent?.(state, prevState) ?? false);
    });
    // an export draws what is pending first, seen or not
    const unregister = registerPlot(spec.kind, el, scheduler.refresh, () => drawnFigures.get(el));

    return () => {
      scheduler.dispose();
      unsubscribe();
      unregister();
      dark?.removeEventListener('change', redrawSoon);
      resizer?.disconnect();
      intersection?.disconnect();
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerleave', onLeave);
      canvas.remove();
      labels.remove();
      tip.remove();
      drawnFigures.delete(el);
      delete el.dataset.revision;
      delete el.dataset.drawn;
      delete el.dataset.cost;
    };
  }, [spec, plotRef, summaryRef, emptyRef]);
}

/** Download buttons over a plot (plotly's modebar in the static figures): PNG and SVG, drawn by plotly. */
function PlotTools({ kind }: { kind: PlotKind }) {
  const save = (format: ImageFormat) => {
    exportPlot(kind, format).catch((e: Error) => console.error(`Koopscope: ${e.message}`));
  };
  return (
    <div className="koop-plot-tools">
      <button type="button" title="Download plot as PNG" aria-label={`Download the ${kind} plot as PNG`} onClick={() => save('png')}>PNG</button>
      <button type="button" title="Download plot as SVG" aria-label={`Download the ${kind} plot as SVG`} onClick={() => save('svg')}>SVG</button>
    </div>
  );
}

/** The container every plot renders: a labelled figure, the plot area, an empty-state overlay and a text summary. */
export function LivePlot({ spec, label, height, className, style }: PlotProps & { spec: PlotSpec; label: string }) {
  const plotRef = useRef<HTMLDivElement>(null);
  const summaryRef = useRef<HTMLParagraphElement>(null);
  const emptyRef = useRef<HTMLDivElement>(null);
  const summaryId = useId();
  useLivePlot(spec, plotRef, summaryRef, emptyRef);
  return (
    <div
      role="figure"
      aria-label={label}
      aria-describedby={summaryId}
      className={className ? `koop-plot ${className}` : 'koop-plot'}
      data-plot={spec.kind}
      style={{ position: 'relative', width: '100%', height: '100%', ...style }}
    >
      {/* Fills a taller container (a grid cell spanning rows), else `height`. */}
      <div ref={plotRef} className="koop-plot-area" style={{ position: 'relative', width: '100%', height: '100%', minHeight: height }} />
      {spec.exportable !== false && <PlotTools kind={spec.kind} />}
      <div ref={emptyRef} className="koop-plot-empty" aria-hidden="true" style={emptyStyle}>
        <span style={emptyLabelStyle}>Loading plot…</span>
      </div>
      <p id={summaryId} ref={summaryRef} className="koop-plot-summary" style={visuallyHidden} />
    </div>
  );
}
