/** The selected run-list entry: shape, warnings, its spectrum table (first seed) and exports. */
import * as A from '../state/actions';
import { cliCommand } from '../state/runConfig';
import { SpectrumTable } from './SpectrumTable';
import { useApp } from './useApp';

export function RunDetails() {
  const run = useApp((st) => st.runList.find((r) => r.id === st.selected));
  const config = useApp((st) => st.config.run);
  if (!run) return null;
  const report = run.spectra[0];
  return (
    <section className="panel run-details" aria-labelledby="details-heading" data-testid="open-result">
      <h2 id="details-heading">{run.name}</h2>
      {run.spectra.length > 1 && <p>{run.spectra.length} seeds; the table shows the first.</p>}
      {report?.warnings.map((w, i) => <p key={i} className="warning">warning: {w}</p>)}
      {report && <SpectrumTable report={report} caption={run.name} />}
      <div className="row">
        <button type="button" onClick={() => A.exportSpectrumJson(run.id)}>Export spectrum (JSON)</button>
        <button type="button" onClick={() => A.exportSpectrumCsv(run.id)}>Export spectrum (CSV)</button>
      </div>
      {run.origin === 'trained' && (
        <p className="hint">
          The browser keeps spectra, not weights (snapshots go straight from the training worker to the Koopman worker).
          To get this run's weight trajectory as <code>.npz</code>, record it with the command line
          (same preset and seeds; live learning-rate changes are not replayed): <code>{cliCommand(config)}</code>
        </p>
      )}
    </section>
  );
}
