/**
 * Per-eigenvalue quantities and the canonical ordering of a spectrum.
 */
import type { Eigenvalue } from './types';

/**
 * Derived quantities of a discrete-time eigenvalue λ with snapshot interval dt (in optimizer steps):
 * ω = log(λ)/dt on the principal branch, growth rate ln|λ|/dt, frequency arg(λ)/(2π·dt).
 */
export function describeEigenvalue(re: number, im: number, dt: number, amplitude?: number): Eigenvalue {
  const abs = Math.hypot(re, im);
  const arg = Math.atan2(im, re);
  const logAbs = Math.log(abs);
  const e: Eigenvalue = {
    re, im, abs, arg,
    ctRe: logAbs / dt,
    ctIm: arg / dt,
    growthRate: logAbs / dt,
    frequency: arg / (2 * Math.PI * dt),
  };
  if (amplitude !== undefined) e.amplitude = amplitude;
  return e;
}

/**
 * Canonical order: |λ| descending; equal moduli (to 1e-12 relative, e.g. both members of a conjugate pair) by
 * imaginary part descending, then by real part descending. Returns the permutation.
 */
export function spectrumOrder(re: ArrayLike<number>, im: ArrayLike<number>): number[] {
  const idx = Array.from({ length: re.length }, (_, i) => i);
  const abs = idx.map((i) => Math.hypot(re[i], im[i]));
  return idx.sort((a, b) => {
    const d = abs[b] - abs[a];
    if (Math.abs(d) > 1e-12 * Math.max(abs[a], abs[b], 1e-300)) return d;
    if (im[b] !== im[a]) return im[b] - im[a];
    return re[b] - re[a];
  });
}
