/**
 * The KPFlow panel (paper 2): pick an RNN preset, Run trains it and analyses KPFlow's operators in a worker
 * (src/workers/kpflow.worker.ts, the same code as `koopscope kpflow`), with progress and Cancel; the plots show effective
 * ranks / participation ratios (our full-space rule), the KPFlow package's unit-space ranks with the hidden-state PCA
 * dimension, leading eigenvalues, misdirection and task alignment over training, next to the
 * Koopman spectrum of the same run. Self-contained: local state and its own worker; errors show in an alert and
 * leave the page working.
 */
import { useMemo, useState } from 'react';
import { KPFLOW_PRESETS } from '../../kpflow/presets';
import type { KpflowCheckpoint, KpflowResult } from '../../kpflow/analysis';
import { kpflowInWorker } from '../client/kpflow';
import { alignmentFigure, eigenFigure, koopmanFigure, rankFigure, unitRankFigure } from '../plots/kpflowFigures';
import { PanelPlot as Plot, type PanelFigure } from '../plots/PanelPlot';
import { PresetJobControls } from './PresetJobControls';
import { useWorkerJob } from './useWorkerJob';

const PanelPlot = (p: { figure: PanelFigure; label: string }) => <Plot className="kpflow-plot" {...p} />;

export function KpflowPanel() {
  const [preset, setPreset] = useState(KPFLOW_PRESETS[0].name);
  const [quick, setQuick] = useState(true);
  const [checkpoints, setCheckpoints] = useState<KpflowCheckpoint[]>([]);
  const { state, start: startJob, cancel } = useWorkerJob<KpflowResult>();
  const start = () => {
    setCheckpoints([]);
    startJob(({ onProgress, guard }) => kpflowInWorker(preset, quick, onProgress, guard((c: KpflowCheckpoint) => setCheckpoints((cs) => [...cs, c]))), 'starting');
  };

  const result = state.kind === 'done' ? state.result : undefined;
  const cks = result?.checkpoints ?? checkpoints;
  const info = KPFLOW_PRESETS.find((p) => p.name === preset);
  const tasks = result?.taskNames ?? info?.full.tasks;
  // Built once per new checkpoint (or result), not on every render: each progress message (~200 a run) re-renders
  // the panel, and PanelPlot redraws with Plotly.react whenever its figure is a new object.
  const figures = useMemo(() => ({
    rank: rankFigure(cks), unit: unitRankFigure(cks), eigen: eigenFigure(cks), alignment: alignmentFigure(cks, tasks ?? []),
    koopman: result && koopmanFigure(result),
  }), [cks, tasks, result]);
  return (
    <section className="panel kpflow" aria-labelledby="kpflow-title">
      <h2 id="kpflow-title">KPFlow view of RNN training (paper 2)</h2>
      <p className="hint">
        A small recurrent network learns a memory task in float64; at checkpoints, the parameter operator K, the
        propagator products P·P* and P·K·P* (the hidden-state NTK) are summarised matrix-free: leading eigenvalues,
        effective rank (95 % of the trace over all directions) and participation ratio, the KPFlow package's effective
        rank in unit space (95 % of Σλ² of the H×H output covariance) beside the PCA dimension of the hidden states, the misdirection alignment(P·K·P*, P·P*) and, for
        the multi-task preset, how aligned the tasks' state updates are. Same code as <code>koopscope kpflow</code>.
      </p>
      <PresetJobControls id="kpflow" presets={KPFLOW_PRESETS.map((p) => p.name)} preset={preset} onPreset={setPreset} quick={quick} onQuick={setQuick}
        state={state} onRun={start} onCancel={cancel}>
        {info && <p className="hint">{info.description}{quick ? ' (quick: hidden 16, T = 30, batch 8, 300 steps; 5–15 s)' : ' (hidden 32, T = 45, batch 16, 400 steps; one to a few minutes)'}</p>}
      </PresetJobControls>
      {cks.length > 0 && (
        <div className="kpflow-grid">
          <PanelPlot figure={figures.rank} label="Full-space effective rank and participation ratio of K, P P* and P K P* against training step" />
          <PanelPlot figure={figures.unit} label="Unit-space effective rank of K, P P* and P K P* and hidden-state PCA dimension against training step" />
          <PanelPlot figure={figures.eigen} label="Leading eigenvalues of K, P P* and P K P* against training step" />
          <PanelPlot figure={figures.alignment} label="Misdirection and task alignment against training step" />
          {figures.koopman && <PanelPlot figure={figures.koopman} label="Koopman spectrum of the recurrent weights of the same run" />}
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
