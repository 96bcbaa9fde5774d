"""A local results store: finished budgets and sweep points, keyed by what determines them.

A record is stored under a key that hashes everything its value depends on (see
:mod:`qnet_design.runs.keys`), so a repeated budget or sweep point is read back instead of
recomputed, and a changed input or a new version never serves stale numbers.

Integrity: every row carries a SHA-256 checksum of its key and payload, verified on every read;
a row that fails (a changed digit, a garbled or non-object payload) is never returned — it
counts as missing, so a sweep recomputes and replaces it, and a
:class:`~qnet_design.errors.StoreWarning` says so. A file that is not a usable store
(truncated, overwritten, a foreign schema) raises :class:`~qnet_design.errors.StoreDamagedError`
on opening; :meth:`ResultStore.open_or_recover` then moves it aside to a timestamped file
and starts a new store, and a store that cannot be written at all (read-only, locked, removed
during the run) degrades to computing without the cache.

The store is one SQLite file (stdlib :mod:`sqlite3`) in WAL mode. Every write is one
transaction, so a process killed at any moment leaves either the whole record or none of it,
and several processes may write to the same file at once: SQLite serialises the writers, and a
writer that finds the database locked waits (busy timeout) and retries until ``timeout``
seconds have passed.

The file must live on a local disk: WAL mode relies on shared memory between the processes
and does not work over a network file system (NFS, SMB).

Default location: ``$QNET_CACHE_DIR/results.sqlite`` if the environment variable
``QNET_CACHE_DIR`` is set, else ``~/.cache/qnet-design/results.sqlite``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import math
import os
import random
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

from ..errors import ParameterError, StoreDamagedError, StoreError, StoreWarning

__all__ = [
    "ResultStore",
    "default_store_path",
    "move_aside",
    "remove_store",
    "repair_store",
]

_T = TypeVar("_T")

#: Environment variable naming the directory that holds ``results.sqlite``.
CACHE_DIR_ENV = "QNET_CACHE_DIR"
_FILENAME = "results.sqlite"

#: ``PRAGMA user_version`` of the current layout. 0 is the layout without checksums (its keys
#: came from an older key recipe and can never be asked for again, so its rows are dropped).
SCHEMA_VERSION = 2
_COLUMNS = ("key", "payload", "checksum", "created")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY NOT NULL,
    payload TEXT NOT NULL,
    checksum TEXT NOT NULL,
    created REAL NOT NULL
)
"""
#: SQLite result codes of a file that is not a usable database (SQLITE_CORRUPT, SQLITE_NOTADB)
_DAMAGE_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def _checksum(key: str, payload: str) -> str:
    return hashlib.sha256(f"{key}\n{payload}".encode()).hexdigest()


