/**
 * threadExecutor.ts's guard against lost messages: a job that no thread claims is taken back by the calling thread,
 * so a message that never arrives (Chromium can hold a blocked sender's postMessage, whatwg/html#5485) makes the work
 * slower, never stuck or wrong. Pools here are fakes on one thread: a "thread" that runs its job the moment it is
 * posted (runThreadJob, claiming it), and one whose messages are lost. The real threads: test/cli/gramWorkers.test.ts
 * (Node) and test/e2e/app.e2e.mjs 'b2' (the page).
 */
import { describe, expect, it } from 'vitest';
import { gram } from '../../src/linalg/gram';
import { HankelProducts } from '../../src/koopman/hankelWasm';
import { threadExecutor, type ThreadPool } from '../../src/workers/threadExecutor';
import { runThreadJob, type ThreadJob } from '../../src/workers/threadJobs';

function data32(M: number, N: number): Float32Array {
  const d = new Float32Array(new SharedArrayBuffer(4 * M * N));
  for (let i = 0; i < d.length; i++) d[i] = Math.sin(0.37 * i) + 0.01 * ((i * 7919) % 13);
  return d;
}

/** Thread 0 runs what it is sent at once (this thread, claiming it); thread 1's messages are lost. */
function halfLostPool(): ThreadPool & { sent: number[] } {
  const sent: number[] = [];
  return {
    size: 2, sent,
    post(i: number, job: ThreadJob) { sent.push(i); if (i === 0) runThreadJob(job, () => {}); },
  };
}

describe('threadExecutor: jobs whose messages are lost are run by the calling thread', () => {
  it('the Gram is still bit-identical to one thread, and the lost job counts as taken back', () => {
    const pool = halfLostPool();
    const exec = threadExecutor(3, () => pool);
    const M = 96, N = 50_001, d = data32(M, N); // 96² · 50001 / 2 = 2.3e8 multiply-adds ≥ MIN_MADDS
    const G = exec.gram(d, M, N)!;
    expect(G).toBeDefined();
    expect(G).toEqual(gram(d, M, N));
    expect(pool.sent).toEqual([0, 1]);
    expect(exec.takenBack()).toBe(1);
    expect(exec.split()).toBe(1);
    // a Gram too small to split is declined and not counted
    expect(exec.gram(data32(8, 1000), 8, 1000)).toBeUndefined();
    expect(exec.split()).toBe(1);
  });

  it('a share whose init was taken back stays with the calling thread; the products equal one thread', () => {
    const pool = halfLostPool();
    const exec = threadExecutor(3, () => pool, { minProductMadds: 0 });
    const T = 31, N = 5003, d = data32(T, N), delays = 1, c = 4;
    const offsets = Array.from({ length: T }, (_, i) => i * N);
    const one = new HankelProducts(d, offsets, N, delays, c);
    const many = exec.hankel(d, offsets, N, delays, c)!;
    expect(many).toBeDefined();
    expect(exec.takenBack()).toBe(1); // thread 1's init
    const C = (delays + 1) * HankelProducts.blockCols(c);
    const fill = (len: number, seed: number) => (A: Float64Array) => { for (let i = 0; i < len; i++) A[i] = Math.cos(seed * i + 0.3); };
    expect(many.mulX(c, fill(N * C, 0.7)).slice()).toEqual(one.mulX(c, fill(N * C, 0.7)).slice());
    const Z1 = one.mulXt(c, fill(T * C, 1.3)).slice(), Zn = many.mulXt(c, fill(T * C, 1.3)).slice();
    let e = 0, m = 0;
    for (let i = 0; i < Z1.length; i++) { e = Math.max(e, Math.abs(Zn[i] - Z1[i])); m = Math.max(m, Math.abs(Z1[i])); }
    expect(e / m).toBeLessThan(1e-13);
    // thread 1 was sent its init only: its products ran here without a message (and without waiting)
    expect(pool.sent.filter((i) => i === 1)).toEqual([1]);
    expect(exec.takenBack()).toBe(1);
  });

  it('a job its thread has claimed is not run again by the calling thread', () => {
    let ran = 0;
    const pool: ThreadPool = { size: 1, post: (_i, job) => { ran++; runThreadJob(job, () => {}); } };
    const exec = threadExecutor(2, () => pool);
    const M = 96, N = 50_001, d = data32(M, N); // 96² · 50001 / 2 = 2.3e8 multiply-adds ≥ MIN_MADDS
    expect(exec.gram(d, M, N)).toEqual(gram(d, M, N));
    expect(ran).toBe(1);
    expect(exec.takenBack()).toBe(0);
  });
});
