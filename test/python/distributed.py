"""Sharded sketches under torch.distributed (gloo, 2 processes on the CPU): each rank sketches its half of the flat
parameter vector (one parameter is cut in two), the sketches are summed with all_reduce, rank 0 writes them; rank 0
also records the same run unsharded. usage: distributed.py OUTDIR DIM SEED; exit 77 where torch/gloo is missing."""
import json
import os
import sys

try:
    import torch
    import torch.distributed as dist
    import torch.multiprocessing as mp
    if not (dist.is_available() and dist.is_gloo_available()):
        raise ImportError('torch.distributed with gloo is not available')
except ImportError as e:
    print(f'skip: {e}')
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'python'))
from koopscope_recorder import Recorder  # noqa: E402


def worker(rank, world, outdir, dim, seed):
    dist.init_process_group('gloo', init_method=f'file://{os.path.join(outdir, "rendezvous")}', rank=rank, world_size=world)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(10, 20), torch.nn.ReLU(), torch.nn.Linear(20, 3))
    X, y = torch.randn(64, 10), torch.randint(0, 3, (64,))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    table = [(n, list(p.shape)) for n, p in model.named_parameters()]
    N = sum(p.numel() for p in model.parameters())
    lo, hi = (0, N // 2 + 3) if rank == 0 else (N // 2 + 3, N)  # the cut falls inside 0.weight
    pieces, off = [], 0
    for p in model.parameters():
        a, b = max(lo, off), min(hi, off + p.numel())
        if a < b:
            pieces.append((a, p.detach().view(-1)[a - off:b - off]))  # a view: follows the updates
        off += p.numel()
    rec = Recorder(None, shards=pieces, table=table, sketch=dim, seed=seed, distributed=True, every=2, run='sharded',
                   out=os.path.join(outdir, 'sharded.npz'), verbose=False)
    full = Recorder(None, params=model.named_parameters(), sketch=dim, seed=seed, every=2, run='full',
                    out=os.path.join(outdir, 'full.npz'), verbose=False) if rank == 0 else None
    whole = Recorder(None, params=model.named_parameters(), every=2, run='weights',
                     out=os.path.join(outdir, 'weights.npz'), verbose=False) if rank == 0 else None
    for _ in range(40):
        loss = torch.nn.functional.cross_entropy(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()  # every rank holds the same replica; each sketches only its shard
        for r in (rec, full, whole):
            if r:
                r.step(loss)
    for r in (rec, full, whole):
        if r:
            r.close()
    if rank == 0:
        with open(os.path.join(outdir, 'rank0.json'), 'w') as f:
            json.dump({'N': N, 'pieces': [[a, int(t.numel())] for a, t in pieces]}, f)
    dist.destroy_process_group()


if __name__ == '__main__':
    outdir, dim, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    mp.spawn(worker, args=(2, outdir, dim, seed), nprocs=2, join=True)
    print(open(os.path.join(outdir, 'rank0.json')).read())
