/**
 * TrainingSession (what the browser worker and `koopscope train` both run) and the `train` command: snapshot schedule,
 * determinism, divergence (no NaN snapshot leaves), reset, and the written .npz read back by our own reader.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/inProcess';
import { readTrajectoryFile } from '../../src/io/index';
import { computeSpectrum } from '../../src/koopman/analyze';
import { PRESETS, presetConfig } from '../../src/train/presets';
import { TrainingSession } from '../../src/train/session';
import { useNodeCpuBackend } from '../../src/cli/nodeBackend';
import type { SnapshotMessage, TrainerReply } from '../../src/train/messages';

beforeAll(async () => {
  await useNodeCpuBackend();
});

function recorder() {
  const snaps: SnapshotMessage[] = [];
  const replies: TrainerReply[] = [];
  const host = {
    backend: { name: 'cpu' as const, reason: 'test', skipped: [] },
    koopmanPort: { postMessage: (m: SnapshotMessage) => snaps.push(m) },
    loadBytes: async () => { throw new Error('no files in this test'); },
    post: (m: TrainerReply) => replies.push(m),
  };
  return { snaps, replies, host };
}

describe('TrainingSession', () => {
  it('announces the run, sends snapshot 0, then one every snapshotEvery steps', async () => {
    const { snaps, replies, host } = recorder();
    const s = await TrainingSession.create({ ...presetConfig('quadratic', true), snapshotEvery: 3 }, host);
    expect(replies[0].type).toBe('ready');
    expect(snaps[0]).toMatchObject({ type: 'restart', N: 3, runs: 5, snapshotEvery: 3 });
    await s.advance(10);
    const steps = snaps.filter((m) => m.type === 'snapshot').map((m) => (m as { step: number }).step);
    expect(steps).toEqual([0, 3, 6, 9]);
    await s.advance(2);
    expect(snaps.filter((m) => m.type === 'snapshot').map((m) => (m as { step: number }).step)).toEqual([0, 3, 6, 9, 12]);
    s.dispose();
  });

  it('is deterministic for a seed, and reset returns to the same initialisation', async () => {
    const a = recorder(), b = recorder();
    const cfg = presetConfig('spiral', true);
    const sa = await TrainingSession.create(cfg, a.host);
    const sb = await TrainingSession.create(cfg, b.host);
    await sa.advance(10);
    await sb.advance(10);
    const last = (r: ReturnType<typeof recorder>) => (r.snaps.at(-1) as { runs: Float32Array[] }).runs[0];
    expect(Array.from(last(a))).toEqual(Array.from(last(b)));
    const first = Array.from((a.snaps[1] as { runs: Float32Array[] }).runs[0]);
    await sa.reset();
    expect(a.snaps.at(-2)?.type).toBe('restart');
    expect(Array.from((a.snaps.at(-1) as { runs: Float32Array[] }).runs[0])).toEqual(first);
    sa.dispose(); sb.dispose();
  });

  it('pauses on divergence: a diverged reply, no NaN snapshot, no further steps', async () => {
    const { snaps, replies, host } = recorder();
    const s = await TrainingSession.create(presetConfig('past-the-edge'), host);
    await s.advance(2000);
    const d = replies.find((m) => m.type === 'diverged');
    expect(d).toBeDefined();
    for (const m of snaps) if (m.type === 'snapshot') for (const x of m.runs) expect(x.every(Number.isFinite)).toBe(true);
    await expect(s.advance(1)).rejects.toThrow(/diverged/);
    s.dispose();
  });

  it('posts train/test loss and accuracy of run 0 (evaluated on the full sets) besides the batch loss', async () => {
    const { replies, host } = recorder();
    const s = await TrainingSession.create(presetConfig('spiral', true), { ...host, evaluateEveryMs: 1 });
    await s.advance(5);
    const evaluated = replies.filter((m) => m.type === 'metrics' && m.metrics.trainAccuracy !== undefined);
    expect(evaluated.length).toBeGreaterThan(0);
    const m = (evaluated.at(-1) as { metrics: { trainAccuracy: number; testAccuracy: number; testLoss: number } }).metrics;
    for (const v of [m.trainAccuracy, m.testAccuracy]) expect(v >= 0 && v <= 1).toBe(true);
    expect(Number.isFinite(m.testLoss)).toBe(true);
    s.dispose();
  });

  it('validates live changes', async () => {
    const { host } = recorder();
    const s = await TrainingSession.create(presetConfig('quadratic', true), host);
    expect(() => s.setLearningRate(-1)).toThrow(/learning rate/);
    expect(() => s.setSpeed(0)).toThrow(/steps per tick/);
    s.dispose();
  });
});

describe('koopscope train', () => {
  const dir = mkdtempSync(join(tmpdir(), 'koopscope-train-'));

  it('--list prints every preset, one per line, with a description', async () => {
    const r = await cli('train', '--list');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(PRESETS.length);
    for (const p of PRESETS) expect(lines.some((l) => l.startsWith(p.name) && l.includes(p.description))).toBe(true);
  });

  it('writes an .npz our reader loads, whose spectrum is the quadratic\'s 1 − ηh', async () => {
    const out = join(dir, 'q.npz');
    const r = await cli('train', '--preset', 'quadratic', '--quick', '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ runs: 5, snapshots: 41, parameters: 3 });
    const t = readTrajectoryFile('q.npz', readFileSync(out));
    if (t.kind !== 'trajectory') throw new Error('not a trajectory');
    expect([t.runs, t.T, t.N]).toEqual([5, 41, 3]);
    expect(Array.from(t.steps!.slice(0, 3))).toEqual([0, 1, 2]);
    expect(t.metrics.loss).toHaveLength(41);
    const eig = computeSpectrum(t, { rank: { kind: 'rank', r: 3 } }).spectrum.eigenvalues.map((e) => e.re);
    [0.95, 0.85, 0.5].forEach((v, i) => expect(eig[i]).toBeCloseTo(v, 5));
  });

  it('honours --every, --steps and --seed', async () => {
    const out = join(dir, 'e.npz');
    expect((await cli('train', '--preset', 'quadratic', '--steps', '20', '--every', '4', '--seed', '7', '--out', out)).code).toBe(0);
    const t = readTrajectoryFile('e.npz', readFileSync(out));
    if (t.kind !== 'trajectory') throw new Error('not a trajectory');
    expect(Array.from(t.steps!)).toEqual([0, 4, 8, 12, 16, 20]);
  });

  it.each([
    [['train', '--preset', 'nope', '--out', 'x.npz'], /unknown preset 'nope'/],
    [['train', '--preset', 'quadratic'], /--out/],
    [['train', '--out', 'x.npz'], /--preset/],
    [['train', '--preset', 'quadratic', '--out', 'x.txt'], /\.npz/],
    [['train', '--preset', 'quadratic', '--steps', '0', '--out', 'x.npz'], /--steps/],
    [['train', '--preset', 'quadratic', '--batch-order', 'random', '--out', 'x.npz'], /--batch-order must be 'shuffled' or 'fixed'/],
  ])('user error %j exits 2 with one line', async (argv, pattern) => {
    const r = await cli(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});
