/**
 * The KPFlow panel's worker client: src/workers/kpflow.worker.ts runs src/kpflow, the same code as `koopscope kpflow`.
 * The figures of its plots are in plots/kpflowFigures.ts.
 */
import type { KpflowCheckpoint, KpflowResult } from '../../kpflow/analysis';
import type { KpflowCheckpointMessage, KpflowRequest } from '../../workers/jobRequests';
import { startJob, type JobHandle } from './job';

export type { KpflowCheckpointMessage, KpflowRequest };

/** Runs a preset in a fresh module worker (job.ts: one run per worker, cancelled by terminating it). */
export function kpflowInWorker(
  preset: string, quick: boolean,
  onProgress: (fraction: number, phase?: string) => void,
  onCheckpoint: (c: KpflowCheckpoint) => void,
): JobHandle<KpflowResult> {
  return startJob<KpflowResult, KpflowCheckpointMessage>(() => new Worker(new URL('../../workers/kpflow.worker.ts', import.meta.url), { type: 'module' }),
    { type: 'run', preset, quick } satisfies KpflowRequest, { label: preset, onProgress, onMessage: (m) => onCheckpoint(m.checkpoint) });
}
