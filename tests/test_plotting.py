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
from qnet_design.budget._types import Profile, format_value
from qnet_design.budget.sensitivity import Sensitivity, SensitivityReport
from qnet_design.budget.sobol import SobolIndex, SobolReport
from qnet_design.budget.uncertainty import Interval, UncertainBudget, UncertainInput
from qnet_design.plotting import (
    BETTER,
    FLOOR,
    WORSE,
    budget_figure,
    plot_budget,
    plot_chain,
    plot_concurrence_matrix,
    plot_error_budget,
    plot_intervals,
    plot_map,
    plot_sensitivity,
    plot_sobol,
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


def test_real_dual_rail_budget_plots_its_computed_matrix():
    # the catalog TWPA dual rail cut to two pairs (~10 s): its headline budget already solves
    # the whole layout, so the panel must show that computed C_ij, and the ideal one says ideal
    from qnet_design.budget import budget
    from qnet_design.specs.setups import load_setup, with_overrides

    from .conftest import DEVICES

    setup = load_setup(DEVICES / "setups" / "dual_rail_twpa.toml")
    b = budget(with_overrides(setup, {"layout.pairs": 2}), full=False)
    _assert_dual_rail_panels(b)


@pytest.mark.slow
def test_real_full_dual_rail_budget_plots_its_computed_matrix():
    # the full budget of the same two pairs (finite-bandwidth T_prep, error budget: minutes)
    from qnet_design.budget import budget
    from qnet_design.specs.setups import load_setup, with_overrides

    from .conftest import DEVICES

    setup = load_setup(DEVICES / "setups" / "dual_rail_twpa.toml")
    b = budget(with_overrides(setup, {"layout.pairs": 2}))
    ax_budget = _assert_dual_rail_panels(b)
    # the ideal network's N_ent = ∞ is marked as such, the setup's value labelled in bold
    labels = [t.get_text() for t in ax_budget.texts]
    assert labels[0].startswith("∞") and labels[-1] == format_value(b.error_budget[-1].value, 3)


def _assert_dual_rail_panels(b):
    from qnet_design.budget._dual_rail import PROFILE_COMPUTED, PROFILE_IDEAL

    fig = b.plot()
    panels = {ax.get_title(): ax for ax in fig.axes if ax.images}
    computed = np.asarray(b.profiles[PROFILE_COMPUTED])
    shown = panels[PROFILE_COMPUTED].images[0].get_array()
    assert np.array_equal(shown, np.where(np.abs(computed) < FLOOR, 0.0, computed))
    assert np.diag(computed) == pytest.approx([b["C_11"], b["C_22"]], abs=1e-12)
    # the ideal broadband matrix is titled as ideal and is not the computed one
    (ideal_title,) = [t for t in panels if t != PROFILE_COMPUTED]
    assert "ideal" in ideal_title and ideal_title == PROFILE_IDEAL
    ideal = np.asarray(b.profiles[PROFILE_IDEAL])
    assert np.allclose(panels[ideal_title].images[0].get_array(), ideal)
    assert not np.allclose(ideal, computed, atol=1e-2)
    _inside_canvas(fig)
    ax_budget = fig.axes[len(b.profiles)]  # the panels come first, then the colour bars
    plt.close(fig)
    return ax_budget


def _uncertain(intervals, failures=None, n_samples=20) -> UncertainBudget:
    nominal = Budget(
        "dual_rail",
        "A setup",
        tuple(Figure(i.figure, i.nominal, i.unit, "computed") for i in intervals),
    )
    return UncertainBudget(
        "A setup with stated uncertainties and a name long enough to wrap in the title",
        "dual_rail",
        f"Monte Carlo, {n_samples} samples, seed 0",
        nominal,
        (),
        tuple(intervals),
        n_samples,
        failures or {},
    )


def _hline_extents(ax) -> list[tuple[float, float]]:
    """(x0, x1) of every interval bar (horizontal line collections), 95 % first."""
    return [
        (float(seg[0][0]), float(seg[1][0])) for c in ax.collections for seg in c.get_segments()
    ]


def test_interval_plot_marks_units_failures_and_non_finite():
    nan = math.nan
    result = _uncertain(
        [
            Interval("C_11", "", 0.30, 0.29, 0.25, 0.33, 0.20, 0.36, 17),
            Interval("t_prep", "us", 2.0, 2.1, 1.8, 2.5, 1.5, math.inf, 17),
            Interval("n_ent", "", 40.0, 35.0, 10.0, 300.0, 3.0, 5000.0, 17),
            Interval("pair_rate", "1/s", nan, nan, nan, nan, nan, nan, 0),
        ],
        {"ConvergenceError: source truncation": 3},
    )
    fig = plot_intervals(result)
    ax_c, ax_t, ax_n, ax_r = fig.axes
    assert fig.get_layout_engine() is not None
    assert [ax.get_xlabel() for ax in fig.axes] == [
        "C_11",
        "t_prep (µs)",
        "n_ent",
        "pair_rate (1/s)",
    ]
    # the bars are the intervals, the open circle the median, the dashed line the nominal value
    assert _hline_extents(ax_c) == [(0.20, 0.36), (0.25, 0.33)]
    (median,) = [line for line in ax_c.lines if line.get_marker() == "o"]
    assert list(median.get_xdata()) == [0.29]
    assert [list(line.get_xdata()) for line in ax_c.lines if line.get_linestyle() == "--"] == [
        [0.30, 0.30]
    ]
    # an infinite bound runs to the frame and says ∞; decades on a log axis; NaN is named
    assert _hline_extents(ax_t)[0][1] == ax_t.get_xlim()[1]
    assert "∞" in [t.get_text() for t in ax_t.texts]
    assert ax_n.get_xscale() == "log" and ax_c.get_xscale() == "linear"
    assert "NaN" in " ".join(t.get_text() for t in ax_r.texts)
    assert "17 of 20 samples" in ax_t.get_title(loc="left")
    title = fig.get_suptitle()
    assert "17 of 20 samples succeeded" in title and "3 × ConvergenceError" in title
    _inside_canvas(fig)
    plt.close(fig)


def test_real_interval_plot_and_cli(tmp_path, capsys):
    # the catalog's uncertain thermal link, linear propagation (13 headline budgets, ~2 s)
    from qnet_design.budget.uncertainty import uncertain_budget
    from qnet_design.cli import main
    from qnet_design.specs.setups import load_setup

    from .conftest import DEVICES

    path = DEVICES / "setups" / "thermal_link_transmon_uncertain.toml"
    result = uncertain_budget(load_setup(path), method="linear", store=False)
    fig = plot_intervals(result)
    labels = [ax.get_xlabel() for ax in fig.axes]
    assert labels == [_axis(i.figure, i.unit) for i in result.intervals]
    assert "flux (1/µs)" in labels
    c = result["concurrence"]
    assert _hline_extents(fig.axes[0]) == pytest.approx([(c.low95, c.high95), (c.low68, c.high68)])
    _inside_canvas(fig)
    plt.close(fig)
    # the CLI writes the same picture; --quiet prints one line per figure
    png = tmp_path / "intervals.png"
    argv = ["budget", str(path), "--uncertainty", "linear", "--no-cache", "--quiet", "--plot"]
    assert main([*argv, str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out.splitlines()
    assert out[2].startswith("  concurrence") and "68 % [" in out[2] and "evidence" not in out


def _axis(name, unit):
    return f"{name} ({unit.replace('us', 'µs')})" if unit else name


def _report(ranking, figure="n_ent", unit="", minimize=False, nominal=2.0) -> SensitivityReport:
    return SensitivityReport(
        "A setup", figure, nominal, tuple(ranking), ("x = 0",), 9, unit, minimize
    )


def test_sensitivity_plot_ranks_in_lab_units_and_marks_non_finite():
    ranking = [
        Sensitivity(
            "channel.insertion_loss", "0.2 dB", -0.6, "halving", "0.1 dB", math.inf, math.inf
        ),
        Sensitivity("qubit.t_phi", "20 µs", 0.1, "doubling", "40 µs", 2.5, 0.5),
        Sensitivity(
            "qubit.directionality",
            "0.99",
            2.0,
            "halving the backward part of",
            "0.995",
            1.9,
            -0.1,
            violates_rule=True,
        ),
        Sensitivity(
            "source.filter_q",
            "2.5e+05",
            0.0,
            "neither ±10 % helps (local optimum):",
            "2.75e+05",
            1.8,
            -0.2,
        ),
        Sensitivity(
            "layout.detuning_step", "10 MHz", math.nan, "+10 % on", "11 MHz", math.nan, math.nan
        ),
    ]
    fig = plot_sensitivity(_report(ranking))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "n_ent (higher is better)"
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert "halving channel.insertion_loss (0.2 dB → 0.1 dB)" in ticks[0]
    assert "doubling qubit.t_phi (20 µs → 40 µs)" in ticks[1]
    bars = ax.patches
    assert [mcolors.to_hex(b.get_facecolor()) for b in bars[1:4]] == [
        mcolors.to_hex(c) for c in (BETTER, WORSE, WORSE)
    ]
    # ∞ is a hatched bar to the frame, the rule violation hatched, NaN a grey box
    assert bars[0].get_hatch() and bars[0].get_x() + bars[0].get_width() == ax.get_xlim()[1]
    assert bars[2].get_hatch() and not bars[1].get_hatch() and bars[4].get_hatch()
    labels = [t.get_text() for t in ax.texts]
    assert labels[:2] == ["∞", "2.5 (+0.5)"] and "NaN" in labels and "nominal 2" in labels
    assert [list(line.get_xdata()) for line in ax.lines] == [[2.0, 2.0]]  # the nominal
    assert "1 not ranked" in fig.get_suptitle()
    _inside_canvas(fig)
    plt.close(fig)
    # a preparation time: shorter is better, so a decrease is green
    t = [Sensitivity("qubit.t1", "20 µs", -0.3, "doubling", "40 µs", 1.5, -0.5)]
    fig = plot_sensitivity(_report(t, "t_prep", "us", minimize=True))
    assert fig.axes[0].get_xlabel() == "t_prep (µs, lower is better)"
    assert mcolors.to_hex(fig.axes[0].patches[0].get_facecolor()) == mcolors.to_hex(BETTER)
    plt.close(fig)


def test_real_sensitivity_plot_and_cli(tmp_path, capsys):
    # the catalog TWPA arrays (16 headline budgets, < 1 s): every bar ends at the figure after
    # that parameter's improvement
    from qnet_design.budget.sensitivity import sensitivity
    from qnet_design.cli import main
    from qnet_design.specs.setups import load_setup

    from .conftest import DEVICES

    path = DEVICES / "setups" / "cv_replication_twpa_arrays.toml"
    report = sensitivity(load_setup(path), store=False)
    fig = plot_sensitivity(report)
    ax = fig.axes[0]
    ends = [b.get_x() + b.get_width() for b in ax.patches]
    assert ends == pytest.approx([s.figure_after for s in report.ranking])
    assert ax.get_xlabel() == f"{report.figure} (higher is better)"
    _inside_canvas(fig)
    plt.close(fig)
    png = tmp_path / "ranking.png"
    assert main(["sensitivity", str(path), "--no-cache", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "realistic improvement" in capsys.readouterr().out


def test_sobol_plot_shows_both_indices_with_intervals_and_marks_nan():
    inputs = (
        UncertainInput("source.linewidth", 2e8, 2e7, "Hz", "normal", "200 ± 20 MHz"),
        UncertainInput("qubit.t_phi", 2e-5, 5e-6, "s", "lognormal", "20 ± 5 us, lognormal"),
    )
    nan = math.nan
    indices = (
        SobolIndex("source.linewidth", 0.7, 0.6, 0.8, 0.75, 0.7, 0.85, 0.72),
        SobolIndex("qubit.t_phi", nan, nan, nan, 0.2, nan, nan, nan),
    )
    failures = {"ConvergenceError: no steady state": 2}
    report = SobolReport(
        "A setup",
        "dual_rail",
        "t_prep",
        inputs,
        indices,
        32,
        0,
        128,
        30,
        0.27,
        0.05,
        failures,
        unit="us",
    )
    fig = plot_sobol(report)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Sobol index: share of the variance of t_prep (µs)"
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert ticks == [
        "source.linewidth = 200 ± 20 MHz (normal)",
        "qubit.t_phi = 20 ± 5 µs, lognormal",
    ]
    # bars: S and S_T of the first input end at their estimates; NaN S is a hatched box
    widths = [b.get_width() for b in ax.patches]
    assert widths[:2] == pytest.approx([0.7, 0.75])
    assert ax.patches[2].get_hatch() and not ax.patches[0].get_hatch()
    assert ax.patches[3].get_width() == pytest.approx(0.2)
    labels = [t.get_text() for t in ax.texts]
    assert "0.7 [0.6, 0.8]" in labels and "0.75 [0.7, 0.85]" in labels
    assert "undefined (NaN)" in labels and "0.2 [interval undefined]" in labels
    assert not any("nan" in t for t in labels)  # NaN never drawn as a number
    title = fig.get_suptitle().replace("\n", " ")
    assert "t_prep = 0.27 ± 0.05 µs" in title and "2 × ConvergenceError" in title
    assert "sum of S_i undefined (NaN)" in title
    _inside_canvas(fig)
    plt.close(fig)
