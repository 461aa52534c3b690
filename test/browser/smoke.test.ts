import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';

// Flag values from the WebGPU spec; TypeScript's DOM lib declares the GPU interfaces but not these namespaces.
const BufferUsage = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, STORAGE: 0x0080 } as const;
const MapMode = { READ: 0x0001 } as const;

const doubleShader = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&data)) { data[id.x] = 2.0 * data[id.x]; }
}`;

/** Runs `doubleShader` on `input` and reads the result back. */
async function doubleOnGpu(device: GPUDevice, input: Float32Array): Promise<Float32Array> {
  const storage = device.createBuffer({
    size: input.byteLength,
    usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
  });
  const readback = device.createBuffer({ size: input.byteLength, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  device.queue.writeBuffer(storage, 0, input);

  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code: doubleShader }), entryPoint: 'main' },
  });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: storage } }],
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(input.length / 64));
  pass.end();
  encoder.copyBufferToBuffer(storage, 0, readback, 0, input.byteLength);
  device.queue.submit([encoder.finish()]);

  await readback.mapAsync(MapMode.READ);
  const output = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  storage.destroy();
  readback.destroy();
  return output;
}

describe('browser smoke', () => {
  it('gets a WebGPU adapter and doubles an array with a WGSL compute shader', async () => {
    expect(navigator.gpu, 'navigator.gpu is missing: was Chromium started with --enable-unsafe-webgpu?').toBeDefined();
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter, 'requestAdapter() gave null: no WebGPU adapter in this browser').not.toBeNull();
    const device = await adapter!.requestDevice();
    try {
      // 100 is not a multiple of the workgroup size, so the bounds check in the shader is exercised too.
      const input = Float32Array.from({ length: 100 }, (_, i) => i - 37.25);
      const output = await doubleOnGpu(device, input);
      expect(Array.from(output)).toEqual(Array.from(input, (x) => 2 * x)); // exact: doubling is exact in f32
    } finally {
      device.destroy();
    }
  });

  it('renders the app with its WebGPU status', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const root = createRoot(host);
    try {
      root.render(createElement(App));
      const status = () => host.querySelector('[data-testid="webgpu-status"]');
      // 'checking' first, then the probe's answer; in CI Chromium that is the SwiftShader adapter.
      await expect.poll(() => status()?.getAttribute('data-state')).toBe('available');
      expect(status()?.textContent).toMatch(/^WebGPU is available \(.+\)\.$/);
      expect(host.querySelector('h1')?.textContent).toBe('Koopscope');
      expect(host.querySelector('button')?.textContent).toBe('Check WebGPU again');
    } finally {
      root.unmount();
      host.remove();
    }
  });
});
