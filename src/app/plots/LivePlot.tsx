/**
 * The shared machinery of the live plots. React renders only the container (configuration: size, labels); the data
 * reaches plotly imperatively: the plot subscribes to the store, and when its slice of the state changes it redraws
 * with `Plotly.react` after a coming animation frame (one plot per frame across all plots, in a task of its own:
 * frames.ts), at most once per MIN_REDRAW_MS (the spectrum) or SECONDARY_REDRAW_MS (the others), only while the plot
 * is near the viewport (an export brings it up to date first), and never through a React re-render
 * (docs/browser-notes.md#live-plots: a full 200-point SVG scatter refresh costs ~16 ms).
 */
import { useEffect, useId, useRef, type CSSProperties, type RefObject } from 'react';
import type { Config, Layout, LayoutAxis, ModeBarButton } from 'plotly.js';
import { store, type AppState } from '../state/store';
import type { Figure } from './figures';
import { loadPlotly, type PlotlyStatic } from './loadPlotly';
import { requestDraw } from './frames';
import { FILE_NAMES, registerPlot, type PlotKind } from './registry';

/** Minimum time between the starts of two redraws of one plot (the spectrum: up to the worker's 10 spectra/s). */
export const MIN_REDRAW_MS = 100;
/**
 * The same for the secondary plots (loss, singular values, W1): 4 redraws/s is smooth for a curve and leaves the
 * main thread to the spectrum; all four at 10/s kept a slow machine's main thread ~60% busy.
 */
export const SECONDARY_REDRAW_MS = 250;
/**
 * And at least this many times the last redraw's cost, so a heavy plot (hundreds of eigenvalues with their trail
 * take ~50–100 ms on a slow machine) keeps its share of the main thread under about a third.
 */
export const REDRAW_COST_FACTOR = 3;
/** The cost-based wait never exceeds this (a slow first draw must not hold back the next). */
export const MAX_REDRAW_MS = 1000;

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

/** Dark-scheme colours over a figure's layout (light is plotly's default look). */
function themed(layout: Partial<Layout>, dark: boolean): Partial<Layout> {
  if (!dark) return layout;
  const axis = (a: Partial<LayoutAxis> | undefined): Partial<LayoutAxis> | undefined =>
    a && { ...a, gridcolor: '#3a3f47', linecolor: '#5a606a', zerolinecolor: '#5a606a' };
  return {
    ...layout,
    paper_bgcolor: '#1b1e23',
    plot_bgcolor: '#1b1e23',
    font: { ...layout.font, color: '#d7dae0' },
    xaxis: axis(layout.xaxis),
    yaxis: axis(layout.yaxis),
    ...(layout.yaxis2 ? { yaxis2: axis(layout.yaxis2) } : {}),
    modebar: { bgcolor: 'rgba(0,0,0,0)', color: '#9aa0a6', activecolor: '#d7dae0' },
  };
}

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

/** A picture in a frame (distinct from the camera of the SVG button); y down, so no flip. */
const PNG_ICON = {
  width: 1000,
  height: 1000,
  path: 'M100,150H900V850H100Z M160,210V790H840V210Z M200,750L400,450L550,650L650,550L800,750Z M700,330a60,60 0 1,0 0.1,0Z',
  transform: 'matrix(1 0 0 1 0 0)',
};

function plotConfig(Plotly: PlotlyStatic, kind: PlotKind): Partial<Config> {
  const png: ModeBarButton = {
    name: 'downloadPng',
    title: 'Download plot as PNG',
    icon: PNG_ICON,
    click: (gd) => {
      void Plotly.downloadImage(gd, {
        format: 'png', filename: FILE_NAMES[kind], width: gd.clientWidth || null, height: gd.clientHeight || null,
        scale: 2,
      } as Parameters<PlotlyStatic['downloadImage']>[1]);
    },
  };
  return {
    displaylogo: false,
    showSendToCloud: false,
    responsive: true,
    // The camera button saves SVG; the extra button saves PNG; 'downloadjson' saves the figure as JSON.
    toImageButtonOptions: { format: 'svg', filename: FILE_NAMES[kind] },
    modeBarButtonsToAdd: [png, 'downloadjson' as ModeBarButton['name'] as never],
  };
}

