/** The KPFlow panel's pure figure builders (src/app/client/kpflow.ts) on a tiny real run. */
import { describe, expect, it } from 'vitest';
import { alignmentFigure, eigenFigure, koopmanFigure, rankFigure, unitRankFigure } from '../../src/app/plots/kpflowFigures';
import { getKpflowPreset } from '../../src/kpflow/presets';
import { runKpflow } from '../../src/kpflow/analysis';

describe('KPFlow panel figures', () => {
  const cfg = { ...getKpflowPreset('multitask-gru').quick, hidden: 6, batch: 8, steps: 4, checkpoints: 2, lanczos: 20, probes: 4, snapshotEvery: 1 };
  const r = runKpflow('multitask-gru', cfg, true);

  it('rank and eigenvalue plots have one series per operator (and per quantity), x = checkpoint steps', () => {
    const rf = rankFigure(r.checkpoints);
    expect(rf.data).toHaveLength(6);
    expect((rf.data[0] as { x: number[] }).x).toEqual([0, 4]);
    const ef = eigenFigure(r.checkpoints);
    expect(ef.data.map((d) => d.name)).toEqual(['K', 'P·P*', 'P·K·P*']);
    expect((ef.data[2] as { y: number[] }).y).toHaveLength(2 * r.checkpoints[0].PKPstar.top.length);
  });

  it('unit-space plot: one rank series per operator and the two hidden-state PCA dimensions, all ≤ H', () => {
    const uf = unitRankFigure(r.checkpoints);
    expect(uf.data.map((d) => d.name)).toEqual(['unit-space rank K', 'unit-space rank P·P*', 'unit-space rank P·K·P*', 'hidden states: PR', 'hidden states: 95 % PCs']);
    expect((uf.data[2] as { y: number[] }).y).toEqual(r.checkpoints.map((c) => c.unitRank.PKPstar.rank));
    for (const d of uf.data) for (const v of (d as { y: number[] }).y) expect(v).toBeLessThanOrEqual(6);
    // 𝒫𝒫*'s full-space rank is a number now (exact from its blocks at T·H ≤ 600), so its line shows
    expect((rankFigure(r.checkpoints).data[2] as { y: (number | null)[] }).y.every((v) => typeof v === 'number')).toBe(true);
  });

  it('alignment plot: misdirection with error bars plus one cumulative curve per task pair', () => {
    const af = alignmentFigure(r.checkpoints, r.taskNames);
    expect(af.data).toHaveLength(1 + 6);
    expect((af.data[0] as { y: number[] }).y).toEqual(r.checkpoints.map((c) => c.misdirection.value));
    expect(alignmentFigure(r.checkpoints, ['memory-pro']).data).toHaveLength(1);
  });

  it('Koopman plot: unit circle and the run eigenvalues', () => {
    const kf = koopmanFigure(r);
    expect((kf.data[1] as { x: number[] }).x).toEqual(r.koopman.eigenvalues.map((e) => e[0]));
  });
});
