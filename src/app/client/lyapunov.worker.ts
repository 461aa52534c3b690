/**
 * One `koopscope lyapunov` preset (src/lyapunov, pure float64, no tfjs) off the main thread: `{type:'run', preset,
 * quick}` → `progress`… → `result` | `failed`. One run per worker; the page cancels by terminating it.
 */
import { getLyapunovPreset } from '../../lyapunov/presets';
import type { LyapunovReply, LyapunovRequest } from './lyapunov';

const scope = self as unknown as { onmessage: ((e: MessageEvent<LyapunovRequest>) => void) | null; postMessage(m: LyapunovReply): void };

let started = false;

scope.onmessage = (e) => {
  const m = e.data;
  if (m?.type !== 'run' || started) return;
  started = true;
  try {
    const preset = getLyapunovPreset(m.preset);
    let last = -1;
    const report = preset.run({ quick: m.quick }, (fraction, phase) => {
      if (fraction < 1 && fraction - last < 0.005) return; // at most ~200 messages per run
      last = fraction;
      scope.postMessage({ type: 'progress', fraction, phase });
    });
    scope.postMessage({ type: 'result', report });
  } catch (err) {
    const error = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
    scope.postMessage({ type: 'failed', error });
  }
};
