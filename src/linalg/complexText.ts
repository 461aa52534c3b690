/**
 * Complex numbers as text, one convention for every printed eigenvalue: `a+bi` / `a−bi` (no spaces; the minus of the
 * imaginary part is U+2212, a zero imaginary part, −0 included, counts as +), each part written by the caller's `num`.
 */

/** `re ± |im| i`, always with an imaginary part. */
export function formatComplex(re: number, im: number, num: (x: number) => string): string {
  return `${num(re)}${im >= 0 ? '+' : '−'}${num(Math.abs(im))}i`;
}

/** A real number (im exactly 0) as `real(re)` alone; anything else as formatComplex. */
export function formatEigenvalue(re: number, im: number, num: (x: number) => string, real: (x: number) => string = num): string {
  return im === 0 ? real(re) : formatComplex(re, im, num);
}
