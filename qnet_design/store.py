"""A local results store: finished budgets and sweep points, keyed by what determines them.

A record is stored under a key that hashes everything its value depends on — the scheme, the
model parameters, the solver settings and the package version (:func:`store_key`) — so a
repeated budget or sweep point is read back instead of recomputed, and a new package version
never serves stale numbers.

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

import dataclasses
import enum
import functools
import hashlib
import json
import math
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

from .errors import ParameterError, QnetError

__all__ = [
    "ResultStore",
    "StoreError",
    "canonical_json",
    "default_store_path",
    "store_key",
]

_T = TypeVar("_T")

#: Environment variable naming the directory that holds ``results.sqlite``.
CACHE_DIR_ENV = "QNET_CACHE_DIR"
_FILENAME = "results.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL
)
"""


class StoreError(QnetError, RuntimeError):
    """The results store could not be opened, read or written (locked too long, not a DB)."""


def default_store_path() -> Path:
    """Where the store lives unless a path is given.

    ``$QNET_CACHE_DIR/results.sqlite`` when ``QNET_CACHE_DIR`` is set (and non-empty), else
    ``~/.cache/qnet-design/results.sqlite``. The directory is created when the store opens.
    """
    env = os.environ.get(CACHE_DIR_ENV, "").strip()
    base = Path(env).expanduser() if env else Path.home() / ".cache" / "qnet-design"
    return base / _FILENAME


# ----------------------------------------------------------------------------------- keys


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


# ---------------------------------------------------------------------------------- store


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
        before it raises :class:`StoreError`.

    Examples
    --------
    >>> import tempfile, pathlib
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
        self._retry(self._setup)

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
        conn.execute(_SCHEMA)

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
                    raise StoreError(f"results store {self.path}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"results store {self.path} stayed locked by another process for "
                        f"more than {self.timeout:g} s ({exc})"
                    ) from exc
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"results store {self.path}: {exc}") from exc
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)

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

    # -- public API -------------------------------------------------------------------
    def get(self, key: str) -> dict[str, Any] | None:
        """The record stored under ``key``, or ``None``."""
        conn = self._connection()
        row = self._retry(
            lambda: conn.execute("SELECT payload FROM results WHERE key = ?", (key,)).fetchone()
        )
        if row is None:
            return None
        record: dict[str, Any] = json.loads(row[0])
        return record

    def get_many(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The stored records among ``keys``, as ``{key: record}`` (missing keys left out)."""
        conn = self._connection()
        out: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(keys))
        chunk = 500  # below SQLite's limit on host parameters per statement
        for i in range(0, len(unique), chunk):
            part = unique[i : i + chunk]
            sql = f"SELECT key, payload FROM results WHERE key IN ({','.join('?' * len(part))})"
            rows = self._retry(functools.partial(_fetchall, conn, sql, part))
            out.update((k, json.loads(p)) for k, p in rows)
        return out

    def put(self, key: str, record: Mapping[str, Any]) -> None:
        """Store ``record`` (JSON data) under ``key``, replacing any earlier record.

        One transaction: a process killed during ``put`` leaves the old state or the new one.
        """
        if not isinstance(key, str) or not key:
            raise ParameterError(f"`key` must be a non-empty string, got {key!r}")
        if not isinstance(record, Mapping):
            raise ParameterError(f"`record` must be a mapping, got {type(record).__name__}")
        try:
            payload = json.dumps(dict(record), default=_json_default, allow_nan=True)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"`record` must be JSON data, got {record!r}: {exc}") from exc
        self._write(
            "INSERT OR REPLACE INTO results (key, payload, created) VALUES (?, ?, ?)",
            (key, payload, time.time()),
        )

    def __contains__(self, key: object) -> bool:
        conn = self._connection()
        row = self._retry(
            lambda: conn.execute("SELECT 1 FROM results WHERE key = ?", (key,)).fetchone()
        )
        return row is not None

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
