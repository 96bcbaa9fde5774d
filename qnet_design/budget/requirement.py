"""``require``: the least change of one setup parameter that meets a target figure.

The parameter is changed with :func:`~qnet_design.specs.setups.with_overrides` and read in its
units (:func:`~qnet_design.specs.setups.si_number`: SI, dB for losses); each trial is a
headline budget. A positive value is scaled (×2, ÷2, then geometric bisection); a value at 0 or
below (a detuning, a loss in dB at its ideal 0) cannot be scaled, so it is searched in a box the
user gives, ``FIELD=LOW:HIGH`` as for ``optimize --vary``, by additive steps (:func:`require`).
"""

from __future__ import annotations

import math
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
from ..units import Q_, lab_units
from .search_space import COMPARISONS, Variable, parse_vary

_TARGET = re.compile(r"^\s*([A-Za-z_][\w]*)\s*(>=|<=|>|<)\s*([-+0-9.eE]+)\s*(\S.*?)?\s*$")


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


def _parse_target(target: str) -> tuple[str, Callable[[float, float], bool], float, str]:
    """Figure, comparison, number and its unit ("" for a number in the figure's own unit)."""
    match = _TARGET.match(target)
    if not match:
        raise ParameterError(
            "`target` must look like 'n_ent>=10' or 't_prep<=2 us' (figure, comparison, "
            f"number, optional unit), got {target!r}"
        )
    name, op, value, unit = match.groups()
    try:
        number = float(value)
    except ValueError:
        raise ParameterError(f"`target` {target!r}: {value!r} is not a number") from None
    return name, COMPARISONS[op], number, unit or ""


def _current_value(setup: SetupSpec, path: str) -> tuple[float, tuple[float, float] | None, str]:
    """The value of a dotted parameter as :func:`with_overrides` reads it back (SI units, dB
    for losses), its physical range where the field has one (``None`` otherwise) and unit."""
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
    try:
        number, unit = si_number(value, field_kind(setup, path))
    except (TypeError, ValueError):
        raise ParameterError(
            f"`vary` {path} is not a numeric parameter (it is {value!r})"
        ) from None
    return number, _PHYSICAL.get(key), unit


#: fields with a physical range of their own: a value at 0 is searched within it
_PHYSICAL = {"p_loss": (0.0, 1.0 - 1e-9), "directionality": (1e-6, 1.0)}
#: box search: the first trial step is 2^-SCAN of the way to the box edge, then doubling
SCAN = 5


def _box(setup: SetupSpec, vary: str, original: float, unit: str) -> Variable:
    """The box to search: ``FIELD=LOW:HIGH[:log]`` as given, or a field's physical range for a
    value at 0 (which doubling and halving cannot move); else a one-line refusal."""
    path, sep, _ = vary.partition("=")
    if sep:
        box = parse_vary(setup, vary)
        if not isinstance(box, Variable):
            raise ParameterError(f"`vary` {vary!r}: give a range LOW:HIGH, not a list of values")
        return box
    physical = _PHYSICAL.get(path.partition(".")[2])
    if physical is not None:
        return Variable(path, *physical, False, unit)
    raise ParameterError(
        f"`vary` {path} is {lab_units(original, unit)} now, which doubling and halving cannot move "
        f"toward a target; give the range to search, --vary '{path}=LOW:HIGH' (values with "
        f"their unit; a bare number is {unit or 'a plain number'})"
    )


def _position(box: Variable, x: float) -> float:
    """The normalised coordinate of ``x`` in ``box`` (inverse of :meth:`Variable.value`)."""
    if box.log:
        return math.log(x / box.low) / math.log(box.high / box.low) if x > 0 else 0.0
    return (x - box.low) / (box.high - box.low)


class _Trials:
    """Headline budgets of the setup with ``path`` set to x, counted against a maximum."""

    def __init__(self, spec: SetupSpec, path: str, target: str, max_evaluations: int):
        self.spec, self.path, self.max = spec, path, max_evaluations
        self.target = target
        self.name, self.op, self.threshold, self.target_unit = _parse_target(target)
        self.evaluations = 0
        self.unit = ""  # the figure's unit, from the first budget

    def show(self, value: float) -> str:
        """``name = value unit`` for the messages."""
        return f"{self.name} = {value:.4g} {self.unit}".rstrip()

    @property
    def left(self) -> bool:
        return self.evaluations < self.max

    def meets(self, value: float) -> bool:
        return bool(self.op(value, self.threshold))

    def figure(self, x: float) -> float:
        from . import budget  # the package's budget(), defined above this module

        self.evaluations += 1
        b = budget(with_overrides(self.spec, {self.path: x}), full=False)
        try:
            value = b[self.name]
            self.unit = b.figure(self.name).unit
        except KeyError:
            raise ParameterError(
                f"`target` names {self.name!r}, which the {self.spec.scheme} budget does not "
                f"report; figures: {[f.name for f in b.figures]}"
            ) from None
        if self.target_unit:  # once: the threshold into the figure's unit
            try:
                quantity = Q_(self.threshold, self.target_unit)
                self.threshold = float(quantity.m_as(self.unit or "dimensionless"))
            except Exception:
                raise ParameterError(
                    f"`target` {self.target!r}: {self.target_unit!r} is not a unit of "
                    f"{self.name} ({self.unit or 'a plain number'})"
                ) from None
            self.target_unit = ""
        return value


