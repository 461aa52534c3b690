/**
 * The one door to the accelerator: the only module that imports tfjs backends and calls tf.setBackend. Pick once per
 * worker: switching with live tensors forces slow synchronous reads (docs/browser-notes.md#one-backend).
 *
 * Policy (`backendOrder`, pure): webgpu only when navigator.gpu.requestAdapter() gives a *hardware* adapter (and
 * setBackend then returns true: with no adapter it resolves false while tf.getBackend() still says 'webgpu',
 * docs/browser-notes.md#webgpu-adapter) → webgl → cpu; wasm where it can train the model and is faster.
 * tfjs-backend-wasm 4.22 lacks Conv2DBackpropFilter and UnsortedSegmentSum; ./wasmKernels.ts and ./segmentSum.ts
 * register them (and a fast path for transposed matmuls), so every model kind trains on wasm (checked per preset
 * against cpu in test/train/wasmKernels.test.ts). Without a hardware WebGPU adapter wasm goes first: on a software
 * adapter (SwiftShader) it trained small MLPs ~40× faster than webgpu, ~5× faster than webgl and ~3× faster than cpu
 * (docs/benchmarks.md). A software WebGPU adapter is never used by the policy: cpu beat it too.
 *
 * The wasm backend is registered lazily (./wasmBackend.ts) the first time wasm is tried.
 */
import { tf } from './tf';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import type { ModelSpec } from './types';
import type { BackendName, BackendReport } from './messages';

/** The order tried when neither an order nor a model is given (no wasm: it cannot train every model). */
export const DEFAULT_ORDER: BackendName[] = ['webgpu', 'webgl', 'cpu'];

export type ModelSpecKind = ModelSpec['kind'];

/** What the policy needs to know about the browser. */
export interface BackendEnv {
  /** A WebGPU adapter on real hardware, a software fallback (SwiftShader, isFallbackAdapter), or none. */
  webgpu: 'hardware' | 'software' | 'none';
  /** Whether a WebGL context can be created. */
  webgl: boolean;
}

/** Model kinds the wasm backend can train, with the kernels ./wasmKernels.ts registers (test/train/wasmKernels.test.ts). */
const WASM_TRAINABLE: ReadonlySet<ModelSpecKind> = new Set<ModelSpecKind>(['mlp', 'quadratic', 'rnn', 'gru', 'transformer', 'cnn']);

/** Whether tfjs-backend-wasm 4.22 has every kernel (and gradient kernel) that training `model` needs. */
export function wasmCanTrain(model: ModelSpecKind | undefined): boolean {
  return model !== undefined && WASM_TRAINABLE.has(model);
}

const MODEL_NAMES: Record<ModelSpecKind, string> = {
  mlp: 'MLP', cnn: 'CNN', transformer: 'transformer', rnn: 'RNN', gru: 'GRU', quadratic: 'quadratic',
};
const modelName = (model: ModelSpecKind | undefined) => (model ? `this ${MODEL_NAMES[model] ?? model}` : 'this model');

/**
 * The backends to try, best first, for training `model` in `env` (undefined model: unknown, so no wasm). Always ends
 * with cpu, which never fails.
 *   hardware WebGPU: webgpu → webgl → (wasm) → cpu
 *   software or no WebGPU: (wasm) → webgl → cpu
 * (wasm) only for models wasm can train; webgl only when a context can be created.
 */
export function backendOrder(model: ModelSpecKind | undefined, env: BackendEnv): BackendName[] {
  const wasm = wasmCanTrain(model);
  const order: BackendName[] = [];
  if (env.webgpu === 'hardware') order.push('webgpu');
  if (wasm && env.webgpu !== 'hardware') order.push('wasm');
  if (env.webgl) order.push('webgl');
  if (wasm && env.webgpu === 'hardware') order.push('wasm');
  order.push('cpu');
  return order;
}

/** What was learned about WebGPU: the kind, and a plain description for the report. */
export interface WebGpuProbe {
  kind: BackendEnv['webgpu'];
  /** e.g. "google/swiftshader", "nvidia/ampere"; undefined without an adapter. */
  adapter?: string;
  /** Why there is no adapter (kind 'none'). */
  why?: string;
}

/**
 * Why `chosen` was picked for `model`, in plain words, from what the policy saw (`webgpu`, `webgl`) and what failed
 * before it (`skipped`). Pure, so the wording is tested without a browser.
 */
