/**
 * The one seed policy (src/linalg/seed.ts): integers 0 ≤ seed < 2^31, a one-line error otherwise, applied alike by
 * every place a user types a seed: the command line's flags and the page's URL.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSeed, parseSeed, SEED_LIMIT, seedError } from '../../src/linalg/seed';
import { defaultConfig, parseHash } from '../../src/app/state/url';
import { cli } from '../cli/inProcess';

/** Never written: the seed is refused before anything is. */
const NEVER = join(tmpdir(), 'koopscope-seed-test-never.npz');
const TRAJECTORY = fileURLToPath(new URL('../fixtures/io/compressed.npz', import.meta.url));

describe('seed policy', () => {
  it('accepts exactly the integers in [0, 2^31)', () => {
    expect(SEED_LIMIT).toBe(2 ** 31);
    for (const x of [0, 1, 42, 2 ** 31 - 1]) expect(isSeed(x)).toBe(true);
    for (const x of [-1, 2 ** 31, 99999999999999, 1.5, NaN, Infinity, '3']) expect(isSeed(x)).toBe(false);
    expect(parseSeed('2147483647')).toBe(2 ** 31 - 1);
    expect(parseSeed(' 7 ')).toBe(7);
    for (const s of ['2147483648', '99999999999999', '-1', '1.5', '1e3', '', 'x', '0x10']) expect(parseSeed(s)).toBeUndefined();
    expect(seedError('--seed', '-1')).toBe("--seed must be a whole number in [0, 2147483647], got '-1'");
  });

  it.each([
    ['train', '--preset', 'quadratic', '--out', NEVER, '--seed', '99999999999999'],
    ['train', '--preset', 'quadratic', '--out', NEVER, '--data-seed', '2147483648'],
    ['kpflow', '--preset', 'memory-pro-rnn', '--quick', '--seed', '2147483648'],
    ['lyapunov', '--preset', 'paper3', '--quick', '--seed', '-1'],
    ['spectrum', TRAJECTORY, '--sketch', '4', '--seed', '2147483648'],
  ])('the command line refuses an out-of-range seed in one line, exit 2: %j', async (...argv) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--(data-)?seed must be a whole number in \[0, 2147483647\], got '/);
    expect(r.err.split('\n').length).toBe(1);
    expect(existsSync(NEVER)).toBe(false);
  });

  it('the page URL takes the same range', () => {
    expect(parseHash('#v=1&seed=2147483647&dataSeed=0').config.run).toMatchObject({ initSeed: 2 ** 31 - 1, dataSeed: 0 });
    for (const bad of ['2147483648', '99999999999999', '-1']) {
      const p = parseHash(`#v=1&seed=${bad}`);
      expect(p.problems.length).toBe(1);
      expect(p.config.run.initSeed).toBe(defaultConfig().run.initSeed);
    }
  });
});
