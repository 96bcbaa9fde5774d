"""Result types of the budget layer: figures with units and provenance, error-budget steps."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Figure:
    """One headline number: value, unit, the method that produced it, whether it converged."""

    name: str
    value: float
    unit: str
    method: str
    converged: bool = True
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "unit": self.unit,
            "method": self.method,
            "converged": self.converged,
            "note": self.note,
        }


@dataclass(frozen=True)
class BudgetStep:
    """The headline figure after switching on one more imperfection (in a documented order)."""

    step: str
    figure: str
    value: float


@dataclass(frozen=True)
class Budget:
    """Figures of merit of a setup, its error budget, validity warnings and timings.

    ``to_dict`` has the stable JSON keys ``scheme``, ``setup``, ``figures``
    (name → {value, unit, method, converged}), ``error_budget`` (list of {step, figure, value}),
    ``warnings`` and ``timings`` (seconds per stage). ``profiles`` holds arrays for plots
    (a concurrence matrix, C_kk along the chain, E_N along a chain, C(t)), also in the JSON.
    """

    scheme: str
    setup: str
    figures: tuple[Figure, ...]
    error_budget: tuple[BudgetStep, ...] = ()
    warnings: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    profiles: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "timings", MappingProxyType(dict(self.timings)))
        object.__setattr__(self, "profiles", MappingProxyType(dict(self.profiles)))

    def figure(self, name: str) -> Figure:
        for fig in self.figures:
            if fig.name == name:
                return fig
        raise KeyError(f"no figure {name!r}; figures: {[f.name for f in self.figures]}")

    def __getitem__(self, name: str) -> float:
        return self.figure(name).value

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "setup": self.setup,
            "figures": {f.name: f.to_dict() for f in self.figures},
            "error_budget": [
                {"step": s.step, "figure": s.figure, "value": s.value} for s in self.error_budget
            ],
            "warnings": list(self.warnings),
            "timings": dict(self.timings),
            "profiles": {k: _listify(v) for k, v in self.profiles.items()},
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per figure: name, value, unit, method, converged."""
        return pd.DataFrame(
            [
                {
                    "figure": f.name,
                    "value": f.value,
                    "unit": f.unit,
                    "method": f.method,
                    "converged": f.converged,
                }
                for f in self.figures
            ]
        )

    def error_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"step": s.step, "figure": s.figure, "value": s.value} for s in self.error_budget]
        )

    def __str__(self) -> str:
        lines = [f"{self.setup}  [{self.scheme}]", ""]
        width = max((len(f.name) for f in self.figures), default=10)
        for f in self.figures:
            flag = "" if f.converged else "  (NOT CONVERGED)"
            lines.append(f"  {f.name:<{width}}  {_fmt(f.value):>12} {f.unit:<8} {f.method}{flag}")
        if self.error_budget:
            lines += ["", "Error budget (imperfections switched on one at a time):"]
            for s in self.error_budget:
                lines.append(f"  {s.step:<40} {s.figure} = {_fmt(s.value)}")
        for w in self.warnings:
            lines.append(f"warning: {w}")
        if self.timings:
            total = sum(self.timings.values())
            lines.append(f"\n(computed in {total:.2f} s)")
        return "\n".join(lines)


def _fmt(value: float) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    return f"{value:.4g}"


def _listify(value: Any) -> Any:
    return value.tolist() if hasattr(value, "tolist") else value
