"""Which device or layout parameter matters most: a ranking in lab units (``sensitivity``).

For every numeric parameter the setup sets (device fields and scalar layout values), two
numbers, from budgets at a few nearby points (run like a sweep: parallel, cached):

* the local **elasticity** e = (x/F) ∂F/∂x of the headline figure F, by central differences at
  x(1 ± 5 %) (one-sided at a bound of the field's range, e.g. directionality ≤ 1);
* the figure after one **realistic improvement** in lab units: a known imperfection is halved
  (losses, 1 − directionality, added noise, bath temperatures, linewidths of loss channels) or
  a coherence time doubled; any other parameter moves 10 % in the direction the elasticity
  favours. The figure there is computed, not extrapolated.

The ranking is by the change of F under that improvement; parameters at a local optimum
(neither ±10 % helps) come last, with what a 10 % error there costs. Imperfections obey the
metamorphic rule of the test suite — making one worse never improves the figure — and a
violation is reported with the result rather than hidden. Each element of a list-valued layout
key is a parameter of its own (``layout.positions[1]``); integer layout keys (pairs) are left
out, and parameters at 0 are listed but not ranked.

Over the *stated uncertainties* instead of local steps, :func:`qnet_design.budget.sobol.
sobol_indices` (``sensitivity --sobol``) splits the variance of the figure into first-order and
total Sobol indices.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError
from ..runs.points import FAILED, WARNINGS, evaluate_points, timed_nominal
from ..runs.store import ResultStore
from ..specs.fields import DEVICE_FIELDS
from ..specs.setups import SCHEMES, SetupSpec, si_number
from ..units import FIELD_KINDS, lab_units

#: headline figure per scheme (larger is better)
HEADLINE = {
    "thermal_link": "concurrence",
    "dual_rail": "n_ent",
    "cv_routing": "M_max",
    "cv_replication": "E_N_min",
    "cooperative": "peak_concurrence",
}

#: imperfections: field → (how the lab improves it, factor on the value, or on 1 − value)
_DOUBLING = ("doubling", 2.0)
_HALVING = ("halving", 0.5)
IMPERFECTIONS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("t1", "t1_intrinsic", "t2", "t_phi"), _DOUBLING),  # coherence times
    "directionality": ("halving the backward part of", 0.5),
    **dict.fromkeys(("insertion_loss", "loss_per_length", "p_loss"), _HALVING),  # losses
    **dict.fromkeys(("base_temperature", "added_noise", "bath_temperature"), _HALVING),  # noise
    # linewidths of loss channels (cavity_linewidth: the cv_replication layout key)
    **dict.fromkeys(("mechanical_linewidth", "cavity_linewidth"), _HALVING),
}

#: relative step of the central differences, and of a generic "realistic" change
STEP = 0.05
GENERIC = 0.10


@dataclass(frozen=True)
class Parameter:
    """A numeric parameter of a setup: value in SI (dB, dB/m, 1) and its physical range."""

    path: str
    value: float
    unit: str
    low: float | None
    high: float | None

    def clip(self, x: float) -> float:
        if self.low is not None:
            x = max(x, self.low)
        if self.high is not None:
            x = min(x, self.high)
        return x

    def show(self, x: float) -> str:
        return lab_units(x, self.unit)


def numeric_parameters(setup: SetupSpec) -> list[Parameter]:
    """Every numeric device field and scalar numeric layout value ``setup`` sets."""
    out = []
    for role, device in setup.devices.items():
        schema = DEVICE_FIELDS[device.kind]
        for key, value in device.values.items():
            spec = schema[key]
            if spec.kind in ("choice", "integer"):
                continue
            number, unit = si_number(value, spec.kind)
            low = spec.low if spec.low is not None else (0.0 if spec.sign != "any" else None)
            out.append(Parameter(f"{role}.{key}", number, unit, low, spec.high))
    for key, entry in SCHEMES[setup.scheme].layout.items():
        value = setup.layout.get(key)
        kind = entry.kind.removesuffix("_list")
        if value is None or (kind not in FIELD_KINDS and kind != "number"):
            continue
        elements = (
            [(f"{key}[{i}]", v) for i, v in enumerate(value)]
            if kind != entry.kind
            else [(key, value)]
        )
        for name, v in elements:  # a list-valued key: each element (positions[1], ...)
            number, unit = si_number(v, kind)
            out.append(Parameter(f"layout.{name}", number, unit, entry.minimum, None))
    return out


@dataclass(frozen=True)
class Sensitivity:
    """One parameter's effect on the headline figure."""

    path: str
    value: str
    elasticity: float
    action: str
    improved_value: str
    figure_after: float
    change: float
    violates_rule: bool = False

    def line(self, figure: str, nominal: float) -> str:
        flag = "  ** an imperfection improved the figure: check **" if self.violates_rule else ""
        return (
            f"{self.action} {self.path} ({self.value} → {self.improved_value}): "
            f"{figure} {nominal:.4g} → {self.figure_after:.4g} ({self.change:+.3g}); "
            f"elasticity {_signed(self.elasticity)}{flag}"
        )


