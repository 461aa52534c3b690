/**
 * The paper-3 experiment's plumbing: deterministic given the seed, paired initial conditions across activations,
 * the reading follows the measured sign of ρ (never a hard-coded direction), and single regression runs.
 */
import { describe, expect, it } from 'vitest';
import { conclude, correlateGroup, replicate, runEnsemble, type EnsembleRun } from '../../src/lyapunov/experiment';
import { holm } from '../../src/lyapunov/stats';
import { seededRng } from '../../src/linalg/random';
import { getLyapunovPreset, LYAPUNOV_PRESETS } from '../../src/lyapunov/presets';
import { runRegression } from '../../src/lyapunov/regression';

const base = { hidden: 4, samples: 10, eta: 0.2, steps: 120, tau: 30, k: 2, initScale: 1.5 };

describe('runEnsemble', () => {
  const spec = { activations: ['tanh', 'sin'] as const, runsPerActivation: 5, base, seed: 3, replicationSeed: 100, clvAngle: true, alpha: 0.05 };
  const a = runEnsemble({ ...spec, activations: [...spec.activations] });

  it('is deterministic, pairs seeds across activations, and runs a disjoint replication set', () => {
    const b = runEnsemble({ ...spec, activations: [...spec.activations] });
    expect(b.runs.map((r) => r.finalLoss)).toEqual(a.runs.map((r) => r.finalLoss));
    expect(b.correlations).toEqual(a.correlations);
    expect(a.runs.length).toBe(20);
    expect(a.runs.filter((r) => r.activation === 'sin' && r.seedSet === 'A').map((r) => r.seed)).toEqual([3, 4, 5, 6, 7]);
    expect(a.runs.filter((r) => r.activation === 'sin' && r.seedSet === 'B').map((r) => r.seed)).toEqual([100, 101, 102, 103, 104]);
    expect(a.checkpoints).toEqual([30, 60, 90, 120]);
    // 2 seed sets × 3 groups × 4 indicators; replication: one row per group × indicator
    expect(a.correlations.length).toBe(24);
    expect(a.replication.length).toBe(12);
    expect(a.runs[0].ftle.length).toBe(4);
    expect(a.runs[0].clvAngle!.length).toBe(4);
    expect(a.runs[0].clvAngle![0]).toBeNaN(); // first window: forward transient
  });

  it('the baseline is the loss at each checkpoint: at the last one it is the final loss (ρ = 1)', () => {
    for (const r of a.runs) expect(r.lossAtCheckpoints[3]).toBe(r.finalLoss);
    const base = a.correlations.find((c) => c.seedSet === 'A' && c.group === 'tanh' && c.indicator === 'loss')!;
    expect(base.rho[3]).toBeCloseTo(1, 14);
    expect(base.partial.every(Number.isNaN)).toBe(true);
  });

  it('Holm runs over one family per seed set and group: every ρ and partial ρ of that group', () => {
    const rows = a.correlations.filter((c) => c.seedSet === 'B' && c.group === 'all');
    const adj = holm(rows.flatMap((r) => [...r.p, ...r.partialP]));
    expect(rows.flatMap((r) => [...r.pAdj, ...r.partialPAdj])).toEqual(adj);
  });

  it('rejects fewer than four runs and overlapping seed sets', () => {
    expect(() => runEnsemble({ ...spec, activations: ['tanh'], runsPerActivation: 3 })).toThrow(/runs per activation/);
    expect(() => runEnsemble({ ...spec, activations: ['tanh'], replicationSeed: 5 })).toThrow(/overlap/);
  });
});

/** Synthetic runs: the final loss, the current loss (a noisy copy of it) and an exponent built with a known relation. */
function fakeRuns(n: number, seed: number, exponent: (lnFinal: number, lnNow: number, noise: number) => number): EnsembleRun[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const lnFinal = rng.normal(), lnNow = lnFinal + 0.3 * rng.normal();
    const l1 = exponent(lnFinal, lnNow, rng.normal());
    return { seedSet: 'A' as const, activation: 'tanh' as const, seed: i, finalLoss: Math.exp(lnFinal),
      ftle: [[l1, 0], [rng.normal(), 0]], lossAtCheckpoints: [Math.exp(lnNow), Math.exp(lnNow)] };
  });
}

describe('correlateGroup: measured direction, and the partial correlation given the current loss', () => {
  it.each([[1], [-1]] as const)('an exponent that only echoes the current loss (sign %i): ρ significant, partial not', (sign) => {
    const runs = fakeRuns(60, 7, (_f, now, e) => sign * (now + 0.05 * e));
    const [l1, , base] = correlateGroup(runs, [50, 100], 'A', 'tanh', ['lambda1', 'sumK', 'loss'], 0.05);
    expect(Math.sign(l1.rho[0])).toBe(sign);
    expect(l1.pAdj[0]).toBeLessThan(0.05);
    expect(l1.partialPAdj[0]).toBeGreaterThan(0.05);
    expect(base.pAdj[0]).toBeLessThan(0.05);
    expect(l1.earliest).toBe(50);
  });
  it('an exponent carrying the part of the final loss the current loss misses: the partial is significant', () => {
    const runs = fakeRuns(60, 8, (f, now, e) => f - now + 0.05 * e);
    const [l1] = correlateGroup(runs, [50, 100], 'A', 'tanh', ['lambda1', 'loss'], 0.05);
    expect(l1.partial[0]).toBeGreaterThan(0.5);
    expect(l1.partialPAdj[0]).toBeLessThan(0.05);
    expect(conclude(correlateGroup(runs, [50, 100], 'A', 'tanh', ['lambda1', 'loss'], 0.05), [], [50, 100], 0.05).at(-1)).toMatch(/beyond the current loss \(one seed set/);
  });
  it('replication counts agreement of the two sets cell by cell', () => {
    const A = correlateGroup(fakeRuns(60, 1, (_f, now, e) => now + 0.05 * e), [50, 100], 'A', 'tanh', ['lambda1', 'loss'], 0.05);
    const B = correlateGroup(fakeRuns(60, 2, (_f, now, e) => -(now + 0.05 * e)), [50, 100], 'B', 'tanh', ['lambda1', 'loss'], 0.05);
    const rep = replicate(A[0], B[0], 0.05);
    expect(rep.significantA).toBe(1);
    expect(rep.significantB).toBe(1);
    expect(rep.significantBoth).toBe(0); // opposite signs do not replicate
    expect(replicate(A[1], B[1], 0.05).significantBoth).toBe(2); // the baseline, at both checkpoints
    expect(conclude([...A, ...B], [rep, replicate(A[1], B[1], 0.05)], [50, 100], 0.05).at(-1)).toMatch(/^conclusion: no exponent indicator/);
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

  it('the CLV-angle indicator of a window uses no step after its end (causal)', () => {
    const spec = { ...base, activation: 'tanh' as const, k: 3, seed: 2, clvWindowAngle: true };
    const short = runRegression({ ...spec, steps: 120 }), long = runRegression({ ...spec, steps: 180 });
    expect(short.clvWindowAngle!.slice(1)).toEqual(long.clvWindowAngle!.slice(1, 4));
    expect(long.clvWindowAngle!.slice(1).every((x) => x >= 0 && x <= Math.PI / 2)).toBe(true);
    expect(short.lossAtWindowEnds).toEqual(long.lossAtWindowEnds.slice(0, 4));
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
