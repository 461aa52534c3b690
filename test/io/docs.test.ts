/**
 * The Python snippets of docs/python-recording.md really work: the `save_trajectory` block runs with NumPy alone, the
 * checkpoint converter runs on checkpoints written by the real PyTorch where one is installed (skipped otherwise),
 * and Koopscope reads both outputs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
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

/**
 * A python3 that has PyTorch (and NumPy), or undefined: `python3` first, then Debian's `/usr/bin/python3` (whose
 * python3-torch is 1.13, the oldest version the converter supports). The converter test is skipped without one.
 */
const TORCH_PYTHON = ['python3', '/usr/bin/python3'].find((py) =>
  spawnSync(py, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 120_000 }).status === 0);

function pythonWith(py: string, code: string, cwd: string): string {
  const r = spawnSync(py, ['-c', code], { encoding: 'utf8', cwd, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${py} failed:\n${r.stderr}`);
  return r.stdout;
}

if (!HAS_NUMPY) console.warn('test/io/docs.test.ts: python3 with numpy not found, doc snippets SKIPPED');
if (!TORCH_PYTHON) console.warn('test/io/docs.test.ts: no python3 with torch, the checkpoint converter test is SKIPPED');

describe.skipIf(!HAS_NUMPY)('docs/python-recording.md snippets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'koopscope-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'save_trajectory.py'), block('save_trajectory.py'));
  writeFileSync(join(dir, 'convert_checkpoints.py'), block('convert_checkpoints.py'));

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

  it.skipIf(!TORCH_PYTHON)('convert_checkpoints reads real torch.save checkpoints (model + optimizer state), in step order, running no code', () => {
    const out = pythonWith(TORCH_PYTHON!, `
import os, numpy as np, torch
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)   # floats in the optimizer state: torch 1.13's
for step in [200, 0, 100, 1000]:                              # weights_only loader refuses this checkpoint
    with torch.no_grad():
        m[0].weight.fill_(step)
    m(torch.randn(4, 2)).sum().backward(); opt.step(); opt.zero_grad()
    with torch.no_grad():
        m[0].weight.fill_(step)
    torch.save({'model_state_dict': m.state_dict(), 'optimizer_state_dict': opt.state_dict(), 'epoch': step}, f'ckpt_{step}.pt')
from convert_checkpoints import convert_checkpoints, load_checkpoint
import glob
convert_checkpoints(glob.glob('ckpt_*.pt'), 'converted.npz')
# odd layouts and dtypes come back exactly
t = torch.arange(24, dtype=torch.float32).reshape(4, 6).t()[1:, ::2]
torch.save({'t': t, 'bf': torch.tensor([1.5, -2.0], dtype=torch.bfloat16), 'h': torch.tensor([0.25], dtype=torch.float16),
            's': torch.tensor(3.0), 'e': torch.zeros(0, 3)}, 'odd.pt')
o = load_checkpoint('odd.pt')
assert np.array_equal(o['t'], t.numpy()) and o['bf'].tolist() == [1.5, -2.0] and o['h'].tolist() == [0.25]
assert float(o['s']) == 3.0 and o['e'].shape == (0, 3)
# a checkpoint that would run a command when unpickled is refused, and the command does not run
class Evil:
    def __reduce__(self): return (os.system, ('touch pwned',))
torch.save({'model_state_dict': {}, 'x': Evil()}, 'evil.pt')
try:
    load_checkpoint('evil.pt'); print('LOADED')
except Exception as e:
    print('refused:', e)
print('ran code' if os.path.exists('pwned') else 'no code ran')
`, dir);
    expect(out).toContain('refused: refusing to load posix.system: not a tensor or a plain container');
    expect(out).toContain('no code ran');
    const t = readTrajectoryFile('converted.npz', new Uint8Array(readFileSync(join(dir, 'converted.npz')))) as Trajectory;
    expect(t.params.map((p) => p.name)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var']);
    expect(t.params[0]).toEqual({ name: '0.weight', shape: [3, 2], offset: 0, size: 6 });
    expect(Array.from(t.steps!)).toEqual([0, 100, 200, 1000]);
    expect(Array.from({ length: 4 }, (_, i) => t.data[i * t.N])).toEqual([0, 100, 200, 1000]);
    expect(t.meta?.converted_from).toEqual(['ckpt_0.pt', 'ckpt_100.pt', 'ckpt_200.pt', 'ckpt_1000.pt']);
  });
});
