/**
 * Kernels registered on top of tfjs-backend-wasm 4.22 (in the page's worker and in Node alike) so that every model
 * trains on wasm, and fast:
 *
 * - BatchMatMul with transposed operands: a wrapper that transposes first (see registerTransposeFreeMatMul).
 *
 * - Conv2DBackpropFilter (the filter gradient of tf.conv2d; the LeNet presets need it). wasm has no 2-D kernel but a
 *   native Conv3DBackpropFilterV2. A 2-D convolution over (N, H, W, C) is the 3-D one over (N, 1, H, W, C) with a
 *   depth-1 filter (1, kh, kw, in, out): same memory layout (row-major, a unit axis inserted), same 'same'/'valid'
 *   padding in height and width, no padding in depth. So the kernel hands the 3-D kernel the same data ids with 5-D
 *   shapes and gives its output back with the 4-D filter shape; no data is copied. Unit strides only (the native
 *   kernel is wrong for larger ones). Checked against the cpu backend's Conv2DBackpropFilter in
 *   test/train/wasmKernels.test.ts.
 *
 * Why hand-written: no maintained package registers these kernels; tfjs's own wasm backend simply has none.
 */
import { tf } from './tf';

interface TensorInfoLike { dataId: object; shape: number[]; dtype: string }
type Conv2DBackpropFilterAttrs = {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | unknown;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: string;
  filterShape: [number, number, number, number];
};

let registered = false;

/**
 * Registers the missing and faster kernels for the 'wasm' backend (idempotent). Call it before the backend
 * initialises (the BatchMatMul wrapper keeps the original kernel's setup function, which runs at initialisation).
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  registerTransposeFreeMatMul();
  registerConv2DBackpropFilter();
}

/**
 * BatchMatMul with transposeA/transposeB runs 15–20× slower on wasm than without (1.6 vs 31 GFLOPS for a
 * 3830×512 · (128×512)ᵀ product here): only the plain layout reaches the XNNPACK kernel. Every matMul gradient uses the
 * transposed forms, so training spent most of its time there. The wrapper transposes the flagged operand with the
 * native Transpose kernel (a copy, O(size)) and calls the original kernel without flags; the temporary is freed
 * before returning. Results agree with the flagged kernel to float32 rounding (test/train/wasmKernels.test.ts).
 */
type KernelFunc = NonNullable<ReturnType<typeof tf.getKernel>>['kernelFunc'];

/**
 * Replaces wasm's kernel `name` by `wrap(original)`, keeping the original's setup function (which runs when the
 * backend initialises); does nothing when wasm has no such kernel. The one mechanism for the kernels we speed up.
 */
export function overrideWasmKernel(name: string, wrap: (original: KernelFunc) => KernelFunc): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original) return;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: wrap(original.kernelFunc) });
}

function registerTransposeFreeMatMul(): void {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return;
  const swapLast = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  overrideWasmKernel('BatchMatMul', (original) => (args) => {
      const { inputs, backend, attrs } = args as unknown as {
        inputs: { a: TensorInfoLike; b: TensorInfoLike };
        backend: { disposeData(id: object): void };
        attrs: { transposeA: boolean; transposeB: boolean };
      };
      if (!attrs.transposeA && !attrs.transposeB) return original(args);
      const temps: TensorInfoLike[] = [];
      const plain = (t: TensorInfoLike, flag: boolean): TensorInfoLike => {
        if (!flag) return t;
        const out = transpose.kernelFunc({ inputs: { x: t } as never, backend: backend as never, attrs: { perm: swapLast(t.shape.length) } as never }) as TensorInfoLike;
        if (out.dataId !== t.dataId) temps.push(out);
        return out;
      };
      const a = plain(inputs.a, attrs.transposeA), b = plain(inputs.b, attrs.transposeB);
      try {
        return original({ ...args, inputs: { a, b } as never, attrs: { ...attrs, transposeA: false, transposeB: false } as never });
      } finally {
        for (const t of temps) backend.disposeData(t.dataId);
      }
  });
}

function registerConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as unknown as { x: TensorInfoLike; dy: TensorInfoLike };
      const a = attrs as unknown as Conv2DBackpropFilterAttrs;
      if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') {
        throw new Error(`wasm Conv2DBackpropFilter: only NHWC is supported, got ${a.dataFormat}`);
      }
      if (a.pad !== 'same' && a.pad !== 'valid') {
        throw new Error(`wasm Conv2DBackpropFilter: only 'same' and 'valid' padding are supported, got ${JSON.stringify(a.pad)}`);
      }
      const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
      if (!conv3d) throw new Error('wasm Conv2DBackpropFilter: the wasm backend has no Conv3DBackpropFilterV2 kernel');
      const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      // The native 3-D kernel gives wrong filter gradients for strides > 1 (checked against cpu: relative errors
      // 0.4–0.8), so only unit strides, which every model here uses, are accepted.
      if (sh !== 1 || sw !== 1) throw new Error(`wasm Conv2DBackpropFilter: only stride 1 is supported, got ${sh}×${sw}`);
      const [kh, kw, cin, cout] = a.filterShape;
      const x5 = { ...x, shape: [x.shape[0], 1, x.shape[1], x.shape[2], x.shape[3]] };
      const dy5 = { ...dy, shape: [dy.shape[0], 1, dy.shape[1], dy.shape[2], dy.shape[3]] };
      const dw = conv3d.kernelFunc({
        inputs: { x: x5, dy: dy5 } as never,
        backend,
        attrs: { strides: [1, sh, sw], pad: a.pad, filterShape: [1, kh, kw, cin, cout] } as never,
      }) as TensorInfoLike;
      return { ...dw, shape: [kh, kw, cin, cout] } as never;
    },
  });
}
