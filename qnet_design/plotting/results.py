"""Plots of results: functions of results (or arrays) that draw on an optional matplotlib Axes.

Plotting never solves: every function takes numbers that were already computed. Conventions:

* new figures use ``layout="constrained"`` so that titles, labels and colour bars fit;
* axes name their quantity and unit (time in µs, node and pair numbers as integers);
* non-finite values are drawn marked, never as ordinary data: an infinite error-budget value is
  a hatched bar running off the top with "∞", a NaN a hatched grey bar or an "×" with "NaN";
* error-budget colours say better (green) or worse (red) for the figure at hand — a larger
  N_ent is better, a shorter T_prep is better (:data:`LOWER_IS_BETTER`);
* maps share colour limits between panels when given ``vmin``/``vmax`` and show values whose
  magnitude is below ``floor`` as exact zero (solver noise of 1e-15 is not structure).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..budget._types import Profile, format_value

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..budget import Budget

#: figures of merit for which a smaller value is better (times); all others: larger is better
LOWER_IS_BETTER = frozenset({"t_prep", "t_peak", "t_50", "t_90", "t_bright"})
#: map entries with |z| below this are drawn (and labelled) as exact zero
FLOOR = 1e-10

BETTER, WORSE, REFERENCE, UNKNOWN = "tab:green", "tab:red", "tab:blue", "0.6"


def _axes(ax: Axes | None, size: tuple[float, float] = (4.5, 3.5)) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _figwidth(ax: Axes) -> float:
    figure = ax.get_figure(root=True)
    return float(figure.get_figwidth()) if figure is not None else 4.5


def _wrap(ax: Axes, text: str, fontsize: float) -> str:
    """``text`` wrapped to the width of ``ax`` (about 0.55 em per character)."""
    width_in = ax.get_position().width * _figwidth(ax)
    chars = max(20, int(width_in * 72 / (0.55 * fontsize)))
    return textwrap.fill(text, chars)


def _floored(z: Any, floor: float) -> np.ndarray:
    z = np.array(z, dtype=float)
    z[np.abs(z) < floor] = 0.0
    return z


def plot_concurrence_matrix(
    c: Any, ax: Axes | None = None, *, title: str = "C_ij", floor: float = FLOOR
) -> Axes:
    """Heat map of C_ij = C(ρ_{A_i|B_j}) (dual rail, paper 000 Eq. 9), colour scale 0 … 1.

    ``title`` names the matrix (e.g. "C_ij computed (finite bandwidth)" or "C_ij ideal");
    entries below ``floor`` show as 0, NaN entries grey with "NaN".
    """
    import matplotlib as mpl

    ax = _axes(ax)
    c = _floored(c, floor)
    cmap = mpl.colormaps["viridis"].with_extremes(bad="0.8")
    image = ax.imshow(np.ma.masked_invalid(c), vmin=0.0, vmax=1.0, cmap=cmap, origin="upper")
    rows, cols = c.shape
    ax.set_xticks(range(cols), [f"B{j + 1}" for j in range(cols)])
    ax.set_yticks(range(rows), [f"A{i + 1}" for i in range(rows)])
    ax.set_xlabel("rail-B qubit j")
    ax.set_ylabel("rail-A qubit i")
    for i in range(rows):
        for j in range(cols):
            v = c[i, j]
            text = "NaN" if math.isnan(v) else ("0" if v == 0 else f"{v:.2f}")
            dark = math.isnan(v) or v >= 0.6
            ax.text(j, i, text, ha="center", va="center", color="k" if dark else "w", fontsize=8)
    ax.figure.colorbar(image, ax=ax, label="concurrence C_ij")
    ax.set_title(_wrap(ax, title, 9), fontsize=9)
    return ax


def plot_chain(
    values: Sequence[float] | np.ndarray,
    ax: Axes | None = None,
    *,
    label: str = "C_kk",
    start: int = 1,
    xlabel: str = "pair k",
    x: Sequence[float] | np.ndarray | None = None,
) -> Axes:
    """A figure along a chain (C_kk versus pair k, E_N(0, m) versus node m) or a trace over
    time (``x`` = times, ``xlabel`` = "time t (µs)").

    Without ``x`` the abscissa is the integers ``start, start + 1, …`` with integer ticks. NaN
    points are marked by a red "×" on the axis and labelled "NaN".
    """
    from matplotlib.ticker import MaxNLocator

    ax = _axes(ax)
    y = np.asarray(values, dtype=float)
    xs = np.arange(start, start + len(y)) if x is None else np.asarray(x, dtype=float)
    trace = x is not None and len(y) > 40
    ax.plot(xs, y, "-" if trace else "o-", label=label, ms=4)
    if x is None or np.all(xs == np.round(xs)):  # node and pair numbers: integer ticks
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(label)
    finite = y[np.isfinite(y)]
    if finite.size and finite.min() >= 0:
        ax.set_ylim(bottom=0.0, top=max(1.05 * finite.max(), 1e-3))
    if finite.size and not finite.any():  # an all-zero profile reads as "nothing drawn"
        ax.text(0.5, 0.5, f"{label} = 0 throughout", transform=ax.transAxes, ha="center")
    bad = ~np.isfinite(y)
    if bad.any():
        ax.plot(xs[bad], np.zeros(bad.sum()), "x", color=WORSE, ms=8, clip_on=False)
        for xb, yb in zip(xs[bad], y[bad], strict=True):
            ax.annotate(
                "NaN" if math.isnan(yb) else "∞",
                (xb, 0),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                color=WORSE,
                fontsize=8,
            )
    return ax


def plot_map(
    x: Any,
    y: Any,
    z: Any,
    ax: Axes | None = None,
    *,
    xlabel: str = "n_th",
    ylabel: str = "κ/γ",
    zlabel: str = "C",
    log: bool = True,
    vmin: float | None = None,
    vmax: float | None = None,
    floor: float = FLOOR,
    cmap: str = "magma",
    colorbar: bool = True,
) -> Axes:
    """Colour map of a figure over two parameters (e.g. C over n_th and κ).

    ``z[i, j]`` belongs to ``(x[i], y[j])`` (x along the horizontal axis). Pass the same
    ``vmin``/``vmax`` to panels that are compared (and ``colorbar=False`` to all but one, or
    draw one colour bar for all from ``ax.collections[0]``); ``|z| < floor`` is drawn as exact
    0; NaN (e.g. no steady state) is grey.
    """
    import matplotlib as mpl

    ax = _axes(ax, (5.0, 3.8))
    zz = np.ma.masked_invalid(_floored(z, floor))
    colours = mpl.colormaps[cmap].with_extremes(bad="0.85")
    mesh = ax.pcolormesh(x, y, zz.T, shading="auto", cmap=colours, vmin=vmin, vmax=vmax)
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if colorbar:
        ax.figure.colorbar(mesh, ax=ax, label=zlabel)
    return ax


def _waterfall(values: np.ndarray, log: bool) -> tuple[np.ndarray, np.ndarray, float]:
    """(bottom, top) of each bar and the axis top; ∞ runs to the axis top, NaN spans nothing."""
    finite = values[np.isfinite(values)]
    top_value = finite.max() if finite.size else 1.0
    base = (finite[finite > 0].min() / 3.0 if (finite > 0).any() else 1e-3) if log else 0.0
    axis_top = top_value * (4.0 if log else 1.25) if top_value > 0 else 1.0
    level = np.where(np.isposinf(values), axis_top, values)
    level = np.where(np.isneginf(level), base, level)
    bottoms, tops = np.empty(len(values)), np.empty(len(values))
    previous = base
    for k, v in enumerate(level):
        if math.isnan(v):  # a failed step: no bar; the next step starts from the last level
            bottoms[k] = tops[k] = previous
            continue
        start = base if k == 0 else previous
        bottoms[k], tops[k] = min(start, v), max(start, v)
        previous = v
    return bottoms, tops, axis_top


def plot_error_budget(budget: Budget, ax: Axes | None = None, *, title: str | None = None) -> Axes:
    """Waterfall of the error budget: the headline figure as imperfections are switched on.

    The first bar is the ideal (reference) value, each further bar the change its step makes,
    green where the figure gets better and red where it gets worse (:data:`LOWER_IS_BETTER`
    decides the direction). Every bar is labelled with the value after its step, at that level
    (above a rise, below a fall); the last label, in bold, is the setup's value. ∞ is a hatched
    bar running off the top, NaN (a failed step) a hatched grey box. A logarithmic axis is used
    when the finite values span more than two decades.
    """
    ax = _axes(ax, (6.0, 3.8))
    steps = budget.error_budget
    if not steps:
        ax.text(0.5, 0.5, "no error budget", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    figure = steps[0].figure
    values = np.array([s.value for s in steps], dtype=float)
    finite = values[np.isfinite(values)]
    positive = finite[finite > 0]
    log = positive.size == finite.size and positive.size > 1
    log = log and bool(positive.max() / positive.min() > 100.0)
    bottoms, tops, axis_top = _waterfall(values, log)
    lower_better = figure in LOWER_IS_BETTER
    last = math.nan
    falls = False
    for k, v in enumerate(values):
        rise = k == 0 or math.isnan(last) or v >= last
        if k == 0:
            color = REFERENCE
        elif math.isnan(v) or math.isnan(last) or v == last:
            color = UNKNOWN
        else:
            color = BETTER if (v < last) == lower_better else WORSE
        hatch = "///" if not math.isfinite(v) or math.isinf(last) else None
        if math.isnan(v):
            box = (axis_top / 3.0, axis_top) if log else (0.0, 0.12 * axis_top)
            ax.bar(k, box[1] - box[0], bottom=box[0], color="none", edgecolor=UNKNOWN, hatch="xx")
            level, rise = box[1], True
        else:
            ax.bar(
                k,
                tops[k] - bottoms[k],
                bottom=bottoms[k],
                color=color,
                hatch=hatch,
                edgecolor="k" if hatch else color,
                linewidth=0.6,
            )
            level = tops[k] if rise else bottoms[k]
            last = v
        falls = falls or not rise
        label = format_value(v, 3)
        if math.isinf(v) and v > 0:  # the bar runs off the top: say so at the frame
            label, level, rise = "∞ ↑", axis_top, False
        ax.annotate(
            label,
            (k, level),
            textcoords="offset points",
            xytext=(0, 2 if rise else -2),
            ha="center",
            va="bottom" if rise else "top",
            fontsize=8,
            fontweight="bold" if k == len(values) - 1 else "normal",
            annotation_clip=False,
            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    if log:
        ax.set_yscale("log")
        ax.set_ylim(bottoms.min() / (2.0 if falls else 1.0), axis_top)
    else:
        low = min(0.0, bottoms.min())
        ax.set_ylim(low - (0.1 * (axis_top - low) if falls else 0.0), axis_top)
        ax.axhline(0.0, color="k", lw=0.6)
    width_in = ax.get_position().width * _figwidth(ax)
    chars = max(8, int(width_in * 72 / (0.55 * 7) / len(steps)) - 2)
    names = [textwrap.fill(s.step, chars, break_long_words=False) for s in steps]
    ax.set_xticks(range(len(steps)), names, fontsize=7)
    direction = "lower is better" if lower_better else "higher is better"
    ax.set_ylabel(f"{figure} ({direction})")
    text = title if title is not None else f"Error budget: {budget.setup}"
    ax.set_title(_wrap(ax, text, 9), fontsize=9)
    return ax


def plot_profile(name: str, profile: Any, ax: Axes | None = None) -> Axes:
    """One budget profile on ``ax``, titled with its own name: a matrix as a heat map, a chain
    against its integer index, a trace against time (a plain array: a matrix or a chain)."""
    if not isinstance(profile, Profile):
        profile = Profile(np.asarray(profile))
    ax = _axes(ax)
    if profile.matrix:
        return plot_concurrence_matrix(profile.values, ax, title=name)
    plot_chain(
        profile.values, ax, label=profile.y_label or name, xlabel=profile.x_label, x=profile.x
    )
    ax.set_title(_wrap(ax, name, 9), fontsize=9)
    return ax


def budget_figure(budget: Budget) -> Figure:
    """A budget's figure: one panel per profile, then the error-budget waterfall."""
    import matplotlib.pyplot as plt

    panels = len(budget.profiles) + 1
    fig, axes = plt.subplots(
        1, panels, figsize=(4.6 * panels, 4.0), layout="constrained", squeeze=False
    )
    for ax, (name, profile) in zip(axes[0], budget.profiles.items(), strict=False):
        plot_profile(name, profile, ax)
    plot_error_budget(budget, axes[0][-1], title=f"Error budget of {_headline(budget)}")
    fig.suptitle(budget.setup, fontsize=10, wrap=True)
    return fig


def _headline(budget: Budget) -> str:
    return budget.error_budget[0].figure if budget.error_budget else "the setup"


def save_figure(fig: Figure, path: str | Path, dpi: int = 110) -> Path:
    """Write ``fig`` to ``path`` (the type from its suffix) and close it."""
    import matplotlib.pyplot as plt

    path = Path(path)
    try:
        fig.savefig(path, dpi=dpi)
    finally:
        plt.close(fig)
    return path


def save_plot(draw: Callable[[Any], Figure], result: Any, path: str | Path) -> Path:
    """``draw(result)`` on the non-interactive backend, written to ``path`` (the CLI's --plot)."""
    import matplotlib

    matplotlib.use("Agg")
    return save_figure(draw(result), path)


def plot_budget(budget: Budget, path: str | Path) -> Path:
    """Write a budget's figure (:func:`budget_figure`) to ``path`` (non-interactive backend)."""
    return save_plot(budget_figure, budget, path)
