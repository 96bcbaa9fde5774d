"""Where independent evaluations run: in-process, a local process pool, or a Dask cluster.

:func:`run_tasks` maps a function over items and returns a :class:`TaskStream` of
``(index, result)`` pairs in the order the results *finish*, so a caller can store each result
the moment it exists. Closing the stream (``with run_tasks(...) as stream:``) after an early
exit (an exception in a task, ``KeyboardInterrupt``, ``break``) cancels the tasks that have
not started and shuts an owned pool down.

Executors
---------
``executor=None, workers=1``
    In-process loop (no pickling, easiest to debug).
``executor=None, workers=N > 1``
    :class:`concurrent.futures.ProcessPoolExecutor` with N processes (the platform's default
    start method). The function must be picklable, i.e. defined at the top level of a module.
``executor="dask://HOST:PORT"``
    A running Dask distributed scheduler at ``tcp://HOST:PORT``; needs the ``dask`` extra
    (``pip install 'qnet-design[dask]'``), imported only when asked for. A refused connection
    is reported at once; a scheduler that vanishes, a worker that keeps dying on a task, or a
    cluster left without workers for ``worker_timeout`` seconds raises
    :class:`~qnet_design.errors.ExecutorError` (saying what to do) instead of waiting forever
    or leaking Dask's own exceptions.
``executor=<concurrent.futures.Executor>``
    Any executor the caller owns (it is not shut down here).

Interruption: pool workers ignore SIGINT (a Ctrl-C reaches the whole process group; the parent
alone handles it), and an early exit terminates the workers still computing instead of waiting
for their points to finish.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import pickle
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .._checks import check_int
from ..errors import ExecutorError, MissingDependencyError, ParameterError

__all__ = [
    "TaskStream",
    "parse_dask_address",
    "run_tasks",
]

#: Seconds to wait for a Dask scheduler to answer before giving up.
DASK_CONNECT_TIMEOUT = 30.0
#: Default seconds a Dask sweep waits while the scheduler has no worker before it gives up.
DASK_WORKER_TIMEOUT = 60.0
#: Seconds between two checks of a Dask cluster's workers while waiting for results.
_DASK_POLL = 0.05
_DASK_CHECK_EVERY = 1.0

_DASK_RE = re.compile(r"^dask://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>\d{1,5})/?$")


def parse_dask_address(executor: str) -> str:
    """``"dask://HOST:PORT"`` → the scheduler address ``"tcp://HOST:PORT"``.

    Raises :class:`~qnet_design.errors.ParameterError` naming ``executor`` for anything else.
    """
    m = _DASK_RE.match(executor.strip())
    if m is None or not 0 < int(m["port"]) < 65536:
        raise ParameterError(
            f"`executor` must be 'dask://HOST:PORT' (a Dask scheduler address, port 1-65535), "
            f"got {executor!r}"
        )
    return f"tcp://{m['host']}:{int(m['port'])}"


#: Seconds between a pool worker's checks that the process that started it is still alive.
PARENT_POLL_SECONDS = 0.5


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(1)


def _exit_with_parent(parent_pid: int) -> None:
    """Pool-worker initializer: exit when the sweep's process dies (e.g. ``kill -9``).

    A worker waits for tasks on a pipe whose write end it has inherited itself, so it would
    never see end-of-file and would linger forever; instead it notices that it has been
    re-parented and stops, also abandoning the point it was computing. It also ignores SIGINT:
    a Ctrl-C in a terminal reaches every process of the group, and only the parent should
    react (one line, not one traceback per worker); the parent then terminates the workers.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _check_picklable(fn: Callable[..., Any]) -> None:
    try:
        pickle.dumps(fn)
    except Exception as exc:
        name = getattr(fn, "__qualname__", repr(fn))
        raise ParameterError(
            f"`evaluate` must be a picklable function defined at the top level of a module "
            f"to run on worker processes, got {name!r} ({exc})"
        ) from None


