/**
 * The live plots (components from ../plots read the store themselves), the snapshot scrubber under the spectrum,
 * the table toggle and the live exports (spectrum, images, and the recorded trajectory as .npz).
 */
import { exportPlot, LossPlot, SingularValuesPlot, SpectrumPlot, W1Timeline, type PlotKind } from '../plots';
import * as A from '../state/actions';
import { LiveTable } from './LiveTable';
import { Scrubber } from './Scrubber';
import { useApp, useAppShallow } from './useApp';

function saveImage(kind: PlotKind) {
  exportPlot(kind, 'png').catch((e: Error) => A.addNotice({ kind: 'info', text: e.message }));
}

export function PlotArea() {
  const view = useAppShallow((st) => st.config.view);
  const exporting = useApp((st) => !!st.status.exporting);
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
      </div>
      <div className="plot-grid">
        <figure className="plot spectrum-plot"><SpectrumPlot /><Scrubber /></figure>
        <figure className="plot"><LossPlot /></figure>
        <figure className="plot"><SingularValuesPlot /></figure>
        <figure className="plot"><W1Timeline /></figure>
      </div>
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
