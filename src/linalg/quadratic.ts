/**
 * The Hessian of a quadratic loss ½ wᵀHw with given curvatures along given orthonormal directions, shared by the
 * training side's quadratic model (src/train/models/quadratic.ts, basis from a seed) and the Lyapunov view's
 * quadratic check (src/lyapunov/quadratic.ts, a fixed basis).
 */

/**
 * H = Q diag(h) Qᵀ, row-major d × d, exactly symmetric (each pair i ≤ j is computed once, as
 * Σ_k Q[i,k]·h[k]·Q[j,k] in ascending k, and mirrored). `basis`: Q row-major, d × d, eigenvector k = column k.
 */
export function quadraticHessian(curvatures: readonly number[], basis: ArrayLike<number>): Float64Array {
  const d = curvatures.length;
  const H = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += basis[i * d + k] * curvatures[k] * basis[j * d + k];
      H[i * d + j] = s;
      H[j * d + i] = s;
    }
  }
  return H;
}