def _signed(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:+.3g}"


@dataclass(frozen=True)
class SensitivityReport:
    """Ranking of the parameters of a setup by the change of its headline figure."""

    setup: str
    figure: str
    nominal: float
    ranking: tuple[Sensitivity, ...]
    not_ranked: tuple[str, ...]
    evaluations: int
    unit: str = ""  # of the figure (plots label their axis with it)
    minimize: bool = False  # smaller is better (the ranking's and the plot's direction)

    def __str__(self) -> str:
        lines = [
            f"{self.setup}: {self.figure} = {self.nominal:.4g} now; what one realistic "
            "improvement of each parameter gives (largest effect first):",
            "",
        ]
        lines += [
            f"{i:>3}. {s.line(self.figure, self.nominal)}" for i, s in enumerate(self.ranking, 1)
        ]
        lines += [f"  not ranked: {why}" for why in self.not_ranked]
        lines.append(f"\n({self.evaluations} budgets)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "setup": self.setup,
            "figure": self.figure,
            "nominal": self.nominal,
            "ranking": [s.__dict__ for s in self.ranking],
            "not_ranked": list(self.not_ranked),
            "evaluations": self.evaluations,
        }


def _improvement(p: Parameter, field_name: str) -> tuple[str, float] | None:
    """(action, improved value) for a known imperfection; ``None`` for a generic parameter."""
    if field_name not in IMPERFECTIONS:
        return None
    words, factor = IMPERFECTIONS[field_name]
    if field_name == "directionality":
        return words, 1.0 - (1.0 - p.value) * factor
    return words, p.value * factor


def _new_warnings(frame: Any, nominal: Sequence[str]) -> list[str]:
    """Per row, the first budget warning the nominal setup does not have ("" if none)."""
    rows = frame[WARNINGS] if WARNINGS in frame.columns else [""] * len(frame)
    known = set(nominal)
    return [
        next((w for w in str(text).split(" | ") if w and w not in known), "")
        if isinstance(text, str)
        else ""
        for text in rows
    ]


