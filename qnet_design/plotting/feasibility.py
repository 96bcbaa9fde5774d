"""Plots of the feasibility tools: intervals of ``budget --uncertainty``, the sensitivity ranking
and the Sobol indices (issue conventions as in :mod:`qnet_design.plotting.results`: quantity and
unit on every axis, ∞ and NaN marked, never drawn as numbers)."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..budget._types import format_value
from .results import BETTER, REFERENCE, UNKNOWN, WORSE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..budget.sensitivity import SensitivityReport
    from ..budget.sobol import SobolReport
    from ..budget.uncertainty import Interval, UncertainBudget


def _micro(text: str) -> str:
    """Micro written µ ("1/us" → "1/µs", "20 ± 5 us" → "20 ± 5 µs")."""
    return re.sub(r"\bus\b", "µs", text)


def _quantity(name: str, unit: str, direction: str = "") -> str:
    """An axis label ``name (unit, direction)``, micro written µ ("1/us" → "1/µs")."""
    words = [_micro(unit)] if unit else []
    words += [direction] if direction else []
    return f"{name} ({', '.join(words)})" if words else name


def _limits(values: Sequence[float], log: bool) -> tuple[float, float]:
    """Axis limits around the finite ``values`` with a margin (and room for an ∞ at an edge)."""
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = min(finite), max(finite)
    if log:
        left, right = lo / 1.6, hi * 1.6
        return (left / 3.0 if -math.inf in values else left), (
            right * 3.0 if math.inf in values else right
        )
    pad = 0.08 * (hi - lo) or max(0.05 * abs(hi), 1e-12)
    left, right = lo - pad, hi + pad
    room = 0.2 * (right - left)
    return (left - room if -math.inf in values else left), (
        right + room if math.inf in values else right
    )


def _spans_decades(values: Sequence[float]) -> bool:
    finite = [v for v in values if math.isfinite(v)]
    return bool(finite) and min(finite) > 0 and max(finite) / min(finite) > 100.0


def _mark_infinite(ax: Axes, x: float, y: float, positive: bool) -> None:
    """An arrow head at the frame and "∞" (or "−∞"): the value runs off the axis."""
    ax.plot(x, y, ">" if positive else "<", color=WORSE, ms=7, clip_on=False)
    ax.annotate(
        "∞" if positive else "−∞",
        (x, y),
        textcoords="offset points",
        xytext=(-10 if positive else 10, 7),
        ha="center",
        color=WORSE,
        fontsize=9,
    )


def _interval_row(ax: Axes, interval: Interval, n_samples: int) -> None:
    """One figure's nominal, median and 68 %/95 % intervals on its own axis (see caller)."""
    from matplotlib.patches import Rectangle

    i = interval
    values = [i.nominal, i.median, i.low68, i.high68, i.low95, i.high95]
    ax.set_yticks([])
    ax.set_ylim(-1.0, 1.0)
    ax.set_xlabel(_quantity(i.figure, i.unit), fontsize=8)
    ax.tick_params(labelsize=7)
    if not any(math.isfinite(v) for v in values):
        ax.add_patch(
            Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, hatch="xx", ec=UNKNOWN)
        )
        ax.set_xticks([])
        ax.text(
            0.5,
            0.5,
            f"{i.figure} = NaN: no sample gave a value",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=8,
            bbox={"fc": "white", "ec": "none"},
        )
        return
    log = _spans_decades(values)
    if log:
        ax.set_xscale("log")
    left, right = _limits(values, log)
    ax.set_xlim(left, right)

    def at(v: float) -> float:  # ±∞ drawn at the frame
        return right if v == math.inf else (left if v == -math.inf else v)

    for lo, hi, width, alpha in ((i.low95, i.high95, 5, 0.35), (i.low68, i.high68, 11, 0.8)):
        if math.isfinite(lo) or math.isfinite(hi):
            ax.hlines(0.0, at(lo), at(hi), lw=width, color=REFERENCE, alpha=alpha)
    if math.isfinite(i.median) or math.isinf(i.median):
        ax.plot(at(i.median), 0.0, "o", mfc="white", mec="k", ms=6, clip_on=False)
    if math.isfinite(i.nominal):
        ax.axvline(i.nominal, ls="--", color="k", lw=1.0)
    for v in values:
        if math.isinf(v):
            _mark_infinite(ax, at(v), 0.0, v > 0)
    nan = [
        k
        for k, v in zip(("nominal", "median", "68 %", "68 %", "95 %", "95 %"), values, strict=True)
        if math.isnan(v)
    ]
    text = f"median {format_value(i.median)}, {i.ranges()}"
    if nan:
        text += f"; NaN: {', '.join(dict.fromkeys(nan))}"
    if n_samples and i.n < n_samples:
        text += f"; {i.n} of {n_samples} samples"
    ax.set_title(text, loc="left", fontsize=7, color=WORSE if nan else "k")