/**
 * Mounts one live plot into `plotRef`: lazy plotly, store subscription, throttled `Plotly.react`, accessible summary
 * and empty-state text written into `summaryRef`/`emptyRef`, registration for export; all undone on unmount.
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
    let disposed = false;
    let Plotly: PlotlyStatic | undefined;
    let config: Partial<Config> | undefined;
    /** Cancels the queued draw (frames.ts), when one is queued. */
    let queued: (() => void) | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let drawing = false;
    let dirty = true;
    let lastDraw = -Infinity;
    let lastCost = 0;
    let revision = 0;
    let prev = spec.select(store.getState());
    /** Near the viewport (IntersectionObserver): a plot scrolled away is not redrawn until it comes back. */
    let visible = true;
    /** Resolves callers of `refresh` (an export) once the pending redraw is done. */
    let flushed: (() => void)[] = [];
    const minWait = spec.minRedrawMs ?? MIN_REDRAW_MS;

    /** An urgent change is pending: draw at the next frame, not after the interval. */
    let urgent = false;
    const schedule = () => {
      if (urgent && timer !== undefined) { clearTimeout(timer); timer = undefined; }
      // the first draw always happens (the empty state, the export's target); later ones only when seen
      if (disposed || queued || timer !== undefined || !Plotly || (!visible && revision > 0 && !flushed.length)) return;
      const wait = urgent ? 0 : lastDraw + Math.min(MAX_REDRAW_MS, Math.max(minWait, REDRAW_COST_FACTOR * lastCost)) - performance.now();
      if (wait > 0) {
        timer = setTimeout(() => {
          timer = undefined;
          schedule();
        }, wait);
      } else {
        queued = requestDraw(draw);
      }
    };

    const settle = () => {
      const waiting = flushed;
      flushed = [];
      for (const done of waiting) done();
    };

    const draw = () => {
      queued = undefined;
      if (disposed || !Plotly || drawing) return;
      if (!dirty) {
        settle();
        return;
      }
      dirty = false;
      urgent = false;
      drawing = true;
      lastDraw = performance.now();
      let drawn: Promise<unknown>;
      try {
        const fig = spec.figure(store.getState());
        if (summaryRef.current) summaryRef.current.textContent = fig.summary;
        if (emptyRef.current) showEmpty(emptyRef.current, fig.empty, fig.emptyText);
        el.dataset.revision = String(++revision);
        drawn = Plotly.react(el, fig.data, themed({ ...fig.layout, datarevision: revision }, dark?.matches ?? false), config);
      } catch (err) {
        drawn = Promise.reject(err); // a bad state must not leave the plot stuck in `drawing`
      }
      drawn
        .catch((err: unknown) => {
          if (!disposed) console.error(`Koopscope: drawing the ${spec.kind} plot failed`, err);
        })
        .finally(() => {
          drawing = false;
          lastCost = performance.now() - lastDraw;
          if (disposed) return;
          el.dataset.drawn = String(revision);
          if (dirty) schedule();
          else settle();
        });
    };

    // The page follows the system colour scheme (app.css: color-scheme: light dark); so do the plots.
    const dark = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
    const onScheme = () => {
      dirty = true;
      schedule();
    };
    dark?.addEventListener('change', onScheme);

    // `responsive` follows window resizes only; a container resized by the layout (a panel opened) needs this.
    let resizeFrame = 0;
    let size = '';
    const resizer = typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => {
        const next = `${el.clientWidth}x${el.clientHeight}`;
        if (next === size || resizeFrame || !Plotly || el.dataset.drawn === undefined) return;
        resizeFrame = requestAnimationFrame(() => {
          resizeFrame = 0;
          size = `${el.clientWidth}x${el.clientHeight}`;
          if (!disposed && Plotly) Promise.resolve(Plotly.Plots.resize(el) as unknown).catch(() => {}); // rejects when hidden
        });
      })
      : undefined;
    resizer?.observe(el);

    const intersection = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => {
        const seen = entries.at(-1)?.isIntersecting ?? true;
        if (seen === visible) return;
        visible = seen;
        if (visible && dirty) schedule();
      }, { rootMargin: '200px' })
      : undefined;
    intersection?.observe(el);

    const unsubscribe = store.subscribe((state, prevState) => {
      const next = spec.select(state);
      if (sameValues(next, prev)) return;
      prev = next;
      dirty = true;
      if (spec.urgent?.(state, prevState)) urgent = true;
      schedule();
    });
    // an export draws what is pending first, seen or not
    const refresh = () => new Promise<void>((resolve) => {
      if (disposed || !Plotly || (!dirty && !drawing && !queued && timer === undefined)) {
        resolve();
        return;
      }
      flushed.push(resolve);
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (!drawing && !queued) queued = requestDraw(draw);
    });
    const unregister = registerPlot(spec.kind, el, refresh);

    loadPlotly().then(
      (P) => {
        if (disposed) return;
        Plotly = P;
        config = plotConfig(P, spec.kind);
        schedule();
      },
      (err: unknown) => {
        if (disposed) return;
        console.error('Koopscope: could not load plotly', err);
        if (emptyRef.current) showEmpty(emptyRef.current, true, 'The plotting library could not be loaded. Reload the page to try again.');
      },
    );

    return () => {
      disposed = true;
      unsubscribe();
      unregister();
      dark?.removeEventListener('change', onScheme);
      resizer?.disconnect();
      intersection?.disconnect();
      settle();
      if (resizeFrame) cancelAnimationFrame(resizeFrame);
      queued?.();
      if (timer !== undefined) clearTimeout(timer);
      if (Plotly) Plotly.purge(el);
      delete el.dataset.revision;
      delete el.dataset.drawn;
    };
  }, [spec, plotRef, summaryRef, emptyRef]);
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
      <div ref={plotRef} className="koop-plot-area" style={{ width: '100%', height: '100%', minHeight: height }} />
      <div ref={emptyRef} className="koop-plot-empty" aria-hidden="true" style={emptyStyle}>
        <span style={emptyLabelStyle}>Loading plot…</span>
      </div>
      <p id={summaryId} ref={summaryRef} className="koop-plot-summary" style={visuallyHidden} />
    </div>
  );
}
