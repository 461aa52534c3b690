"""NumPy/SciPy reference for the "symeig" bench section (bench/symeig.ts), run on each matrix right after the JS.

Reads a float64 .npy (a symmetric n x n matrix) and times, minimum over REPS runs, the LAPACK calls a NumPy user
would make: np.linalg.eigvalsh (all eigenvalues, dsyevd without vectors), np.linalg.eigh (all eigenvalues and
vectors: what bench/numpy_batch.py's DMD calls) and scipy.linalg.eigh(subset_by_index=[n-10, n-1], driver='evr')
(all of the reduction, then the 10 leading pairs). Prints one JSON object: milliseconds, max |eigvalsh - given| when
VALUES (a float64 .npy of eigenvalues, descending) is passed, and the BLAS (bench/numpy_batch.py's blas_info).
Usage: python3 bench/numpy_symeig.py MATRIX.npy REPS [VALUES.npy]
"""
import json, os, sys, time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from numpy_batch import blas_info  # noqa: E402


def best(fn, reps):
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        r = fn()
        t = min(t, time.perf_counter() - t0)
    return t * 1e3, r


def main():
    A = np.load(sys.argv[1])
    reps = int(sys.argv[2])
    n = A.shape[0]
    out = {"numpy": np.__version__, "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "blas": blas_info(), "n": n}
    out["eigvalsh_ms"], w = best(lambda: np.linalg.eigvalsh(A), reps)
    out["eigh_ms"], _ = best(lambda: np.linalg.eigh(A), reps)
    try:
        import scipy.linalg as sl
        out["evr10_ms"], _ = best(lambda: sl.eigh(A, subset_by_index=[max(0, n - 10), n - 1], driver="evr"), reps)
    except ImportError:
        out["evr10_ms"] = None
    if len(sys.argv) > 3:
        ours = np.load(sys.argv[3])
        out["max_abs_diff"] = float(np.max(np.abs(np.sort(w)[::-1] - ours)))
        out["norm"] = float(np.max(np.abs(w)))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
