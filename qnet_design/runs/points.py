"""Headline figures of one setup at many override points, on the sweep executors and the store.

The uncertainty, sensitivity and optimisation tools all evaluate ``budget(with_overrides(setup,
point), full=False)`` at many points ``{"qubit.t_phi": 2.1e-05, ...}`` (plain numbers in SI
units, dB for losses). This module runs them through :func:`qnet_design.runs.run_sweep`, so
they use its process pool / Dask executors (which receive the setup as a frozen snapshot, never
a path to re-read) and are keyed in the results store by the base setup's content, the point
and the code fingerprint: a repeated Monte Carlo sample or optimiser step is read back.

A point whose budget fails (the model refuses the sampled value, a truncation does not converge)
is **not** an error here: its record holds ``failed`` = a one-line reason, and figures that did
not converge are NaN with the reason in ``failed``, so callers can count failures by reason.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..errors import QnetError
from ..specs.setups import SetupSpec, with_overrides
from .keys import code_fingerprint, store_key
from .setup_sweep import freeze, thaw
from .store import ResultStore
from .sweeps import run_sweep

#: what a point computes; part of its store key
SETTINGS = {"budget": "headline", "full": False}

#: the column holding a failed point's reason ("" when the point is fine)
FAILED = "failed"


def headline_point(
    source: SetupSpec | Mapping[str, Any], point: Mapping[str, Any]
) -> dict[str, Any]:
    """Headline figures at one point (top level, so that worker processes can run it).

    ``source`` is the setup, or on worker processes the frozen snapshot of it
    (:func:`qnet_design.runs.setup_sweep.freeze`): workers never re-read a file.
    """
    from ..budget import budget

    spec = source if isinstance(source, SetupSpec) else thaw(source)
    try:
        result = budget(with_overrides(spec, dict(point)), full=False)
    except (QnetError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else ""
        return {FAILED: f"{type(exc).__name__}: {reason}"[:300]}
    record: dict[str, Any] = {}
    unconverged = []
    for f in result.figures:
        record[f.name] = f.value if f.converged else math.nan
        if not f.converged:
            unconverged.append(f.name)
    record[FAILED] = f"not converged: {', '.join(unconverged)}" if unconverged else ""
    return record


def fingerprint(setup: SetupSpec) -> dict[str, Any]:
    """What the budget of ``setup`` depends on: every device field as written, and the layout."""
    devices = {
        role: {
            k: str(v) for k, v in device.raw().items() if k not in ("name", "reference", "notes")
        }
        for role, device in setup.devices.items()
    }
    layout = {k: str(v) for k, v in setup.layout.items()}
    return {"scheme": setup.scheme, "devices": devices, "layout": layout}


def _source(setup: SetupSpec, parallel: bool) -> SetupSpec | dict[str, Any]:
    """The setup itself (in-process) or its frozen snapshot (shipped to workers as data)."""
    return freeze(setup) if parallel else setup


def open_store(store: ResultStore | str | bool | None) -> ResultStore | str | None:
    """``True`` → the default store (a damaged file moved aside, an unusable one skipped, each
    with a warning), ``False``/``None`` → no store, else the store or path."""
    if store is True:
        return ResultStore.open_or_recover()
    if store is False:
        return None
    return store


def evaluate_points(
    setup: SetupSpec,
    points: Sequence[Mapping[str, Any]],
    *,
    workers: int = 1,
    executor: str | None = None,
    store: ResultStore | str | bool | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """One row per point: the point's overrides, the headline figures and ``failed``.

    ``df.attrs`` has ``n_cached`` (read from the store) and ``n_computed``.
    """
    base = fingerprint(setup)
    version = f"{__version__}+{code_fingerprint()}"  # a code change is a new key
    parallel = workers > 1 or executor is not None

    def key(point: Mapping[str, Any]) -> str:
        return store_key(setup.scheme, {"setup": base, "point": dict(point)}, SETTINGS, version)

    frame = run_sweep(
        functools.partial(headline_point, _source(setup, parallel)),
        [dict(p) for p in points],
        key=key,
        store=open_store(store),
        workers=workers,
        executor=executor,
        progress=progress,
    )
    if FAILED not in frame.columns:
        frame[FAILED] = ""
    frame[FAILED] = frame[FAILED].fillna("")
    return frame


__all__ = [
    "FAILED",
    "evaluate_points",
    "fingerprint",
    "headline_point",
    "open_store",
]
