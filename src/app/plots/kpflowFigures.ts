/** The KPFlow panel's pure figure builders (tested in Node: test/app/kpflowFigures.test.ts). */
import type { Data, Layout } from 'plotly.js';
import type { KpflowCheckpoint, KpflowResult } from '../../kpflow/analysis';
import type { PanelFigure } from './PanelPlot';

const OPS = [['K', 'K', '#1f77b4'], ['PPstar', 'P·P*', '#ff7f0e'], ['PKPstar', 'P·K·P*', '#2ca02c']] as const;
const base = (title: string, x: string, y: string, extra: Partial<Layout> = {}): Partial<Layout> => ({
  title: { text: title, font: { size: 13 } }, margin: { l: 55, r: 10, t: 30, b: 40 }, showlegend: true,
  xaxis: { title: { text: x } }, yaxis: { title: { text: y } }, ...extra,
});

/**
 * Our full-space effective rank (95 % of the trace over all [batch, time, hidden] directions) and participation ratio
 * of each operator against the training step. A null rank (only bounded, `> k` Lanczos steps) leaves a gap; 𝒫𝒫*'s
 * rank is exact when T·H ≤ 600 (analysis.ts).
 */
export function rankFigure(cks: readonly KpflowCheckpoint[]): PanelFigure {
  const steps = cks.map((c) => c.step), data: Data[] = [];
  for (const [k, label, color] of OPS) {
    data.push({ x: steps, y: cks.map((c) => c[k].effectiveRank), name: `eff. rank ${label}`, type: 'scatter', mode: 'lines+markers', line: { color } });
    data.push({ x: steps, y: cks.map((c) => c[k].participationRatio), name: `PR ${label}`, type: 'scatter', mode: 'lines+markers', line: { color, dash: 'dot' } });
  }
  // decades only on the log axis: plotly's default 2 and 5 minor labels crowded the decade labels into each other
  return { data, layout: base('Full-space eff. rank (95 % of trace) and PR', 'step', 'dimensions', { yaxis: { type: 'log', dtick: 1, title: { text: 'dimensions' } } }) };
}

/**
 * The KPFlow package's effective rank in unit space (H×H output covariance over random sign probes, 95 % of Σλ²) of
 * each operator, and the PCA dimension of the hidden states (participation ratio; components for 95 % of the
 * variance) against the training step. All are at most H.
 */
export function unitRankFigure(cks: readonly KpflowCheckpoint[]): PanelFigure {
  const steps = cks.map((c) => c.step), data: Data[] = [];
  for (const [k, label, color] of OPS) {
    data.push({ x: steps, y: cks.map((c) => c.unitRank[k].rank), name: `unit-space rank ${label}`, type: 'scatter', mode: 'lines+markers', line: { color } });
  }
  data.push({ x: steps, y: cks.map((c) => c.hiddenPca.participationRatio), name: 'hidden states: PR', type: 'scatter', mode: 'lines+markers', line: { color: '#000', dash: 'dot' } });
  data.push({ x: steps, y: cks.map((c) => c.hiddenPca.rank95), name: 'hidden states: 95 % PCs', type: 'scatter', mode: 'lines+markers', line: { color: '#000', dash: 'dash' } });
  return { data, layout: base('Unit-space rank (KPFlow) and hidden-state PCA', 'step', 'dimensions (≤ H)', { yaxis: { rangemode: 'tozero', title: { text: 'dimensions (≤ H)' } } }) };
}

/** The leading eigenvalues of each operator at every checkpoint (log scale). */
export function eigenFigure(cks: readonly KpflowCheckpoint[]): PanelFigure {
  const data: Data[] = [];
  for (const [k, label, color] of OPS) {
    const x: number[] = [], y: number[] = [];
    for (const c of cks) for (const v of c[k].top) { x.push(c.step); y.push(v); }
    data.push({ x, y, name: label, type: 'scatter', mode: 'markers', marker: { color, size: 5 } });
  }
  return { data, layout: base('Leading eigenvalues (Lanczos; exact for vanilla K)', 'step', 'eigenvalue', { yaxis: { type: 'log', dtick: 1, title: { text: 'eigenvalue' } } }) };
}

/** Misdirection alignment(PKP*, PP*) with its standard error (0 when exact), and the task alignments when there are several tasks. */
export function alignmentFigure(cks: readonly KpflowCheckpoint[], taskNames: readonly string[]): PanelFigure {
  const steps = cks.map((c) => c.step);
  const data: Data[] = [{
    x: steps, y: cks.map((c) => c.misdirection.value), name: 'alignment(P·K·P*, P·P*)', type: 'scatter', mode: 'lines+markers',
    error_y: { type: 'data', array: cks.map((c) => c.misdirection.stderr), visible: true }, line: { color: '#444' },
  }];
  const n = taskNames.length;
  if (n > 1) for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    data.push({ x: steps, y: cks.map((c) => c.taskAlignmentCumulative?.[i][j] ?? null), name: `${taskNames[i]} · ${taskNames[j]}`, type: 'scatter', mode: 'lines' });
  }
  return { data, layout: base(n > 1 ? 'Misdirection, and cumulative cos(δz_i, δz_j) between tasks' : 'Misdirection', 'step', 'cosine', { yaxis: { range: [-1.05, 1.05], title: { text: 'cosine' } } }) };
}

/** The Koopman eigenvalues of the run's recurrent weights on the unit circle. */
export function koopmanFigure(r: KpflowResult): PanelFigure {
  const th = Array.from({ length: 129 }, (_, i) => (2 * Math.PI * i) / 128);
  return {
    data: [
      { x: th.map(Math.cos), y: th.map(Math.sin), name: 'unit circle', type: 'scatter', mode: 'lines', line: { color: '#999', dash: 'dash', width: 1 }, hoverinfo: 'skip' },
      { x: r.koopman.eigenvalues.map((e) => e[0]), y: r.koopman.eigenvalues.map((e) => e[1]), name: 'λ (DMD of θ)', type: 'scatter', mode: 'markers', marker: { size: 8, color: '#d62728' } },
    ],
    layout: base(`Koopman spectrum (rank ${r.koopman.rank}, ${r.koopman.snapshots} snapshots)`, 'Re λ', 'Im λ', {
      xaxis: { title: { text: 'Re λ' }, range: [-1.15, 1.15] }, yaxis: { title: { text: 'Im λ' }, range: [-1.15, 1.15], scaleanchor: 'x' },
    }),
  };
}
