"""Argument checks shared by the scheme models.

Each check raises :class:`~qnet_design.errors.ParameterError` with one line that names the
argument, states the expectation and shows what was found, and returns the value as a float
(or array) so that callers can write ``self.kappa = check_positive("kappa", kappa)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .errors import ParameterError


def _as_float(name: str, value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"`{name}` must be a real number, got {value!r}") from None
    if not math.isfinite(out):
        raise ParameterError(f"`{name}` must be finite, got {out!r}")
    return out


def check_real(name: str, value: object) -> float:
    """Any finite real number."""
    return _as_float(name, value)


def check_nonnegative(name: str, value: object) -> float:
    """A finite number ≥ 0 (rates, occupations, squeezing parameters)."""
    out = _as_float(name, value)
    if out < 0:
        raise ParameterError(f"`{name}` must be >= 0, got {out!r}")
    return out


def check_positive(name: str, value: object) -> float:
    """A finite number > 0 (linewidths that set a time scale)."""
    out = _as_float(name, value)
    if out <= 0:
        raise ParameterError(f"`{name}` must be > 0, got {out!r}")
    return out


def check_probability(name: str, value: object) -> float:
    """A loss probability in [0, 1): p = 1 would cut the link entirely."""
    out = _as_float(name, value)
    if not 0.0 <= out < 1.0:
        raise ParameterError(f"`{name}` must be a probability in [0, 1), got {out!r}")
    return out


def check_int(name: str, value: object, minimum: int = 1) -> int:
    """An integer ≥ ``minimum`` (numbers of pairs, sites, qubits)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"`{name}` must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ParameterError(f"`{name}` must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_vector(name: str, value: object, length: int) -> np.ndarray:
    """A scalar (broadcast) or a real vector of exactly ``length`` entries."""
    arr = np.asarray(value, dtype=float) if not isinstance(value, str) else None
    if arr is None or arr.ndim > 1:
        raise ParameterError(f"`{name}` must be a number or a vector of {length}, got {value!r}")
    if arr.ndim == 0:
        arr = np.full(length, float(arr))
    if arr.shape != (length,):
        raise ParameterError(
            f"`{name}` must have {length} entries (one per site), got {arr.shape[0]}"
        )
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"`{name}` must be finite, got {arr.tolist()}")
    return arr


def check_permutation(name: str, value: Sequence[int] | None, length: int) -> tuple[int, ...]:
    """A permutation of ``range(length)`` given as 0-based indices (``None`` = identity)."""
    if value is None:
        return tuple(range(length))
    try:
        perm = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ParameterError(
            f"`{name}` must be a sequence of 0-based indices, got {value!r}"
        ) from None
    if sorted(perm) != list(range(length)):
        raise ParameterError(f"`{name}` must be a permutation of 0..{length - 1}, got {list(perm)}")
    return perm


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    """One of a fixed set of strings."""
    if value not in choices:
        raise ParameterError(f"`{name}` must be one of {list(choices)}, got {value!r}")
    return str(value)
