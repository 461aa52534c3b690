/**
 * Paper 1's OMD vs OGD experiment (src/demos/omdOgdExperiment.ts, ~0.4 s of linear algebra) off the main thread.
 * Replies (job.ts) with the three spectra as SpectrumReports and the W1 distances, or `failed`.
 */
import { runOmdOgd } from '../demos/omdOgdExperiment';
import { spectrumReport } from '../koopman/report';
import { serveJob } from './job';
import type { OmdOgdResult } from './jobRequests';

serveJob<{ type: 'run' }, OmdOgdResult>(() => {
  const r = runOmdOgd();
  return {
    spectra: {
      omd: spectrumReport(r.spectra.omd, 'OMD (paper 1)'),
      ogd: spectrumReport(r.spectra.ogd, 'OGD (paper 1)'),
      bisection: spectrumReport(r.spectra.bisection, 'bisection (paper 1)'),
    },
    distances: r.distances,
  };
});