class TaskStream:
    """Iterator of ``(index, result)`` in completion order; ``close()`` cancels what is left.

    Tasks are submitted when the stream is created (so worker processes start before the
    caller opens threads such as a progress bar). Use it as a context manager, or call
    :meth:`close`, so that an early exit cancels pending tasks and shuts an owned pool down.
    """

    def __init__(self, results: Iterator[tuple[int, Any]], cleanup: Callable[[], None]):
        self._results = results
        self._cleanup: Callable[[], None] | None = cleanup

    def __iter__(self) -> TaskStream:
        return self

    def __next__(self) -> tuple[int, Any]:
        try:
            return next(self._results)
        except StopIteration:
            self.close()
            raise

    def close(self) -> None:
        """Cancel tasks not yet started and release the executor (idempotent)."""
        cleanup, self._cleanup = self._cleanup, None
        if cleanup is not None:
            cleanup()

    def __enter__(self) -> TaskStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_tasks(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    workers: int = 1,
    executor: str | cf.Executor | None = None,
    worker_timeout: float = DASK_WORKER_TIMEOUT,
) -> TaskStream:
    """Evaluate ``fn(items[i])`` for every ``i``; yield ``(i, result)`` as each one finishes.

    Parameters
    ----------
    fn
        Function of one item. For ``workers > 1`` it must be picklable (top-level).
    items
        The inputs (picklable for anything but the in-process loop).
    workers
        Local processes when ``executor`` is ``None``; ``1`` runs in this process.
    executor
        ``None``, ``"dask://HOST:PORT"`` or a :class:`concurrent.futures.Executor`.
    worker_timeout
        Dask only: seconds the scheduler may have no worker at all before
        :class:`~qnet_design.errors.ExecutorError` is raised (default :data:`DASK_WORKER_TIMEOUT`).

    Returns
    -------
    TaskStream
        Iterate it for ``(index, result)`` pairs; close it (or use ``with``) when done.

    Raises
    ------
    ParameterError
        Bad ``workers`` / ``executor``, ``workers > 1`` together with an ``executor``, or an
        unpicklable ``fn`` for the process pool.
    MissingDependencyError
        ``dask://`` without the ``dask`` extra.
    ExecutorError
        A worker process died; the Dask scheduler refused the connection, could not be
        reached, was lost, cancelled a task or had no worker for ``worker_timeout`` seconds;
        a task killed its Dask workers repeatedly.
    Exception
        Whatever ``fn`` raised, unchanged, for the first failing item (while iterating).
    """
    workers = check_int("workers", workers, minimum=1)
    if not (
        isinstance(worker_timeout, (int, float))
        and not isinstance(worker_timeout, bool)
        and worker_timeout > 0
    ):
        raise ParameterError(
            f"`worker_timeout` must be a positive number of seconds, got {worker_timeout!r}"
        )
    if executor is not None and workers != 1:
        raise ParameterError(
            f"`workers` applies to the local process pool only; with `executor`={executor!r} "
            f"the executor's own workers are used, so leave `workers` at 1 (got {workers})"
        )
    if isinstance(executor, str):
        return _run_dask(fn, items, parse_dask_address(executor), float(worker_timeout))
    if isinstance(executor, cf.Executor):
        return _run_futures(fn, items, executor, owned=False)
    if executor is not None:
        raise ParameterError(
            f"`executor` must be None, 'dask://HOST:PORT' or a concurrent.futures.Executor, "
            f"got {executor!r}"
        )
    if workers == 1 or len(items) <= 1:
        return TaskStream(((i, fn(item)) for i, item in enumerate(items)), lambda: None)
    _check_picklable(fn)
    pool = cf.ProcessPoolExecutor(
        max_workers=min(workers, len(items)),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    return _run_futures(fn, items, pool, owned=True)


def _run_futures(
    fn: Callable[[Any], Any], items: Sequence[Any], pool: cf.Executor, *, owned: bool
) -> TaskStream:
    futures: dict[cf.Future[Any], int] = {}

    def cleanup() -> None:
        unfinished = [fut for fut in futures if not fut.done()]
        for fut in unfinished:
            fut.cancel()
        if owned and unfinished and isinstance(pool, cf.ProcessPoolExecutor):
            # An early exit (Ctrl-C, a failed point): do not wait for the points being
            # computed, which may take minutes. Python 3.11 has no public way to stop a pool's
            # workers (3.14 adds terminate_workers), hence the private process table.
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)

    try:
        for i, item in enumerate(items):
            futures[pool.submit(fn, item)] = i
    except BaseException:
        cleanup()
        raise

    def results() -> Iterator[tuple[int, Any]]:
        for fut in cf.as_completed(futures):
            try:
                result = fut.result()
            except BrokenProcessPool as exc:
                raise ExecutorError(
                    f"a worker process died (killed, or out of memory) while evaluating item "
                    f"{futures[fut]}: {exc}"
                ) from exc
            yield futures[fut], result

    return TaskStream(results(), cleanup)


