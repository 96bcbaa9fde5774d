"""Budget of a ``cv_replication`` setup (paper 004): entanglement copied onto every pair.

Figures: E_N of the driving field, −ln(2n̄+1−2m̄); E_N of every pair (j, N+j) (profile); the
first and the last pair's E_N and the smallest of all (what a user can count on everywhere).

Error budget (headline: the smallest pair E_N), in this order from the ideal arrays (pure
two-mode squeezed vacuum of the same r, lossless cavities — exact replication): the source's
added noise (n̄, m̄ of the squeezed thermal state), the cavity losses κ_j. A lossless step
without a steady state (a zero hopping leaves a mode undamped) is NaN, with a warning.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import UnstableError
from ..schemes import cv_replication as cv
from ..specs.setups import SetupSpec
from ..translate import Translation
from ._common import error_budget, timed
from ._types import Budget, BudgetStep, Figure, Profile

METHOD = "Lyapunov steady state (Gaussian)"


def _min_pair(model: cv.ReplicationArrays, unstable: list[str]) -> float:
    try:
        return float(np.min(cv.pair_log_negativities(model).values))
    except UnstableError:  # lossless arrays with an undamped mode (a zero hopping): no state
        unstable.append(
            "error budget: the lossless ideal arrays have no steady state (an undamped normal "
            "mode; the setup's cavity losses damp it): its rows are NaN"
        )
        return math.nan


def budget(setup: SetupSpec, tr: Translation, full: bool) -> Budget:
    timings: dict[str, float] = {}
    model = tr.model_as(cv.ReplicationArrays)
    with timed(timings, "steady_state"):
        pairs = cv.pair_log_negativities(model)
    values = np.asarray(pairs.values)
    figures = [
        Figure("drive_E_N", pairs.drive, "", "−ln(2n̄+1−2m̄)"),
        Figure("E_N_first_pair", float(values[0]), "", METHOD),
        Figure("E_N_last_pair", float(values[-1]), "", METHOD),
        Figure("E_N_min", float(values.min()), "", METHOD, note="smallest over all pairs"),
    ]
    steps: tuple[BudgetStep, ...] = ()
    unstable: list[str] = []
    if full:
        r = next(p.value for p in tr.parameters if p.name == "r")
        assert isinstance(r, float)
        nbar0, mbar0 = cv.squeezed_thermal_bath(r, 0.0)
        ideal = cv.ReplicationArrays(
            model.sites, model.hopping_matrix, model.drive_rate, nbar0, mbar0
        )
        plan: list[tuple[str, dict[str, Any]]] = [
            ("source added noise n_T", {"nbar": model.nbar, "mbar": model.mbar}),
            ("cavity losses κ_j", {"loss": model.loss}),
        ]
        with timed(timings, "error_budget"):
            steps = error_budget(ideal, plan, "E_N_min", lambda m: _min_pair(m, unstable))
    warnings = (
        []
        if math.isfinite(pairs.residual) and pairs.residual < 1e-8
        else [f"Lyapunov residual {pairs.residual:.1e} is large"]
    )
    warnings += sorted(set(unstable))
    return Budget(
        "cv_replication",
        setup.name,
        tuple(figures),
        steps,
        tuple(warnings),
        timings,
        {
            "E_N(j,N+j)": Profile(
                values, np.arange(1, values.size + 1), "pair j", "log-negativity E_N(j, N+j)"
            )
        },
    )
