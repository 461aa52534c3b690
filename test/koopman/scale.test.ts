/**
 * Scale invariance (analytic): the same linear system's snapshots multiplied by 1e-170, 1e-150, 1, 1e80, 1e150 and
 * 1e170 give the same eigenvalues on every route, and singular values and amplitudes that scale with the data. Before the engine
 * rescaled (analyze.ts dataScale), the Gram of 1e150-scale data overflowed, 1e-150 underflowed to "all zero" and
 * 1e80 came out as garbage. Tolerances: eigenvalues 1e-12 absolute against the unit-scale fit of the same route
 * (the rescaling is by a power of two close to the factor, so what remains is rounding of the factor itself);
 * singular values and amplitudes 1e-12 relative after dividing by the factor; the residual 1e-12 (SVD route) or
 * 1e-7 (Gram route, where it is √(‖Y‖² − ‖K‖²) and only good to ~√ε).
 */
import { describe, expect, it } from 'vitest';
import { computeSpectrum, spectrumFromGram } from '../../src/koopman/analyze';
import { ensembleGram } from '../../src/koopman/snapshots';
import { expectArrayClose, expectEigenvaluesClose } from '../matchers';
import { linearSystem } from './fixtures';

const { set, eigenvalues } = linearSystem({ pairs: [[0.95, 0.3]], reals: [0.9, 0.6], N: 30, T: 40, seed: 4 });
const scaled = (f: number) => ({ ...set, data: set.data.map((x) => x * f) });
const options = { rank: { kind: 'rank' as const, r: 4 }, modes: 'exact' as const };

describe('fits are invariant to the scale of the data', () => {
  for (const route of ['svd', 'gram'] as const) {
    it(`${route} route: scales 1e-170 … 1e170 give the unit-scale eigenvalues, σ and |b| scaled`, () => {
      const ref = computeSpectrum(set, { ...options, route }).spectrum;
      expectEigenvaluesClose(ref.eigenvalues, eigenvalues, 1e-10);
      for (const f of [1e-170, 1e-150, 1e80, 1e150, 1e170]) {
        const sp = computeSpectrum(scaled(f), { ...options, route }).spectrum;
        expect(sp.warnings).toEqual(ref.warnings);
        expectEigenvaluesClose(sp.eigenvalues, ref.eigenvalues, 1e-12, `eigenvalues at ${f}`);
        expectArrayClose(sp.singularValues.map((s) => s / f), ref.singularValues.slice(0, sp.singularValues.length), { rel: 1e-12 }, `σ at ${f}`);
        expectArrayClose(sp.eigenvalues.map((e) => e.amplitude! / f), ref.eigenvalues.map((e) => e.amplitude!), { rel: 1e-12 }, `|b| at ${f}`);
        // Gram route: the residual is √(‖Y‖² − ‖K‖²), round-off of order √ε here (dmd.ts), so only 1e-7 absolute
        expect(Math.abs(sp.residual - ref.residual)).toBeLessThan(route === 'svd' ? 1e-12 : 1e-7);
      }
    });
  }

  it('spectrumFromGram: a Gram of 1e150-scale snapshots (entries ~1e300) gives the unit-scale eigenvalues', () => {
    const ref = spectrumFromGram(ensembleGram(set), options).spectrum;
    const f = 1e150;
    const eg = ensembleGram(set);
    const big = { ...eg, G: eg.G.map((g) => g * f * f) };   // overflow-free: |G| ≲ 1e2 here, so ≲ 1e302
    const sp = spectrumFromGram(big, options).spectrum;
    expectEigenvaluesClose(sp.eigenvalues, ref.eigenvalues, 1e-12);
    expectArrayClose(sp.singularValues.map((s) => s / f), ref.singularValues.slice(0, sp.singularValues.length), { rel: 1e-12 }, 'σ');
  });
});
