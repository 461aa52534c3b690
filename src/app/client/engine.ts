/**
 * The only code that starts the training and Koopman workers. Wiring per run:
 *
 *   new MessageChannel(): port1 → trainer `init` (snapshots out), port2 → Koopman `connect` (snapshots in)
 *
 * so snapshots go worker to worker and never touch the main thread. Restarting a run (new preset or config)
 * terminates the trainer worker and starts a fresh one, because tfjs picks its backend once per worker; the Koopman
 * worker lives on and drops its window when the new trainer announces `restart`.
 *
 * The trainer worker handles messages concurrently with `init`, so anything sent before `ready` would find no
 * session and be lost: requests are queued here until the run's `ready` reply.
 *
 * Koopman requests with an answer (`spectrumAt`, `seedSpectra`, `export`) go through `ask`: each gets an id, and
 * the reply with that id (or `failed` with it) settles its promise instead of reaching the handlers.
 *
 * The engine knows nothing of the page's state: the DMD options are opaque (`D`, the store's DmdConfig in the app)
 * and become the Koopman worker's `configure` message through the function the page passes in.
 */
import type { TrainConfig } from '../../train/types';
import type { KoopmanReply, KoopmanRequest, TrainerReply, TrainerRequest, WireError } from '../../workers/protocol';
import { MNIST_WEB_DIR } from '../../train/data/mnist';
import type { StreamReply, StreamRequest, StreamTarget } from '../../workers/stream';

/** The Koopman worker's `configure` message. */
export type ConfigureMessage = Extract<KoopmanRequest, { type: 'configure' }>;

/** Run and configuration generations (workers/protocol.ts): the page's `status.recording` and `status.configured`. */
export interface Generation { gen: number; cfg: number }

export interface EngineHandlers {
  trainer(reply: TrainerReply): void;
  koopman(reply: KoopmanReply): void;
  /** A worker failed outside the protocol (load error, uncaught exception). */
  crashed(which: 'trainer' | 'koopman', message: string): void;
}

/** Koopman requests that are answered, without their id (the engine adds it), and the answer to each. */
type Asked = Extract<KoopmanRequest, { id: number }>;
export interface Answers {
  spectrumAt: Extract<KoopmanReply, { type: 'spectrumAt' }>;
  seedSpectra: Extract<KoopmanReply, { type: 'seedSpectra' }>;
  export: Extract<KoopmanReply, { type: 'exported' }>;
}
export interface Questions {
  spectrumAt: Omit<Extract<Asked, { type: 'spectrumAt' }>, 'id'>;
  seedSpectra: Omit<Extract<Asked, { type: 'seedSpectra' }>, 'id'>;
  export: Omit<Extract<Asked, { type: 'export' }>, 'id'>;
}

/** What actions.ts drives; tests give a fake. `D`: the DMD options (state/store's DmdConfig). */
export interface Engine<D = unknown> {
  /**
   * (Re)start a run as generation `g.gen`: fresh trainer worker, new channel, Koopman worker reconfigured (as
   * configuration `g.cfg`). The trainer loads MNIST from the page's ./data/mnist/.
   */
  start(config: TrainConfig, dmd: D, speed: number, g?: Generation): void;
  send(m: Exclude<TrainerRequest, { type: 'init' }>): void;
  /** New DMD options, as configuration generation `cfg`. */
  configure(dmd: D, cfg?: number): void;
  /** Ask the Koopman worker; rejects with the worker's error (or when it stops). */
  ask<K extends keyof Answers>(m: Questions[K] & { type: K }): Promise<Answers[K]>;
  /**
   * Show a run streamed by `koopscope watch` (at `origin`) as generation `g.gen`: a stream worker takes the trainer's
   * place (workers/stream.ts); its `metrics` go to the trainer handler, its `stream` replies to `onStream`.
   */
  watch?(target: StreamTarget, origin: string, dmd: D, g: Generation, onStream: (r: StreamReply) => void): void;
  dispose(): void;
}

/** The error of a `failed` reply, as an Error. */
export function wireToError(e: WireError): Error {
  return Object.assign(new Error(e.message), { name: e.name, ...(e.code ? { code: e.code } : {}) });
}

