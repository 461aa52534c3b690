/**
 * The Lyapunov panel (paper 3): pick a preset; Run computes finite-time Lyapunov exponents of gradient descent in a
 * worker (src/workers/lyapunov.worker.ts, the same code as `koopscope lyapunov`), with progress and Cancel. Plots:
 * the quadratic check (FTLEs → ln|1 − ηh| with DMD's ln|λ| of the same run), one regression run's exponents, loss
 * and CLV angles, or the many-runs experiment: λ₁ over training and the scatter of λ₁ at a chosen checkpoint
 * against the final loss (slider), with Spearman ρ per checkpoint for every indicator beside the baseline (the
 * current loss), and a table of ρ and partial ρ given the current loss for seed set A and its replication B, with
 * Holm-significant cells marked (*, bold). Self-contained: local state and its own worker;
 * errors show in an alert and leave the page working.
 */
import { useMemo, useState } from 'react';
import { INDICATOR_LABEL, type CorrelationRow, type EnsembleResult } from '../../lyapunov/experiment';
import { LYAPUNOV_PRESETS, type LyapunovReport } from '../../lyapunov/presets';
import { formatConjugatePair } from '../../linalg/complexText';
import { lyapunovInWorker } from '../client/lyapunov';
import {
  ensembleExponentFigure, ensembleGroups, quadraticFigure, regressionExponentFigure, regressionLossFigure, rhoFigure, scatterFigure,
} from '../plots/lyapunovFigures';
import { PanelPlot, type PanelFigure } from '../plots/PanelPlot';
import { PresetJobControls } from './PresetJobControls';
import { useWorkerJob } from './useWorkerJob';

/**
 * ρ (and, below each exponent indicator, the partial ρ given the current loss) per checkpoint for one group, seed
 * sets side by side; a cell significant after Holm (adjusted p < alpha) is bold with a *.
 */
function SignificanceTable({ r, group }: { r: EnsembleResult; group: CorrelationRow['group'] }) {
  const cp = r.checkpoints, sel = cp.length <= 10 ? [...cp.keys()] : [...cp.keys()].filter((i) => i % Math.ceil(cp.length / 10) === 0 || i === cp.length - 1);
  const cell = (v: number, q: number, key: number) => {
    const sig = q < r.spec.alpha;
    return <td key={key} className={sig ? 'significant' : undefined} title={Number.isFinite(q) ? `Holm-adjusted p = ${q.toPrecision(2)}` : 'not defined'}>
      {Number.isFinite(v) ? `${v.toFixed(2)}${sig ? '*' : ''}` : 'n/a'}</td>;
  };
  const rows = r.correlations.filter((c) => c.group === group);
  return (
    <table className="lyapunov-table" data-testid="lyapunov-significance">
      <caption>Spearman ρ with ln(final loss), {group === 'all' ? 'all runs' : group}; “| loss”: partial ρ given the current loss; * bold: significant after Holm over checkpoints × indicators (α = {r.spec.alpha})</caption>
      <thead><tr><th>set</th><th>indicator</th>{sel.map((i) => <th key={i}>@{cp[i]}</th>)}</tr></thead>
      <tbody>
        {rows.flatMap((c) => [
          <tr key={`${c.seedSet}-${c.indicator}`} className={c.indicator === 'loss' ? 'baseline' : undefined}><td>{c.seedSet}</td><td>{INDICATOR_LABEL[c.indicator]}</td>{sel.map((i) => cell(c.rho[i], c.pAdj[i], i))}</tr>,
          ...(c.indicator === 'loss' ? [] : [<tr key={`${c.seedSet}-${c.indicator}-partial`} className="partial"><td /><td>  | loss</td>{sel.map((i) => cell(c.partial[i], c.partialPAdj[i], i))}</tr>]),
        ])}
      </tbody>
    </table>
  );
}

const LyapunovPlot = (p: { figure: PanelFigure; label: string }) => <PanelPlot className="lyapunov-plot" {...p} />;

