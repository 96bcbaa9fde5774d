"""Result types of the budget layer: figures with units and provenance, error-budget steps,
profiles (arrays with their own axis) and the :class:`Budget` that holds them.

Non-finite numbers (one rule for every JSON the toolkit writes): a value that is ±∞ or NaN is
``null`` in JSON; a figure or error-budget step with such a value also carries
``"non_finite": "inf" | "-inf" | "nan"`` and its reason in ``note`` (e.g. ``t_peak`` of a
C(t) without overshoot: ``null``, ``"inf"``, "reached asymptotically"). Text output prints ∞
and NaN with the same reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

#: evidence printed for a figure whose method has no truncation to converge
NO_TRUNCATION = "no truncation (closed form or direct solve)"


def non_finite(value: Any) -> str | None:
    """``"inf"``, ``"-inf"`` or ``"nan"`` for a non-finite float, None otherwise."""
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return None


def json_safe(value: Any) -> Any:
    """``value`` with arrays as lists and every non-finite float as None (standard JSON)."""
    if hasattr(value, "tolist") and not isinstance(value, (float, np.floating)):
        value = value.tolist()
    if isinstance(value, (float, np.floating)):
        return None if non_finite(value) else float(value)
    if isinstance(value, Mapping):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def _with_non_finite(data: dict[str, Any], value: float) -> dict[str, Any]:
    kind = non_finite(value)
    if kind is not None:
        data["non_finite"] = kind
    return data


def format_value(value: float, digits: int = 4) -> str:
    """A number for text output: ∞, −∞, NaN spelled out, integers without a decimal point."""
    kind = non_finite(value)
    if kind is not None:
        return {"inf": "∞", "-inf": "−∞", "nan": "NaN"}[kind]
    return f"{value:.{digits}g}"


def with_unit(value: float, unit: str, digits: int = 4) -> str:
    """``value unit`` for text output (:func:`format_value`; no trailing space when unitless)."""
    return f"{format_value(value, digits)} {unit}".rstrip()


def text_block(
    name: str, value: str, method: str, details: Sequence[tuple[str, str]], width: int
) -> list[str]:
    """One figure in the long text output of every result (budget, intervals, translation):

    ``name  value unit  method`` on one line, then one indented ``label: text`` line per detail
    (the convergence evidence, a note, an interval); empty details are left out.
    """
    pad = " " * (width + 4)
    lines = [f"  {name:<{width}}  {value:<16} {method}".rstrip()]
    lines += [f"{pad}{label}: {text}" for label, text in details if text]
    return lines


def short_line(name: str, value: str, width: int, flag: str = "") -> str:
    """One figure in the short text output (``--quiet``): ``name = value unit  (flag)``."""
    return f"  {name:<{width}} = {value}" + (f"  ({flag})" if flag else "")


#: First words of a figure's method that mark it as not computed for the user's own setup.
NOT_OWN_SETUP = ("ideal", "extrapolated", "approximate")


@dataclass(frozen=True)
class Figure:
    """One headline number: value, unit, the method that produced it, whether it converged.

    ``evidence`` is the one-line convergence evidence of a truncated method (the truncation used
    and the change between the last two truncations); ``note`` says anything else the number
    needs (what it is an estimate of, why it is infinite).
    """

    name: str
    value: float
    unit: str
    method: str
    converged: bool = True
    note: str = ""
    evidence: str = ""

    def __float__(self) -> float:
        return float(self.value)

    @property
    def column(self) -> str:
        """The figure's column name in every table (``compare``, ``sweep``, ``to_frame``):
        ``name [unit]``, or ``name`` for a dimensionless figure."""
        return f"{self.name} [{self.unit}]" if self.unit else self.name

    def to_dict(self) -> dict[str, Any]:
        data = {
            "value": json_safe(self.value),
            "unit": self.unit,
            "method": self.method,
            "converged": self.converged,
            "evidence": self.evidence or NO_TRUNCATION,
            "note": self.note,
        }
        return _with_non_finite(data, self.value)

    def text(self) -> str:
        """``value unit`` for text output (∞ and NaN spelled out)."""
        return with_unit(self.value, self.unit)

    @property
    def flags(self) -> str:
        """What the short output says on the figure's line: its label, non-convergence."""
        words = [self.label] if self.label else []
        return ", ".join(words + ([] if self.converged else ["NOT CONVERGED"]))

    @property
    def label(self) -> str:
        """``ideal``, ``extrapolated`` or ``approximate`` when the method says the number is not
        computed for the user's own setup (its first word), else ``""``; the short text output
        prints it on the figure's line."""
        first = self.method.split(maxsplit=1)[0].rstrip(":,").lower() if self.method else ""
        return first if first in NOT_OWN_SETUP else ""


@dataclass(frozen=True)
class BudgetStep:
    """The headline figure after switching on one more imperfection (in a documented order)."""

    step: str
    figure: str
    value: float

    def to_dict(self) -> dict[str, Any]:
        data = {"step": self.step, "figure": self.figure, "value": json_safe(self.value)}
        return _with_non_finite(data, self.value)


