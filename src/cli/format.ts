/** Plain-text rendering for the command line (the --json forms are the report objects themselves). */
import type { SpectrumReport } from '../koopman/report';

const f = (x: number | null, d = 6) => (x === null ? 'n/a' : Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-4 && x !== 0) ? x.toExponential(d - 2) : x.toFixed(d));

export function formatSpectrum(r: SpectrumReport): string {
  const lines: string[] = [];
  const rule = r.rankRule.kind === 'rank' ? `rank ${r.rankRule.r}` : r.rankRule.kind === 'energy' ? `energy ${r.rankRule.fraction}` : r.rankRule.kind;
  lines.push(`${r.source}: ${r.runs} run(s), ${r.pairs} snapshot pairs, embedded dimension ${r.embeddedDim}, ${r.delays} delays, Δt = ${r.dt} steps`);
  lines.push(`rank ${r.rank} (${rule}), one-step residual ${f(r.residual, 3)}, σ1/σr = ${f(r.conditionNumber, 3)}${r.sketched ? `, SKETCHED to ${r.sketch?.dim} dims (inner products ±${r.sketch?.relativeInnerProductError.toFixed(3)}·‖x‖‖y‖)` : ''}`);
  lines.push('');
  lines.push('  #          Re λ          Im λ          |λ|     arg λ   ln|λ|/Δt   freq (1/step)   |b|');
  r.eigenvalues.forEach(([re, im], i) => {
    const d = r.details[i];
    lines.push(`${String(i + 1).padStart(3)}  ${f(re, 9).padStart(12)}  ${f(im, 9).padStart(12)}  ${f(d.abs, 7).padStart(11)}  ${f(d.arg, 4).padStart(8)}  ${f(d.growthRate, 4).padStart(9)}  ${f(d.frequency, 5).padStart(14)}  ${f(d.amplitude, 3).padStart(6)}`);
  });
  lines.push('');
  lines.push(`singular values: ${r.singularValues.slice(0, 12).map((s) => s.toPrecision(4)).join(' ')}${r.singularValues.length > 12 ? ' …' : ''}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
