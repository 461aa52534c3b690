/** DMD options of the live view (and of files opened afterwards): rank rule, delays, window, centering, PCA. */
import type { RankRule } from '../../koopman/types';
import * as A from '../state/actions';
import { NumberField } from './NumberField';
import { useAppShallow } from './useApp';

const RULES: { kind: RankRule['kind']; label: string }[] = [
  { kind: 'rank', label: 'fixed rank r' }, { kind: 'energy', label: 'energy fraction' },
  { kind: 'optimal', label: 'optimal (Gavish–Donoho)' }, { kind: 'full', label: 'full (no truncation)' },
];

function ruleOf(kind: RankRule['kind'], prev: RankRule): RankRule {
  if (kind === 'rank') return { kind, r: prev.kind === 'rank' ? prev.r : 10 };
  if (kind === 'energy') return { kind, fraction: prev.kind === 'energy' ? prev.fraction : 0.99 };
  return { kind };
}

export function DmdOptions() {
  const dmd = useAppShallow((st) => st.config.dmd);
  const int = (min: number, max: number) => (x: number) => Number.isInteger(x) && x >= min && x <= max;
  return (
    <section className="panel dmd" aria-labelledby="dmd-heading">
      <h2 id="dmd-heading">DMD</h2>
      <div className="fields">
        <label className="field">
          <span>Rank rule</span>
          <select value={dmd.rank.kind} onChange={(e) => A.setDmd({ rank: ruleOf(e.target.value as RankRule['kind'], dmd.rank) })}>
            {RULES.map((r) => <option key={r.kind} value={r.kind}>{r.label}</option>)}
          </select>
        </label>
        {dmd.rank.kind === 'rank' && (
          <NumberField label="r" value={dmd.rank.r} step="1" valid={int(1, 1000)} onCommit={(r) => A.setDmd({ rank: { kind: 'rank', r } })} />
        )}
        {dmd.rank.kind === 'energy' && (
          <NumberField label="fraction of σ²" value={dmd.rank.fraction} valid={(x) => x > 0 && x <= 1}
            onCommit={(fraction) => A.setDmd({ rank: { kind: 'energy', fraction } })} />
        )}
        <NumberField label="Window (snapshots)" value={dmd.window} step="1" valid={int(3, 100_000)} onCommit={(window) => A.setDmd({ window })}
          hint="the spectrum of the last N snapshots" />
        <NumberField label="Delays" value={dmd.delays} step="1" valid={int(0, 64)} onCommit={(delays) => A.setDmd({ delays })}
          hint="Hankel copies stacked per snapshot" />
        <NumberField label="PCA components" value={dmd.pca} step="1" valid={int(0, 10_000)} onCommit={(pca) => A.setDmd({ pca })} hint="0: none" />
      </div>
      <label className="check">
        <input type="checkbox" checked={dmd.center} onChange={(e) => A.setDmd({ center: e.target.checked })} />
        subtract the mean snapshot
      </label>
      <p className="hint">
        Without centering, the weights' slowly moving mean shows up as an eigenvalue near 1; centering removes that
        trivial mode so the others are easier to read.
      </p>
    </section>
  );
}
