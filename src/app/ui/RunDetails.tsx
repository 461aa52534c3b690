/**
 * The selected run-list entry: shape, warnings, its spectrum table (a trained ensemble's joint fit, else the first
 * seed) and exports; for a trained run still held by the Koopman worker, its trajectory as .npz.
 */
import * as A from '../state/actions';
import { cliCommand } from '../state/runConfig';
import { SpectrumTable } from './SpectrumTable';
import { useApp } from './useApp';

export function RunDetails() {
  const run = useApp((st) => st.runList.find((r) => r.id === st.selected));
  const config = useApp((st) => st.config.run);
  const recording = useApp((st) => st.status.recording);
  const exporting = useApp((st) => !!st.status.exporting);
  if (!run) return null;
  const cli = cliCommand(config);
  const report = run.ensemble ?? run.spectra[0];
  const held = run.origin === 'trained' && run.recording === recording;
  return (
    <section className="panel run-details" aria-labelledby="details-heading" data-testid="open-result">
      <h2 id="details-heading">{run.name}</h2>
      {run.spectra.length > 1 && (run.ensemble
        ? <p>{run.spectra.length} runs, each fitted alone on the same window (for the seed spread in Compare); the table shows the joint fit of all runs.</p>
        : <p>{run.spectra.length} seeds; the table shows the first.</p>)}
      {run.seedsPending && <p className="hint">Fitting each run of the ensemble alone…</p>}
      {run.fitThreads && (
        <p className="hint" data-testid="fit-threads">
          {run.fitThreads.count > 1
            ? `Fitted in the page on ${run.fitThreads.count} threads${run.fitThreads.late
              ? ` (${run.fitThreads.late} of the jobs ran on the first thread: the others did not pick them up in time)` : ''}.`
            : `Fitted on one thread: ${run.fitThreads.why ?? 'no other thread was available'}.`}
        </p>
      )}
      {report?.warnings.map((w, i) => <p key={i} className="warning">warning: {w}</p>)}
      {report && <SpectrumTable report={report} caption={run.name} />}
      <div className="row">
        <button type="button" onClick={() => A.exportSpectrumJson(run.id)}>Export spectrum (JSON)</button>
        <button type="button" onClick={() => A.exportSpectrumCsv(run.id)}>Export spectrum (CSV)</button>
      </div>
      {held && (
        <div className="row">
          <button type="button" onClick={() => void A.exportTrajectory()} disabled={exporting}>
            {exporting ? 'Exporting…' : 'Export trajectory (.npz)'}
          </button>
        </div>
      )}
      {run.origin === 'trained' && (
        <p className="hint">
          {held
            ? 'The trajectory is the current run as recorded so far in the Koopman worker (every run of the ensemble, with steps and loss). '
            : 'This run was reset or restarted since, so its recording is gone (export a run before resetting it). '}
          {cli !== undefined
            ? <>To record the same run from the command line (same preset and seeds; live learning-rate changes are not
              replayed): <code>{cli}</code></>
            : 'A custom run cannot be recorded from the command line (koopscope train takes presets): export its trajectory here, and share its link.'}
        </p>
      )}
    </section>
  );
}