export function policyReason(chosen: BackendName, model: ModelSpecKind | undefined, webgpu: WebGpuProbe, webgl: boolean, skipped: BackendReport['skipped'] = []): string {
  const parts: string[] = [];
  const gpu = webgpu.kind === 'hardware'
    ? `WebGPU adapter ${webgpu.adapter ?? 'unknown'} is hardware`
    : webgpu.kind === 'software'
      ? `WebGPU adapter is a software fallback (${webgpu.adapter ?? 'unknown'})`
      : `no WebGPU adapter (${webgpu.why ?? 'unknown why'})`;
  const what = modelName(model);
  switch (chosen) {
    case 'webgpu':
      parts.push(gpu);
      break;
    case 'wasm':
      parts.push(`${gpu}; wasm trains ${what} faster on the CPU`);
      break;
    case 'webgl':
      parts.push(gpu);
      if (!wasmCanTrain(model)) parts.push(model ? `wasm cannot train ${what} (missing gradient kernels)` : 'model unknown, so wasm was not considered');
      if (webgpu.kind === 'software') parts.push('WebGL is faster than the software WebGPU adapter');
      break;
    case 'cpu':
      parts.push(gpu);
      if (!webgl) parts.push('no WebGL context');
      if (!wasmCanTrain(model)) parts.push(model ? `wasm cannot train ${what} (missing gradient kernels)` : 'model unknown, so wasm was not considered');
      break;
  }
  if (skipped.length) parts.push(`fallback: ${skipped.map((s) => `${s.name} unavailable (${s.why})`).join('; ')}`);
  return parts.join('; ');
}

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

/** Requests a WebGPU adapter and says whether it is hardware or a software fallback. */
export async function probeWebGpuBackend(): Promise<WebGpuProbe> {
  const { adapter, why } = await webgpuAdapter();
  if (!adapter) return { kind: 'none', why };
  const info = adapter.info ?? {};
  const software = info.isFallbackAdapter === true || /swiftshader/i.test(`${info.architecture} ${info.vendor}`);
  return { kind: software ? 'software' : 'hardware', adapter: `${info.vendor || 'unknown'}/${info.architecture || 'unknown'}` };
}

/** Whether a WebGL context can be created here (worker: OffscreenCanvas; page: canvas). The probe's context is released. */
export function probeWebGl(): boolean {
  try {
    const canvas = typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(1, 1)
      : typeof document !== 'undefined' ? document.createElement('canvas') : undefined;
    if (!canvas) return false;
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return false;
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return true;
  } catch {
    return false;
  }
}

let wasmRegistered: Promise<unknown> | undefined;

/** Initialise one backend; returns why not, or undefined on success. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'wasm') await (wasmRegistered ??= import('./wasmBackend'));
    if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') reported failure`;
    await tf.ready();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface ChooseOptions {
  /** The model to be trained: decides whether wasm is a candidate (default policy) or allowed (explicit order). */
  model?: ModelSpecKind;
}

/**
 * Choose and initialise a backend. With `order`, try it in turn (webgpu only with an adapter; wasm only when it can
 * train `model`, if given); without, follow `backendOrder(model, probed environment)`. The report says which and why.
 * Never throws while cpu is in the list (the default order always has it).
 */
export async function chooseBackend(order?: BackendName[], options: ChooseOptions = {}): Promise<BackendReport> {
  const { model } = options;
  const skipped: BackendReport['skipped'] = [];
  if (!order) {
    const webgpu = await probeWebGpuBackend();
    const webgl = probeWebGl();
    const policy = backendOrder(model, { webgpu: webgpu.kind, webgl });
    for (const name of policy) {
      const why = await tryBackend(name);
      if (why) { skipped.push({ name, why }); continue; }
      return { name, reason: policyReason(name, model, webgpu, webgl, skipped), skipped };
    }
    throw new Error(`no TensorFlow.js backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')}`);
  }
  for (const name of order) {
    let reason = '';
    if (name === 'webgpu') {
      const webgpu = await probeWebGpuBackend();
      if (webgpu.kind === 'none') { skipped.push({ name, why: webgpu.why! }); continue; }
      reason = `WebGPU adapter ${webgpu.adapter}${webgpu.kind === 'software' ? ' (software fallback: slow)' : ''}`;
    }
    if (name === 'wasm' && model !== undefined && !wasmCanTrain(model)) {
      skipped.push({ name, why: `wasm cannot train ${modelName(model)} (missing gradient kernels)` });
      continue;
    }
    const why = await tryBackend(name);
    if (why) { skipped.push({ name, why }); continue; }
    if (!reason) reason = skipped.length ? `fallback: ${skipped.map((s) => `${s.name} unavailable (${s.why})`).join('; ')}` : `${name} requested`;
    return { name, reason, skipped };
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')}`);
}