Bracket = tuple[float, float, float]  # (failing x, meeting x, figure at the meeting x)


def _by_scaling(trials: _Trials, original: float, low: float, high: float) -> Bracket | None:
    """Double and halve ``original`` (within [low, high]) until the target is met; the
    bracket with the smaller relative change."""
    best: Bracket | None = None
    for direction in (2.0, 0.5):
        x_fail, x = original, original
        while trials.left:
            x = min(max(x * direction, low), high)
            try:
                value = trials.figure(x)
            except (ParameterError, DeviceFileError):
                break  # the model refuses this value: the edge of the physical range
            if trials.meets(value):
                if best is None or abs(math.log(x / original)) < abs(math.log(best[1] / original)):
                    best = (x_fail, x, value)
                break
            if x in (low, high):
                break
            x_fail = x
    return best


def _in_box(trials: _Trials, box: Variable, start: float) -> Bracket | None:
    """From ``start`` toward each edge of ``box`` by 2^-SCAN, 2^-SCAN+1, … 1 of the way until
    the target is met; the bracket with the smaller change."""
    u0 = _position(box, start)
    best: Bracket | None = None
    for edge in (1.0, 0.0):
        x_fail = start
        for j in range(SCAN, -1, -1):
            x = box.value(u0 + (edge - u0) / 2**j)
            if x == x_fail or not trials.left:
                continue
            try:
                value = trials.figure(x)
            except (ParameterError, DeviceFileError):
                break
            if trials.meets(value):
                if best is None or abs(x - start) < abs(best[1] - start):
                    best = (x_fail, x, value)
                break
            x_fail = x
    return best


def require(
    setup: SetupSpec | str | Path,
    target: str,
    vary: str,
    *,
    rtol: float = 1e-2,
    max_evaluations: int = 40,
) -> Requirement:
    """Least change of one parameter (``vary``) meeting ``target``.

    ``vary`` is ``"source.linewidth"`` or, with the box to search, ``"layout.detunings[0]=-2
    MHz:2 MHz"`` (``:log`` to search the logarithm; bounds as for ``optimize --vary``). The
    figure is assumed monotone in the parameter on each side of its current value.

    * Without a box, a positive value is doubled (and halved) until the target is met —
      bracketing — then bisected geometrically to a relative tolerance ``rtol``; its range is
      [1e-4, 1e4] × the current value, [0, 1) for a probability, (0, 1] for a directionality.
    * With a box (and for a loss probability or directionality at 0, within its physical
      range), the search starts at the current value (moved into the box if outside) and steps
      toward each edge by 1/32, 1/16, … of the way until the target is met, then bisects to
      ``rtol`` (relative) or 1/1000 of the box; of the two sides the smaller change wins.
    * A value of 0 or below without a box (a detuning, a loss in dB) cannot be scaled: one-line
      :class:`ParameterError` naming the ``FIELD=LOW:HIGH`` form.
    """
    spec = setup if isinstance(setup, SetupSpec) else load_setup(setup)
    path = vary.partition("=")[0].strip()
    trials = _Trials(spec, path, target, max_evaluations)
    original, physical, unit = _current_value(spec, path)
    box = _box(spec, vary, original, unit) if "=" in vary or original <= 0 else None
    start = original if box is None else box.value(_position(box, original))
    value0 = trials.figure(start)
    if trials.meets(value0):
        moved = f" (the value in the box nearest {lab_units(original, unit)})"
        return Requirement(
            path,
            target,
            original,
            start,
            value0,
            True,
            trials.evaluations,
            f"{target} holds: {trials.show(value0)} at {path} = {lab_units(start, unit)}{moved}"
            if start != original
            else f"{target} already holds: {trials.show(value0)} at {path} = "
            f"{lab_units(original, unit)}",
        )
    if box is None:
        low, high = physical or (original * 1e-4, original * 1e4)
        best = _by_scaling(trials, original, low, high)
    else:
        low, high = box.low, box.high
        best = _in_box(trials, box, start)
    if best is None:
        return Requirement(
            path,
            target,
            original,
            None,
            None,
            False,
            trials.evaluations,
            f"{target} cannot be met by varying {path} within "
            f"[{lab_units(low, unit)}, {lab_units(high, unit)}]: {trials.show(value0)} now",
        )
    x_fail, x_ok, value_ok = best
    while trials.left and abs(x_ok - x_fail) > rtol * abs(x_ok):
        if box is None:
            mid = math.sqrt(x_fail * x_ok) if x_fail > 0 else 0.5 * (x_fail + x_ok)
        elif abs(_position(box, x_ok) - _position(box, x_fail)) <= 1e-3:
            break
        else:
            mid = box.value(0.5 * (_position(box, x_fail) + _position(box, x_ok)))
        value = trials.figure(mid)
        if trials.meets(value):
            x_ok, value_ok = mid, value
        else:
            x_fail = mid
    return Requirement(
        path,
        target,
        original,
        x_ok,
        value_ok,
        True,
        trials.evaluations,
        f"{target} is met with {path} = {lab_units(x_ok, unit)} (now "
        f"{lab_units(original, unit)}): {trials.show(value_ok)}",
    )


__all__ = ["Requirement", "require"]
