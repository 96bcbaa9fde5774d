"""Numerical helpers shared by the exact thermal-link routes (checks, propagation)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import qutip
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ...errors import ParameterError
from ...metrics import concurrence as _wootters, purity as _purity
from ...progress import progress


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


def _taylor_steps(mat: sp.csr_matrix, x: np.ndarray, h: float, count: int) -> list[np.ndarray]:
    """``count`` successive products exp(M h)ⁿ x by substepped Taylor series.

    The step is split into s = ⌈‖M h‖₁/4⌉ substeps (terms peak at 4⁴/4! ≈ 10, so at most one
    digit is lost to cancellation);
    terms are added until they fall below 1e-14 of the running sum (sup norm). This is the
    algorithm of ``expm_multiply`` without its per-step norm estimates, which dominate the
    cost for the ~10³-dimensional hierarchies here.
    """
    norm1 = float(abs(mat).sum(axis=0).max()) * h
    sub = max(1, math.ceil(norm1 / 4.0))
    tau = h / sub
    scaled = (mat * tau).tocsr()
    out = [x]
    for step in range(count):
        progress("time evolution", f"step {step + 1} of {count}, {sub} substeps each, dim {len(x)}")
        for _ in range(sub):
            term = x
            acc = x.copy()
            for j in range(1, 60):
                term = (scaled @ term) / j
                acc += term
                if np.max(np.abs(term)) <= 1e-14 * np.max(np.abs(acc)):
                    break
            x = acc
        out.append(x)
    return out


def propagate(mat: sp.spmatrix, x0: np.ndarray, times: np.ndarray) -> list[np.ndarray]:
    """x(t) = exp(M t) x0 at each of ``times`` (sorted, ≥ 0).

    A uniform grid is stepped with one fixed substepped Taylor propagator
    (:func:`_taylor_steps`); otherwise ``expm_multiply`` is applied from one time to the next.
    """
    mat = sp.csr_matrix(mat)
    x = np.asarray(x0, dtype=complex)
    n = len(times)
    uniform = n > 2 and np.allclose(np.diff(times), times[1] - times[0], rtol=1e-9, atol=0)
    if uniform and times[1] > times[0]:
        if times[0] > 0:
            x = spla.expm_multiply(mat * times[0], x)
        return _taylor_steps(mat, x, float(times[1] - times[0]), n - 1)
    out = []
    t_prev = 0.0
    for t in times:
        if t > t_prev:
            x = spla.expm_multiply(mat * (t - t_prev), x)
        t_prev = t
        out.append(x)
    return out


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
    "propagate",
    "sup_change_figure",
]
