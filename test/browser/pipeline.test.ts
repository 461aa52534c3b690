/**
 * The two-worker pipeline in headless Chromium: trainer.worker trains (tfjs), sends snapshots over a MessageChannel
 * straight to koopman.worker, which answers the page with `received` counters and `spectrum` reports. The page only
 * sends control messages and listens; it never sees a snapshot.
 *
 *   1. an MLP (the spiral preset, quick data) on the **webgpu** backend (SwiftShader in CI: slow, correctness only);
 *   2. the quadratic teaching preset on cpu: the live spectrum is I − ηH's eigenvalues 0.95, 0.85, 0.5;
 *   3. past-the-edge on cpu: the run diverges, and no NaN snapshot reaches the Koopman worker.
 *
 * Timings are never asserted (a loaded 2-core machine varies by ±30 % and more; speed is bench/'s job); the first WebGPU shader compiles take 5–15 s on SwiftShader.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { presetConfig } from '../../src/train/presets';
import type { TrainConfig } from '../../src/train/types';
import type { BackendName, KoopmanReply, KoopmanRequest, TrainerReply, TrainerRequest } from '../../src/workers/protocol';

type Reply = { from: 'trainer'; m: TrainerReply } | { from: 'koopman'; m: KoopmanReply };

/** Both workers wired trainer → MessageChannel → koopman, with every reply to the page logged in arrival order. */
class Pipeline {
  readonly trainer = new Worker(new URL('../../src/workers/trainer.worker.ts', import.meta.url), { type: 'module' });
  readonly koopman = new Worker(new URL('../../src/workers/koopman.worker.ts', import.meta.url), { type: 'module' });
  readonly log: Reply[] = [];
  private waiters: { pred: (r: Reply) => boolean; resolve: (r: Reply) => void }[] = [];

  constructor() {
    const onReply = (r: Reply) => {
      this.log.push(r);
      this.waiters = this.waiters.filter((w) => (w.pred(r) ? (w.resolve(r), false) : true));
    };
    this.trainer.onmessage = (e: MessageEvent<TrainerReply>) => onReply({ from: 'trainer', m: e.data });
    this.koopman.onmessage = (e: MessageEvent<KoopmanReply>) => onReply({ from: 'koopman', m: e.data });
    const uncaught = (from: string) => (e: ErrorEvent) =>
      onReply({ from: 'trainer', m: { type: 'failed', error: { name: 'WorkerError', message: `${from}: ${e.message}` } } });
    this.trainer.onerror = uncaught('trainer worker');
    this.koopman.onerror = uncaught('koopman worker');
  }

  toTrainer(m: TrainerRequest, transfer: Transferable[] = []): void { this.trainer.postMessage(m, transfer); }
  toKoopman(m: KoopmanRequest, transfer: Transferable[] = []): void { this.koopman.postMessage(m, transfer); }

  /** Connect the workers, configure the Koopman worker, and init the trainer. */
  start(config: TrainConfig, backends: BackendName[], window: number, rank: number): void {
    const { port1, port2 } = new MessageChannel();
    this.toKoopman({ type: 'connect', port: port2 }, [port2]);
    this.toKoopman({ type: 'configure', window, options: { rank: { kind: 'rank', r: rank } }, maxRefreshHz: 50 });
    this.toTrainer({ type: 'init', config, koopmanPort: port1, backends }, [port1]);
  }

