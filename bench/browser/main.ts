/**
 * The page of bench/train-browser.mjs: for each MLP config and each backend (webgpu, webgl, cpu), (a) a bench worker
 * times Trainer steps and snapshots directly, (b) the real pipeline (trainer.worker → MessageChannel →
 * koopman.worker, a snapshot every step) is timed from the page. Results go to window.__result; progress to the
 * console (forwarded to the terminal by the driver).
 */
import { presetConfig } from '../../src/train/presets';
import type { TrainConfig } from '../../src/train/types';
import type { BackendName, KoopmanReply, TrainerReply } from '../../src/workers/protocol';
import type { BenchRequest, BenchResult } from './trainBench.worker';

declare global { interface Window { __result?: unknown; __error?: string; __done?: boolean } }

const params = new URLSearchParams(location.search);
const quick = params.has('quick');
const backends = (params.get('backends') ?? 'webgpu,webgl,cpu').split(',') as BackendName[];

const spiral = presetConfig('spiral', true);
const CONFIGS: { id: string; label: string; config: TrainConfig }[] = [
  { id: 'spiral', label: 'spiral preset: MLP 2-16-16-2 tanh, Adam, full batch 80', config: spiral },
  {
    // 2-256-256-2 on 1600 points ran at 0.2 steps/s on SwiftShader WebGPU (32 s warm-up): too slow for a bench
    id: 'wide', label: 'MLP 2-64-64-2 tanh, Adam, full batch 800 (spiral n 1000)',
    config: { ...spiral, model: { kind: 'mlp', hidden: [64, 64], activation: 'tanh', bias: true }, data: { kind: 'spiral', n: 1000, noise: 0.1 } },
  },
];
/** Timed steps: SwiftShader WebGPU runs a tiny MLP at ~10 steps/s, so it gets few. */
const STEPS: Record<BackendName, number> = quick
  ? { webgpu: 10, webgl: 40, cpu: 100, wasm: 100 }
  : { webgpu: 30, webgl: 150, cpu: 300, wasm: 300 };

function say(msg: string): void {
  console.log(msg);
  document.getElementById('log')!.textContent += `\n${msg}`;
}

function benchWorker(req: BenchRequest): Promise<BenchResult> {
  const w = new Worker(new URL('./trainBench.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<BenchResult>((resolve, reject) => {
    w.onmessage = (e: MessageEvent<{ ok: boolean; result?: BenchResult; error?: string }>) =>
      (e.data.ok ? resolve(e.data.result!) : reject(new Error(e.data.error)));
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(req);
  }).finally(() => w.terminate());
}

interface PipelineResult { readyMs: number; warmupMs: number; stepMs: number; received: number; spectra: number; backend: string }

/** trainer.worker → koopman.worker, snapshot every step; time `steps` steps after a warm-up, from the page. */
function pipeline(config: TrainConfig, backend: BackendName, warmup: number, steps: number): Promise<PipelineResult> {
  const trainer = new Worker(new URL('../../src/workers/trainer.worker.ts', import.meta.url), { type: 'module' });
  const koopman = new Worker(new URL('../../src/workers/koopman.worker.ts', import.meta.url), { type: 'module' });
  const { port1, port2 } = new MessageChannel();
  let received = 0, spectra = 0, backendName = '';
  let waiting: { step: number; resolve: () => void } | undefined;
  return new Promise<PipelineResult>((resolve, reject) => {
    const fail = (what: string) => reject(new Error(what));
    koopman.onmessage = (e: MessageEvent<KoopmanReply>) => {
      if (e.data.type === 'received') received = e.data.count;
      else if (e.data.type === 'spectrum') spectra++;
      else if (e.data.type === 'failed') fail(`koopman worker: ${e.data.error.message}`);
    };
    const t0 = performance.now();
    let readyMs = 0;
    const until = (step: number) => new Promise<void>((r) => { waiting = { step, resolve: r }; });
    trainer.onmessage = async (e: MessageEvent<TrainerReply>) => {
      const m = e.data;
      if (m.type === 'failed') return fail(`trainer worker: ${m.error.message}`);
      if (m.type === 'diverged') return fail(`diverged at ${m.step}`);
      if (m.type === 'state' && waiting && m.step === waiting.step && !m.playing) { const w = waiting; waiting = undefined; w.resolve(); }
      if (m.type === 'ready') {
        readyMs = performance.now() - t0;
        backendName = m.backend.name;
        let t = performance.now();
        const warm = until(warmup);
        trainer.postMessage({ type: 'step', n: warmup });
        await warm;
        const warmupMs = performance.now() - t;
        const before = received;
        t = performance.now();
        const done = until(warmup + steps);
        trainer.postMessage({ type: 'step', n: steps });
        await done;
        const stepMs = (performance.now() - t) / steps;
        // the last snapshots may still be in flight to the Koopman worker
        const t1 = performance.now();
        while (received < before + steps && performance.now() - t1 < 5000) await new Promise((r) => setTimeout(r, 5));
        resolve({ readyMs, warmupMs, stepMs, received: received - before, spectra, backend: backendName });
      }
    };
    koopman.postMessage({ type: 'connect', port: port2 }, [port2]);
    koopman.postMessage({ type: 'configure', window: 64, options: { rank: { kind: 'rank', r: 10 } }, maxRefreshHz: 10 });
    trainer.postMessage({ type: 'init', config: { ...config, snapshotEvery: 1 }, koopmanPort: port1, backends: [backend] }, [port1]);
  }).finally(() => { trainer.terminate(); koopman.terminate(); });
}

async function main(): Promise<void> {
  const adapter = await navigator.gpu?.requestAdapter();
  const results: Record<string, unknown>[] = [];
  for (const c of CONFIGS) {
    for (const backend of backends) {
      const steps = c.id === 'wide' ? Math.max(5, STEPS[backend] / 2) : STEPS[backend];
      say(`${c.id} / ${backend}: bench worker, ${steps} steps…`);
      const direct = await benchWorker({ config: c.config, backend, warmup: 5, steps, snapshots: quick ? 10 : 30 });
      if (direct.backend !== backend) throw new Error(`asked for ${backend}, got ${direct.backend}`);
      say(`  ${(1000 / direct.stepMs).toFixed(1)} steps/s, snapshot ${direct.snapshotMs.map((x) => x.toFixed(2)).join(' ')} ms`);
      say(`${c.id} / ${backend}: pipeline, ${steps} steps…`);
      const pipe = await pipeline(c.config, backend, 5, steps);
      say(`  ${(1000 / pipe.stepMs).toFixed(1)} steps/s with a snapshot every step (${pipe.received} received, ${pipe.spectra} spectra)`);
      results.push({ config: c.id, label: c.label, backend, steps, direct, pipeline: pipe });
    }
  }
  window.__result = {
    userAgent: navigator.userAgent, quick,
    adapter: adapter ? { vendor: adapter.info.vendor, architecture: adapter.info.architecture, isFallbackAdapter: (adapter.info as { isFallbackAdapter?: boolean }).isFallbackAdapter } : null,
    results,
  };
}

main().catch((e) => { window.__error = `${(e as Error).name}: ${(e as Error).message}`; say(window.__error); })
  .finally(() => { window.__done = true; });
