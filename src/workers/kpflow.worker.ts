/**
 * One `koopscope kpflow` run (src/kpflow, pure float64, no tfjs) off the main thread: `{type:'run', preset, quick}`
 * → `progress`… `checkpoint`… → `result` | `failed` (job.ts). One run per worker; the page cancels by
 * terminating it.
 */
import type { KpflowResult } from '../kpflow/analysis';
import { getKpflowPreset, runKpflow } from '../kpflow/index';
import { serveJob } from './job';
import type { KpflowCheckpointMessage, KpflowRequest } from './jobRequests';

serveJob<KpflowRequest, KpflowResult, KpflowCheckpointMessage>((m, job) => {
  const preset = getKpflowPreset(m.preset);
  return runKpflow(preset.name, m.quick ? preset.quick : preset.full, m.quick, {
    onProgress: job.progress,
    onCheckpoint: (checkpoint) => job.post({ type: 'checkpoint', checkpoint }),
  });
});
