/**
 * UnsortedSegmentSum — the gradient of tf.gather — as a plain loop for the cpu and wasm backends.
 *
 * Why: the transformer looks its embeddings and per-token tables up with tf.gather (src/train/models/transformer.ts),
 * whose gradient scatters rows back with UnsortedSegmentSum. tfjs-backend-wasm 4.22 has no such kernel, and
 * tfjs-backend-cpu's builds a (segments × rows) one-hot mask per call (O(rows · segments · inner)), which is what made
 * gather "very slow on cpu". The sum itself is O(rows · inner): out[ids[i]] += x[i] in index order. No maintained
 * package provides it. Checked against a dense one-hot reference on cpu and wasm in test/train/transformer.test.ts.
 * The same module gives wasm a fast row gather (registerWasmGatherRows), the forward half of the lookup.
 *
 * Contract (tfjs's): x (n₀, …, n_{k−1}, inner…), segmentIds of shape (n₀, …, n_{k−1}) (int32, values in
 * [0, numSegments); others are dropped, as tfjs does), output (numSegments, inner…), float32.
 */
import { tf } from './tf';
import { overrideWasmKernel } from './wasmKernels';

interface Info { dataId: object; shape: number[]; dtype: string }
interface CpuLike { readSync(id: object): ArrayLike<number>; makeTensorInfo(shape: number[], dtype: string, values?: ArrayLike<number>): Info }
interface WasmLike { readSync(id: object): ArrayLike<number>; makeOutput(shape: number[], dtype: string): Info; typedArrayFromHeap(t: Info): Float32Array }

function segmentSum(x: Float32Array, ids: Int32Array, numSegments: number, out: Float32Array): void {
  const rows = ids.length, inner = rows ? x.length / rows : 0;
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    const s = ids[i];
    if (!(s >= 0 && s < numSegments)) continue;
    const o = s * inner, xi = i * inner;
    for (let j = 0; j < inner; j++) out[o + j] += x[xi + j];
  }
}

/** The arrays as the typed arrays the loop is compiled for (one element type each: V8 keeps it monomorphic). */
const float32 = (a: ArrayLike<number>): Float32Array => (a instanceof Float32Array ? a : Float32Array.from(a));
const int32 = (a: ArrayLike<number>): Int32Array => (a instanceof Int32Array ? a : Int32Array.from(a));

const outShape = (x: Info, ids: Info, numSegments: number) => [numSegments, ...x.shape.slice(ids.shape.length)];

/**
 * GatherV2 on wasm for the case the transformer uses (axis 0, no batch dims, float32 table, int32 indices): a row
 * copy loop over the heap, ~10× faster than the native kernel here (36 ms for 11 490 rows of 128 floats, which
 * computes a strided index per element). Other cases go to the original kernel.
 */
function registerWasmGatherRows(): void {
  overrideWasmKernel('GatherV2', (original) => (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: { x: Info; indices: Info }; backend: WasmLike; attrs: { axis: number; batchDims: number } };
      const { x, indices } = inputs;
      if (attrs.axis !== 0 || (attrs.batchDims ?? 0) !== 0 || x.dtype !== 'float32' || indices.dtype !== 'int32') return original(args);
      const rows = x.shape[0], inner = x.shape.slice(1).reduce((p, q) => p * q, 1);
      const ids = backend.readSync(indices.dataId);
      for (let i = 0; i < ids.length; i++) {
        if (!(ids[i] >= 0 && ids[i] < rows)) throw new Error(`GatherV2: index ${ids[i]} is outside [0, ${rows})`);
      }
      const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], 'float32');
      const o = backend.typedArrayFromHeap(out);
      const src = backend.typedArrayFromHeap(x); // re-read: makeOutput may have grown (moved) the heap
      for (let i = 0; i < ids.length; i++) o.set(src.subarray(ids[i] * inner, (ids[i] + 1) * inner), i * inner);
      return out as never;
  });
}

/** Registers the loop for 'cpu' and 'wasm' (replacing cpu's own kernel) and wasm's row gather; idempotent. */
let done = false;
export function registerSegmentSumKernels(): void {
  if (done) return;
  done = true;
  registerWasmGatherRows();
  for (const backendName of ['cpu', 'wasm'] as const) {
    if (tf.getKernel('UnsortedSegmentSum', backendName)) tf.unregisterKernel('UnsortedSegmentSum', backendName);
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x, segmentIds } = inputs as unknown as { x: Info; segmentIds: Info };
        const { numSegments } = attrs as unknown as { numSegments: number };
        if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum: float32 only, got ${x.dtype}`);
        const b = backend as unknown as CpuLike & WasmLike;
        const shape = outShape(x, segmentIds, numSegments);
        if (backendName === 'wasm') {
          // straight from the heap (readSync would copy x: 5.9 MB a call for the paper-size transformer's keys);
          // the views are taken after makeOutput, which may grow (move) the heap
          const out = b.makeOutput(shape, 'float32');
          segmentSum(b.typedArrayFromHeap(x), int32(b.typedArrayFromHeap(segmentIds)), numSegments, b.typedArrayFromHeap(out));
          return out as never;
        }
        const values = new Float32Array(shape.reduce((p, q) => p * q, 1));
        segmentSum(float32(b.readSync(x.dataId)), int32(b.readSync(segmentIds.dataId)), numSegments, values);
        return b.makeTensorInfo(shape, 'float32', values) as never;
      },
    });
  }
}