function Result({ report }: { report: LyapunovReport }) {
  const r = report.result;
  const [w, setW] = useState(r.kind === 'ensemble' ? Math.floor((r.checkpoints.length - 1) / 2) : 0);
  const groups = r.kind === 'ensemble' ? ensembleGroups(r) : [];
  // default to the first activation (the pooled rows mix activations whose losses differ by orders of magnitude)
  const [group, setGroup] = useState<CorrelationRow['group']>(groups.find((g) => g !== 'all') ?? groups[0] ?? 'all');
  const figures = useMemo(() => {
    if (r.kind === 'quadratic') return [quadraticFigure(r)];
    if (r.kind === 'regression') return [regressionExponentFigure(r), regressionLossFigure(r)];
    return [ensembleExponentFigure(r), rhoFigure(r, group)];
  }, [r, group]);
  const scatter = useMemo(() => (r.kind === 'ensemble' ? scatterFigure(r, Math.min(w, r.checkpoints.length - 1)) : undefined), [r, w]);
  return (
    <>
      <div className="lyapunov-grid">
        {figures.map((f, i) => <LyapunovPlot key={`${report.preset}-${i}`} figure={f} label={typeof f.layout.title === 'object' ? f.layout.title?.text ?? '' : ''} />)}
        {scatter && r.kind === 'ensemble' && (
          <div>
            <LyapunovPlot figure={scatter} label="Top exponent at the chosen checkpoint against the final loss, every run" />
            <label className="lyapunov-slider">checkpoint: step {r.checkpoints[w]}{' '}
              <input type="range" min={0} max={r.checkpoints.length - 1} value={w} onChange={(e) => setW(Number(e.target.value))} data-testid="lyapunov-checkpoint" />
            </label>
          </div>
        )}
      </div>
      {r.kind === 'ensemble' && (
        <>
          <label className="lyapunov-slider">group:{' '}
            <select value={group} onChange={(e) => setGroup(e.target.value as CorrelationRow['group'])} data-testid="lyapunov-group">
              {groups.map((g) => <option key={g} value={g}>{g === 'all' ? 'all runs (pooled)' : g}</option>)}
            </select>
          </label>
          <SignificanceTable r={r} group={group} />
        </>
      )}
      <div className="hint" data-testid="lyapunov-summary">
        {r.kind === 'quadratic' && (
          <p>
            ln|1 − ηh| = {r.exact.map((x) => x.toFixed(5)).join(', ')}; FTLE over [0, {r.windows[r.windows.length - 1].tau}) ={' '}
            {r.windows[r.windows.length - 1].ftle.map((x) => x.toFixed(5)).join(', ')}; within the O(1/τ) bound:{' '}
            {r.windows.every((x) => x.withinBound) ? 'yes' : 'NO'}. DMD of the same run: λ = {r.dmd.eigenvalues.map(([re, im]) => formatConjugatePair(re, im, (x) => x.toFixed(3), (x) => x.toFixed(4))).join(', ')}
            {' '}(max error vs 1 − ηh: {r.dmd.maxErrorVsMultipliers.toExponential(1)}).
          </p>
        )}
        {r.kind === 'regression' && (
          <p>
            P = {r.P} parameters; loss {r.losses[0].toPrecision(3)} → {r.finalLoss.toPrecision(3)}; final Hessian eigenvalues in
            [{r.hessianRange[0].toPrecision(3)}, {r.hessianRange[1].toPrecision(3)}]
            {r.hessianRange[0] < 0 ? ' (a negative curvature: not yet at a minimum)' : ''}.
          </p>
        )}
        {r.kind === 'ensemble' && <ul>{r.reading.map((s) => <li key={s}>{s}</li>)}</ul>}
        <p>computed in {r.seconds.toFixed(1)} s</p>
      </div>
    </>
  );
}

export function LyapunovPanel() {
  const [preset, setPreset] = useState('quadratic');
  const [quick, setQuick] = useState(true);
  const { state, start: startJob, cancel } = useWorkerJob<LyapunovReport>();
  const start = () => startJob(({ onProgress }) => lyapunovInWorker(preset, quick, onProgress), 'starting');

  const info = LYAPUNOV_PRESETS.find((p) => p.name === preset);
  return (
    <section className="panel lyapunov" aria-labelledby="lyapunov-title">
      <h2 id="lyapunov-title">Lyapunov view of training (paper 3)</h2>
      <p className="hint">
        The tangent map of one gradient-descent step is J = I − η∇²C(w). Finite-time Lyapunov exponents (QR method on
        exact float64 Hessian–vector products) say how nearby training runs separate or merge, per step, over windows
        of τ steps. On a quadratic they converge to ln|1 − ηh|, which is ln|λ| of the DMD eigenvalues of the same run.
        Same code as <code>koopscope lyapunov</code>.
      </p>
      <PresetJobControls id="lyapunov" presets={LYAPUNOV_PRESETS.map((p) => p.name)} preset={preset} onPreset={setPreset} quick={quick} onQuick={setQuick}
        state={state} onRun={start} onCancel={cancel}>
        {info && <p className="hint">{info.description} (takes {quick ? info.runtime.quick : info.runtime.full})</p>}
      </PresetJobControls>
      {state.kind === 'done' && <Result key={`${state.result.preset}-${state.result.result.seconds}`} report={state.result} />}
    </section>
  );
}
