"""Parameter sweeps: grids of points, parallel evaluation, resumable through the results store.

The machinery is generic: it evaluates ``evaluate(point) -> {figure: number}`` on every point
of a grid and returns a pandas DataFrame with one row per point (the point's parameters, then
the figures). What a point *means* is the caller's business: :func:`qnet_design.sweep` applies
dotted paths such as ``"source.linewidth"`` to a setup with
:func:`~qnet_design.specs.setups.with_overrides`, the one override mechanism.

Resumability: with a :class:`~qnet_design.store.ResultStore`, points already stored are read
back instead of recomputed, and every finished point is written (one transaction) the moment
it finishes, so a sweep killed at any time resumes where it stopped. Ctrl-C raises
:class:`SweepInterrupted` ("interrupted after N of M points; rerun to resume").

Grid syntax (:func:`parse_param_spec`), as on the command line ``--param SPEC``:

``path=start:stop:num``
    ``num`` evenly spaced values from ``start`` to ``stop`` inclusive (``numpy.linspace``).
``path=start:stop:num:log``
    ``num`` log-spaced values (``numpy.geomspace``; ``start``, ``stop`` > 0).
``path=v1,v2,v3``
    An explicit list. Integers stay integers, numbers become floats, anything else stays a
    string (``"10 MHz,20 MHz"``, ``"direct,gmres"``).

``start`` and ``stop`` may carry the same unit (``"qubit.t1=10 us:100 us:10"``); the values
are then strings such as ``"10.0 us"`` for the translator to parse. (:func:`qnet_design.sweep`
requires a unit on every value of a dimensional field.) A range whose ``start``
and ``stop`` are integers and whose values are all integral gives integers (``n=1:4:4``).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from ._checks import check_int
from .errors import ParameterError
from .solvers.executors import (
    DASK_WORKER_TIMEOUT,
    ExecutorError,
    MissingDependencyError,
    TaskStream,
    parse_dask_address,
    run_tasks,
)
from .store import ResultStore, StoreError, StoreWarning, code_fingerprint, store_key

__all__ = [
    "ExecutorError",
    "MissingDependencyError",
    "SweepInterrupted",
    "grid_points",
    "parse_dask_address",
    "parse_param_spec",
    "run_sweep",
    "split_quantity",
]

_PATH_RE = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_QUANTITY_RE = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>[^\d\s:,].*?)?\s*$")
_INT_RE = re.compile(r"^\s*[-+]?\d+\s*$")
_SPEC_FORMS = "expected 'path=start:stop:num', 'path=start:stop:num:log' or 'path=v1,v2,...'"


# --------------------------------------------------------------------------------- grids


def _spec_error(spec: str, why: str) -> ParameterError:
    return ParameterError(f"parameter spec {spec!r}: {why} ({_SPEC_FORMS})")


def _parse_quantity(spec: str, text: str, what: str) -> tuple[float, str, bool]:
    """``"10"`` / ``"1e-3"`` / ``"10 us"`` → (value, unit, written_as_int)."""
    m = _QUANTITY_RE.match(text)
    if m is None:
        raise _spec_error(spec, f"{what} must be a number (optionally with a unit), got {text!r}")
    value = float(m["num"])
    if not math.isfinite(value):
        raise _spec_error(spec, f"{what} must be finite, got {text!r}")
    return value, (m["unit"] or "").strip(), bool(_INT_RE.match(m["num"]))


def split_quantity(value: Any) -> tuple[float, str] | None:
    """``"10.0 us"`` → ``(10.0, "us")``; ``None`` for anything that is not number + unit text."""
    m = _QUANTITY_RE.match(value) if isinstance(value, str) else None
    if m is None or not m["unit"]:
        return None
    return float(m["num"]), m["unit"].strip()


def _parse_range(spec: str, rhs: str) -> np.ndarray:
    parts = [p.strip() for p in rhs.split(":")]
    if len(parts) not in (3, 4):
        raise _spec_error(spec, f"a range has 3 or 4 ':'-separated fields, got {len(parts)}")
    spacing = parts[3].lower() if len(parts) == 4 else "lin"
    if spacing not in ("lin", "log"):
        raise _spec_error(spec, f"the 4th field must be 'lin' or 'log', got {parts[3]!r}")
    start, unit_a, int_a = _parse_quantity(spec, parts[0], "start")
    stop, unit_b, int_b = _parse_quantity(spec, parts[1], "stop")
    if unit_a != unit_b:
        raise _spec_error(
            spec, f"start and stop must have the same unit, got {unit_a!r} and {unit_b!r}"
        )
    if not _INT_RE.match(parts[2]) or int(parts[2]) < 1:
        raise _spec_error(spec, f"num must be an integer >= 1, got {parts[2]!r}")
    num = int(parts[2])
    if spacing == "log":
        if start <= 0 or stop <= 0:
            raise _spec_error(
                spec, f"a log range needs start > 0 and stop > 0, got {start!r}, {stop!r}"
            )
        values = np.geomspace(start, stop, num)
    else:
        values = np.linspace(start, stop, num)
    if unit_a:
        return np.array([f"{float(v)!r} {unit_a}" for v in values], dtype=object)
    if int_a and int_b and spacing == "lin" and np.all(values == np.round(values)):
        return np.round(values).astype(np.int64)
    return values


def _parse_list(spec: str, rhs: str) -> np.ndarray:
    items = [p.strip() for p in rhs.split(",")]
    if any(not p for p in items):
        raise _spec_error(spec, "a list must not have empty entries")
    if all(_INT_RE.match(p) for p in items):
        return np.array([int(p) for p in items], dtype=np.int64)
    if all(re.fullmatch(_NUMBER, p) for p in items):
        return np.array([float(p) for p in items], dtype=float)
    return np.array(items, dtype=object)


def parse_param_spec(spec: str) -> tuple[str, np.ndarray]:
    """Parse one ``--param`` spec into ``(path, values)``.

    Parameters
    ----------
    spec
        ``"path=start:stop:num"``, ``"path=start:stop:num:log"`` or ``"path=v1,v2,..."``
        (see the module docstring). ``path`` is a dotted parameter path such as
        ``"source.linewidth"``.

    Returns
    -------
    (str, numpy.ndarray)
        The path and a 1-d array of values: ``float64``, ``int64`` or ``object`` (strings).

    Raises
    ------
    ParameterError
        Naming the spec and what is wrong with it.

    Examples
    --------
    >>> parse_param_spec("source.r=0:1:3")
    ('source.r', array([0. , 0.5, 1. ]))
    >>> parse_param_spec("n_pairs=1,2,4")
    ('n_pairs', array([1, 2, 4]))
    """
    if not isinstance(spec, str):
        raise ParameterError(f"parameter spec must be a string, got {spec!r}")
    path, sep, rhs = spec.partition("=")
    path, rhs = path.strip(), rhs.strip()
    if not sep:
        raise _spec_error(spec, "missing '='")
    if not _PATH_RE.match(path):
        raise _spec_error(
            spec, f"the path must be dotted names such as 'source.linewidth', got {path!r}"
        )
    if not rhs:
        raise _spec_error(spec, "no values after '='")
    values = _parse_range(spec, rhs) if ":" in rhs else _parse_list(spec, rhs)
    return path, values


def _scalar(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def grid_points(
    specs: Iterable[str | tuple[str, Iterable[Any]]] | Mapping[str, Iterable[Any]],
) -> list[dict[str, Any]]:
    """The cartesian product of parameter value lists, as one dict per point.

    Parameters
    ----------
    specs
        Spec strings (:func:`parse_param_spec`), ``(path, values)`` pairs, or a mapping
        ``{path: values}``. The first parameter varies slowest.

    Returns
    -------
    list of dict
        ``{path: value}`` per point with plain Python scalars (picklable, JSON-friendly).
        No specs give one empty point (the unmodified setup).

    Examples
    --------
    >>> grid_points(["a=1,2", "b=0:0.5:2"])
    [{'a': 1, 'b': 0.0}, {'a': 1, 'b': 0.5}, {'a': 2, 'b': 0.0}, {'a': 2, 'b': 0.5}]
    """
    if isinstance(specs, str):
        raise ParameterError(
            f"`specs` must be a list of parameter specs, got the single string {specs!r}; "
            "wrap it in a list"
        )
    entries = list(specs.items()) if isinstance(specs, Mapping) else list(specs)
    axes: dict[str, list[Any]] = {}
    for entry in entries:
        values: Any
        if isinstance(entry, str):
            path, values = parse_param_spec(entry)
        elif isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str):
            path, values = entry[0], entry[1]
        else:
            raise ParameterError(
                f"`specs` entries must be 'path=...' strings or (path, values) pairs, got {entry!r}"
            )
        if path in axes:
            raise ParameterError(f"parameter {path!r} is given more than once in `specs`")
        listed = [_scalar(v) for v in np.atleast_1d(np.asarray(values, dtype=object))]
        if not listed:
            raise ParameterError(f"parameter {path!r} has no values")
        axes[path] = listed
    names = list(axes)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes.values())]


# -------------------------------------------------------------------------------- sweeps


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: the finished points are stored; rerunning resumes.

    A :class:`KeyboardInterrupt`, so code that stops on Ctrl-C keeps stopping; ``done`` and
    ``total`` count the grid's points (points read from the store count as done).
    """

    def __init__(self, done: int, total: int):
        super().__init__(f"interrupted after {done} of {total} points; rerun to resume")
        self.done = done
        self.total = total


