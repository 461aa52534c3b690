/**
 * Draws a live Figure (figures.ts: plotly-shaped `data` + `layout`) onto a 2-D canvas, for the live view.
 *
 * Why a hand-written renderer: `Plotly.react` of the live spectrum, loss, σ and W1 plots cost 10–700 ms per redraw
 * on a slow machine (SVG rebuilt per point; bench/app-browser.mjs measured 40–58 % of live training in long tasks),
 * the live view needs only a small subset of plotly (markers and lines, linear/log axes, equal aspect, a circle and
 * line shapes, text annotations, a colour bar, a one-row legend), and the canvas libraries that would fit (uPlot)
 * are not among the project's dependencies. The same Figure still goes to plotly for export (registry.ts), so
 * the downloaded PNG/SVG is plotly's. Drawing ~1,000 points here takes a few milliseconds.
 *
 * Contract: `drawFigure` is pure drawing (no DOM besides the canvas); it returns the screen positions of the points
 * that carry hover text, for `nearestPoint`. Supported: traces of type 'scatter' with mode containing 'markers'
 * and/or 'lines' (x/y with nulls as gaps; marker size/colour/opacity scalar or per point, colour numbers through a
 * colorscale with cmin/cmax, showscale → colour bar; line colour/width/dash; trace opacity; yaxis 'y2');
 * layout axes with range or autorange, type 'log', scaleanchor (equal aspect, constrained to the domain), titles,
 * visible: false; shapes of type 'circle' and 'line' (x/y or paper refs); annotations (x/y or paper refs, anchors,
 * xshift); showlegend with a horizontal legend; and one trace type of our own, RASTER_TRACE ('koop-raster': an RGBA
 * image of `width`×`height` pixels, row 0 at the bottom, stretched over the data box x: [x0, x1], y: [y0, y1],
 * smoothed; drawn where it stands in `data`, so put it first to lie under the points). Anything else is ignored.
 */
import type { Figure } from './figures';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface Theme {
  bg: string;
  fg: string;
  grid: string;
  axis: string;
  muted: string;
}

export const LIGHT: Theme = { bg: '#ffffff', fg: '#2a2f36', grid: '#e8eaee', axis: '#9aa0a6', muted: '#666' };
export const DARK: Theme = { bg: '#1b1e23', fg: '#d7dae0', grid: '#3a3f47', axis: '#5a606a', muted: '#9aa0a6' };

/** A drawn point that has hover text (screen pixels, CSS units); the text is built only when hovered (`hoverText`). */
export interface HoverPoint {
  px: number;
  py: number;
  trace: unknown;
  index: number;
}

/** The hover text of a drawn point (plotly's hovertemplate or text, in plain text). */
export function hoverText(p: HoverPoint): string {
  return hoverFor(p.trace, p.index);
}

interface Axis {
  log: boolean;
  lo: number;
  hi: number;
  /** Screen range (CSS px): lo maps to a, hi to b. */
  a: number;
  b: number;
  title: string;
  visible: boolean;
}

/** The raster trace type (see the file comment); plotly does not know it, so figures with one are not exported. */
export const RASTER_TRACE = 'koop-raster';

/** Room left free at the top right, above the plot area, for LivePlot's PNG/SVG buttons. */
const LEGEND_RIGHT_PX = 84;

const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/** Plotly's markup subset used by the figures (<br>, <sub>) → plain text. */
export function plainText(s: string): string {
  return s.replace(/<br\s*\/?>/g, '\n').replace(/<sub>(.*?)<\/sub>/g, '$1').replace(/<[^>]+>/g, '');
}

const tx = (ax: Axis, v: number): number => {
  const t = ax.log ? Math.log10(v) : v;
  return ax.a + ((t - ax.lo) / (ax.hi - ax.lo || 1)) * (ax.b - ax.a);
};

