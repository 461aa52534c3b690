import { describe, expect, it } from 'vitest';
import type { SpectrumReport } from '../../src/koopman/report';
import { spectrumReading } from '../../src/app/state/reading';

const rep = (eigenvalues: [number, number][]) => ({ eigenvalues } as unknown as SpectrumReport);

describe('spectrumReading', () => {
  it('says where the eigenvalues lie and what that means', () => {
    expect(spectrumReading(undefined)).toMatch(/No spectrum yet/);
    expect(spectrumReading(rep([[0.95, 0], [0.85, 0], [0.5, 0]]))).toBe('Now: 3 eigenvalues, largest |λ| = 0.950; 3 inside (decaying).');
    const momentum = spectrumReading(rep([[0.9, 0.3], [0.9, -0.3], [1, 0]]));
    expect(momentum).toMatch(/1 on it/);
    expect(momentum).toMatch(/2 inside/);
    expect(momentum).toMatch(/1 complex pair \(rotating\)/);
    const past = spectrumReading(rep([[-1.1, 0], [0.95, 0]]));
    expect(past).toMatch(/largest \|λ\| = 1\.100; 1 outside the circle \(growing/);
    expect(past).toMatch(/1 on the negative real axis \(flipping sign/);
  });
});
