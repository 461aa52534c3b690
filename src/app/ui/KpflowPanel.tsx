/**
 * The KPFlow panel (paper 2): pick an RNN preset, Run trains it and analyses KPFlow's operators in a worker
 * (client/kpflow.worker.ts, the same code as `koopscope kpflow`), with progress and Cancel; the plots show effective
 * ranks / participation ratios, leading eigenvalues, misdirection and task alignment over training, next to the
 * Koopman spectrum of the same run. Self-contained: local state and its own worker; errors show in an alert and
 * leave the page working.
 */
import { useEffect, useRef, useState } from 'react';
import { KPFLOW_PRESETS } from '../../kpflow/presets';
import type { KpflowCheckpoint, KpflowResult } from '../../kpflow/analysis';
import { alignmentFigure, eigenFigure, kpflowInWorker, koopmanFigure, rankFigure, type KpflowHandle, type PanelFigure } from '../client/kpflow';
import { loadPlotly } from '../plots/loadPlotly';
import { ReproduceProgress } from './ReproduceResult';

type State =
  | { kind: 'idle' }
  | { kind: 'running'; fraction: number; phase: string }
  | { kind: 'failed'; message: string }
  | { kind: 'done'; result: KpflowResult };

/** One plotly figure in a div, redrawn with Plotly.react when `figure` changes; purged on unmount. */
function PanelPlot({ figure, label, height = 300 }: { figure: PanelFigure; label: string; height?: number }) {
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
    <figure className="kpflow-plot" aria-label={label}>
      {error ? <p role="alert" className="alert">{error}</p> : <div ref={div} style={{ height }} />}
    </figure>
  );
}

export function KpflowPanel() {
  const [preset, setPreset] = useState(KPFLOW_PRESETS[0].name);
  const [quick, setQuick] = useState(true);
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [checkpoints, setCheckpoints] = useState<KpflowCheckpoint[]>([]);
  const handle = useRef<KpflowHandle | null>(null);
  useEffect(() => () => handle.current?.cancel(), []);

  const start = () => {
    handle.current?.cancel();
    setCheckpoints([]);
    setState({ kind: 'running', fraction: 0, phase: 'starting' });
    let h: KpflowHandle;
    try {
      h = kpflowInWorker(preset, quick,
        (fraction, phase) => { if (handle.current === h) setState({ kind: 'running', fraction, phase }); },
        (c) => { if (handle.current === h) setCheckpoints((cs) => [...cs, c]); });
    } catch (e) {
      setState({ kind: 'failed', message: `could not start the worker: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    handle.current = h;
    h.done.then(
      (result) => { if (handle.current === h) { handle.current = null; setState({ kind: 'done', result }); } },
      (e: unknown) => { if (handle.current === h) { handle.current = null; setState({ kind: 'failed', message: e instanceof Error ? e.message : String(e) }); } },
    );
  };
  const cancel = () => { handle.current?.cancel(); handle.current = null; setState({ kind: 'idle' }); };

  const running = state.kind === 'running';
  const result = state.kind === 'done' ? state.result : undefined;
  const cks = result?.checkpoints ?? checkpoints;
  const tasks = result?.taskNames ?? KPFLOW_PRESETS.find((p) => p.name === preset)?.full.tasks ?? [];
  const description = KPFLOW_PRESETS.find((p) => p.name === preset)?.description;
  return (
    <section className="kpflow" aria-labelledby="kpflow-title">
      <h2 id="kpflow-title">KPFlow view of RNN training (paper 2)</h2>
      <p className="hint">
        A small recurrent network learns a memory task in float64; at checkpoints, the parameter operator K, the
        propagator products P·P* and P·K·P* (the hidden-state NTK) are summarised matrix-free: leading eigenvalues,
        effective rank (95 % of the trace) and participation ratio, the misdirection alignment(P·K·P*, P·P*) and, for
        the multi-task preset, how aligned the tasks' state updates are. Same code as <code>koopscope kpflow</code>.
      </p>
      <div className="row">
        <label>Preset{' '}
          <select value={preset} onChange={(e) => setPreset(e.target.value)} disabled={running} data-testid="kpflow-preset">
            {KPFLOW_PRESETS.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
          </select>
        </label>
        <label><input type="checkbox" checked={quick} onChange={(e) => setQuick(e.target.checked)} disabled={running} /> quick</label>
        <button type="button" onClick={start} disabled={running} data-testid="kpflow-run">{running ? 'Running…' : 'Run'}</button>
        {running && <button type="button" onClick={cancel}>Cancel</button>}
      </div>
      {description && <p className="hint">{description}{quick ? ' (quick: hidden 16, T = 30, batch 8, 300 steps; 5–15 s)' : ' (hidden 32, T = 45, batch 16, 400 steps; one to a few minutes)'}</p>}
      {running && <ReproduceProgress fraction={state.fraction} phase={state.phase} />}
      {state.kind === 'failed' && <p role="alert" className="alert">{state.message}</p>}
      {cks.length > 0 && (
        <div className="kpflow-grid">
          <PanelPlot figure={rankFigure(cks)} label="Effective rank and participation ratio of K, P P* and P K P* against training step" />
          <PanelPlot figure={eigenFigure(cks)} label="Leading eigenvalues of K, P P* and P K P* against training step" />
          <PanelPlot figure={alignmentFigure(cks, tasks)} label="Misdirection and task alignment against training step" />
          {result && <PanelPlot figure={koopmanFigure(result)} label="Koopman spectrum of the recurrent weights of the same run" />}
        </div>
      )}
      {result && (
        <p className="hint" data-testid="kpflow-summary">
          loss {result.losses[0].toPrecision(3)} → {result.losses[result.losses.length - 1].toPrecision(3)} in {result.seconds.toFixed(1)} s;
          {' '}{result.checkpoints[0]?.rankCheck ? `rank of K per unit ≤ ${result.checkpoints[0].rankCheck.bound}: ${result.checkpoints.every((c) => c.rankCheck?.pass) ? 'holds' : 'VIOLATED'} at every checkpoint; ` : ''}
          state dimension {String(result.settings.stateDim)}.
        </p>
      )}
    </section>
  );
}
