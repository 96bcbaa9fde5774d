"""Setup → :class:`Budget`: headline figures, error budget, comparisons and requirement search.

``budget(setup)`` translates a setup (lab units → the scheme model), solves it with the scheme's
own routes and returns the figures a feasibility study needs, each with its unit, the method
that produced it and whether it converged, plus an error budget that switches the setup's
imperfections on one at a time in a documented order. ``compare`` tabulates several setups;
``require`` finds the least change of one device parameter that meets a target.
"""

from __future__ import annotations

import math
import operator
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DeviceFileError, ParameterError
from ..specs.fields import DEVICE_FIELDS
from ..specs.setups import SCHEMES, SetupSpec, load_setup, with_overrides
from ..translate import translate
from ..units import FIELD_KINDS
from ._types import Budget as Budget, BudgetStep as BudgetStep, Figure as Figure


def _as_setup(setup: SetupSpec | str | Path) -> SetupSpec:
    return setup if isinstance(setup, SetupSpec) else load_setup(setup)


def budget(
    setup: SetupSpec | str | Path,
    *,
    full: bool = True,
    uncertainty: bool | str = False,
    **options: Any,
) -> Any:
    """Figures of merit of a setup (a :class:`SetupSpec` or a path to a setup file).

    Parameters
    ----------
    setup
        The setup.
    full
        Also compute the error budget and the transient figures (several more solves); turn
        off for sweeps, comparisons and requirement searches, which need the headline only.
    uncertainty
        ``True`` / ``"montecarlo"`` or ``"linear"``: propagate the values written with ``± σ``
        and return an :class:`~qnet_design.budget.uncertainty.UncertainBudget` (headline
        figures with median and 68 %/95 % intervals); ``options`` go to
        :func:`~qnet_design.budget.uncertainty.uncertain_budget` (``samples``, ``seed``,
        ``workers``, ``store``).
    """
    from ..registry import scheme  # the registry sits above this layer (it names the budgets)

    spec = _as_setup(setup)
    if uncertainty:
        from .uncertainty import uncertain_budget

        method = "montecarlo" if uncertainty is True else uncertainty
        return uncertain_budget(spec, method=method, **options)
    if options:
        raise ParameterError(f"`{next(iter(options))}` applies only with `uncertainty`")
    start = time.perf_counter()
    tr = translate(spec)
    translated = time.perf_counter()
    result = scheme(spec.scheme).budget(spec, tr, full)
    timings = {"translate": translated - start, **result.timings}
    return Budget(
        result.scheme,
        result.setup,
        result.figures,
        result.error_budget,
        (*tr.warnings, *result.warnings),
        timings,
        result.profiles,
    )


def compare(setups: Iterable[SetupSpec | str | Path]) -> pd.DataFrame:
    """One row per setup: setup, scheme, the headline figures (column ``name [unit]``, as in
    ``sweep``) and the warnings as text (:meth:`Budget.table_row`)."""
    return pd.DataFrame([budget(item, full=False).table_row() for item in setups])


_TARGET = re.compile(r"^\s*([A-Za-z_][\w]*)\s*(>=|<=|>|<)\s*([-+0-9.eE]+)\s*$")
_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Requirement:
    """Outcome of :func:`require`: the value of ``parameter`` that meets ``target`` (or not)."""

    parameter: str
    target: str
    original: float
    required: float | None
    figure_value: float | None
    met: bool
    evaluations: int
    message: str

    def __str__(self) -> str:
        return self.message


def _parse_target(target: str) -> tuple[str, Callable[[float, float], bool], float]:
    match = _TARGET.match(target)
    if not match:
        raise ParameterError(
            f"`target` must look like 'n_ent>=10' (figure, comparison, number), got {target!r}"
        )
    name, op, value = match.groups()
    return name, _OPS[op], float(value)


