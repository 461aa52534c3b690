#!/usr/bin/env python3
"""Does float64 training explain the constrained grokking gap? (docs/reproduction.md, "Float64, isolated")

A paired test in PyTorch: the paper-size constrained control (one-layer transformer, p = 113, d_model 128, Nanda's
init x 0.8, Adam lr 1e-3 betas (0.9, 0.98), no decay, global parameter norm held at its initial value after every
step, full batch of 3830) trained for 100 steps from the SAME initial values once in float32 and once in float64,
recording mlp.W_out (128 x 512) before every step and after the last (101 snapshots) for `--runs` perturbed inits
(perturbation 1e-3, as koopscope's ensembles). Writes an .npz per precision in koopscope's schema (`weights`:
runs x 101 x 65536 float32 values, `steps`), to be fitted with the grokking pipeline:
    koopscope spectrum FILE --pca 10 --pca-fit pairs --delays 32 --rank 10 --json
Needs torch (Debian: apt-get install python3-torch). One CPU thread.

usage: python3 scripts/grokking-precision-check.py OUTDIR --precision f32|f64 [--runs 3] [--seed 16]
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F


def arg(name, default):
    a = sys.argv
    return a[a.index(name) + 1] if name in a else default


def model_params(gen, p, d=128, dm=512, h=4, dh=32, n_ctx=3, scale=0.8):
    vocab = p + 1
    nrm = lambda *shape, std: torch.randn(*shape, generator=gen, dtype=torch.float64) * std
    s = 1 / math.sqrt(d)
    P = {
        'embed': nrm(d, vocab, std=s), 'pos': nrm(n_ctx, d, std=s),
        'WQ': nrm(h * dh, d, std=s), 'WK': nrm(h * dh, d, std=s), 'WV': nrm(h * dh, d, std=s), 'WO': nrm(d, h * dh, std=s),
        'Win': nrm(dm, d, std=s), 'bin': torch.zeros(dm, dtype=torch.float64),
        'Wout': nrm(d, dm, std=s), 'bout': torch.zeros(d, dtype=torch.float64),
        'unembed': nrm(d, p, std=1 / math.sqrt(vocab)),
    }
    return {k: v * scale for k, v in P.items()}


def forward(P, x, h=4, dh=32):
    n, t = x.shape
    resid = P['embed'].t()[x] + P['pos']
    k = (resid @ P['WK'].t()).view(n, t, h, dh)
    v = (resid @ P['WV'].t()).view(n, t, h, dh)
    last = resid[:, -1]
    q = (last @ P['WQ'].t()).view(n, 1, h, dh)
    att = torch.softmax((q * k).sum(-1) / math.sqrt(dh), dim=1)
    z = (att.unsqueeze(-1) * v).sum(1).reshape(n, -1)
    h1 = last + z @ P['WO'].t()
    h2 = h1 + F.relu(h1 @ P['Win'].t() + P['bin']) @ P['Wout'].t() + P['bout']
    return h2 @ P['unembed']


def main():
    out, prec = sys.argv[1], arg('--precision', 'f32')
    runs, seed, p, steps = int(arg('--runs', '3')), int(arg('--seed', '16')), 113, 100
    dtype = {'f32': torch.float32, 'f64': torch.float64}[prec]
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(seed)
    pairs = torch.tensor([(a, b) for a in range(p) for b in range(p)])
    perm = torch.randperm(p * p, generator=gen)
    train = pairs[perm[: int(0.3 * p * p)]]
    x = torch.cat([train, torch.full((len(train), 1), p)], 1)
    y = (train[:, 0] + train[:, 1]) % p
    base = model_params(gen, p)
    traj = np.zeros((runs, steps + 1, 128 * 512), np.float32)
    for r in range(runs):
        P = {k: (v + (1e-3 * torch.randn(v.shape, generator=gen, dtype=torch.float64) if r and v.abs().sum() > 0 else 0))
             .to(dtype).requires_grad_() for k, v in base.items()}
        opt = torch.optim.Adam(P.values(), lr=1e-3, betas=(0.9, 0.98), eps=1e-8)
        norm0 = torch.sqrt(sum((v.detach() ** 2).sum() for v in P.values()))
        for s in range(steps + 1):
            traj[r, s] = P['Wout'].detach().to(torch.float32).numpy().ravel()
            if s == steps:
                break
            opt.zero_grad()
            F.cross_entropy(forward(P, x), y).backward()
            opt.step()
            with torch.no_grad():
                n = torch.sqrt(sum((v ** 2).sum() for v in P.values()))
                for v in P.values():
                    v.mul_(norm0 / n)
        print(f'{prec} run {r + 1}/{runs} done', file=sys.stderr, flush=True)
    os.makedirs(out, exist_ok=True)
    np.savez(os.path.join(out, f'constrained-{prec}-seed{seed}.npz'), weights=traj, steps=np.arange(steps + 1))


if __name__ == '__main__':
    main()
