"""What the command line writes: standard JSON, tables of rows, and output files checked early.

JSON follows the rule of :mod:`qnet_design.budget` (arrays as lists, every non-finite number
``null``); a table spells ∞ and NaN out and lists every row's warnings in full below it; a
file an option names (``--plot``, ``--csv``, ``--output``) is checked writable *before* the
solve, so a typo in a folder name never costs a finished computation.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from .budget import format_value, json_safe
from .errors import ParameterError

#: options that name a file the command writes after its solve (checked before it)
OUTPUT_OPTIONS = ("plot", "csv", "output")
PLOT_SUFFIXES = {".png", ".pdf", ".svg", ".svgz", ".jpg", ".jpeg", ".eps", ".ps", ".tif", ".tiff"}


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    return str(obj)


def print_json(data: Any) -> None:
    """Standard JSON: non-finite numbers are null (the rule of ``budget._types``)."""
    text = json.dumps(json_safe(data), indent=2, ensure_ascii=False, default=_json_default)
    print(text)


def print_result(result: Any, args: argparse.Namespace, draw: str = "") -> int:
    """The end of a result command; returns exit code 0.

    ``--plot PATH``: the figure drawn by ``qnet_design.plotting.<draw>`` (imported only then,
    matplotlib is slow to import); then ``--json``: ``result.to_dict()``, else the text,
    ``result.summary()`` under ``--quiet``.
    """
    if draw and getattr(args, "plot", None):
        from . import plotting

        plotting.save_plot(getattr(plotting, draw), result, args.plot)
    if args.json:
        print_json(result.to_dict())
    else:
        print(result.summary() if getattr(args, "quiet", False) else result)
    return 0


def print_table(frame: pd.DataFrame, key: str) -> None:
    """A compare/sweep table as text: the figures (∞ spelled out, '-' where a scheme has no
    such figure), then every row's warnings in full, named by the row's ``key`` column."""
    table = frame.drop(columns=["warnings"], errors="ignore")
    with pd.option_context("display.width", 250, "display.max_columns", 60):
        print(table.to_string(index=False, na_rep="-", float_format=format_value))
    if "warnings" not in frame.columns:
        return
    rows = [(row[key], row["warnings"]) for _, row in frame.iterrows() if row["warnings"]]
    if rows:
        print("\nwarnings:")
    for name, text in rows:
        for line in str(text).split(" | "):
            print(f"  {name}: {line}")


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse an output path that cannot be written *before* the solve, not after it."""
    for option in OUTPUT_OPTIONS:
        value = getattr(args, option, None)
        if not value:
            continue
        path = Path(value)
        flag = f"--{option} {value}"
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise ParameterError(f"{flag}: the folder {str(folder)!r} does not exist")
        if path.is_dir():
            raise ParameterError(f"{flag} is a folder; give a file name")
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise ParameterError(f"{flag}: no permission to write there")
        if option == "plot" and path.suffix and path.suffix.lower() not in PLOT_SUFFIXES:
            raise ParameterError(
                f"{flag}: unknown image type {path.suffix!r}; use one of {sorted(PLOT_SUFFIXES)}"
            )


__all__ = [
    "OUTPUT_OPTIONS",
    "PLOT_SUFFIXES",
    "check_outputs",
    "print_json",
    "print_result",
    "print_table",
]
