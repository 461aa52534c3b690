/**
 * Every preset with its description, or "Custom" (a run built here: CustomBuilder, pre-filled with the preset that
 * was chosen); the quick variant and the seeds (changing any restarts the run).
 */
import { isSeed } from '../../linalg/seed';
import { PRESETS } from '../../train/presets';
import * as A from '../state/actions';
import { CUSTOM, CUSTOM_BASE } from '../state/custom';
import { CustomBuilder } from './CustomBuilder';
import { NumberField } from './NumberField';
import { useAppShallow } from './useApp';


export function PresetPicker() {
  const run = useAppShallow((st) => st.config.run);
  const custom = run.preset === CUSTOM;
  const preset = PRESETS.find((p) => p.name === run.preset);
  const base = custom
    ? { ...CUSTOM_BASE, ensemble: undefined }
    : preset && (run.quick && preset.quick ? { ...preset.config, ...preset.quick } : preset.config);
  return (
    <section className="panel presets" aria-labelledby="presets-heading">
      <h2 id="presets-heading">Preset</h2>
      <label className="field">
        <span>Run</span>
        {/* blurred on change, so Space plays the new run at once (keys are ignored while a select has focus) */}
        <select value={run.preset} onChange={(e) => { e.currentTarget.blur(); A.choosePreset(e.target.value); }}>
          {PRESETS.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
          <option value={CUSTOM}>Custom (build your own)</option>
        </select>
      </label>
      {preset && <p className="description">{preset.description}<br /><small>{preset.source}</small></p>}
      {custom && <p className="description">Your own model, data and optimizer, started from the preset you had chosen. The link keeps all of it.</p>}
      {!custom && (
        <label className="check">
          <input type="checkbox" checked={run.quick} disabled={!preset?.quick} onChange={(e) => A.setRunOptions({ quick: e.target.checked })} />
          quick variant (less data, fewer steps: for slow machines)
        </label>
      )}
      <div className="fields">
        <NumberField label="Init seed" value={run.initSeed ?? base?.initSeed} step="1" valid={isSeed} onCommit={(x) => A.setRunOptions({ initSeed: x })} />
        <NumberField label="Data seed" value={run.dataSeed ?? base?.dataSeed} step="1" valid={isSeed} onCommit={(x) => A.setRunOptions({ dataSeed: x })} />
        <NumberField label="Runs (perturbed inits)" value={run.runs ?? base?.ensemble?.runs ?? 1} step="1"
          valid={(x) => Number.isInteger(x) && x >= 1 && x <= 64} onCommit={(x) => A.setRunOptions({ runs: x })} />
      </div>
      {custom && <CustomBuilder />}
    </section>
  );
}
