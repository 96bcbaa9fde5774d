"""``require``: the least change of one setup parameter that meets a target figure.

The parameter is changed with :func:`~qnet_design.specs.setups.with_overrides` and read in its
units (:func:`~qnet_design.specs.setups.si_number`: SI, dB for losses); each trial is a
headline budget.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeviceFileError, ParameterError
from ..specs.setups import (
    SetupSpec,
    field_kind,
    layout_value,
    load_setup,
    si_number,
    with_overrides,
)

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
    """The value of a dotted parameter as :func:`with_overrides` reads it back (SI units, dB
    for losses), its physical range and unit."""
    head, _, key = path.partition(".")
    if head == "layout":  # a key or one element of a list (layout.detunings[1])
        try:
            value = layout_value(setup, key)
        except DeviceFileError as exc:
            raise ParameterError(f"`vary` {path!r}: {exc}") from None
    else:
        if head not in setup.devices:
            raise ParameterError(f"`vary` names an unknown role {head!r}: {path!r}")
        value = setup.devices[head].get(key)
    if value is None:
        raise ParameterError(f"`vary` must name a parameter the setup sets, got {path!r}")
    number, unit = si_number(value, field_kind(setup, path))
    if key in ("p_loss",):
        return number, (0.0, 1.0 - 1e-9), unit
    if key in ("directionality",):
        return number, (1e-6, 1.0), unit
    if number <= 0:
        raise ParameterError(f"`vary` needs a positive parameter to scale, {path} = {number}")
    return number, (number * 1e-4, number * 1e4), unit


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
    from . import budget  # the package's budget(), defined above this module

    spec = setup if isinstance(setup, SetupSpec) else load_setup(setup)
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


__all__ = ["Requirement", "require"]
