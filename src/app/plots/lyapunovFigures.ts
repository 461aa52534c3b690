/** The Lyapunov panel's pure figure builders (tested in Node: test/app/lyapunovFigures.test.ts). */
import type { Data, Layout } from 'plotly.js';
import { INDICATOR_LABEL, type CorrelationRow, type EnsembleResult } from '../../lyapunov/experiment';
import type { QuadraticResult } from '../../lyapunov/quadratic';
import type { RegressionRun } from '../../lyapunov/regression';
import type { PanelFigure } from './PanelPlot';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const base = (title: string, x: string, y: string, extra: Partial<Layout> = {}): Partial<Layout> => ({
  title: { text: title, font: { size: 13 } }, margin: { l: 60, r: 10, t: 30, b: 40 }, showlegend: true,
  xaxis: { title: { text: x } }, yaxis: { title: { text: y } }, ...extra,
});

/**
 * Quadratic: the running FTLE over [0, n) for each direction against n (log axis), converging at O(1/n) to the
 * dashed lines ln|1 − ηh|; DMD's ln|λ| of the same run as markers at the right edge.
 */
export function quadraticFigure(r: QuadraticResult): PanelFigure {
  const data: Data[] = [];
  const x0 = r.running.steps[0], x1 = r.running.steps[r.running.steps.length - 1];
  r.exact.forEach((e, i) => {
    const color = COLORS[i % COLORS.length];
    data.push({ x: r.running.steps, y: r.running.values.map((v) => v[i]), name: `λ${i + 1} (FTLE over [0, n))`, type: 'scatter', mode: 'lines', line: { color } });
    data.push({ x: [x0, x1], y: [e, e], name: `ln|1 − ηh| = ${e.toFixed(4)}`, type: 'scatter', mode: 'lines', line: { color, dash: 'dash', width: 1 }, hoverinfo: 'skip' });
  });
  data.push({ x: r.dmd.lnAbs.map(() => x1), y: r.dmd.lnAbs, name: 'ln|λ| of DMD (same run)', type: 'scatter', mode: 'markers', marker: { symbol: 'diamond', size: 10, color: '#000' } });
  return { data, layout: base(`FTLEs → ln|1 − ηh| (lr ${r.eta}); DMD λ = ${r.dmd.eigenvalues.map(([re]) => re.toFixed(3)).join(', ')}`, 'steps n (window [0, n))', 'exponent per step', { xaxis: { type: 'log', title: { text: 'steps n (window [0, n))' } } }) };
}

/** One run: the windowed FTLEs of each direction against the window's end step. */
export function regressionExponentFigure(r: RegressionRun): PanelFigure {
  const x = r.ftle.starts.map((s) => s + r.ftle.tau);
  const data: Data[] = Array.from({ length: r.spec.k }, (_, i) => ({
    x, y: r.ftle.values.map((v) => v[i]), name: `λ${i + 1}`, type: 'scatter', mode: 'lines+markers', line: { color: COLORS[i % COLORS.length] },
  }) as Data);
  const xe = x[x.length - 1];
  data.push({ x: r.hessianExponents.map(() => xe), y: r.hessianExponents, name: 'ln|1 − ηh| of the final Hessian', type: 'scatter', mode: 'markers', marker: { symbol: 'diamond', size: 9, color: '#000' } });
  return { data, layout: base(`FTLEs over windows of ${r.ftle.tau} steps (${r.spec.activation}, lr ${r.spec.eta})`, 'step (window end)', 'exponent per step') };
}

/** One run: the loss (log) and the smallest angle between CLVs (degrees, right axis). */
export function regressionLossFigure(r: RegressionRun): PanelFigure {
  const data: Data[] = [{ x: r.lossSteps, y: r.losses, name: 'training loss', type: 'scatter', mode: 'lines', line: { color: '#444' } }];
  if (r.clv) data.push({ x: r.clv.steps, y: r.clv.minAngle.map((a) => (a * 180) / Math.PI), name: 'smallest CLV angle (°)', type: 'scatter', mode: 'lines', yaxis: 'y2', line: { color: '#d62728' } });
  return { data, layout: base('Loss and the smallest angle between CLVs', 'step', 'loss', {
    yaxis: { type: 'log', title: { text: 'loss' } },
    yaxis2: { overlaying: 'y', side: 'right', range: [0, 90], title: { text: 'angle (°)' } },
    margin: { l: 60, r: 50, t: 30, b: 40 }, // room for the right axis
  }) };
}