  /** The first reply (already logged or still to come) that satisfies `pred`; rejects on any `failed` reply. */
  waitFor<T extends Reply>(pred: (r: Reply) => r is T, what: string, timeoutMs: number): Promise<T>;
  waitFor(pred: (r: Reply) => boolean, what: string, timeoutMs: number): Promise<Reply>;
  waitFor(pred: (r: Reply) => boolean, what: string, timeoutMs: number): Promise<Reply> {
    const isFailure = (r: Reply) => r.m.type === 'failed';
    const either = (r: Reply) => pred(r) || isFailure(r);
    return new Promise((resolve, reject) => {
      const settle = (r: Reply) => {
        clearTimeout(timer);
        if (!pred(r) && isFailure(r)) {
          reject(new Error(`${r.from} worker failed while waiting for ${what}: ${JSON.stringify((r.m as { error: unknown }).error)}`));
        } else resolve(r);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== settle);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; replies so far: ${this.summary()}`));
      }, timeoutMs);
      const seen = this.log.find(either);
      if (seen) settle(seen);
      else this.waiters.push({ pred: either, resolve: settle });
    });
  }

  trainerReplies<K extends TrainerReply['type']>(type: K): Extract<TrainerReply, { type: K }>[] {
    return this.log.flatMap((r) => (r.from === 'trainer' && r.m.type === type ? [r.m as Extract<TrainerReply, { type: K }>] : []));
  }

  koopmanReplies<K extends KoopmanReply['type']>(type: K): Extract<KoopmanReply, { type: K }>[] {
    return this.log.flatMap((r) => (r.from === 'koopman' && r.m.type === type ? [r.m as Extract<KoopmanReply, { type: K }>] : []));
  }

  summary(): string {
    const counts = new Map<string, number>();
    for (const r of this.log) counts.set(`${r.from}.${r.m.type}`, (counts.get(`${r.from}.${r.m.type}`) ?? 0) + 1);
    return [...counts].map(([k, n]) => `${k}×${n}`).join(', ') || 'none';
  }

  terminate(): void {
    this.trainer.terminate();
    this.koopman.terminate();
  }
}

const isTrainer = <K extends TrainerReply['type']>(type: K) =>
  (r: Reply): r is { from: 'trainer'; m: Extract<TrainerReply, { type: K }> } => r.from === 'trainer' && r.m.type === type;

const finite = (xs: number[]) => xs.every((x) => Number.isFinite(x));

let pipeline: Pipeline | undefined;
afterEach(() => {
  pipeline?.terminate();
  pipeline = undefined;
});

describe('trainer worker → Koopman worker pipeline', () => {
  it('trains an MLP on tfjs-webgpu and streams snapshots to the Koopman worker without the main thread', async () => {
    const p = (pipeline = new Pipeline());
    const config: TrainConfig = { ...presetConfig('spiral', true), snapshotEvery: 1 };
    p.start(config, ['webgpu'], 16, 3);

    const ready = (await p.waitFor(isTrainer('ready'), 'ready', 60_000)).m;
    expect(ready.backend.name).toBe('webgpu');
    expect(ready.backend.reason).toMatch(/adapter/i);
    expect(ready.backend.skipped).toEqual([]);
    expect(ready.observed.map((o) => o.name)).toEqual(ready.params.map((o) => o.name)); // observe: 'all'
    const N = ready.params.reduce((a, q) => a + q.size, 0);
    expect(N).toBe(2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2);

    p.toTrainer({ type: 'step', n: 10 });
    await p.waitFor((r) => r.from === 'trainer' && r.m.type === 'state' && r.m.step === 10, 'state at step 10', 90_000);
    // snapshot 0 (the initialisation) + one per step
    await p.waitFor((r) => r.from === 'koopman' && r.m.type === 'received' && r.m.count >= 11, '11 snapshots received', 10_000);
    const spectrum = (await p.waitFor((r) => r.from === 'koopman' && r.m.type === 'spectrum' && r.m.snapshots === 11,
      'the spectrum of all 11 snapshots', 10_000)).m as Extract<KoopmanReply, { type: 'spectrum' }>;

    const metrics = p.trainerReplies('metrics').map((m) => m.metrics);
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.at(-1)!.step).toBe(10);
    expect(finite(metrics.map((m) => m.loss))).toBe(true);
    // spiral: two classes, the untrained net starts near ln 2; ten Adam steps lower the loss
    expect(metrics[0].loss).toBeGreaterThan(metrics.at(-1)!.loss);

    const received = p.koopmanReplies('received');
    expect(received.map((r) => r.count)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(received.map((r) => r.step)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(spectrum.step).toBe(10);
    expect(spectrum.report.eigenvalues.length).toBe(3);
    expect(finite(spectrum.report.eigenvalues.flat())).toBe(true);
    expect(spectrum.report.rank).toBe(3);
    expect(p.trainerReplies('diverged')).toEqual([]);
    expect(p.trainerReplies('failed')).toEqual([]);
    expect(p.koopmanReplies('failed')).toEqual([]);
  });

  it('recovers I − ηH on the quadratic preset (cpu, 5-run ensemble): eigenvalues 0.95, 0.85, 0.5', async () => {
    const p = (pipeline = new Pipeline());
    const config = presetConfig('quadratic', true);
    p.start(config, ['cpu'], 40, 3);

    const ready = (await p.waitFor(isTrainer('ready'), 'ready', 30_000)).m;
    expect(ready.backend.name).toBe('cpu');
    expect(ready.runs).toBe(5);

    p.toTrainer({ type: 'step', n: 40 });
    await p.waitFor((r) => r.from === 'trainer' && r.m.type === 'state' && r.m.step === 40, 'state at step 40', 30_000);
    const last = (await p.waitFor((r) => r.from === 'koopman' && r.m.type === 'spectrum' && r.m.snapshots === 41,
      'the spectrum of all 41 snapshots', 10_000)).m as Extract<KoopmanReply, { type: 'spectrum' }>;

    expect(p.koopmanReplies('received').at(-1)!.count).toBe(41);
    expect(last.step).toBe(40);
    expect(last.report.runs).toBe(5);
    expect(last.report.dt).toBe(1);
    const ev = last.report.eigenvalues;
    expect(ev.length).toBe(3);
    // sorted by |λ| descending; GD on ½ wᵀHw is exactly linear, so only float32 rounding separates these
    [0.95, 0.85, 0.5].forEach((want, i) => {
      expect(Math.abs(ev[i][0] - want), `λ${i} = ${ev[i][0]} ${ev[i][1] >= 0 ? '+' : '−'} ${Math.abs(ev[i][1])}i`).toBeLessThan(1e-3);
      expect(Math.abs(ev[i][1])).toBeLessThan(1e-3);
    });
    expect(p.koopmanReplies('failed')).toEqual([]);
  });

  it('pauses a diverging run (past-the-edge, cpu) and never sends a NaN snapshot', async () => {
    const p = (pipeline = new Pipeline());
    p.start(presetConfig('past-the-edge', true), ['cpu'], 16, 3);
    await p.waitFor(isTrainer('ready'), 'ready', 30_000);

    p.toTrainer({ type: 'step', n: 600 });
    const diverged = (await p.waitFor(isTrainer('diverged'), 'diverged', 60_000)).m;
    // the stiff direction grows ×1.1 a step: the float32 loss overflows after a few hundred steps
    expect(diverged.step).toBeGreaterThan(100);
    expect(diverged.step).toBeLessThan(600);
    expect(diverged.message).toMatch(/step/);
    const state = (await p.waitFor((r) => r.from === 'trainer' && r.m.type === 'state' && !r.m.playing && r.m.step > 0,
      'state after divergence', 10_000)).m as Extract<TrainerReply, { type: 'state' }>;
    expect(state.step).toBe(diverged.step);

    // every snapshot before the divergence arrives (they travel trainer → Koopman worker → page, so they may come
    // after `diverged`, which goes straight to the page), and none after it
    await p.waitFor((r) => r.from === 'koopman' && r.m.type === 'received' && r.m.count >= diverged.step,
      `${diverged.step} snapshots received`, 10_000);
    // let the Koopman worker finish any pending message or refresh before checking it never failed
    await new Promise((r) => setTimeout(r, 300));
    const received = p.koopmanReplies('received');
    expect(received.at(-1)!.step).toBe(diverged.step - 1);
    expect(received.at(-1)!.count).toBe(diverged.step);
    expect(p.koopmanReplies('failed')).toEqual([]);
    expect(p.trainerReplies('failed')).toEqual([]);
    const spectra = p.koopmanReplies('spectrum');
    expect(spectra.length).toBeGreaterThan(0);
    expect(finite(spectra.at(-1)!.report.eigenvalues.flat())).toBe(true);
  });
});
