"""Parameter sweeps: grids of points, parallel evaluation, resumable through the results store.

The machinery is generic: it evaluates ``evaluate(point) -> {figure: number}`` on every point
of a grid and returns a pandas DataFrame with one row per point (the point's parameters, then
the figures). What a point *means* is the caller's business: :func:`qnet_design.sweep` applies
dotted paths such as ``"source.linewidth"`` to a setup with
:func:`~qnet_design.specs.setups.with_overrides`, the one override mechanism.

Resumability: with a :class:`~qnet_design.runs.store.ResultStore`, points already stored are read
back instead of recomputed, and every finished point is written (one transaction) the moment
it finishes, so a sweep killed at any time resumes where it stopped. Ctrl-C raises
:class:`~qnet_design.errors.SweepInterrupted` ("interrupted after N of M points; rerun to resume").

Grids of points: :mod:`qnet_design.runs.grids`.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from tqdm import tqdm

from .._checks import check_int
from .._version import __version__
from ..errors import ParameterError, StoreError, StoreWarning, SweepInterrupted
from .executors import DASK_WORKER_TIMEOUT, TaskStream, parse_dask_address, run_tasks
from .grids import scalar
from .keys import code_fingerprint, store_key
from .store import ResultStore

__all__ = ["run_sweep"]


def _default_key(evaluate: Callable[..., Any]) -> Callable[[Mapping[str, Any]], str]:
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
        value = scalar(value)
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
        Default: :func:`~qnet_design.runs.keys.store_key` of (``module.qualname`` of
        ``evaluate``, the point, ``{}``, the package version and code fingerprint).
        Callers whose evaluate depends on more than the point (a base setup, solver
        settings, code outside qnet_design) must pass a key that includes it.
    store
        A :class:`~qnet_design.runs.store.ResultStore`, a path to one (opened with
        :meth:`~qnet_design.runs.store.ResultStore.open_or_recover` and closed here), or ``None``
        to compute everything and store nothing (``--no-cache``). A store that fails during
        the sweep is dropped with a :class:`~qnet_design.runs.store.StoreWarning`; the sweep
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
        :func:`~qnet_design.runs.executors.run_tasks`).
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
