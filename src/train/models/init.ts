/**
 * Seeded weight initialisation in plain TypeScript: every initial weight is drawn by the shared `Sfc32` (src/linalg/random.ts)
 * into a Float32Array and only then uploaded, so an init is the same on every backend (tfjs's seeded `tf.random*`
 * ops are not promised to agree across backends).
 *
 * Each parameter draws from its own stream, seeded by (initSeed, parameter name): changing one layer's width does not
 * shift the draws of the others.
 */
import { tf } from '../tf';
import { Sfc32, mixSeed } from '../../linalg/random';
import type { Activation } from '../types';

export interface Param {
  name: string;
  variable: tf.Variable;
}

/** The weight rule: He-uniform U(±√(6/fanIn)) before ReLU-like units, Glorot-uniform U(±√(6/(fanIn+fanOut))) else. */
export type InitRule =
  | { kind: 'he' | 'glorot'; fanIn: number; fanOut: number }
  /** U(±bound) (PyTorch's recurrent default, bound = 1/√hidden). */
  | { kind: 'uniform'; bound: number }
  /** N(0, std²) (Nanda's transformer: std = 1/√d_model). */
  | { kind: 'normal'; std: number }
  | { kind: 'zeros' };

export function ruleFor(activation: Activation, fanIn: number, fanOut: number): InitRule {
  return { kind: activation === 'relu' || activation === 'gelu' ? 'he' : 'glorot', fanIn, fanOut };
}

/** The initial values of one parameter: `scale` × a draw by `rule`, from the stream of (initSeed, name). */
export function initValues(size: number, rule: InitRule, initSeed: number, name: string, scale = 1): Float32Array {
  const out = new Float32Array(size);
  if (rule.kind === 'zeros') return out;
  const rng = new Sfc32(mixSeed(initSeed, `init:${name}`));
  if (rule.kind === 'normal') {
    for (let i = 0; i < size; i++) out[i] = scale * rng.normal(0, rule.std);
    return out;
  }
  const bound = rule.kind === 'uniform' ? rule.bound
    : rule.kind === 'he' ? Math.sqrt(6 / rule.fanIn) : Math.sqrt(6 / (rule.fanIn + rule.fanOut));
  for (let i = 0; i < size; i++) out[i] = scale * rng.uniform(-bound, bound);
  return out;
}

/**
 * Builds the parameter list of a model. Variables are created unnamed: tfjs names variables globally, and several
 * Trainers (an ensemble) hold parameters with the same model names.
 */
export class ParamBuilder {
  readonly params: Param[] = [];
  constructor(private readonly initSeed: number, private readonly scale: number) {}

  add(name: string, shape: number[], rule: InitRule): tf.Variable {
    if (this.params.some((p) => p.name === name)) throw new Error(`duplicate parameter name '${name}'`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = initValues(size, rule, this.initSeed, name, this.scale);
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true));
    this.params.push({ name, variable });
    return variable;
  }
}

/** Elementwise activation; gelu is the tanh approximation (tfjs-core has no gelu op). */
export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'relu': return tf.relu(x);
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'linear': return x;
    case 'gelu': {
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
    }
    default: throw new Error(`unknown activation '${activation as string}'`);
  }
}

/** x · Wᵀ (+ b) with PyTorch's Linear layout W (out, in): snapshots of a weight read row-major as in PyTorch. */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor2D {
  const y = tf.matMul(x as tf.Tensor2D, weight as tf.Tensor2D, false, true);
  return (bias ? tf.add(y, bias) : y) as tf.Tensor2D;
}

export function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
