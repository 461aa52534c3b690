/**
 * The runs of `koopscope watch` (state/watch.ts), shown only when the page is served by it: one line per run (values
 * per snapshot, snapshots held, last step, open or closed) and a button that shows it in the live view.
 */
import { useStore } from 'zustand';
import { watchRun, watchStore, type WatchSummary } from '../state/watch';

function describe(r: WatchSummary): string {
  const values = r.sketch ? `sketch of ${r.sketch.dim} (N = ${r.N})` : `N = ${r.n}`;
  return `${values}, Δt ${r.dt}, ${r.count} snapshot${r.count === 1 ? '' : 's'}${r.lastStep !== null ? `, step ${r.lastStep}` : ''}, ${r.closed ? 'closed' : 'open'}`;
}

export function WatchedRuns() {
  const enabled = useStore(watchStore, (s) => s.enabled);
  const runs = useStore(watchStore, (s) => s.runs);
  const watched = useStore(watchStore, (s) => s.watched);
  const stream = useStore(watchStore, (s) => s.stream);
  if (!enabled) return null;
  return (
    <div className="watched-runs" data-testid="watched-runs">
      <h3>Streamed by koopscope watch</h3>
      {runs.length === 0 ? (
        <p className="hint">No run yet: start a training script with the recorder (docs/python-recording.md); it appears here.</p>
      ) : (
        <ul>
          {runs.map((r) => (
            <li key={r.run} data-run={r.run} className={r.run === watched ? 'selected' : undefined}>
              <button type="button" className="link" aria-pressed={r.run === watched} onClick={() => watchRun(r.run)}>{r.run}</button>
              <small> {describe(r)}{r.run === watched && stream ? ` · shown: ${stream.next} received (${stream.state})` : ''}</small>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
