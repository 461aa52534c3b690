/**
 * One `koopscope reproduce` result in the gallery: the verdict line, the distances table (ours as mean ± std, the
 * paper's value where it has one) and, folded away, the settings and how this quick run differs from the paper.
 */
import type { ExperimentResult } from '../../reproduce/types';
import { checksLine, distanceRows, percent, settingRows, verdictLines } from './reproduceFormat';

export function ReproduceProgress({ fraction, phase }: { fraction: number; phase?: string }) {
  const pct = percent(fraction);
  return (
    <div className="reproduce-progress">
      <progress max={100} value={pct} aria-label="Reproduction progress" />
      <span className="hint"> {pct}%{phase ? ` · ${phase}` : ''}</span>
    </div>
  );
}

export function ReproduceResult({ result }: { result: ExperimentResult }) {
  const rows = distanceRows(result);
  const checks = checksLine(result);
  const settings = settingRows(result.settings);
  const reduced = result.reduced ?? [];
  const verdicts = verdictLines(result);
  return (
    <div className="reproduce-result" data-testid={`reproduce-result-${result.name}`}>
      {verdicts.length === 1
        ? <p><strong>Verdict:</strong> <span data-testid="reproduce-verdict">{verdicts[0][0] ? `${verdicts[0][0]}: ` : ''}{verdicts[0][1]}</span></p>
        : (
          <>
            <p><strong>Verdicts</strong> (permutation test over seeds; docs/conjugacy.md):</p>
            <ul data-testid="reproduce-verdict">{verdicts.map(([label, words]) => <li key={label}><strong>{label}</strong>: {words}</li>)}</ul>
          </>
        )}
      {checks && <p className="hint">{checks}</p>}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table className="spectrum">
            <caption>W1 distances ({result.quick ? 'quick' : 'full-size'} run, {result.seeds?.length ?? 0} seeds, {Number(result.seconds ?? 0).toFixed(1)} s)</caption>
            <thead>
              <tr><th scope="col">pair</th><th scope="col">n</th><th scope="col">ours (mean ± std)</th><th scope="col">paper</th></tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={`${r.kind}-${i}`}>
                  <th scope="row" style={{ textAlign: 'left' }} title={r.verdict}>{r.kind === 'null' ? `null: ${r.label}` : r.label}</th>
                  <td>{r.n}</td>
                  <td>{r.ours}</td>
                  <td title={r.paperSource}>{r.paper}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <details>
        <summary>Settings{reduced.length ? ' and reductions' : ''}</summary>
        {reduced.length > 0 && (
          <>
            <p className="hint">Reduced from the paper's settings:</p>
            <ul>{reduced.map((r, i) => <li key={i}>{r}</li>)}</ul>
          </>
        )}
        <dl className="reproduce-settings">
          {settings.map(([k, v]) => (
            <div key={k}><dt style={{ display: 'inline', fontWeight: 600 }}>{k}: </dt><dd style={{ display: 'inline', margin: 0, wordBreak: 'break-word' }}>{v}</dd></div>
          ))}
        </dl>
        {(result.notes ?? []).length > 0 && <ul>{result.notes.map((n, i) => <li key={i} className="hint">{n}</li>)}</ul>}
      </details>
    </div>
  );
}
