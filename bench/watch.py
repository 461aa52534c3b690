"""Recorder overhead per recorded step (python/koopscope_recorder.py) next to a PyTorch training step, one CPU
thread; run by bench/watch.ts (which starts a koopscope watch server and passes its URL and token).

usage: watch.py URL TOKEN [--quick] [--sizes=1m,12m,100m] [--reps=n]; prints one JSON line {sizes: [{params, train_ms, ...}], torch, numpy}.
Each cost is the median over recorded steps of the time rec.step() takes (every=1: every step records):
  sketch_ms      sketch=1024 streamed: read the weights, S·x with cached hashes, send 4 KiB
  sketch_first_ms  the first sketched snapshot (hashes computed, and cached when they fit the 512 MiB cache)
  full_ms        the weights streamed: copy to one float32 vector, frame, POST (4 bytes per parameter)
  offline_ms     url=None: the copy kept in memory for the .npz at close()
"""
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'python'))
import numpy as np  # noqa: E402
from koopscope_recorder import Recorder  # noqa: E402

try:
    import torch
except ImportError:
    print(json.dumps({'skipped': 'no torch in this python'}))
    sys.exit(0)

url, token = sys.argv[1], sys.argv[2]
quick = '--quick' in sys.argv
torch.set_num_threads(1)
torch.manual_seed(0)


def log(m):
    print(f'  [watch.py] {m}', file=sys.stderr, flush=True)


def model_of(hidden):
    return torch.nn.Sequential(torch.nn.Linear(784, hidden[0]), torch.nn.ReLU(), torch.nn.Linear(hidden[0], hidden[1]),
                               torch.nn.ReLU(), torch.nn.Linear(hidden[1], 10))


def measure(hidden, reps):
    model = model_of(hidden)
    P = sum(p.numel() for p in model.parameters())
    X, y = torch.randn(128, 784), torch.randint(0, 10, (128,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def train_step():
        loss = torch.nn.functional.cross_entropy(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    for _ in range(2):
        train_step()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        train_step()
        ts.append(time.perf_counter() - t)
    out = {'params': P, 'train_ms': 1e3 * statistics.median(ts)}
    log(f'{P} parameters: training step {out["train_ms"]:.1f} ms')

    def cost(make, name, n=reps):
        t = time.perf_counter()
        rec = make()
        first = time.perf_counter() - t
        ts = []
        for _ in range(n):
            loss = train_step()
            t = time.perf_counter()
            rec.step(loss)
            ts.append(time.perf_counter() - t)
        rec.close()
        out[name] = 1e3 * statistics.median(ts)
        log(f'  {name}: {out[name]:.2f} ms per recorded step (construction with the first snapshot: {1e3 * first:.0f} ms)')
        return first

    out['sketch_first_ms'] = 1e3 * cost(lambda: Recorder(url, token=token, params=model.named_parameters(), sketch=1024,
                                                         run=f'bench-sketch-{P}', verbose=False), 'sketch_ms')
    out['full_ms'] = None
    if 4 * P < 60 << 20:  # one snapshot per request under the server's 64 MiB limit
        cost(lambda: Recorder(url, token=token, params=model.named_parameters(), run=f'bench-full-{P}', verbose=False),
             'full_ms')
    t = time.perf_counter()  # offline mode's work per snapshot: the copy it keeps (what Recorder._observe does)
    keep = []
    for _ in range(min(reps, 10)):
        keep.append(np.concatenate([p.detach().cpu().numpy().reshape(-1) for p in model.parameters()]))
    out['offline_ms'] = 1e3 * (time.perf_counter() - t) / len(keep)
    return out


# 100m: 784-8192-12000-10, 104.8M parameters (a CPU training step takes about a minute on one thread: run it alone,
# with few repetitions, e.g. --sizes=100m --reps=3)
SIZES = {'1m': (1024, 200), '12m': (4096, 2048), '100m': (8192, 12000)}
chosen = next((a[8:].split(',') for a in sys.argv if a.startswith('--sizes=')), ['1m'] if quick else ['1m', '12m'])
reps = next((int(a[7:]) for a in sys.argv if a.startswith('--reps=')), 8 if quick else 15)
sizes = [SIZES[s] for s in chosen]
print(json.dumps({'sizes': [measure(h, reps) for h in sizes], 'torch': torch.__version__,
                  'numpy': np.__version__}))
