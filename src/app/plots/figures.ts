/**
 * Pure figure builders: store state in, plotly `data` + `layout` out (plus an accessible text summary). They build
 * new arrays on every call, so a plot can tell what changed by identity. The live view draws them on a canvas
 * (canvasFigure.ts); exports hand them to plotly (registry.ts).
 */
import type { Annotations, Data, Layout, Shape } from 'plotly.js';
import type { SpectrumReport } from '../../koopman/report';
import type { AppState, RunEntry } from '../state/store';
import { runLabel } from '../state/liveStatus';
import { decimateMinMax, emaDebiased, fmt, fmtComplex } from './series';

export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
  /** Nothing to show yet: the component overlays `emptyText`. */
  empty: boolean;
  emptyText: string;
  /** One or two sentences for screen readers (the plot's visually hidden description). */
  summary: string;
}

/**
 * Loss and W1 curves are decimated to this many points per trace (min–max, so spikes survive): ~1.5 points per
 * pixel of a ~400 px plot, and a quarter of the SVG path and plotly work of 2000 per trace.
 */
export const MAX_LINE_POINTS = 600;
/** Spectra of earlier windows drawn as a fading trail: at most this many windows, */
export const TRAIL_LENGTH = 8;
/** and fewer when they are large, so the trail stays under about this many points (SVG cost is per point). */
export const TRAIL_MAX_POINTS = 600;

const FONT = { family: 'system-ui, -apple-system, "Segoe UI", sans-serif', size: 12 };
const AXIS_GREY = '#888';
const TRAIL_GREY = '#8a8f98';
const RUN_COLOURS = ['#1f6fb4', '#e8590c'];
const RUN_SYMBOLS = ['circle', 'diamond'];
const TRAIN_COLOUR = '#1f6fb4';
const TEST_COLOUR = '#d6336c';

/**
 * Diverging about |λ| = 1: decaying modes blue, marginal (|λ| ≈ 1) amber, growing red. The midpoint is saturated
 * so the modes that matter most stand out on light and dark backgrounds alike.
 */
const ABS_COLOURSCALE: [number, string][] = [
  [0, '#2166ac'],
  [0.35, '#67a9cf'],
  [0.5, '#e0a100'],
  [0.7, '#e8603c'],
  [1, '#b2182b'],
];
const ABS_CMIN = 0.8;
const ABS_CMAX = 1.2;

/** The default "near 1" box (discrete plane); auto-fit widens it to the eigenvalues within NEAR1_RADIUS of 1. */
const NEAR1_BOX = { x: [0.9, 1.05] as [number, number], y: [-0.1, 0.1] as [number, number] };
const NEAR1_RADIUS = 0.25;

/** Line plots with nothing to show hide their axes (plotly's default empty ranges say nothing); the overlay speaks. */
function hideAxesWhenEmpty(layout: Partial<Layout>, empty: boolean): void {
  if (!empty) return;
  for (const key of ['xaxis', 'yaxis', 'yaxis2'] as const) {
    const axis = layout[key];
    if (axis) axis.visible = false;
  }
}

