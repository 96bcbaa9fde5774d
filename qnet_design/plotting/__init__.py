"""Plots of results: functions of results (or arrays) that draw on an optional matplotlib Axes.

:mod:`.results` draws budgets, maps and profiles; :mod:`.feasibility` the intervals, the
sensitivity ranking and the Sobol indices. Plotting never solves.
"""

from .feasibility import plot_intervals, plot_sensitivity, plot_sobol
from .results import (
    BETTER,
    FLOOR,
    LOWER_IS_BETTER,
    REFERENCE,
    UNKNOWN,
    WORSE,
    budget_figure,
    plot_budget,
    plot_chain,
    plot_concurrence_matrix,
    plot_error_budget,
    plot_map,
    plot_profile,
    save_figure,
    save_plot,
)

__all__ = [
    "BETTER",
    "FLOOR",
    "LOWER_IS_BETTER",
    "REFERENCE",
    "UNKNOWN",
    "WORSE",
    "budget_figure",
    "plot_budget",
    "plot_chain",
    "plot_concurrence_matrix",
    "plot_error_budget",
    "plot_intervals",
    "plot_map",
    "plot_profile",
    "plot_sensitivity",
    "plot_sobol",
    "save_figure",
    "save_plot",
]
