"""Convergence evidence for truncated numerics, and the widen-until-converged loop.

Every truncated result in qnet-design (Fock cutoff, hierarchy depth, trajectory count) carries a
:class:`Convergence` record. :func:`widen_until_converged` grows a truncation until two
successive results agree, and raises :class:`~qnet_design.errors.ConvergenceError` when the
stated limit is reached first — never returns an unconverged number silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..errors import ConvergenceError
from ..progress import progress

T = TypeVar("T")


@dataclass(frozen=True)
class Convergence:
    """What a truncated computation did to earn trust.

    Attributes
    ----------
    parameter
        Name of the truncation, e.g. ``"fock_cutoff"`` or ``"hierarchy_depth"``.
    value
        The truncation used for the returned result.
    change
        Change of the figure of merit between the last two truncations (or another error
        estimate, e.g. a trajectory standard error).
    tolerance
        The tolerance the change was held to.
    detail
        Free text: population of the last Fock level, number of trajectories, ...
    """

    parameter: str
    value: float
    change: float
    tolerance: float
    detail: str = ""

    @property
    def converged(self) -> bool:
        return self.change <= self.tolerance

    def __str__(self) -> str:
        extra = f"; {self.detail}" if self.detail else ""
        return (
            f"{self.parameter}={self.value:g} (change {self.change:.2e} <= tol "
            f"{self.tolerance:.1e}{extra})"
        )


@dataclass(frozen=True)
class Converged(Generic[T]):
    """A result together with its convergence evidence."""

    result: T
    convergence: Convergence


def widen_until_converged(
    compute: Callable[[int], T],
    figure: Callable[[T], float],
    *,
    parameter: str,
    start: int,
    step: Callable[[int], int],
    limit: int,
    tolerance: float,
    size: Callable[[int], None] | None = None,
) -> Converged[T]:
    """Grow a truncation until the figure of merit changes by at most ``tolerance``.

    Parameters
    ----------
    compute
        Truncation → result.
    figure
        Result → the scalar whose stability is checked (e.g. a concurrence).
    parameter
        Name of the truncation, for the evidence and the error message.
    start, step, limit
        First truncation, the rule for the next one, and the largest allowed.
    tolerance
        Absolute tolerance on the change of ``figure`` between successive truncations.
    size
        Called with each truncation before it is computed; raises
        :class:`~qnet_design.errors.SizeError` (via :func:`qnet_design.guard.check_size`) when
        that truncation would not fit, so widening stops with a message instead of swapping.

    Raises
    ------
    ConvergenceError
        If ``limit`` is passed before two successive results agree.
    """

    def compute_at(n: int) -> T:
        if size is not None:
            size(n)
        progress(parameter, f"{n} (limit {limit})")
        return compute(n)

    previous = compute_at(start)
    value = start
    history = [figure(previous)]
    while True:
        nxt = step(value)
        if nxt > limit:
            raise ConvergenceError(
                f"{parameter} did not converge up to its limit {limit}: the figure changed by "
                f"{abs(history[-1] - history[-2]) if len(history) > 1 else float('nan'):.2e} "
                f"(tolerance {tolerance:.1e}); history {[round(h, 8) for h in history]}"
            )
        current = compute_at(nxt)
        history.append(figure(current))
        change = abs(history[-1] - history[-2])
        if change <= tolerance:
            return Converged(
                current,
                Convergence(parameter, nxt, change, tolerance, f"checked against {value}"),
            )
        previous, value = current, nxt
