"""Helpers shared by the scheme budgets: timing, error-budget stepping, convergence flags."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from ..progress import progress
from ._types import BudgetStep


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[stage]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def converged(result: Any) -> bool:
    """A result's convergence flag (results without truncation are exact: True)."""
    conv = getattr(result, "convergence", None)
    return True if conv is None else bool(getattr(conv, "converged", True))


def error_budget(
    ideal: Any,
    steps: Sequence[tuple[str, Mapping[str, Any]]],
    figure_name: str,
    evaluate: Callable[[Any], float],
) -> tuple[BudgetStep, ...]:
    """Switch imperfections on one at a time, cumulatively, starting from ``ideal``.

    ``steps`` is the documented order: (label, fields of the model to set). A step whose fields
    already equal the ideal model's is skipped (the setup does not have that imperfection).
    """
    out = [BudgetStep("ideal", figure_name, evaluate(ideal))]
    model = ideal
    for label, fields in steps:
        if all(getattr(model, k) == v for k, v in fields.items()):
            continue
        model = replace(model, **fields)
        progress("error budget", f"+ {label}")  # each step is a solve of its own
        out.append(BudgetStep(f"+ {label}", figure_name, evaluate(model)))
    return tuple(out)
