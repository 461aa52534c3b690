/** The NumPy/SciPy references of test/fixtures/lyapunov.json (make_lyapunov_fixtures.py), typed. */
import raw from '../fixtures/lyapunov.json';
import type { ActivationName } from '../../src/lyapunov/activations';

export interface NetCase {
  name: string; dIn: number; hidden: number; dOut: number; activation: ActivationName; M: number;
  x: number[]; y: number[]; eta: number; steps: number; tau: number; k: number;
  w0: number[]; q0: number[]; v: number[]; loss: number; grad: number[]; hessian: number[]; hv: number[];
  logR: number[]; wFinal: number[]; lossFinal: number;
}

export const fixtures = raw as unknown as {
  qr: { n: number; k: number; a: number[]; q: number[]; r: number[] }[];
  nets: NetCase[];
  spearman: { x: number[]; y: number[]; rho: number }[];
  e6: { basis: number[]; eta: number; curvatures: number[]; windows: { tau: number; ftle: number[] }[] };
};

/** Row-major rows × cols (NumPy's layout) → column-major (the Lyapunov core's). */
export function toColumnMajor(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}