def plot_intervals(result: UncertainBudget) -> Figure:
    """A budget with intervals (``budget --uncertainty --plot``): one row per figure on its own
    axis (quantity and unit; logarithmic where the values span decades) with the 95 % interval
    (light bar), the 68 % interval (dark bar), the median (open circle) and the value at the
    nominal inputs (dashed line); the title says how many samples failed and why. An infinite
    bound or median is an arrow at the frame with "∞", a NaN is named in the row's text.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    rows = max(1, len(result.intervals))
    fig, axes = plt.subplots(
        rows, 1, figsize=(6.4, 1.3 + 0.95 * rows), layout="constrained", squeeze=False
    )
    for ax, interval in zip(axes[:, 0], result.intervals, strict=False):
        _interval_row(ax, interval, result.n_samples)
    handles = [
        Line2D([], [], color=REFERENCE, lw=5, alpha=0.35, label="95 % interval"),
        Line2D([], [], color=REFERENCE, lw=11, alpha=0.8, label="68 % interval"),
        Line2D([], [], ls="", marker="o", mfc="white", mec="k", label="median"),
        Line2D([], [], ls="--", color="k", lw=1.0, label="nominal inputs"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    title = f"{result.setup}: {result.method}"
    if result.n_samples:
        ok = result.n_samples - result.n_failed
        title += f"; {ok} of {result.n_samples} samples succeeded"
        reasons = "; ".join(f"{n} × {why[:70]}" for why, n in result.failures.items())
        title += f", failed: {reasons}" if reasons else ""
    chars = int(6.4 * 72 / (0.55 * 9))
    fig.suptitle(textwrap.fill(title, chars), fontsize=9)
    return fig


def plot_sensitivity(report: SensitivityReport) -> Figure:
    """The sensitivity ranking (``sensitivity --plot``): one bar per parameter, largest effect
    on top, from the nominal figure (vertical line) to the figure after that parameter's
    realistic improvement, named in lab units ("halving channel.insertion_loss (0.2 dB →
    0.1 dB)"); green where the figure gets better, red where worse (the direction of
    ``report.minimize``), hatched where an imperfection improved it (a rule violation the
    text flags). An infinite result is a hatched bar to the frame with "∞", NaN a grey box.
    """
    import matplotlib.pyplot as plt

    ranking = report.ranking
    n = max(1, len(ranking))
    fig, ax = plt.subplots(figsize=(7.5, 1.5 + 0.42 * n), layout="constrained")
    f0 = report.nominal
    direction = "lower is better" if report.minimize else "higher is better"
    ax.set_xlabel(_quantity(report.figure, report.unit, direction), fontsize=8)
    title = f"{report.setup}: {report.figure} after one realistic improvement of each parameter"
    if report.not_ranked:
        title += f" ({len(report.not_ranked)} not ranked, see the text output)"
    fig.suptitle(textwrap.fill(title, int(7.5 * 72 / (0.55 * 9))), fontsize=9)
    if not ranking:
        ax.text(0.5, 0.5, "no parameter ranked", transform=ax.transAxes, ha="center")
        ax.set_yticks([])
        return fig
    after = [s.figure_after for s in ranking]
    log = _spans_decades([f0, *after])
    if log:
        ax.set_xscale("log")
    left, right = _limits([f0, *after], log)
    # room for the value labels on the side(s) where bars end
    span = (math.log(right / left) if log else right - left) * 0.25
    grow = (any(v < f0 for v in after), any(not v <= f0 for v in after))  # NaN: right side
    if log:
        left, right = left / math.exp(span * grow[0]), right * math.exp(span * grow[1])
    else:
        left, right = left - span * grow[0], right + span * grow[1]
    ax.set_xlim(left, right)
    better = -1.0 if report.minimize else 1.0
    for k, s in enumerate(ranking):
        v = s.figure_after
        if math.isnan(v):
            ax.barh(k, right - left, left=left, color="none", edgecolor=UNKNOWN, hatch="xx")
            end, text = f0, "NaN"
        else:
            end = right if v == math.inf else (left if v == -math.inf else v)
            gain = better * (v - f0)
            color = BETTER if gain > 0 else (WORSE if gain < 0 else UNKNOWN)
            hatch = "///" if s.violates_rule or math.isinf(v) else None
            ax.barh(
                k,
                end - f0,
                left=f0,
                height=0.6,
                color=color,
                hatch=hatch,
                edgecolor="k" if hatch else color,
                lw=0.6,
            )
            text = format_value(v) if math.isinf(v) else f"{format_value(v)} ({s.change:+.3g})"
        ax.annotate(
            text,
            (end, k),
            textcoords="offset points",
            xytext=(3 if end >= f0 else -3, 0),
            ha="left" if end >= f0 else "right",
            va="center",
            fontsize=7,
            annotation_clip=False,
        )
    ax.axvline(f0, color="k", lw=1.0)
    side = "left" if not grow[0] else ("right" if not grow[1] else "center")  # away from the frame
    ax.annotate(
        f"nominal {format_value(f0)}",
        (f0, -0.75),
        textcoords="offset points",
        xytext=({"left": 3, "right": -3, "center": 0}[side], 0),
        ha=side,
        va="center",
        fontsize=7,
        bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "k", "lw": 0.6},
    )
    labels = [
        textwrap.fill(f"{s.action} {s.path} ({s.value} → {s.improved_value})", 46) for s in ranking
    ]
    ax.set_yticks(range(len(ranking)), labels, fontsize=7)
    ax.set_ylim(len(ranking) - 0.5, -1.2)  # rank 1 on top, room for the nominal's label
    ax.tick_params(axis="x", labelsize=7)
    return fig


def _index_bar(ax: Axes, k: float, value: float, low: float, high: float, face: Any) -> None:
    """One Sobol index as a bar with its 95 % interval (whiskers) and its numbers, at row
    ``k``. NaN (undefined: no variance left in a bootstrap resample, …) is a hatched grey box
    across the unit interval named "undefined (NaN)", never a bar of made-up length."""
    if math.isnan(value):
        ax.barh(k, 1.0, left=0.0, height=0.36, color="none", edgecolor=UNKNOWN, hatch="xx")
        ax.text(
            0.5,
            k,
            "undefined (NaN)",
            ha="center",
            va="center",
            fontsize=7,
            bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none"},
        )
        return
    ax.barh(k, value, height=0.36, facecolor=face, edgecolor=REFERENCE)
    text, end = f"{value:.2g}", value
    if math.isfinite(low) and math.isfinite(high):
        ax.errorbar(
            value,
            k,
            xerr=[[value - low], [high - value]],
            fmt="none",
            ecolor="k",
            elinewidth=0.8,
            capsize=2.5,
        )
        text, end = text + f" [{low:.2g}, {high:.2g}]", max(value, high)
    else:
        text += " [interval undefined]"
    ax.annotate(
        text,
        (max(end, 0.0), k),
        textcoords="offset points",
        xytext=(4, 0),
        va="center",
        fontsize=7,
        annotation_clip=False,
    )


def plot_sobol(report: SobolReport) -> Figure:
    """Sobol indices (``sensitivity --sobol --plot``): per input (ranked by the total index,
    largest on top, labelled with its stated value and uncertainty in lab units), the
    first-order index Sᵢ (dark bar) and the total index S_Tᵢ (light bar), each with its 95 %
    bootstrap interval (whiskers) and its numbers at the bar; the linear share (squared
    standardised regression coefficient, the near-linear cross-check) as an open diamond. The
    indices are shares of the variance of the figure, named with its unit, mean and standard
    deviation in the title. An undefined (NaN) index is a hatched grey box, not a bar.
    """
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    indices = report.indices
    n = max(1, len(indices))
    fig, ax = plt.subplots(figsize=(7.5, 1.9 + 0.62 * n), layout="constrained")
    written = {p.path: _micro(str(p)) for p in report.inputs}
    first, total = REFERENCE, (*mcolors.to_rgb(REFERENCE), 0.35)  # bar faces: dark, light
    bounds = [0.0, 1.0]
    for k, s in enumerate(indices):
        for value, lo, hi, face, dy in (
            (s.first, s.first_low, s.first_high, first, -0.19),
            (s.total, s.total_low, s.total_high, total, 0.19),
        ):
            _index_bar(ax, k + dy, value, lo, hi, face)
            bounds += [v for v in (value, lo, hi) if math.isfinite(v)]
        if math.isfinite(s.linear_share):
            ax.plot(s.linear_share, k, "D", mfc="white", mec="k", ms=5, zorder=3)
    left, right = min(bounds), max(bounds)
    pad = 0.05 * (right - left)
    ax.set_xlim(left - pad, right + 0.32 * (right - left))  # room for the numbers
    ax.axvline(0.0, color="k", lw=0.8)
    ax.axvline(1.0, color="k", lw=0.6, ls=":")
    ax.set_ylim(n - 0.5, -0.5)
    labels = [textwrap.fill(written.get(s.path, s.path), 42) for s in indices]
    ax.set_yticks(range(len(indices)), labels, fontsize=7)
    ax.tick_params(axis="x", labelsize=7)
    figure = _quantity(report.figure, report.unit)
    ax.set_xlabel(f"Sobol index: share of the variance of {figure}", fontsize=8)
    handles = [
        Patch(label="first order S_i (alone)", facecolor=first, edgecolor=REFERENCE),
        Patch(label="total S_Ti (with interactions)", facecolor=total, edgecolor=REFERENCE),
        Line2D([], [], color="k", lw=0.8, marker="|", label="95 % bootstrap interval"),
        Line2D([], [], ls="", marker="D", mfc="white", mec="k", label="linear share"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=7, frameon=False)
    unit = _micro(f" {report.unit}") if report.unit else ""
    total_first = report.first_order_sum
    title = (
        f"{report.setup}: Sobol indices of {figure} over the stated uncertainties; "
        f"{report.figure} = {format_value(report.mean)} ± {format_value(report.std, 3)}{unit} "
        f"(mean ± sd); N = {report.samples}, {report.evaluations} budgets, "
        f"{report.n_used} of {report.samples} rows used; sum of S_i "
        + (f"= {total_first:.2f}" if math.isfinite(total_first) else "undefined (NaN)")
    )
    if report.failures:
        title += "; failed: " + "; ".join(f"{c} × {why[:60]}" for why, c in report.failures.items())
    fig.suptitle(textwrap.fill(title, int(7.5 * 72 / (0.55 * 9))), fontsize=9)
    return fig
