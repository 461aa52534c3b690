/**
 * Recovery from a lost GPU device (issue: "if the GPU device is lost mid-run, continue on the next backend and say
 * so"), checked on the cpu backend: a Trainer's exportState/importState round trip continues training bit for bit
 * (every optimizer, mini-batches crossing epochs), and a TrainingSession that "loses its device" continues with
 * exactly the snapshots of an uninterrupted session, none sent twice, a `backend` reply posted and no tensor leaked.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isDeviceLostError, TrainingSession, type SessionHost } from '../../src/train/session';
import { tf } from '../../src/train/tf';
import { useNodeCpuBackend } from '../../src/cli/nodeBackend';
import { Trainer } from '../../src/train/trainer';
import { makeDataset } from '../../src/train/data/index';
import type { OptimizerSpec, TrainConfig } from '../../src/train/types';
import type { BackendReport, SnapshotMessage, TrainerReply } from '../../src/train/messages';

beforeAll(async () => {
  await useNodeCpuBackend();
});

const CPU: BackendReport = { name: 'cpu', reason: 'test', skipped: [] };

const adam: OptimizerSpec = { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const OPTIMIZERS: Record<string, OptimizerSpec> = {
  sgd: { kind: 'sgd', lr: 0.1 },
  momentum: { kind: 'momentum', lr: 0.05, beta: 0.9 },
  adam,
  adamw: { kind: 'adamw', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 },
  constrained: { kind: 'constrained', inner: adam },
};

/** Mini-batches of 16 from 48 training rows: 3 steps an epoch, so step 10 is inside epoch 3. */
function config(optimizer: OptimizerSpec, extra: Partial<TrainConfig> = {}): TrainConfig {
  return {
    model: { kind: 'mlp', hidden: [8], activation: 'tanh', bias: true },
    data: { kind: 'spiral', n: 60, noise: 0.1, testFraction: 0.2 },
    optimizer, batchSize: 16, dataSeed: 3, initSeed: 4, initScale: optimizer.kind === 'constrained' ? 0.8 : 1,
    observe: 'all', snapshotEvery: 5, steps: 40, ...extra,
  };
}

/** Snapshots at steps from+5, from+10, … to `to`. */
async function snapshotsTo(t: Trainer, to: number): Promise<number[][]> {
  const out: number[][] = [];
  while (t.step < to) {
    await t.train(5);
    out.push(Array.from(await t.snapshot()));
  }
  return out;
}

describe('Trainer.exportState / importState', () => {
  for (const [name, optimizer] of Object.entries(OPTIMIZERS)) {
    it(`continues bit for bit after a round trip (${name})`, async () => {
      const cfg = config(optimizer);
      const data = makeDataset(cfg.data, cfg.dataSeed);
      for (const run of [0, 1]) {
        const before = tf.memory().numTensors;
        const a = new Trainer(cfg, data, run);
        await a.train(7);
        a.setLearningRate(a.learningRate * 0.5); // a changed learning rate is part of the state
        await a.train(3);
        const state = await a.exportState();
        expect(state.step).toBe(10);
        const want = await snapshotsTo(a, 30);

        const b = new Trainer(cfg, data, run);
        b.importState(state);
        expect(b.step).toBe(10);
        expect(b.learningRate).toBe(a.learningRate);
        expect(await snapshotsTo(b, 30)).toEqual(want);
        a.dispose();
        b.dispose();
        expect(tf.memory().numTensors).toBe(before); // import and export leak nothing
      }
    });
  }

  it('the exported arrays are owned copies, and a state only fits its own run and config', async () => {
    const cfg = config(OPTIMIZERS.momentum);
    const data = makeDataset(cfg.data, cfg.dataSeed);
    const a = new Trainer(cfg, data, 0);
    await a.train(4);
    const state = await a.exportState();
    for (const p of state.params) expect(p.byteLength).toBe(p.buffer.byteLength);
    const snap = Array.from(await a.snapshot());
    state.params[0].fill(0); // not the variable's storage
    expect(Array.from(await a.snapshot())).toEqual(snap);
    const other = new Trainer(cfg, data, 1);
    expect(() => other.importState(state)).toThrow(/run 0/);
    const sgd = new Trainer(config(OPTIMIZERS.sgd), data, 0);
    expect(() => sgd.importState(state)).toThrow(/momentum/);
    for (const t of [a, other, sgd]) t.dispose();
  });

  it('dispose never throws, even twice', () => {
    const cfg = config(OPTIMIZERS.adam);
    const t = new Trainer(cfg, makeDataset(cfg.data, cfg.dataSeed), 0);
    t.dispose();
    expect(() => t.dispose()).not.toThrow();
  });
});

function recorder() {
  const snaps: Extract<SnapshotMessage, { type: 'snapshot' }>[] = [];
  const replies: TrainerReply[] = [];
  const host: SessionHost = {
    backend: CPU,
    checkpointEvery: 10,
    koopmanPort: { postMessage: (m: SnapshotMessage) => { if (m.type === 'snapshot') snaps.push(m); } },
    loadBytes: async () => { throw new Error('no files in this test'); },
    post: (m: TrainerReply) => replies.push(m),
  };
  return { snaps, replies, host };
}

