/**
 * The run controls of a self-contained panel whose job is "one preset, quick or full, in a worker" (Lyapunov,
 * KPFlow): the preset picker and the quick box (both locked while running), Run / Cancel, then `children` (a hint on
 * the chosen preset) and the job's status (JobStatus: the progress bar while running, its error in a role="alert";
 * the gallery's Reproduce uses it too).
 */
import type { ReactNode } from 'react';
import { ReproduceProgress } from './ReproduceResult';
import type { JobState } from './useWorkerJob';

export function PresetJobControls({ id, presets, preset, onPreset, quick, onQuick, state, onRun, onCancel, children }: {
  /** Prefix of the test ids: `${id}-preset`, `${id}-run`. */
  id: string;
  presets: readonly string[];
  preset: string;
  onPreset: (name: string) => void;
  quick: boolean;
  onQuick: (quick: boolean) => void;
  state: JobState<unknown>;
  onRun: () => void;
  onCancel: () => void;
  children?: ReactNode;
}) {
  const running = state.kind === 'running';
  return (
    <>
      <div className="row">
        <label>Preset{' '}
          <select value={preset} onChange={(e) => onPreset(e.target.value)} disabled={running} data-testid={`${id}-preset`}>
            {presets.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <label><input type="checkbox" checked={quick} onChange={(e) => onQuick(e.target.checked)} disabled={running} /> quick</label>
        <button type="button" onClick={onRun} disabled={running} data-testid={`${id}-run`}>{running ? 'Running…' : 'Run'}</button>
        {running && <button type="button" onClick={onCancel}>Cancel</button>}
      </div>
      {children}
      <JobStatus state={state} />
    </>
  );
}

/** A worker job's progress bar while it runs, and its error in a role="alert" when it failed (nothing otherwise). */
export function JobStatus({ state }: { state: JobState<unknown> }) {
  if (state.kind === 'running') return <ReproduceProgress fraction={state.fraction} phase={state.phase} />;
  if (state.kind === 'failed') return <p role="alert" className="alert">{state.message}</p>;
  return null;
}
