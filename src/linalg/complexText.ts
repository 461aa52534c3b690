/**
 * Complex numbers as text, one convention for every printed eigenvalue: `a+bi` / `a−bi` (no spaces; the minus of the
 * imaginary part is U+2212, a zero imaginary part, −0 included, counts as +), each part written by the caller's `num`.
 */

/** How the sign is set off: `tight` for tables and the CLI (`a+bi`), `spaced` for prose and hover text (`a + bi`). */
export type ComplexSpacing = 'tight' | 'spaced';

/** `re ± |im| i`, always with an imaginary part. */
export function formatComplex(re: number, im: number, num: (x: number) => string, spacing: ComplexSpacing = 'tight'): string {
  const gap = spacing === 'spaced' ? ' ' : '';
  return `${num(re)}${gap}${im >= 0 ? '+' : '−'}${gap}${num(Math.abs(im))}i`;
}

/** A conjugate pair written once, `re±|im|i`; a real eigenvalue (im exactly 0) as `real(re)`. */
export function formatConjugatePair(re: number, im: number, num: (x: number) => string, real: (x: number) => string = num): string {
  return im === 0 ? real(re) : `${num(re)}±${num(Math.abs(im))}i`;
}

/** A real number (im exactly 0) as `real(re)` alone; anything else as formatComplex. */
export function formatEigenvalue(re: number, im: number, num: (x: number) => string, real: (x: number) => string = num): string {
  return im === 0 ? real(re) : formatComplex(re, im, num);
}