function baseLayout(uirevision: string): Partial<Layout> {
  return {
    font: FONT,
    margin: { l: 60, r: 16, t: 24, b: 48 },
    hovermode: 'closest',
    uirevision,
    autosize: true,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Spectrum

type Plane = AppState['config']['view']['plane'];

interface Pts {
  x: (number | null)[];
  y: (number | null)[];
}

/** The spectrum's points in the chosen plane: λ, or log(λ)/Δt (null where λ = 0). */
function planePoints(rep: SpectrumReport, plane: Plane): Pts {
  if (plane === 'discrete') return { x: rep.eigenvalues.map((e) => e[0]), y: rep.eigenvalues.map((e) => e[1]) };
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  rep.eigenvalues.forEach(([re, im], i) => {
    const ct = rep.details[i]?.ct;
    const dt = rep.dt > 0 ? rep.dt : 1;
    const cre = ct ? ct[0] : Math.log(Math.hypot(re, im)) / dt;
    const cim = ct ? ct[1] : Math.atan2(im, re) / dt;
    x.push(Number.isFinite(cre) ? cre : null);
    y.push(Number.isFinite(cim) ? cim : null);
  });
  return { x, y };
}

function absOf(rep: SpectrumReport, i: number): number {
  return rep.details[i]?.abs ?? Math.hypot(rep.eigenvalues[i][0], rep.eigenvalues[i][1]);
}

function hoverText(rep: SpectrumReport, i: number, prefix = ''): string {
  const [re, im] = rep.eigenvalues[i];
  const d = rep.details[i];
  const abs = absOf(rep, i);
  const lines = [
    `${prefix}λ = ${fmtComplex(re, im)}`,
    `|λ| = ${fmt(abs)}, arg λ = ${fmt(d?.arg ?? Math.atan2(im, re))} rad`,
    `growth ln|λ|/Δt = ${fmt(d?.growthRate)} per step`,
    `frequency = ${fmt(d?.frequency)} cycles per step`,
  ];
  if (d?.ct) lines.push(`log(λ)/Δt = ${fmtComplex(d.ct[0] ?? -Infinity, d.ct[1] ?? 0)}`);
  lines.push(`amplitude |b| = ${fmt(d?.amplitude)}`);
  return lines.join('<br>');
}

/** Marker sizes by amplitude: area ∝ |b|/max|b|, at least 5 px; 8 px where amplitudes are unknown. */
function amplitudeSizes(rep: SpectrumReport): number[] {
  const amps = rep.eigenvalues.map((_, i) => rep.details[i]?.amplitude);
  const max = Math.max(0, ...amps.map((a) => (a != null && Number.isFinite(a) ? a : 0)));
  return amps.map((a) => (a == null || !Number.isFinite(a) || max <= 0 ? 8 : 5 + 13 * Math.sqrt(Math.max(a, 0) / max)));
}

function liveSpectrumTrace(rep: SpectrumReport, plane: Plane): Data {
  const p = planePoints(rep, plane);
  return {
    type: 'scatter',
    mode: 'markers',
    name: 'eigenvalues',
    x: p.x,
    y: p.y,
    text: rep.eigenvalues.map((_, i) => hoverText(rep, i)),
    customdata: rep.eigenvalues.map((_, i) => i + 1),
    hovertemplate: '%{text}<extra>mode %{customdata}</extra>',
    marker: {
      size: amplitudeSizes(rep),
      color: rep.eigenvalues.map((_, i) => absOf(rep, i)),
      colorscale: ABS_COLOURSCALE,
      cmin: ABS_CMIN,
      cmax: ABS_CMAX,
      showscale: true,
      colorbar: { title: { text: '|λ|' }, thickness: 12, len: 0.8, tickvals: [0.8, 0.9, 1, 1.1, 1.2] },
      line: { color: '#fff', width: 0.5 },
      opacity: 0.95,
    },
    showlegend: false,
  } as Data;
}

function trailTrace(trail: SpectrumReport[], plane: Plane): Data {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  const opacity: number[] = [];
  trail.forEach((rep, k) => {
    const p = planePoints(rep, plane);
    const o = 0.1 + (0.35 * (k + 1)) / trail.length; // oldest faintest
    x.push(...p.x);
    y.push(...p.y);
    for (let i = 0; i < p.x.length; i++) opacity.push(o);
  });
  return {
    type: 'scatter',
    mode: 'markers',
    name: 'earlier windows',
    x,
    y,
    marker: { size: 4, color: TRAIL_GREY, opacity },
    hoverinfo: 'skip',
    showlegend: false,
  } as Data;
}

function runTrace(run: RunEntry, k: number, plane: Plane): Data {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  const text: string[] = [];
  const sizes: number[] = [];
  run.spectra.forEach((rep, s) => {
    const p = planePoints(rep, plane);
    x.push(...p.x);
    y.push(...p.y);
    const prefix = `${run.name}${run.spectra.length > 1 ? ` (seed ${s + 1})` : ''}<br>`;
    rep.eigenvalues.forEach((_, i) => text.push(hoverText(rep, i, prefix)));
    sizes.push(...amplitudeSizes(rep));
  });
  return {
    type: 'scatter',
    mode: 'markers',
    name: `${k === 0 ? 'A' : 'B'}: ${run.name}`,
    x,
    y,
    text,
    hovertemplate: '%{text}<extra></extra>',
    marker: { size: sizes, color: RUN_COLOURS[k], symbol: RUN_SYMBOLS[k], opacity: 0.8, line: { color: '#fff', width: 0.5 } },
  } as Data;
}

function finiteExtent(values: (number | null)[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** The "near 1" window: the default box widened to the eigenvalues within NEAR1_RADIUS of λ = 1, padded. */
function near1Ranges(spectra: SpectrumReport[], plane: Plane): { x: [number, number]; y: [number, number] } {
  const dt = spectra.find((s) => s.dt > 0)?.dt ?? 1;
  const toPlane = (re: number, im: number): [number, number] =>
    plane === 'discrete' ? [re, im] : [Math.log(Math.hypot(re, im)) / dt, Math.atan2(im, re) / dt];
  const [x0] = toPlane(NEAR1_BOX.x[0], 0);
  const [x1] = toPlane(NEAR1_BOX.x[1], 0);
  const y1 = plane === 'discrete' ? NEAR1_BOX.y[1] : NEAR1_BOX.y[1] / dt;
  const x: [number, number] = [x0, x1];
  const y: [number, number] = [-y1, y1];
  for (const rep of spectra) {
    for (const [re, im] of rep.eigenvalues) {
      if (Math.hypot(re - 1, im) >= NEAR1_RADIUS) continue;
      const [px, py] = toPlane(re, im);
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      x[0] = Math.min(x[0], px);
      x[1] = Math.max(x[1], px);
      y[0] = Math.min(y[0], py);
      y[1] = Math.max(y[1], py);
    }
  }
  const padX = 0.08 * (x[1] - x[0]);
  const padY = 0.08 * (y[1] - y[0]);
  return { x: [x[0] - padX, x[1] + padX], y: [y[0] - padY, y[1] + padY] };
}

function spectrumSummary(rep: SpectrumReport, label: string): string {
  const n = rep.eigenvalues.length;
  if (n === 0) return `${label}: no eigenvalues.`;
  const [re, im] = rep.eigenvalues[0];
  const outside = rep.eigenvalues.filter((_, i) => absOf(rep, i) >= 1).length;
  return `${label}: ${n} eigenvalue${n === 1 ? '' : 's'} (rank ${rep.rank}); largest |λ| = ${fmt(absOf(rep, 0))} at λ = ${fmtComplex(re, im)}; ${outside} on or outside the unit circle.`;
}

/** The run-list entries being compared (A then B; empty unless both are chosen): the spectrum plot shows them instead of the live window. */
export function comparedRuns({ compare, runList }: AppState): RunEntry[] {
  return compare.a !== undefined && compare.b !== undefined
    ? [runList.find((r) => r.id === compare.a), runList.find((r) => r.id === compare.b)].filter((r): r is RunEntry => !!r)
    : [];
}

export function spectrumFigure(state: AppState): Figure {
  const { plane, zoom } = state.config.view;
  const { live } = state;
  const runs = comparedRuns(state);
  const comparing = runs.length > 0;

  const data: Data[] = [];
  let shown: SpectrumReport[] = [];
  let summary: string;
  if (comparing) {
    runs.forEach((run, k) => data.push(runTrace(run, k, plane)));
    shown = runs.flatMap((r) => r.spectra);
    summary = `Comparing spectra. ${runs.map((r, k) => (r.spectra[0] ? spectrumSummary(r.spectra[0], `${k === 0 ? 'A' : 'B'} (${r.name})`) : `${r.name}: no spectrum.`)).join(' ')}`;
  } else {
    const perWindow = Math.max(1, live.spectrum?.eigenvalues.length ?? 1);
    const windows = Math.max(1, Math.min(TRAIL_LENGTH, Math.floor(TRAIL_MAX_POINTS / perWindow)));
    const trail = live.trail.filter((s) => s !== live.spectrum).slice(-windows);
    if (trail.length > 0) data.push(trailTrace(trail, plane));
    if (live.spectrum) data.push(liveSpectrumTrace(live.spectrum, plane));
    shown = live.spectrum ? [live.spectrum] : [];
    summary = live.spectrum ? spectrumSummary(live.spectrum, `Spectrum of the window ending at step ${live.spectrumStep}`) : '';
  }
  const empty = shown.every((s) => s.eigenvalues.length === 0);
  const emptyText = comparing
    ? 'The runs being compared have no spectra.'
    : 'No spectrum yet: start training, or open a trajectory file.';
  if (empty) summary = emptyText;

  const shapes: Partial<Shape>[] = [];
  const annotations: Partial<Annotations>[] = [];
  const layout: Partial<Layout> = {
    ...baseLayout(`spectrum:${plane}:${zoom}:${comparing ? 'compare' : 'live'}`),
    margin: { l: 60, r: 16, t: comparing ? 44 : 24, b: 48 },
    showlegend: comparing,
    legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
    shapes,
    annotations,
  };

  if (!comparing && live.spectrum) {
    // every live spectrum says whose it is and how old: the run (generation, preset, seed) and its window's end step
    const scrubbed = state.scrub.end !== undefined;
    annotations.push({
      xref: 'paper', yref: 'paper', x: 0, y: 1, xanchor: 'left', yanchor: 'bottom', showarrow: false,
      text: `${runLabel(state, live.spectrumGen)} · ${scrubbed ? 'scrubbed window' : 'window'} ending at step ${live.spectrumStep}`,
      font: { size: 11, color: '#666' },
    });
  }

  if (plane === 'discrete') {
    shapes.push({
      type: 'circle', xref: 'x', yref: 'y', x0: -1, y0: -1, x1: 1, y1: 1,
      line: { color: AXIS_GREY, dash: 'dot', width: 1 }, layer: 'below',
    });
    let xr: [number, number];
    let yr: [number, number];
    if (zoom === 'near1') ({ x: xr, y: yr } = near1Ranges(shown, plane));
    else {
      const maxAbs = Math.max(0, ...shown.flatMap((s) => s.eigenvalues.map((_, i) => absOf(s, i))).filter(Number.isFinite));
      const r = Math.max(1.3, 1.08 * maxAbs);
      xr = [-r, r];
      yr = [-r, r];
    }
    layout.xaxis = { title: { text: 'Re λ' }, range: xr, zeroline: true, zerolinecolor: '#ccc', constrain: 'domain' };
    layout.yaxis = { title: { text: 'Im λ' }, range: yr, zeroline: true, zerolinecolor: '#ccc', scaleanchor: 'x', scaleratio: 1, constrain: 'domain' };
  } else {
    // The imaginary axis Re ω = 0 is the image of the unit circle: left of it decays, right of it grows.
    shapes.push({
      type: 'line', xref: 'x', yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1,
      line: { color: AXIS_GREY, dash: 'dot', width: 1.5 }, layer: 'below',
    });
    annotations.push({
      xref: 'x', yref: 'paper', x: 0, y: 0, xanchor: 'left', yanchor: 'bottom', xshift: 3, showarrow: false,
      text: 'Re ω = 0 (|λ| = 1)', font: { size: 10, color: '#666' },
    });
    layout.xaxis = { title: { text: 'Re ω = ln|λ|/Δt (growth rate per step)' }, zeroline: false };
    layout.yaxis = { title: { text: 'Im ω = arg λ/Δt (rad per step)' }, zeroline: true, zerolinecolor: '#ccc' };
    if (zoom === 'near1') {
      const r = near1Ranges(shown, plane);
      layout.xaxis.range = r.x;
      layout.yaxis.range = r.y;
    } else {
      layout.xaxis.autorange = true;
      layout.yaxis.autorange = true;
    }
  }
  return { data, layout, empty, emptyText, summary };
}

// ---------------------------------------------------------------------------------------------------------------
// Loss

/** Raw (faint) and smoothed line traces of one series (`smoothed`: its EMA, undefined for none), decimated. */
function smoothedLine(xs: number[], ys: number[], smoothed: number[] | undefined, name: string, colour: string, yaxis?: string): Data[] {
  const traces: Data[] = [];
  const raw = decimateMinMax(xs, ys, MAX_LINE_POINTS);
  if (smoothed) {
    traces.push({
      type: 'scatter', mode: 'lines', name: `${name} (raw)`, x: raw.x, y: raw.y, yaxis,
      line: { color: colour, width: 1 }, opacity: 0.25, hoverinfo: 'skip', showlegend: false, legendgroup: name,
    } as Data);
    const s = decimateMinMax(xs, smoothed, MAX_LINE_POINTS);
    traces.push({
      type: 'scatter', mode: 'lines', name, x: s.x, y: s.y, yaxis, legendgroup: name,
      line: { color: colour, width: 2 }, hovertemplate: `step %{x}<br>${name} %{y:.4g} (smoothed)<extra></extra>`,
    } as Data);
  } else {
    traces.push({
      type: 'scatter', mode: 'lines', name, x: raw.x, y: raw.y, yaxis, legendgroup: name,
      line: { color: colour, width: 1.5 }, hovertemplate: `step %{x}<br>${name} %{y:.4g}<extra></extra>`,
    } as Data);
  }
  return traces;
}

function series<K extends 'loss' | 'testLoss' | 'trainAccuracy' | 'testAccuracy'>(
  losses: AppState['live']['losses'], key: K,
): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const p of losses) {
    const v = p[key];
    if (v === undefined || v === null) continue;
    x.push(p.step);
    y.push(v);
  }
  return { x, y };
}

export function lossFigure(state: AppState): Figure {
  const { logLoss, smoothing } = state.config.view;
  const losses = state.live.losses;
  const s = Math.min(Math.max(smoothing, 0), 0.999);
  const train = series(losses, 'loss');
  const test = series(losses, 'testLoss');
  const trainAcc = series(losses, 'trainAccuracy');
  const testAcc = series(losses, 'testAccuracy');
  const hasAcc = trainAcc.x.length + testAcc.x.length > 0;
  // the train EMA is computed once: the curve and the summary's last smoothed value both use it
  const trainSmoothed = s > 0 ? emaDebiased(train.y, s) : undefined;

  const data: Data[] = [...smoothedLine(train.x, train.y, trainSmoothed, 'train loss', TRAIN_COLOUR)];
  if (test.x.length) data.push(...smoothedLine(test.x, test.y, s > 0 ? emaDebiased(test.y, s) : undefined, 'test loss', TEST_COLOUR));
  for (const [acc, name, colour] of [[trainAcc, 'train accuracy', TRAIN_COLOUR], [testAcc, 'test accuracy', TEST_COLOUR]] as const) {
    if (!acc.x.length) continue;
    const d = decimateMinMax(acc.x, acc.y, MAX_LINE_POINTS);
    data.push({
      type: 'scatter', mode: 'lines', name, x: d.x, y: d.y, yaxis: 'y2',
      line: { color: colour, width: 1.5, dash: 'dot' }, hovertemplate: `step %{x}<br>${name} %{y:.3f}<extra></extra>`,
    } as Data);
  }

  const layout: Partial<Layout> = {
    ...baseLayout(`loss:${logLoss}`),
    margin: { l: 60, r: hasAcc ? 56 : 16, t: data.length > 1 ? 44 : 24, b: 44 },
    showlegend: data.length > 1,
    legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
    xaxis: { title: { text: 'step' }, zeroline: false },
    yaxis: { title: { text: 'loss' }, type: logLoss ? 'log' : 'linear', exponentformat: 'power' },
  };
  if (hasAcc) layout.yaxis2 = { title: { text: 'accuracy' }, overlaying: 'y', side: 'right', range: [0, 1.02], tickmode: 'linear', tick0: 0, dtick: 0.2, showgrid: false, zeroline: false };

  const empty = losses.length === 0;
  const emptyText = 'No loss yet: start training to see the loss curve.';
  let summary = emptyText;
  if (!empty) {
    const last = losses[losses.length - 1];
    const parts = [`Loss over ${losses.length} recorded steps. At step ${last.step}: train loss ${fmt(last.loss)}`];
    if (trainSmoothed?.length) parts[0] += ` (smoothed ${fmt(trainSmoothed.at(-1))})`;
    if (last.testLoss !== undefined) parts.push(`test loss ${fmt(last.testLoss)}`);
    if (last.trainAccuracy !== undefined) parts.push(`train accuracy ${fmt(last.trainAccuracy, 3)}`);
    if (last.testAccuracy !== undefined) parts.push(`test accuracy ${fmt(last.testAccuracy, 3)}`);
    summary = `${parts.join(', ')}.`;
  }
  hideAxesWhenEmpty(layout, empty);
  return { data, layout, empty, emptyText, summary };
}

// ---------------------------------------------------------------------------------------------------------------
// Singular values

export function singularValuesFigure(state: AppState): Figure {
  const rep = state.live.spectrum;
  const sv = rep?.singularValues ?? [];
  const rank = Math.min(rep?.rank ?? 0, sv.length);
  const idx = sv.map((_, i) => i + 1);
  const data: Data[] = [
    {
      type: 'scatter', mode: 'lines+markers', name: `kept (rank ${rank})`,
      x: idx.slice(0, rank), y: sv.slice(0, rank),
      marker: { color: TRAIN_COLOUR, size: 7 }, line: { color: TRAIN_COLOUR, width: 1.5 },
      hovertemplate: 'σ<sub>%{x}</sub> = %{y:.4g} (kept)<extra></extra>',
    } as Data,
    {
      type: 'scatter', mode: 'lines+markers', name: 'truncated',
      x: idx.slice(rank), y: sv.slice(rank),
      marker: { color: '#aab', size: 5 }, line: { color: '#aab', width: 1 },
      hovertemplate: 'σ<sub>%{x}</sub> = %{y:.4g} (truncated)<extra></extra>',
    } as Data,
  ];
  const shapes: Partial<Shape>[] = [];
  const annotations: Partial<Annotations>[] = [];
  if (rank > 0 && sv.length > 0) {
    shapes.push({
      type: 'line', xref: 'x', yref: 'paper', x0: rank + 0.5, x1: rank + 0.5, y0: 0, y1: 1,
      line: { color: '#d6336c', dash: 'dash', width: 1.5 }, layer: 'below',
    });
    annotations.push({
      xref: 'x', yref: 'paper', x: rank + 0.5, y: 0, xanchor: 'left', yanchor: 'bottom', xshift: 3, showarrow: false,
      text: `r = ${rank}`, font: { size: 11, color: '#d6336c' },
    });
  }
  const layout: Partial<Layout> = {
    ...baseLayout('singularValues'),
    showlegend: false,
    shapes,
    annotations,
    xaxis: { title: { text: 'index i' }, zeroline: false, rangemode: 'tozero' },
    yaxis: { title: { text: 'σ<sub>i</sub>' }, type: 'log', exponentformat: 'power' },
  };
  const empty = sv.length === 0;
  const emptyText = 'No singular values yet: they appear with the first spectrum.';
  const summary = empty
    ? emptyText
    : `${sv.length} singular values of the snapshot matrix, σ₁ = ${fmt(sv[0])} to σ${sv.length} = ${fmt(sv[sv.length - 1])}; the first ${rank} are kept${rank > 0 ? ` (σ_r = ${fmt(sv[rank - 1])})` : ''}.`;
  hideAxesWhenEmpty(layout, empty);
  return { data, layout, empty, emptyText, summary };
}

// ---------------------------------------------------------------------------------------------------------------
// W1 timeline

export function w1Figure(state: AppState): Figure {
  const w1 = state.live.w1;
  const d = decimateMinMax(w1.map((p) => p.step), w1.map((p) => p.w1), MAX_LINE_POINTS);
  const data: Data[] = [
    {
      type: 'scatter', mode: d.x.length <= 200 ? 'lines+markers' : 'lines', name: 'W1',
      x: d.x, y: d.y, marker: { size: 4, color: TRAIN_COLOUR }, line: { color: TRAIN_COLOUR, width: 1.5 },
      hovertemplate: 'step %{x}<br>W1 = %{y:.4g}<extra></extra>',
    } as Data,
  ];
  const layout: Partial<Layout> = {
    ...baseLayout('w1'),
    showlegend: false,
    xaxis: { title: { text: 'step' }, zeroline: false },
    yaxis: { title: { text: 'W1 to previous window' }, type: 'log', exponentformat: 'power' },
  };
  const empty = w1.length === 0;
  const emptyText = 'No W1 yet: it needs two consecutive spectra.';
  const last = w1[w1.length - 1];
  const summary = empty
    ? emptyText
    : `Wasserstein-1 distance between consecutive window spectra over ${w1.length} windows; latest ${fmt(last.w1)} at step ${last.step}, largest ${fmt(w1.reduce((m, p) => (p.w1 > m ? p.w1 : m), -Infinity))}.`;
  hideAxesWhenEmpty(layout, empty);
  return { data, layout, empty, emptyText, summary };
}
