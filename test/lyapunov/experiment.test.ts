/**
 * The paper-3 experiment's plumbing: deterministic given the seed, paired initial conditions across activations,
 * the reading follows the measured sign of ρ (never a hard-coded direction), and single regression runs.
 */
import { describe, expect, it } from 'vitest';
import { correlate, describeCorrelation, runEnsemble, type EnsembleRun } from '../../src/lyapunov/experiment';
import { getLyapunovPreset, LYAPUNOV_PRESETS } from '../../src/lyapunov/presets';
import { runRegression } from '../../src/lyapunov/regression';

const base = { hidden: 4, samples: 10, eta: 0.2, steps: 120, tau: 30, k: 2, initScale: 1.5 };

describe('runEnsemble', () => {
  const spec = { activations: ['tanh', 'sin'] as const, runsPerActivation: 5, base, seed: 3, permutations: 99 };
  const a = runEnsemble({ ...spec, activations: [...spec.activations] });

  it('is deterministic and pairs seeds across activations', () => {
    const b = runEnsemble({ ...spec, activations: [...spec.activations] });
    expect(b.runs.map((r) => r.finalLoss)).toEqual(a.runs.map((r) => r.finalLoss));
    expect(b.correlations).toEqual(a.correlations);
    expect(a.runs.length).toBe(10);
    expect(a.runs.filter((r) => r.activation === 'sin').map((r) => r.seed)).toEqual([3, 4, 5, 6, 7]);
    expect(a.checkpoints).toEqual([30, 60, 90, 120]);
    expect(a.correlations.map((c) => c.group)).toEqual(['all', 'all', 'tanh', 'tanh', 'sin', 'sin']);
    expect(a.runs[0].ftle.length).toBe(4);
    expect(a.reading.length).toBe(3);
  });

  it('rejects fewer than three runs', () => {
    expect(() => runEnsemble({ ...spec, activations: ['tanh'], runsPerActivation: 2 })).toThrow(/runs per activation/);
  });
});

describe('correlate: the direction is measured', () => {
  const fake = (sign: 1 | -1): EnsembleRun[] => Array.from({ length: 12 }, (_, i) => ({
    activation: 'tanh', seed: i, finalLoss: Math.exp(-i), lossAtCheckpoints: [1, 1],
    // checkpoint 0: unrelated to the outcome; checkpoint 1: monotone in it with the given sign
    ftle: [[((i * 7) % 12) / 100, 0], [sign * -i / 100, 0]],
  }));
  it.each([[1], [-1]] as const)('sign %i', (sign) => {
    const row = correlate(fake(sign), [50, 100], 'tanh', 'lambda1', 199, 1);
    expect(row.rho[1]).toBeCloseTo(sign, 12);
    expect(Math.abs(row.rho[0])).toBeLessThan(0.5);
    expect(row.earliest).toBe(100);
    const text = describeCorrelation(row, [50, 100], 100);
    expect(text).toContain(sign > 0 ? 'a larger exponent goes with a higher final loss' : 'a larger exponent goes with a lower final loss');
  });
});

describe('runRegression', () => {
  it('reports losses, FTLE windows, CLV angles and the Hessian exponents at the end', () => {
    const r = runRegression({ ...base, activation: 'tanh', steps: 150, tau: 30, k: 3, seed: 1, clv: true });
    expect(r.P).toBe(13);
    expect(r.losses[0]).toBeGreaterThan(r.finalLoss);
    expect(r.lossSteps[r.lossSteps.length - 1]).toBe(150);
    expect(r.ftle.values.length).toBe(5);
    expect(r.hessianExponents.length).toBe(3);
    expect(r.hessianRange[0]).toBeLessThanOrEqual(r.hessianRange[1]);
    expect(r.clv!.steps[0]).toBe(30);
    expect(r.clv!.steps[r.clv!.steps.length - 1]).toBeLessThanOrEqual(120);
    for (const row of r.clv!.angles) for (const x of row) expect(x).toBeGreaterThanOrEqual(0), expect(x).toBeLessThanOrEqual(Math.PI / 2 + 1e-12);
  });

  it('rejects bad settings with a message', () => {
    expect(() => runRegression({ ...base, activation: 'tanh', seed: 0, k: 99 })).toThrow(/k must/);
    expect(() => runRegression({ ...base, activation: 'tanh', seed: 0, tau: 500 })).toThrow(/tau/);
    expect(() => runRegression({ ...base, activation: 'tanh', seed: 0, clv: true, tau: 60 })).toThrow(/CLVs need/);
  });
});

describe('presets', () => {
  it('have unique names and reject overrides they do not use', () => {
    expect(new Set(LYAPUNOV_PRESETS.map((p) => p.name)).size).toBe(LYAPUNOV_PRESETS.length);
    expect(() => getLyapunovPreset('quadratic').run({ k: 2 })).toThrow(/does not use --k/);
    expect(() => getLyapunovPreset('nope')).toThrow(/unknown preset/);
  });
});