def _is_damage(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorname", "") in _DAMAGE_CODES or "malformed" in str(exc)


def _valid_record(payload: Any) -> dict[str, Any] | None:
    """The record in a payload text, or ``None`` unless it is a JSON object."""
    try:
        record = json.loads(payload)
    except (TypeError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def _sidecars(path: Path) -> list[Path]:
    """The database file and SQLite's WAL and shared-memory files next to it."""
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def move_aside(path: str | os.PathLike[str]) -> Path:
    """Rename a store file (and its ``-wal`` / ``-shm`` files) to ``<name>.damaged-<UTC time>``.

    Nothing is deleted, so a damaged store can still be inspected. Returns the new path.
    """
    path = Path(path)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    for src in _sidecars(path):
        if src.exists():
            src.rename(target.with_name(target.name + src.name.removeprefix(path.name)))
    return target


def remove_store(path: str | os.PathLike[str]) -> list[Path]:
    """Delete a store file and its ``-wal`` / ``-shm`` files whatever state they are in."""
    removed = []
    for src in _sidecars(Path(path)):
        if src.exists():
            src.unlink()
            removed.append(src)
    return removed


def default_store_path() -> Path:
    """Where the store lives unless a path is given.

    ``$QNET_CACHE_DIR/results.sqlite`` when ``QNET_CACHE_DIR`` is set (and non-empty), else
    ``~/.cache/qnet-design/results.sqlite``. The directory is created when the store opens.
    """
    env = os.environ.get(CACHE_DIR_ENV, "").strip()
    base = Path(env).expanduser() if env else Path.home() / ".cache" / "qnet-design"
    return base / _FILENAME


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


def _fetchall(conn: sqlite3.Connection, sql: str, args: list[str]) -> list[Any]:
    return conn.execute(sql, args).fetchall()


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


class ResultStore:
    """SQLite store of JSON records, safe for several processes writing at once.

    Parameters
    ----------
    path
        The database file; ``None`` uses :func:`default_store_path`. The parent directory
        is created if needed.
    timeout
        Seconds an operation keeps retrying while another process holds the write lock
        before it raises :class:`~qnet_design.errors.StoreError`.

    Raises
    ------
    StoreDamagedError
        The file is not a usable store (truncated, overwritten, failing SQLite's
        ``quick_check``, or written with a different layout).
    StoreError
        The store cannot be opened for another reason (read-only file or folder, locked).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qnet_design.runs import store_key
    >>> with ResultStore(pathlib.Path(tempfile.mkdtemp()) / "r.sqlite") as store:
    ...     key = store_key("demo", {"x": 0.5}, {}, "0.1.0")
    ...     store.put(key, {"c": 0.25})
    ...     store.get(key)
    {'c': 0.25}
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = 60.0):
        if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
            raise ParameterError(f"`timeout` must be a positive number of seconds, got {timeout!r}")
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self.timeout = float(timeout)
        #: rows that failed verification on read since the store was opened
        self.n_rejected = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store directory {self.path.parent}: {exc}"
            ) from exc
        # isolation_level=None: no implicit transactions; each write is BEGIN IMMEDIATE ...
        # COMMIT, so the write lock is taken up front and a busy writer waits in SQLite's own
        # busy handler rather than failing half-way through a transaction.
        try:
            self._conn: sqlite3.Connection | None = sqlite3.connect(
                self.path, timeout=min(self.timeout, 5.0), isolation_level=None
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the results store {self.path}: {exc}") from exc
        try:
            self._retry(self._setup)
            self._retry(self._migrate)
            self._identity = self._file_identity()
        except BaseException:
            self.close()
            raise

    @classmethod
    def open_or_recover(
        cls, path: str | os.PathLike[str] | None = None, *, timeout: float = 60.0
    ) -> ResultStore | None:
        """Open the store for a run that must not fail because of its cache.

        A damaged file is moved aside (:func:`move_aside`) and a new store is started; a store
        that still cannot be opened (read-only, locked) gives ``None``: compute without the
        cache. Each case emits one :class:`~qnet_design.errors.StoreWarning` saying what happened.
        """
        try:
            return cls(path, timeout=timeout)
        except StoreDamagedError as exc:
            target = Path(path).expanduser() if path is not None else default_store_path()
            moved = move_aside(target)
            warnings.warn(
                f"{exc}; moved it aside to {moved.name} and started a new store",
                StoreWarning,
                stacklevel=2,
            )
        except StoreError as exc:
            warnings.warn(f"{exc}; computing without the cache", StoreWarning, stacklevel=2)
            return None
        try:
            return cls(path, timeout=timeout)
        except StoreError as exc:
            warnings.warn(f"{exc}; computing without the cache", StoreWarning, stacklevel=2)
            return None

    # -- plumbing ---------------------------------------------------------------------
    def _setup(self) -> None:
        conn = self._connection()
        busy_ms = int(min(self.timeout, 5.0) * 1000)
        conn.execute(f"PRAGMA busy_timeout = {busy_ms}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.path}: could not switch the store to WAL mode (got {mode!r})")
        # In WAL mode synchronous=NORMAL keeps every committed transaction across a killed
        # process (the WAL is in the OS cache); only a power cut may lose the last commits.
        conn.execute("PRAGMA synchronous = NORMAL")
        # A truncated file often opens and fails only on the pages it lost: check them all
        # once (milliseconds for a store of thousands of rows).
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise StoreDamagedError(
                f"results store {self.path} is damaged (SQLite quick_check: {check})"
            )

    def _migrate(self) -> None:
        """Create the table, or drop a checksum-less table of the older layout (one transaction)."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")  # re-read the layout under the lock: two openers race
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
            columns = tuple(r[1] for r in conn.execute("PRAGMA table_info(results)"))
            foreign = [t for t in tables if t != "results" and not t.startswith("sqlite_")]
            if version == SCHEMA_VERSION and columns == _COLUMNS:
                conn.execute("COMMIT")
                return
            if version != 0 or foreign or columns not in ((), ("key", "payload", "created")):
                raise StoreDamagedError(
                    f"results store {self.path} has a layout this qnet-design does not know "
                    f"(version {version}, tables {tables})"
                )
            dropped = conn.execute("SELECT COUNT(*) FROM results").fetchone()[0] if columns else 0
            conn.execute("DROP TABLE IF EXISTS results")
            conn.execute(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if dropped:
            warnings.warn(
                f"results store {self.path}: dropped {dropped} row(s) of an older qnet-design "
                "(no checksums, keys that are no longer asked for)",
                StoreWarning,
                stacklevel=3,
            )

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino)

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the results store {self.path} is closed")
        return self._conn

    def _retry(self, op: Callable[[], _T]) -> _T:
        """Run ``op``, retrying with jittered backoff while the database is locked."""
        deadline = time.monotonic() + self.timeout
        delay = 0.01
        while True:
            try:
                return op()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise self._error(exc) from exc
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"results store {self.path} stayed locked by another process for "
                        f"more than {self.timeout:g} s ({exc})"
                    ) from exc
            except sqlite3.DatabaseError as exc:
                raise self._error(exc) from exc
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)

    def _error(self, exc: sqlite3.Error) -> StoreError:
        if _is_damage(exc):
            return StoreDamagedError(f"results store {self.path} is damaged ({exc})")
        return StoreError(f"results store {self.path}: {exc}")

    def _write(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        """Run one statement in its own ``BEGIN IMMEDIATE`` transaction; rows changed."""
        conn = self._connection()

        def op() -> int:
            conn.execute("BEGIN IMMEDIATE")
            try:
                changed = conn.execute(sql, args).rowcount
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return int(changed)

        return self._retry(op)

    def _verified(self, rows: list[Any]) -> dict[str, dict[str, Any]]:
        """``{key: record}`` of the rows with a valid checksum and payload; warns about others."""
        out: dict[str, dict[str, Any]] = {}
        bad = 0
        for key, payload, checksum in rows:
            record = _valid_record(payload) if checksum == _checksum(key, payload) else None
            if record is None:
                bad += 1
            else:
                out[key] = record
        if bad:
            self.n_rejected += bad
            warnings.warn(
                f"results store {self.path}: {bad} stored row(s) failed their checksum or are "
                "not valid records; they are not used (a sweep recomputes and replaces them)",
                StoreWarning,
                stacklevel=3,
            )
        return out

    # -- public API -------------------------------------------------------------------
    def get(self, key: str) -> dict[str, Any] | None:
        """The record stored under ``key``, or ``None`` (also for a row that fails its check)."""
        return self.get_many([key]).get(key)

    def get_many(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The stored, verified records among ``keys`` as ``{key: record}``.

        Missing keys are left out, and so are rows whose checksum or payload is invalid (with
        a :class:`~qnet_design.errors.StoreWarning`): a damaged row is never returned.
        """
        conn = self._connection()
        rows: list[Any] = []
        unique = list(dict.fromkeys(keys))
        chunk = 500  # below SQLite's limit on host parameters per statement
        for i in range(0, len(unique), chunk):
            part = unique[i : i + chunk]
            marks = ",".join("?" * len(part))
            sql = f"SELECT key, payload, checksum FROM results WHERE key IN ({marks})"
            rows += self._retry(functools.partial(_fetchall, conn, sql, part))
        return self._verified(rows)

    def put(self, key: str, record: Mapping[str, Any]) -> None:
        """Store ``record`` (JSON data) under ``key``, replacing any earlier record.

        One transaction: a process killed during ``put`` leaves the old state or the new one.

        Raises
        ------
        StoreError
            The store cannot be written (read-only, locked too long), or its file was removed
            or replaced since it was opened (the row would silently go nowhere).
        """
        if not isinstance(key, str) or not key:
            raise ParameterError(f"`key` must be a non-empty string, got {key!r}")
        if not isinstance(record, Mapping):
            raise ParameterError(f"`record` must be a mapping, got {type(record).__name__}")
        try:
            payload = json.dumps(dict(record), default=_json_default, allow_nan=True)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"`record` must be JSON data, got {record!r}: {exc}") from exc
        if self._file_identity() != self._identity:
            raise StoreError(f"the results store file {self.path} was removed or replaced")
        self._write(
            "INSERT OR REPLACE INTO results (key, payload, checksum, created) VALUES (?, ?, ?, ?)",
            (key, payload, _checksum(key, payload), time.time()),
        )

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def keys(self) -> Iterator[str]:
        """All stored keys (a snapshot)."""
        conn = self._connection()
        rows = self._retry(lambda: conn.execute("SELECT key FROM results").fetchall())
        return iter([r[0] for r in rows])

    def count(self) -> int:
        """Number of stored records."""
        conn = self._connection()
        row = self._retry(lambda: conn.execute("SELECT COUNT(*) FROM results").fetchone())
        return int(row[0])

    def clear(self) -> int:
        """Delete every record (one transaction); returns how many were deleted."""
        return self._write("DELETE FROM results")

    def remove_invalid(self) -> int:
        """Delete every row whose checksum or payload is invalid; returns how many."""
        conn = self._connection()
        rows = self._retry(
            lambda: conn.execute("SELECT key, payload, checksum FROM results").fetchall()
        )
        bad = [k for k, p, c in rows if c != _checksum(k, p) or _valid_record(p) is None]
        for key in bad:
            self._write("DELETE FROM results WHERE key = ?", (key,))
        return len(bad)

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check``: ``"ok"`` for an intact file."""
        conn = self._connection()
        rows = self._retry(lambda: conn.execute("PRAGMA integrity_check").fetchall())
        return "; ".join(str(r[0]) for r in rows)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else "open"
        return f"ResultStore({str(self.path)!r}, {state})"


def repair_store(path: str | os.PathLike[str] | None = None) -> str:
    """Make the store at ``path`` usable again; returns one line saying what was done.

    An intact file keeps its valid rows and loses those that fail their checksum; a damaged
    one (not openable, or failing ``PRAGMA integrity_check``) is moved aside
    (:func:`move_aside`) and replaced by an empty store.
    """
    target = Path(path).expanduser() if path is not None else default_store_path()
    if not target.exists():
        return f"{target}: no store there, nothing to repair"
    try:
        with ResultStore(target) as store:
            check = store.integrity_check()
            if check != "ok":
                raise StoreDamagedError(f"results store {target} is damaged ({check})")
            removed = store.remove_invalid()
            kept = store.count()
        return f"{target}: intact; kept {kept} row(s), removed {removed} that failed their checksum"
    except StoreDamagedError as exc:
        moved = move_aside(target)
        ResultStore(target).close()
        return f"{exc}; moved it aside to {moved.name} and started a new empty store"