/** Ensemble: the top exponent of every run of seed set A over training, one colour per activation. */
export function ensembleExponentFigure(r: EnsembleResult): PanelFigure {
  const data: Data[] = [];
  r.spec.activations.forEach((a, ai) => {
    r.runs.filter((x) => x.activation === a && x.seedSet === 'A').forEach((run, i) => {
      data.push({ x: r.checkpoints, y: run.ftle.map((v) => v[0]), name: a, legendgroup: a, showlegend: i === 0, type: 'scatter', mode: 'lines',
        line: { color: COLORS[ai % COLORS.length], width: 1 }, opacity: 0.5 });
    });
  });
  return { data, layout: base('λ₁ over training, every run (seed set A)', 'step (window end)', 'λ₁ per step') };
}

/** Ensemble (seed set A): λ₁ in the window ending at checkpoint `w` against the final loss (log), one colour per activation. */
export function scatterFigure(r: EnsembleResult, w: number): PanelFigure {
  const data: Data[] = r.spec.activations.map((a, ai) => {
    const runs = r.runs.filter((x) => x.activation === a && x.seedSet === 'A');
    return { x: runs.map((x) => x.ftle[w][0]), y: runs.map((x) => x.finalLoss), text: runs.map((x) => `seed ${x.seed}`), name: a,
      type: 'scatter', mode: 'markers', marker: { color: COLORS[ai % COLORS.length], size: 7 } } as Data;
  });
  const rows = r.correlations.filter((c) => c.seedSet === 'A' && c.indicator === 'lambda1');
  const pooled = rows.find((c) => c.group === 'all') ?? rows[0];
  const rho = pooled ? pooled.rho[w] : NaN;
  return { data, layout: base(`λ₁ at step ${r.checkpoints[w]} vs final loss: ρ = ${Number.isFinite(rho) ? rho.toFixed(2) : 'n/a'}`, `λ₁ in the window ending at step ${r.checkpoints[w]}`, 'final loss', {
    yaxis: { type: 'log', title: { text: 'final loss' } },
  }) };
}

/** The groups of an ensemble (pooled first when there is more than one activation). */
export const ensembleGroups = (r: EnsembleResult): CorrelationRow['group'][] => [...new Set(r.correlations.map((c) => c.group))];

/**
 * Ensemble, one group: Spearman ρ(indicator at the checkpoint, ln final loss) for every indicator, the baseline (the
 * current loss) in black; seed set A solid, the replication set B dashed. Filled markers: significant after Holm
 * (adjusted p < alpha); open markers: not.
 */
export function rhoFigure(r: EnsembleResult, group: CorrelationRow['group'] = ensembleGroups(r)[0]): PanelFigure {
  const rows = r.correlations.filter((c) => c.group === group);
  const inds = [...new Set(rows.map((c) => c.indicator))];
  const data: Data[] = rows.map((c) => {
    const color = c.indicator === 'loss' ? '#000' : COLORS[inds.indexOf(c.indicator) % COLORS.length];
    return {
      x: r.checkpoints, y: c.rho.map((v) => (Number.isFinite(v) ? v : null)), name: `${INDICATOR_LABEL[c.indicator]}, set ${c.seedSet}`,
      type: 'scatter', mode: 'lines+markers', legendgroup: c.indicator,
      line: { color, width: c.indicator === 'loss' ? 2.5 : 1.5, dash: c.seedSet === 'A' ? 'solid' : 'dash' },
      marker: { color, size: 7, symbol: c.pAdj.map((q) => (q < r.spec.alpha ? 'circle' : 'circle-open')) },
    } as Data;
  });
  return { data, layout: base(`ρ with the final loss, ${group === 'all' ? 'all runs' : group} (filled: Holm-significant)`, 'checkpoint (step)', 'ρ',
    { yaxis: { range: [-1.05, 1.05], title: { text: 'ρ' } } }) };
}
