/**
 * The one door to the GPU: the only module that imports tfjs backends and calls tf.setBackend. It picks, in order,
 * webgpu (only when navigator.gpu.requestAdapter() gives an adapter AND setBackend returns true: with no adapter
 * setBackend resolves false while tf.getBackend() still says 'webgpu'; browser-stack.md §1.2.3) → webgl → cpu, and
 * says why. Pick once per worker: switching with live tensors forces slow synchronous reads.
 */
import { tf } from './tf';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendName, BackendReport } from '../workers/protocol';

export const DEFAULT_ORDER: BackendName[] = ['webgpu', 'webgl', 'cpu'];

interface GpuAdapterLike { info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean } }

async function webgpuAdapter(): Promise<{ adapter?: GpuAdapterLike; why?: string }> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } }).navigator?.gpu;
  if (!gpu) return { why: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { adapter } : { why: 'WebGPU is present but offers no adapter (disabled, blocklisted or no GPU)' };
  } catch (e) {
    return { why: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
}

/** Choose and initialise a backend, trying `order` in turn. Never throws while cpu is in the list. */
export async function chooseBackend(order: BackendName[] = DEFAULT_ORDER): Promise<BackendReport> {
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    let reason = '';
    if (name === 'webgpu') {
      const { adapter, why } = await webgpuAdapter();
      if (!adapter) { skipped.push({ name, why: why! }); continue; }
      const info = adapter.info ?? {};
      const software = info.isFallbackAdapter || info.architecture === 'swiftshader';
      reason = `WebGPU adapter ${info.vendor || 'unknown'}/${info.architecture || 'unknown'}${software ? ' (software fallback: slow)' : ''}`;
    }
    try {
      if (!(await tf.setBackend(name))) { skipped.push({ name, why: `tf.setBackend('${name}') reported failure` }); continue; }
      await tf.ready();
    } catch (e) {
      skipped.push({ name, why: (e as Error).message });
      continue;
    }
    if (!reason) reason = skipped.length ? `fallback: ${skipped.map((s) => `${s.name} unavailable (${s.why})`).join('; ')}` : `${name} requested`;
    return { name, reason, skipped };
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')}`);
}
