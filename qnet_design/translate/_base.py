"""Result types of the translators: named rates and dimensionless parameters with provenance.

A :class:`Translation` is the units boundary in both directions: lab units become the model's
(units of the reference rate) when it is built, and model times and rates become lab units
again through :meth:`Translation.to_time` and :meth:`Translation.to_rate`, never by hand.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np
import pandas as pd
import pint

from ..errors import UnitError
from ..units import Q_

if TYPE_CHECKING:
    from ..specs.setups import SetupSpec

M = TypeVar("M")


@dataclass(frozen=True)
class Rate:
    """A model rate: ``angular`` is in 1/s (an angular frequency or an energy decay rate).

    ``name`` is the model's keyword, ``symbol`` the paper's symbol, ``note`` how it was obtained.
    """

    name: str
    symbol: str
    angular: float
    note: str = ""

    @property
    def hz(self) -> float:
        """The cyclic value Γ/2π in Hz (what a VNA or spectrum analyser shows)."""
        return self.angular / (2.0 * math.pi)


@dataclass(frozen=True)
class Parameter:
    """A dimensionless model parameter (r, n_th, p_loss, n̄, m̄, k₀z, ...)."""

    name: str
    symbol: str
    value: float | str | tuple[Any, ...]
    note: str = ""


@dataclass(frozen=True)
class Translation:
    """A setup translated: its rates in lab units and the scheme's model built from them.

    ``model`` is the scheme's frozen, unitless model (e.g. a ``ThermalLink``) in units of the
    ``reference`` rate (the rate that is 1 in the model, e.g. ``gamma``); budgets take it with
    :meth:`model_as`. ``rates`` and ``parameters`` are what ``translate`` shows; the scheme's
    contract (:mod:`qnet_design.translate._contract`) says how each reaches the model, and
    ``warnings`` name every declared-not-modelled value that matters.
    """

    scheme: str
    setup: str
    reference: Rate
    rates: tuple[Rate, ...]
    parameters: tuple[Parameter, ...]
    model: Any
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        setup: SetupSpec,
        reference: Rate,
        rates: Iterable[Rate],
        parameters: Iterable[Parameter],
        model: Any,
        warnings: Iterable[str] = (),
    ) -> Translation:
        """What a translator returns for ``setup`` (its scheme and name): the ``reference``
        rate (1 in the model), the rates and parameters it shows, the model and its warnings."""
        return cls(
            setup.scheme,
            setup.name,
            reference,
            tuple(rates),
            tuple(parameters),
            model,
            tuple(warnings),
        )

    def model_as(self, model_class: type[M]) -> M:
        """The model, checked to be a ``model_class`` (how a budget gets its typed model)."""
        if not isinstance(self.model, model_class):
            raise TypeError(
                f"the {self.scheme} translation holds a {type(self.model).__name__}, "
                f"not a {model_class.__name__}"
            )
        return self.model

    @property
    def model_kwargs(self) -> Mapping[str, Any]:
        """The model's constructor fields and their values (read-only: display, JSON, cache
        keys). Variants of the model are ``dataclasses.replace(translation.model, ...)``."""
        return MappingProxyType(
            {f.name: getattr(self.model, f.name) for f in dataclasses.fields(self.model) if f.init}
        )

    @overload
    def to_time(self, t: float, unit: str) -> float: ...
    @overload
    def to_time(self, t: np.ndarray, unit: str) -> np.ndarray: ...
    def to_time(self, t: float | np.ndarray, unit: str) -> float | np.ndarray:
        """A model time (units of 1/ω_ref, ω_ref = ``reference.angular``) in a lab time unit.

        ``tr.to_time(50.0, "us")`` is 50/ω_ref in µs; arrays convert elementwise.
        """
        return _scaled(t, _in_unit(1.0 / self.reference.angular, "s", unit, "time"))

    @overload
    def to_rate(self, x: float, unit: str) -> float: ...
    @overload
    def to_rate(self, x: np.ndarray, unit: str) -> np.ndarray: ...
    def to_rate(self, x: float | np.ndarray, unit: str) -> float | np.ndarray:
        """A model rate (units of ω_ref) as events per lab time unit: ``unit`` is ``"1/us"``,
        ``"1/s"``, ... (a flux, a decay rate, a damping margin: x·ω_ref, no 2π).

        Hz is refused: a cyclic frequency ω/2π is ``Rate.hz``, never a rate read as Hz.
        """
        if "hz" in unit.lower():
            raise UnitError(
                f"to_rate gives events per time (e.g. '1/us'), not a frequency in {unit!r}; a "
                "cyclic frequency ω/2π of a rate is Rate.hz"
            )
        return _scaled(x, _in_unit(self.reference.angular, "1/s", unit, "rate"))

    def dimensionless(self, rate: Rate) -> float:
        """``rate`` in units of the reference rate."""
        return rate.angular / self.reference.angular

    def rate(self, name: str) -> Rate:
        for r in self.rates:
            if r.name == name:
                return r
        raise KeyError(name)

    def to_frame(self) -> pd.DataFrame:
        """One row per rate: Hz, rad/s and units of the reference rate."""
        rows = [
            {
                "name": r.name,
                "symbol": r.symbol,
                "value_hz": r.hz,
                "value_rad_per_s": r.angular,
                f"value_per_{self.reference.name}": self.dimensionless(r),
                "note": r.note,
            }
            for r in self.rates
        ]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stable keys: scheme, setup, reference, rates, parameters, ...)."""
        return {
            "scheme": self.scheme,
            "setup": self.setup,
            "reference": {
                "name": self.reference.name,
                "symbol": self.reference.symbol,
                "hz": self.reference.hz,
                "rad_per_s": self.reference.angular,
            },
            "rates": [
                {
                    "name": r.name,
                    "symbol": r.symbol,
                    "hz": r.hz,
                    "rad_per_s": r.angular,
                    "dimensionless": self.dimensionless(r),
                    "note": r.note,
                }
                for r in self.rates
            ],
            "parameters": [
                {
                    "name": p.name,
                    "symbol": p.symbol,
                    "value": list(p.value) if isinstance(p.value, tuple) else p.value,
                    "note": p.note,
                }
                for p in self.parameters
            ],
            "model": type(self.model).__name__,
            "model_kwargs": {k: _listify(v) for k, v in self.model_kwargs.items()},
            "warnings": list(self.warnings),
        }


def _in_unit(value: float, si: str, unit: str, what: str) -> float:
    """``value`` (in the SI unit ``si``) in ``unit``."""
    return value * _per_si(si, unit, what)


@functools.cache
def _per_si(si: str, unit: str, what: str) -> float:
    try:
        return float(Q_(1.0, si).m_as(unit))
    except (pint.errors.PintError, AttributeError, TypeError, ValueError):
        example = "'us', 'ns', 's'" if what == "time" else "'1/us', '1/s'"
        raise UnitError(f"{unit!r} is not a unit of {what} (e.g. {example})") from None


def _scaled(value: float | np.ndarray, factor: float) -> Any:
    """``value · factor``: a float for a number, an array for an array."""
    if isinstance(value, np.ndarray):
        return value * factor
    return float(value) * factor


def _listify(value: Any) -> Any:
    """Tuples (also nested) and arrays as lists, for JSON."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (tuple, list)):
        return [_listify(v) for v in value]
    return value
