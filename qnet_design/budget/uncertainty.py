"""Budgets with intervals: the stated uncertainties of a setup propagated to its figures.

Every device or layout value written with ``± σ`` (:mod:`qnet_design.specs.uncertainty`) is a
random input. Two methods:

``"montecarlo"`` (default)
    ``samples`` draws of all uncertain inputs at once (independent; seeded, so a repeated run
    draws the same points and reads them back from the results store), each evaluated with
    ``budget(with_overrides(setup, draw), full=False)``. Every figure gets its median and the
    central 68 % and 95 % intervals (quantiles 16/84 and 2.5/97.5 % of the successful draws).
    Draws whose budget fails are counted by reason and left out of the intervals.
``"linear"``
    First-order (GUM) propagation: σ_f² = Σ_i (∂f/∂x_i σ_i)², the derivatives by central
    differences with steps σ_i/10 (2k + 1 budgets for k inputs). Intervals f₀ ± σ_f and
    f₀ ± 1.96 σ_f: fast and right where the figure is smooth over ±2σ; symmetric, so it may
    cross a physical bound (a concurrence below 0) where the Monte Carlo does not.

Both report which input the spread of each figure comes from (``shares``): the linear method
its exact first-order split (∂f/∂xᵢ σᵢ)²/σ_f², the Monte Carlo the squared standardised
regression coefficients of a linear fit over the samples (a variance-based index that needs no
extra budgets; SALib's Sobol indices would need N(k + 2) dedicated samples). The regression
shares are estimates from the N successful samples, and the text says so in their line: with k
inputs a linear fit over N samples gives an input the figure does not depend on a spurious
share of order (1 − R²)/(N − k − 1) of the unexplained variance (16 samples, 6 inputs: ~10 %
each). Below :data:`MIN_SAMPLES_PER_INPUT` × k samples (the usual ten-per-predictor rule of
regression) they are not estimated ("not estimated", with the ``--samples`` that would be
enough) rather than printed as if they meant something.

Distributions: ``normal`` (default) is a Gaussian of the stated σ, **truncated to the field's
physical range** (rates, times, Q > 0; directionality ≤ 1; p_loss < 1) by redrawing outside
values, so no draw is unphysical; ``lognormal`` (``"20 ± 4 us, lognormal"``) has its median at
the nominal value and the same relative spread, σ_ln = √ln(1 + (σ/x₀)²) — the natural choice
for positive rates and times known to a relative precision.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..runs.points import FAILED, evaluate_points, timed_nominal
from ..runs.store import ResultStore
from ..specs.fields import DEVICE_FIELDS
from ..specs.setups import SetupSpec, layout_field, layout_value, si_number
from ..specs.uncertainty import Uncertainty
from ._types import NO_TRUNCATION, Budget, format_value, short_line, text_block, with_unit

METHODS = ("montecarlo", "linear")

#: quantiles reported for every figure
QUANTILES = {"low95": 0.025, "low68": 0.16, "median": 0.5, "high68": 0.84, "high95": 0.975}


@dataclass(frozen=True)
class UncertainInput:
    """One input with a stated uncertainty, in the unit the overrides use (SI, dB, dB/m, 1).

    ``low``/``high`` bound its physical range (``None``: unbounded); ``*_open`` excludes the
    bound itself.
    """

    path: str
    nominal: float
    sigma: float
    unit: str
    distribution: str
    written: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def __str__(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        shown = self.written or f"{self.nominal:.4g} ± {self.sigma:.2g}{unit}"
        return f"{self.path} = {shown}" + ("" if "," in shown else f" ({self.distribution})")

    def inside(self, x: np.ndarray) -> np.ndarray:
        ok = np.isfinite(x)
        if self.low is not None:
            ok &= x > self.low if self.low_open else x >= self.low
        if self.high is not None:
            ok &= x < self.high if self.high_open else x <= self.high
        return ok


def _input(
    path: str, kind: str, nominal: Any, stated: Uncertainty, **bounds: Any
) -> UncertainInput:
    x0, unit = si_number(nominal, kind)
    sigma, _ = si_number(stated.sigma, kind)
    return UncertainInput(path, x0, sigma, unit, stated.distribution, stated.written, **bounds)


def uncertain_inputs(setup: SetupSpec) -> tuple[UncertainInput, ...]:
    """Every device field and layout value of ``setup`` written with ``± σ``."""
    out = []
    for role, device in setup.devices.items():
        schema = DEVICE_FIELDS[device.kind]
        for key, stated in device.uncertainties.items():
            spec = schema[key]
            low = spec.low if spec.low is not None else (0.0 if spec.sign != "any" else None)
            out.append(
                _input(
                    f"{role}.{key}",
                    spec.kind,
                    device.values[key],
                    stated,
                    low=low,
                    high=spec.high,
                    low_open=spec.sign == "positive" and spec.low is None,
                    high_open=spec.high_open,
                )
            )
    for key, stated in setup.layout_uncertainties.items():  # "detuning1", "positions[1]"
        entry = layout_field(setup.scheme, key)
        value = layout_value(setup, key)
        out.append(_input(f"layout.{key}", entry.kind, value, stated, low=entry.minimum))
    return tuple(out)


def draw(inputs: tuple[UncertainInput, ...], samples: int, seed: int) -> np.ndarray:
    """``samples`` × ``len(inputs)`` independent draws (see the module docstring)."""
    rng = np.random.default_rng(seed)
    out = np.empty((samples, len(inputs)))
    for j, p in enumerate(inputs):
        if p.distribution == "lognormal":
            if p.nominal <= 0:
                raise ParameterError(f"{p.path}: a lognormal uncertainty needs a value > 0")
            s_ln = math.sqrt(math.log1p((p.sigma / p.nominal) ** 2))
            out[:, j] = p.nominal * np.exp(rng.normal(0.0, s_ln, samples))
            continue
        column = rng.normal(p.nominal, p.sigma, samples)
        for _ in range(200):  # redraw the values outside the physical range (truncation)
            bad = ~p.inside(column)
            if not bad.any():
                break
            column[bad] = rng.normal(p.nominal, p.sigma, int(bad.sum()))
        else:
            raise ParameterError(
                f"{p.path}: {p.written!r} puts almost all of its Gaussian outside the physical "
                "range; state a smaller uncertainty or a lognormal distribution"
            )
        out[:, j] = column
    return out


@dataclass(frozen=True)
class Interval:
    """Median and central 68 %/95 % intervals of one figure (``nominal``: at nominal inputs)."""

    figure: str
    unit: str
    nominal: float
    median: float
    low68: float
    high68: float
    low95: float
    high95: float
    n: int

    def ranges(self) -> str:
        """``68 % [a, b], 95 % [c, d] unit`` (∞ and NaN as in every text output)."""
        pairs = ((self.low68, self.high68), (self.low95, self.high95))
        a, b = (f"[{format_value(lo)}, {format_value(hi)}]" for lo, hi in pairs)
        return f"68 % {a}, 95 % {b} {self.unit}".rstrip()

    def __str__(self) -> str:
        return f"{self.figure} = {with_unit(self.median, self.unit)}  {self.ranges()}"


@dataclass(frozen=True)
class UncertainBudget:
    """Headline figures of a setup with intervals from its stated uncertainties."""

    setup: str
    scheme: str
    method: str
    nominal: Budget
    inputs: tuple[UncertainInput, ...]
    intervals: tuple[Interval, ...]
    n_samples: int
    failures: Mapping[str, int] = field(default_factory=dict)
    samples: pd.DataFrame | None = None
    n_cached: int = 0
    shares: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "failures", MappingProxyType(dict(self.failures)))
        object.__setattr__(self, "shares", MappingProxyType(dict(self.shares)))

    @property
    def n_failed(self) -> int:
        return sum(self.failures.values())

    def __getitem__(self, name: str) -> Interval:
        for interval in self.intervals:
            if interval.figure == name:
                return interval
        raise KeyError(f"no figure {name!r}; figures: {[i.figure for i in self.intervals]}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "setup": self.setup,
            "method": self.method,
            "inputs": [
                {
                    "path": p.path,
                    "nominal": p.nominal,
                    "sigma": p.sigma,
                    "unit": p.unit,
                    "distribution": p.distribution,
                }
                for p in self.inputs
            ],
            "figures": {
                i.figure: {
                    "unit": i.unit,
                    "nominal": i.nominal,
                    "median": i.median,
                    "interval68": [i.low68, i.high68],
                    "interval95": [i.low95, i.high95],
                    "n": i.n,
                }
                for i in self.intervals
            },
            "samples": self.n_samples,
            "failed": self.n_failed,
            "failures": dict(self.failures),
            "read_from_store": self.n_cached,
            "variance_shares": {k: dict(v) for k, v in self.shares.items()},
            "warnings": list(self.nominal.warnings),
        }

    def _head(self) -> list[str]:
        return [f"{self.setup}  [{self.scheme}]", f"{self.method}, propagating the ± values"]

    def _tail(self) -> list[str]:
        lines = []
        if self.n_samples:
            ok = self.n_samples - self.n_failed
            lines.append(f"{ok} of {self.n_samples} samples succeeded")
        for reason, count in self.failures.items():
            lines.append(f"failed ({count} of {self.n_samples or 'the'} samples): {reason}")
        return lines + [f"warning: {w}" for w in self.nominal.warnings]

    def summary(self) -> str:
        """The short form (``--quiet``): ``name = median unit  68 % […], 95 % […]``."""
        width = max((len(i.figure) for i in self.intervals), default=10)
        lines = self._head()
        for i in self.intervals:
            lines.append(short_line(i.figure, f"{format_value(i.median)}  {i.ranges()}", width))
        return "\n".join(lines + self._tail())

    def __str__(self) -> str:
        # the layout of Budget's text: value, unit, method, then the evidence on one line
        lines = [*self._head(), "", "Stated uncertainties:"]
        lines += [f"  {p}" for p in self.inputs]
        lines.append("")
        width = max((len(i.figure) for i in self.intervals), default=10)
        monte_carlo = self.n_samples > 0
        for i in self.intervals:
            f = self.nominal.figure(i.figure)
            if monte_carlo:
                value, what = i.median, "median of the samples"
                runs = f"{i.n} of {self.n_samples} samples gave a value"
            else:
                value, what = i.nominal, "nominal ± σ_f (first order)"
                runs = f"{i.n} difference budgets"
            shares = self.shares.get(i.figure, {})
            ranked = sorted(shares.items(), key=lambda kv: -kv[1])
            spread = ", ".join(f"{k} {v:.0%}" for k, v in ranked if v >= 0.005)
            if not monte_carlo:
                spread += " (first-order split)" if spread else ""
            elif spread:
                spread += f" (estimates: linear regression over N = {i.n} samples)"
            elif i.n < MIN_SAMPLES_PER_INPUT * len(self.inputs):
                k = len(self.inputs)
                spread = (
                    f"not estimated: {i.n} samples for {k} inputs, a regression needs "
                    f"≥ {MIN_SAMPLES_PER_INPUT} per input (--samples {MIN_SAMPLES_PER_INPUT * k})"
                )
            details = [
                ("interval", i.ranges()),
                ("nominal", f"{f.text()} ({f.method})"),
                ("evidence", f"{runs}; nominal: {f.evidence or NO_TRUNCATION}"),
                ("variance from", spread),
            ]
            lines += text_block(i.figure, with_unit(value, i.unit), what, details, width)
        if self.n_cached:
            lines.append(f"\n({self.n_cached} budgets read from the store)")
        tail = self._tail()
        return "\n".join(lines + ([""] if tail else []) + tail)


def _montecarlo(
    spec: SetupSpec,
    nominal: Budget,
    inputs: tuple[UncertainInput, ...],
    samples: int,
    seed: int,
    run: dict[str, Any],
) -> UncertainBudget:
    values = draw(inputs, samples, seed)
    points = [{p.path: float(v) for p, v in zip(inputs, row, strict=True)} for row in values]
    frame = evaluate_points(spec, points, **run)
    failures = Counter(r for r in frame[FAILED] if r)
    intervals = []
    for f in nominal.figures:
        column = frame[f.name] if f.name in frame.columns else pd.Series(dtype=float)
        data = np.asarray(column.dropna(), dtype=float)
        if data.size == 0:
            q = dict.fromkeys(QUANTILES, math.nan)
        else:
            q = {
                k: float(np.quantile(data, v, method="inverted_cdf")) for k, v in QUANTILES.items()
            }
        intervals.append(Interval(f.name, f.unit, f.value, n=int(data.size), **q))
    method = f"Monte Carlo, {samples} samples, seed {seed}"
    enough = {i.figure for i in intervals if i.n >= MIN_SAMPLES_PER_INPUT * len(inputs)}
    shares = {
        f.name: regression_shares(values, frame[f.name], inputs)
        for f in nominal.figures
        if f.name in frame.columns and f.name in enough
    }
    return UncertainBudget(
        spec.name,
        spec.scheme,
        method,
        nominal,
        inputs,
        tuple(intervals),
        samples,
        failures,
        frame,
        int(frame.attrs.get("n_cached", 0)),
        {k: v for k, v in shares.items() if v},
    )


#: the Monte Carlo regression shares need at least this many successful samples per uncertain
#: input (module docstring); fewer and the budget reports them as not estimated
MIN_SAMPLES_PER_INPUT = 10


def regression_shares(
    x: np.ndarray, y: pd.Series, inputs: tuple[UncertainInput, ...]
) -> dict[str, float]:
    """Share of var(y) from each input: squared standardised regression coefficients.

    A linear fit y ≈ a + Σ bᵢxᵢ over the samples; SRCᵢ = bᵢ std(xᵢ)/std(y) and the shares are
    SRCᵢ² normalised to their sum (a variance-based index for independent inputs and a
    near-linear figure; exact for the linear method). Empty when y does not vary.
    """
    ok = np.isfinite(y.to_numpy(dtype=float))
    yy, xx = y.to_numpy(dtype=float)[ok], x[ok]
    if yy.size <= len(inputs) + 1 or np.std(yy) <= 1e-9 * abs(float(np.mean(yy))):
        return {}  # too few samples, or a figure that does not vary (only rounding noise)
    design = np.column_stack([np.ones(yy.size), xx])
    coef = np.linalg.lstsq(design, yy, rcond=None)[0][1:]
    src2 = (coef * xx.std(axis=0) / yy.std()) ** 2
    total = float(src2.sum())
    if total == 0:
        return {}
    return {p.path: float(v / total) for p, v in zip(inputs, src2, strict=True)}


def _step(p: UncertainInput) -> tuple[float, float]:
    """Central-difference abscissae x₀ ± σ/10, shifted inside the physical range if needed."""
    h = p.sigma / 10.0
    lo, hi = p.nominal - h, p.nominal + h
    if not p.inside(np.array([lo]))[0]:
        lo = p.nominal
    if not p.inside(np.array([hi]))[0]:
        hi = p.nominal
    return lo, hi


def _linear(
    spec: SetupSpec, nominal: Budget, inputs: tuple[UncertainInput, ...], run: dict[str, Any]
) -> UncertainBudget:
    steps = [_step(p) for p in inputs]
    points = [{p.path: x} for p, pair in zip(inputs, steps, strict=True) for x in pair]
    frame = evaluate_points(spec, points, **run)
    failures = Counter(r for r in frame[FAILED] if r)
    intervals, shares = [], {}
    for f in nominal.figures:
        terms = {}
        for j, (p, (lo, hi)) in enumerate(zip(inputs, steps, strict=True)):
            if hi == lo or f.name not in frame.columns:
                terms[p.path] = math.nan
                continue
            f_lo = f.value if lo == p.nominal else float(frame[f.name].iloc[2 * j])
            f_hi = f.value if hi == p.nominal else float(frame[f.name].iloc[2 * j + 1])
            terms[p.path] = ((f_hi - f_lo) / (hi - lo) * p.sigma) ** 2
        variance = sum(terms.values())
        s = math.sqrt(variance) if math.isfinite(f.value) else math.nan
        if math.isfinite(variance) and variance > (1e-9 * f.value) ** 2:
            shares[f.name] = {k: v / variance for k, v in terms.items()}
        intervals.append(
            Interval(
                f.name,
                f.unit,
                f.value,
                f.value,
                f.value - s,
                f.value + s,
                f.value - 1.96 * s,
                f.value + 1.96 * s,
                len(points),
            )
        )
    return UncertainBudget(
        spec.name,
        spec.scheme,
        "linear propagation (first order, central differences at σ/10)",
        nominal,
        inputs,
        tuple(intervals),
        0,
        failures,
        frame,
        int(frame.attrs.get("n_cached", 0)),
        shares,
    )


def uncertain_budget(
    setup: SetupSpec,
    *,
    method: str = "montecarlo",
    samples: int = 200,
    seed: int = 0,
    workers: int = 1,
    executor: str | None = None,
    store: ResultStore | str | bool | None = True,
    progress: bool = False,
) -> UncertainBudget:
    """Headline figures of ``setup`` with intervals from its stated uncertainties.

    Parameters
    ----------
    setup
        A setup whose device or layout values carry ``± σ``.
    method
        ``"montecarlo"`` or ``"linear"`` (module docstring).
    samples, seed
        Monte Carlo draws and the seed of their generator.
    workers, executor, store, progress
        As for :func:`qnet_design.sweep`; ``store=True`` is the default results store.

    Raises
    ------
    ParameterError
        No stated uncertainty in the setup, an unknown method, or ``samples`` < 10.
    SizeError
        The budgets not yet in the store, each as long as the nominal budget, would take
        longer than the time limit (``QNET_DESIGN_MAX_SECONDS``) on ``workers`` processes.
    """

    if method not in METHODS:
        raise ParameterError(f"`uncertainty` must be one of {list(METHODS)}, got {method!r}")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 10:
        raise ParameterError(f"`samples` must be an integer >= 10, got {samples!r}")
    inputs = uncertain_inputs(setup)
    if not inputs:
        raise ParameterError(
            f"{setup.path or setup.name}: no value is written with an uncertainty "
            "(e.g. '10 ± 1 MHz'), so there is nothing to propagate"
        )
    if method == "linear":
        what, change = "linear propagation", "state fewer ± values"
    else:
        what, change = (
            f"Monte Carlo, {samples} samples",
            "use fewer --samples or --uncertainty linear",
        )
    run: dict[str, Any] = {"workers": workers, "executor": executor, "store": store}
    nominal, timed = timed_nominal(
        setup, f"{what} over {len(inputs)} inputs", change, {**run, "seed": seed}
    )
    run.update(progress=progress, timed=timed)
    if method == "linear":
        return _linear(setup, nominal, inputs, run)
    return _montecarlo(setup, nominal, inputs, samples, seed, run)


__all__ = [
    "MIN_SAMPLES_PER_INPUT",
    "Interval",
    "UncertainBudget",
    "UncertainInput",
    "draw",
    "regression_shares",
    "uncertain_budget",
    "uncertain_inputs",
]
