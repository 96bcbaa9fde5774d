"""Size estimates of the exact thermal-link routes, checked before each truncation is solved.

Measured on the 2-core CI machine (single-threaded BLAS), one steady-state solve including the
sparse LU: Fock route ≈ 32 kB and 0.6 ms per cutoff level (sector of ≈ 16 N unknowns; N = 8000:
250 MB, 4.7 s), hierarchy ≈ 12 kB and 0.1 ms per level L_max (L = 16000: 190 MB, 1.6 s). The
constants below double them as a margin. The trajectory route keeps ~12 (16 × n_traj) complex
blocks and takes ~1 µs per path and RK4 step. The hierarchy time evolution costs one sparse
product per Taylor term: ⌈‖M h‖₁/4⌉ substeps of ~12 terms per time step (``_numerics``).
"""

from __future__ import annotations

import math

import numpy as np

from ...guard import check_size
from .model import ThermalLink

FOCK_BYTES_PER_LEVEL = 6.4e4
FOCK_SECONDS_PER_LEVEL = 1.2e-3
HIERARCHY_BYTES_PER_LEVEL = 2.4e4
HIERARCHY_SECONDS_PER_LEVEL = 2e-4
TRAJECTORY_BYTES_PER_PATH = 12 * 16 * 16
TRAJECTORY_SECONDS_PER_PATH_STEP = 1e-6
#: seconds per stored non-zero and sparse product, with the per-step overhead (calibrated: the
#: catalog thermal_link_transmon transient, estimated 3.5 s, took 4.2 s)
SECONDS_PER_NONZERO = 1.5e-8
_CHANGE = "lower the source temperature (n_th = Bose(f_c, T)) or the route's `limit`"


def fock(model: ThermalLink, cutoff: int) -> None:
    """Refuse a Fock-route solve at ``cutoff`` that would not fit (memory or time)."""
    check_size(
        f"thermal link, Fock route at cutoff {cutoff} (n_th = {model.n_th:.3g}, "
        f"{16 * cutoff} unknowns)",
        memory_bytes=FOCK_BYTES_PER_LEVEL * cutoff,
        seconds=FOCK_SECONDS_PER_LEVEL * cutoff,
        change=_CHANGE,
    )


def hierarchy(model: ThermalLink, level: int) -> None:
    """Refuse a hierarchy solve at depth ``level`` that would not fit (memory or time)."""
    check_size(
        f"thermal link, hierarchy at depth L_max = {level} (n_th = {model.n_th:.3g})",
        memory_bytes=HIERARCHY_BYTES_PER_LEVEL * level,
        seconds=HIERARCHY_SECONDS_PER_LEVEL * level,
        change=_CHANGE,
    )


def trajectories(model: ThermalLink, n_traj: int, steps: float, n_times: int) -> None:
    """Refuse a trajectory run of ``n_traj`` paths over ``steps`` RK4 steps that would not fit."""
    check_size(
        f"thermal link, {n_traj} trajectories over {steps:.3g} RK4 steps (n_th = {model.n_th:.3g})",
        memory_bytes=TRAJECTORY_BYTES_PER_PATH * n_traj + 16 * 16 * 20 * n_times,
        seconds=TRAJECTORY_SECONDS_PER_PATH_STEP * n_traj * steps,
        change="fewer paths (`n_traj`), a shorter window or a larger `dt`",
    )


def propagation_seconds(matrix: object, times: np.ndarray) -> float:
    """Estimated time of ``solvers.propagate.propagate(matrix, x, times)`` (Taylor method) on a
    uniform grid."""
    import scipy.sparse as sp

    mat = sp.csr_matrix(matrix)
    if len(times) < 2:
        return 0.0
    h = float(times[1] - times[0])
    norm1 = float(abs(mat).sum(axis=0).max()) * h
    products = (len(times) - 1) * max(1, math.ceil(norm1 / 4.0)) * 12
    return products * mat.nnz * SECONDS_PER_NONZERO
