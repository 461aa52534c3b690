/**
 * The Lyapunov panel (paper 3): pick a preset; Run computes finite-time Lyapunov exponents of gradient descent in a
 * worker (client/lyapunov.worker.ts, the same code as `koopscope lyapunov`), with progress and Cancel. Plots:
 * the quadratic check (FTLEs → ln|1 − ηh| with DMD's ln|λ| of the same run), one regression run's exponents, loss
 * and CLV angles, or the many-runs experiment: λ₁ over training and the scatter of λ₁ at a chosen checkpoint
 * against the final loss (slider), with Spearman ρ per checkpoint. Self-contained: local state and its own worker;
 * errors show in an alert and leave the page working.
 */
import { useMemo, useState } from 'react';
import { LYAPUNOV_PRESETS, type LyapunovReport } from '../../lyapunov/presets';
import {
  ensembleExponentFigure, lyapunovInWorker, quadraticFigure, regressionExponentFigure, regressionLossFigure, rhoFigure,
  scatterFigure,
} from '../client/lyapunov';
import { PanelPlot, type PanelFigure } from '../plots/PanelPlot';
import { PresetJobControls } from './PresetJobControls';
import { useWorkerJob } from './useWorkerJob';

const LyapunovPlot = (p: { figure: PanelFigure; label: string }) => <PanelPlot className="lyapunov-plot" {...p} />;

function Result({ report }: { report: LyapunovReport }) {
  const r = report.result;
  const [w, setW] = useState(r.kind === 'ensemble' ? Math.floor((r.checkpoints.length - 1) / 2) : 0);
  const figures = useMemo(() => {
    if (r.kind === 'quadratic') return [quadraticFigure(r)];
    if (r.kind === 'regression') return [regressionExponentFigure(r), regressionLossFigure(r)];
    return [ensembleExponentFigure(r), rhoFigure(r)];
  }, [r]);
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
      <div className="hint" data-testid="lyapunov-summary">
        {r.kind === 'quadratic' && (
          <p>
            ln|1 − ηh| = {r.exact.map((x) => x.toFixed(5)).join(', ')}; FTLE over [0, {r.windows[r.windows.length - 1].tau}) ={' '}
            {r.windows[r.windows.length - 1].ftle.map((x) => x.toFixed(5)).join(', ')}; within the O(1/τ) bound:{' '}
            {r.windows.every((x) => x.withinBound) ? 'yes' : 'NO'}. DMD of the same run: λ = {r.dmd.eigenvalues.map(([re, im]) => (im === 0 ? re.toFixed(4) : `${re.toFixed(3)}±${Math.abs(im).toFixed(3)}i`)).join(', ')}
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
