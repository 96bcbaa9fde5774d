"""What ``optimize`` and ``require`` may vary, and the constraints they keep: ``--vary`` and
``--constraint`` parsed against a setup into boxes (:class:`Variable`), discrete choices
(:class:`Choice`) and penalties (:class:`Constraint`), in the field's SI unit (dB for losses).
A bound of a dimensional field needs its unit: a bare number is refused, never read in SI."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import DeviceFileError, ParameterError, UnitError
from ..specs.fields import DEVICE_FIELDS
from ..specs.setups import SetupSpec, layout_field, with_overrides
from ..units import EXAMPLE_UNITS, FIELD_KINDS, Q_, lab_units, parse_decibels, parse_quantity

#: the comparisons of `--constraint` and `require --target`
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}
_CONSTRAINT = re.compile(r"^\s*([A-Za-z_]\w*)\s*(<=|>=|<|>)\s*(.+?)\s*$")


@dataclass(frozen=True)
class Variable:
    """One varied parameter: dotted path, bounds in the override unit, log or linear search."""

    path: str
    low: float
    high: float
    log: bool
    unit: str

    def value(self, u: float) -> float:
        """The parameter at the normalised coordinate u ∈ [0, 1]."""
        u = min(max(u, 0.0), 1.0)
        if self.log:
            return float(self.low * (self.high / self.low) ** u)
        return float(self.low + u * (self.high - self.low))

    def show(self, x: float) -> str:
        return lab_units(0.0 if abs(x) < 1e-9 * (self.high - self.low) else x, self.unit)


def _field_kind(setup: SetupSpec, path: str) -> str:
    head, _, key = path.partition(".")
    if head == "layout":  # a key, or one element of a list (layout.positions[1])
        try:
            return layout_field(setup.scheme, key).kind
        except DeviceFileError as exc:
            raise ParameterError(f"`--vary` {path!r}: {exc}") from None
    if head not in setup.devices or not key:
        raise ParameterError(
            f"`--vary` must name role.field or layout.key, got {path!r}; roles: "
            f"{', '.join(setup.devices)}"
        )
    schema = DEVICE_FIELDS[setup.devices[head].kind]
    if key not in schema:
        raise ParameterError(
            f"`--vary` names an unknown field {path!r}; known: {', '.join(schema)}"
        )
    return schema[key].kind


def _bound(text: str, kind: str, where: str) -> float:
    text = text.strip()
    try:
        number = float(text)
    except ValueError:
        pass
    else:  # a bare number is never read silently in SI units (as for sweep values)
        if kind in EXAMPLE_UNITS:
            raise ParameterError(
                f"{where}: the bare number {text!r} needs a unit (it is not read as SI); "
                f"write e.g. '{text} {EXAMPLE_UNITS[kind]}'"
            )
        return number
    try:
        if kind in ("db", "db_per_length"):
            return parse_decibels(text, where, per_length=kind == "db_per_length")
        if kind in FIELD_KINDS:
            return float(parse_quantity(text, kind, where).m_as(FIELD_KINDS[kind][1]))
    except UnitError as exc:
        raise ParameterError(str(exc)) from None
    raise ParameterError(f"{where} must be a number, got {text!r}")


@dataclass(frozen=True)
class Choice:
    """A parameter tried at each of a few values (a permutation, an integer, a geometry)."""

    path: str
    values: tuple[Any, ...]
    unit: str = ""

    def show(self, x: Any) -> str:
        return str(x)


def _choice(setup: SetupSpec, path: str, rhs: str, spec: str) -> Choice:
    """``"layout.permutation=identity,reversed"``: each value is checked against the field."""
    texts = [t.strip() for t in rhs.split(",")]
    if len(texts) < 2 or "" in texts or len(set(texts)) < len(texts):
        raise ParameterError(f"`--vary` {spec!r}: give two or more distinct values")
    values: list[Any] = [_number_or_text(t) for t in texts]
    for value in values:
        try:
            with_overrides(setup, {path: value})
        except DeviceFileError as exc:
            raise ParameterError(f"`--vary` {spec!r}: {exc}") from None
    return Choice(path, tuple(values))


def _number_or_text(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def parse_vary(setup: SetupSpec, spec: str) -> Variable | Choice:
    """``"source.filter_q=1e4:1e6"`` (``:log`` to search the logarithm) → :class:`Variable`;
    ``"layout.permutation=identity,reversed"`` (values, no ``:``) → :class:`Choice`."""
    path, sep, rhs = spec.partition("=")
    path = path.strip()
    if sep and "," in rhs and ":" not in rhs:
        _field_kind(setup, path)
        return _choice(setup, path, rhs, spec)
    parts = rhs.split(":")
    if not sep or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] not in ("log", "lin")):
        raise ParameterError(
            f"`--vary` must look like 'FIELD=LOW:HIGH[:log]' or 'FIELD=V1,V2,...', got {spec!r}"
        )
    kind = _field_kind(setup, path)
    if kind == "integer":
        raise ParameterError(
            f"`--vary` {path!r} is an integer: list the values to try, e.g. '{path}=2,3,4'"
        )
    if kind not in FIELD_KINDS and kind not in ("number", "db", "db_per_length"):
        raise ParameterError(f"`--vary` {path!r} is not a numeric parameter (it is a {kind})")
    low, high = (_bound(p, kind, f"`--vary` {path}") for p in parts[:2])
    unit = FIELD_KINDS[kind][1] if kind in FIELD_KINDS else {"db": "dB"}.get(kind, "")
    if not low < high:
        raise ParameterError(
            f"`--vary` {spec!r}: LOW must be < HIGH, got {lab_units(low, unit)} and "
            f"{lab_units(high, unit)}"
        )
    log = len(parts) == 3 and parts[2] == "log"
    if log and low <= 0:
        raise ParameterError(f"`--vary` {spec!r}: a log search needs LOW > 0")
    for x in (low, high):  # the box must be valid for the field: fail before anything runs
        try:
            with_overrides(setup, {path: x})
        except DeviceFileError as exc:
            raise ParameterError(f"`--vary` {spec!r}: {exc}") from None
    return Variable(path, low, high, log, "dB/m" if kind == "db_per_length" else unit)


@dataclass(frozen=True)
class Constraint:
    figure: str
    op: str
    value: float  # in the figure's own unit
    text: str

    def violation(self, figures: Mapping[str, float]) -> float:
        """0 when the constraint holds, else how far it misses (relative to the bound)."""
        x = figures.get(self.figure, math.nan)
        if not math.isfinite(x) and not math.isinf(x):
            return math.inf
        if COMPARISONS[self.op](x, self.value):
            return 0.0
        return abs(x - self.value) / max(abs(self.value), 1e-12)


def parse_constraint(text: str, units: Mapping[str, str]) -> Constraint:
    """``"t_90<=2 us"`` → :class:`Constraint` in the figure's unit (``units``: figure → unit)."""
    match = _CONSTRAINT.match(text)
    if not match:
        raise ParameterError(f"`--constraint` must look like 't_prep<=2 us', got {text!r}")
    name, op, rhs = match.groups()
    if name not in units:
        raise ParameterError(f"`--constraint` names {name!r}; figures: {', '.join(units)}")
    try:
        quantity: Any = Q_(rhs)
        value = float(quantity.m_as(units[name] or "dimensionless"))
    except Exception:
        raise ParameterError(
            f"`--constraint` {text!r}: {rhs!r} is not a value in the unit of {name} "
            f"({units[name] or 'a plain number'})"
        ) from None
    return Constraint(name, op, value, text)
