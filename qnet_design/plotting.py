"""Plots of results: functions of results (or arrays) that draw on an optional matplotlib Axes.

Plotting never solves: every function takes numbers that were already computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .budget import Budget


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=(4.5, 3.5), layout="constrained")
    return new


def plot_concurrence_matrix(c: Any, ax: Axes | None = None) -> Axes:
    """Heat map of C_ij = C(ρ_{A_i|B_j}) (dual rail)."""
    ax = _axes(ax)
    c = np.asarray(c, dtype=float)
    image = ax.imshow(c, vmin=0.0, vmax=1.0, cmap="viridis", origin="upper")
    n = c.shape[0]
    ax.set_xticks(range(n), [f"B{j + 1}" for j in range(n)])
    ax.set_yticks(range(n), [f"A{i + 1}" for i in range(n)])
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                f"{c[i, j]:.2f}",
                ha="center",
                va="center",
                color="w" if c[i, j] < 0.6 else "k",
                fontsize=8,
            )
    ax.figure.colorbar(image, ax=ax, label="concurrence")
    ax.set_title("C_ij")
    return ax


def plot_chain(
    values: Sequence[float] | np.ndarray,
    ax: Axes | None = None,
    *,
    label: str = "C_kk",
    start: int = 1,
    xlabel: str = "pair k",
) -> Axes:
    """A figure along a chain: C_kk versus k, or E_N(0, m) versus node m."""
    ax = _axes(ax)
    k = np.arange(start, start + len(values))
    ax.plot(k, values, "o-", label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(label)
    ax.set_ylim(bottom=0.0)
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
) -> Axes:
    """Colour map of a figure over two parameters (e.g. C over n_th and κ).

    ``z[i, j]`` belongs to ``(x[i], y[j])`` (x along the horizontal axis).
    """
    ax = _axes(ax)
    mesh = ax.pcolormesh(x, y, np.asarray(z).T, shading="auto", cmap="magma")
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.figure.colorbar(mesh, ax=ax, label=zlabel)
    return ax


def plot_error_budget(budget: Budget, ax: Axes | None = None) -> Axes:
    """Waterfall of the error budget: the headline figure as imperfections are switched on."""
    ax = _axes(ax)
    steps = budget.error_budget
    values = np.array([s.value for s in steps], dtype=float)
    finite = np.where(np.isfinite(values), values, np.nan)
    top = np.nanmax(finite) if np.any(np.isfinite(finite)) else 1.0
    shown = np.where(np.isfinite(values), values, top * 1.1)
    previous = np.concatenate([[shown[0]], shown[:-1]])
    colors = ["tab:blue"] + [
        "tab:red" if d < 0 else "tab:green" for d in (shown[1:] - previous[1:])
    ]
    bottoms = np.minimum(previous, shown)
    heights = np.abs(shown - previous)
    heights[0] = shown[0]
    bottoms[0] = 0.0
    ax.bar(range(len(steps)), heights, bottom=bottoms, color=colors)
    ax.set_xticks(range(len(steps)), [s.step for s in steps], rotation=35, ha="right", fontsize=8)
    ax.set_ylabel(steps[0].figure if steps else "")
    ax.set_title(f"Error budget: {budget.setup}", fontsize=9)
    return ax


def plot_budget(budget: Budget, path: str | Path) -> Path:
    """Write a budget's figure (profile panel + error-budget waterfall) to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = 1 + bool(budget.profiles)
    fig, axes = plt.subplots(1, panels, figsize=(5.0 * panels, 4.0), layout="constrained")
    axes = np.atleast_1d(axes)
    if budget.profiles:
        name, values = next(iter(budget.profiles.items()))
        arr = np.asarray(values, dtype=float)
        if arr.ndim == 2:
            plot_concurrence_matrix(arr, axes[0])
        else:
            plot_chain(arr, axes[0], label=name)
    plot_error_budget(budget, axes[-1])
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
