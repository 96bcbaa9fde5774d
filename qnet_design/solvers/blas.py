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

__all__ = ["serial_blas"]


@contextlib.contextmanager
def serial_blas() -> Iterator[None]:
    """Run the block with one OpenBLAS thread in the calling thread (restored afterwards).

    Small sparse LU solves gain nothing from BLAS threads, but on a loaded 2-core machine
    threaded OpenBLAS oversubscribes the cores: measured at load 12, the steady state of a
    4096-dim Liouvillian (cv_replication spins) took 55 s threaded vs 0.4 s serial. Uses
    OpenBLAS's thread-local ``openblas_set_num_threads_local`` on the OpenBLAS copies loaded by
    NumPy/SciPy (Linux /proc/self/maps); does nothing where that is unavailable.
    """
    restore: list[tuple[Any, int]] = []
    try:
        try:
            with open("/proc/self/maps") as maps:
                paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
        except OSError:
            paths = set()
        for path in sorted(paths):
            try:
                fn = ctypes.CDLL(path).openblas_set_num_threads_local
            except (OSError, AttributeError):
                continue
            fn.argtypes = [ctypes.c_int]
            fn.restype = ctypes.c_int
            restore.append((fn, int(fn(1))))
        yield
    finally:
        for fn, old in restore:
            fn(old)
