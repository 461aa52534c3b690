import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/io';
import { readFileInWorker, WorkerReadError } from '../../src/app/client/readFileInWorker';

// A ~200 MB float32 trajectory chosen as a File is read and parsed in a dedicated module worker: the page keeps
// running timers while it happens, and the data arrives by transfer.
const T = 200;
const N = 250_000;
const value = (t: number, j: number) => Math.fround(t * 0.25 + (j % 1000) * 1e-3 - 0.5);

/** Runs `setInterval(…, 10)` until stopped and returns the largest gap between ticks (ms). */
function watchMainThread(): () => number {
  let last = performance.now();
  let maxGap = 0;
  const id = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 10);
  return () => {
    clearInterval(id);
    return Math.max(maxGap, performance.now() - last);
  };
}

describe('readFileInWorker', () => {
  it('reads a 200 MB .npy File in a worker, with progress, the data arriving intact', async () => {
    let file: File;
    {
      const data = new Float32Array(T * N);
      for (let t = 0; t < T; t++) {
        const row = t * N;
        for (let j = 0; j < N; j++) data[row + j] = value(t, j);
      }
      const bytes = writeNpy({ dtype: 'float32', shape: [T, N], data });
      file = new File([bytes as Uint8Array<ArrayBuffer>], 'big-weights.npy');
    }
    expect(file.size).toBeGreaterThan(T * N * 4);

    const progress: [number, string][] = [];
    const stop = watchMainThread();
    const t0 = performance.now();
    const result = await readFileInWorker(file, (fraction, phase) => progress.push([fraction, phase]));
    const readMs = performance.now() - t0;
    const maxGap = stop();
    console.log(`readFileInWorker: ${(file.size / 2 ** 20).toFixed(1)} MiB in ${readMs.toFixed(0)} ms, ` +
      `largest main-thread gap ${maxGap.toFixed(1)} ms, ${progress.length} progress messages`);

    expect(result.kind).toBe('trajectory');
    if (result.kind !== 'trajectory') return;
    expect(result.runs).toBe(1);
    expect(result.T).toBe(T);
    expect(result.N).toBe(N);
    expect(result.data).toBeInstanceOf(Float32Array);
    expect(result.data.length).toBe(T * N);
    for (const [t, j] of [[0, 0], [0, N - 1], [7, 123_456], [T - 1, 999], [T - 1, N - 1]] as const) {
      expect(result.data[t * N + j]).toBe(value(t, j));
    }
    expect(result.params.reduce((s, p) => s + p.size, 0)).toBe(N);

    expect(progress.length).toBeGreaterThan(1);
    const reads = progress.filter(([, phase]) => phase === 'read').map(([f]) => f);
    expect(reads.at(-1)).toBe(1);
    for (let i = 1; i < reads.length; i++) expect(reads[i]).toBeGreaterThanOrEqual(reads[i - 1]!);

    // maxGap is reported, not asserted: it is wall-clock and failed under load. The main thread's long tasks during
    // file reading are measured by the browser benchmark (bench/app-browser.mjs, docs/benchmarks.md).
  });

  it('rejects a file of random bytes with its name in the message and a code', async () => {
    const bytes = new Uint8Array(100_000);
    let s = 12345;
    for (let i = 0; i < bytes.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      bytes[i] = s >>> 24;
    }
    bytes[0] = 0x00; // no magic bytes: not .npy, zip, safetensors, pickle or JSON
    const file = new File([bytes], 'noise.bin');
    const error = await readFileInWorker(file, () => {}).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerReadError);
    const e = error as WorkerReadError;
    expect(e.message.startsWith('noise.bin: ')).toBe(true);
    expect(e.code).toBe('unknown-format');
  });

  it('answers an unknown message with a failure naming its type', async () => {
    const worker = new Worker(new URL('../../src/workers/fileReader.worker.ts', import.meta.url), { type: 'module' });
    try {
      const reply = await new Promise<unknown>((resolve) => {
        worker.onmessage = (event: MessageEvent<unknown>) => resolve(event.data);
        worker.postMessage({ type: 'parse' });
      });
      expect(reply).toEqual({ type: 'failed', error: { name: 'Error', message: "Unsupported message type 'parse'" } });
    } finally {
      worker.terminate();
    }
  });
});