def _current_value(setup: SetupSpec, path: str) -> tuple[float, tuple[float, float], str]:
    """The value of a dotted parameter in SI units (dB for losses), its physical range and unit."""
    head, _, key = path.partition(".")
    if head == "layout":
        value = setup.layout.get(key)
    else:
        if head not in setup.devices:
            raise ParameterError(f"`vary` names an unknown role {head!r}: {path!r}")
        value = setup.devices[head].get(key)
    if value is None:
        raise ParameterError(f"`vary` must name a parameter the setup sets, got {path!r}")
    number = float(value.to_base_units().magnitude) if hasattr(value, "to_base_units") else value
    number = float(number)
    unit = _unit_of(setup, head, key)
    if key in ("p_loss",):
        return number, (0.0, 1.0 - 1e-9), unit
    if key in ("directionality",):
        return number, (1e-6, 1.0), unit
    if number <= 0:
        raise ParameterError(f"`vary` needs a positive parameter to scale, {path} = {number}")
    return number, (number * 1e-4, number * 1e4), unit


def _unit_of(setup: SetupSpec, head: str, key: str) -> str:
    """The unit in which ``require`` reports a parameter (SI; dB for losses)."""
    if head == "layout":
        kind = SCHEMES[setup.scheme].layout[key].kind
    else:
        kind = DEVICE_FIELDS[setup.devices[head].kind][key].kind
    return {"db": "dB", "db_per_length": "dB/m"}.get(kind, FIELD_KINDS.get(kind, ("", "", ""))[1])


def require(
    setup: SetupSpec | str | Path,
    target: str,
    vary: str,
    *,
    rtol: float = 1e-2,
    max_evaluations: int = 40,
) -> Requirement:
    """Least change of one parameter (``vary``, e.g. ``"source.linewidth"``) meeting ``target``.

    The figure is assumed monotone in the parameter over its range: the search doubles (and
    halves) the parameter from its current value until the target is met — bracketing — and then
    bisects geometrically to a relative tolerance ``rtol``. The physical range is [1e-4, 1e4] ×
    the current value for rates and times, [0, 1) for probabilities.
    """
    spec = _as_setup(setup)
    name, meets, threshold = _parse_target(target)
    original, (low, high), unit = _current_value(spec, vary)
    evaluations = 0

    def figure_at(x: float) -> float:
        nonlocal evaluations
        evaluations += 1
        b = budget(with_overrides(spec, {vary: x}), full=False)
        try:
            return b[name]
        except KeyError:
            raise ParameterError(
                f"`target` names {name!r}, which the {spec.scheme} budget does not report; "
                f"figures: {[f.name for f in b.figures]}"
            ) from None

    value0 = figure_at(original)
    if meets(value0, threshold):
        return Requirement(
            vary,
            target,
            original,
            original,
            value0,
            True,
            evaluations,
            f"{target} already holds: {name} = {value0:.4g} at {vary} = {original:.4g}",
        )
    best: tuple[float, float, float] | None = None  # (failing x, meeting x, figure)
    for direction in (2.0, 0.5):
        x_fail, x = original, original
        while evaluations < max_evaluations:
            x = x * direction
            if not low <= x <= high:
                x = min(max(x, low), high)
            try:
                value = figure_at(x)
            except (ParameterError, DeviceFileError):
                break  # the model refuses this value: the edge of the physical range
            if meets(value, threshold):
                if best is None or abs(math.log(x / original)) < abs(math.log(best[1] / original)):
                    best = (x_fail, x, value)
                break
            if x in (low, high):
                break
            x_fail = x
    if best is None:
        return Requirement(
            vary,
            target,
            original,
            None,
            None,
            False,
            evaluations,
            f"{target} cannot be met by varying {vary} within "
            f"[{low:.3g}, {high:.3g}] {unit}: {name} = {value0:.4g} now",
        )
    x_fail, x_ok, value_ok = best
    while abs(math.log(x_ok / x_fail)) > rtol and evaluations < max_evaluations:
        mid = math.sqrt(x_fail * x_ok) if x_fail > 0 else 0.5 * (x_fail + x_ok)
        value = figure_at(mid)
        if meets(value, threshold):
            x_ok, value_ok = mid, value
        else:
            x_fail = mid
    return Requirement(
        vary,
        target,
        original,
        x_ok,
        value_ok,
        True,
        evaluations,
        f"{target} is met with {vary} = {x_ok:.4g} {unit} (now {original:.4g} {unit}): "
        f"{name} = {value_ok:.4g}",
    )


__all__ = ["Budget", "BudgetStep", "Figure", "Requirement", "budget", "compare", "require"]
