/** The Lyapunov panel's figure builders on real (small) results: traces, reference lines, the scatter and ρ. */
import { describe, expect, it } from 'vitest';
import {
  ensembleExponentFigure, ensembleGroups, quadraticFigure, regressionExponentFigure, regressionLossFigure, rhoFigure, scatterFigure,
} from '../../src/app/plots/lyapunovFigures';
import { runEnsemble } from '../../src/lyapunov/experiment';
import { getLyapunovPreset } from '../../src/lyapunov/presets';
import type { QuadraticResult } from '../../src/lyapunov/quadratic';
import type { RegressionRun } from '../../src/lyapunov/regression';

type Trace = { x: number[]; y: (number | null)[]; name: string; showlegend?: boolean; yaxis?: string };
const traces = (f: { data: unknown[] }) => f.data as Trace[];
const title = (f: { layout: { title?: unknown } }) => (f.layout.title as { text: string }).text;

describe('Lyapunov figures', () => {
  it('quadratic: a running FTLE and a dashed ln|1 − ηh| line per direction, DMD ln|λ| markers', () => {
    const r = getLyapunovPreset('quadratic').run({ quick: true }).result as QuadraticResult;
    const t = traces(quadraticFigure(r));
    expect(t.length).toBe(2 * 3 + 1);
    expect(t[1].y).toEqual([r.exact[0], r.exact[0]]);
    expect(t[6].y).toEqual(r.dmd.lnAbs);
    expect(title(quadraticFigure(r))).toContain('0.950, 0.850, 0.500');
  });

  it('regression: k exponent traces plus the Hessian markers; loss with the CLV angle on the right axis', () => {
    const r = getLyapunovPreset('regression-tanh').run({ quick: true, steps: 200, tau: 40, k: 3 }).result as RegressionRun;
    const e = traces(regressionExponentFigure(r));
    expect(e.length).toBe(4);
    expect(e[0].x).toEqual([40, 80, 120, 160, 200]);
    const l = traces(regressionLossFigure(r));
    expect(l[1].yaxis).toBe('y2');
    expect(Math.max(...(l[1].y as number[]))).toBeLessThanOrEqual(90);
  });

  it('ensemble: one line per set-A run, the scatter at a checkpoint, ρ of every indicator beside the baseline with significance marks', () => {
    const r = runEnsemble({ activations: ['tanh', 'sin'], runsPerActivation: 4, seed: 0, replicationSeed: 50, clvAngle: true, alpha: 0.05,
      base: { hidden: 4, samples: 8, eta: 0.2, steps: 90, tau: 30, k: 2, initScale: 1.5 } });
    const e = traces(ensembleExponentFigure(r));
    expect(e.length).toBe(8);
    expect(e.filter((t) => t.showlegend).map((t) => t.name)).toEqual(['tanh', 'sin']);
    const s = scatterFigure(r, 1);
    expect(traces(s)[0].x).toEqual(r.runs.filter((x) => x.activation === 'tanh' && x.seedSet === 'A').map((x) => x.ftle[1][0]));
    expect(title(s)).toContain(`ρ = ${r.correlations[0].rho[1].toFixed(2)}`);
    expect(ensembleGroups(r)).toEqual(['all', 'tanh', 'sin']);
    const rho = traces(rhoFigure(r, 'tanh'));
    expect(rho.map((t) => t.name)).toEqual(['λ₁, set A', 'λ₁+…+λ_k, set A', '∠(CLV₁,CLV₂), set A', 'loss (baseline), set A',
      'λ₁, set B', 'λ₁+…+λ_k, set B', '∠(CLV₁,CLV₂), set B', 'loss (baseline), set B']);
    expect(rho[0].x).toEqual([30, 60, 90]);
    const base = r.correlations.find((c) => c.seedSet === 'A' && c.group === 'tanh' && c.indicator === 'loss')!;
    const marker = (rho[3] as unknown as { marker: { symbol: string[] } }).marker;
    expect(marker.symbol).toEqual(base.pAdj.map((q) => (q < 0.05 ? 'circle' : 'circle-open')));
  });
});
