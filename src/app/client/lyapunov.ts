/**
 * The Lyapunov panel's worker client: src/workers/lyapunov.worker.ts runs src/lyapunov, the same code as `koopscope
 * lyapunov`. The figures of its plots are in plots/lyapunovFigures.ts.
 */
import type { LyapunovReport } from '../../lyapunov/presets';
import type { LyapunovRequest } from '../../workers/jobRequests';
import { startJob, type JobHandle } from './job';

export type { LyapunovRequest };

/** Runs a preset in a fresh module worker (job.ts: one run per worker, cancelled by terminating it). */
export function lyapunovInWorker(preset: string, quick: boolean, onProgress: (fraction: number, phase?: string) => void): JobHandle<LyapunovReport> {
  return startJob<LyapunovReport>(() => new Worker(new URL('../../workers/lyapunov.worker.ts', import.meta.url), { type: 'module' }),
    { type: 'run', preset, quick } satisfies LyapunovRequest, { label: preset, onProgress });
}
