"""Numerical helpers shared by the exact thermal-link routes (checks, figures)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import qutip

from ...errors import ParameterError
from ...metrics import concurrence as _wootters, purity as _purity


def convergence_figure(rho: np.ndarray) -> float:
    """Scalar watched while a truncation grows: C + Tr ρ² (first order in every change of ρ,
    and not identically zero in the separable regime where C = 0)."""
    r = 0.5 * (rho + rho.conj().T)
    return _wootters(r) + _purity(r)


def check_times(times: object) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(times, dtype=float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ParameterError(
            f"`times` must be a non-empty 1-d array of finite times, got {times!r}"
        )
    if np.any(arr < 0) or np.any(np.diff(arr) < 0):
        raise ParameterError("`times` must be non-negative and non-decreasing (units of 1/gamma)")
    return arr


def check_initial(initial: object) -> np.ndarray:
    rho = initial.full() if isinstance(initial, qutip.Qobj) else np.asarray(initial, dtype=complex)
    if rho.shape == (4,):
        rho = np.outer(rho, rho.conj())
    if rho.shape != (4, 4):
        raise ParameterError(
            f"`initial` must be a two-qubit state (4x4 density matrix or 4-vector), got {rho.shape}"
        )
    if not np.allclose(rho, rho.conj().T, atol=1e-10) or abs(np.trace(rho) - 1) > 1e-8:
        raise ParameterError("`initial` must be Hermitian with unit trace")
    if np.min(np.linalg.eigvalsh(rho)) < -1e-10:
        raise ParameterError("`initial` must be positive semidefinite")
    return rho


def sup_change_figure() -> Callable[[np.ndarray], float]:
    """Figure for :func:`widen_until_converged` when a truncation yields a whole curve.

    ``widen_until_converged`` compares successive scalar figures; this closure returns the
    running sum of the sup-norm changes of C + Tr ρ² between successive curves, so the
    difference of two successive figures is exactly max |Δ(C + Tr ρ²)| over the curve.
    """
    history: list[np.ndarray] = []
    running = [0.0]

    def figure(rhos: np.ndarray) -> float:
        curve = np.array([convergence_figure(r) for r in rhos])
        if history:
            running[0] += float(np.max(np.abs(curve - history[-1])))
        history.append(curve)
        return running[0]

    return figure


__all__ = [
    "check_initial",
    "check_times",
    "convergence_figure",
    "sup_change_figure",
]
