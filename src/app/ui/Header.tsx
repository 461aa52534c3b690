/** Title and run status: backend (why, on expand, with this browser's WebGPU probe), model size, step, state. */
import { useCallback, useEffect, useState } from 'react';
import { toggleHelp } from '../state/actions';
import { formatRate, stepsPerSecond } from '../state/liveStatus';
import { shownWatch, type AppState } from '../state/store';
import { describeWebGpu, probeWebGpu, type WebGpuStatus } from '../client/webgpu';
import { useAppShallow, useThrottledApp } from './useApp';

/** Training rate while playing (read twice a second through a subscription: the loss points change 20 times a second). */
const rateOf = (s: AppState): number | undefined => (s.status.playing ? stepsPerSecond(s.live.losses) : undefined);
const rateChanged = (s: AppState, prev: AppState): boolean | 'now' =>
  s.status.playing !== prev.status.playing ? 'now' : s.live.losses !== prev.live.losses;

function StepsPerSecond() {
  const rate = useThrottledApp(rateOf, rateChanged, 500);
  return <div><dt>speed</dt><dd data-testid="steps-per-second">{formatRate(rate)}</dd></div>;
}

function WebGpuProbe() {
  const [webGpu, setWebGpu] = useState<WebGpuStatus | null>(null);
  const check = useCallback(() => {
    let current = true;
    setWebGpu(null);
    void probeWebGpu().then((s) => { if (current) setWebGpu(s); });
    return () => { current = false; };
  }, []);
  useEffect(check, [check]);
  return (
    <p>
      <span data-testid="webgpu-status" data-state={webGpu?.kind ?? 'checking'} role="status">
        {webGpu ? describeWebGpu(webGpu) : 'Checking for WebGPU…'}
      </span>{' '}
      <button type="button" onClick={check} disabled={webGpu === null}>Check WebGPU again</button>
    </p>
  );
}

const size = (n?: number) => (n === undefined ? '…' : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));

export function Header() {
  const s = useAppShallow((st) => ({
    phase: st.status.phase, playing: st.status.playing, step: st.status.step, backend: st.status.backend,
    modelSize: st.status.modelSize, observed: st.status.observed, runs: st.status.runs, diverged: st.status.diverged,
    preset: st.config.run.preset, watching: shownWatch(st)?.run,
  }));
  const observedSize = s.observed?.reduce((a, p) => a + p.size, 0);
  const state = s.diverged ? 'diverged' : s.phase === 'ready' ? (s.playing ? 'playing' : 'paused') : s.phase;
  return (
    <header className="app-header">
      <div className="brand">
        <h1>Koopscope</h1>
        <p className="tagline">Koopman spectra of training, live.</p>
      </div>
      <dl className="run-status" aria-label="Run status">
        <div><dt>run</dt><dd>{s.watching !== undefined ? `${s.watching} (watched)` : s.preset}</dd></div>
        <div><dt>state</dt><dd data-testid="run-state" className={`state-${state}`}>{state}</dd></div>
        <div><dt>step</dt><dd data-testid="run-step">{s.step}</dd></div>
        <StepsPerSecond />
        <div>
          <dt>model</dt>
          <dd title={s.observed?.map((p) => `${p.name} [${p.shape.join('×')}]`).join(', ')}>
            {size(s.modelSize)} params{observedSize !== undefined ? `, ${size(observedSize)} observed` : ''}{s.runs && s.runs > 1 ? `, ${s.runs} runs` : ''}
          </dd>
        </div>
        <div className="backend">
          <dt>backend</dt>
          <dd>
            <details>
              <summary data-testid="backend">{s.backend?.name ?? (s.phase === 'failed' ? 'none' : s.watching !== undefined ? 'stream' : 'starting…')}</summary>
              <div className="backend-why">
                {s.backend && <p>{s.backend.reason}</p>}
                {s.backend?.skipped.map((k) => <p key={k.name}>{k.name} skipped: {k.why}</p>)}
                <WebGpuProbe />
              </div>
            </details>
          </dd>
        </div>
      </dl>
      <button type="button" className="help-button" onClick={() => toggleHelp()} aria-label="Keyboard shortcuts (?)">? <kbd>?</kbd></button>
    </header>
  );
}
