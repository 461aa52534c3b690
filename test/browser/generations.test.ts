/**
 * The workers' side of run generations (workers/protocol.ts) and of data loading, in headless Chromium with the real
 * trainer and Koopman workers on the cpu backend:
 *
 *   1. replies carry the generation whose data they describe: after `reset` with a new `gen`, every trainer and
 *      Koopman reply of the old generation comes before the first of the new one, and spectra carry the `cfg` of the
 *      options they were fitted with;
 *   2. once the page connects a new run's port (a new generation), no spectrum or snapshot count of the old run's
 *      window is sent, even when the old trainer goes on stepping or the options change before the new run is set up;
 *   3. MNIST loads from `dataBaseUrl` with progress (data, then models); a wrong folder fails with the URL tried.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { presetConfig } from '../../src/train/presets';
import type { TrainConfig } from '../../src/train/types';
import type { Gen, KoopmanReply, KoopmanRequest, TrainerReply, TrainerRequest } from '../../src/workers/protocol';

type Tagged<T> = T & Partial<Gen>;
type Reply = { from: 'trainer' | 'koopman'; m: Tagged<TrainerReply> | Tagged<KoopmanReply>; who?: Worker };

const workers: Worker[] = [];
const newWorker = (which: 'trainer' | 'koopman') => {
  const w = which === 'trainer'
    ? new Worker(new URL('../../src/workers/trainer.worker.ts', import.meta.url), { type: 'module' })
    : new Worker(new URL('../../src/workers/koopman.worker.ts', import.meta.url), { type: 'module' });
  workers.push(w);
  return w;
};
afterEach(() => { for (const w of workers.splice(0)) w.terminate(); });

const log: Reply[] = [];
afterEach(() => { log.length = 0; });

function listen(w: Worker, from: Reply['from']): void {
  w.onmessage = (e: MessageEvent) => log.push({ from, m: e.data, who: w });
  w.onerror = (e) => log.push({ from, m: { type: 'failed', error: { name: 'WorkerError', message: e.message } }, who: w });
}

/**
 * Polls `find` every 20 ms until it gives a value, at most timeoutMs / 20 polls (a bound on the work, not a clock
 * reading); a `failed` reply ends the wait with an error unless `failures` is 'expected'.
 */
