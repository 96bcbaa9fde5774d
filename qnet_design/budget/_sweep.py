"""Budgets over a grid of setup parameters, parallel and resumable (``qnet_design.sweep``).

Each grid point is a set of dotted-path overrides (``source.linewidth``, ``layout.pairs``)
applied to a setup with :func:`~qnet_design.specs.setups.with_overrides`; the point's headline
figures come from :func:`~qnet_design.budget.budget` (``full=False``). Points are keyed in the
results store by (scheme, the translated model parameters, the budget settings, the package
version), so a repeated point is read back and an interrupted sweep resumes.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..errors import ParameterError
from ..specs.setups import SetupSpec, load_setup, with_overrides
from ..store import ResultStore, store_key
from ..sweeps import grid_points, run_sweep
from ..translate import translate

#: what a sweep point computes; part of the store key
SETTINGS = {"budget": "headline", "full": False}


def _budget_point(setup_path: str, point: Mapping[str, Any]) -> dict[str, float]:
    """Headline figures at one grid point (top level, so that worker processes can run it)."""
    from . import budget

    result = budget(with_overrides(load_setup(setup_path), dict(point)), full=False)
    figures: dict[str, Any] = {f.name: f.value for f in result.figures}
    figures["warnings"] = len(result.warnings)
    return figures


def sweep(
    setup: SetupSpec | str | Path,
    grid: Mapping[str, Iterable[Any]] | Iterable[str],
    *,
    workers: int = 1,
    executor: str | None = None,
    store: ResultStore | str | os.PathLike[str] | bool | None = True,
    progress: bool = True,
) -> pd.DataFrame:
    """Headline figures of ``setup`` on every point of ``grid``; one DataFrame row per point.

    Parameters
    ----------
    setup
        A setup file (or a loaded :class:`SetupSpec` that came from a file).
    grid
        ``{"source.linewidth": [1e8, 2e8], "layout.pairs": [2, 3]}`` or specs such as
        ``["source.linewidth=100 MHz:1 GHz:10"]`` (see :func:`qnet_design.sweeps.parse_param_spec`).
        Plain numbers in a dimensional field are read in SI units (Hz, s, K, m; dB for losses).
    workers, executor
        Local processes, or ``"dask://HOST:PORT"`` for a Dask cluster.
    store
        ``True`` (default) = the default results store, ``False``/``None`` = no cache, or a
        store / path.
    """
    spec = setup if isinstance(setup, SetupSpec) else load_setup(setup)
    if spec.path is None:
        raise ParameterError("`setup` must come from a file to be swept (workers reload it)")
    points = grid_points(grid)
    for point in points:  # fail fast on a bad path or value, before anything runs
        with_overrides(spec, point)

    def key(point: Mapping[str, Any]) -> str:
        model = translate(with_overrides(spec, point)).model_kwargs
        return store_key(spec.scheme, dict(model), SETTINGS, __version__)

    if store is True:
        store = ResultStore()
    elif store is False:
        store = None
    return run_sweep(
        functools.partial(_budget_point, str(spec.path)),
        points,
        key=key,
        store=store,
        workers=workers,
        executor=executor,
        progress=progress,
    )
