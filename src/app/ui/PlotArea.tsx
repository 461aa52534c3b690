/**
 * The live plots (components from ../plots read the store themselves), the snapshot scrubber under the spectrum,
 * the table toggle and the live exports (spectrum, images, and the recorded trajectory as .npz).
 */
import { exportPlot, FieldPlot, LossPlot, SingularValuesPlot, SpectrumPlot, W1Timeline, type PlotKind } from '../plots';
import * as A from '../state/actions';
import { trainConfigFor } from '../state/runConfig';
import { spectrumFreshness } from '../state/liveStatus';
import type { AppState } from '../state/store';
import { Explain } from './Explain';
import { LiveTable } from './LiveTable';
import { Scrubber } from './Scrubber';
import { TourButton, TourCard } from './Tour';
import { useApp, useAppShallow, useThrottledApp } from './useApp';

const freshnessOf = (s: AppState) => spectrumFreshness(s);
const freshnessChanged = (s: AppState, prev: AppState): boolean | 'now' =>
  s.status.recording !== prev.status.recording || (s.live.spectrum === undefined) !== (prev.live.spectrum === undefined) ? 'now'
    : s.live.spectrumStep !== prev.live.spectrumStep || s.status.step !== prev.status.step || s.scrub.end !== prev.scrub.end;

/**
 * Which run and step the spectrum on screen belongs to, and the training step beside it (4 updates a second): says
 * so when the analysis falls behind.
 */
function SpectrumFreshness() {
  const f = useThrottledApp(freshnessOf, freshnessChanged, 250);
  if (!f.text) return null;
  return <p className={`spectrum-freshness${f.behind ? ' behind' : ''}`} data-testid="spectrum-freshness" data-behind={f.behind}>{f.text}</p>;
}

/**
 * The spiral preset's data has noise σ = 0.1 on every point, so the two arms overlap: the Bayes-optimal classifier of
 * the generating distribution is right on about 83 % of points (a Monte Carlo estimate, 20 000 points), and a net
 * that goes on fitting the training set learns its noise, so the test loss climbs after a while.
 */
function NoiseNote() {
  const noise = useApp((st) => {
    if (st.config.run.preset !== 'spiral') return 0;
    const d = trainConfigForSafe(st);
    return d && d.kind === 'spiral' ? d.noise : 0;
  });
  if (!(noise > 0)) return null;
  return (
    <p className="plot-note" data-testid="noise-note">
      The spiral points carry noise σ = {noise}, so the arms overlap: {noise === 0.1 ? 'about 83 %' : 'less than 100 %'} test
      accuracy is the best any model can do, and the test loss rises once the net starts fitting the training set's noise (overfitting), not because training broke.
    </p>
  );
}

function trainConfigForSafe(st: AppState) {
  try { return trainConfigFor(st.config.run).data; } catch { return undefined; }
}

function saveImage(kind: PlotKind) {
  exportPlot(kind, 'png').catch((e: Error) => A.addNotice({ kind: 'info', text: e.message }));
}

export function PlotArea() {
  const view = useAppShallow((st) => st.config.view);
  const exporting = useApp((st) => !!st.status.exporting);
  // a boolean of live data (changes once per run): whether the run's data has a field view
  const hasField = useApp((st) => st.live.fieldData !== undefined);
  return (
    <section className="plots" aria-labelledby="plots-heading">
      <h2 id="plots-heading" className="visually-hidden">Live plots</h2>
      <div className="view-toolbar" role="group" aria-label="Spectrum view">
        <label className="check"><input type="checkbox" checked={view.plane === 'continuous'}
          onChange={(e) => A.setView({ plane: e.target.checked ? 'continuous' : 'discrete' })} /> continuous time (log λ/Δt)</label>
        <label className="check"><input type="checkbox" checked={view.zoom === 'near1'}
          onChange={(e) => A.setView({ zoom: e.target.checked ? 'near1' : 'unit' })} /> zoom near λ = 1</label>
        <label className="check"><input type="checkbox" checked={view.table} onChange={(e) => A.setView({ table: e.target.checked })} /> table</label>
        <label className="check"><input type="checkbox" checked={view.logLoss} onChange={(e) => A.setView({ logLoss: e.target.checked })} /> log loss</label>
        <label className="field inline"><span>smoothing</span>
          <input type="range" min={0} max={0.99} step={0.01} value={view.smoothing} onChange={(e) => A.setView({ smoothing: Number(e.target.value) })} />
        </label>
        <TourButton />
      </div>
      <TourCard />
      <div className="plot-grid">
        {/* the spectrum grows to fill its cell and the scrubber sits below it inside the frame (app.css) */}
        <figure className="plot spectrum-plot"><SpectrumFreshness /><SpectrumPlot /><Scrubber /></figure>
        <figure className="plot loss-plot"><LossPlot /><NoiseNote /></figure>
        {hasField && <figure className="plot field-plot" data-testid="field-plot"><FieldPlot /></figure>}
        <figure className="plot"><SingularValuesPlot /></figure>
        <figure className="plot"><W1Timeline /></figure>
      </div>
      <Explain />
      {view.table && <LiveTable />}
      <div className="row">
        <button type="button" onClick={() => A.exportSpectrumJson('live')}>Export live spectrum (JSON)</button>
        <button type="button" onClick={() => A.exportSpectrumCsv('live')}>CSV</button>
        <button type="button" onClick={() => saveImage('spectrum')}>Save spectrum image</button>
        <button type="button" onClick={() => saveImage('loss')}>Save loss image</button>
        <button type="button" onClick={() => void A.exportTrajectory()} disabled={exporting}
          title="The weight snapshots recorded so far (every run), with steps and loss, as .npz (numpy.load, koopscope)">
          {exporting ? 'Exporting…' : 'Export trajectory (.npz)'}
        </button>
      </div>
    </section>
  );
}
