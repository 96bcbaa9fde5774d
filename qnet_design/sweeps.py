"""Parameter sweeps: grids of points, parallel evaluation, resumable through the results store.

The machinery is generic: it evaluates ``evaluate(point) -> {figure: number}`` on every point
of a grid and returns a pandas DataFrame with one row per point (the point's parameters, then
the figures). What a point *means* (overrides of a setup, a model's keyword arguments) is the
caller's business; :func:`set_path` / :func:`apply_overrides` apply dotted parameter paths
such as ``"source.linewidth"`` to a nested setup mapping.

Resumability: with a :class:`~qnet_design.store.ResultStore`, points already stored are read
back instead of recomputed, and every finished point is written (one transaction) the moment
it finishes, so a sweep killed at any time resumes where it stopped.

Grid syntax (:func:`parse_param_spec`), as on the command line ``--param SPEC``:

``path=start:stop:num``
    ``num`` evenly spaced values from ``start`` to ``stop`` inclusive (``numpy.linspace``).
``path=start:stop:num:log``
    ``num`` log-spaced values (``numpy.geomspace``; ``start``, ``stop`` > 0).
``path=v1,v2,v3``
    An explicit list. Integers stay integers, numbers become floats, anything else stays a
    string (``"10 MHz,20 MHz"``, ``"direct,gmres"``).

``start`` and ``stop`` may carry the same unit (``"qubit.t1=10 us:100 us:10"``); the values
are then strings such as ``"10.0 us"`` for the translator to parse. A range whose ``start``
and ``stop`` are integers and whose values are all integral gives integers (``n=1:4:4``).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from ._checks import check_int
from .errors import ParameterError
from .solvers.executors import (
    ExecutorError,
    MissingDependencyError,
    TaskStream,
    parse_dask_address,
    run_tasks,
)
from .store import ResultStore, store_key

__all__ = [
    "ExecutorError",
    "MissingDependencyError",
    "apply_overrides",
    "grid_points",
    "parse_dask_address",
    "parse_param_spec",
    "run_setup_sweep",
    "run_sweep",
    "set_path",
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


# -------------------------------------------------------------------------- setup paths


def set_path(mapping: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of the nested ``mapping`` with the entry at dotted ``path`` replaced by ``value``.

    Only the containers along the path are copied (the input is never modified). A segment
    that indexes a list must be an integer (``"nodes.0.t1"``). The path must already exist:
    a sweep over a misspelt parameter should fail, not silently add a new key.

    Raises
    ------
    ParameterError
        Unknown path (naming the first missing segment and the keys that do exist), or a
        path that ends on a table rather than a value.

    Examples
    --------
    >>> set_path({"source": {"linewidth": "1 MHz", "r": 1.0}}, "source.linewidth", "2 MHz")
    {'source': {'linewidth': '2 MHz', 'r': 1.0}}
    """
    if not isinstance(path, str) or not _PATH_RE.match(path):
        raise ParameterError(f"parameter path must be dotted names like 'source.r', got {path!r}")
    if not isinstance(mapping, Mapping):
        raise ParameterError(f"`mapping` must be a mapping, got {type(mapping).__name__}")
    segments = path.split(".")
    return _set(mapping, segments, 0, value, path)


def _set(node: Any, segments: list[str], depth: int, value: Any, path: str) -> Any:
    seg = segments[depth]
    where = ".".join(segments[:depth]) or "the top level"
    if isinstance(node, Mapping):
        if seg not in node:
            known = ", ".join(sorted(map(str, node))) or "nothing"
            raise ParameterError(
                f"unknown parameter path {path!r}: {where} has no entry {seg!r} (it has: {known})"
            )
        new: Any = dict(node)
        index: Any = seg
    elif isinstance(node, list):
        if not re.fullmatch(r"\d+", seg) or int(seg) >= len(node):
            raise ParameterError(
                f"unknown parameter path {path!r}: {where} is a list of {len(node)}, "
                f"so {seg!r} must be an index 0..{len(node) - 1}"
            )
        new = list(node)
        index = int(seg)
    else:
        raise ParameterError(
            f"unknown parameter path {path!r}: {where} is a value ({node!r}), not a table"
        )
    if depth == len(segments) - 1:
        if isinstance(new[index], (Mapping, list)) and not isinstance(value, (Mapping, list)):
            raise ParameterError(
                f"parameter path {path!r} names a table, not a value; name one of its entries"
            )
        new[index] = value
    else:
        new[index] = _set(new[index], segments, depth + 1, value, path)
    return new


