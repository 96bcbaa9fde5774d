"""Plotting functions draw what they are given onto the Axes they are given."""

from __future__ import annotations

import matplotlib.pyplot as plt  # the Agg backend is set in conftest.py
import numpy as np

from qnet_design.budget import Budget, BudgetStep, Figure
from qnet_design.plotting import (
    plot_budget,
    plot_chain,
    plot_concurrence_matrix,
    plot_error_budget,
    plot_map,
)


def test_concurrence_matrix_heat_map():
    fig, ax = plt.subplots()
    c = np.array([[0.9, 0.1], [0.0, 0.8]])
    assert plot_concurrence_matrix(c, ax) is ax
    assert np.allclose(ax.images[0].get_array(), c)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["B1", "B2"]
    plt.close(fig)


def test_chain_and_map():
    fig, (a1, a2) = plt.subplots(1, 2)
    plot_chain([0.9, 0.7, 0.4], a1, label="C_kk")
    assert np.allclose(a1.lines[0].get_ydata(), [0.9, 0.7, 0.4])
    assert list(a1.lines[0].get_xdata()) == [1, 2, 3]
    n_th, kappa = np.geomspace(1, 1e3, 4), np.geomspace(1e-3, 1e-1, 3)
    plot_map(n_th, kappa, np.ones((4, 3)), a2)
    assert a2.get_xscale() == "log" and a2.get_ylabel() == "κ/γ"
    plt.close(fig)


def _budget() -> Budget:
    steps = (
        BudgetStep("ideal", "concurrence", 0.67),
        BudgetStep("+ dephasing", "concurrence", 0.64),
        BudgetStep("+ loss", "concurrence", 0.33),
    )
    figures = (Figure("concurrence", 0.33, "", "hierarchy"),)
    return Budget("thermal_link", "test", figures, steps, (), {}, {"C(t)": np.linspace(0, 0.3, 5)})


def test_error_budget_waterfall_bars_follow_the_steps():
    fig, ax = plt.subplots()
    plot_error_budget(_budget(), ax)
    bars = ax.patches
    assert len(bars) == 3
    # first bar is the ideal value; each next bar spans the change of its step
    assert bars[0].get_height() == np.float64(0.67)
    assert np.isclose(bars[2].get_height(), 0.64 - 0.33)
    assert np.isclose(bars[2].get_y(), 0.33)
    plt.close(fig)


def test_plot_budget_writes_png(tmp_path):
    path = plot_budget(_budget(), tmp_path / "b.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
