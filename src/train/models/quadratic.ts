/**
 * The data-free quadratic L(w) = ½ wᵀ H w, H = Q diag(curvatures) Qᵀ, w ∈ ℝ^d (d = curvatures.length), for the
 * teaching presets: gradient descent is the linear map w ← (I − ηH) w, whose Koopman eigenvalues are 1 − η·cᵢ.
 *
 * Q is orthogonal, from modified Gram–Schmidt of a Gaussian matrix seeded by the data seed (H is the "data": every
 * init seed sees the same landscape). w₀ ~ N(0, 1) per coordinate from the init seed, times initScale. One parameter,
 * 'w' (d). The inputs and targets of a batch are ignored.
 */
import { quadraticHessian } from '../../linalg/quadratic';
import { tf } from '../tf';
import { Sfc32, mixSeed } from '../../linalg/random';
import type { ModelSpec } from '../types';
import { ParamBuilder } from './init';
import type { Model } from './model';

export type QuadraticSpec = Extract<ModelSpec, { kind: 'quadratic' }>;

export interface QuadraticModel extends Model {
  /** H (d × d, row-major, exactly symmetric) as used on the device (float32). */
  hessian: Float32Array;
}

/** A seeded d × d orthogonal matrix (row-major, float64): modified Gram–Schmidt on the columns of a Gaussian matrix. */
export function seededOrthogonal(d: number, seed: number): Float64Array {
  const rng = new Sfc32(seed);
  const cols: Float64Array[] = [];
  while (cols.length < d) {
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = rng.normal();
    for (const q of cols) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[i] * v[i];
      for (let i = 0; i < d; i++) v[i] -= dot * q[i];
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-8) continue; // (practically never) a dependent draw: draw again
    for (let i = 0; i < d; i++) v[i] /= norm;
    cols.push(v);
  }
  const Q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) Q[i * d + j] = cols[j][i];
  return Q;
}

/** H = Q diag(c) Qᵀ (linalg/quadratic.ts) with Q = seededOrthogonal(d, mixSeed(seed, 'quadratic')). */
export function seededQuadraticHessian(curvatures: number[], seed: number): Float64Array {
  return quadraticHessian(curvatures, seededOrthogonal(curvatures.length, mixSeed(seed, 'quadratic')));
}

export function buildQuadratic(spec: QuadraticSpec, initSeed: number, initScale: number, dataSeed: number): QuadraticModel {
  const d = spec.curvatures.length;
  if (d < 1 || !spec.curvatures.every(Number.isFinite)) throw new Error('quadratic: curvatures must be a non-empty list of finite numbers');
  const hessian = Float32Array.from(seededQuadraticHessian(spec.curvatures, dataSeed));
  const H = tf.keep(tf.tensor2d(hessian, [d, d]));
  const b = new ParamBuilder(initSeed, initScale);
  const w = b.add('w', [d], { kind: 'normal', std: 1 });
  const loss = (): tf.Scalar => {
    const Hw = tf.reshape(tf.matMul(H, tf.reshape(w, [d, 1])), [d]);
    return tf.mul(0.5, tf.sum(tf.mul(w, Hw))) as tf.Scalar;
  };
  return {
    params: b.params,
    hessian,
    loss,
    predict: () => tf.clone(w),
    dispose: () => {
      w.dispose();
      H.dispose();
    },
  };
}
