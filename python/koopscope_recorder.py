"""Record a training run for Koopscope: stream weight snapshots to `koopscope watch`, or save them as an .npz.

Standard library + NumPy; PyTorch is optional (tensors are read with .detach().cpu()). Usage (docs/python-recording.md):

    from koopscope_recorder import Recorder
    rec = Recorder("http://127.0.0.1:8765", token="...", params=model.named_parameters(), every=10, run="seed-0")
    for x, y in loader:
        loss = loss_fn(model(x), y); opt.zero_grad(); loss.backward(); opt.step()
        rec.step(loss)          # after the update: snapshot every `every` steps
    rec.close()

With url=None, or when no server answers at the start, the run is kept in memory and written to `out`
(default "<run>.npz") by close(), in the schema of docs/file-formats.md (the same as `koopscope train --out`).
`sketch=k` sends S·x, the engine's seeded sparse random projection to k values (src/koopman/sketch.ts, ported bit for
bit below), instead of the weights. Protocol: docs/watch.md. Nothing received from the server is ever executed.
"""
import json
import math
import os
import struct
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import numpy as np

__all__ = ['Recorder', 'RecorderError', 'sketch_columns', 'sketch_vector', 'save_trajectory', 'encode_frame',
           'SKETCH_NONZEROS']

SKETCH_NONZEROS = 4
_M1, _M2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)
_COLUMN_SALT, _SEED_MULT = 0x632BE5AB, 0x9E3779B1


class RecorderError(Exception):
    """A problem the user must fix (wrong token, run id taken by another model, snapshot over the size limit)."""


# --------------------------------------------------------------------------------------------- the sketch (port)

def _mix(h):
    """Murmur3's 32-bit finaliser on a uint32 array (sketch.ts `mix`; uint32 products wrap like Math.imul)."""
    h = h ^ (h >> np.uint32(16))
    h = h * _M1
    h = h ^ (h >> np.uint32(13))
    h = h * _M2
    return h ^ (h >> np.uint32(16))


def _seed_word(seed):
    # JS evaluates seed * 0x9e3779b1 as a double, then ToInt32: the same IEEE product in Python, then its low 32 bits
    return int(float(seed) * float(_SEED_MULT)) & 0xFFFFFFFF


def sketch_columns(seed, start, count, dim):
    """Rows (intp) and weights (float64, ±1/2) of columns start … start+count−1 of the engine's sketch matrix S
    (dim × N): entry q of column j sits at index (j − start)·4 + q, as in sketch.ts's Sketcher."""
    if not (isinstance(dim, (int, np.integer)) and dim >= 1):
        raise ValueError(f'sketch dimension must be a positive integer, got {dim!r}')
    s = SKETCH_NONZEROS
    keys = (np.arange(start * s, (start + count) * s, dtype=np.uint64) + np.uint64(_COLUMN_SALT)).astype(np.uint32)
    h = _mix(np.uint32(_seed_word(seed)) ^ _mix(keys))
    rows = (h % np.uint32(dim)).astype(np.intp)
    weights = np.where(h & np.uint32(0x80000000), -0.5, 0.5)  # ±1/√s with s = 4
    return rows, weights


class _Sketcher:
    """S·x for a flat vector given as pieces (global offset, values), in column blocks; the hashes of each block are
    cached while the cache stays under `cache_bytes` (64 bytes per column: 4 rows and 4 weights), else recomputed every time.

    Within one block the sums run in column order, exactly the engine's loop (np.bincount accumulates in input
    order), so a vector of up to `block` columns sketches bit for bit as `koopscope spectrum --sketch` does."""

    def __init__(self, dim, seed, block=1 << 22, cache_bytes=512 << 20):
        self.dim, self.seed, self.block, self.cache_bytes = int(dim), int(seed), int(block), cache_bytes
        self._cache = {}
        self._cached = 0

    def _columns(self, start, count):
        key = (start, count)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        rows, weights = sketch_columns(self.seed, start, count, self.dim)
        if self._cached + 16 * SKETCH_NONZEROS * count <= self.cache_bytes:
            self._cache[key] = (rows, weights)
            self._cached += 16 * SKETCH_NONZEROS * count
        return rows, weights

    def apply(self, pieces):
        """pieces: iterable of (global offset, 1-D float array), in any order; returns the float64 sketch (dim,)."""
        out = np.zeros(self.dim)
        buf, buf_start, filled = None, 0, 0

        def flush():
            rows, weights = self._columns(buf_start, filled)
            contrib = weights.reshape(filled, SKETCH_NONZEROS) * buf[:filled, None]  # (column, q): the engine's order
            out[:] += np.bincount(rows, weights=contrib.reshape(-1), minlength=self.dim)

        for offset, values in sorted(pieces, key=lambda p: p[0]):
            values = np.asarray(values).reshape(-1)
            i = 0
            while i < values.size:
                if buf is not None and (buf_start + filled != offset + i or filled == self.block):
                    flush()
                    buf = None
                if buf is None:
                    buf, buf_start, filled = np.empty(self.block), offset + i, 0
                take = min(self.block - filled, values.size - i)
                buf[filled:filled + take] = values[i:i + take]
                filled += take
                i += take
        if buf is not None and filled:
            flush()
        return out


