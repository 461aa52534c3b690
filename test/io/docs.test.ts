/**
 * The Python snippets of docs/python-recording.md really work: the `save_trajectory` block runs with NumPy alone, the
 * checkpoint converter runs against a stand-in `torch` module (torch is not installed), and Koopscope reads both outputs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrajectoryFile, type Trajectory } from '../../src/io/index';
import { HAS_NUMPY, python } from './helpers';

const doc = readFileSync(fileURLToPath(new URL('../../docs/python-recording.md', import.meta.url)), 'utf8');
const blocks = [...doc.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!);
const block = (file: string) => {
  const b = blocks.find((x) => x.startsWith(`# ${file}`));
  if (!b) throw new Error(`docs/python-recording.md has no python block starting with '# ${file}'`);
  return b;
};

/** Enough of torch for the converter: load() reads an .npz posing as a checkpoint; tensors wrap numpy arrays. */
const FAKE_TORCH = `
import numpy as np
class Tensor:
    def __init__(self, a): self.a = np.asarray(a)
    def detach(self): return self
    def cpu(self): return self
    def float(self): return Tensor(self.a.astype(np.float32))
    def numpy(self): return self.a
def is_floating_point(t): return np.issubdtype(t.a.dtype, np.floating)
def load(path, map_location=None, weights_only=False):
    assert weights_only, 'the snippet must load with weights_only=True'
    with np.load(path) as z:
        return {'model_state_dict': {k: Tensor(z[k]) for k in z.files}}
`;

if (!HAS_NUMPY) console.warn('test/io/docs.test.ts: python3 with numpy not found, doc snippets SKIPPED');

describe.skipIf(!HAS_NUMPY)('docs/python-recording.md snippets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'koopscope-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'save_trajectory.py'), block('save_trajectory.py'));
  writeFileSync(join(dir, 'convert_checkpoints.py'), block('convert_checkpoints.py'));
  writeFileSync(join(dir, 'torch.py'), FAKE_TORCH);

  it('save_trajectory writes a file Koopscope reads with the same values', () => {
    python(`
import numpy as np
from save_trajectory import save_trajectory
w = [np.full((2, 3), t, np.float32) for t in range(5)]
b = [np.arange(2) + 10 * t for t in range(5)]
temp = [np.float32(0.5 * t) for t in range(5)]
save_trajectory('run.npz', {'fc.weight': w, 'fc.bias': b, 'temperature': temp}, steps=[0, 10, 20, 30, 40],
                loss=[5, 4, 3, 2, 1], metrics={'accuracy': [0.1, 0.2, 0.3, 0.4, 0.5]}, meta={'seed': 3})
`, dir);
    const t = readTrajectoryFile('run.npz', new Uint8Array(readFileSync(join(dir, 'run.npz')))) as Trajectory;
    expect(t.params).toEqual([
      { name: 'fc.weight', shape: [2, 3], offset: 0, size: 6 },
      { name: 'fc.bias', shape: [2], offset: 6, size: 2 },
      { name: 'temperature', shape: [], offset: 8, size: 1 },
    ]);
    expect(Array.from(t.data.subarray(9, 18))).toEqual([1, 1, 1, 1, 1, 1, 10, 11, 0.5]);
    expect(Array.from(t.steps!)).toEqual([0, 10, 20, 30, 40]);
    expect(Object.keys(t.metrics).sort()).toEqual(['accuracy', 'loss']);
    expect(t.meta).toMatchObject({ seed: 3, names: ['fc.weight', 'fc.bias', 'temperature'] });
  });

  it('convert_checkpoints turns a series of checkpoints into one trajectory, in step order', () => {
    python(`
import numpy as np
for step in [200, 0, 100, 1000]:
    with open(f'ckpt_{step}.pt', 'wb') as f:
        np.savez(f, **{'l1.weight': np.full((3, 2), step, np.float32), 'bn.num_batches_tracked': np.int64(step)})
import glob
from convert_checkpoints import convert_checkpoints
convert_checkpoints(glob.glob('ckpt_*.pt'), 'converted.npz')
`, dir);
    const t = readTrajectoryFile('converted.npz', new Uint8Array(readFileSync(join(dir, 'converted.npz')))) as Trajectory;
    expect(t.params).toEqual([{ name: 'l1.weight', shape: [3, 2], offset: 0, size: 6 }]);
    expect(Array.from(t.steps!)).toEqual([0, 100, 200, 1000]);
    expect(Array.from(t.data.filter((_, i) => i % 6 === 0))).toEqual([0, 100, 200, 1000]);
    expect(t.meta?.converted_from).toEqual(['ckpt_0.pt', 'ckpt_100.pt', 'ckpt_200.pt', 'ckpt_1000.pt']);
  });
});
