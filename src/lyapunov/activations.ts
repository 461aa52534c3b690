/**
 * Hidden-layer activations σ with their first and second derivatives, which the Hessian of the training loss needs
 * (paper 3 writes the tangent operator's blocks with σ′ and σ″). All are float64 and elementwise.
 *
 * ReLU is included on purpose as the odd one out: σ″ = 0 almost everywhere, so the loss has curvature only through
 * the Gauss–Newton part (σ′)², and the tangent map ignores the kinks (a measure-zero set the trajectory generically
 * never lands on).
 */
import { OptionError } from '../linalg/errors';
export type ActivationName = 'tanh' | 'sigmoid' | 'softplus' | 'sin' | 'relu';

export interface LyapunovActivation {
  name: ActivationName;
  /** Writes σ(a), σ′(a), σ″(a). */
  eval(a: number, out: { s: number; d1: number; d2: number }): void;
  /** One line for help texts. */
  description: string;
}

const sigmoid = (a: number) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a)));

export const LYAPUNOV_ACTIVATIONS: Record<ActivationName, LyapunovActivation> = {
  tanh: {
    name: 'tanh', description: 'tanh(a); σ′ = 1 − σ², σ″ = −2σσ′',
    eval(a, o) { const s = Math.tanh(a); o.s = s; o.d1 = 1 - s * s; o.d2 = -2 * s * o.d1; },
  },
  sigmoid: {
    name: 'sigmoid', description: '1/(1 + e^−a); σ′ = σ(1 − σ), σ″ = σ′(1 − 2σ)',
    eval(a, o) { const s = sigmoid(a); o.s = s; o.d1 = s * (1 - s); o.d2 = o.d1 * (1 - 2 * s); },
  },
  softplus: {
    name: 'softplus', description: 'ln(1 + e^a); σ′ = sigmoid(a), σ″ = sigmoid′(a)',
    eval(a, o) {
      const p = sigmoid(a);
      o.s = a > 30 ? a : a < -30 ? Math.exp(a) : Math.log1p(Math.exp(a));
      o.d1 = p; o.d2 = p * (1 - p);
    },
  },
  sin: {
    name: 'sin', description: 'sin(a); σ′ = cos a, σ″ = −sin a',
    eval(a, o) { const s = Math.sin(a); o.s = s; o.d1 = Math.cos(a); o.d2 = -s; },
  },
  relu: {
    name: 'relu', description: 'max(0, a); σ′ = step, σ″ = 0 a.e. (no curvature of its own)',
    eval(a, o) { o.s = a > 0 ? a : 0; o.d1 = a > 0 ? 1 : 0; o.d2 = 0; },
  },
};

export const ACTIVATION_NAMES = Object.keys(LYAPUNOV_ACTIVATIONS) as ActivationName[];

export function getActivation(name: string): LyapunovActivation {
  const a = (LYAPUNOV_ACTIVATIONS as Record<string, LyapunovActivation | undefined>)[name];
  if (!a) throw new OptionError(`unknown activation '${name}'; known: ${ACTIVATION_NAMES.join(', ')}`);
  return a;
}