@dataclass(frozen=True, eq=False)
class Profile:
    """An array a budget plots, with its own axis: a trace over time, a figure along a chain
    (integer node or pair index) or a matrix (rows A_i, columns B_j).

    Behaves as its array (``np.asarray``, indexing, ``len``, iteration).

    Attributes
    ----------
    values
        The numbers (1-D trace or chain, 2-D matrix).
    x
        Abscissa of a 1-D profile in the unit of ``x_label`` (times in µs, node numbers);
        None: the integers 1, 2, ….
    x_label
        Quantity and unit of ``x`` ("time t (µs)", "node m", "pair j").
    y_label
        Quantity (and unit) of ``values``; the profile's name when empty.
    """

    values: np.ndarray
    x: np.ndarray | None = None
    x_label: str = "index"
    y_label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", np.asarray(self.values))
        if self.x is not None:
            object.__setattr__(self, "x", np.asarray(self.x))

    @property
    def matrix(self) -> bool:
        return self.values.ndim == 2

    @property
    def abscissa(self) -> np.ndarray:
        """``x``, or 1, 2, … for a chain without one."""
        return self.x if self.x is not None else np.arange(1, len(self.values) + 1)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.values, dtype=dtype)

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, index: Any) -> Any:
        return self.values[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.values)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"values": json_safe(self.values)}
        if not self.matrix:
            data["x"] = json_safe(self.abscissa)
            data["x_label"] = self.x_label
        if self.y_label:
            data["y_label"] = self.y_label
        return data


@dataclass(frozen=True)
class Budget:
    """Figures of merit of a setup, its error budget, validity warnings and timings.

    ``to_dict`` has the stable JSON keys ``scheme``, ``setup``, ``figures``
    (name → {value, unit, method, converged, evidence, note[, non_finite]}), ``error_budget``
    (list of {step, figure, value[, non_finite]}), ``warnings``, ``timings`` (wall seconds per
    stage, and ``total``, the whole budget's, less than the stages' sum where they ran alongside
    each other) and ``profiles`` (name → {values[, x, x_label][, y_label]}: a concurrence
    matrix, C_kk along the chain, E_N along a chain, C(t) against time). Non-finite values
    follow the module's rule. A plain array given as a profile becomes a :class:`Profile`
    indexed 1, 2, ….
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
        profiles = {
            k: v if isinstance(v, Profile) else Profile(np.asarray(v))
            for k, v in self.profiles.items()
        }
        object.__setattr__(self, "profiles", MappingProxyType(profiles))

    def __reduce__(self) -> tuple[Any, ...]:  # mapping proxies do not pickle; their dicts do
        fields = (self.scheme, self.setup, self.figures, self.error_budget, self.warnings)
        return (Budget, (*fields, dict(self.timings), dict(self.profiles)))

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
            "error_budget": [s.to_dict() for s in self.error_budget],
            "warnings": list(self.warnings),
            "timings": json_safe(dict(self.timings)),
            "profiles": {k: v.to_dict() for k, v in self.profiles.items()},
        }

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as standard JSON (non-finite values are null, see the module)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def plot(self) -> MplFigure:
        """The budget's figure: one panel per profile and the error-budget waterfall."""
        from ..plotting import budget_figure

        return budget_figure(self)

    def to_frame(self, detail: bool = False) -> pd.DataFrame:
        """One row per figure, indexed by name: value, unit, converged — narrow enough that
        pandas shows every column under its default display width. ``detail=True`` adds the
        method, the convergence evidence and the note (long text; ``str(budget)`` prints the
        same readably)."""
        rows = []
        for f in self.figures:
            row: dict[str, Any] = {
                "figure": f.name,
                "value": f.value,
                "unit": f.unit,
                "converged": f.converged,
            }
            if detail:
                row.update(method=f.method, evidence=f.evidence or NO_TRUNCATION, note=f.note)
            rows.append(row)
        frame = pd.DataFrame(rows)
        return frame.set_index("figure") if len(frame) else frame

    def table_row(self) -> dict[str, Any]:
        """One table row of the headline figures (``compare``, ``sweep``): setup, scheme, one
        :attr:`Figure.column` per figure, and the warnings as text (" | "-separated)."""
        row: dict[str, Any] = {"setup": self.setup, "scheme": self.scheme}
        row.update({f.column: f.value for f in self.figures})
        row["warnings"] = " | ".join(self.warnings)
        return row

    def error_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"step": s.step, "figure": s.figure, "value": s.value} for s in self.error_budget]
        )

    def summary(self) -> str:
        """The short form: one line per figure, ``name = value unit`` (``--quiet``)."""
        lines = [f"{self.setup}  [{self.scheme}]"]
        width = max((len(f.name) for f in self.figures), default=10)
        lines += [short_line(f.name, f.text(), width, f.flags) for f in self.figures]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        lines = [f"{self.setup}  [{self.scheme}]", ""]
        width = max((len(f.name) for f in self.figures), default=10)
        for f in self.figures:
            method = f.method + ("" if f.converged else "  (NOT CONVERGED)")
            details = [("evidence", f.evidence or NO_TRUNCATION), ("note", f.note)]
            lines += text_block(f.name, f.text(), method, details, width)
        if self.error_budget:
            lines += ["", "Error budget (imperfections switched on one at a time):"]
            step_width = max(len(s.step) for s in self.error_budget)
            for s in self.error_budget:
                lines.append(f"  {s.step:<{step_width}}  {s.figure} = {format_value(s.value)}")
        if self.warnings:
            lines.append("")
        lines += [f"warning: {w}" for w in self.warnings]
        if self.timings:
            # the wall time; the stages' sum only for a Budget made without it
            total = self.timings.get("total", sum(self.timings.values()))
            lines.append(f"\n(computed in {total:.2f} s)")
        return "\n".join(lines)
