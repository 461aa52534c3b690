/**
 * The data and the model's output (the trainer worker's field: workers/field.ts), as TensorFlow Playground shows
 * them: for 2-feature classification the training points over the decision regions (each cell tinted with its most
 * likely class, more strongly the surer the model is, so the boundary is where the tint changes and fades); for
 * 2-feature regression the points over the predicted surface; for 1-feature regression the points and the fitted
 * curve. A pure figure builder like figures.ts (the raster trace is canvasFigure's own type).
 */
import type { Data, Layout } from 'plotly.js';
import type { FieldData, FieldGrid } from '../../workers/protocol';
import type { AppState } from '../state/store';
import { RASTER_TRACE } from './canvasFigure';
import type { Figure } from './figures';
import { fmt } from './series';

/** Class colours (the Playground's blue and orange first). */
export const CLASS_COLOURS = ['#1f6fb4', '#e8590c', '#2f9e44', '#ae3ec9', '#d6336c', '#868e96'];
const FIT_COLOUR = '#d6336c';

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * RGBA of the decision regions: per cell the most likely class's colour over white, with alpha rising from 0 (a
 * tie: the boundary) to 0.55 (certain).
 */
export function classRaster(f: FieldGrid): Uint8ClampedArray {
  const { n, outputs: C, values } = f;
  const out = new Uint8ClampedArray(n * n * 4);
  const colours = CLASS_COLOURS.map(rgb);
  for (let c = 0; c < n * n; c++) {
    let best = 0;
    for (let k = 1; k < C; k++) if (values[c * C + k] > values[c * C + best]) best = k;
    const sure = C > 1 ? (values[c * C + best] - 1 / C) / (1 - 1 / C) : 1;
    const [r, g, b] = colours[best % colours.length];
    out.set([r, g, b, Math.round(255 * 0.55 * Math.max(0, Math.min(1, sure)))], c * 4);
  }
  return out;
}

/** RGBA of a regression surface: blue (low) through white to orange (high) over [lo, hi]. */
export function valueRaster(f: FieldGrid, lo: number, hi: number): Uint8ClampedArray {
  const { n, values } = f;
  const out = new Uint8ClampedArray(n * n * 4);
  const [blue, orange] = [rgb(CLASS_COLOURS[0]), rgb(CLASS_COLOURS[1])];
  const mid = (lo + hi) / 2;
  const half = (hi - lo) / 2 || 1;
  for (let c = 0; c < n * n; c++) {
    const t = Math.max(-1, Math.min(1, (values[c] - mid) / half));
    const [r, g, b] = t < 0 ? blue : orange;
    out.set([r, g, b, Math.round(255 * 0.6 * Math.abs(t))], c * 4);
  }
  return out;
}

function extent(xs: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < xs.length; i++) { if (xs[i] < lo) lo = xs[i]; if (xs[i] > hi) hi = xs[i]; }
  return lo <= hi ? [lo, hi] : [0, 1];
}

function pointsTrace(d: FieldData, f: FieldGrid | undefined): Data[] {
  if (d.dims === 1) {
    return [{
      type: 'scatter', mode: 'markers', name: 'training data', x: Array.from(d.x), y: Array.from(d.y),
      marker: { size: 5, color: CLASS_COLOURS[0], opacity: 0.7 }, hovertemplate: 'x = %{x:.3f}<br>y = %{y:.3f}<extra></extra>',
    } as Data];
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < d.y.length; i++) { xs.push(d.x[2 * i]); ys.push(d.x[2 * i + 1]); }
  if (d.task === 'classification') {
    const colours = Array.from(d.y, (c) => CLASS_COLOURS[c % CLASS_COLOURS.length]);
    return [{
      type: 'scatter', mode: 'markers', name: 'training points', x: xs, y: ys, text: Array.from(d.y, (c) => `class ${c}`),
      marker: { size: 5, color: colours, line: { color: '#fff', width: 0.6 } }, hovertemplate: '(%{x:.2f}, %{y:.2f}) %{text}<extra></extra>',
    } as Data];
  }
  const [lo, hi] = f ? extent(f.values) : extent(d.y);
  const rgbs = Array.from(d.y, (v) => (v < (lo + hi) / 2 ? CLASS_COLOURS[0] : CLASS_COLOURS[1]));
  return [{
    type: 'scatter', mode: 'markers', name: 'training points', x: xs, y: ys, text: Array.from(d.y, (v) => `y = ${fmt(v)}`),
    marker: { size: 5, color: rgbs, line: { color: '#fff', width: 0.6 } }, hovertemplate: '(%{x:.2f}, %{y:.2f}) %{text}<extra></extra>',
  } as Data];
}

