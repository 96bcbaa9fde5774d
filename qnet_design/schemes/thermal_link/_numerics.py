"""Numerical helpers shared by the exact thermal-link routes (checks, figures, the widening of
a truncation until the steady state or the evolution converges)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import qutip

from ...errors import ParameterError
from ...metrics import concurrence as _wootters, purity as _purity
from ...solvers.convergence import Converged, Convergence, widen_until_converged
from ._liouville import ground_state
from .model import ThermalLink
from .results import Evolution, SteadyState, as_qobj, concurrences

T = TypeVar("T")


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


@dataclass(frozen=True)
class Ladder:
    """The truncations of one exact route (Fock cutoff, hierarchy level).

    ``parameter`` names the truncation in the evidence (``name`` in messages), ``method`` the
    route in the results, ``step`` gives the next truncation and ``size`` refuses one that
    would not fit.
    """

    parameter: str
    name: str
    method: str
    step: Callable[[int], int]
    size: Callable[[ThermalLink, int], None]

    def widen(
        self,
        model: ThermalLink,
        compute: Callable[[int], T],
        figure: Callable[[T], float],
        *,
        start: int,
        limit: int,
        tolerance: float,
        detail: Callable[[Converged[T]], str],
    ) -> tuple[T, Convergence]:
        """:func:`widen_until_converged` along this ladder; the evidence's text is ``detail``."""
        got = widen_until_converged(
            compute,
            figure,
            parameter=self.parameter,
            start=start,
            step=self.step,
            limit=limit,
            tolerance=tolerance,
            size=lambda n: self.size(model, n),
        )
        c = got.convergence
        return got.result, Convergence(self.parameter, c.value, c.change, tolerance, detail(got))


def converged_steady_state(
    model: ThermalLink,
    ladder: Ladder,
    solve: Callable[[int], tuple[np.ndarray, str]],
    *,
    start: int,
    limit: int,
    tolerance: float,
) -> SteadyState:
    """Widen the truncation until C + Tr ρ² of the steady state changes by ≤ ``tolerance``.

    ``solve(n)`` returns ρ_q at truncation n and a note on that truncation for the evidence.
    """
    if start < 2:
        raise ParameterError(f"`start` must be a {ladder.name} >= 2, got {start}")
    (rho, _), conv = ladder.widen(
        model,
        solve,
        lambda r: convergence_figure(r[0]),
        start=start,
        limit=limit,
        tolerance=tolerance,
        detail=lambda got: f"{got.result[1]}; {got.convergence.detail}; figure C + Tr rho^2",
    )
    r = 0.5 * (rho + rho.conj().T)
    return SteadyState(model, ladder.method, as_qobj(r), _wootters(r), conv)


def converged_evolution(
    model: ThermalLink,
    ladder: Ladder,
    evolve_at: Callable[[np.ndarray, int, np.ndarray], np.ndarray],
    times: object,
    initial: object,
    *,
    start: int,
    limit: int,
    tolerance: float,
) -> Evolution:
    """Widen the truncation until max over t of |Δ(C + Tr ρ²)| is ≤ ``tolerance``.

    ``evolve_at(times, n, rho0)`` returns ρ_q on the grid at truncation n; ``initial`` is the
    qubits' state at t = 0 (default |00⟩).
    """
    grid = check_times(times)
    rho0 = ground_state() if initial is None else check_initial(initial)
    rhos, conv = ladder.widen(
        model,
        lambda n: evolve_at(grid, n, rho0),
        sup_change_figure(),
        start=start,
        limit=limit,
        tolerance=tolerance,
        detail=lambda got: f"max over t of |change of C + Tr rho^2|; {got.convergence.detail}",
    )
    return Evolution(model, ladder.method, grid, rhos, concurrences(rhos), conv)


__all__ = [
    "Ladder",
    "check_initial",
    "check_times",
    "converged_evolution",
    "converged_steady_state",
    "convergence_figure",
    "sup_change_figure",
]
