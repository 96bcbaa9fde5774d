"""Helpers shared by the scheme budgets: timing, error-budget stepping, convergence flags, work
computed alongside in a forked child process."""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from ..progress import progress, set_enabled
from ._types import BudgetStep


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[stage]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def converged(result: Any) -> bool:
    """A result's convergence flag (results without truncation are exact: True)."""
    conv = getattr(result, "convergence", None)
    return True if conv is None else bool(getattr(conv, "converged", True))


def error_budget(
    ideal: Any,
    steps: Sequence[tuple[str, Mapping[str, Any]]],
    figure_name: str,
    evaluate: Callable[[Any], float],
) -> tuple[BudgetStep, ...]:
    """Switch imperfections on one at a time, cumulatively, starting from ``ideal``.

    ``steps`` is the documented order: (label, fields of the model to set). A step whose fields
    already equal the ideal model's is skipped (the setup does not have that imperfection).
    """
    out = [BudgetStep("ideal", figure_name, evaluate(ideal))]
    model = ideal
    for label, fields in steps:
        if all(getattr(model, k) == v for k, v in fields.items()):
            continue
        model = replace(model, **fields)
        progress("error budget", f"+ {label}")  # each step is a solve of its own
        out.append(BudgetStep(f"+ {label}", figure_name, evaluate(model)))
    return tuple(out)


#: Whether a full budget may run its solves that do not need T_prep in forked child processes
#: while the parent computes T_prep (:class:`Alongside`); False runs them in turn, same figures.
ALONGSIDE = True


def can_fork() -> bool:
    """Whether :class:`Alongside` forks: Linux (fork is the platform's own start method; on
    macOS the system libraries are not fork-safe), from the process's main thread (forking a
    thread pool's worker copies one thread of many) and not inside a daemonic worker process
    (which may not have children)."""
    return (
        ALONGSIDE
        and sys.platform.startswith("linux")
        and threading.current_thread() is threading.main_thread()
        and not multiprocessing.current_process().daemon
    )


def _child(work: Callable[..., Any], conn: Connection, parts: bool) -> None:
    """Run ``work`` in the forked child and send ("ok", result, seconds) or ("error", exc);
    with ``parts``, ``work(send)`` also sends ("part", obj) for each ``send(obj)``."""
    set_enabled(False)  # one status line on the terminal: the parent's

    def send(obj: Any) -> None:
        try:
            conn.send(("part", obj))
        except Exception:  # not sent (does not pickle, parent gone): the parent computes it
            pass

    start = time.perf_counter()
    try:
        answer = work(send) if parts else work()
        message: tuple[Any, ...] = ("ok", answer, time.perf_counter() - start)
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the parent reports it
        return
    except Exception as exc:
        message = ("error", exc)
    try:
        conn.send(message)
    except OSError:  # the parent is gone (killed): nobody to tell
        pass
    except Exception:  # an unpicklable result or error: the parent computes it itself
        with contextlib.suppress(OSError):
            conn.send(("lost",))
    finally:
        conn.close()


class Alongside:
    """``work()`` in a forked child process, started now, its answer taken by :meth:`result`.

    The child is a copy of the caller (no pickling of the inputs, no import); it runs the same
    code as the caller would, so the answer is bitwise the same (the cascade's kernels give the
    same result on one thread or two). Its return value or its error (every error class of the
    toolkit pickles as itself) comes back through a pipe; if the child dies or its answer does
    not pickle, :meth:`result` computes ``work()`` in the caller. Without fork
    (:func:`can_fork`) or with ``fork`` False nothing starts and :meth:`result` computes
    ``work()`` then, in turn (``forked`` says which).
    With ``parts``, ``work`` takes a ``send`` function and the child sends what it is given as
    it goes, taken in order by :meth:`part` (None once the child has finished, failed or died,
    and whenever nothing was forked: then the caller computes that part itself); in the caller
    ``work`` gets a ``send`` that drops it. The child writes no progress line. :meth:`cancel`
    (the caller failed or was interrupted) stops it. ``seconds``: the wall time of ``work()``
    where it ran.
    """

    def __init__(self, work: Callable[..., Any], fork: bool = True, parts: bool = False) -> None:
        self.work, self.parts = work, parts
        self.seconds = math.nan
        self._proc: Any = None
        self._final: tuple[Any, ...] | None = None  # the child's last message, once received
        self.forked = fork and can_fork()
        if self.forked:
            ctx = multiprocessing.get_context("fork")
            self._conn, child_end = ctx.Pipe(duplex=False)
            with warnings.catch_warnings():
                # Python ≥ 3.12 warns on any fork of a process with threads; the caller's
                # threads here are the toolkit's idle pools (fork-safe: solvers/_halves.py
                # forgets its pool in a child, numba's workqueue layer is fork-safe)
                warnings.filterwarnings("ignore", "This process .* is multi-threaded")
                args = (work, child_end, parts)
                self._proc = ctx.Process(target=_child, args=args, daemon=True)
                self._proc.start()
            child_end.close()

    def _receive(self) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = self._conn.recv()
        except EOFError:  # the child died (killed, out of memory)
            message = ("lost",)
        if message[0] != "part":
            self._final = message
        return message

    def waiting(self) -> bool:
        """Whether a message of the child is there to be taken without blocking."""
        return not self.done and self._conn.poll()

    @property
    def done(self) -> bool:
        """Whether no more will come from a child (none forked, or its last message taken)."""
        return self._proc is None or self._final is not None

    def part(self) -> Any:
        """The child's next part in the order sent, or None when no more will come."""
        if self.done:
            return None
        message = self._receive()
        return message[1] if message[0] == "part" else None

    def result(self) -> Any:
        """The answer of ``work()`` (its error raised here, as if it had been called here)."""
        message: tuple[Any, ...] = ("lost",)
        if self._proc is not None:
            try:
                while self._final is None:  # parts not taken are dropped
                    self._receive()
                message = self._final
            finally:
                self.cancel()
        if message[0] == "error":
            raise message[1]
        if message[0] == "ok":
            self.seconds = message[2]
            return message[1]
        start = time.perf_counter()
        try:
            return self.work(lambda obj: None) if self.parts else self.work()
        finally:
            self.seconds = time.perf_counter() - start

    def cancel(self) -> None:
        """Stop the child (if any) and reap it."""
        if self._proc is None:
            return
        proc, self._proc = self._proc, None
        self._conn.close()
        if proc.is_alive():
            proc.terminate()
        proc.join()
