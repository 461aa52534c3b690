/**
 * The gallery's workers: the OMD vs OGD demo in a one-shot job worker (src/workers/demo.worker.ts), and `koopscope
 * reproduce`'s experiments (src/reproduce) in src/workers/reproduce.worker.ts. The gallery's formatting of their results
 * is ui/reproduceFormat.ts.
 */
import type { ExperimentResult } from '../../reproduce/types';
import type { OmdOgdResult, ReproduceRequest } from '../../workers/jobRequests';
import { startJob, type JobHandle } from './job';

export type { OmdOgdResult, ReproduceRequest };

/** Paper 1's OMD vs OGD (~0.4 s of float64 linear algebra) in a one-shot module worker (job.ts). */
export function runOmdOgdInWorker(): Promise<OmdOgdResult> {
  return startJob<OmdOgdResult>(() => new Worker(new URL('../../workers/demo.worker.ts', import.meta.url), { type: 'module' }),
    { type: 'run' }, { label: 'OMD vs OGD demo' }).done;
}

// ------------------------------------------------------------------------------------------- reproduce worker

/** Runs experiment `name` (quick) in a fresh module worker (job.ts); `onProgress` gets fractions in [0, 1]. */
export function reproduceInWorker(name: string, onProgress: (fraction: number, phase?: string) => void): JobHandle<ExperimentResult> {
  const dataBaseUrl = new URL('./data/mnist/', document.baseURI).href;
  return startJob<ExperimentResult>(() => new Worker(new URL('../../workers/reproduce.worker.ts', import.meta.url), { type: 'module' }),
    { type: 'run', name, quick: true, dataBaseUrl } satisfies ReproduceRequest, { label: name, onProgress });
}
