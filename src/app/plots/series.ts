/** Pure helpers for the line plots: TensorBoard-style smoothing and min–max decimation. */

import { formatComplex } from '../../linalg/complexText';

/**
 * Exponential moving average with TensorBoard's debiasing: s_t = a_t / (1 − w^n) where a_t = w·a_{t−1} + (1 − w)·y_t
 * over the n finite values so far, so the curve starts at the data instead of at 0. Non-finite values pass through
 * unchanged and do not enter the average. w = 0 returns a copy.
 */
export function emaDebiased(ys: ArrayLike<number>, weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  const out = new Array<number>(ys.length);
  let acc = 0;
  let n = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    acc = acc * w + (1 - w) * y;
    n++;
    out[i] = w === 0 ? y : acc / (1 - w ** n);
  }
  return out;
}

/**
 * Min–max decimation to at most `maxPoints` points (plus the first and last): the series is cut into equal index
 * buckets and each keeps its smallest and largest finite value, in index order, so spikes survive (unlike striding
 * or random sampling). Series at or under the limit come back unchanged.
 */
export function decimateMinMax(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints = 2000): { x: number[]; y: number[] } {
  const n = Math.min(xs.length, ys.length);
  if (n <= maxPoints) return { x: Array.from(xs).slice(0, n), y: Array.from(ys).slice(0, n) };
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const x: number[] = [xs[0]];
  const y: number[] = [ys[0]];
  let lastIndex = 0;
  const take = (i: number) => {
    if (i <= lastIndex) return;
    x.push(xs[i]);
    y.push(ys[i]);
    lastIndex = i;
  };
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = ys[i];
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < ys[lo]) lo = i;
      if (hi < 0 || v > ys[hi]) hi = i;
    }
    if (lo < 0) continue;
    take(Math.min(lo, hi));
    take(Math.max(lo, hi));
  }
  take(n - 1);
  return { x, y };
}

/** A number for hover text and summaries: 4 significant digits, exponent form when tiny or huge. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e-3 && a < 1e5 ? v.toPrecision(digits) : v.toExponential(digits - 1);
  return s.replace('-', '−');
}

/** "0.9512 + 0.1234i": the core's one complex-number convention (linalg/complexText.ts), spaced, with `fmt` parts. */
export function fmtComplex(re: number, im: number): string {
  return formatComplex(re, im, (x) => fmt(x), 'spaced');
}
