/**
 * A trained case at a tiny size: fcn-width with 2 seeds, widths 5 and 10, 2 inits, 30 SGD steps on real MNIST.
 * Checks the structure of the result and that a verdict is produced, not the numbers (too little training).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeCpuBackend } from '../../src/cli/nodeBackend';
import { readMnistFile } from '../../src/train/node/mnistFiles';
import { getExperiment, type ExperimentResult } from '../../src/reproduce/index';
import { fcnDelays } from '../../src/reproduce/fcnWidth';
import { mergeGrokking } from '../../src/reproduce/grokking';

beforeAll(async () => {
  await useNodeCpuBackend();
});

describe('reproduce fcn-width at a tiny size', () => {
  let r: ExperimentResult;
  const phases: string[] = [];
  beforeAll(async () => {
    r = await getExperiment('fcn-width').run({
      quick: true, seeds: 2, loadBytes: (f) => readMnistFile(f),
      overrides: { widths: [5, 10], steps: 30, runs: 2, train: 1800 },
      onProgress: (_f, phase) => { phases.push(phase); },
    });
  });

  it('delays follow int(32·10/h), scaled by steps/1000 below one epoch', () => {
    expect([5, 10, 40].map((h) => fcnDelays(h, 1000))).toEqual([64, 32, 8]);
    expect([5, 10, 40].map((h) => fcnDelays(h, 150))).toEqual([10, 5, 1]);
    expect(r.settings.delays).toEqual({ 5: 2, 10: 1 });
  });

  it('has one spectrum of 10 eigenvalues per seed and width', () => {
    expect(r.seeds).toEqual([2, 3]);
    expect(Object.keys(r.spectra)).toEqual(['h=5', 'h=10']);
    for (const rows of Object.values(r.spectra)) {
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).toHaveLength(10);
        for (const [re, im] of row) { expect(Number.isFinite(re)).toBe(true); expect(Number.isFinite(im)).toBe(true); }
      }
    }
  });

  it('reports the row-by-row distance, the between-seed nulls and a verdict', () => {
    const d = r.distances.find((x) => x.label === 'h=5 vs h=10')!;
    expect(d.values).toHaveLength(2);
    expect(d.summary.mean).toBeGreaterThan(0);
    expect(d.paper?.mean).toBeCloseTo(0.006523, 4);
    expect(r.nulls.map((n) => n.label)).toEqual(['between seeds within h=5 (1 pairs)', 'between seeds within h=10 (1 pairs)']);
    // 2 + 2 seeds: the permutation test cannot reach p < 0.01, and the verdict says so
    expect(r.verdict).toMatch(/^h=5 vs h=10: inconclusive: 2 \+ 2 seeds cannot reach p < 0\.01 .*at least 5 seeds per configuration/);
    expect(r.reduced.join(' ')).toMatch(/30 SGD steps instead of 1000/);
    expect(phases.some((p) => p.startsWith('h=10 seed 3'))).toBe(true);
    expect(JSON.parse(JSON.stringify(r)).spectra['h=5'][0]).toEqual(r.spectra['h=5'][0]);
  });
});

describe('reproduce grokking split by seed ranges and merged', () => {
  // A tiny grokking run (p = 7, 6 steps, 2 inits): seeds [16, 17, 22] in one run, or as [16] + [17, 22] (--seed-offset 1)
  // merged: the same spectra in the same order, and the same nulls and verdict.
  const overrides = { p: 7, steps: 6, runs: 2, delays: 1, pca: 3, rank: 3, model: { dModel: 8, dMlp: 8, heads: 1, dHead: 8 } };
  const run = (seeds: number, seedOffset?: number) => getExperiment('grokking').run({ quick: true, seeds, seedOffset, overrides });
  it('gives the result of one run over all the seeds', async () => {
    const whole = await run(3);
    const merged = mergeGrokking([await run(1), await run(2, 1)]);
    expect(merged.seeds).toEqual([16, 17, 22]);
    expect(merged.spectra).toEqual(whole.spectra);
    expect(merged.verdict).toBe(whole.verdict);
    expect(merged.nulls.map((n) => n.summary.mean)).toEqual(whole.nulls.map((n) => n.summary.mean));
    expect(() => mergeGrokking([whole, whole])).toThrow(/share seeds/);
  }, 60_000);
});
