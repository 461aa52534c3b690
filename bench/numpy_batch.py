"""NumPy reference for the "batch" bench section, run by scripts/bench.mjs on the same .npy right after the JS run.

Steps (each timed): np.load(mmap_mode='r'); the Gram X @ X.T in float64 (converted in column chunks, so the float64
copy never exists whole) and in float32 BLAS (syrk on the mmap'd array, rounded to float32); eigh of the Gram of the
first T-1 snapshots; the method-of-snapshots DMD steps (rank 10). Prints one JSON object on the last line.
The BLAS in use is reported under "blas" (threadpoolctl when installed: library, version, kernel architecture,
threads; else numpy.show_config's text). `--no-f32` skips the float32 Gram (bench/batch.ts times whole processes).
Usage: python3 bench/numpy_batch.py FILE [RANK] [--no-f32]
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


def openblas_corename():
    """The kernel OpenBLAS chose at run time (e.g. SkylakeX, Haswell), read from the bundled library, or None."""
    import ctypes, glob
    for lib in glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*")):
        try:
            dll = ctypes.CDLL(lib)
        except OSError:
            continue
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename"):
            if hasattr(dll, name):
                f = getattr(dll, name)
                f.restype = ctypes.c_char_p
                return f().decode()
    return None


def blas_info():
    """The BLAS NumPy uses: threadpoolctl's description (kernel architecture included) if available, else show_config
    (whose 'Haswell' is the build's baseline, not the kernel in use), plus OpenBLAS' run-time core name."""
    core = openblas_corename()
    try:
        from threadpoolctl import threadpool_info
        return {"corename": core, "threadpoolctl": [
            {k: v for k, v in d.items() if k in ("internal_api", "version", "architecture", "num_threads", "filepath")}
            for d in threadpool_info()]}
    except ImportError:
        import contextlib, io
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            np.show_config()
        return {"corename": core, "show_config": buf.getvalue()[-1500:], "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE")}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = args[0]
    r = int(args[1]) if len(args) > 1 else 10
    out = {"numpy": np.__version__, "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "blas": blas_info()}
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
    if "--no-f32" not in sys.argv:
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
