/** config ⇄ location.hash: round trips, defaults left out, and bad links giving problems (never throwing). */
import { describe, expect, it } from 'vitest';
import { defaultConfig, encodeHash, parseHash, parseRank, rankToString } from '../../src/app/state/url';
import { trainConfigFor, cliCommand } from '../../src/app/state/runConfig';
import { presetConfig } from '../../src/train/presets';

describe('url state', () => {
  it('writes only the version for the defaults, and reads that back as the defaults', () => {
    expect(encodeHash(defaultConfig())).toBe('#v=1');
    expect(parseHash('#v=1')).toEqual({ config: defaultConfig(), problems: [] });
    expect(parseHash('')).toEqual({ config: defaultConfig(), problems: [] });
  });

  it('round-trips every field', () => {
    const c = defaultConfig();
    c.run = { preset: 'quadratic', quick: true, lr: 0.19, initSeed: 3, dataSeed: 4, snapshotEvery: 2, runs: 5, observe: 'fc2.weight,fc1' };
    c.dmd = { window: 40, rank: { kind: 'energy', fraction: 0.99 }, delays: 2, center: true, pca: 8 };
    c.view = { plane: 'continuous', zoom: 'near1', table: true, logLoss: false, smoothing: 0.3 };
    const h = encodeHash(c);
    expect(h).toContain('observe=fc2.weight,fc1');
    expect(parseHash(h)).toEqual({ config: c, problems: [] });
  });

  it('parses and prints every rank rule', () => {
    for (const s of ['r1', 'r25', 'e0.9', 'e1', 'optimal', 'full']) expect(rankToString(parseRank(s)!)).toBe(s);
    for (const s of ['r0', 'r', 'e2', 'e-1', 'x', 'rank10']) expect(parseRank(s)).toBeUndefined();
  });

  it('drops bad values one by one and says why', () => {
    const { config, problems } = parseHash('#v=1&preset=nope&lr=-1&window=2&rank=r10&center=yes&smooth=1&foo=1');
    expect(config.run.preset).toBe(defaultConfig().run.preset);
    expect(config.run.lr).toBeUndefined();
    expect(config.dmd.window).toBe(defaultConfig().dmd.window);
    expect(config.dmd.rank).toEqual({ kind: 'rank', r: 10 });
    expect(config.dmd.center).toBe(false);
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/unknown setting 'foo'/);
    expect(problems.join('\n')).toMatch(/preset="nope" is not valid/);
  });

  it('ignores an unversioned or future link as a whole', () => {
    expect(parseHash('#preset=quadratic').config).toEqual(defaultConfig());
    expect(parseHash('#preset=quadratic').problems[0]).toMatch(/no version/);
    expect(parseHash('#v=2&preset=quadratic').problems[0]).toMatch(/version "2"/);
  });

  it('never throws on garbage', () => {
    for (const h of ['#%', '#v=1&&&', '#v=1&lr=NaN&lr=Infinity', '#v=1&observe=' + 'x'.repeat(1000), '#=&=', '#v=1&window=1e9']) {
      expect(() => parseHash(h)).not.toThrow();
    }
  });
});

describe('run config', () => {
  it('applies overrides to the preset, the inner optimizer for the constrained control', () => {
    const c = trainConfigFor({ preset: 'grokking-constrained', quick: true, lr: 0.002, initSeed: 7, runs: 1 });
    expect(c.optimizer.kind === 'constrained' && c.optimizer.inner.lr).toBe(0.002);
    expect(c.initSeed).toBe(7);
    expect(c.ensemble).toBeUndefined();
    expect(trainConfigFor({ preset: 'quadratic', quick: false })).toEqual(presetConfig('quadratic'));
  });

  it('gives the koopscope train command for the run', () => {
    expect(cliCommand({ preset: 'fcn-h5', quick: true, initSeed: 2 })).toBe('npx koopscope train --preset fcn-h5 --quick --seed 2 --out fcn-h5.npz');
  });
});