def _default_key(evaluate: Callable[..., Any]) -> Callable[[Mapping[str, Any]], str]:
    # Imported here, not at module level: qnet_design/__init__ may import this module.
    from . import __version__

    name = f"{getattr(evaluate, '__module__', '?')}.{getattr(evaluate, '__qualname__', '?')}"
    version = f"{__version__}+{code_fingerprint()}"
    return lambda point: store_key(name, point, {}, version)


def _check_record(record: Any, point: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(record, Mapping) or not all(isinstance(k, str) for k in record):
        raise ParameterError(
            f"`evaluate` must return a mapping of figure names to numbers, got "
            f"{type(record).__name__} for point {dict(point)!r}"
        )
    out: dict[str, Any] = {}
    for name, value in record.items():
        value = _scalar(value)
        if value is not None and not isinstance(value, (int, float, str, bool)):
            raise ParameterError(
                f"`evaluate` must return numbers (or strings), got {name}={value!r} "
                f"({type(value).__name__}) for point {dict(point)!r}"
            )
        if name in point:
            raise ParameterError(
                f"`evaluate` returned a figure named {name!r}, which is also a swept "
                "parameter; rename the figure"
            )
        out[name] = value
    return out


class _Cache:
    """The sweep's view of the store: reads verified rows, writes each finished point, and
    stops using the store (with one warning) the moment it fails, never the sweep."""

    def __init__(self, store: ResultStore | None):
        self.store = store

    def _drop(self, exc: StoreError, lost: str) -> None:
        warnings.warn(f"{exc}; {lost}", StoreWarning, stacklevel=4)
        self.store = None

    def read(self, keys: list[str], points: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        if self.store is None:
            return {}
        try:
            stored = self.store.get_many(keys)
        except StoreError as exc:
            self._drop(exc, "computing every point without the cache")
            return {}
        first = dict(zip(keys, points, strict=True))
        records: dict[str, dict[str, Any]] = {}
        for k, raw in stored.items():
            try:
                records[k] = _check_record(raw, first[k])
            except ParameterError:  # a valid row of some other computation: recompute
                continue
        if len(records) < len(stored):
            warnings.warn(
                f"results store {self.store.path}: {len(stored) - len(records)} stored row(s) "
                "are not records of figures; they are recomputed and replaced",
                StoreWarning,
                stacklevel=3,
            )
        return records

    def write(self, key: str, record: dict[str, Any]) -> None:
        if self.store is None:
            return
        try:
            self.store.put(key, record)
        except StoreError as exc:
            self._drop(exc, "the remaining points are computed without the cache")


def run_sweep(
    evaluate: Callable[[Any], Mapping[str, Any]],
    points: Iterable[Mapping[str, Any]],
    *,
    key: Callable[[Mapping[str, Any]], str] | Sequence[str] | None = None,
    store: ResultStore | str | os.PathLike[str] | None = None,
    workers: int = 1,
    executor: Any = None,
    progress: bool = True,
    tasks: Sequence[Any] | None = None,
    worker_timeout: float = DASK_WORKER_TIMEOUT,
) -> pd.DataFrame:
    """Evaluate every point (reading stored points back) and tabulate the results.

    Parameters
    ----------
    evaluate
        ``evaluate(point) -> {figure: number}`` (or ``evaluate(tasks[i])``, see ``tasks``).
        For ``workers > 1`` or a Dask executor it must be picklable, i.e. a function defined
        at the top level of a module (not a lambda or a closure). Exceptions it raises
        propagate (points finished before the failure are already stored).
    points
        Points (``{path: value}`` dicts, e.g. from :func:`grid_points`). Points with equal
        keys are evaluated once and share the row: a key must therefore cover everything
        the result depends on.
    key
        ``key(point) -> str``, the store key of a point, called in this process only; or
        the keys themselves, one per point.
        Default: :func:`~qnet_design.store.store_key` of (``module.qualname`` of
        ``evaluate``, the point, ``{}``, the package version and code fingerprint).
        Callers whose evaluate depends on more than the point (a base setup, solver
        settings, code outside qnet_design) must pass a key that includes it.
    store
        A :class:`~qnet_design.store.ResultStore`, a path to one (opened with
        :meth:`~qnet_design.store.ResultStore.open_or_recover` and closed here), or ``None``
        to compute everything and store nothing (``--no-cache``). A store that fails during
        the sweep is dropped with a :class:`~qnet_design.store.StoreWarning`; the sweep
        goes on and returns every row.
    workers
        Local processes (``1``: in this process). Must stay 1 when ``executor`` is given.
    executor
        ``None`` (local), ``"dask://HOST:PORT"`` (needs the ``dask`` extra) or a
        :class:`concurrent.futures.Executor` owned by the caller.
    progress
        Show a tqdm progress bar on stderr (only when stderr is a terminal).
    tasks
        What ``evaluate`` receives for each point, if not the point itself (same length as
        ``points``), e.g. the fully resolved setup of each point, so that workers never
        read files.
    worker_timeout
        Dask only: seconds the cluster may have no worker before the sweep gives up.

    Returns
    -------
    pandas.DataFrame
        One row per point in the order given: the point's parameters, then the figures
        (``NaN`` where a point lacks a figure). ``df.attrs`` holds ``n_points``,
        ``n_cached`` (read from the store) and ``n_computed``.

    Raises
    ------
    ParameterError
        Bad arguments, points that are not mappings, or a malformed ``evaluate`` result.
    MissingDependencyError
        ``dask://`` without the ``dask`` extra installed.
    ExecutorError
        A worker process died, or the Dask cluster failed (see
        :func:`~qnet_design.solvers.executors.run_tasks`).
    SweepInterrupted
        Ctrl-C (a :class:`KeyboardInterrupt`); the points finished so far are stored.
    """
    if not callable(evaluate):
        raise ParameterError(f"`evaluate` must be a function, got {evaluate!r}")
    workers = check_int("workers", workers, minimum=1)
    if isinstance(executor, str):
        parse_dask_address(executor)  # fail on a bad address before anything runs
    pts: list[dict[str, Any]] = []
    for i, p in enumerate(points):
        if not isinstance(p, Mapping):
            raise ParameterError(f"`points[{i}]` must be a mapping {{path: value}}, got {p!r}")
        pts.append(dict(p))
    inputs: list[Any] = pts if tasks is None else list(tasks)
    if len(inputs) != len(pts):
        raise ParameterError(f"`tasks` has {len(inputs)} entries for {len(pts)} points")
    if key is None and store is not None:
        qualname = getattr(evaluate, "__qualname__", "")
        if "<lambda>" in qualname or "<locals>" in qualname or not qualname:
            raise ParameterError(
                f"`evaluate` ({qualname or evaluate!r}) is a lambda or closure, so its name does "
                "not identify the computation in the store; pass `key=` or use a top-level "
                "function"
            )
    if key is None or callable(key):
        keyfn = key if key is not None else _default_key(evaluate)
        keys = [keyfn(p) for p in pts]
    else:
        keys = list(key)
        if len(keys) != len(pts):
            raise ParameterError(f"`key` has {len(keys)} entries for {len(pts)} points")
    for i, k in enumerate(keys):
        if not isinstance(k, str) or not k:
            raise ParameterError(f"`key` must return a non-empty string, got {k!r} for {pts[i]}")

    per_key = Counter(keys)  # rows served by one evaluation (points with equal full keys)
    done = 0
    with contextlib.ExitStack() as stack:
        if store is not None and not isinstance(store, ResultStore):
            opened = ResultStore.open_or_recover(store)
            store = stack.enter_context(opened) if opened is not None else None
        cache = _Cache(store)
        records = cache.read(keys, pts)
        n_cached = done = sum(1 for k in keys if k in records)
        # One evaluation per distinct key still missing: its first point, in grid order.
        todo: dict[str, int] = {}
        for i, k in enumerate(keys):
            if k not in records:
                todo.setdefault(k, i)
        todo_keys = list(todo)
        try:
            stream = stack.enter_context(
                run_tasks(
                    evaluate,
                    [inputs[i] for i in todo.values()],
                    workers=workers,
                    executor=executor,
                    worker_timeout=worker_timeout,
                )
                if todo
                else TaskStream(iter(()), lambda: None)
            )
            bar = stack.enter_context(
                tqdm(
                    total=len(pts),
                    initial=n_cached,
                    disable=None if progress else True,
                    desc="sweep",
                    unit="pt",
                )
            )
            for j, raw in stream:
                k = todo_keys[j]
                record = _check_record(raw, pts[todo[k]])
                cache.write(k, record)
                records[k] = record
                done += per_key[k]
                bar.update(per_key[k])
        except KeyboardInterrupt:
            raise SweepInterrupted(done, len(pts)) from None

    rows = [{**p, **records[k]} for p, k in zip(pts, keys, strict=True)]
    columns = list(dict.fromkeys(c for row in rows for c in row))
    df = pd.DataFrame(rows, columns=columns)
    df.attrs.update(n_points=len(pts), n_cached=n_cached, n_computed=len(todo))
    return df
