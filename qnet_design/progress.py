"""Progress lines for long solves: one status line on a terminal, silence otherwise.

Solvers call :func:`progress` as often as they like (stage, truncation, iteration); a line is
written to stderr only when stderr is a terminal and progress is enabled, at most every
:data:`MIN_INTERVAL` seconds unless the stage changes. The line is rewritten in place (carriage
return) and wiped by :func:`clear`, which the CLI calls before it prints a result or an error.
The CLI disables progress under ``--json``; ``QNET_DESIGN_PROGRESS=0`` disables it everywhere.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

ENV_PROGRESS = "QNET_DESIGN_PROGRESS"
MIN_INTERVAL = 0.5  # seconds between two lines of the same stage


class _State:
    enabled = True  # switched off by the CLI under --json
    last = 0.0  # time.monotonic() of the last line written
    stage: str | None = None  # stage of the last line written
    shown = False  # a status line is on the terminal and must be wiped


_state = _State()


def set_enabled(enabled: bool) -> None:
    """Switch progress lines on or off for this process (the CLI: off under ``--json``)."""
    _state.enabled = bool(enabled)


@contextmanager
def switched(on: bool) -> Iterator[None]:
    """Progress lines on or off for the duration of a block, then as before (the CLI: off for
    one ``--json`` command, without silencing later in-process calls)."""
    previous = _state.enabled
    _state.enabled = bool(on)
    try:
        yield
    finally:
        _state.enabled = previous


def enabled() -> bool:
    """Whether a call to :func:`progress` would write (enabled, env not 0, stderr a TTY)."""
    if not _state.enabled or os.environ.get(ENV_PROGRESS, "").strip() in ("0", "false", "no"):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def progress(stage: str, detail: str = "") -> None:
    """One status line on stderr when stderr is a TTY and progress is enabled; silent otherwise.

    Cheap to call often: rate-limited to one line per :data:`MIN_INTERVAL` seconds per stage.
    """
    now = time.monotonic()
    if stage == _state.stage and now - _state.last < MIN_INTERVAL:
        return
    if not enabled():
        return
    _state.stage, _state.last = stage, now
    width = shutil.get_terminal_size((100, 20)).columns - 1
    text = f"… {stage}" + (f": {detail}" if detail else "")
    try:
        sys.stderr.write("\r\x1b[K" + text[:width])
        sys.stderr.flush()
        _state.shown = True
    except (OSError, ValueError):
        pass


def clear() -> None:
    """Wipe the status line (before printing a result or an error); no-op when none is shown."""
    if not _state.shown:
        return
    _state.shown, _state.stage = False, None
    try:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


__all__ = ["ENV_PROGRESS", "clear", "enabled", "progress", "set_enabled", "switched"]
