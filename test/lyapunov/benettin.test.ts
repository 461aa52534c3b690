/**
 * FTLEs by the QR method: the E6 quadratic against ln|1 − ηh| within the O(1/τ) bound (and the table of
 * docs/methods.md#e6), the DMD of the same run against 1 − ηh, and small regression nets against a NumPy Benettin
 * run to 1e-9.
 */
import { describe, expect, it } from 'vitest';
import { benettin, ftleSeries, ftleWindow } from '../../src/lyapunov/benettin';
import { Mlp } from '../../src/lyapunov/mlp';
import { E6_BASIS, runQuadratic, type LyapunovQuadraticSpec } from '../../src/lyapunov/quadratic';
import { GdSystem } from '../../src/lyapunov/regression';
import { expectArrayClose } from '../matchers';
import { fixtures, toColumnMajor } from './fixtures';

const E6: LyapunovQuadraticSpec = { curvatures: [1, 3, 10], eta: 0.05, steps: 5000, taus: [50, 500, 5000], seriesTau: 50, dmd: { runs: 5, T: 80 }, seed: 0 };

describe('GD on a quadratic (docs/methods.md E6)', () => {
  const r = runQuadratic(E6);

  it('uses the basis of the fixture (NumPy default_rng(0))', () => {
    expectArrayClose(E6_BASIS, fixtures.e6.basis, { abs: 0 }, 'basis');
  });

  it('exact exponents are ln|1 − ηh| ordered from the slowest direction', () => {
    expectArrayClose(r.exact, [Math.log(0.95), Math.log(0.85), Math.log(0.5)], { abs: 1e-14 }, 'exact');
    expect(r.exact).toEqual([...r.exact].sort((a, b) => b - a));
  });

  it('FTLEs over [0, τ) match NumPy and the docs/methods.md table (τ = 50, 500, 5000)', () => {
    const table = [[-0.0982, -0.1709, -0.6378], [-0.0560, -0.1634, -0.6876], [-0.05176, -0.16260, -0.69259]];
    r.windows.forEach((w, i) => {
      expect(w.tau).toBe(fixtures.e6.windows[i].tau);
      expectArrayClose(w.ftle, fixtures.e6.windows[i].ftle, { abs: 1e-12 }, `ftle τ=${w.tau}`);
      expectArrayClose(w.ftle, table[i], { abs: i === 2 ? 5e-6 : 5e-5 }, `table τ=${w.tau}`);
    });
  });

  it('deviations stay within the O(1/τ) bound and scale as 1/τ', () => {
    for (const w of r.windows) {
      expect(w.withinBound).toBe(true);
      w.deviation.forEach((d, i) => expect(Math.abs(d)).toBeLessThanOrEqual(w.bound[i] * (1 + 1e-9) + 1e-14));
    }
    // τ·deviation is the same constant at τ = 500 and 5000 (the other directions' transients died out)
    r.windows[1].deviation.forEach((d, i) => expect(5000 * r.windows[2].deviation[i]).toBeCloseTo(500 * d, 6));
    // and the bound is not vacuous: the slowest direction sits right at it
    expect(Math.abs(r.windows[0].deviation[0])).toBeGreaterThan(0.99 * r.windows[0].bound[0]);
  });

  it('DMD of the same run gives λ = 1 − ηh, and ln|λ| equals the exponents', () => {
    expectArrayClose(r.dmd.eigenvalues.flat(), [0.95, 0, 0.85, 0, 0.5, 0], { abs: 1e-10 }, 'λ');
    expectArrayClose(r.dmd.lnAbs, r.exact, { abs: 1e-10 }, 'ln|λ|');
    expect(r.dmd.maxErrorVsMultipliers).toBeLessThan(1e-10);
  });

  it('after the first window the windowed series sits at ln|1 − ηh|; the running FTLE converges to it', () => {
    expectArrayClose(r.series.values[10], r.exact, { abs: 1e-10 }, 'series');
    const last = r.running.values[r.running.values.length - 1];
    expectArrayClose(last, r.windows[2].ftle, { abs: 1e-14 }, 'running');
  });

  it('at lr 0.19 one multiplier is −0.90 (a period-2 direction): DMD sees λ < 0, the exponent is ln 0.9', () => {
    const edge = runQuadratic({ ...E6, eta: 0.19, steps: 500, taus: [500] });
    expectArrayClose(edge.multipliers, [-0.9, 0.81, 0.43], { abs: 1e-12 }, 'μ');
    const neg = edge.dmd.eigenvalues.find(([re]) => re < 0)!;
    expect(neg[0]).toBeCloseTo(-0.9, 10);
    expect(neg[1]).toBe(0);
    expect(edge.windows[0].withinBound).toBe(true);
  });
});

describe('Benettin on regression nets against NumPy (dense J = I − ηH, numpy.linalg.qr)', () => {
  it.each(fixtures.nets.map((c) => [c.name, c] as const))('%s: ln R_ii of every step to 1e-9, and the final weights', (_n, c) => {
    const net = new Mlp({ dIn: c.dIn, hidden: c.hidden, dOut: c.dOut }, c.activation, { M: c.M, x: Float64Array.from(c.x), y: Float64Array.from(c.y) });
    const sys = new GdSystem(net, c.eta, Float64Array.from(c.w0));
    const b = benettin(sys, { k: c.k, steps: c.steps, q0: toColumnMajor(c.q0, net.P, c.k) });
    expectArrayClose(b.logR, c.logR, { abs: 1e-9 }, 'logR');
    expectArrayClose(sys.w, c.wFinal, { abs: 1e-12, rel: 1e-12 }, 'w_N');
    expect(sys.loss).toBeCloseTo(c.lossFinal, 13);
    // windowed FTLEs are means of those rows
    const s = ftleSeries(b.logR, c.k, c.tau);
    expect(s.starts.length).toBe(Math.floor(c.steps / c.tau));
    const expected = Array.from({ length: c.k }, (_, i) => c.logR.slice(0, c.tau * c.k).filter((_, j) => j % c.k === i).reduce((a, x) => a + x, 0) / c.tau);
    expectArrayClose(s.values.subarray(0, c.k), expected, { abs: 1e-9 }, 'first window');
  });

  it('rejects bad k, steps, frames and windows', () => {
    const c = fixtures.nets[0];
    const net = new Mlp({ dIn: 1, hidden: c.hidden, dOut: 1 }, c.activation, { M: c.M, x: Float64Array.from(c.x), y: Float64Array.from(c.y) });
    const sys = new GdSystem(net, c.eta, Float64Array.from(c.w0));
    expect(() => benettin(sys, { k: 0, steps: 5 })).toThrow(/k must/);
    expect(() => benettin(sys, { k: net.P + 1, steps: 5 })).toThrow(/k must/);
    expect(() => benettin(sys, { k: 2, steps: 0 })).toThrow(/steps/);
    expect(() => benettin(sys, { k: 2, steps: 3, q0: new Float64Array(3) })).toThrow(/q0/);
    expect(() => ftleWindow(new Float64Array(10), 2, 3, 3)).toThrow(/outside/);
  });
});
