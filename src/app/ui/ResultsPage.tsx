/**
 * The results page: paper 1's experiments as we reproduced them, from runs recorded with
 * `node scripts/record-results.mjs` (src/reproduce/recorded/*.json: the command, its wall time and machine, and the
 * untouched `koopscope reproduce --json` result). A summary table (what ran, the verdict, how long it took) and, per
 * entry, the full result (distances next to the paper's values, nulls, settings, reductions) as the gallery shows a
 * fresh quick run. The files load when the section is first opened (a separate chunk per file), not with the page.
 */
import { checkRecorded, formatDuration, sortRecorded, type RecordedEntry } from '../../reproduce/recorded';
import { ReproduceResult } from './ReproduceResult';
import { verdictSummary } from './reproduceFormat';
import { useWorkerJob } from './useWorkerJob';

const FILES = import.meta.glob<unknown>('../../reproduce/recorded/*.json', { import: 'default' });

async function loadRecorded(): Promise<RecordedEntry[]> {
  const entries = await Promise.all(Object.entries(FILES).map(async ([file, load]) => {
    const id = file.slice(file.lastIndexOf('/') + 1, -'.json'.length);
    return checkRecorded(id, await load());
  }));
  return sortRecorded(entries);
}

function Entry({ entry }: { entry: RecordedEntry }) {
  const r = entry.result;
  return (
    <details className="recorded" data-testid={`recorded-${entry.id}`}>
      <summary>
        <strong>{r.name}</strong>{r.quick ? ' (quick)' : r.reduced.length ? ' (paper settings, fewer seeds)' : ''} — {verdictSummary(r)}
      </summary>
      <p className="hint">
        <code>{entry.command}</code> · {formatDuration(entry.wallSeconds)} · recorded {entry.recorded} on {entry.machine}
        {entry.rejudged && <> · verdicts recomputed {entry.rejudged.date} from the recorded spectra ({entry.rejudged.reason})</>}
      </p>
      <ReproduceResult result={r} />
    </details>
  );
}

export function ResultsPage() {
  // useWorkerJob's idle → running → done | failed, for a load on the main thread (nothing to cancel): once, on first open
  const { state: loaded, start } = useWorkerJob<RecordedEntry[]>();
  const load = () => {
    if (loaded.kind === 'idle') start(() => ({ done: loadRecorded(), cancel: () => undefined }));
  };
  return (
    <section className="panel results" aria-labelledby="results-heading">
      <details onToggle={(e) => { if ((e.currentTarget as HTMLDetailsElement).open) load(); }}>
        <summary><h2 id="results-heading" style={{ display: 'inline' }}>Results: paper 1 reproduced</h2></summary>
        <p className="hint">
          Recorded runs of <code>koopscope reproduce</code> (Node, tfjs cpu backend): each entry shows our W1 distances
          next to the paper's published values, the between-seed nulls, the conjugacy verdict of the permutation test over
          seeds (docs/conjugacy.md) and the settings. The demos gallery runs the quick
          variants here in your browser; docs/reproduction.md explains every difference from the paper.
        </p>
        {loaded.kind === 'running' && <p className="hint">Loading…</p>}
        {loaded.kind === 'failed' && <p role="alert" className="alert">{loaded.message}</p>}
        {loaded.kind === 'done' && (
          <>
            <div className="table-scroll">
              <table className="spectrum">
                <caption>{loaded.result.length} recorded runs</caption>
                <thead><tr><th scope="col">experiment</th><th scope="col">seeds</th><th scope="col">verdict</th><th scope="col">wall time</th></tr></thead>
                <tbody>
                  {loaded.result.map((e) => (
                    <tr key={e.id}>
                      <th scope="row" style={{ textAlign: 'left' }}>{e.result.name}{e.result.quick ? ' (quick)' : ''}</th>
                      <td>{e.result.seeds.length || '—'}</td>
                      <td style={{ textAlign: 'left' }}>{verdictSummary(e.result)}</td>
                      <td>{formatDuration(e.wallSeconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {loaded.result.map((e) => <Entry key={e.id} entry={e} />)}
          </>
        )}
      </details>
    </section>
  );
}
