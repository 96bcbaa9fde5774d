"""Store keys: one canonical JSON text and one SHA-256 per computation's inputs.

:func:`store_key` hashes a computation's name, its inputs, its settings and the package version
(callers such as :func:`qnet_design.sweep` add the resolved setup and :func:`code_fingerprint`),
so equal inputs share a row of the :class:`~qnet_design.runs.store.ResultStore` and a changed
input, code or version never serves a stale one.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterError

__all__ = ["canonical_json", "code_fingerprint", "store_key"]


def _canonical(obj: Any, where: str) -> Any:
    """Turn ``obj`` into plain JSON data with one spelling per value.

    Mappings need string keys (``1`` and ``"1"`` must not collide); tuples, lists and numpy
    arrays become lists; numpy scalars become Python scalars; dataclasses their field dict;
    enums their value. ``bool`` stays distinct from ``int``, and ``int`` from ``float``
    (``json`` writes floats with ``float.__repr__``, the shortest round-tripping form).
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, np.bool_):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj)
    if isinstance(obj, enum.Enum):
        return _canonical(obj.value, where)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        return _canonical(fields, where)
    if isinstance(obj, Mapping):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise ParameterError(
                    f"`{where}` must have string keys to be hashed, got key {k!r} "
                    f"({type(k).__name__})"
                )
            out[k] = _canonical(v, f"{where}.{k}")
        return out
    if isinstance(obj, np.ndarray):
        return [_canonical(v, f"{where}[{i}]") for i, v in enumerate(obj.tolist())]
    if isinstance(obj, (list, tuple)):
        return [_canonical(v, f"{where}[{i}]") for i, v in enumerate(obj)]
    raise ParameterError(
        f"`{where}` must be JSON-like data (numbers, strings, lists, mappings), got "
        f"{obj!r} ({type(obj).__name__})"
    )


def canonical_json(obj: Any, name: str = "value") -> str:
    """One canonical JSON text for ``obj``: sorted keys, no spaces, floats via ``repr``.

    Non-finite floats are written as ``NaN`` / ``Infinity`` (as Python's ``json`` does), so
    they hash consistently too. ``name`` is used in the error message for unsupported data.
    """
    return json.dumps(
        _canonical(obj, name),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=True,
    )


def store_key(
    scheme: str, params: Mapping[str, Any], settings: Mapping[str, Any], version: str
) -> str:
    """The store key of one computation: sha256 of the canonical JSON of its inputs.

    Parameters
    ----------
    scheme
        Scheme (or computation) name, e.g. ``"dual_rail"``.
    params
        Model parameters (nested mappings of numbers / strings / lists are fine).
    settings
        Solver settings that change the numbers (method, tolerances, truncations).
    version
        Package version (``qnet_design.__version__``): a new version never reads old rows.

    Returns
    -------
    str
        64 hexadecimal characters. Equal inputs give equal keys whatever the key order of
        the mappings; ``1`` and ``1.0`` are different inputs and give different keys.
    """
    if not isinstance(scheme, str) or not scheme:
        raise ParameterError(f"`scheme` must be a non-empty string, got {scheme!r}")
    if not isinstance(version, str) or not version:
        raise ParameterError(f"`version` must be a non-empty string, got {version!r}")
    for name, value in (("params", params), ("settings", settings)):
        if not isinstance(value, Mapping):
            raise ParameterError(f"`{name}` must be a mapping, got {type(value).__name__}")
    text = canonical_json(
        {"scheme": scheme, "params": params, "settings": settings, "version": version},
        name="key",
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """A short SHA-256 over the source files of the installed ``qnet_design`` package.

    Part of every sweep key, so that a code change without a version bump (an editable
    install, a patched copy) never serves rows computed by the old code. Hashing the ~100
    source files takes milliseconds and is done once per process.
    """
    root = Path(__file__).resolve().parent.parent  # the qnet_design package
    digest = hashlib.sha256()
    for file in sorted(root.rglob("*.py")):
        digest.update(file.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
