/**
 * Two runs side by side: W1 between their spectra and the conjugacy verdict in the same words as `koopscope compare`
 * (src/koopman/conjugacy.ts): the seed permutation test with several seeds, a reference contrast for single spectra.
 */
import { useMemo } from 'react';
import * as A from '../state/actions';
import { compareRuns, type Comparison } from '../state/compare';
import { useApp } from './useApp';

const p = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : '—');

export function Compare() {
  const runs = useApp((st) => st.runList);
  const { a, b, ref } = useApp((st) => st.compare);
  const ra = runs.find((r) => r.id === a), rb = runs.find((r) => r.id === b), rr = runs.find((r) => r.id === ref);
  const result = useMemo((): Comparison | Error | undefined => {
    if (!ra || !rb) return undefined;
    try { return compareRuns(ra, rb, rr); } catch (e) { return e as Error; }
  }, [ra, rb, rr]);
  const single = !!ra && !!rb && ra.spectra.length === 1 && rb.spectra.length === 1;
  const pick = (which: 'a' | 'b' | 'ref', value: string | undefined, label: string) => (
    <label className="field">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(e) => A.selectCompare(which, e.target.value || undefined)}>
        <option value="">{which === 'ref' ? 'none' : 'choose…'}</option>
        {runs.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
      </select>
    </label>
  );
  const v = result && !(result instanceof Error) ? result.verdict : undefined;
  return (
    <div className="compare" aria-labelledby="compare-heading">
      <h3 id="compare-heading">Compare</h3>
      <div className="fields">
        {pick('a', a, 'Run A')}{pick('b', b, 'Run B')}
        {(single || ref) && pick('ref', ref, 'Reference (single spectra)')}
      </div>
      {result instanceof Error && <p role="alert" className="alert">{result.message}</p>}
      {result && !(result instanceof Error) && v && (
        <div data-testid="compare-result" aria-live="polite">
          <p>
            W1 = <strong>{p(result.mean)}</strong>
            {result.distances.length > 1
              ? ` (mean of ${result.distances.length} ${result.pairing === 'row by row' ? 'seed-by-seed' : 'cross-pair'} distances, ± ${p(result.std ?? 0)})`
              : ''}
          </p>
          {result.nulls.map((n) => <p key={n.name}>between seeds of {n.name}: {p(n.mean)} ± {p(n.std)} over {n.pairs} pairs</p>)}
          <p className={`verdict ${v.label === 'non-conjugate' ? 'different' : v.label === 'conjugate-like' ? 'same' : 'unknown'}`} data-testid="compare-verdict">
            <strong>{v.verdict}</strong>
          </p>
          {v.kind === 'seeds' && (
            <p className="hint">
              Permutation test over seeds ({v.method === 'exact' ? `all ${v.relabellings}` : `${v.relabellings} random`} relabellings):
              mean W1 between the runs' seeds {p(v.meanBetween)}, within each run {p(v.meanWithin)}.
              Non-conjugate needs p &lt; {v.alpha} and between/within ≥ {v.effectCutoff}.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
