/**
 * TensorFlow.js in the command line. Two backends run in plain Node (tfjs-node is not a dependency):
 * - **wasm** (default): tfjs-backend-wasm with its SIMD binary, read from node_modules. Its matmuls are XNNPACK
 *   kernels, ~30× the cpu backend's on a 512² product here; the gradient kernels it lacks are registered by
 *   src/train/wasmKernels.ts, so every model trains on it. Single-threaded, as in the page.
 * - **cpu**: tfjs-backend-cpu, plain JavaScript. The fallback when wasm cannot start, and what the golden-value tests
 *   and recorded reproductions use (deterministic, and their numbers were recorded on it).
 * - **webgpu** (on request): the page's tfjs-backend-webgpu on Dawn, Chromium's WebGPU implementation, which the
 *   optional npm package `webgpu` ships as a native addon (Vulkan on Linux, Metal, D3D12). Not a dependency: it is
 *   ~130 MB with every platform's binary and only useful on a machine with a GPU, so `--backend webgpu` asks for it
 *   (`npm install --no-save webgpu@0.6.2`); scripts/gpu-bench/ carries it to a GPU server. No adapter is an error.
 * PROD silences tfjs's "install tfjs-node" banner (and debug checks we do not need).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tf } from '../train/tf';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../train/wasmKernels';
import type { BackendReport } from '../train/messages';
import { UsageError } from './errors';

/** What `--backend` accepts. `auto`: wasm, else cpu. `webgpu`: Dawn through the optional 'webgpu' package. */
export type NodeBackendChoice = 'auto' | 'wasm' | 'cpu' | 'webgpu';
export const NODE_BACKENDS: readonly NodeBackendChoice[] = ['auto', 'wasm', 'cpu', 'webgpu'];

/** Parses --backend (absent: auto). */
export function backendFlag(v: string | undefined): NodeBackendChoice {
  if (v === undefined) return 'auto';
  if (!(NODE_BACKENDS as readonly string[]).includes(v)) throw new UsageError(`--backend must be one of ${NODE_BACKENDS.join(', ')}, got '${v}'`);
  return v as NodeBackendChoice;
}

export async function useNodeCpuBackend(): Promise<BackendReport> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
  return { name: 'cpu', reason: 'Node: the tfjs cpu backend', skipped: [] };
}

let wasmReady: Promise<string | undefined> | undefined;

/** Starts the wasm backend once; resolves to why it failed, or undefined. */
function startWasm(): Promise<string | undefined> {
  return (wasmReady ??= (async () => {
    try {
      tf.env().set('PROD', true);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
      setWasmPaths(join(dirname(pkg), 'dist') + '/');
      registerWasmTrainingKernels();
      if (!(await tf.setBackend('wasm'))) return "tf.setBackend('wasm') reported failure";
      await tf.ready();
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  })());
}

export async function useNodeWasmBackend(): Promise<BackendReport | { failed: string }> {
  const why = await startWasm();
  if (why) return { failed: why };
  if (!(await tf.setBackend('wasm'))) return { failed: "tf.setBackend('wasm') reported failure" };
  return { name: 'wasm', reason: 'Node: the tfjs wasm backend (SIMD, one thread)', skipped: [] };
}

/**
 * The backend for `train` and `reproduce`: `wasm` or `cpu` as asked (wasm failing is an error then), `auto` tries
 * wasm and falls back to cpu with the reason in the report.
 */
export async function useNodeBackend(choice: NodeBackendChoice = 'auto'): Promise<BackendReport> {
  if (choice === 'cpu') return useNodeCpuBackend();
  if (choice === 'webgpu') return useNodeWebGpuBackend();
  const wasm = await useNodeWasmBackend();
  if ('name' in wasm) return wasm;
  if (choice === 'wasm') throw new UsageError(`--backend wasm: the wasm backend could not start (${wasm.failed})`);
  const cpu = await useNodeCpuBackend();
  return { ...cpu, reason: `Node: the tfjs cpu backend (wasm could not start: ${wasm.failed})`, skipped: [{ name: 'wasm', why: wasm.failed }] };
}

interface DawnModule { create(flags: string[]): GpuLike; globals: Record<string, unknown> }
interface GpuLike { requestAdapter(o?: unknown): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> }

/**
 * tfjs-backend-webgpu on Dawn: the `webgpu` package's GPU object becomes `navigator.gpu` (and its WebGPU classes
 * globals, as in a browser), then the backend the page uses initialises as it would there. Extra Dawn flags (e.g.
 * `backend=vulkan`) come from $KOOPSCOPE_DAWN_FLAGS, comma-separated.
 */
export async function useNodeWebGpuBackend(): Promise<BackendReport> {
  const pkg = 'webgpu'; // a variable, so neither TypeScript nor the bundler tries to resolve the optional package
  let dawn: DawnModule;
  try {
    dawn = (await import(pkg)) as DawnModule;
  } catch (e) {
    throw new UsageError(`--backend webgpu needs the optional 'webgpu' package (Dawn for Node): npm install --no-save webgpu@0.6.2 (${(e as Error).message.split('\n')[0]})`);
  }
  const flags = (process.env.KOOPSCOPE_DAWN_FLAGS ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  const gpu = dawn.create(flags);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new UsageError('--backend webgpu: Dawn found no GPU adapter (no Vulkan/Metal/D3D12 driver for a GPU here)');
  Object.assign(globalThis, dawn.globals);
  const g = globalThis as { navigator?: object };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else g.navigator = { gpu };
  await import('@tensorflow/tfjs-backend-webgpu');
  tf.env().set('PROD', true);
  if (!(await tf.setBackend('webgpu'))) throw new UsageError("--backend webgpu: tf.setBackend('webgpu') reported failure");
  await tf.ready();
  const info = adapter.info ?? {};
  return { name: 'webgpu', reason: `Node: tfjs webgpu backend on Dawn, adapter ${info.vendor || 'unknown'}/${info.architecture || 'unknown'}${info.description ? ` (${info.description})` : ''}`, skipped: [] };
}
