"""Values with a stated uncertainty in device and setup files: ``"10 ± 1 MHz"`` and friends.

Accepted forms (``±``, ``+/-`` and ``+-`` are the same separator)::

    "10 ± 1 MHz"          "(10 +/- 1) MHz"       "10 MHz +- 1 MHz"     "10 MHz ± 500 kHz"
    "10 MHz ± 5 %"        "0.8 ± 0.1 dB"         "2.5e5 ± 0.2e5"       "0.95 ± 0.02"
    "20 ± 4 us, lognormal"

The number after the separator is the **standard uncertainty** (one σ). A trailing
``, normal`` (the default) or ``, lognormal`` says how the Monte Carlo budget samples the
value (:mod:`qnet_design.budget.uncertainty`). The nominal value is what every model sees; the
uncertainty is carried next to it (:attr:`DeviceSpec.uncertainties`) and used only by the
uncertainty, sensitivity and feasibility tools.

Why not pint's own ``Measurement``: with the ``uncertainties`` package installed, pint parses
``"10 ± 1 MHz"`` and ``"(10 +/- 1) MHz"``, but it reads ``"10 MHz +- 1 MHz"`` as
10 MHz + (−1 MHz) = 9 MHz, refuses ``"10 MHz ± 1 MHz"`` (it multiplies the two parts), cannot
parse a dB value (an offset unit) and is absent without the extra package. Splitting the text
here and parsing both halves with the field's own parser (dimension checks, the refusal of
``rad/s``) covers every form above with no extra dependency; a pint ``Measurement`` handed in
from Python code is still accepted (:func:`split_measurement`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import UnitError

#: how a Monte Carlo draw treats a stated uncertainty
DISTRIBUTIONS = ("normal", "lognormal")

_SEPARATOR = re.compile(r"±|\+\s*/\s*-|\+\s*-")
_DISTRIBUTION = re.compile(r",\s*([A-Za-z]+)\s*$")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUMBER_THEN_REST = re.compile(rf"^\s*({_NUMBER})\s*(.*?)\s*$")
_PARENTHESISED = re.compile(rf"^\s*\(\s*({_NUMBER})\s*$")


@dataclass(frozen=True)
class Uncertainty:
    """A stated standard uncertainty.

    ``sigma`` has the type and unit of the nominal value it belongs to (a pint Quantity in the
    nominal's unit, or a float for plain numbers and dB values); ``distribution`` is one of
    :data:`DISTRIBUTIONS`; ``written`` is the text as the file gave it.
    """

    sigma: Any
    distribution: str = "normal"
    written: str = ""


@dataclass(frozen=True)
class SplitValue:
    """A value text split into its nominal part and its uncertainty part (``None``: no ±)."""

    nominal: str
    sigma: str | None = None
    relative: float | None = None  # σ as a fraction of the nominal ("± 5 %")
    distribution: str = "normal"


def has_uncertainty(value: Any) -> bool:
    """True for a string that contains a ± separator."""
    return isinstance(value, str) and _SEPARATOR.search(value) is not None


def split_uncertain(text: str, where: str = "value") -> SplitValue:
    """Split ``text`` into nominal and σ texts that carry their own units.

    ``"10 ± 1 MHz"`` → ``("10 MHz", "1 MHz")``; ``"10 MHz ± 500 kHz"`` → ``("10 MHz",
    "500 kHz")``; ``"10 MHz ± 5 %"`` → nominal ``"10 MHz"``, relative 0.05. A text without a
    separator comes back unchanged with ``sigma=None``.

    Raises
    ------
    UnitError
        More than one separator, a σ that is not a number, a unit only on the nominal part
        (``"10 MHz ± 1"`` is ambiguous), or an unknown distribution name.
    """
    distribution = "normal"
    match = _DISTRIBUTION.search(text)
    body = text
    if match:
        distribution = match.group(1).lower()
        if distribution not in DISTRIBUTIONS:
            raise UnitError(
                f"{where}: unknown distribution {match.group(1)!r} in {text!r}; "
                f"write one of {', '.join(DISTRIBUTIONS)} after a comma"
            )
        body = text[: match.start()]
    parts = _SEPARATOR.split(body)
    if len(parts) == 1:
        if match:
            raise UnitError(f"{where}: {text!r} names a distribution but gives no ± uncertainty")
        return SplitValue(body.strip())
    if len(parts) > 2:
        raise UnitError(f"{where}: {text!r} has more than one ± separator")
    left, right = parts[0].strip(), parts[1].strip()
    paren = _PARENTHESISED.match(left)
    if paren:  # "(10 ± 1) MHz": the unit after the parenthesis belongs to both
        inner = re.match(rf"^\s*({_NUMBER})\s*\)\s*(.*?)\s*$", right)
        if inner is None:
            raise UnitError(f"{where}: cannot read {text!r}; expected e.g. '(10 ± 1) MHz'")
        unit = inner.group(2)
        return SplitValue(
            f"{paren.group(1)} {unit}".strip(),
            f"{inner.group(1)} {unit}".strip(),
            None,
            distribution,
        )
    nominal = _NUMBER_THEN_REST.match(left)
    sigma = _NUMBER_THEN_REST.match(right)
    if nominal is None or sigma is None:
        raise UnitError(
            f"{where}: cannot read {text!r}; expected a number ± a number with a unit, "
            "e.g. '10 ± 1 MHz', '(10 +/- 1) MHz' or '10 MHz ± 1 MHz'"
        )
    n_number, n_unit = nominal.groups()
    s_number, s_unit = sigma.groups()
    if s_number.startswith(("-", "+")):
        raise UnitError(f"{where}: the uncertainty in {text!r} must be a plain number >= 0")
    if s_unit == "%":
        return SplitValue(left, None, float(s_number) / 100.0, distribution)
    if n_unit and not s_unit:
        raise UnitError(
            f"{where}: {text!r} gives a unit for the value but not for its uncertainty; "
            f"write '{n_number} ± {s_number} {n_unit}' or '{left} ± {s_number} {n_unit}'"
        )
    if not n_unit:  # "10 ± 1 MHz": the unit after σ belongs to both
        return SplitValue(f"{n_number} {s_unit}".strip(), right, None, distribution)
    return SplitValue(left, right, None, distribution)


def split_measurement(value: Any) -> tuple[Any, Any] | None:
    """``(nominal, sigma)`` pint Quantities of a pint ``Measurement`` (None for anything else).

    pint builds a Measurement from ``Q_(10, "MHz").plus_minus(1)`` when the ``uncertainties``
    package is installed; Python callers may hand one to ``with_overrides``.
    """
    if hasattr(value, "value") and hasattr(value, "error") and hasattr(value, "units"):
        return value.value, value.error
    return None


__all__ = [
    "DISTRIBUTIONS",
    "SplitValue",
    "Uncertainty",
    "has_uncertainty",
    "split_measurement",
    "split_uncertain",
]
