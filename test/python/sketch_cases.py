"""Writes vectors and their sketches by python/koopscope_recorder.py for test/cli/recorder.test.ts to compare with
src/koopman/sketch.ts. usage: sketch_cases.py OUTDIR"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'python'))
from koopscope_recorder import _Sketcher, sketch_vector  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(5)
cases = []
for i, (N, dim, seed, block) in enumerate([(1, 1, 0, 1 << 22), (5000, 64, 0, 1 << 22), (3001, 17, 7, 1 << 22),
                                            (2000, 100, 123456789, 1 << 22), (2000, 100, 2**40 + 5, 1 << 22),
                                            (4000, 32, 3, 1000)]):
    x = rng.standard_normal(N).astype(np.float32)
    x[::7] = 0  # zeros are skipped by the engine's loop
    if block == 1 << 22:
        s = sketch_vector(x, dim, seed)
    else:  # in blocks of 1000 columns, given as two pieces out of order
        s = _Sketcher(dim, seed, block=block).apply([(1500, x[1500:]), (0, x[:1500])])
    np.save(os.path.join(out, f'x{i}.npy'), x)
    np.save(os.path.join(out, f's{i}.npy'), s)
    cases.append({'i': i, 'N': N, 'dim': dim, 'seed': seed, 'blocked': block != 1 << 22})
print(json.dumps({'numpy': np.__version__, 'cases': cases}))