def _check_listening(address: str) -> None:
    """Fail at once when nothing listens at the scheduler's address (Dask retries 30 s)."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5.0):
            pass
    except ConnectionRefusedError:
        raise ExecutorError(
            f"no Dask scheduler at {address}: the connection was refused; start one "
            f"(`dask scheduler --host {host} --port {port}`) or fix --executor"
        ) from None
    except socket.gaierror as exc:
        raise ExecutorError(f"cannot resolve the Dask scheduler's host {host!r}: {exc}") from None
    except OSError:
        pass  # a timeout or a filtered port: let Dask's own connection attempt decide


_LOST = "finished points are stored; rerun to resume"


def _run_dask(
    fn: Callable[[Any], Any], items: Sequence[Any], address: str, worker_timeout: float
) -> TaskStream:
    try:
        from dask.distributed import Client
        from distributed.scheduler import KilledWorker
    except ImportError as exc:
        raise MissingDependencyError(
            "`executor`='dask://...' needs the optional `dask` extra, which is not installed: "
            "pip install 'qnet-design[dask]'"
        ) from exc
    _check_listening(address)
    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ExecutorError(
            f"cannot reach the Dask scheduler at {address} within {DASK_CONNECT_TIMEOUT:g} s: "
            f"{exc}; check that it runs and that this machine may connect to it"
        ) from None
    futures: dict[Any, int] = {}
    broken: list[ExecutorError] = []  # set once the scheduler is known to be gone

    def cleanup() -> None:
        pending = [f for f in futures if not f.done()]
        if pending and not broken:  # (cancelling through a lost scheduler waits 30 s)
            client.cancel(pending)
        try:
            client.close(timeout=2 if broken else 10)
        except (OSError, TimeoutError):
            pass  # the scheduler is gone: nothing left to release

    def lost(what: str, exc: BaseException | None) -> ExecutorError:
        detail = ""
        if exc is not None and str(exc):  # Dask's messages span lines; keep the first
            detail = f" ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"
        broken.append(ExecutorError(f"Dask scheduler at {address}: {what}{detail}; {_LOST}"))
        return broken[-1]

    try:
        for i, item in enumerate(items):
            # pure=False: never let Dask merge two submissions; deduplication is the caller's.
            futures[client.submit(fn, item, pure=False)] = i
    except (OSError, TimeoutError, cf.CancelledError) as exc:
        error = lost("lost the connection while submitting the points", exc)
        cleanup()
        raise error from None
    except BaseException:
        cleanup()
        raise

    def workers_present() -> bool:
        try:
            return bool(client.nthreads())
        except (OSError, TimeoutError, cf.CancelledError) as exc:
            raise lost("lost the connection to the scheduler", exc) from None

    def results() -> Iterator[tuple[int, Any]]:
        pending = dict(futures)
        last_check = no_workers_since = time.monotonic()
        while pending:
            done = [f for f in pending if f.done()]
            if not done:
                time.sleep(_DASK_POLL)
                now = time.monotonic()
                if now - last_check >= _DASK_CHECK_EVERY:
                    last_check = now
                    if workers_present():
                        no_workers_since = now
                    elif now - no_workers_since > worker_timeout:
                        raise ExecutorError(
                            f"the Dask scheduler at {address} has had no worker for "
                            f"{worker_timeout:g} s; start workers (`dask worker {address}`) or "
                            f"allow longer (worker_timeout / --worker-timeout); {_LOST}"
                        )
                continue
            for fut in done:
                index = pending.pop(fut)
                if fut.status == "error" and isinstance(fut.exception(), KilledWorker):
                    raise lost(
                        f"point {index} killed every Dask worker that ran it (out of memory, "
                        "or a crash); check the workers' memory limit and logs",
                        None,
                    )
                if fut.status == "error":
                    fut.result()  # the task's own exception, unchanged
                try:
                    result = fut.result()
                except (cf.CancelledError, OSError, TimeoutError) as exc:
                    raise lost(
                        f"point {index} was cancelled or its result lost (scheduler stopped "
                        "or restarted?)",
                        exc,
                    ) from None
                no_workers_since = time.monotonic()
                futures.pop(fut)  # the last reference: Dask frees the result on the worker
                yield index, result

    return TaskStream(results(), cleanup)
