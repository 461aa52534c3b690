/**
 * One `koopscope reproduce` experiment (src/reproduce, the same code as the command line) off the main thread:
 * `{type:'run', name, quick}` → `progress`… → `result` | `failed`. One run per worker; the page cancels by
 * terminating it. MNIST comes from `dataBaseUrl` (./data/mnist/, prepared by scripts/prepare-data.mjs).
 */
import { getExperiment } from '../../reproduce';
import { chooseBackend, type ModelKind } from '../../train/backend';
import type { ReproduceReply, ReproduceRequest } from './demo';

const scope = self as unknown as { onmessage: ((e: MessageEvent<ReproduceRequest>) => void) | null; postMessage(m: ReproduceReply): void };

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url} (HTTP ${r.status}); run \`npm install\` (it prepares public/data)`);
  return new Uint8Array(await r.arrayBuffer());
}

/** The model each experiment trains, so the backend choice skips wasm for the CNN (no Conv2DBackpropFilter). */
const MODEL: Record<string, ModelKind> = { 'fcn-width': 'mlp', 'cnn-early': 'cnn', grokking: 'transformer', quadratic: 'quadratic', momentum: 'quadratic' };

let started = false;

scope.onmessage = (e) => {
  const m = e.data;
  if (m?.type !== 'run' || started) return;
  started = true;
  void (async () => {
    try {
      const experiment = getExperiment(m.name);
      const backend = await chooseBackend(['wasm', 'webgl', 'cpu'], { model: MODEL[m.name] });
      const base = m.dataBaseUrl ?? new URL('../data/mnist/', self.location.href).href;
      let last = -1;
      const result = await experiment.run({
        quick: true,
        backend,
        loadBytes: (file) => fetchBytes(new URL(file, base).href),
        onProgress: (fraction, phase) => {
          // At most ~200 messages per run.
          if (fraction < 1 && fraction - last < 0.005) return;
          last = fraction;
          scope.postMessage({ type: 'progress', fraction, phase });
        },
      });
      scope.postMessage({ type: 'result', result });
    } catch (err) {
      const error = err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
      scope.postMessage({ type: 'failed', error });
    }
  })();
};
