"""Variance-based (Sobol) sensitivity indices of a figure over the stated uncertainties.

For independent inputs X₁ … X_k (every device or layout value written with ``± σ``, drawn as
the Monte Carlo budget draws them, :func:`qnet_design.budget.uncertainty.draw`) and a figure
Y = f(X):

* the **first-order index** Sᵢ = Var(E[Y | Xᵢ]) / Var(Y) is the share of the variance that Xᵢ
  explains alone (what knowing Xᵢ exactly would remove);
* the **total index** S_Tᵢ = E[Var(Y | X₋ᵢ)] / Var(Y) adds every interaction that involves Xᵢ
  (what is left if all inputs but Xᵢ were known). S_Tᵢ ≥ Sᵢ; Σ Sᵢ = 1 for an additive figure.

Estimators (the pick-and-freeze design of Saltelli et al., Comput. Phys. Commun. 181, 259
(2010), with the Jansen total-effect estimator they recommend): two independent sample matrices
A and B (N rows each) and, for every input, A_B⁽ⁱ⁾ = A with column i taken from B; N(k + 2)
budgets in all::

    Sᵢ  = mean( f(B) · (f(A_B⁽ⁱ⁾) − f(A)) ) / V          (Saltelli 2010, Table 2 (b))
    S_Tᵢ = mean( (f(A) − f(A_B⁽ⁱ⁾))² ) / (2V)             (Jansen 1999; Saltelli 2010 (f))

with V the variance of f over the 2N rows of A and B, and f centred on its mean over those rows
first (the first-order estimator's scatter grows with the mean of f; the indices do not). Their
95 % intervals are percentile bootstraps over the N rows (resampled together for every index).
A row whose budget failed in A, B or any A_B⁽ⁱ⁾ is left out of every index and counted by
reason.

The budgets run through :func:`qnet_design.budget._points.evaluate_points`: the sweep executors
(process pool, Dask) and the results store, so a repeated analysis with the same seed is read
back. The squared standardised regression coefficients over the 2N rows of A and B (the
Monte Carlo budget's ``shares``) come with the indices: where the figure is near-linear over the
spread, they and the first-order indices agree; where they do not, the figure is non-linear or
the inputs interact, and only the Sobol indices are right.

Written here instead of depending on SALib: the two estimators and the bootstrap are some forty
lines of NumPy over our own sampler (which already truncates to physical ranges and knows
log-normal inputs), and the budgets must run on our executors and store either way.
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
from ..specs.setups import SetupSpec
from .uncertainty import UncertainInput, draw, regression_shares, uncertain_inputs

#: bootstrap resamples of the 95 % intervals
RESAMPLES = 1000


@dataclass(frozen=True)
class SobolIndex:
    """First-order and total index of one input, each with its 95 % bootstrap interval."""

    path: str
    first: float
    first_low: float
    first_high: float
    total: float
    total_low: float
    total_high: float
    linear_share: float = math.nan  # squared standardised regression coefficient (normalised)


def estimate(
    f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray, *, resamples: int = RESAMPLES, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """First-order and total indices from pick-and-freeze samples (module docstring).

    ``f_a``, ``f_b``: the figure at the N rows of A and B; ``f_ab``: N × k, column i at A_B⁽ⁱ⁾.
    Returns (S, S_T, S bootstrap 2.5/97.5 % (2 × k), S_T bootstrap (2 × k)). An interval is
    NaN (undefined) when more than 5 % of the resamples have no variance (a figure that is
    constant but for a few rows, e.g. a concurrence at 0 in most draws).
    """

    center = float(np.mean(np.concatenate([f_a, f_b])))  # the estimators' noise grows with
    f_a, f_b, f_ab = f_a - center, f_b - center, f_ab - center  # the mean: subtract it

    def indices(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b, ab = f_a[rows], f_b[rows], f_ab[rows]
        variance = np.var(np.concatenate([a, b], axis=-1), axis=-1, ddof=1)[..., None]
        variance = np.where(variance > 0, variance, np.nan)  # a resample without variance
        first = np.mean(b[..., None] * (ab - a[..., None]), axis=-2) / variance
        total = 0.5 * np.mean((a[..., None] - ab) ** 2, axis=-2) / variance
        return first, total

    n, k = f_ab.shape
    first, total = indices(np.arange(n))
    rng = np.random.default_rng(seed)
    chunk = max(1, 2_000_000 // (n * (k + 2)))  # resamples per pass: a few 10 MB at most
    boot = [
        indices(rng.integers(0, n, size=(min(chunk, resamples - i), n)))
        for i in range(0, resamples, chunk)
    ]
    boot_first = np.concatenate([f for f, _ in boot])
    boot_total = np.concatenate([t for _, t in boot])
    return first, total, _interval(boot_first), _interval(boot_total)


def _interval(resampled: np.ndarray) -> np.ndarray:
    """2.5 and 97.5 % percentiles over the resamples (rows); NaN where > 5 % are NaN."""
    defined = np.mean(np.isfinite(resampled), axis=0) >= 0.95
    bounds = np.full((2, resampled.shape[1]), np.nan)
    if defined.any():
        bounds[:, defined] = np.nanpercentile(resampled[:, defined], [2.5, 97.5], axis=0)
    return bounds


def _with_interval(value: float, low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return f"{value:.3f} [undefined]"
    return f"{value:.3f} [{low:.3f}, {high:.3f}]"


@dataclass(frozen=True)
class SobolReport:
    """Sobol indices of one figure of a setup over its stated uncertainties.

    ``indices`` are ranked by the total index (largest first); ``samples`` is N, the rows of A
    and B; ``evaluations`` = N(k + 2) budgets; ``n_used`` rows entered the estimates.
    """

    setup: str
    scheme: str
    figure: str
    inputs: tuple[UncertainInput, ...]
    indices: tuple[SobolIndex, ...]
    samples: int
    seed: int
    evaluations: int
    n_used: int
    mean: float
    std: float
    failures: Mapping[str, int] = field(default_factory=dict)
    n_cached: int = 0
    unit: str = ""  # of the figure (its mean and std); the indices are unitless shares

    def __post_init__(self) -> None:
        object.__setattr__(self, "failures", MappingProxyType(dict(self.failures)))

    def __getitem__(self, path: str) -> SobolIndex:
        for index in self.indices:
            if index.path == path:
                return index
        raise KeyError(f"no input {path!r}; inputs: {[i.path for i in self.indices]}")

    @property
    def first_order_sum(self) -> float:
        """Σ Sᵢ: 1 for an additive figure, below 1 by the share of interactions."""
        return float(sum(i.first for i in self.indices))

    def __str__(self) -> str:
        k = len(self.inputs)
        unit = f" {self.unit}" if self.unit else ""
        lines = [
            f"{self.setup}: variance-based (Sobol) indices of {self.figure} over the stated "
            "uncertainties",
            f"N = {self.samples} base samples, seed {self.seed}: {self.evaluations} budgets "
            f"(N(k + 2), k = {k}); {self.n_used} rows used; 95 % bootstrap intervals",
            "",
            "  {:<34} {:<22} {:<22} {}".format(
                "input", "first order S_i", "total S_Ti", "linear share"
            ),
        ]
        for i in self.indices:
            lines.append(
                "  {:<34} {:<22} {:<22} {}".format(
                    i.path,
                    _with_interval(i.first, i.first_low, i.first_high),
                    _with_interval(i.total, i.total_low, i.total_high),
                    "n/a" if math.isnan(i.linear_share) else f"{i.linear_share:.3f}",
                )
            )
        lines += [
            "",
            f"  sum of first-order indices {self.first_order_sum:.3f} (1: additive; below 1: "
            "interactions)",
            f"  {self.figure}: mean {self.mean:.4g}{unit}, standard deviation {self.std:.3g}"
            f"{unit} over the rows of A and B",
            "  linear share: squared standardised regression coefficients (right only where "
            f"{self.figure} is near-linear over the spread)",
        ]
        if self.n_cached:
            lines.append(f"  {self.n_cached} of {self.evaluations} budgets read from the store")
        for reason, count in self.failures.items():
            lines.append(f"  failed ({count}): {reason}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "setup": self.setup,
            "scheme": self.scheme,
            "figure": self.figure,
            "unit": self.unit,
            "method": "Sobol indices: Saltelli 2010 first order, Jansen total, 95 % bootstrap",
            "samples": self.samples,
            "seed": self.seed,
            "evaluations": self.evaluations,
            "used": self.n_used,
            "mean": self.mean,
            "std": self.std,
            "indices": {
                i.path: {
                    "first": i.first,
                    "first_interval95": [i.first_low, i.first_high],
                    "total": i.total,
                    "total_interval95": [i.total_low, i.total_high],
                    "linear_share": None if math.isnan(i.linear_share) else i.linear_share,
                }
                for i in self.indices
            },
            "first_order_sum": self.first_order_sum,
            "failures": dict(self.failures),
            "read_from_store": self.n_cached,
        }


def sobol_indices(
    setup: SetupSpec,
    *,
    figure: str | None = None,
    samples: int = 256,
    seed: int = 0,
    workers: int = 1,
    executor: str | None = None,
    store: ResultStore | str | bool | None = True,
    progress: bool = False,
) -> SobolReport:
    """Sobol indices of ``figure`` (default: the scheme's headline) over the stated
    uncertainties of ``setup`` (module docstring): N(k + 2) budgets for k inputs.

    Raises
    ------
    ParameterError
        No stated uncertainty, ``samples`` < 16, an unknown figure, or a figure that does not
        vary over the samples.
    SizeError
        The budgets not yet in the store, each as long as the nominal budget, would take
        longer than the time limit (``QNET_DESIGN_MAX_SECONDS``) on ``workers`` processes.
    """
    from .sensitivity import HEADLINE

    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 16:
        raise ParameterError(f"`samples` must be an integer >= 16, got {samples!r}")
    inputs = uncertain_inputs(setup)
    if not inputs:
        raise ParameterError(
            f"{setup.path or setup.name}: no value is written with an uncertainty "
            "(e.g. '10 ± 1 MHz'), so there are no variance-based indices to compute"
        )
    figure = figure or HEADLINE[setup.scheme]
    k, n = len(inputs), samples
    what = f"Sobol indices of {figure} over {k} inputs, N = {n} (N(k + 2) budgets)"
    nominal, timed = timed_nominal(
        setup,
        what,
        "use fewer --samples (≥ 16)",
        {"workers": workers, "executor": executor, "seed": seed},
    )
    units = {f.name: f.unit for f in nominal.figures}
    if figure not in units:
        raise ParameterError(f"`figure` must be one of {list(units)}, got {figure!r}")
    x = draw(inputs, 2 * n, seed)
    a, b = x[:n], x[n:]
    rows = [a, b] + [np.where(np.arange(k) == i, b, a) for i in range(k)]
    points = [
        {p.path: float(v) for p, v in zip(inputs, row, strict=True)} for m in rows for row in m
    ]
    frame = evaluate_points(
        setup,
        points,
        workers=workers,
        executor=executor,
        store=store,
        progress=progress,
        timed=timed,
    )
    failures = Counter(r for r in frame[FAILED] if r)
    column = frame[figure] if figure in frame.columns else np.full(len(frame), math.nan)
    y = np.asarray(column, dtype=float).reshape(k + 2, n)
    ok = np.all(np.isfinite(y), axis=0)
    f_a, f_b, f_ab = y[0, ok], y[1, ok], y[2:, ok].T
    both = np.concatenate([f_a, f_b])
    if ok.sum() < 8 or np.std(both) <= 1e-9 * abs(float(np.mean(both))):
        raise ParameterError(
            f"{figure} does not vary over the stated uncertainties ({int(ok.sum())} of {n} "
            "rows usable): no variance to split"
        )
    first, total, first_ci, total_ci = estimate(f_a, f_b, f_ab, seed=seed + 1)
    # the Monte Carlo budget's shares, over the same rows
    linear = regression_shares(np.concatenate([a[ok], b[ok]]), pd.Series(both), inputs)
    indices = [
        SobolIndex(
            p.path,
            float(first[i]),
            float(first_ci[0, i]),
            float(first_ci[1, i]),
            float(total[i]),
            float(total_ci[0, i]),
            float(total_ci[1, i]),
            linear.get(p.path, math.nan),
        )
        for i, p in enumerate(inputs)
    ]
    indices.sort(key=lambda s: -s.total)
    return SobolReport(
        setup.name,
        setup.scheme,
        figure,
        inputs,
        tuple(indices),
        n,
        seed,
        len(points),
        int(ok.sum()),
        float(np.mean(both)),
        float(np.std(both, ddof=1)),
        failures,
        int(frame.attrs.get("n_cached", 0)),
        units[figure],
    )


__all__ = ["SobolIndex", "SobolReport", "estimate", "sobol_indices"]