const steps = (snaps: { step: number }[]) => snaps.map((m) => m.step);
const values = (snaps: { runs: Float32Array[] }[]) => snaps.map((m) => m.runs.map((r) => Array.from(r)));

describe('TrainingSession.recover', () => {
  const cfg = config(OPTIMIZERS.adamw, { ensemble: { runs: 2, perturbation: 1e-3 } });

  async function uninterrupted(to: number) {
    const u = recorder();
    const s = await TrainingSession.create(cfg, u.host);
    await s.advance(23);
    s.setLearningRate(0.02);
    await s.advance(to - 23);
    s.dispose();
    return u;
  }

  it('continues after a loss at step 27 with exactly the uninterrupted snapshots, none twice', async () => {
    const u = await uninterrupted(40);
    const r = recorder();
    const s = await TrainingSession.create(cfg, r.host);
    await s.advance(23);
    s.setLearningRate(0.02); // between the checkpoint (20) and the loss: replayed at the same step
    await s.advance(4);
    expect(s.step).toBe(27);
    expect(s.checkpointStep).toBe(20);
    const sent = r.snaps.length;
    const before = tf.memory().numTensors;

    await s.recover(CPU, 'simulated loss');

    expect(tf.memory().numTensors).toBe(before);
    expect(s.step).toBe(27);
    expect(r.snaps.length).toBe(sent); // 25 was sent before the loss: nothing is sent again
    const b = r.replies.find((m) => m.type === 'backend');
    expect(b).toMatchObject({ type: 'backend', backend: CPU });
    expect((b as { message: string }).message).toMatch(/lost at step 27; training continues on cpu from step 27 \(from the checkpoint at step 20, 7 steps replayed/);
    expect(r.replies.filter((m) => m.type === 'failed')).toEqual([]);

    await s.advance(13);
    expect(steps(r.snaps)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40]);
    expect(steps(r.snaps)).toEqual(steps(u.snaps));
    expect(values(r.snaps)).toEqual(values(u.snaps));
    expect(r.snaps.map((m) => m.loss)).toEqual(u.snaps.map((m) => m.loss));
    s.dispose();
  });

  it('without a checkpoint it replays from the initialisation', async () => {
    const u = await uninterrupted(30);
    const r = recorder();
    const s = await TrainingSession.create(cfg, { ...r.host, checkpointEvery: 0 });
    await s.advance(23);
    s.setLearningRate(0.02);
    await s.advance(2);
    expect(s.checkpointStep).toBe(0);
    await s.recover(CPU, 'simulated loss');
    expect((r.replies.find((m) => m.type === 'backend') as { message: string }).message).toMatch(/from the initialisation, 25 steps replayed/);
    await s.advance(5);
    expect(steps(r.snaps)).toEqual(steps(u.snaps));
    expect(values(r.snaps)).toEqual(values(u.snaps));
    s.dispose();
  });

  it('while playing: a lost-device error hands over to the host, the swallowed snapshot is sent once, play resumes', async () => {
    const u = await uninterrupted(40);
    const r = recorder();
    let s!: TrainingSession;
    let failOnce = true;
    let recovery: Promise<void> | undefined;
    const host: SessionHost = {
      ...r.host,
      koopmanPort: {
        postMessage: (m: SnapshotMessage) => {
          if (m.type !== 'snapshot') return;
          if (m.step === 30 && failOnce) { failOnce = false; throw new Error('GPUDevice was lost (simulated)'); }
          r.snaps.push(m);
        },
      },
      handleError: (e) => {
        if (!isDeviceLostError(e)) return false;
        recovery = s.recover(CPU, (e as Error).message);
        return true;
      },
    };
    s = await TrainingSession.create(cfg, host);
    await s.advance(23);
    s.setLearningRate(0.02);
    s.setSpeed(1);
    s.play();
    for (let i = 0; i < 2000 && !recovery; i++) await new Promise((res) => setTimeout(res, 1));
    expect(recovery).toBeDefined();
    await recovery;
    expect(s.isPlaying).toBe(true);
    for (let i = 0; i < 5000 && s.step < 40; i++) await new Promise((res) => setTimeout(res, 1));
    await s.stepOnce(0); // pause and wait for the loop
    const upTo40 = r.snaps.filter((m) => m.step <= 40);
    expect(steps(upTo40)).toEqual(steps(u.snaps));
    expect(values(upTo40)).toEqual(values(u.snaps));
    expect(new Set(steps(r.snaps)).size).toBe(r.snaps.length);
    expect(r.replies.filter((m) => m.type === 'failed')).toEqual([]);
    expect((r.replies.find((m) => m.type === 'backend') as { message: string }).message).toMatch(/lost at step 30/);
    s.dispose();
  });

  it('recognises lost-device errors', () => {
    for (const m of ['Device is lost', 'Device was destroyed.', 'GPUDevice was lost', 'the GPU device has been lost', 'DeviceLost', 'WebGL context lost']) {
      expect(isDeviceLostError(new Error(m))).toBe(true);
    }
    for (const m of ['createBuffer failed', 'out of memory', 'lost connection']) expect(isDeviceLostError(new Error(m))).toBe(false);
  });
});