export class WorkerEngine<D> implements Engine<D> {
  private trainer?: Worker;
  private koopman?: Worker;
  private queue: TrainerRequest[] | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: KoopmanReply) => void; reject: (e: Error) => void }>();

  /** `configureMessage`: DMD options `dmd` as the `configure` message of configuration generation `cfg`. */
  constructor(
    private readonly handlers: EngineHandlers,
    private readonly configureMessage: (dmd: D, cfg?: number) => ConfigureMessage,
  ) {}

  private koopmanWorker(): Worker {
    if (this.koopman) return this.koopman;
    const w = new Worker(new URL('../../workers/koopman.worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<KoopmanReply>) => this.onKoopman(e.data);
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const message = e.message || 'the Koopman worker stopped';
      this.rejectAll(message);
      this.handlers.crashed('koopman', message);
    };
    w.onmessageerror = () => this.handlers.crashed('koopman', 'the Koopman worker sent a message that could not be read');
    return (this.koopman = w);
  }

  private onKoopman(r: KoopmanReply): void {
    const id = (r as { id?: unknown }).id;
    const waiting = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!waiting) { this.handlers.koopman(r); return; }
    this.pending.delete(id as number);
    if (r.type === 'failed') waiting.reject(wireToError(r.error));
    else waiting.resolve(r);
  }

  private rejectAll(why: string): void {
    for (const p of this.pending.values()) p.reject(new Error(why));
    this.pending.clear();
  }

  ask<K extends keyof Answers>(m: Questions[K] & { type: K }): Promise<Answers[K]> {
    const worker = this.koopmanWorker();
    const id = ++this.nextId;
    return new Promise<Answers[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: KoopmanReply) => void, reject });
      worker.postMessage({ ...m, id } as KoopmanRequest);
    });
  }

  start(config: TrainConfig, dmd: D, speed: number, g?: Generation): void {
    this.stopStream();
    this.trainer?.terminate();
    const koopman = this.koopmanWorker();
    const trainer = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module' });
    this.trainer = trainer;
    this.queue = speed !== 1 ? [{ type: 'setSpeed', stepsPerTick: speed }] : [];
    trainer.onmessage = (e: MessageEvent<TrainerReply>) => {
      if (trainer !== this.trainer) return; // a reply already in flight from a terminated run
      if (e.data.type === 'ready') this.flush();
      this.handlers.trainer(e.data);
    };
    trainer.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      if (trainer === this.trainer) this.handlers.crashed('trainer', e.message || 'the training worker stopped');
    };
    const { port1, port2 } = new MessageChannel();
    const connect: KoopmanRequest = { type: 'connect', port: port2, ...(g ? { gen: g.gen } : {}) };
    koopman.postMessage(connect, [port2]);
    koopman.postMessage(this.configureMessage(dmd, g?.cfg));
    const dataBaseUrl = new URL(MNIST_WEB_DIR, document.baseURI).href;
    const init: TrainerRequest = { type: 'init', config, koopmanPort: port1, dataBaseUrl, ...(g ? { gen: g.gen } : {}) };
    trainer.postMessage(init, [port1]);
  }

  private stream?: Worker;

  private stopStream(): void {
    this.stream?.terminate(); // its long poll (if any) is dropped with it
    this.stream = undefined;
  }

  watch(target: StreamTarget, origin: string, dmd: D, g: Generation, onStream: (r: StreamReply) => void): void {
    this.stopStream();
    this.trainer?.terminate();
    this.trainer = undefined;
    this.queue = undefined; // play, pause, step: nothing to send them to while watching
    const koopman = this.koopmanWorker();
    const stream = new Worker(new URL('../../workers/stream.worker.ts', import.meta.url), { type: 'module' });
    this.stream = stream;
    stream.onmessage = (e: MessageEvent<StreamReply>) => {
      if (stream !== this.stream) return;
      if (e.data.type === 'stream') onStream(e.data);
      else this.handlers.trainer(e.data);
    };
    stream.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      if (stream === this.stream) this.handlers.crashed('trainer', e.message || 'the stream worker stopped');
    };
    const { port1, port2 } = new MessageChannel();
    koopman.postMessage({ type: 'connect', port: port2, gen: g.gen } satisfies KoopmanRequest, [port2]);
    koopman.postMessage(this.configureMessage(dmd, g.cfg));
    stream.postMessage({ type: 'watch', target, origin, koopmanPort: port1, gen: g.gen } satisfies StreamRequest, [port1]);
  }

  private flush(): void {
    const q = this.queue ?? [];
    this.queue = undefined;
    for (const m of q) this.trainer?.postMessage(m);
  }

  send(m: Exclude<TrainerRequest, { type: 'init' }>): void {
    if (this.queue) this.queue.push(m);
    else this.trainer?.postMessage(m);
  }

  configure(dmd: D, cfg?: number): void {
    this.koopmanWorker().postMessage(this.configureMessage(dmd, cfg));
  }

  dispose(): void {
    this.rejectAll('the page closed its workers');
    this.stopStream();
    this.trainer?.terminate();
    this.koopman?.terminate();
    this.trainer = this.koopman = undefined;
  }
}
