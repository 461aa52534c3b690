/** Two runs side by side: W1 between their spectra, and with several seeds the between-seed verdict in words. */
import { useMemo } from 'react';
import * as A from '../state/actions';
import { compareRuns, type Comparison } from '../state/compare';
import { useApp } from './useApp';

const p = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : '—');

export function Compare() {
  const runs = useApp((st) => st.runList);
  const { a, b } = useApp((st) => st.compare);
  const ra = runs.find((r) => r.id === a), rb = runs.find((r) => r.id === b);
  const result = useMemo((): Comparison | Error | undefined => {
    if (!ra || !rb) return undefined;
    try { return compareRuns(ra, rb); } catch (e) { return e as Error; }
  }, [ra, rb]);
  const pick = (which: 'a' | 'b', value: string | undefined) => (
    <label className="field">
      <span>Run {which.toUpperCase()}</span>
      <select value={value ?? ''} onChange={(e) => A.selectCompare(which, e.target.value || undefined)}>
        <option value="">choose…</option>
        {runs.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
      </select>
    </label>
  );
  return (
    <div className="compare" aria-labelledby="compare-heading">
      <h3 id="compare-heading">Compare</h3>
      <div className="fields">{pick('a', a)}{pick('b', b)}</div>
      {result instanceof Error && <p role="alert" className="alert">{result.message}</p>}
      {result && !(result instanceof Error) && (
        <div data-testid="compare-result" aria-live="polite">
          <p>
            W1 = <strong>{p(result.mean)}</strong>
            {result.distances.length > 1 ? ` (mean of ${result.distances.length} seed-by-seed distances, ± ${p(result.std ?? 0)})` : ''}
          </p>
          {result.nulls.map((n) => <p key={n.name}>between seeds of {n.name}: {p(n.mean)} ± {p(n.std)} over {n.pairs} pairs</p>)}
          {result.verdict
            ? <p className={`verdict ${result.verdict.conjugateLike ? 'same' : 'different'}`}><strong>{result.verdict.verdict}</strong>
                {' '}(threshold mean + 2 std = {p(result.verdict.threshold)}, p = {result.verdict.pValue.toFixed(3)})</p>
            : <p className="hint">{result.note}</p>}
        </div>
      )}
    </div>
  );
}
