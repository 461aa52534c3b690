/**
 * Paper 1's OMD vs OGD experiment (src/demos/omdOgdExperiment.ts, ~0.4 s of linear algebra) off the main thread.
 * Replies with the three spectra as SpectrumReports and the W1 distances, or `failed`.
 */
import { runOmdOgd } from '../../demos/omdOgdExperiment';
import { spectrumReport } from '../../koopman/report';
import type { DemoReply } from './demo';

const scope = self as unknown as { onmessage: ((e: MessageEvent<unknown>) => void) | null; postMessage(m: DemoReply): void };

scope.onmessage = () => {
  try {
    const r = runOmdOgd();
    scope.postMessage({
      type: 'omd-ogd',
      spectra: {
        omd: spectrumReport(r.spectra.omd, 'OMD (paper 1)'),
        ogd: spectrumReport(r.spectra.ogd, 'OGD (paper 1)'),
        bisection: spectrumReport(r.spectra.bisection, 'bisection (paper 1)'),
      },
      distances: r.distances,
    });
  } catch (e) {
    scope.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
};
