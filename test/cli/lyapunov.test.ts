/** `koopscope lyapunov`, in-process through main(): the quadratic check, JSON output, overrides and user errors. */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { cli } from './inProcess';


describe('koopscope lyapunov', () => {
  it('--list names every preset with its options', async () => {
    const r = await cli('lyapunov', '--list');
    expect(r.code).toBe(0);
    for (const name of ['quadratic', 'quadratic-edge', 'regression-tanh', 'regression-relu', 'paper3']) expect(r.out).toContain(name);
    expect(r.out).toContain('--runs');
  });

  it('quadratic: FTLEs within the O(1/τ) bound of ln|1 − ηh| and DMD λ = 1 − ηh, in words and in JSON', async () => {
    const text = await cli('lyapunov', '--preset', 'quadratic');
    expect(text.code).toBe(0);
    expect(text.out).toContain('check: PASS');
    expect(text.out).toMatch(/τ = 5000 +FTLE +-0\.051763 +-0\.162603 +-0\.692594/);
    const j = JSON.parse((await cli('lyapunov', '--preset', 'quadratic', '--json', '--steps', '800', '--lr', '0.19')).out);
    expect(j.preset).toBe('quadratic');
    expect(j.result.kind).toBe('quadratic');
    expect(j.result.windows.map((w: { tau: number }) => w.tau)).toEqual([50, 500, 800]);
    expect(j.result.multipliers[0]).toBeCloseTo(-0.9, 12);
    expect(j.result.windows.every((w: { withinBound: boolean }) => w.withinBound)).toBe(true);
  });

  it('regression-sigmoid --quick with overrides prints windows, the Hessian comparison and CLV angles', async () => {
    const r = await cli('lyapunov', '--preset', 'regression-sigmoid', '--quick', '--steps', '300', '--tau', '50', '--k', '3', '--seed', '4');
    expect(r.code).toBe(0);
    expect(r.out).toContain('network: 1–10–1, sigmoid');
    expect(r.out).toContain('steps   250–300');
    expect(r.out).toContain('covariant Lyapunov vectors');
    const j = JSON.parse((await cli('lyapunov', '--preset', 'regression-sigmoid', '--steps', '300', '--tau', '50', '--k', '3', '--seed', '4', '--json')).out);
    expect(j.result.ftle.values.length).toBe(6);
    expect(j.result.ftle.values[0].length).toBe(3);
  });

  it('paper3 with few runs reports ρ, partial ρ given the loss, Holm-adjusted p and a replication set', async () => {
    const j = JSON.parse((await cli('lyapunov', '--preset', 'paper3', '--quick', '--runs', '5', '--steps', '100', '--tau', '25', '--json')).out);
    expect(j.result.kind).toBe('ensemble');
    expect(j.result.runs.length).toBe(20); // 2 seed sets × 2 activations × 5
    expect(j.result.checkpoints).toEqual([25, 50, 75, 100]);
    const rows = j.result.correlations as { seedSet: string; group: string; indicator: string; rho: number[]; pAdj: number[] }[];
    expect(new Set(rows.map((c) => c.indicator))).toEqual(new Set(['lambda1', 'sumK', 'clvAngle', 'loss']));
    expect(new Set(rows.map((c) => c.seedSet))).toEqual(new Set(['A', 'B']));
    expect(rows[0].pAdj.length).toBe(4);
    expect(j.result.replication.length).toBe(12);
    expect(j.settings.multipleTesting).toMatch(/Holm/);
    const text = await cli('lyapunov', '--preset', 'paper3', '--quick', '--runs', '5', '--steps', '100', '--tau', '25');
    for (const s of ['Spearman ρ', '| loss', 'loss (baseline)', '∠(CLV₁,CLV₂)', 'seed set B (seeds 1000 … 1004)', 'replication (', 'conclusion', 'after Holm']) expect(text.out).toContain(s);
  });

  it.each([
    [['lyapunov'], /needs --preset/],
    [['lyapunov', '--preset', 'nope'], /unknown preset 'nope'/],
    [['lyapunov', '--preset', 'quadratic', '--k', '2'], /does not use --k/],
    [['lyapunov', '--preset', 'regression-tanh', '--k', '99'], /k must be an integer in \[1, P = 31\]/],
    [['lyapunov', '--preset', 'regression-tanh', '--steps', 'ten'], /--steps must be a whole number/],
    [['lyapunov', '--preset', 'quadratic', '--lr=0'], /--lr must be a positive number/],
    [['lyapunov', 'quadratic'], /did you mean --preset quadratic/],
    [['lyapunov', '--preset', 'regression-tanh', '--lr', '50', '--steps', '60', '--tau', '10'], /gradient descent diverged at step \d+ .*lower the learning rate \(η = 50, 31 parameters/],
    [['lyapunov', '--preset', 'quadratic', '--hidden', '20'], /does not use --hidden/],
    [['lyapunov', '--preset', 'paper3', '--quick', '--seed', '9999999999999'], /--seed must be a whole number in \[0, 2147483647\]/],
    [['lyapunov', '--preset', 'regression-tanh', '--hidden', '4', '--k', '20'], /k must be an integer in \[1, P = 13\]/],
    [['lyapunov', '--bogus'], /Unknown option/],
    [['lyapunov', '--preset', 'paper3', '--quick', '--runs', '3'], /runs per activation must be an integer ≥ 4/],
    [['lyapunov', '--preset', 'paper3', '--quick', '--k', '1', '--runs', '4', '--steps', '60', '--tau', '20'], /CLV-angle indicator needs k ≥ 2/],
  ])('%j is a user error: one line, exit 2', async (argv, msg) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.split('\n').length).toBe(1);
  });
});