def apply_overrides(mapping: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`set_path` for every ``{path: value}`` of ``overrides`` (e.g. one sweep point)."""
    out = dict(mapping)
    for path, value in overrides.items():
        out = set_path(out, path, value)
    return out


# -------------------------------------------------------------------------------- sweeps


def _default_key(evaluate: Callable[..., Any]) -> Callable[[Mapping[str, Any]], str]:
    # Imported here, not at module level: qnet_design/__init__ may import this module.
    from . import __version__

    name = f"{getattr(evaluate, '__module__', '?')}.{getattr(evaluate, '__qualname__', '?')}"
    return lambda point: store_key(name, point, {}, __version__)


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


def run_sweep(
    evaluate: Callable[[dict[str, Any]], Mapping[str, Any]],
    points: Iterable[Mapping[str, Any]],
    *,
    key: Callable[[Mapping[str, Any]], str] | None = None,
    store: ResultStore | str | os.PathLike[str] | None = None,
    workers: int = 1,
    executor: Any = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Evaluate every point (reading stored points back) and tabulate the results.

    Parameters
    ----------
    evaluate
        ``evaluate(point) -> {figure: number}``. For ``workers > 1`` or a Dask executor it
        must be picklable, i.e. a function defined at the top level of a module (not a
        lambda or a closure). Exceptions it raises propagate (points finished before the
        failure are already stored).
    points
        Points (``{path: value}`` dicts, e.g. from :func:`grid_points`). Points with the
        same key are evaluated once.
    key
        ``key(point) -> str``, the store key of a point; called in this process only.
        Default: :func:`~qnet_design.store.store_key` of (``module.qualname`` of
        ``evaluate``, the point, ``{}``, the package version). Callers whose evaluate
        depends on more than the point (a base setup, solver settings) must pass a key
        that includes it.
    store
        A :class:`~qnet_design.store.ResultStore`, a path to one (opened and closed here),
        or ``None`` to compute everything and store nothing (``--no-cache``).
    workers
        Local processes (``1``: in this process). Must stay 1 when ``executor`` is given.
    executor
        ``None`` (local), ``"dask://HOST:PORT"`` (needs the ``dask`` extra) or a
        :class:`concurrent.futures.Executor` owned by the caller.
    progress
        Show a tqdm progress bar on stderr (only when stderr is a terminal).

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
        A worker process died, or the Dask scheduler was unreachable.
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
    if key is None and store is not None:
        qualname = getattr(evaluate, "__qualname__", "")
        if "<lambda>" in qualname or "<locals>" in qualname or not qualname:
            raise ParameterError(
                f"`evaluate` ({qualname or evaluate!r}) is a lambda or closure, so its name does "
                "not identify the computation in the store; pass `key=` or use a top-level "
                "function"
            )
    keyfn = key if key is not None else _default_key(evaluate)
    keys = [keyfn(p) for p in pts]
    for i, k in enumerate(keys):
        if not isinstance(k, str) or not k:
            raise ParameterError(f"`key` must return a non-empty string, got {k!r} for {pts[i]}")

    with contextlib.ExitStack() as stack:
        if store is not None and not isinstance(store, ResultStore):
            store = stack.enter_context(ResultStore(store))
        records: dict[str, dict[str, Any]] = store.get_many(keys) if store is not None else {}
        n_cached = sum(1 for k in keys if k in records)
        # One evaluation per distinct key still missing, in the order of first appearance.
        todo = {k: p for k, p in zip(keys, pts, strict=True) if k not in records}
        todo_keys = list(todo)
        tasks = stack.enter_context(
            run_tasks(evaluate, list(todo.values()), workers=workers, executor=executor)
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
        per_key = Counter(keys)  # rows served by one evaluation (repeated points)
        for j, raw in tasks:
            k = todo_keys[j]
            record = _check_record(raw, todo[k])
            if store is not None:
                store.put(k, record)
            records[k] = record
            bar.update(per_key[k])

    rows = [{**p, **records[k]} for p, k in zip(pts, keys, strict=True)]
    columns = list(dict.fromkeys(c for row in rows for c in row))
    df = pd.DataFrame(rows, columns=columns)
    df.attrs.update(n_points=len(pts), n_cached=n_cached, n_computed=len(todo))
    return df


# ------------------------------------------------------------------ sweeps over a setup


def _evaluate_setup(
    evaluate: Callable[[dict[str, Any]], Mapping[str, Any]],
    base: Mapping[str, Any],
    point: Mapping[str, Any],
) -> Mapping[str, Any]:
    # top level (not a closure) so that functools.partial of it pickles for worker processes
    return evaluate(apply_overrides(base, point))


def run_setup_sweep(
    evaluate: Callable[[dict[str, Any]], Mapping[str, Any]],
    base: Mapping[str, Any],
    grid: Iterable[str | tuple[str, Iterable[Any]]] | Mapping[str, Iterable[Any]],
    *,
    scheme: str,
    settings: Mapping[str, Any] | None = None,
    version: str | None = None,
    store: ResultStore | str | os.PathLike[str] | None = None,
    workers: int = 1,
    executor: Any = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Sweep dotted-path overrides of a nested setup mapping; see :func:`run_sweep`.

    Each grid point is applied to ``base`` with :func:`apply_overrides` and the resulting
    setup is passed to ``evaluate(setup) -> {figure: number}``. The store key of a point is
    :func:`~qnet_design.store.store_key` of (``scheme``, the *whole* overridden setup,
    ``settings``, ``version``), so two sweeps that reach the same setup share the stored row,
    and a change anywhere in the setup, the solver settings or the package version is a new
    key. Every path is checked against ``base`` before anything is computed.

    Parameters
    ----------
    evaluate
        Function of the overridden setup mapping; top-level (picklable) for worker processes.
    base
        The setup as plain nested data (the parsed setup file: strings, numbers, lists,
        tables), e.g. ``{"scheme": "dual_rail", "source": {"linewidth": "10 MHz"}, ...}``.
    grid
        Anything :func:`grid_points` accepts (``["source.linewidth=1 MHz:10 MHz:10"]``).
    scheme, settings, version
        Key ingredients: scheme name, solver settings (``{}`` if ``None``) and the package
        version (``qnet_design.__version__`` if ``None``).
    store, workers, executor, progress
        As in :func:`run_sweep`.

    Returns
    -------
    pandas.DataFrame
        One row per grid point: the swept paths as columns, then the figures.
    """
    if not isinstance(base, Mapping):
        raise ParameterError(f"`base` must be a setup mapping, got {type(base).__name__}")
    if version is None:
        from . import __version__

        version = __version__
    settings = {} if settings is None else settings
    points = grid_points(grid)
    for p in points:  # fail fast on an unknown path, before anything runs
        apply_overrides(base, p)

    def key(point: Mapping[str, Any]) -> str:
        return store_key(scheme, apply_overrides(base, point), settings, str(version))

    return run_sweep(
        functools.partial(_evaluate_setup, evaluate, base),
        points,
        key=key,
        store=store,
        workers=workers,
        executor=executor,
        progress=progress,
    )
