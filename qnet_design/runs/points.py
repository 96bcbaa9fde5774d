"""Headline figures of one setup at many override points, on the sweep executors and the store.

The uncertainty, sensitivity and optimisation tools all evaluate ``budget(with_overrides(setup,
point), full=False)`` at many points ``{"qubit.t_phi": 2.1e-05, ...}`` (plain numbers in SI
units, dB for losses). This module runs them through :func:`qnet_design.runs.run_sweep`, so
they use its process pool / Dask executors (which receive the setup as a frozen snapshot, never
a path to re-read) and are keyed in the results store by the base setup's content, the point
and the code fingerprint: a repeated Monte Carlo sample or optimiser step is read back.

Before anything runs, a caller that timed one budget (``seconds_each``, the nominal budget it
computes first anyway) gets the run estimated: budgets not yet in the store × that time / local
workers. Above the time limit (``QNET_DESIGN_MAX_SECONDS``, one hour) the run is refused with one
line (:class:`~qnet_design.errors.SizeError`, exit 2) instead of minutes or hours of silence; a
run estimated at more than :data:`NOTE_ABOVE` seconds says so in one line on stderr (terminal
only, ``progress=True``). On a Dask cluster (size unknown) nothing is estimated.

A point whose budget fails (the model refuses the sampled value, a truncation does not converge)
is **not** an error here: its record holds ``failed`` = a one-line reason, and figures that did
not converge are NaN with the reason in ``failed``, so callers can count failures by reason.
"""

from __future__ import annotations

import functools
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import check_int
from .._version import __version__
from ..errors import QnetError, SizeError
from ..guard import ENV_MAX_SECONDS, format_seconds, max_seconds
from ..progress import clear as clear_progress
from ..specs.setups import SetupSpec, with_overrides
from .executors import parse_dask_address
from .keys import code_fingerprint, store_key
from .setup_sweep import freeze, thaw
from .store import ResultStore
from .sweeps import run_sweep

if TYPE_CHECKING:
    from ..budget import Budget

#: what a point computes; part of its store key
SETTINGS = {"budget": "headline", "full": False}

#: the column holding a failed point's reason ("" when the point is fine)
FAILED = "failed"
#: the column holding a point's budget warnings, " | "-separated
WARNINGS = "warnings"

#: runs estimated above this many seconds say so before they start (on a terminal)
NOTE_ABOVE = 60.0


#: a nominal budget faster than this is timed again, warm, before a run is estimated from it
WARM_BELOW = 30.0


@dataclass(frozen=True)
class Timed:
    """What a caller knows to estimate its run: ``what`` it computes ("Sobol indices of
    concurrence, N = 256, k = 2"), the wall time of one budget (``seconds_each``: the nominal
    budget, timed by the caller), what the user can ``change`` ("use fewer --samples") and,
    optionally, how to time one more budget (``warm``: the first one in a process also pays
    imports and translator caches, 4.7 s against 0.08 s for the thermal link)."""

    what: str
    seconds_each: float
    change: str
    warm: Callable[[], float] | None = None


def timed_nominal(
    setup: SetupSpec, what: str, change: str, run: Mapping[str, Any] | None = None
) -> tuple[Budget, Timed]:
    """The headline budget of ``setup`` and its wall time, to estimate a run (:class:`Timed`);
    the ``run`` options (``workers``, ``executor``, ``seed``) are checked first, as the nominal
    budget may take minutes."""
    from ..budget import budget

    options = dict(run or {})
    check_run_options(options.get("workers", 1), options.get("executor"), options.get("seed", 0))

    def seconds() -> float:
        start = time.perf_counter()
        budget(setup, full=False)
        return time.perf_counter() - start

    start = time.perf_counter()
    nominal = budget(setup, full=False)
    return nominal, Timed(what, time.perf_counter() - start, change, seconds)


def check_run_time(timed: Timed, budgets: int, workers: int = 1, progress: bool = False) -> float:
    """Estimated wall time of ``budgets`` budgets on ``workers`` local processes; refuses
    (:class:`SizeError`, one line) above the time limit, says it on stderr above
    :data:`NOTE_ABOVE` seconds when ``progress``. An estimate that matters from a budget
    shorter than :data:`WARM_BELOW` is made again from one warm budget (``timed.warm``)."""
    workers = max(1, workers)
    each = timed.seconds_each
    if each * budgets / workers > min(NOTE_ABOVE, max_seconds()) and timed.warm is not None:
        each = min(each, timed.warm()) if each < WARM_BELOW else each
    seconds = each * budgets / workers
    on = f"on {workers} process{'es' if workers > 1 else ''}"
    if seconds > max_seconds():
        raise SizeError(
            f"{timed.what}: {budgets} budgets would take ~{format_seconds(seconds)} {on} (one "
            f"budget takes {each:.2g} s), more than the time limit "
            f"{format_seconds(max_seconds())}; {timed.change}, more --workers, or raise "
            f"{ENV_MAX_SECONDS}"
        )
    if progress and seconds > NOTE_ABOVE:
        clear_progress()
        print(
            f"{timed.what}: {budgets} budgets, ~{format_seconds(seconds)} {on} (one budget "
            f"takes {each:.2g} s); Ctrl-C stops, finished budgets stay in the store",
            file=sys.stderr,
            flush=True,
        )
    return seconds


def check_run_options(workers: int, executor: str | None = None, seed: int = 0) -> None:
    """The run options, checked before the nominal budget (which may take minutes): workers
    ≥ 1, a Dask address, a seed ≥ 0 (NumPy's generators refuse negative seeds)."""
    check_int("workers", workers, minimum=1)
    check_int("seed", seed, minimum=0)
    if executor is not None:
        parse_dask_address(executor)


def _missing(store: ResultStore | str | None, keys: Sequence[str]) -> int:
    """Distinct keys not in ``store`` (all of them when it cannot be read here)."""
    unique = list(dict.fromkeys(keys))
    if not isinstance(store, ResultStore):
        return len(unique)
    try:
        return len(unique) - len(store.get_many(unique))
    except QnetError:
        return len(unique)


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
    record[WARNINGS] = " | ".join(result.warnings)
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
    timed: Timed | None = None,
) -> pd.DataFrame:
    """One row per point: the point's overrides, the headline figures and ``failed``.

    ``df.attrs`` has ``n_cached`` (read from the store) and ``n_computed``. With ``timed``, the
    budgets missing from the store are estimated first (:func:`check_run_time`).
    """
    base = fingerprint(setup)
    version = f"{__version__}+{code_fingerprint()}"  # a code change is a new key
    parallel = workers > 1 or executor is not None

    def key(point: Mapping[str, Any]) -> str:
        return store_key(setup.scheme, {"setup": base, "point": dict(point)}, SETTINGS, version)

    keys = [key(p) for p in points]
    opened = open_store(store)
    if timed is not None and executor is None:
        check_run_time(timed, _missing(opened, keys), workers, progress)
    frame = run_sweep(
        functools.partial(headline_point, _source(setup, parallel)),
        [dict(p) for p in points],
        key=keys,
        store=opened,
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
    "WARNINGS",
    "Timed",
    "check_run_options",
    "check_run_time",
    "evaluate_points",
    "fingerprint",
    "headline_point",
    "open_store",
    "timed_nominal",
]
