"""Gradient descent on a least-squares problem in NumPy, recorded (test/cli/recorder.test.ts).
usage: train_numpy.py URL|none TOKEN RUN OUT|none; prints one JSON line. KOOPSCOPE_TEST_SLOW=s sleeps s per
step; KOOPSCOPE_TEST_DIVERGE=1 puts a NaN in the weights at step 29;
KOOPSCOPE_TEST_START=s starts the step counter at s (a resumed trainer)."""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'python'))
from koopscope_recorder import Recorder  # noqa: E402

url, token, run, out = sys.argv[1:5]
rng = np.random.default_rng(1)
A = rng.standard_normal((40, 8)).astype(np.float32)
b = rng.standard_normal(40).astype(np.float32)
W = np.zeros((8,), np.float32)
c = np.zeros((1,), np.float32)
rec = Recorder(None if url == 'none' else url, token=token, params=[('w', W), ('c', c)], every=1, run=run,
               out=None if out == 'none' else out, start_step=int(os.environ.get('KOOPSCOPE_TEST_START', '0')))
slow = float(os.environ.get('KOOPSCOPE_TEST_SLOW', '0'))  # seconds per step, so a test can restart the server
for step in range(40):
    if os.environ.get('KOOPSCOPE_TEST_DIVERGE') and step == 29:
        W[0] = np.nan
    time.sleep(slow)
    r = A @ W + c - b
    loss = float(r @ r) / 40
    W -= np.float32(0.02) * (A.T @ r) / np.float32(20)  # in place: the recorder reads these arrays
    c -= np.float32(0.02) * r.sum(keepdims=True) / np.float32(20)
    rec.step(loss)
rec.close()
print(json.dumps({'online': rec.url is not None, 'N': rec.N}))
