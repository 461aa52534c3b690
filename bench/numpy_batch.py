"""NumPy reference for the "batch" bench section, run by scripts/bench.mjs on the same .npy right after the JS run.

Steps (each timed): np.load(mmap_mode='r'); the Gram X @ X.T in float64 (converted in column chunks, so the float64
copy never exists whole) and in float32 BLAS (syrk on the mmap'd array, rounded to float32); eigh of the Gram of the
first T-1 snapshots; the method-of-snapshots DMD steps (rank 10). Prints one JSON object on the last line.
Usage: python3 bench/numpy_batch.py FILE [RANK]
"""
import json, os, sys, time

import numpy as np


def dmd_from_gram(G, r):
    """Projected DMD from the Gram of the snapshots (method of snapshots): X = x_0..x_{T-2}, Y = x_1..x_{T-1}."""
    Gxx = G[:-1, :-1]
    Gxy = G[:-1, 1:]
    t0 = time.perf_counter()
    w, V = np.linalg.eigh(Gxx)
    t_eigh = time.perf_counter() - t0
    t0 = time.perf_counter()
    idx = np.argsort(w)[::-1][:r]
    s = np.sqrt(np.maximum(w[idx], 0))
    Vr = V[:, idx]
    A = (Vr.T @ Gxy @ Vr) / np.outer(s, s)      # Atilde = S^-1 V^T X^T Y V S^-1
    lam = np.linalg.eigvals(A)
    t_dmd = time.perf_counter() - t0
    return lam, t_eigh, t_dmd


def main():
    path = sys.argv[1]
    r = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    out = {"numpy": np.__version__, "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}
    t0 = time.perf_counter()
    X = np.load(path, mmap_mode="r")
    out["load_mmap_ms"] = (time.perf_counter() - t0) * 1e3
    T, N = X.shape
    out["shape"] = [T, N]

    # float64 Gram, converted in column chunks (8 MiB of float32 per chunk → 16 MiB float64)
    t0 = time.perf_counter()
    G = np.zeros((T, T))
    chunk = max(1, (1 << 23) // (4 * T))
    for a in range(0, N, chunk):
        Xc = np.asarray(X[:, a:a + chunk], dtype=np.float64)
        G += Xc @ Xc.T
    out["gram_f64_ms"] = (time.perf_counter() - t0) * 1e3

    # float32 BLAS Gram straight on the mmap'd array
    t0 = time.perf_counter()
    G32 = X @ X.T
    out["gram_f32_ms"] = (time.perf_counter() - t0) * 1e3
    out["gram_f32_relerr"] = float(np.abs(G32 - G).max() / np.abs(G).max())

    lam, t_eigh, t_dmd = dmd_from_gram(G, r)
    out["eigh_ms"] = t_eigh * 1e3
    out["dmd_ms"] = t_dmd * 1e3
    out["total_f64_ms"] = out["load_mmap_ms"] + out["gram_f64_ms"] + out["eigh_ms"] + out["dmd_ms"]
    lam = sorted(lam, key=lambda z: -abs(z))
    out["eigenvalues"] = [[float(z.real), float(z.imag)] for z in lam]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
