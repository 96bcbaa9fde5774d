"""Setup → :class:`Budget`: headline figures, error budget, comparisons and requirement search.

``budget(setup)`` translates a setup (lab units → the scheme model), solves it with the scheme's
own routes and returns the figures a feasibility study needs, each with its unit, the method
that produced it and whether it converged, plus an error budget that switches the setup's
imperfections on one at a time in a documented order. ``compare`` tabulates several setups;
``require`` finds the least change of one device parameter that meets a target.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ParameterError
from ..specs.setups import SetupSpec, load_setup
from ..translate import translate
from ._types import (
    Budget as Budget,
    BudgetStep as BudgetStep,
    Figure as Figure,
    format_value as format_value,
    json_safe as json_safe,
)
from .requirement import Requirement as Requirement, require as require


def _as_setup(setup: SetupSpec | str | Path) -> SetupSpec:
    return setup if isinstance(setup, SetupSpec) else load_setup(setup)


def budget(
    setup: SetupSpec | str | Path,
    *,
    full: bool = True,
    uncertainty: bool | str = False,
    **options: Any,
) -> Any:
    """Figures of merit of a setup (a :class:`SetupSpec` or a path to a setup file).

    Parameters
    ----------
    setup
        The setup.
    full
        Also compute the error budget and the transient figures (several more solves); turn
        off for sweeps, comparisons and requirement searches, which need the headline only.
    uncertainty
        ``True`` / ``"montecarlo"`` or ``"linear"``: propagate the values written with ``± σ``
        and return an :class:`~qnet_design.budget.uncertainty.UncertainBudget` (headline
        figures with median and 68 %/95 % intervals); ``options`` go to
        :func:`~qnet_design.budget.uncertainty.uncertain_budget` (``samples``, ``seed``,
        ``workers``, ``store``).
    """
    from ..registry import scheme  # the registry sits above this layer (it names the budgets)

    spec = _as_setup(setup)
    if uncertainty:
        from .uncertainty import uncertain_budget

        method = "montecarlo" if uncertainty is True else uncertainty
        return uncertain_budget(spec, method=method, **options)
    if options:
        raise ParameterError(f"`{next(iter(options))}` applies only with `uncertainty`")
    start = time.perf_counter()
    tr = translate(spec)
    translated = time.perf_counter()
    result = scheme(spec.scheme).budget(spec, tr, full)
    # stages computed alongside (dual rail: forked children) overlap, so their sum is not the
    # time the user waited: "total" is
    timings = {
        "translate": translated - start,
        **result.timings,
        "total": time.perf_counter() - start,
    }
    return Budget(
        result.scheme,
        result.setup,
        result.figures,
        result.error_budget,
        (*tr.warnings, *result.warnings),
        timings,
        result.profiles,
    )


def compare(setups: Iterable[SetupSpec | str | Path]) -> pd.DataFrame:
    """One row per setup: setup, scheme, the headline figures (column ``name [unit]``, as in
    ``sweep``) and the warnings as text (:meth:`Budget.table_row`)."""
    return pd.DataFrame([budget(item, full=False).table_row() for item in setups])


__all__ = [
    "Budget",
    "BudgetStep",
    "Figure",
    "Requirement",
    "budget",
    "compare",
    "format_value",
    "json_safe",
    "require",
]
