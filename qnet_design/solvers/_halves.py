"""The real Krylov propagation's memory-bound work on two threads: the product of a real CSR
matrix with a vector and the classical Gram–Schmidt pass, each split into two fixed halves
(rows of the matrix, entries of the vectors), one done by the calling thread and one by a
worker thread.

scipy's sparse product and NumPy's BLAS calls release the GIL, so the halves run at once. Each
row of the product and each half's partial sums are computed by the same calls whichever
thread runs them, and the halves' partial dot products are added in a fixed order: the result
does not depend on the threads (tested bitwise against the serial calls). Plain Python threads,
not numba's pool, so a propagation may also run outside the main thread (thread pools, Dask);
numba's compiled kernels were slower than scipy's and BLAS on this work (measured: 10.7 vs
6.5 ms per product of three twpa pairs' generator at 5 photons, one thread each).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

from .blas import one_blas_thread

__all__ = ["MIN_SPLIT", "RealCsrProduct", "project"]

#: Vectors shorter than this are not split (the thread hand-off costs ~50 µs).
MIN_SPLIT = 20_000

_T = TypeVar("_T")
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _forget_pool() -> None:
    """In a forked child (a process-pool sweep) the parent's worker thread does not exist:
    start a new pool there instead of waiting on the copied one forever."""
    global _pool, _lock
    _pool, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def _both(first: Callable[[], _T], second: Callable[[], _T]) -> tuple[_T, _T]:
    """first() in this thread and second() in the worker thread, at once."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                1, thread_name_prefix="qnet-design-halves", initializer=one_blas_thread
            )
    future: Future[_T] = _pool.submit(second)
    try:
        a = first()
    finally:
        b = future.result()
    return a, b


class RealCsrProduct:
    """v ↦ A v for a real sparse matrix A, its rows in two halves of equal nonzeros, the
    halves on two threads (see the module notes)."""

    def __init__(self, matrix: sp.spmatrix) -> None:
        a = sp.csr_matrix(matrix, dtype=np.float64)
        self.shape = a.shape
        self.nnz = a.nnz
        self.cut = int(np.searchsorted(a.indptr, a.nnz // 2))
        self.top, self.bottom = a[: self.cut], a[self.cut :]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        y = np.empty(self.shape[0])
        if self.shape[0] < MIN_SPLIT:
            y[: self.cut] = self.top @ x
            y[self.cut :] = self.bottom @ x
            return y

        def top() -> None:
            y[: self.cut] = self.top @ x

        def bottom() -> None:
            y[self.cut :] = self.bottom @ x

        _both(top, bottom)
        return y


def project(basis: np.ndarray, m: int, w: np.ndarray) -> np.ndarray:
    """One classical Gram–Schmidt pass on a real basis, in place: c = B w, w −= Bᵀ c for the
    first ``m`` rows B of ``basis``; returns c. The entries in two halves on two threads, the
    halves' dot products added in a fixed order."""
    h = w.size // 2
    lo, hi = basis[:m, :h], basis[:m, h:]
    if w.size < MIN_SPLIT:
        coef = lo @ w[:h] + hi @ w[h:]
        w[:h] -= coef @ lo
        w[h:] -= coef @ hi
        return np.asarray(coef)

    def dot_lo() -> np.ndarray:
        return np.asarray(lo @ w[:h])

    def dot_hi() -> np.ndarray:
        return np.asarray(hi @ w[h:])

    a, b = _both(dot_lo, dot_hi)
    coef = a + b

    def sub_lo() -> None:
        w[:h] -= coef @ lo

    def sub_hi() -> None:
        w[h:] -= coef @ hi

    _both(sub_lo, sub_hi)
    return np.asarray(coef)
