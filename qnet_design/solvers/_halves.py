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

Neither writes to a new array: the product goes into the caller's buffer (the next Krylov
basis row, :meth:`RealCsrProduct.into`; ``A @ x`` zeroes a new vector and the caller copied it)
and the subtraction goes through a scratch vector. Three twpa pairs at 4 source photons (856
products, one BLAS thread, three A/B pairs on the loaded machine): 6.08–6.48 → 5.51–5.92 CPU-s
for the propagation from the scratch subtraction; the product into the basis row alone made no
measurable difference (it spares the allocator a new 0.8 MB vector per product).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import scipy.sparse as sp

try:  # scipy's CSR kernel y += A x, which `A @ x` calls on a new zeroed y
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - a scipy without it: the public product (a new y)
    _csr_matvec = None

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
        return self.into(x, np.empty(self.shape[0]))

    def into(self, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """A x written into ``out`` (contiguous float64, not ``x``); returns ``out``."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        top, bottom = out[: self.cut], out[self.cut :]
        if self.shape[0] < MIN_SPLIT:
            _product(self.top, x, top)
            _product(self.bottom, x, bottom)
        else:
            _both(lambda: _product(self.top, x, top), lambda: _product(self.bottom, x, bottom))
        return out


def _product(a: sp.csr_matrix, x: np.ndarray, out: np.ndarray) -> None:
    """out = a x in place (the same sums, in the same order, as ``a @ x``)."""
    if _csr_matvec is None:  # pragma: no cover
        out[:] = a @ x
        return
    out.fill(0.0)
    _csr_matvec(a.shape[0], a.shape[1], a.indptr, a.indices, a.data, x, out)


def project(
    basis: np.ndarray, m: int, w: np.ndarray, scratch: np.ndarray | None = None
) -> np.ndarray:
    """One classical Gram–Schmidt pass on a real basis, in place: c = B w, w −= Bᵀ c for the
    first ``m`` rows B of ``basis``; returns c. The entries in two halves on two threads, the
    halves' dot products added in a fixed order; Bᵀ c goes through ``scratch`` (a vector of
    w's size; a new one when not given)."""
    h = w.size // 2
    lo, hi = basis[:m, :h], basis[:m, h:]
    tmp = np.empty(w.size) if scratch is None else scratch
    if w.size < MIN_SPLIT:
        coef = lo @ w[:h] + hi @ w[h:]
        _subtract(coef, lo, w[:h], tmp[:h])
        _subtract(coef, hi, w[h:], tmp[h : w.size])
        return np.asarray(coef)

    def dot_lo() -> np.ndarray:
        return np.asarray(lo @ w[:h])

    def dot_hi() -> np.ndarray:
        return np.asarray(hi @ w[h:])

    a, b = _both(dot_lo, dot_hi)
    coef = a + b
    _both(
        lambda: _subtract(coef, lo, w[:h], tmp[:h]),
        lambda: _subtract(coef, hi, w[h:], tmp[h : w.size]),
    )
    return np.asarray(coef)


def _subtract(coef: np.ndarray, rows: np.ndarray, w: np.ndarray, tmp: np.ndarray) -> None:
    """w −= coefᵀ rows, through ``tmp`` (no new array)."""
    np.matmul(coef, rows, out=tmp)  # (np.dot with `out` does not use BLAS: 4x slower)
    w -= tmp
