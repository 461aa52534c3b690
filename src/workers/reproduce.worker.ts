/**
 * One `koopscope reproduce` experiment (src/reproduce, the same code as the command line) off the main thread:
 * `{type:'run', name, quick}` → `progress`… → `result` | `failed` (job.ts). One run per worker; the page cancels
 * by terminating it. MNIST comes from `dataBaseUrl` (./data/mnist/, prepared by scripts/prepare-data.mjs).
 */
import { getExperiment } from '../reproduce';
import type { ExperimentResult } from '../reproduce/types';
import { chooseBackend, type ModelSpecKind } from '../train/backend';
import { serveJob } from './job';
import type { ReproduceRequest } from './jobRequests';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url} (HTTP ${r.status}); run \`npm install\` (it prepares public/data)`);
  return new Uint8Array(await r.arrayBuffer());
}

/** The model each experiment trains, so the backend choice skips wasm for the CNN (no Conv2DBackpropFilter). */
const MODEL: Record<string, ModelSpecKind> = { 'fcn-width': 'mlp', 'cnn-early': 'cnn', grokking: 'transformer', quadratic: 'quadratic', momentum: 'quadratic' };

serveJob<ReproduceRequest, ExperimentResult>(async (m, job) => {
  const experiment = getExperiment(m.name);
  const backend = await chooseBackend(['wasm', 'webgl', 'cpu'], { model: MODEL[m.name] });
  const base = m.dataBaseUrl ?? new URL('../data/mnist/', self.location.href).href;
  return experiment.run({ quick: true, backend, loadBytes: (file) => fetchBytes(new URL(file, base).href), onProgress: job.progress });
});
