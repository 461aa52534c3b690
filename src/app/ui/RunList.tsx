/** Finished, loaded and demo runs; pick one to see its table, or two to compare. */
import * as A from '../state/actions';
import { useApp } from './useApp';
import { Compare } from './Compare';
import { WatchedRuns } from './WatchedRuns';

export function RunList() {
  const runs = useApp((st) => st.runList);
  const selected = useApp((st) => st.selected);
  return (
    <section className="panel run-list" aria-labelledby="runs-heading">
      <h2 id="runs-heading">Runs</h2>
      <WatchedRuns />
      {runs.length === 0 ? (
        <p className="hint">Runs you add (or reset, or restart), files you open and demos you run appear here.</p>
      ) : (
        <ul>
          {runs.map((r) => (
            <li key={r.id} className={r.id === selected ? 'selected' : undefined}>
              <button type="button" className="link" aria-pressed={r.id === selected} onClick={() => A.selectRun(r.id)}>
                {r.name}
              </button>
              <small> {r.origin}{r.spectra.length > 1 ? `, ${r.spectra.length} seeds` : ''}{r.seedsPending ? ', fitting each run…' : ''}, {(r.ensemble ?? r.spectra[0])?.eigenvalues.length ?? 0} eigenvalues</small>
              <button type="button" className="dismiss" aria-label={`Remove ${r.name}`} onClick={() => A.removeRun(r.id)}>×</button>
            </li>
          ))}
        </ul>
      )}
      {runs.length >= 2 && <Compare />}
    </section>
  );
}
