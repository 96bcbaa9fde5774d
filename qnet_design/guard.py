"""Size guard: refuse a solve before it starts when it would not fit in memory.

Every solver entry point that can grow with the user's numbers (Fock cutoff from n_th, hierarchy
depth, trajectory count, number of pairs or modes) estimates its peak memory first and calls
:func:`check_size`. The limit is, in this order:

1. the CLI option ``--max-memory`` (which sets the environment variable for the run),
2. the environment variable ``QNET_DESIGN_MAX_MEMORY`` (e.g. ``"8 GiB"``, ``"500 MB"``,
   a bare number is bytes),
3. :data:`DEFAULT_MAX_MEMORY` = 16 GiB, lowered to 3/4 of the machine's physical memory when
   that is smaller (a solve that swaps looks like a hang).

A solve whose estimated run time exceeds ``QNET_DESIGN_MAX_SECONDS`` (default
:data:`DEFAULT_MAX_SECONDS` = 1 hour) is refused too, when the caller gives an estimate: the
estimates are rough (a factor of a few), so the default only catches the hopeless cases.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import SizeError

ENV_MAX_MEMORY = "QNET_DESIGN_MAX_MEMORY"
DEFAULT_MAX_MEMORY = 16 * 2**30
ENV_MAX_SECONDS = "QNET_DESIGN_MAX_SECONDS"
DEFAULT_MAX_SECONDS = 3600.0

_BYTE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_MEMORY = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*$")


def parse_memory(text: str | float, where: str = "memory limit") -> float:
    """Bytes of ``"8 GiB"``, ``"500 MB"``, ``"2e9"`` (bare number: bytes); > 0 and finite."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        match = _MEMORY.match(str(text))
        unit = match.group(2).lower() if match else None
        if match is None or unit not in _BYTE_UNITS:
            raise SizeError(f"{where} must be a size such as '8 GiB' or '500 MB', got {text!r}")
        value = float(match.group(1)) * _BYTE_UNITS[unit]
    if not (math.isfinite(value) and value > 0):
        raise SizeError(f"{where} must be a positive size such as '8 GiB', got {text!r}")
    return value


def _physical_memory() -> float | None:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # not available on every platform
        return None


def max_memory() -> float:
    """The memory limit in bytes (``--max-memory`` / ``QNET_DESIGN_MAX_MEMORY`` / default)."""
    text = os.environ.get(ENV_MAX_MEMORY, "").strip()
    if text:
        return parse_memory(text, f"the environment variable {ENV_MAX_MEMORY}")
    physical = _physical_memory()
    return min(DEFAULT_MAX_MEMORY, 0.75 * physical) if physical else DEFAULT_MAX_MEMORY


def max_seconds() -> float:
    """The run-time limit in seconds for solves that estimate theirs (env or 1 hour)."""
    text = os.environ.get(ENV_MAX_SECONDS, "").strip()
    if not text:
        return DEFAULT_MAX_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise SizeError(
            f"the environment variable {ENV_MAX_SECONDS} must be seconds > 0, got {text!r}"
        )
    return value


@contextmanager
def memory_limit(text: str | None) -> Iterator[None]:
    """Set the limit for the duration of a block (the CLI's ``--max-memory``); None: unchanged.

    It goes through the environment so that worker processes started inside inherit it.
    """
    if text is None:
        yield
        return
    parse_memory(text, "--max-memory")
    old = os.environ.get(ENV_MAX_MEMORY)
    os.environ[ENV_MAX_MEMORY] = text
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(ENV_MAX_MEMORY, None)
        else:
            os.environ[ENV_MAX_MEMORY] = old


def format_bytes(n: float) -> str:
    """``1.5 GiB``-style text of a byte count (``inf`` stays ``inf``)."""
    if not math.isfinite(n):
        return "an unbounded amount of memory"
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} B"


def format_seconds(s: float) -> str:
    """``3.2 min``-style text of a duration."""
    if not math.isfinite(s):
        return "forever"
    if s >= 86400:
        return f"{s / 86400:.3g} days"
    if s >= 3600:
        return f"{s / 3600:.3g} h"
    if s >= 60:
        return f"{s / 60:.3g} min"
    return f"{s:.2g} s"


def check_size(
    what: str, *, memory_bytes: float, seconds: float | None = None, change: str = ""
) -> None:
    """Refuse a solve before it starts when its estimated peak memory (or time) exceeds the limit.

    Parameters
    ----------
    what
        What was asked, e.g. ``"thermal link, Fock route with cutoff 120 (Liouville dim 2.1e8)"``.
    memory_bytes
        Estimated peak memory of the solve in bytes (non-finite counts as too large).
    seconds
        Optional estimated run time, quoted in the message; above :func:`max_seconds` it refuses.
    change
        What the user can change to make it fit, e.g. ``"lower the source temperature"``.

    Raises
    ------
    SizeError
        One line: what was asked, the estimate, the limit and where it comes from, what to change.
    """
    limit = max_memory()
    time = f" and ~{format_seconds(seconds)}" if seconds is not None else ""
    hint = f"; {change}" if change else ""
    if math.isfinite(memory_bytes) and memory_bytes <= limit:
        if seconds is None or seconds <= max_seconds():
            return
        raise SizeError(
            f"{what} would take ~{format_seconds(seconds)} (memory ~{format_bytes(memory_bytes)}), "
            f"more than the time limit {format_seconds(max_seconds())} (raise it with "
            f"{ENV_MAX_SECONDS}){hint}"
        )
    source = (
        f"set by {ENV_MAX_MEMORY} / --max-memory"
        if os.environ.get(ENV_MAX_MEMORY, "").strip()
        else f"the default; raise it with --max-memory or {ENV_MAX_MEMORY}"
    )
    raise SizeError(
        f"{what} would need ~{format_bytes(memory_bytes)}{time}, more than the memory limit "
        f"{format_bytes(limit)} ({source}){hint}"
    )


__all__ = [
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_MAX_SECONDS",
    "ENV_MAX_MEMORY",
    "ENV_MAX_SECONDS",
    "check_size",
    "format_bytes",
    "format_seconds",
    "max_memory",
    "max_seconds",
    "memory_limit",
    "parse_memory",
]