function finiteExtent(values: Iterable<unknown>, log: boolean, into: [number, number]): void {
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v) || (log && v <= 0)) continue;
    const t = log ? Math.log10(v) : v;
    if (t < into[0]) into[0] = t;
    if (t > into[1]) into[1] = t;
  }
}

/** Axis range in transformed units (log10 for log axes): the layout's range, else the data's, padded 5 %. */
function axisRange(layoutAxis: Any, traces: Any[], key: 'x' | 'y', log: boolean): [number, number] {
  if (Array.isArray(layoutAxis?.range) && layoutAxis.autorange !== true) {
    const [r0, r1] = layoutAxis.range as [number, number];
    return log ? [Math.log10(r0), Math.log10(r1)] : [r0, r1];
  }
  const ext: [number, number] = [Infinity, -Infinity];
  for (const t of traces) finiteExtent(t[key] ?? [], log, ext);
  if (!(ext[0] <= ext[1])) return log ? [0, 1] : [0, 1];
  if (layoutAxis?.rangemode === 'tozero' && !log) ext[0] = Math.min(0, ext[0]);
  const span = ext[1] - ext[0];
  const pad = span > 0 ? 0.05 * span : log ? 0.5 : Math.max(1, Math.abs(ext[0]) * 0.1);
  return [ext[0] - pad, ext[1] + pad];
}

/** Nice linear steps (1, 2 or 5 × 10^k) over [lo, hi], about `want` of them. */
function linearTicks(lo: number, hi: number, want: number): number[] {
  const raw = (hi - lo) / want;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/**
 * Tick values (data units): nice linear steps; on log axes decades (with 2 and 5 when the range spans few of
 * them), or linear steps in value space when it spans under one decade.
 */
export function axisTicks(log: boolean, lo0: number, hi0: number, pixels: number): number[] {
  const [lo, hi] = lo0 < hi0 ? [lo0, hi0] : [hi0, lo0];
  const want = Math.max(3, Math.floor(pixels / 55));
  if (!log) return linearTicks(lo, hi, want);
  if (hi - lo < 1) return linearTicks(10 ** lo, 10 ** hi, want).filter((v) => v > 0);
  const out: number[] = [];
  const d0 = Math.floor(lo);
  const d1 = Math.ceil(hi);
  const step = Math.max(1, Math.ceil((d1 - d0) / want));
  const mult = hi - lo <= 2.5 ? [1, 2, 5] : [1];
  for (let d = d0; d <= d1; d += step) for (const m of mult) {
    const t = d + Math.log10(m);
    if (t >= lo - 1e-9 && t <= hi + 1e-9) out.push(10 ** t);
  }
  return out;
}

const ticks = (ax: Axis, pixels: number): number[] => axisTicks(ax.log, ax.lo, ax.hi, pixels);

/** Short tick text: plain numbers from 0.001 to 10⁴, powers of ten beyond or with `powers` (10ᵏ, or m×10ᵏ). */
export function tickLabel(v: number, powers = false): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (!powers && a >= 1e-3 && a < 1e4) return String(+v.toPrecision(3));
  const e = Math.floor(Math.log10(a) + 1e-9);
  const m = v / 10 ** e;
  const sup = String(e).replace(/-/g, '⁻').replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]);
  return Math.abs(m - 1) < 1e-6 ? `10${sup}` : `${+m.toFixed(2)}×10${sup}`;
}

