/** Runs the OMD vs OGD demo in a one-shot module worker (demo.worker.ts). */
import type { SpectrumReport } from '../../koopman/report';

export type DemoReply =
  | { type: 'omd-ogd'; spectra: { omd: SpectrumReport; ogd: SpectrumReport; bisection: SpectrumReport };
      distances: { omd_ogd: number; omd_bisection: number; ogd_bisection: number } }
  | { type: 'failed'; message: string };

export function runOmdOgdInWorker(): Promise<Extract<DemoReply, { type: 'omd-ogd' }>> {
  const worker = new Worker(new URL('./demo.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<Extract<DemoReply, { type: 'omd-ogd' }>>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<DemoReply>) => {
      if (e.data.type === 'failed') reject(new Error(`OMD vs OGD demo: ${e.data.message}`));
      else resolve(e.data);
    };
    worker.onerror = (e: ErrorEvent) => { e.preventDefault(); reject(new Error(`OMD vs OGD demo: the worker stopped: ${e.message}`)); };
    worker.postMessage({ type: 'run' });
  }).finally(() => worker.terminate());
}
