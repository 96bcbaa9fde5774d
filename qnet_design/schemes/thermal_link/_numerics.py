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


#: default tolerance on the convergence figure C + Tr ρ² of a steady state between truncations
DEFAULT_TOL = 1e-7


@dataclass(frozen=True)
class ExactRoute:
    """An exact route (Fock cutoff, hierarchy level): its ladder, its solves at one truncation,
    and the public ``steady_state`` and ``evolve`` that widen the truncation until converged.

    :mod:`.fock` and :mod:`.hierarchy` expose the two bound methods, so both routes take the
    same options with the same meaning and give the same evidence. ``start(model)`` is the
    first truncation, ``limit`` the default largest one; ``solve(model, n)`` returns ρ_q^ss at
    truncation n and a note on it for the evidence; ``evolve_at(model, times, n, rho0)``
    returns ρ_q on the grid at truncation n.
    """

    ladder: Ladder
    start: Callable[[ThermalLink], int]
    limit: int
    solve: Callable[[ThermalLink, int], tuple[np.ndarray, str]]
    evolve_at: Callable[[ThermalLink, np.ndarray, int, np.ndarray], np.ndarray]

    def _first(self, model: ThermalLink, start: int | None) -> int:
        return self.start(model) if start is None else int(start)

    def steady_state(
        self,
        model: ThermalLink,
        *,
        tolerance: float = DEFAULT_TOL,
        start: int | None = None,
        limit: int | None = None,
    ) -> SteadyState:
        """Exact steady state ρ_q^ss, the truncation widened until C + Tr ρ² changes by at most
        ``tolerance`` between two truncations.

        ``start`` and ``limit`` are the first and the largest truncation (default: the
        route's, see its module).

        Raises
        ------
        ConvergenceError
            If the truncation reaches ``limit`` before two successive truncations agree.
        """
        first = self._first(model, start)
        if first < 2:
            raise ParameterError(f"`start` must be a {self.ladder.name} >= 2, got {first}")
        (rho, _), conv = self.ladder.widen(
            model,
            lambda n: self.solve(model, n),
            lambda r: convergence_figure(r[0]),
            start=first,
            limit=self.limit if limit is None else limit,
            tolerance=tolerance,
            detail=lambda got: f"{got.result[1]}; {got.convergence.detail}; figure C + Tr rho^2",
        )
        r = 0.5 * (rho + rho.conj().T)
        return SteadyState(model, self.ladder.method, as_qobj(r), _wootters(r), conv)

    def evolve(
        self,
        model: ThermalLink,
        times: np.ndarray,
        *,
        initial: np.ndarray | None = None,
        tolerance: float = 1e-6,
        start: int | None = None,
        limit: int | None = None,
    ) -> Evolution:
        """ρ_q(t) on ``times`` from a thermal cavity and the qubits in ``initial`` (default |00⟩)
        at t = 0, the truncation widened until max over t of |Δ(C + Tr ρ²)| is ≤ ``tolerance``.
        """
        grid = check_times(times)
        rho0 = ground_state() if initial is None else check_initial(initial)
        rhos, conv = self.ladder.widen(
            model,
            lambda n: self.evolve_at(model, grid, n, rho0),
            sup_change_figure(),
            start=self._first(model, start),
            limit=self.limit if limit is None else limit,
            tolerance=tolerance,
            detail=lambda got: f"max over t of |change of C + Tr rho^2|; {got.convergence.detail}",
        )
        return Evolution(model, self.ladder.method, grid, rhos, concurrences(rhos), conv)


__all__ = [
    "DEFAULT_TOL",
    "ExactRoute",
    "Ladder",
    "check_initial",
    "check_times",
    "convergence_figure",
    "sup_change_figure",
]
