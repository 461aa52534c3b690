/**
 * A one-line reading of the live spectrum for the page's explanation (ui/Explain.tsx): where its eigenvalues lie on
 * or around the unit circle and what that means for the weights. Pure; tested in Node.
 */
import type { SpectrumReport } from '../../koopman/report';

/** |λ| within this of 1 counts as on the circle; |Im λ| under it as real. */
const ON = 0.005;

export function spectrumReading(rep: SpectrumReport | undefined): string {
  if (!rep || rep.eigenvalues.length === 0) return 'No spectrum yet: press Play.';
  const eig = rep.eigenvalues;
  const abs = eig.map(([re, im]) => Math.hypot(re, im));
  const n = eig.length;
  const outside = abs.filter((a) => a > 1 + ON).length;
  const onCircle = abs.filter((a) => Math.abs(a - 1) <= ON).length;
  const complex = eig.filter(([, im]) => Math.abs(im) > ON).length;
  const negative = eig.filter(([re, im]) => re < 0 && Math.abs(im) <= ON).length;
  const max = Math.max(...abs);
  const parts = [`${n} eigenvalue${n === 1 ? '' : 's'}, largest |λ| = ${max.toFixed(3)}`];
  if (outside) parts.push(`${outside} outside the circle (growing: unstable directions)`);
  if (onCircle) parts.push(`${onCircle} on it (kept or drifting)`);
  if (n - outside - onCircle) parts.push(`${n - outside - onCircle} inside (decaying)`);
  const pairs = Math.ceil(complex / 2);
  if (pairs) parts.push(`${pairs} complex pair${pairs === 1 ? '' : 's'} (rotating)`);
  if (negative) parts.push(`${negative} on the negative real axis (flipping sign every step)`);
  return `Now: ${parts.join('; ')}.`;
}
