/**
 * One `koopscope kpflow` run (src/kpflow, pure float64, no tfjs) off the main thread: `{type:'run', preset, quick}`
 * → `progress`… `checkpoint`… → `result` | `failed`. One run per worker; the page cancels by terminating it.
 */
import { getKpflowPreset, runKpflow } from '../../kpflow/index';
import type { KpflowReply, KpflowRequest } from './kpflow';

const scope = self as unknown as { onmessage: ((e: MessageEvent<KpflowRequest>) => void) | null; postMessage(m: KpflowReply): void };

let started = false;

scope.onmessage = (e) => {
  const m = e.data;
  if (m?.type !== 'run' || started) return;
  started = true;
  try {
    const preset = getKpflowPreset(m.preset);
    let last = -1;
    const result = runKpflow(preset.name, m.quick ? preset.quick : preset.full, m.quick, {
      onProgress: (fraction, phase) => {
        if (fraction < 1 && fraction - last < 0.005) return; // at most ~200 messages per run
        last = fraction;
        scope.postMessage({ type: 'progress', fraction, phase });
      },
      onCheckpoint: (checkpoint) => scope.postMessage({ type: 'checkpoint', checkpoint }),
    });
    scope.postMessage({ type: 'result', result });
  } catch (err) {
    const error = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
    scope.postMessage({ type: 'failed', error });
  }
};
