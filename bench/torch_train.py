#!/usr/bin/env python3
"""PyTorch CPU reference for the `train` bench section: steps/s of the same architectures, batch sizes and optimizers
as Koopscope's presets (what a user would pick instead), on random data of the presets' shapes.

Usage (bench/train.ts runs it):  python3 bench/torch_train.py SPECS.json [--threads 1] [--device cpu|cuda]
SPECS.json: [{ "name", "model": ModelSpec, "optimizer": OptimizerSpec, "batch": int, "inputShape": [...],
               "outputs": int, "vocab": int|null, "steps": int }, ...]  (ModelSpec/OptimizerSpec as src/train/types.ts)
Prints one JSON object on the last line: { "torch": version, "threads": n, "presets": { name: steps_per_s } }.

Architectures mirror src/train/models: MLP (Linear layers, optional bias), LeNet (conv5x5 'same' → ReLU → maxpool 2,
twice, then two Linear layers), the one-layer transformer computing only the last position's query (as ours does:
with one layer nothing else reaches the loss), the quadratic ½ wᵀHw. Cross-entropy for classification, MSE for
regression. Full-batch presets use the preset's training-set size as the batch.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def act(name):
    return {"relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "gelu": F.gelu, "linear": lambda x: x}[name]


class Mlp(nn.Module):
    def __init__(self, spec, n_in, n_out):
        super().__init__()
        dims = [n_in, *spec["hidden"], n_out]
        self.layers = nn.ModuleList(nn.Linear(a, b, bias=spec["bias"]) for a, b in zip(dims[:-1], dims[1:]))
        self.f = act(spec["activation"])

    def forward(self, x):
        x = x.flatten(1)
        for i, l in enumerate(self.layers):
            x = l(x)
            if i < len(self.layers) - 1:
                x = self.f(x)
        return x


class LeNet(nn.Module):
    def __init__(self, spec, shape, n_out):
        super().__init__()
        h, w = shape[0], shape[1]
        c = shape[2] if len(shape) > 2 else 1
        c1, c2 = spec["channels"]
        self.c = c
        self.conv1 = nn.Conv2d(c, c1, 5, padding=2)
        self.conv2 = nn.Conv2d(c1, c2, 5, padding=2)
        flat = (h // 2 // 2) * (w // 2 // 2) * c2
        self.fc1 = nn.Linear(flat, spec["hidden"])
        self.fc2 = nn.Linear(spec["hidden"], n_out)

    def forward(self, x):
        x = x.reshape(x.shape[0], -1, *x.shape[1:3]) if x.dim() == 3 else x.permute(0, 3, 1, 2)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class Transformer(nn.Module):
    def __init__(self, spec, n_ctx, vocab, n_out):
        super().__init__()
        d, dm, h, dh = spec["dModel"], spec["dMlp"], spec["heads"], spec["dHead"]
        self.h, self.dh = h, dh
        self.embed = nn.Parameter(torch.randn(d, vocab) / math.sqrt(d))
        self.pos = nn.Parameter(torch.randn(n_ctx, d) / math.sqrt(d))
        self.WQ = nn.Parameter(torch.randn(h * dh, d) / math.sqrt(d))
        self.WK = nn.Parameter(torch.randn(h * dh, d) / math.sqrt(d))
        self.WV = nn.Parameter(torch.randn(h * dh, d) / math.sqrt(d))
        self.WO = nn.Parameter(torch.randn(d, h * dh) / math.sqrt(d))
        self.Win = nn.Linear(d, dm)
        self.Wout = nn.Linear(dm, d)
        self.unembed = nn.Parameter(torch.randn(d, n_out) / math.sqrt(vocab))

    def forward(self, x):
        n, t = x.shape
        resid = self.embed.t()[x] + self.pos  # (n, t, d)
        k = (resid @ self.WK.t()).view(n, t, self.h, self.dh)
        v = (resid @ self.WV.t()).view(n, t, self.h, self.dh)
        last = resid[:, -1]
        q = (last @ self.WQ.t()).view(n, 1, self.h, self.dh)
        att = torch.softmax((q * k).sum(-1) / math.sqrt(self.dh), dim=1)  # (n, t, h)
        z = (att.unsqueeze(-1) * v).sum(1).reshape(n, -1)
        h1 = last + z @ self.WO.t()
        h2 = h1 + self.Wout(F.relu(self.Win(h1)))
        return h2 @ self.unembed


class Quadratic(nn.Module):
    def __init__(self, spec):
        super().__init__()
        dim = len(spec["curvatures"])
        self.w = nn.Parameter(torch.randn(dim))
        q, _ = torch.linalg.qr(torch.randn(dim, dim))
        self.register_buffer("H", q @ torch.diag(torch.tensor(spec["curvatures"], dtype=torch.float32)) @ q.t())

    def forward(self, x):
        return 0.5 * self.w @ self.H @ self.w


def optimizer(spec, params):
    k = spec["kind"]
    if k == "sgd":
        return torch.optim.SGD(params, lr=spec["lr"])
    if k == "momentum":
        return torch.optim.SGD(params, lr=spec["lr"], momentum=spec["beta"])
    if k == "adam":
        return torch.optim.Adam(params, lr=spec["lr"], betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"])
    if k == "adamw":
        return torch.optim.AdamW(params, lr=spec["lr"], betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"],
                                 weight_decay=spec["weightDecay"])
    if k == "constrained":
        return optimizer(spec["inner"], params)  # the norm projection is an O(P) rescale: timed below
    raise ValueError(k)


def bench(s, device):
    torch.manual_seed(0)
    m, shape, out, b = s["model"], s["inputShape"], s["outputs"], s["batch"]
    kind = m["kind"]
    if kind == "quadratic":
        model, x, y = Quadratic(m), None, None
    elif kind == "transformer":
        model = Transformer(m, shape[0], s["vocab"], out)
        x, y = torch.randint(0, s["vocab"], (b, shape[0])), torch.randint(0, out, (b,))
    elif kind == "cnn":
        model = LeNet(m, shape, out)
        x, y = torch.randn(b, *shape), torch.randint(0, out, (b,))
    elif kind == "mlp":
        model = Mlp(m, math.prod(shape), out)
        x = torch.randn(b, *shape)
        y = torch.randint(0, out, (b,)) if s["task"] == "classification" else torch.randn(b, out)
    else:
        return None
    model = model.to(device)
    x = x.to(device) if x is not None else None
    y = y.to(device) if y is not None else None
    opt = optimizer(s["optimizer"], model.parameters())
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    constrained = s["optimizer"]["kind"] == "constrained"
    norm0 = torch.sqrt(sum((p.detach() ** 2).sum() for p in model.parameters())) if constrained else None

    def step():
        opt.zero_grad(set_to_none=True)
        if kind == "quadratic":
            loss = model(None)
        else:
            o = model(x)
            loss = F.cross_entropy(o, y) if s["task"] == "classification" else F.mse_loss(o, y)
        loss.backward()
        opt.step()
        if constrained:
            with torch.no_grad():
                n = torch.sqrt(sum((p ** 2).sum() for p in model.parameters()))
                for p in model.parameters():
                    p.mul_(norm0 / n)
        return loss

    for _ in range(3):
        step()
    sync()
    steps = s["steps"]
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    loss.item()
    sync()
    return steps / (time.perf_counter() - t0)


def main():
    specs = json.load(open(sys.argv[1]))
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
    device = sys.argv[sys.argv.index("--device") + 1] if "--device" in sys.argv else "cpu"
    torch.set_num_threads(threads)
    out = {}
    for s in specs:
        r = bench(s, device)
        if r is not None:
            out[s["name"]] = r
            print(f"  torch {s['name']}: {r:.1f} steps/s", file=sys.stderr)
    print(json.dumps({"torch": torch.__version__, "threads": threads, "device": device, "presets": out}))


if __name__ == "__main__":
    main()
