/** Transport (Play/Pause, Step, Reset with their keys), live learning rate, speed and snapshot interval. */
import { learningRate, trainConfigFor } from '../state/runConfig';
import * as A from '../state/actions';
import { runProgress } from '../state/liveStatus';
import { shownWatch } from '../state/store';
import { NumberField } from './NumberField';
import { useApp, useAppShallow } from './useApp';

/** While the run sets up or takes its first steps: what it does, with a bar (indeterminate when the total is unknown). */
function RunProgress() {
  const p = useAppShallow((st) => runProgress(st) ?? { message: '' });
  const failed = useApp((st) => st.status.phase === 'failed');
  if (!p.message || failed) return null;
  return (
    <p className="run-progress" role="status" data-testid="run-progress">
      <progress aria-label="Run progress" {...(p.fraction !== undefined ? { value: p.fraction, max: 1 } : {})} />{' '}
      <span>{p.message}{p.fraction !== undefined ? ` (${Math.round(100 * p.fraction)} %)` : ''}…</span>
    </p>
  );
}

const SPEEDS = [1, 2, 5, 10, 20, 50, 100];

function presetDefaults(run: Parameters<typeof trainConfigFor>[0]) {
  try {
    const c = trainConfigFor({ preset: run.preset, quick: run.quick, custom: run.custom });
    return { lr: learningRate(c.optimizer), every: c.snapshotEvery };
  } catch {
    return { lr: undefined, every: undefined };
  }
}

export function Controls() {
  const s = useAppShallow((st) => ({
    playing: st.status.playing, phase: st.status.phase, diverged: st.status.diverged, speed: st.status.speed, run: st.config.run,
    watching: shownWatch(st)?.run,
  }));
  const d = presetDefaults(s.run);
  const busy = s.phase !== 'ready';
  return (
    <section className="panel controls" aria-labelledby="controls-heading">
      <h2 id="controls-heading">Training</h2>
      <div className="transport" role="group" aria-label="Transport">
        {s.watching !== undefined ? <>
          <p className="hint" data-testid="watch-transport">Watching <b>{s.watching}</b>: its own training script sets the pace.</p>
          <button type="button" onClick={() => A.startRun()}>Train {s.run.preset} in the page</button>
        </> : <>
          <button type="button" className="primary" onClick={A.togglePlay} disabled={busy || !!s.diverged} aria-keyshortcuts="Space">
            {s.playing ? 'Pause' : 'Play'} <kbd>Space</kbd>
          </button>
          <button type="button" onClick={() => A.step(1)} disabled={busy || s.playing || !!s.diverged} aria-keyshortcuts="ArrowRight">
            Step <kbd>→</kbd>
          </button>
          <button type="button" onClick={A.reset} disabled={busy} aria-keyshortcuts="R">Reset <kbd>R</kbd></button>
        </>}
      </div>
      <RunProgress />
      <div className="fields">
        <NumberField label="Learning rate" value={s.run.lr ?? d.lr} live valid={(x) => x > 0 && x < 100}
          onCommit={(x) => A.setLearningRate(x)} hint="applied live, no reset" />
        <label className="field">
          <span>Speed (steps per tick)</span>
          <select value={s.speed} onChange={(e) => A.setSpeed(Number(e.target.value))}>
            {SPEEDS.map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        </label>
        <NumberField label="Snapshot every k steps" value={s.run.snapshotEvery ?? d.every} step="1"
          valid={(x) => Number.isInteger(x) && x >= 1 && x <= 10_000}
          onCommit={(x) => A.setRunOptions({ snapshotEvery: x })} hint="restarts the run" />
      </div>
      <div className="row">
        <button type="button" onClick={() => A.addCurrentRunToList()}>Add current spectrum to run list</button>
      </div>
    </section>
  );
}
