"""Result types of the translators: named rates and dimensionless parameters with provenance."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd


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
    """Everything a scheme model needs, in lab units and in units of the reference rate.

    ``model_kwargs`` are the dimensionless keyword arguments of the scheme's model class;
    ``reference`` names the rate that is 1 in the model (e.g. ``gamma``).
    """

    scheme: str
    setup: str
    reference: Rate
    rates: tuple[Rate, ...]
    parameters: tuple[Parameter, ...]
    model_kwargs: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "model_kwargs", MappingProxyType(dict(self.model_kwargs)))

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
            "model_kwargs": {
                k: list(v) if isinstance(v, tuple) else v for k, v in self.model_kwargs.items()
            },
            "warnings": list(self.warnings),
        }
