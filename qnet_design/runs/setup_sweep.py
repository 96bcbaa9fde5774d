"""Budgets over a grid of setup parameters, parallel and resumable (``qnet_design.sweep``).

Each grid point is a set of dotted-path overrides (``source.linewidth``, ``layout.pairs``)
applied with :func:`~qnet_design.specs.setups.with_overrides` (the one override mechanism) to
a setup read **once**, when the sweep starts: every point, on this machine or on a Dask
worker, is computed from that snapshot, shipped as plain data (never a path to re-read), so
editing a device file during a run changes nothing and relative paths cannot break on a
worker.

A point's store key (:func:`point_key`) is the hash of everything its row depends on: the
resolved setup (every device and layout value after the overrides, in SI base units), its
translation, the budget settings, the package version and a fingerprint of the package's
source code. Points are merged only when these full keys are equal.

Units: sweep values of a dimensional field must carry a unit (``"qubit.t_phi=1 us:20 us:3"``);
a bare number there is refused rather than read in SI base units (1–20 s, or a 4–6 Hz filter).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pint

from .._checks import check_int
from .._version import __version__
from ..errors import ParameterError, SizeError
from ..guard import ENV_MAX_SECONDS, format_seconds, max_seconds
from ..progress import progress as show_progress
from ..specs.devices import DeviceSpec
from ..specs.setups import SetupSpec, field_kind, load_setup, si_unit, with_overrides
from ..specs.uncertainty import Uncertainty
from ..translate import translate
from ..units import EXAMPLE_UNITS, FIELD_KINDS, Q_
from .executors import DASK_WORKER_TIMEOUT
from .grids import grid_points, split_quantity
from .keys import code_fingerprint, store_key
from .store import ResultStore, default_store_path
from .sweeps import run_sweep

#: what a sweep point computes and how its row is named; part of the store key
SETTINGS = {"budget": "headline", "full": False, "row": "table_row"}


_DB_WORDS = {"db": "a value in dB", "db_per_length": "a loss in dB per length (e.g. '3.2 dB/km')"}


# ------------------------------------------------------------------ the resolved setup


#: the dataclasses a frozen setup may contain, rebuilt by name in :func:`thaw`
_FROZEN_CLASSES = {cls.__name__: cls for cls in (SetupSpec, DeviceSpec, Uncertainty)}


def _plain(value: Any) -> Any:
    """``value`` as plain data (tagged dicts for quantities, dataclasses, mappings, paths)."""
    if isinstance(value, pint.Quantity):
        magnitude = value.magnitude
        magnitude = magnitude.item() if hasattr(magnitude, "item") else magnitude
        return {"__quantity__": [magnitude, str(value.units)]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if _FROZEN_CLASSES.get(name) is not type(value):
            raise TypeError(f"cannot freeze a {name} inside a setup (add it to _FROZEN_CLASSES)")
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__dataclass__": name, "fields": fields}
    if isinstance(value, Mapping):
        return {"__mapping__": {k: _plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return {"__path__": str(value)}
    if isinstance(value, tuple):
        return {"__tuple__": [_plain(v) for v in value]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _unplain(value: Any) -> Any:
    if isinstance(value, list):
        return [_unplain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__quantity__" in value:
        return Q_(*value["__quantity__"])
    if "__dataclass__" in value:
        fields = {k: _unplain(v) for k, v in value["fields"].items()}
        return _FROZEN_CLASSES[value["__dataclass__"]](**fields)
    if "__mapping__" in value:
        return {k: _unplain(v) for k, v in value["__mapping__"].items()}
    if "__path__" in value:
        return Path(value["__path__"])
    return tuple(_unplain(v) for v in value["__tuple__"])


def freeze(setup: SetupSpec) -> dict[str, Any]:
    """``setup`` as plain picklable data (no pint objects, no file to re-read): what is
    shipped to a worker. :func:`thaw` rebuilds an equal :class:`SetupSpec`."""
    frozen: dict[str, Any] = _plain(setup)
    return frozen


def thaw(data: Mapping[str, Any]) -> SetupSpec:
    """The :class:`SetupSpec` that :func:`freeze` turned into ``data``."""
    setup: SetupSpec = _unplain(data)
    return setup


def _canonical(value: Any) -> Any:
    """A value in SI base units (``[magnitude, unit]``), so that '10 MHz' == '10000 kHz'."""
    if isinstance(value, pint.Quantity):
        base = value.to_base_units()
        return [float(base.magnitude), f"{base.units:~}"]
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def resolved_setup(setup: SetupSpec) -> dict[str, Any]:
    """Every value that determines a setup's figures, in canonical units: the scheme, each
    role's device kind and field values, and every layout value (names, notes and paths
    are left out: they do not change a number)."""

    def sigmas(uncertainties: Mapping[str, Uncertainty]) -> dict[str, Any]:
        return {k: [_canonical(u.sigma), u.distribution] for k, u in uncertainties.items()}

    return {
        "scheme": setup.scheme,
        "devices": {
            role: {
                "kind": d.kind,
                "values": {k: _canonical(v) for k, v in d.values.items()},
                "uncertainties": sigmas(d.uncertainties),
            }
            for role, d in setup.devices.items()
        },
        "layout": {k: _canonical(v) for k, v in setup.layout.items()},
        "layout_uncertainties": sigmas(setup.layout_uncertainties),
    }


def point_key(setup: SetupSpec) -> str:
    """Store key of the headline budget of ``setup``: hash of the resolved setup, its
    translation, :data:`SETTINGS`, the package version and the code fingerprint."""
    inputs = {"setup": resolved_setup(setup), "translation": translate(setup).to_dict()}
    version = f"{__version__}+{code_fingerprint()}"
    return store_key(setup.scheme, inputs, SETTINGS, version)


# ---------------------------------------------------------------------------- units


def _require_units(setup: SetupSpec, points: list[dict[str, Any]]) -> None:
    """Refuse a bare number for a dimensional field (never read silently in SI units)."""
    for point in points:
        for path, value in point.items():
            kind = field_kind(setup, path)
            bare = isinstance(value, (int, float)) and not isinstance(value, bool)
            if kind not in EXAMPLE_UNITS or not bare:
                continue
            what = FIELD_KINDS[kind][2] if kind in FIELD_KINDS else _DB_WORDS[kind]
            si = si_unit(kind)
            axis = list(dict.fromkeys(p[path] for p in points))
            unit = EXAMPLE_UNITS[kind]
            example = f"{path}={axis[0]:g} {unit}" + (
                f":{axis[-1]:g} {unit}:{len(axis)}" if len(axis) > 1 else ""
            )
            raise ParameterError(
                f"sweep values of `{path}` need a unit: it is {what}, and the bare number "
                f"{value!r} would be read as {value!r} {si}; write e.g. '{example}'"
            )


# ---------------------------------------------------------------------------- sweep


def _budget_point(setup: Mapping[str, Any]) -> dict[str, Any]:
    """Headline figures of one frozen setup (top level, so that workers can run it): columns
    ``name [unit]`` and the warnings as text, as in ``compare`` (:meth:`Budget.table_row`)."""
    from ..budget import budget

    result = budget(thaw(setup), full=False)
    row = result.table_row()
    del row["setup"], row["scheme"]
    return row


#: Grids above this many points are timed on their first point before they start.
TIMED_ABOVE = 100


def _check_sweep_time(spec: SetupSpec, points: list[dict[str, Any]], workers: int) -> None:
    """Refuse, after one point, a sweep whose estimate exceeds the time limit (a grid of 10⁵
    points used to spend an hour resolving its keys before the first budget, silently).

    The estimate is the first point's whole cost (override, key, headline budget, cached or
    not) times the points per worker; a failing first point is timed all the same.
    """
    show_progress("sweep", f"timing the first of {len(points)} points to estimate the sweep")
    start = time.perf_counter()
    try:
        first = with_overrides(spec, points[0])
        point_key(first)
        _budget_point(freeze(first))
    except Exception:  # the sweep itself reports a failing point; its time still counts
        pass
    first_seconds = time.perf_counter() - start
    seconds = first_seconds * len(points) / max(1, workers)
    if seconds > max_seconds():
        raise SizeError(
            f"a sweep of {len(points)} points would take ~{format_seconds(seconds)} "
            f"(the first point took {first_seconds:.2g} s), more than the time "
            f"limit {format_seconds(max_seconds())}; use fewer points, more --workers, or "
            f"raise {ENV_MAX_SECONDS}"
        )


def sweep(
    setup: SetupSpec | str | Path,
    grid: Mapping[str, Iterable[Any]] | Iterable[str],
    *,
    workers: int = 1,
    executor: str | None = None,
    store: ResultStore | str | os.PathLike[str] | bool | None = True,
    progress: bool = True,
    worker_timeout: float = DASK_WORKER_TIMEOUT,
) -> pd.DataFrame:
    """Headline figures of ``setup`` on every point of ``grid``; one DataFrame row per point.

    Parameters
    ----------
    setup
        A setup file or a loaded :class:`SetupSpec`. It is read once, here; each point is
        computed from that snapshot.
    grid
        ``{"source.linewidth": ["100 MHz", "200 MHz"], "layout.pairs": [2, 3]}`` or specs
        such as ``["source.linewidth=100 MHz:1 GHz:10"]`` (see
        :func:`qnet_design.runs.grids.parse_param_spec`). Values of a dimensional field must
        carry a unit (strings such as ``"10 MHz"``, ``"0.5 dB"``, ``"20 mK"``); a bare
        number there raises :class:`~qnet_design.errors.ParameterError`.
    workers, executor
        Local processes, or ``"dask://HOST:PORT"`` for a Dask cluster.
    store
        ``True`` (default) = the default results store, ``False``/``None`` = no cache, or a
        store / path. A damaged store file is moved aside and replaced; a store that cannot
        be written is dropped with a :class:`~qnet_design.runs.store.StoreWarning`.
    progress
        A progress bar on stderr (only on a terminal).
    worker_timeout
        Dask only: seconds the cluster may have no worker before the sweep gives up.

    Returns
    -------
    pandas.DataFrame
        One row per point: the swept parameters (a column whose values share one unit holds
        numbers and is named ``"<path> [<unit>]"``, e.g. ``"qubit.t_phi [us]"``), then the
        headline figures (``"<name> [<unit>]"``, as in ``compare``) and the warnings as text
        (" | "-separated). ``attrs``: ``n_points``, ``n_cached``,
        ``n_computed``.

    Raises
    ------
    SweepInterrupted
        Ctrl-C; the finished points are stored and a rerun resumes.
    SizeError
        A grid of more than ``TIMED_ABOVE`` points (local workers) whose first point, times
        the points per worker, exceeds the time limit (``QNET_DESIGN_MAX_SECONDS``, 1 h).
    """
    workers = check_int("workers", workers, minimum=1)  # before the first point is timed
    spec = setup if isinstance(setup, SetupSpec) else load_setup(setup)
    points = grid_points(grid)
    _require_units(spec, points)
    if len(points) > TIMED_ABOVE and executor is None:
        _check_sweep_time(spec, points, workers)
    # Every point resolved and keyed before anything runs: a bad path or value fails at once.
    resolved = [with_overrides(spec, point) for point in points]
    keys = [point_key(r) for r in resolved]
    if store is True:
        store = default_store_path()  # opened (or recovered) by run_sweep
    elif store is False:
        store = None
    frame = run_sweep(
        _budget_point,
        points,
        key=keys,
        tasks=[freeze(r) for r in resolved],
        store=store,
        workers=workers,
        executor=executor,
        progress=progress,
        worker_timeout=worker_timeout,
    )
    return _unit_columns(frame, list(points[0]))


def _unit_columns(frame: pd.DataFrame, paths: list[str]) -> pd.DataFrame:
    """A swept column whose values are all '<number> <unit>' in one unit becomes numbers,
    named ``"<path> [<unit>]"`` (plottable, and the unit stays attached)."""
    names = []
    for column in frame.columns:
        split = [split_quantity(v) for v in frame[column]] if column in paths else [None]
        units = {q[1] for q in split if q is not None}
        if None in split or len(units) != 1 or not units.pop():
            names.append(column)
            continue
        frame[column] = [q[0] for q in split if q is not None]
        names.append(f"{column} [{split[0][1]}]" if split[0] is not None else column)
    frame.columns = names
    return frame


__all__ = ["SETTINGS", "freeze", "point_key", "resolved_setup", "sweep", "thaw"]
