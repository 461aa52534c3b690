/**
 * The training worker: a switchboard around TrainingSession (src/train/session.ts). It picks the backend, loads the
 * data, runs the play loop, and sends snapshots straight to the Koopman worker over the MessagePort it was given.
 */
import { chooseBackend } from '../train/backend';
import { TrainingSession } from '../train/session';
import { toWireError, type TrainerReply, type TrainerRequest } from './protocol';

const post = (m: TrainerReply) => (self as unknown as Worker).postMessage(m);
let session: TrainingSession | undefined;

/** Browser data loading for MNIST: the IDX files that scripts/prepare-data.mjs puts in public/data/mnist/. */
async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url} (HTTP ${r.status}); run \`npm install\` (it prepares public/data)`);
  return new Uint8Array(await r.arrayBuffer());
}

async function handle(m: TrainerRequest): Promise<void> {
  switch (m.type) {
    case 'init': {
      session?.dispose();
      const backend = await chooseBackend(m.backends);
      const base = m.dataBaseUrl ?? new URL('../data/', self.location.href).href;
      session = await TrainingSession.create(m.config, {
        backend,
        koopmanPort: m.koopmanPort,
        loadBytes: (file) => fetchBytes(new URL(file, base).href),
        post,
      });
      break;
    }
    case 'play': session?.play(); break;
    case 'pause': session?.pause(); break;
    case 'step': await session?.stepOnce(m.n ?? 1); break;
    case 'reset': await session?.reset(); break;
    case 'setLearningRate': session?.setLearningRate(m.lr); break;
    case 'setSpeed': session?.setSpeed(m.stepsPerTick); break;
    case 'dispose': session?.dispose(); self.close(); break;
    default:
      throw new Error(`Unsupported message type '${(m as { type: string }).type}'`);
  }
}

self.onmessage = (ev: MessageEvent<TrainerRequest>) => {
  handle(ev.data).catch((e) => post({ type: 'failed', error: toWireError(e) }));
};
