/**
 * The Lyapunov panel (paper 3): pick a preset; Run computes finite-time Lyapunov exponents of gradient descent in a
 * worker (client/lyapunov.worker.ts, the same code as `koopscope lyapunov`), with progress and Cancel. Plots:
 * the quadratic check (FTLEs → ln|1 − ηh| with DMD's ln|λ| of the same run), one regression run's exponents, loss
 * and CLV angles, or the many-runs experiment: λ₁ over training and the scatter of λ₁ at a chosen checkpoint
 * against the final loss (slider), with Spearman ρ per checkpoint. Self-contained: local state and its own worker;
 * errors show in an alert and leave the page working.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { LYAPUNOV_PRESETS, type LyapunovReport } from '../../lyapunov/presets';
import {
  ensembleExponentFigure, lyapunovInWorker, quadraticFigure, regressionExponentFigure, regressionLossFigure, rhoFigure,
  scatterFigure, type LyapunovHandle, type PanelFigure,
} from '../client/lyapunov';
import { loadPlotly } from '../plots/loadPlotly';
import { ReproduceProgress } from './ReproduceResult';

type State =
  | { kind: 'idle' }
  | { kind: 'running'; fraction: number; phase: string }
  | { kind: 'failed'; message: string }
  | { kind: 'done'; report: LyapunovReport };

/** One plotly figure in a div, redrawn with Plotly.react when `figure` changes; purged on unmount. */
function LyapunovPlot({ figure, label, height = 300 }: { figure: PanelFigure; label: string; height?: number }) {
  const div = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    loadPlotly().then(
      (P) => { if (live && div.current) void P.react(div.current, figure.data, { ...figure.layout, height, autosize: true }, { responsive: true, displaylogo: false }); },
      (e: unknown) => { if (live) setError(`plots are unavailable: ${e instanceof Error ? e.message : String(e)}`); },
    );
    return () => { live = false; };
  }, [figure, height]);
  useEffect(() => () => { const d = div.current; if (d) void loadPlotly().then((P) => P.purge(d), () => undefined); }, []);
  return (
    <figure className="lyapunov-plot" aria-label={label}>
      {error ? <p role="alert" className="alert">{error}</p> : <div ref={div} style={{ height }} />}
    </figure>
  );
}

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
  const [state, setState] = useState<State>({ kind: 'idle' });
  const handle = useRef<LyapunovHandle | null>(null);
  useEffect(() => () => handle.current?.cancel(), []);

  const start = () => {
    handle.current?.cancel();
    setState({ kind: 'running', fraction: 0, phase: 'starting' });
    let h: LyapunovHandle;
    try {
      h = lyapunovInWorker(preset, quick, (fraction, phase) => { if (handle.current === h) setState({ kind: 'running', fraction, phase }); });
    } catch (e) {
      setState({ kind: 'failed', message: `could not start the worker: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    handle.current = h;
    h.done.then(
      (report) => { if (handle.current === h) { handle.current = null; setState({ kind: 'done', report }); } },
      (e: unknown) => { if (handle.current === h) { handle.current = null; setState({ kind: 'failed', message: e instanceof Error ? e.message : String(e) }); } },
    );
  };
  const cancel = () => { handle.current?.cancel(); handle.current = null; setState({ kind: 'idle' }); };

  const running = state.kind === 'running';
  const info = LYAPUNOV_PRESETS.find((p) => p.name === preset);
  return (
    <section className="lyapunov" aria-labelledby="lyapunov-title">
      <h2 id="lyapunov-title">Lyapunov view of training (paper 3)</h2>
      <p className="hint">
        The tangent map of one gradient-descent step is J = I − η∇²C(w). Finite-time Lyapunov exponents (QR method on
        exact float64 Hessian–vector products) say how nearby training runs separate or merge, per step, over windows
        of τ steps. On a quadratic they converge to ln|1 − ηh|, which is ln|λ| of the DMD eigenvalues of the same run.
        Same code as <code>koopscope lyapunov</code>.
      </p>
      <div className="row">
        <label>Preset{' '}
          <select value={preset} onChange={(e) => setPreset(e.target.value)} disabled={running} data-testid="lyapunov-preset">
            {LYAPUNOV_PRESETS.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
          </select>
        </label>
        <label><input type="checkbox" checked={quick} onChange={(e) => setQuick(e.target.checked)} disabled={running} /> quick</label>
        <button type="button" onClick={start} disabled={running} data-testid="lyapunov-run">{running ? 'Running…' : 'Run'}</button>
        {running && <button type="button" onClick={cancel}>Cancel</button>}
      </div>
      {info && <p className="hint">{info.description} (about {quick ? info.runtime.quick : info.runtime.full})</p>}
      {running && <ReproduceProgress fraction={state.fraction} phase={state.phase} />}
      {state.kind === 'failed' && <p role="alert" className="alert">{state.message}</p>}
      {state.kind === 'done' && <Result key={`${state.report.preset}-${state.report.result.seconds}`} report={state.report} />}
    </section>
  );
}
