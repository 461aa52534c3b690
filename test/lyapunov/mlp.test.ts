/**
 * The network's loss, gradient and exact Hessian–vector products: against NumPy's closed-form Hessian
 * (make_lyapunov_fixtures.py builds it block by block, independently of the R-operator), against finite
 * differences, and against the dense Hessian assembled from the products.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES } from '../../src/lyapunov/activations';
import { Mlp } from '../../src/lyapunov/mlp';
import { finalHessian, initialWeights, regressionData } from '../../src/lyapunov/regression';
import { seededRng } from '../../src/linalg/random';
import { expectArrayClose, expectScalarClose } from '../matchers';
import { fixtures } from './fixtures';

function netOf(c: (typeof fixtures.nets)[number]) {
  return new Mlp({ dIn: c.dIn, hidden: c.hidden, dOut: c.dOut }, c.activation, { M: c.M, x: Float64Array.from(c.x), y: Float64Array.from(c.y) });
}

describe('Mlp against NumPy (closed-form blocks with σ′, σ″)', () => {
  it.each(fixtures.nets.map((c) => [c.name, c] as const))('%s: loss, gradient, Hessian and H·v', (_n, c) => {
    const net = netOf(c);
    const w0 = Float64Array.from(c.w0);
    expectScalarClose(net.evaluate(w0), c.loss, { rel: 1e-13, abs: 1e-15 });
    expectArrayClose(net.grad, c.grad, { rel: 1e-12, abs: 1e-14 }, 'grad');
    const hv = new Float64Array(net.P);
    net.hvp(Float64Array.from(c.v), hv);
    expectArrayClose(hv, c.hv, { rel: 1e-12, abs: 1e-13 }, 'Hv');
    expectArrayClose(net.hessian(w0), c.hessian, { rel: 1e-12, abs: 1e-13 }, 'hessian');
  });
});

describe('Mlp against finite differences', () => {
  const data = regressionData(12);
  it.each(ACTIVATION_NAMES.map((a) => [a]))('%s: gradient and Hessian–vector product', (act) => {
    const shape = { dIn: 1, hidden: 5, dOut: 1 };
    const net = new Mlp(shape, act, data);
    const rng = seededRng(7);
    const w = initialWeights(shape, 1.2, rng);
    const v = Float64Array.from({ length: net.P }, () => rng.normal());
    net.evaluate(w);
    const g = Float64Array.from(net.grad);
    const hv = new Float64Array(net.P);
    net.hvp(v, hv);
    const h = 1e-6;
    // central differences: O(h²) truncation, ~ε/h round-off
    const fdGrad = Float64Array.from({ length: net.P }, (_, i) => {
      const wp = Float64Array.from(w), wm = Float64Array.from(w);
      wp[i] += h; wm[i] -= h;
      return (net.evaluate(wp) - net.evaluate(wm)) / (2 * h);
    });
    expectArrayClose(g, fdGrad, { rel: 1e-6, abs: 1e-8 }, 'grad');
    // H v = (∇C(w + hv) − ∇C(w − hv)) / 2h; ReLU is piecewise linear, so its difference is exact off the kinks
    const wp = w.map((x, i) => x + h * v[i]), wm = w.map((x, i) => x - h * v[i]);
    net.evaluate(wp); const gp = Float64Array.from(net.grad);
    net.evaluate(wm); const gm = Float64Array.from(net.grad);
    expectArrayClose(hv, gp.map((x, i) => (x - gm[i]) / (2 * h)), { rel: 1e-5, abs: 1e-7 }, 'Hv');
  });

  it('hvp uses the point of the last evaluate, and the dense Hessian is symmetric', () => {
    const shape = { dIn: 1, hidden: 4, dOut: 1 };
    const net = new Mlp(shape, 'tanh', data);
    const rng = seededRng(3);
    const w = initialWeights(shape, 1, rng), w2 = initialWeights(shape, 1, rng);
    const H = net.hessian(w);
    const P = net.P;
    for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) expect(Math.abs(H[i * P + j] - H[j * P + i])).toBeLessThan(1e-13);
    const H2 = net.hessian(w2);
    expect(Math.max(...H.map((x, i) => Math.abs(x - H2[i])))).toBeGreaterThan(1e-3);
  });

  it('the final-Hessian summary without forming H (Lanczos on HVPs, used above 600 parameters) agrees with the dense one', () => {
    const shape = { dIn: 1, hidden: 40, dOut: 1 }; // P = 121 < 600: compare the two routes on the same net
    const net = new Mlp(shape, 'tanh', regressionData(32));
    const w = initialWeights(shape, 1.5, seededRng(5));
    for (const eta of [0.1, 0.02]) {
      const dense = finalHessian(net, w, eta, 4, 0);
      const free = finalHessian(net, w, eta, 4, 0, 0);
      expect([dense.hessianMethod, free.hessianMethod]).toEqual(['dense', 'lanczos']);
      expectArrayClose(free.hessianRange, dense.hessianRange, { rel: 1e-8, abs: 1e-10 }, `[h_min, h_max], η = ${eta}`);
      expectArrayClose(free.hessianExponents, dense.hessianExponents, { rel: 1e-6, abs: 1e-8 }, `ln|1 − ηh|, η = ${eta}`);
    }
  });

  it('rejects a parameter vector of the wrong length and data of the wrong shape', () => {
    const net = new Mlp({ dIn: 1, hidden: 3, dOut: 1 }, 'sin', data);
    expect(() => net.evaluate(new Float64Array(5))).toThrow(/parameters/);
    expect(() => new Mlp({ dIn: 2, hidden: 3, dOut: 1 }, 'sin', data)).toThrow(/shape/);
    expect(() => new Mlp({ dIn: 1, hidden: 3, dOut: 1 }, 'swish' as never, data)).toThrow(/unknown activation/);
  });
});