function parseColour(c: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(c);
  if (m) {
    const n = parseInt(m[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  return [128, 128, 128];
}

/** A colour for value v of a plotly colorscale [[0, '#rrggbb'], …, [1, …]] over [cmin, cmax]. */
export function scaleColour(scale: [number, string][], cmin: number, cmax: number, v: number): string {
  const t = Math.min(1, Math.max(0, (v - cmin) / (cmax - cmin || 1)));
  let i = 1;
  while (i < scale.length - 1 && scale[i][0] < t) i++;
  const [t0, c0] = scale[i - 1];
  const [t1, c1] = scale[i];
  const f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
  const a = parseColour(c0);
  const b = parseColour(c1);
  return `rgb(${a.map((x, k) => Math.round(x + f * (b[k] - x))).join(',')})`;
}

const at = <T,>(v: T | T[] | undefined, i: number, fallback: T): T => (Array.isArray(v) ? (v[i] ?? fallback) : (v ?? fallback));

function dash(d: string | undefined): number[] {
  return d === 'dot' ? [2, 3] : d === 'dash' ? [6, 4] : [];
}

/** Fills hovertemplate's %{x}, %{y}, %{text}, %{customdata} (formats dropped) for point i. */
function hoverFor(t: Any, i: number): string {
  const x = t.x?.[i];
  const y = t.y?.[i];
  const num = (v: unknown) => (typeof v === 'number' ? String(+v.toPrecision(4)) : String(v ?? ''));
  if (typeof t.hovertemplate === 'string') {
    const s = t.hovertemplate
      .replace(/%\{x[^}]*\}/g, num(x)).replace(/%\{y[^}]*\}/g, num(y))
      .replace(/%\{text\}/g, String(at(t.text, i, ''))).replace(/%\{customdata\}/g, String(at(t.customdata, i, '')))
      .replace(/<extra>(.*?)<\/extra>/, (_: string, e: string) => (e ? `<br>${e}` : ''));
    return plainText(s);
  }
  if (t.text !== undefined) return plainText(String(at(t.text, i, '')));
  return `${t.name ? `${t.name}: ` : ''}(${num(x)}, ${num(y)})`;
}

/**
 * Draws `fig` onto `canvas` at its CSS size `w`×`h` (device pixels: × devicePixelRatio). Returns the hoverable points.
 */
export function drawFigure(canvas: HTMLCanvasElement, fig: Figure, w: number, h: number, theme: Theme): HoverPoint[] {
  const dpr = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
  const W = Math.max(1, Math.round(w * dpr));
  const H = Math.max(1, Math.round(h * dpr));
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  const ctx = canvas.getContext('2d');
  if (!ctx) return [];
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, w, h);
  const layout = fig.layout as Any;
  const traces = (fig.data as Any[]).filter((t) => ((t.type ?? 'scatter') === 'scatter' || t.type === RASTER_TRACE) && t.visible !== false);
  const hover: HoverPoint[] = [];

  const colourbar = traces.find((t) => t.marker?.showscale && Array.isArray(t.marker?.color));
  // a narrow plot (a phone) gets tighter margins and a slimmer colour bar, so the data area keeps most of the width
  const narrow = w < 480;
  const barRoom = colourbar ? (narrow ? 40 : 56) : 0;
  const m = {
    l: Math.min(layout.margin?.l ?? 60, narrow ? 44 : Infinity), r: (layout.margin?.r ?? 16) + barRoom,
    t: layout.margin?.t ?? 24, b: Math.min(layout.margin?.b ?? 48, narrow ? 40 : Infinity),
  };
  const lx = layout.xaxis ?? {};
  const ly = layout.yaxis ?? {};
  const ly2 = layout.yaxis2;
  const onY2 = (t: Any) => t.yaxis === 'y2';
  const xr = axisRange(lx, traces, 'x', lx.type === 'log');
  const yr = axisRange(ly, traces.filter((t) => !onY2(t)), 'y', ly.type === 'log');

  // the legend wraps into rows above the plot (the top margin grows to hold them)
  ctx.font = `11px ${FONT}`;
  // (its rows end LEGEND_RIGHT_PX short of the right edge: that corner holds the plot's download buttons)
  const legend = layout.showlegend ? legendRows(ctx, traces, m.l, w - LEGEND_RIGHT_PX) : [];
  const labelAbove = (layout.annotations ?? []).some((a: Any) => a.yref === 'paper' && a.y === 1);
  if (legend.length) m.t = Math.max(m.t, 8 + 15 * legend.length + (labelAbove ? 16 : 0));
  // the left margin holds the widest y tick label and the y title beside it
  const yLog = ly.type === 'log';
  const yPowers = yLog && Math.abs(yr[1] - yr[0]) > 2.5;
  const yLabels = ly.visible === false ? [] : axisTicks(yLog, yr[0], yr[1], h - m.t - m.b).map((v) => tickLabel(v, yPowers));
  const yLabelWidth = Math.max(0, ...yLabels.map((t) => ctx.measureText(t).width));
  if (ly.title?.text && ly.visible !== false) m.l = Math.max(m.l, Math.ceil(yLabelWidth) + 26);

  let x0 = m.l;
  let x1 = w - m.r;
  let y0 = m.t;
  let y1 = h - m.b;
  if (x1 - x0 < 20 || y1 - y0 < 20) return hover;
  if (ly.scaleanchor === 'x') {
    // equal aspect, constrained to the domain: shrink the longer side about its centre
    const ppx = (x1 - x0) / (xr[1] - xr[0] || 1);
    const ppy = (y1 - y0) / (yr[1] - yr[0] || 1);
    const p = Math.min(ppx, ppy);
    const cw = p * (xr[1] - xr[0]);
    const ch = p * (yr[1] - yr[0]);
    x0 += ((x1 - x0) - cw) / 2;
    x1 = x0 + cw;
    y0 += ((y1 - y0) - ch) / 2;
    y1 = y0 + ch;
  }
  const X: Axis = { log: lx.type === 'log', lo: xr[0], hi: xr[1], a: x0, b: x1, title: plainText(lx.title?.text ?? ''), visible: lx.visible !== false };
  const Y: Axis = { log: ly.type === 'log', lo: yr[0], hi: yr[1], a: y1, b: y0, title: plainText(ly.title?.text ?? ''), visible: ly.visible !== false };
  let Y2: Axis | undefined;
  if (ly2) {
    const r2 = axisRange(ly2, traces.filter(onY2), 'y', ly2.type === 'log');
    Y2 = { log: ly2.type === 'log', lo: r2[0], hi: r2[1], a: y1, b: y0, title: plainText(ly2.title?.text ?? ''), visible: ly2.visible !== false };
  }

  ctx.font = `11px ${FONT}`;
  ctx.textBaseline = 'middle';
  // grid and tick labels
  if (X.visible) {
    ctx.textAlign = 'center';
    for (const v of ticks(X, x1 - x0)) {
      const px = tx(X, v);
      ctx.strokeStyle = theme.grid;
      ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(px, y0); ctx.lineTo(px, y1); ctx.stroke();
      ctx.fillStyle = theme.fg;
      ctx.fillText(tickLabel(v, X.log && Math.abs(X.hi - X.lo) > 2.5), px, y1 + 10);
    }
    if (X.title) { ctx.font = `12px ${FONT}`; ctx.fillText(X.title, (x0 + x1) / 2, y1 + (narrow ? 26 : 30)); ctx.font = `11px ${FONT}`; }
  }
  if (Y.visible) {
    ctx.textAlign = 'right';
    for (const v of ticks(Y, y1 - y0)) {
      const py = tx(Y, v);
      ctx.strokeStyle = theme.grid;
      ctx.beginPath(); ctx.moveTo(x0, py); ctx.lineTo(x1, py); ctx.stroke();
      ctx.fillStyle = theme.fg;
      ctx.fillText(tickLabel(v, Y.log && Math.abs(Y.hi - Y.lo) > 2.5), x0 - 4, py);
    }
    if (Y.title) {
      ctx.save(); ctx.translate(Math.max(8, x0 - yLabelWidth - 16), (y0 + y1) / 2); ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'center'; ctx.font = `12px ${FONT}`; ctx.fillText(Y.title, 0, 0); ctx.restore();
    }
  }
  if (Y2?.visible) {
    ctx.textAlign = 'left';
    ctx.fillStyle = theme.fg;
    for (const v of ticks(Y2, y1 - y0)) ctx.fillText(tickLabel(v, Y2.log && Math.abs(Y2.hi - Y2.lo) > 2.5), x1 + 4, tx(Y2, v));
    if (Y2.title) {
      ctx.save(); ctx.translate(x1 + 40, (y0 + y1) / 2); ctx.rotate(Math.PI / 2);
      ctx.textAlign = 'center'; ctx.font = `12px ${FONT}`; ctx.fillText(Y2.title, 0, 0); ctx.restore();
    }
  }
  // zero lines
  ctx.strokeStyle = theme.axis;
  ctx.lineWidth = 1;
  if (X.visible && lx.zeroline !== false && !X.log && X.lo < 0 && X.hi > 0) { const p = tx(X, 0); ctx.beginPath(); ctx.moveTo(p, y0); ctx.lineTo(p, y1); ctx.stroke(); }
  if (Y.visible && ly.zeroline !== false && !Y.log && Y.lo < 0 && Y.hi > 0) { const p = tx(Y, 0); ctx.beginPath(); ctx.moveTo(x0, p); ctx.lineTo(x1, p); ctx.stroke(); }
  if (X.visible || Y.visible) { ctx.strokeStyle = theme.axis; ctx.strokeRect(x0, y0, x1 - x0, y1 - y0); }

  const px = (ref: string | undefined, v: number) => (ref === 'paper' ? x0 + v * (x1 - x0) : tx(X, v));
  const py = (ref: string | undefined, v: number) => (ref === 'paper' ? y1 - v * (y1 - y0) : tx(Y, v));

  // plot area clip for data and shapes
  ctx.save();
  ctx.beginPath(); ctx.rect(x0, y0, x1 - x0, y1 - y0); ctx.clip();
  for (const s of (layout.shapes ?? []) as Any[]) {
    ctx.strokeStyle = s.line?.color ?? theme.axis;
    ctx.lineWidth = s.line?.width ?? 1;
    ctx.setLineDash(dash(s.line?.dash));
    ctx.beginPath();
    if (s.type === 'circle') {
      const cx = (px(s.xref, s.x0) + px(s.xref, s.x1)) / 2;
      const cy = (py(s.yref, s.y0) + py(s.yref, s.y1)) / 2;
      ctx.ellipse(cx, cy, Math.abs(px(s.xref, s.x1) - px(s.xref, s.x0)) / 2, Math.abs(py(s.yref, s.y1) - py(s.yref, s.y0)) / 2, 0, 0, 2 * Math.PI);
    } else if (s.type === 'line') {
      ctx.moveTo(px(s.xref, s.x0), py(s.yref, s.y0));
      ctx.lineTo(px(s.xref, s.x1), py(s.yref, s.y1));
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);

  for (const t of traces) {
    if (t.type === RASTER_TRACE) {
      drawRaster(ctx, t, tx(X, t.x[0]), tx(Y, t.y[1]), tx(X, t.x[1]), tx(Y, t.y[0]));
      continue;
    }
    const ya = onY2(t) && Y2 ? Y2 : Y;
    const xs: unknown[] = t.x ?? [];
    const ys: unknown[] = t.y ?? [];
    const n = Math.min(xs.length, ys.length);
    const mode: string = t.mode ?? 'lines';
    const ok = (i: number) => {
      const a = xs[i];
      const b = ys[i];
      return typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b) && (!X.log || a > 0) && (!ya.log || b > 0);
    };
    ctx.globalAlpha = t.opacity ?? 1;
    if (mode.includes('lines')) {
      ctx.strokeStyle = t.line?.color ?? theme.fg;
      ctx.lineWidth = t.line?.width ?? 1.5;
      ctx.setLineDash(dash(t.line?.dash));
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < n; i++) {
        if (!ok(i)) { pen = false; continue; }
        const a = tx(X, xs[i] as number);
        const b = tx(ya, ys[i] as number);
        if (pen) ctx.lineTo(a, b); else ctx.moveTo(a, b);
        pen = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (mode.includes('markers')) {
      const mk = t.marker ?? {};
      const scale = mk.colorscale as [number, string][] | undefined;
      const hoverable = t.hoverinfo !== 'skip';
      for (let i = 0; i < n; i++) {
        if (!ok(i)) continue;
        const a = tx(X, xs[i] as number);
        const b = tx(ya, ys[i] as number);
        const size = at<number>(mk.size, i, 6);
        const c = at<unknown>(mk.color, i, t.line?.color ?? '#1f6fb4');
        ctx.fillStyle = typeof c === 'number' && scale ? scaleColour(scale, mk.cmin ?? 0, mk.cmax ?? 1, c) : String(c);
        ctx.globalAlpha = (t.opacity ?? 1) * at<number>(mk.opacity, i, 1);
        ctx.beginPath();
        if (mk.symbol === 'diamond') {
          const r = size / 1.6;
          ctx.moveTo(a, b - r); ctx.lineTo(a + r, b); ctx.lineTo(a, b + r); ctx.lineTo(a - r, b); ctx.closePath();
        } else {
          ctx.arc(a, b, size / 2, 0, 2 * Math.PI);
        }
        ctx.fill();
        if (mk.line?.width) { ctx.strokeStyle = mk.line.color ?? theme.bg; ctx.lineWidth = mk.line.width; ctx.stroke(); }
        if (hoverable) hover.push({ px: a, py: b, trace: t, index: i });
      }
    } else if (t.hoverinfo !== 'skip') {
      // lines: hover on the (decimated) vertices
      for (let i = 0; i < n; i++) if (ok(i)) hover.push({ px: tx(X, xs[i] as number), py: tx(ya, ys[i] as number), trace: t, index: i });
    }
    ctx.globalAlpha = 1;
  }
  ctx.restore();

  // annotations (not clipped: labels sit on the frame)
  for (const a of (layout.annotations ?? []) as Any[]) {
    const ax = px(a.xref, a.x) + (a.xshift ?? 0);
    const ay = py(a.yref, a.y) - (a.yshift ?? 0);
    const text = plainText(String(a.text ?? ''));
    // a label wider than the canvas from its anchor shrinks (to 9 px), then moves left to fit
    let size = a.font?.size ?? 11;
    ctx.font = `${size}px ${FONT}`;
    while (size > 9 && a.xanchor === 'left' && ax + ctx.measureText(text).width > w - 2) ctx.font = `${--size}px ${FONT}`;
    const left = a.xanchor === 'left' ? Math.max(2, Math.min(ax, w - 2 - ctx.measureText(text).width)) : ax;
    ctx.fillStyle = a.font?.color && a.font.color !== '#666' ? a.font.color : theme.muted;
    ctx.textAlign = a.xanchor === 'right' ? 'right' : a.xanchor === 'left' ? 'left' : 'center';
    ctx.textBaseline = a.yanchor === 'bottom' ? 'bottom' : a.yanchor === 'top' ? 'top' : 'middle';
    ctx.fillText(text, left, ay - (a.yanchor === 'bottom' ? 2 : 0));
  }
  ctx.textBaseline = 'middle';

  // legend: rows above the plot area (legendRows), the last row just above the frame or the plot's label
  if (legend.length) {
    ctx.font = `11px ${FONT}`;
    ctx.textAlign = 'left';
    const bottomRow = y0 - (labelAbove ? 26 : 12);
    legend.forEach((row, r) => {
      const lyp = bottomRow - 15 * (legend.length - 1 - r);
      for (const { t, x, label } of row) {
        const colour = typeof t.marker?.color === 'string' ? t.marker.color : t.line?.color ?? theme.fg;
        ctx.fillStyle = colour;
        ctx.strokeStyle = colour;
        if ((t.mode ?? 'lines').includes('lines')) {
          ctx.lineWidth = 2; ctx.setLineDash(dash(t.line?.dash));
          ctx.beginPath(); ctx.moveTo(x, lyp); ctx.lineTo(x + 16, lyp); ctx.stroke(); ctx.setLineDash([]);
        } else {
          ctx.beginPath(); ctx.arc(x + 8, lyp, 4, 0, 2 * Math.PI); ctx.fill();
        }
        ctx.fillStyle = theme.fg;
        ctx.fillText(label, x + 20, lyp);
      }
    });
  }

  // colour bar
  if (colourbar) {
    const mk = colourbar.marker;
    const scale = mk.colorscale as [number, string][];
    const bx = x1 + (narrow ? 8 : 14);
    const top = y0 + 0.1 * (y1 - y0);
    const bottom = y1 - 0.1 * (y1 - y0);
    const cmin = mk.cmin ?? 0;
    const cmax = mk.cmax ?? 1;
    const g = ctx.createLinearGradient(0, bottom, 0, top);
    for (let k = 0; k <= 10; k++) g.addColorStop(k / 10, scaleColour(scale, 0, 1, k / 10));
    ctx.fillStyle = g;
    ctx.fillRect(bx, top, narrow ? 8 : 12, bottom - top);
    ctx.fillStyle = theme.fg;
    ctx.textAlign = 'left';
    for (const v of (mk.colorbar?.tickvals as number[] | undefined) ?? [cmin, cmax]) {
      ctx.fillText(String(v), bx + (narrow ? 11 : 16), bottom - ((v - cmin) / (cmax - cmin || 1)) * (bottom - top));
    }
    if (mk.colorbar?.title?.text) { ctx.textAlign = 'left'; ctx.fillText(plainText(mk.colorbar.title.text), bx, top - 16); }
  }
  return hover;
}

/** Legend items laid out in rows from `left` to `right` (CSS px; the context's font measures the labels). */
function legendRows(ctx: CanvasRenderingContext2D, traces: Any[], left: number, right: number): { t: Any; x: number; label: string }[][] {
  const rows: { t: Any; x: number; label: string }[][] = [];
  let row: { t: Any; x: number; label: string }[] = [];
  let x = left;
  for (const t of traces) {
    if (t.showlegend === false || !t.name) continue;
    const label = plainText(t.name);
    const width = 28 + ctx.measureText(label).width;
    if (row.length && x + width - 8 > right) { rows.push(row); row = []; x = left; }
    row.push({ t, x, label });
    x += width;
  }
  if (row.length) rows.push(row);
  return rows;
}

/** Draws a raster trace's RGBA pixels (row 0 at the bottom) into the box from (left, top) to (right, bottom). */
function drawRaster(ctx: CanvasRenderingContext2D, t: Any, left: number, top: number, right: number, bottom: number): void {
  const { width, height, rgba } = t as { width: number; height: number; rgba: Uint8ClampedArray };
  if (!(width > 0 && height > 0) || rgba.length !== width * height * 4) return;
  const img = document.createElement('canvas');
  img.width = width;
  img.height = height;
  const ic = img.getContext('2d');
  if (!ic) return;
  const flipped = new Uint8ClampedArray(rgba.length);
  const row = width * 4;
  for (let j = 0; j < height; j++) flipped.set(rgba.subarray(j * row, (j + 1) * row), (height - 1 - j) * row);
  ic.putImageData(new ImageData(flipped, width, height), 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(img, left, top, right - left, bottom - top);
}

/** The hover point nearest (x, y) within `radius` px, if any. */
export function nearestPoint(points: HoverPoint[], x: number, y: number, radius = 12): HoverPoint | undefined {
  let best: HoverPoint | undefined;
  let bestD = radius * radius;
  for (const p of points) {
    const d = (p.px - x) ** 2 + (p.py - y) ** 2;
    if (d <= bestD) { bestD = d; best = p; }
  }
  return best;
}