async function until<T>(what: string, find: () => T | undefined, timeoutMs = 60_000, failures: 'throw' | 'expected' = 'throw'): Promise<T> {
  for (let poll = 0; ; poll++) {
    const failed = failures === 'throw' && log.find((r) => r.m.type === 'failed');
    if (failed) throw new Error(`${failed.from} failed while waiting for ${what}: ${JSON.stringify((failed.m as { error: unknown }).error)}`);
    const x = find();
    if (x !== undefined && x !== false) return x;
    if (poll * 20 > timeoutMs) throw new Error(`timed out waiting for ${what}: ${log.map((r) => `${r.from}.${r.m.type}@${r.m.gen}`).slice(-20).join(' ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const quadratic: TrainConfig = presetConfig('quadratic', true);
const configure = (cfg: number, rank = 3): KoopmanRequest => ({ type: 'configure', window: 20, options: { rank: { kind: 'rank', r: rank } }, maxRefreshHz: 50, cfg });

/** A trainer of generation `gen` connected to `koopman` over a fresh channel. */
function startRun(koopman: Worker, gen: number, cfg: number, config = quadratic): Worker {
  const trainer = newWorker('trainer');
  listen(trainer, 'trainer');
  const { port1, port2 } = new MessageChannel();
  koopman.postMessage({ type: 'connect', port: port2, gen } satisfies KoopmanRequest, [port2]);
  koopman.postMessage(configure(cfg));
  trainer.postMessage({ type: 'init', config, koopmanPort: port1, backends: ['cpu'], gen } satisfies TrainerRequest, [port1]);
  return trainer;
}

const spectra = () => log.filter((r) => r.from === 'koopman' && r.m.type === 'spectrum') as { m: Tagged<Extract<KoopmanReply, { type: 'spectrum' }>> }[];

describe('run generations in the worker protocol', () => {
  it('tags replies with the generation of their data; a reset starts the next one in order', async () => {
    const koopman = newWorker('koopman');
    listen(koopman, 'koopman');
    const trainer = startRun(koopman, 1, 1);
    await until('ready', () => log.find((r) => r.m.type === 'ready'));
    trainer.postMessage({ type: 'step', n: 10 } satisfies TrainerRequest);
    const first = await until('a spectrum', () => spectra().at(-1));
    expect(first.m).toMatchObject({ gen: 1, cfg: 1 });

    trainer.postMessage({ type: 'reset', gen: 2 } satisfies TrainerRequest);
    trainer.postMessage({ type: 'step', n: 10 } satisfies TrainerRequest);
    await until('a spectrum of generation 2', () => spectra().find((r) => r.m.gen === 2 && r.m.step >= 5));
    for (const from of ['trainer', 'koopman'] as const) {
      const gens = log.filter((r) => r.from === from && r.m.type !== 'progress').map((r) => r.m.gen);
      expect(gens.every((g) => g === 1 || g === 2), `${from}: ${gens}`).toBe(true);
      const firstNew = gens.indexOf(2);
      expect(firstNew, from).toBeGreaterThan(0);
      expect(gens.slice(firstNew).every((g) => g === 2), `${from}: generation 1 after 2: ${gens}`).toBe(true);
    }
    // a new configuration: spectra fitted with it carry its number
    koopman.postMessage(configure(2, 2));
    trainer.postMessage({ type: 'step', n: 3 } satisfies TrainerRequest);
    await until('a spectrum with cfg 2', () => spectra().find((r) => r.m.cfg === 2));
  });

  it('after a new run connects, the old window sends nothing, even if the old trainer steps or the options change', async () => {
    const koopman = newWorker('koopman');
    listen(koopman, 'koopman');
    const old = startRun(koopman, 1, 1);
    await until('ready', () => log.find((r) => r.m.type === 'ready'));
    old.postMessage({ type: 'step', n: 10 } satisfies TrainerRequest);
    await until('a spectrum of the old run', () => spectra().find((r) => r.m.step === 10));

    // the page starts another run: new port (generation 2); the old trainer is still alive and steps on
    const at = log.length;
    const next = newWorker('trainer');
    listen(next, 'trainer');
    const { port1, port2 } = new MessageChannel();
    koopman.postMessage({ type: 'connect', port: port2, gen: 2 } satisfies KoopmanRequest, [port2]);
    koopman.postMessage(configure(2));
    old.postMessage({ type: 'step', n: 5 } satisfies TrainerRequest);
    await until('the old trainer stepped', () => log.slice(at).find((r) => r.who === old && r.m.type === 'state' && (r.m as { step: number }).step === 15));
    koopman.postMessage(configure(3)); // the options change before the new run has sent anything
    await new Promise((r) => setTimeout(r, 300));
    const meanwhile = log.slice(at).filter((r) => r.from === 'koopman');
    expect(meanwhile.map((r) => `${r.m.type}@${r.m.gen}`)).toEqual([]);

    next.postMessage({ type: 'init', config: presetConfig('momentum', true), koopmanPort: port1, backends: ['cpu'], gen: 2 } satisfies TrainerRequest, [port1]);
    await until('ready of the new run', () => log.slice(at).find((r) => r.who === next && r.m.type === 'ready'));
    next.postMessage({ type: 'step', n: 6 } satisfies TrainerRequest);
    const s = await until('a spectrum of the new run', () => spectra().find((r) => r.m.gen === 2));
    expect(s.m.cfg).toBe(3);
    expect(log.slice(at).filter((r) => r.from === 'koopman').every((r) => r.m.gen === 2)).toBe(true);
  });
});

describe('MNIST in the trainer worker', () => {
  it('loads from dataBaseUrl with progress: data (bytes, fraction), then models', async () => {
    const trainer = newWorker('trainer');
    listen(trainer, 'trainer');
    const dataBaseUrl = new URL('/data/mnist/', location.origin).href;
    trainer.postMessage({ type: 'init', config: presetConfig('fcn-h5', true), backends: ['cpu'], dataBaseUrl, gen: 4 } satisfies TrainerRequest);
    await until('ready', () => log.find((r) => r.m.type === 'ready'), 120_000);
    const progress = log.filter((r) => r.m.type === 'progress').map((r) => r.m as Extract<TrainerReply, { type: 'progress' }> & Partial<Gen>);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.every((p) => p.gen === 4)).toBe(true);
    const data = progress.filter((p) => p.phase === 'data');
    expect(data.at(-1)).toMatchObject({ fraction: 1 });
    expect(data.at(-1)?.message).toMatch(/^loading MNIST: [\d.]+ MB of [\d.]+ MB$/);
    expect(progress.at(-1)).toMatchObject({ phase: 'model' });
  });

  it('a folder without the files fails with the URL it tried', async () => {
    const trainer = newWorker('trainer');
    listen(trainer, 'trainer');
    const dataBaseUrl = new URL('/no-such-folder/', location.origin).href;
    trainer.postMessage({ type: 'init', config: presetConfig('fcn-h5', true), backends: ['cpu'], dataBaseUrl } satisfies TrainerRequest);
    const failed = await until('failed', () => log.find((r) => r.m.type === 'failed')?.m as Extract<TrainerReply, { type: 'failed' }> | undefined,
      60_000, 'expected');
    expect(failed.error.message).toMatch(new RegExp(`^could not load ${dataBaseUrl.replace(/[.]/g, '\\.')}(train|t10k)-(images|labels)-idx[13]-ubyte`));
  });
});
