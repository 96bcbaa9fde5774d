"""Plotting functions draw what they are given onto the Axes they are given — and draw it
right: axes carry quantity and unit, nothing lies outside the canvas, ∞ and NaN are marked,
colours say better or worse for the figure at hand, the C_ij shown is the budget's."""

from __future__ import annotations

import math

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt  # the Agg backend is set in conftest.py
import numpy as np
import pytest

from qnet_design.budget import Budget, BudgetStep, Figure
from qnet_design.budget._types import Profile
from qnet_design.plotting import (
    BETTER,
    WORSE,
    budget_figure,
    plot_budget,
    plot_chain,
    plot_concurrence_matrix,
    plot_error_budget,
    plot_map,
)


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def _inside_canvas(fig) -> None:
    """Every drawn artist lies within the figure (nothing clipped at the canvas edge)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.get_tightbbox(renderer)  # inches
    width, height = fig.get_size_inches()
    tol = 0.02
    assert box.x0 >= -tol and box.y0 >= -tol, box
    assert box.x1 <= width + tol and box.y1 <= height + tol, (box, width, height)


def test_concurrence_matrix_heat_map():
    fig, ax = plt.subplots(layout="constrained")
    c = np.array([[0.9, 1e-16], [0.0, 0.8]])
    assert plot_concurrence_matrix(c, ax, title="C_ij computed") is ax
    # solver noise below the floor is drawn and labelled as exact zero
    assert np.allclose(ax.images[0].get_array(), [[0.9, 0.0], [0.0, 0.8]])
    assert ax.images[0].get_clim() == (0.0, 1.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["B1", "B2"]
    assert ax.get_title() == "C_ij computed"
    assert "0" in [t.get_text() for t in ax.texts] and "1e-16" not in _texts(fig)
    _inside_canvas(fig)
    plt.close(fig)


def test_chain_has_integer_ticks_and_marks_nan():
    fig, ax = plt.subplots(layout="constrained")
    plot_chain([0.9, math.nan, 0.4], ax, label="C_kk")
    assert np.allclose(ax.lines[0].get_ydata(), [0.9, math.nan, 0.4], equal_nan=True)
    assert list(ax.lines[0].get_xdata()) == [1, 2, 3]
    fig.canvas.draw()
    ticks = [float(t) for t in ax.get_xticks()]
    assert all(t == int(t) for t in ticks)
    assert ax.get_xlabel() == "pair k" and ax.get_ylabel() == "C_kk"
    assert "NaN" in [t.get_text() for t in ax.texts]
    plt.close(fig)
    # explicit node numbers keep integer ticks too
    fig, ax = plt.subplots(layout="constrained")
    plot_chain([0.5, 0.4, 0.3, 0.2], ax, x=np.arange(1, 5), xlabel="pair j")
    fig.canvas.draw()
    assert all(float(t) == int(t) for t in ax.get_xticks())
    plt.close(fig)


def test_map_floor_and_shared_limits():
    fig, (a1, a2) = plt.subplots(1, 2, layout="constrained")
    n_th, kappa = np.geomspace(1, 1e3, 4), np.geomspace(1e-3, 1e-1, 3)
    z = np.full((4, 3), 1e-15)
    z[0, 0] = 0.5
    plot_map(n_th, kappa, z, a1, vmin=0.0, vmax=1.0)
    plot_map(n_th, kappa, 2 * z, a2, vmin=0.0, vmax=1.0)
    assert a1.get_xscale() == "log" and a1.get_ylabel() == "κ/γ"
    mesh = a1.collections[0]
    assert mesh.get_clim() == a2.collections[0].get_clim() == (0.0, 1.0)
    assert np.count_nonzero(mesh.get_array()) == 1  # 1e-15 noise is shown as exact zero
    plt.close(fig)


def _budget(steps, profiles=None, figure="concurrence") -> Budget:
    return Budget(
        "thermal_link",
        "A setup with a long name that must wrap instead of running off the canvas edge",
        (Figure(figure, steps[-1][1], "", "hierarchy"),),
        tuple(BudgetStep(name, figure, value) for name, value in steps),
        (),
        {},
        profiles or {},
    )


def _bar_colors(ax) -> list[str]:
    return [mcolors.to_hex(p.get_facecolor()) for p in ax.patches]


def test_error_budget_waterfall_bars_follow_the_steps():
    fig, ax = plt.subplots(layout="constrained")
    steps = [("ideal", 0.67), ("+ dephasing", 0.64), ("+ loss", 0.33)]
    plot_error_budget(_budget(steps), ax)
    bars = ax.patches
    assert len(bars) == 3
    # first bar is the ideal value; each next bar spans the change of its step
    assert bars[0].get_height() == pytest.approx(0.67)
    assert np.isclose(bars[2].get_height(), 0.64 - 0.33)
    assert np.isclose(bars[2].get_y(), 0.33)
    assert _bar_colors(ax)[1:] == [mcolors.to_hex(WORSE)] * 2  # C falls: worse
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["0.67", "0.64", "0.33"]  # every value, the final one included
    assert ax.texts[-1].get_fontweight() == "bold"
    assert "higher is better" in ax.get_ylabel()
    _inside_canvas(fig)
    plt.close(fig)


def test_error_budget_colours_follow_the_figure_direction():
    # a longer preparation time is worse, a shorter one better (T_prep: lower is better)
    fig, ax = plt.subplots(layout="constrained")
    steps = [("ideal", 1.0), ("+ a", 1.5), ("+ b", 1.2)]
    plot_error_budget(_budget(steps, figure="t_prep"), ax)
    assert _bar_colors(ax)[1:] == [mcolors.to_hex(WORSE), mcolors.to_hex(BETTER)]
    assert "lower is better" in ax.get_ylabel()
    plt.close(fig)


def test_error_budget_marks_infinite_and_nan_steps():
    # dual rail: N_ent = ∞ in the ideal network; a failed step is NaN
    fig, ax = plt.subplots(layout="constrained")
    steps = [("ideal", math.inf), ("+ β", 40.0), ("+ γ′", math.nan), ("+ loss", 2.7)]
    plot_error_budget(_budget(steps, figure="n_ent"), ax)
    labels = [t.get_text() for t in ax.texts]
    assert labels[0].startswith("∞") and labels[2] == "NaN" and labels[-1] == "2.7"
    # the ∞ bar runs to the top of the axis, hatched, not to a fake finite value
    assert ax.patches[0].get_hatch() and ax.patches[2].get_hatch()
    assert ax.patches[0].get_y() + ax.patches[0].get_height() == pytest.approx(ax.get_ylim()[1])
    _inside_canvas(fig)
    plt.close(fig)


def test_budget_figure_plots_profiles_against_their_axes():
    trace = Profile(np.linspace(0, 0.3, 50), np.linspace(0, 2.0, 50), "time t (µs)", "C(t)")
    c = np.array([[0.64, 0.01], [0.0, 0.5]])
    budget = _budget(
        [("ideal", 0.67), ("+ loss", 0.33)],
        {"C(t)": trace, "C_ij computed (finite bandwidth)": c},
    )
    fig = budget.plot()
    ax_t, ax_c, ax_b = fig.axes[:3]
    assert fig.get_layout_engine() is not None
    assert ax_t.get_xlabel() == "time t (µs)"
    assert np.allclose(ax_t.lines[0].get_xdata(), trace.x)
    # the matrix shown is the budget's, titled with the profile's own name
    assert ax_c.get_title() == "C_ij computed (finite bandwidth)"
    assert np.allclose(ax_c.images[0].get_array(), c)
    assert ax_b.get_ylabel().startswith("concurrence")
    _inside_canvas(fig)
    plt.close(fig)


def test_plot_budget_writes_png(tmp_path):
    path = plot_budget(_budget([("ideal", 0.67), ("+ loss", 0.33)]), tmp_path / "b.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_budget_figure_without_error_budget():
    fig = budget_figure(_budget([("ideal", 0.5)]))
    _inside_canvas(fig)
    plt.close(fig)


def test_real_budget_figure_has_physical_axes():
    # a catalog budget end to end (cv_routing: ~1 s): node numbers as integers, nothing clipped
    from qnet_design.budget import budget

    from .conftest import DEVICES

    fig = budget(DEVICES / "setups" / "cv_routing_electromechanical.toml").plot()
    ax_profile, ax_budget = fig.axes[0], fig.axes[1]
    assert ax_profile.get_xlabel() == "channel node m"
    fig.canvas.draw()
    assert all(float(t) == int(t) for t in ax_profile.get_xticks())
    assert ax_budget.get_ylabel() == "M_max (higher is better)"
    _inside_canvas(fig)
    plt.close(fig)


def test_error_budget_uses_a_log_axis_when_values_span_decades():
    fig, ax = plt.subplots(layout="constrained")
    steps = [("ideal", 500.0), ("+ a", 40.0), ("+ b", 2.0)]
    plot_error_budget(_budget(steps, figure="n_ent"), ax)
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.texts] == ["500", "40", "2"]
    plt.close(fig)
