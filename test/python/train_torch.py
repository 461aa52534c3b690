"""A small PyTorch regression trained with the recorder (test/cli/recorder.test.ts).
usage: train_torch.py URL|none TOKEN RUN OUT|none SKETCH|0 SEED; prints one JSON line. Exit 77: no torch."""
import json
import os
import sys

try:
    import torch
except ImportError:
    print('skip: no torch')
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'python'))
from koopscope_recorder import Recorder  # noqa: E402

url, token, run, out, sketch, seed = sys.argv[1:7]
torch.set_num_threads(1)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(6, 12), torch.nn.Tanh(), torch.nn.Linear(12, 1))
X = torch.randn(128, 6)
y = torch.sin(X.sum(1, keepdim=True))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
rec = Recorder(None if url == 'none' else url, token=token, params=model.named_parameters(), every=3, run=run,
               out=None if out == 'none' else out, sketch=int(sketch) or None, seed=int(seed),
               meta={'optimizer': 'sgd', 'lr': 0.05})
for step in range(90):
    loss = torch.nn.functional.mse_loss(model(X), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    rec.step(loss)
rec.close()
print(json.dumps({'online': rec.url is not None, 'N': rec.N, 'torch': torch.__version__, 'loss': float(loss)}))
