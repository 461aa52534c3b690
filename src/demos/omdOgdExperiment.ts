/**
 * Paper 1's OMD vs OGD experiment from dynamics to distances (pure; shared by `koopscope demo omd-ogd`, the
 * reproduce command and the app's demo gallery). Settings: docs/methods.md#paper1-omd-ogd and omdOgd.ts.
 */
import { computeSpectrum } from '../koopman/analyze';
import type { Spectrum } from '../koopman/types';
import { wasserstein1 } from '../koopman/wasserstein';
import { bisectionTrajectories, OMD_OGD_DELAYS, ogdTrajectories, omdTrajectories } from './omdOgd';

export interface OmdOgdExperimentResult {
  spectra: { omd: Spectrum; ogd: Spectrum; bisection: Spectrum };
  distances: { omd_ogd: number; omd_bisection: number; ogd_bisection: number };
  settings: { delays: number; rank: string; runs: number; T: number; eta: number };
}

export function runOmdOgd(): OmdOgdExperimentResult {
  // The paper fits with no truncation (k = −1): all (4 + 1)·2 = 10 triplets. 'full' keeps every triplet above
  // round-off; for OMD and OGD that is all 10 (σ10/σ1 ≈ 1e-8, so the SVD route is required and used).
  const fit = (t: ReturnType<typeof omdTrajectories>) =>
    computeSpectrum(t, { delays: OMD_OGD_DELAYS, rank: { kind: 'full' }, route: 'svd' }).spectrum;
  const omd = fit(omdTrajectories()), ogd = fit(ogdTrajectories()), bisection = fit(bisectionTrajectories());
  const w = (a: Spectrum, b: Spectrum) => wasserstein1(a.eigenvalues, b.eigenvalues);
  return {
    spectra: { omd, ogd, bisection },
    distances: { omd_ogd: w(omd, ogd), omd_bisection: w(omd, bisection), ogd_bisection: w(ogd, bisection) },
    settings: { delays: OMD_OGD_DELAYS, rank: 'full (no truncation, as the paper)', runs: 25, T: 100, eta: 0.01 },
  };
}