def sketch_vector(x, dim, seed=0):
    """S·x of a flat vector (float64), the engine's sketch of one snapshot."""
    return _Sketcher(dim, seed).apply([(0, np.asarray(x, dtype=np.float64).reshape(-1))])


# --------------------------------------------------------------------------------------------- files and frames

def save_trajectory(path, snapshots, steps, loss=None, meta=None, metrics=None, compress=False):
    """Write a Koopscope trajectory .npz (docs/file-formats.md; the docs' save_trajectory, written atomically).

    snapshots: dict name -> list of T arrays (same shape every time); steps: T optimizer steps; loss: T floats.
    """
    if not str(path).endswith('.npz'):
        raise ValueError('path must end in .npz')  # np.savez would append it silently
    metrics = dict(metrics or {})
    if loss is not None:
        metrics['loss'] = loss
    T = len(steps)
    arrays = {}
    for name, snaps in snapshots.items():
        if name == 'steps' or name in metrics:
            raise ValueError(f'parameter name {name!r} clashes with a per-step series')
        arrays[name] = np.stack([np.asarray(s, dtype=np.float32) for s in snaps]) if T else np.zeros((0,), np.float32)
        if arrays[name].shape[0] != T:
            raise ValueError(f'{name}: {arrays[name].shape[0]} snapshots but {T} steps')
    steps = np.asarray(steps)
    arrays['steps'] = steps.astype(np.int32 if np.abs(steps).max(initial=0) < 2**31 else np.float64)
    for name, values in metrics.items():
        arrays[name] = np.asarray(values, dtype=np.float64)
    names = list(snapshots)
    meta = dict(meta or {}, names=names, shapes=[list(arrays[n].shape[1:]) for n in names])
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix='.tmp.npz', dir=folder)
    os.close(fd)
    try:
        (np.savez_compressed if compress else np.savez)(tmp, **arrays)
        with zipfile.ZipFile(tmp, 'a', zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
            z.writestr('meta.json', json.dumps(meta))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def encode_frame(step, loss, values):
    """One snapshot frame (docs/watch.md): b'KSF1', uint32 LE header length, JSON header, float32 LE values."""
    values = np.ascontiguousarray(values, dtype='<f4').reshape(-1)
    loss = None if loss is None or not math.isfinite(loss) else float(loss)
    head = json.dumps({'step': int(step), 'loss': loss, 'n': int(values.size)})
    head += ' ' * ((-(8 + len(head))) % 4)
    head = head.encode('ascii')
    return b'KSF1' + struct.pack('<I', len(head)) + head + values.tobytes()


def _as_numpy(t):
    if hasattr(t, 'detach'):  # a torch tensor or parameter (float32 on the CPU; a view of it when it already is)
        return t.detach().float().cpu().numpy()
    return np.asarray(t)


def _loss_value(loss):
    if loss is None:
        return float('nan')
    if hasattr(loss, 'item'):
        loss = loss.item()
    return float(loss)


# --------------------------------------------------------------------------------------------- the recorder

class Recorder:
    """Streams (or saves) snapshots of a model's parameters during training.

    url:     the koopscope watch server ("http://127.0.0.1:8765", may carry ?token=); None: offline (save to `out`)
    token:   the token koopscope watch printed (or in the url)
    params:  iterable of (name, tensor or array): e.g. model.named_parameters(); read at every recorded step
    every:   record every `every`-th call of step() (Δt of the spectrum); the weights before training are step 0
    run:     the run id (letters, digits, . _ -); a trainer that reconnects with the same id resumes the run
    sketch:  k: send the engine's k-dimensional sketch S·x (seed `seed`) instead of the weights
    out:     the .npz written by close() offline (default <run>.npz); given with a url, a local copy is kept too
    start_step: the optimizer step training starts from (a run resumed from a checkpoint: its step, so the steps go on
             where the server's run stopped; steps the server already has are ignored)
    max_pending_mb: unsent snapshots kept while the server is unreachable (the oldest are dropped past it)
    sketch_cache_mb: memory for the sketch's hashes (64 bytes per parameter); past it they are recomputed every
             snapshot (about 5x slower)
    shards, table, distributed: sharded models (torch.distributed): every rank passes shards=[(global offset in the
             flat vector, tensor piece), ...] and table=[(name, shape), ...] (the whole model, in flat order) with
             sketch=k and distributed=True; the sketches are summed with all_reduce and rank 0 sends or saves them.
    """

    def __init__(self, url=None, token=None, params=None, every=1, run='run', sketch=None, seed=0, out=None,
                 meta=None, shards=None, table=None, distributed=False, group=None, initial=True, timeout=30.0,
                 batch=1, verbose=True, sketch_cache_mb=512, max_pending_mb=256, start_step=0):
        if not (isinstance(every, int) and every >= 1):
            raise ValueError(f'every must be a whole number >= 1, got {every!r}')
        self.every, self.run, self.timeout, self.batch, self.verbose = every, str(run), timeout, max(1, int(batch)), verbose
        self.distributed, self.group = distributed, group
        if shards is not None:
            if table is None or sketch is None:
                raise ValueError('shards= needs table=[(name, shape), ...] of the whole model and sketch=k')
            self._pieces = [(int(off), t) for off, t in shards]
            self._table = [(str(n), [int(d) for d in s]) for n, s in table]
        else:
            if params is None:
                raise ValueError('give params=model.named_parameters() (or shards= with table=)')
            named = [(str(n), p) for n, p in params]
            self._table = [(n, [int(d) for d in getattr(p, 'shape', np.shape(p))]) for n, p in named]
            self._pieces, off = [], 0
            for (n, p), (_, shape) in zip(named, self._table):
                self._pieces.append((off, p))
                off += int(np.prod(shape, dtype=np.int64))
        if distributed and sketch is None:
            raise ValueError('distributed=True needs sketch=k (the sketches of the shards add up; the weights do not)')
        self.N = sum(int(np.prod(s, dtype=np.int64)) for _, s in self._table)
        self.sketch = None if sketch is None else {'dim': int(sketch), 'seed': int(seed)}
        self._sketcher = None if sketch is None else _Sketcher(int(sketch), int(seed), cache_bytes=int(sketch_cache_mb) << 20)
        self.rank = 0
        if distributed:
            import torch.distributed as dist
            self.rank = dist.get_rank(group)
        self.meta = dict(meta or {})
        self.t = int(start_step)
        self.url, self.token, self.headers = None, token, {}
        self.out = out
        self._keep = out is not None or url is None
        self._steps, self._losses, self._snaps = [], [], []
        self._pending = []
        self._last_sent = None
        self._warned = False
        self._nonfinite = self._dropped = self._pending_bytes = 0
        self.max_pending_bytes = int(max_pending_mb) << 20
        self.closed = False
        if self.rank == 0 and url is not None:
            parsed = urllib.parse.urlsplit(url)
            q = urllib.parse.parse_qs(parsed.query)
            self.token = token or (q.get('token') or [None])[0]
            self.url = urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, parsed.path.rstrip('/'), '', ''))
            self.headers = {'Authorization': f'Bearer {self.token}'} if self.token else {}
            try:
                self._register()
            except OSError as e:  # nobody listening: offline
                self._say(f'no koopscope watch at {self.url} ({_reason(e)}): recording to {self._out_path()} instead')
                self.url, self._keep = None, True
        if self.rank == 0 and self.url is None:
            self._keep = True
        if initial and self.t % self.every == 0:
            self._record(self.t, None)

    # -- public ---------------------------------------------------------------------------------------------------

    def step(self, loss=None):
        """Call once per optimizer step, after the update; records a snapshot every `every` calls."""
        if self.closed:
            raise RecorderError('step() after close()')
        self.t += 1
        if self.t % self.every == 0:
            self._record(self.t, loss)

    def close(self):
        """Sends what is pending and closes the run (online); writes the .npz (offline, or a local copy)."""
        if self.closed:
            return
        self.closed = True
        if self.rank != 0:
            return
        if self.url is not None:
            try:
                self._send_pending()
                self._request('POST', f'/api/runs/{urllib.parse.quote(self.run)}/close', b'{}', 'application/json')
            except OSError as e:
                self._say(f'could not reach {self.url} to finish the run ({_reason(e)}); {len(self._pending)} snapshot(s) unsent')
            except RecorderError as e:
                self._say(f'{e}; {len(self._pending)} snapshot(s) unsent')
        if self._keep:
            self._save()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- internals ------------------------------------------------------------------------------------------------

    def _say(self, text):
        if self.verbose:
            print(f'koopscope_recorder: {text}', file=sys.stderr)

    def _out_path(self):
        return self.out or f'{self.run}.npz'

    def _observe(self):
        """The flat observed vector (float32), or the float64 sketch (rank 0 only gets a result when distributed)."""
        if self._sketcher is None:
            return np.concatenate([_as_numpy(p).astype(np.float32, copy=False).reshape(-1) for _, p in self._pieces])
        s = self._sketcher.apply([(off, _as_numpy(p).astype(np.float32, copy=False)) for off, p in self._pieces])
        if self.distributed:
            import torch
            import torch.distributed as dist
            t = torch.from_numpy(s)
            if dist.get_backend(self.group) == 'nccl':
                t = t.cuda()
            dist.all_reduce(t, op=dist.ReduceOp.SUM, group=self.group)
            s = t.cpu().numpy()
        return s

    def _record(self, step, loss):
        x = self._observe()
        if self.rank != 0:
            return
        loss = _loss_value(loss)
        x32 = np.asarray(x, dtype=np.float32)
        if not np.isfinite(x32).all():  # diverged: Koopscope cannot use the snapshot; training goes on
            if not self._nonfinite:
                self._say(f'step {step}: the weights contain NaN/Inf (diverged?); such snapshots are not recorded')
            self._nonfinite += 1
            return
        if self._keep:
            self._steps.append(step)
            self._losses.append(loss)
            self._snaps.append(x32)
        if self.url is not None:
            self._pending.append(encode_frame(step, loss, x32))
            self._pending_bytes += len(self._pending[-1])
            while self._pending_bytes > self.max_pending_bytes and len(self._pending) > 1:
                self._pending_bytes -= len(self._pending.pop(0))
                self._dropped += 1
            if len(self._pending) >= self.batch:
                try:
                    self._send_pending()
                except OSError as e:
                    if not self._warned:
                        self._say(f'lost {self.url} ({_reason(e)}); will retry at the next snapshots')
                        self._warned = True
                except RecorderError as e:  # the server refused: say why once and stop streaming, never stop training
                    self._say(f'{e}; streaming stopped' + (f', still recording to {self._out_path()}' if self._keep else ''))
                    self.url, self._pending = None, []

    def _registration(self):
        reg = {'run': self.run, 'params': [{'name': n, 'shape': s} for n, s in self._table], 'dt': self.every,
               'meta': self.meta}
        if self.sketch:
            reg['sketch'] = self.sketch
        return reg

    def _request(self, method, path, body, ctype):
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers={**self.headers, 'Content-Type': ctype})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return json.loads(r.read().decode('utf-8'))
        except urllib.error.HTTPError as e:
            try:
                msg = json.loads(e.read().decode('utf-8')).get('error', '')
            except Exception:
                msg = ''
            raise RecorderError(f'{self.url}{path}: HTTP {e.code}: {msg or e.reason}') from None

    def _register(self):
        reply = self._request('POST', '/api/runs', json.dumps(self._registration()).encode('utf-8'), 'application/json')
        self._last_sent = reply.get('lastStep')
        self._max_body = int(reply.get('maxBodyBytes') or (64 << 20))
        if reply.get('resumed'):
            self._say(f"run '{self.run}' resumes after step {self._last_sent}")

    def _send_pending(self):
        if not self._pending:
            return
        if self._warned:  # the connection was lost: register again (the server resumes the run)
            self._register()
        while self._pending:
            body, k = b'', 0
            while k < len(self._pending) and len(body) + len(self._pending[k]) <= self._max_body:
                body += self._pending[k]
                k += 1
            if k == 0:
                raise RecorderError(f'one snapshot is {len(self._pending[0])} bytes, over the server limit of '
                                    f'{self._max_body} (koopscope watch --max-mb); use sketch=k or record fewer parameters')
            self._request('POST', f'/api/runs/{urllib.parse.quote(self.run)}/snapshots', body, 'application/octet-stream')
            self._pending_bytes -= len(body)
            del self._pending[:k]
        if self._warned:
            self._say(f'{self.url} is back' + (f'; {self._dropped} older snapshot(s) were dropped while it was away'
                                               if self._dropped else ''))
        self._warned = False
        self._dropped = 0

    def _save(self):
        meta = dict(self.meta, run=self.run, dt=self.every, recordedBy='koopscope_recorder')
        if self.sketch:
            meta['sketch'] = dict(self.sketch, N=self.N, params=[{'name': n, 'shape': s} for n, s in self._table])
            snapshots = {'sketch': self._snaps}
        else:
            snapshots, off = {}, 0
            for n, shape in self._table:
                size = int(np.prod(shape, dtype=np.int64))
                snapshots[n] = [x[off:off + size].reshape(shape) for x in self._snaps]
                off += size
        save_trajectory(self._out_path(), snapshots, self._steps, loss=self._losses, meta=meta)
        self._say(f'wrote {self._out_path()} ({len(self._steps)} snapshots)')


def _reason(e):
    return getattr(e, 'reason', None) or e.__class__.__name__ + (f': {e}' if str(e) else '')