export function fieldFigure(state: AppState): Figure {
  const d = state.live.fieldData;
  const f = state.live.field;
  const data: Data[] = [];
  const layout: Partial<Layout> = {
    font: { family: 'system-ui, -apple-system, "Segoe UI", sans-serif', size: 12 },
    margin: { l: 48, r: 16, t: 24, b: 44 }, hovermode: 'closest', showlegend: false, annotations: [],
  };
  if (!d) {
    return { data, layout: { ...layout, xaxis: { visible: false }, yaxis: { visible: false } }, empty: true,
      emptyText: 'This data set has more than two input features, so its decision regions cannot be drawn.', summary: '' };
  }
  const [[x0, x1], [y0b, y1b] = [0, 1]] = d.bounds;
  const step = f ? ` · model at step ${f.step}` : '';
  if (d.dims === 2) {
    if (f && f.dims === 2) {
      const rgba = d.task === 'classification' ? classRaster(f) : valueRaster(f, ...extent(f.values));
      data.push({ type: RASTER_TRACE, width: f.n, height: f.n, rgba, x: [x0, x1], y: [y0b, y1b], hoverinfo: 'skip' } as unknown as Data);
    }
    data.push(...pointsTrace(d, f));
    layout.xaxis = { title: { text: 'x₁' }, range: [x0, x1], zeroline: false };
    layout.yaxis = { title: { text: 'x₂' }, range: [y0b, y1b], zeroline: false, scaleanchor: 'x', scaleratio: 1 };
  } else {
    data.push(...pointsTrace(d, f));
    if (f && f.dims === 1) {
      const xs = Array.from({ length: f.n }, (_, i) => x0 + ((x1 - x0) * i) / (f.n - 1));
      data.push({ type: 'scatter', mode: 'lines', name: 'model', x: xs, y: Array.from(f.values), line: { color: FIT_COLOUR, width: 2.5 },
        hovertemplate: 'x = %{x:.3f}<br>model %{y:.3f}<extra></extra>' } as Data);
    }
    const [lo, hi] = extent(d.y);
    const pad = 0.25 * (hi - lo || 1);
    layout.xaxis = { title: { text: 'x' }, range: [x0, x1], zeroline: false };
    layout.yaxis = { title: { text: 'y' }, range: [lo - pad, hi + pad], zeroline: false };
  }
  layout.annotations = [{
    xref: 'paper', yref: 'paper', x: 0, y: 1, xanchor: 'left', yanchor: 'bottom', showarrow: false, font: { size: 11, color: '#666' },
    text: `${d.dims === 2 ? (d.task === 'classification' ? 'decision regions' : 'predicted surface') : 'fitted curve'}${step}`,
  }];
  const what = d.dims === 2
    ? (d.task === 'classification' ? `the model's decision regions over ${d.y.length} training points of ${d.outputs} classes` : `the model's predicted surface over ${d.y.length} training points`)
    : `the model's fitted curve over ${d.y.length} training points`;
  return {
    data, layout, empty: false, emptyText: '',
    summary: f ? `Data and model: ${what}, at step ${f.step}.` : `Data: ${d.y.length} training points; the model's output appears when training starts.`,
  };
}
