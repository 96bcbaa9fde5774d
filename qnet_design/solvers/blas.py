"""BLAS threads: run a block with one OpenBLAS thread in the calling thread.

A small helper instead of the threadpoolctl library: its limits are process-wide, while
OpenBLAS's thread-local setting used here leaves other threads (a thread-pool executor's
workers) untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Iterator
from typing import Any

__all__ = ["one_blas_thread", "serial_blas"]


def _openblas_paths() -> list[str]:
    """The OpenBLAS copies loaded by NumPy/SciPy (Linux /proc/self/maps; none elsewhere)."""
    try:
        with open("/proc/self/maps") as maps:
            return sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    except OSError:
        return []


def _thread_local_setters() -> list[Any]:
    """OpenBLAS's thread-local ``openblas_set_num_threads_local`` of every loaded copy that has
    it (it returns the count it replaces)."""
    setters = []
    for path in _openblas_paths():
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes = [ctypes.c_int]
        fn.restype = ctypes.c_int
        setters.append(fn)
    return setters


@contextlib.contextmanager
def serial_blas() -> Iterator[None]:
    """Run the block with one OpenBLAS thread in the calling thread (restored afterwards); also
    usable as a decorator.

    Small sparse LU solves and memory-bound Krylov work gain nothing from BLAS threads, but on
    a 2-core machine threaded OpenBLAS oversubscribes the cores: measured at load 12, the steady
    state of a 4096-dim Liouvillian (cv_replication spins) took 55 s threaded vs 0.4 s serial;
    on the idle machine the twpa budget took 32 s instead of 8 s while the T_prep propagation
    (its own two threads, :mod:`._halves`) ran with OpenBLAS's default threads.
    """
    restore: list[tuple[Any, int]] = []
    try:
        for fn in _thread_local_setters():
            restore.append((fn, int(fn(1))))
        yield
    finally:
        for fn, old in restore:
            fn(old)


def one_blas_thread() -> None:
    """One OpenBLAS thread in the calling thread from now on: the initializer of a worker
    thread that only ever runs the toolkit's own work."""
    for fn in _thread_local_setters():
        fn(1)