def sensitivity(
    setup: SetupSpec,
    *,
    figure: str | None = None,
    minimize: bool = False,
    workers: int = 1,
    store: ResultStore | str | bool | None = True,
) -> SensitivityReport:
    """Rank the numeric parameters of ``setup`` by their effect on ``figure`` (module doc).

    ``figure`` defaults to the scheme's headline (:data:`HEADLINE`); larger is better unless
    ``minimize`` (a preparation time, an occupation).
    """
    better = -1.0 if minimize else 1.0  # the sign of a change that improves the figure
    figure = figure or HEADLINE[setup.scheme]
    what = f"sensitivity of {figure}"
    nominal_budget, timed = timed_nominal(
        setup, what, "vary fewer parameters (sweep, optimize)", {"workers": workers}
    )
    try:
        f0 = nominal_budget[figure]
    except KeyError:
        names = [f.name for f in nominal_budget.figures]
        raise ParameterError(f"`figure` must be one of {names}, got {figure!r}") from None
    if not math.isfinite(f0):
        raise ParameterError(f"{figure} = {f0} at the nominal setup: nothing to rank against")
    params, not_ranked, points = [], [], []
    for p in numeric_parameters(setup):
        if p.value == 0:
            not_ranked.append(f"{p.path} = 0 {p.unit}".rstrip() + " (at its ideal value)")
            continue
        known = _improvement(p, p.path.partition(".")[2])
        h = STEP if known is not None else GENERIC
        lo, hi = sorted((p.clip(p.value * (1 - h)), p.clip(p.value * (1 + h))))
        params.append((p, lo, hi, known))
        points += [{p.path: lo}, {p.path: hi}]
        if known is not None:
            points.append({p.path: p.clip(known[1])})
    frame = evaluate_points(setup, points, workers=workers, store=store, timed=timed)
    column = frame[figure] if figure in frame.columns else [math.nan] * len(frame)
    values = iter(zip(column, frame[FAILED], strict=True))
    # a ±10 % step that makes the translation warn (a qubit moved off the filter, …) leaves
    # what the model describes: its budget is not a design answer
    warned = iter(_new_warnings(frame, nominal_budget.warnings))
    ranking = []
    for p, lo, hi, known in params:
        (f_lo, why_lo), (f_hi, why_hi) = next(values), next(values)
        warn_lo, warn_hi = next(warned), next(warned)
        new = warn_lo or warn_hi
        if known is not None:
            next(warned)  # the improved point: an imperfection's step keeps the model
        # (x/F) ∂F/∂x; undefined where the figure is 0 (e.g. no entangled node yet)
        elasticity = (f_hi - f_lo) / (hi - lo) * p.value / f0 if hi > lo and f0 else math.nan
        if known is not None:
            f_new, why = next(values)
            if why or not math.isfinite(f_new):
                not_ranked.append(f"{p.path}: the improved setup failed ({why or 'no value'})")
                continue
            action, x_new = known[0], p.clip(known[1])
            violates = better * (f_new - f0) < -1e-9 * max(1.0, abs(f0))
        elif why_lo or why_hi or not (math.isfinite(f_lo) and math.isfinite(f_hi)):
            not_ranked.append(f"{p.path}: a ±10 % budget failed ({why_lo or why_hi or 'no value'})")
            continue
        elif new:
            not_ranked.append(f"{p.path}: ±10 % leaves the model's assumptions ({new})")
            continue
        else:  # a design parameter: the better of ±10 %, if either helps
            f_new, x_new = max((f_lo, lo), (f_hi, hi), key=lambda fx: better * fx[0])
            tiny = 1e-12 * max(1.0, abs(f0))
            if better * (f_new - f0) > tiny:
                action = "+10 % on" if x_new > p.value else "−10 % on"
            elif abs(f_lo - f0) <= tiny and abs(f_hi - f0) <= tiny:
                action = "no effect of ±10 % on"
            else:
                action = "neither ±10 % helps (local optimum):"
            violates = False
        ranking.append(
            Sensitivity(
                p.path,
                p.show(p.value),
                elasticity,
                action,
                p.show(x_new),
                f_new,
                f_new - f0,
                violates,
            )
        )
    # improvements first, largest first; then parameters where neither direction helps
    ranking.sort(key=lambda s: (better * s.change <= 0, -abs(s.change)))
    return SensitivityReport(
        setup.name,
        figure,
        f0,
        tuple(ranking),
        tuple(not_ranked),
        len(points) + 1,
        nominal_budget.figure(figure).unit,
        minimize,
    )


__all__ = ["HEADLINE", "IMPERFECTIONS", "Sensitivity", "SensitivityReport", "sensitivity"]
