/**
 * Bench worker (bench/train-browser.mjs): one backend per worker (tfjs picks it once), the same modules the
 * trainer worker uses (chooseBackend, loadDataset, Trainer). Measures the first steps (shader compile), steps/s over
 * a fixed number of steps, and ms per Trainer.snapshot() (the GPU → worker read-out of the observed parameters).
 */
import { chooseBackend } from '../../src/train/backend';
import { loadDataset } from '../../src/train/session';
import { Trainer } from '../../src/train/trainer';
import { tf } from '../../src/train/tf';
import type { TrainConfig } from '../../src/train/types';
import type { BackendName } from '../../src/workers/protocol';

export interface BenchRequest { config: TrainConfig; backend: BackendName; warmup: number; steps: number; snapshots: number }
export interface BenchResult {
  backend: string; reason: string; initMs: number; warmupMs: number; stepMs: number; snapshotMs: number[];
  finalLoss: number; N: number; P: number; tensors: number;
}

self.onmessage = async (ev: MessageEvent<BenchRequest>) => {
  const { config, backend, warmup, steps, snapshots } = ev.data;
  try {
    const say = (m: string) => { (self as unknown as { __stage?: string }).__stage = m; console.log(`[bench worker ${backend}] ${m}`); };
    say('start');
    let t = performance.now();
    const report = await chooseBackend([backend]);
    const dataset = await loadDataset(config.data, config.dataSeed, () => Promise.reject(new Error('no file data in this bench')));
    const trainer = new Trainer(config, dataset, 0);
    say(`${report.name} ready`);
    const initMs = performance.now() - t;
    t = performance.now();
    await trainer.train(warmup);
    await trainer.snapshot();
    const warmupMs = performance.now() - t;
    say(`warm-up done in ${warmupMs.toFixed(0)} ms`);
    t = performance.now();
    const last = await trainer.train(steps);
    const stepMs = (performance.now() - t) / steps;
    const snapshotMs: number[] = [];
    for (let i = 0; i < snapshots; i++) {
      await trainer.train(1); // a fresh update, so the read is not of weights already downloaded
      t = performance.now();
      await trainer.snapshot();
      snapshotMs.push(performance.now() - t);
    }
    const result: BenchResult = {
      backend: report.name, reason: report.reason, initMs, warmupMs, stepMs, snapshotMs, finalLoss: last.loss,
      N: trainer.observedSize, P: trainer.params.reduce((a, p) => a + p.size, 0), tensors: tf.memory().numTensors,
    };
    trainer.dispose();
    (self as unknown as Worker).postMessage({ ok: true, result });
  } catch (e) {
    (self as unknown as Worker).postMessage({ ok: false, error: `${(e as Error).name}: ${(e as Error).message}` });
  }
};
