"""Grids of sweep points: parameter specs (``--param``) and their cartesian product.

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

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..errors import ParameterError

__all__ = ["grid_points", "parse_param_spec", "scalar", "split_quantity"]

_PATH_RE = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\[\d+\])?$")  # [i]: a list element
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_QUANTITY_RE = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>[^\d\s:,].*?)?\s*$")
_INT_RE = re.compile(r"^\s*[-+]?\d+\s*$")
_SPEC_FORMS = "expected 'path=start:stop:num', 'path=start:stop:num:log' or 'path=v1,v2,...'"


#: no grid has more points than this: a mistyped num (1e8) would spend minutes and tens of GiB
#: building the points before the sweep's time estimate could refuse it
MAX_GRID_POINTS = 1_000_000


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
    if num > MAX_GRID_POINTS:
        raise _spec_error(spec, f"num = {num} is above the grid limit of {MAX_GRID_POINTS} points")
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


def scalar(value: Any) -> Any:
    """A numpy scalar as the plain Python scalar (picklable, JSON-friendly); else ``value``."""
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
        listed = [scalar(v) for v in np.atleast_1d(np.asarray(values, dtype=object))]
        if not listed:
            raise ParameterError(f"parameter {path!r} has no values")
        axes[path] = listed
    size = math.prod(len(v) for v in axes.values())
    if size > MAX_GRID_POINTS:
        raise ParameterError(f"the grid has {size} points, above the limit of {MAX_GRID_POINTS}")
    names = list(axes)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes.values())]
