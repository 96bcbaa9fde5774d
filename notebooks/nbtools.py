"""Small helpers shared by the notebooks (not part of the qnet_design package).

* ``FAST``: the fast mode, ``QNET_FAST=1`` in the environment (coarse grids, short times); the
  test suite (tests/test_notebooks.py) runs every notebook this way.
* ``reference(name)``: a ``data/<name>.toml`` file as a dict (entries with value/source/note).
* ``agreement(rows)``: the table of value, reference and deviation every paper notebook prints.
* ``savefig(fig, name)``: writes ``notebooks/figures/<name>.png`` (or ``$QNET_FIGURES``) in full
  mode; with ``QNET_GALLERY=1`` also in fast mode, small (the committed gallery,
  ``python notebooks/run_all.py --gallery``).
"""

from __future__ import annotations

import math
import os
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

FAST = os.environ.get("QNET_FAST", "0") == "1"
#: write the fast-mode figures too, small (notebooks/gallery/, see run_all.py --gallery)
GALLERY = os.environ.get("QNET_GALLERY", "0") == "1"
GALLERY_DPI = 60
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT / "data"
SETUPS = ROOT / "devices" / "setups"
#: where full mode writes PNGs; QNET_FIGURES overrides (the tests point it at a temporary folder)
FIGURES = Path(os.environ.get("QNET_FIGURES", HERE / "figures"))


def reference(name: str) -> dict[str, Any]:
    """Read ``data/<name>.toml``."""
    with (DATA / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def setup(name: str) -> Path:
    """Path of a catalog setup, ``devices/setups/<name>.toml``."""
    return SETUPS / f"{name}.toml"


def agreement(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Table of (quantity, value, reference, tolerance, source) with deviation and verdict.

    ``tolerance`` is the absolute deviation the notebook accepts (the number of digits the paper
    quotes, or the order of the approximation); ``None`` prints the row without a verdict (a
    comparison that is shown, not claimed). Qualitative references (bools) compare exactly.
    """
    out = []
    for quantity, value, ref, tol, source in rows:
        if isinstance(ref, bool) or isinstance(value, bool):
            dev = float("nan")
            ok = bool(value) == bool(ref)
        else:
            dev = float(value) - float(ref)
            ok = None if tol is None else bool(abs(dev) <= tol)
        out.append(
            {
                "quantity": quantity,
                "value": value,
                "reference": ref,
                "deviation": dev,
                "tolerance": tol,
                "agrees": "" if ok is None else ("yes" if ok else "NO"),
                "source": source,
            }
        )
    return pd.DataFrame(out)


def show(table: pd.DataFrame) -> pd.DataFrame:
    """Print an agreement table in full (also in scripts) and return it for Jupyter."""
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    n_bad = int((table["agrees"] == "NO").sum())
    print(f"\n{len(table)} rows, {n_bad} outside tolerance")
    return table


def savefig(fig: Any, name: str) -> None:
    """Save ``fig`` as notebooks/figures/<name>.png in full mode (or, with ``QNET_GALLERY=1``,
    in fast mode at low resolution for the committed gallery).

    Outside Jupyter (non-interactive Agg backend, e.g. the test run) the figure is then closed so
    that scripts do not accumulate open figures; in Jupyter it stays open and is shown inline.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    if not FAST or GALLERY:
        FIGURES.mkdir(exist_ok=True)
        dpi = GALLERY_DPI if GALLERY else 120
        fig.savefig(FIGURES / f"{name}.png", dpi=dpi, bbox_inches="tight")
    if matplotlib.get_backend().lower() == "agg":
        plt.close(fig)


def isclose(a: float, b: float, tol: float) -> bool:
    return math.isclose(a, b, abs_tol=tol)
