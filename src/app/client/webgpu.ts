/**
 * What this browser offers for WebGPU, found once by asking for an adapter. The page shows it; the training
 * backend (a later issue) will pick its device from the same answer instead of failing silently.
 * - `unsupported`: no `navigator.gpu` (older browsers, insecure contexts, Firefox without the flag);
 * - `no-adapter`: the API exists but `requestAdapter()` gave `null` (blocklisted GPU, headless without the flag);
 * - `available`: an adapter; `fallback` is true for software adapters such as SwiftShader;
 * - `failed`: `requestAdapter()` threw.
 */
export type WebGpuStatus =
  | { kind: 'unsupported' }
  | { kind: 'no-adapter' }
  | { kind: 'available'; vendor: string; architecture: string; fallback: boolean }
  | { kind: 'failed'; message: string };

export async function probeWebGpu(gpu: GPU | undefined = navigator.gpu): Promise<WebGpuStatus> {
  if (!gpu) return { kind: 'unsupported' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { kind: 'no-adapter' };
    const { vendor, architecture, isFallbackAdapter } = adapter.info;
    return { kind: 'available', vendor, architecture, fallback: isFallbackAdapter === true };
  } catch (error) {
    return { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

/** One line for people: what was found and what it means for Koopscope. */
export function describeWebGpu(status: WebGpuStatus): string {
  switch (status.kind) {
    case 'unsupported':
      return 'WebGPU is not available in this browser; training will use the slower CPU backend.';
    case 'no-adapter':
      return 'WebGPU is present but offered no adapter; training will use the slower CPU backend.';
    case 'available': {
      const name = [status.vendor, status.architecture].filter((s) => s !== '').join(' / ') || 'unnamed adapter';
      return `WebGPU is available (${name}${status.fallback ? ', software fallback' : ''}).`;
    }
    case 'failed':
      return `WebGPU check failed: ${status.message}`;
  }
}
