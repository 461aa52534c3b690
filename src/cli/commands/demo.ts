/** `koopscope demo NAME [--json]`: the papers' small experiments, computed from scratch. */
import { commandArgs } from '../command';
import { formatEigenvalue } from '../../linalg/complexText';
import { runOmdOgd } from '../../demos/omdOgdExperiment';
import { UsageError } from '../errors';
import type { Io } from '../main';

export const DEMO_COMMANDS: Record<string, string> = {
  'omd-ogd': 'paper 1: online mirror descent vs online gradient descent (conjugate) and bisection (not)',
};

export const usage = `usage: koopscope demo NAME [--json]

demos:
${Object.entries(DEMO_COMMANDS).map(([k, v]) => `  ${k.padEnd(10)} ${v}`).join('\n')}`;

const pairs = (s: { eigenvalues: { re: number; im: number }[] }) => s.eigenvalues.map((e) => [e.re, e.im]);

export function run(args: string[], io: Io): number {
  const parsed = commandArgs(args, { json: { type: 'boolean' } }, usage, io);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`demo needs one NAME: ${Object.keys(DEMO_COMMANDS).join(', ')}`);
  const name = positionals[0];
  if (name !== 'omd-ogd') throw new UsageError(`unknown demo '${name}'; available: ${Object.keys(DEMO_COMMANDS).join(', ')}`);
  const r = runOmdOgd();
  const warnings = Object.fromEntries(Object.entries(r.spectra).map(([k, s]) => [k, s.warnings]));
  if (values.json) {
    io.out(JSON.stringify({
      omd: pairs(r.spectra.omd), ogd: pairs(r.spectra.ogd), bisection: pairs(r.spectra.bisection),
      distances: r.distances, settings: r.settings, warnings,
    }));
    return 0;
  }
  const fmt = (s: typeof r.spectra.omd) => s.eigenvalues.map((e) => formatEigenvalue(e.re, e.im, (x) => x.toFixed(5))).join(' ');
  io.out([
    'Paper 1, OMD vs OGD (f(x) = Σ tan x, η = 0.01, 100 steps, 5×5 initial conditions, 4 delays, no truncation)',
    `OMD eigenvalues:       ${fmt(r.spectra.omd)}`,
    `OGD eigenvalues:       ${fmt(r.spectra.ogd)}`,
    `bisection eigenvalues: ${fmt(r.spectra.bisection)}`,
    `W1(OMD, OGD)       = ${r.distances.omd_ogd.toFixed(7)}   (paper: 0.0080732; conjugate via h = exp)`,
    `W1(OMD, bisection) = ${r.distances.omd_bisection.toFixed(4)}`,
    `W1(OGD, bisection) = ${r.distances.ogd_bisection.toFixed(4)}   (bisection is not conjugate: far away)`,
  ].join('\n'));
  return 0;
}
