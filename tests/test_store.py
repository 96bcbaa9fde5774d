"""The SQLite results store: keys, round trips, WAL mode, locking, bad input.

Multi-process behaviour (killed writer, two writers at once) is exercised through sweeps in
tests/test_sweep.py.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from qnet_design.errors import ParameterError
from qnet_design.store import ResultStore, StoreError, default_store_path, store_key


@pytest.fixture
def store(tmp_path: Path):
    with ResultStore(tmp_path / "r.sqlite") as s:
        yield s


# ------------------------------------------------------------------------------ keys


def test_store_key_is_sha256_of_canonical_json() -> None:
    # Canonical form written out by hand: keys sorted at every level, no spaces, floats by
    # repr, ints as ints. This pins the format so that keys stay stable across releases.
    text = (
        '{"params":{"a":2,"b":1.5,"c":[0.1,"10 MHz"]},"scheme":"dual_rail",'
        '"settings":{"method":"direct"},"version":"0.1.0"}'
    )
    expected = hashlib.sha256(text.encode()).hexdigest()
    got = store_key(
        "dual_rail", {"c": (0.1, "10 MHz"), "b": 1.5, "a": 2}, {"method": "direct"}, "0.1.0"
    )
    assert got == expected


def test_store_key_ignores_mapping_order_and_numpy_types() -> None:
    a = store_key("s", {"x": 0.25, "y": {"n": 3, "m": 1.0}}, {"tol": 1e-9}, "1")
    b = store_key(
        "s",
        {"y": {"m": np.float64(1.0), "n": np.int64(3)}, "x": np.float32(0.25)},
        {"tol": 1e-9},
        "1",
    )
    assert a == b


@pytest.mark.parametrize(
    "changed",
    [
        ("t", {"x": 0.1}, {"m": "a"}, "1"),  # scheme
        ("s", {"x": 0.1 + 1e-16 * 2}, {"m": "a"}, "1"),  # next float after 0.1: repr differs
        ("s", {"x": 0.1}, {"m": "b"}, "1"),  # solver settings
        ("s", {"x": 0.1}, {"m": "a"}, "2"),  # package version
        ("s", {"x": 0.1, "y": None}, {"m": "a"}, "1"),  # an extra parameter
    ],
)
def test_store_key_changes_with_every_input(changed: tuple) -> None:
    assert 0.1 + 1e-16 * 2 != 0.1  # the second case really is a different float
    assert store_key("s", {"x": 0.1}, {"m": "a"}, "1") != store_key(*changed)


def test_store_key_keeps_int_float_and_bool_apart() -> None:
    keys = {store_key("s", {"n": v}, {}, "1") for v in (1, 1.0, True, "1")}
    assert len(keys) == 4


def test_store_key_rejects_non_string_mapping_keys() -> None:
    with pytest.raises(ParameterError, match=r"`key.params` must have string keys.*got key 1"):
        store_key("s", {1: 0.5}, {}, "1")  # type: ignore[dict-item]


def test_store_key_rejects_unsupported_values() -> None:
    with pytest.raises(ParameterError, match=r"`key.params.x` must be JSON-like data.*object"):
        store_key("s", {"x": object()}, {}, "1")


def test_store_key_rejects_empty_scheme() -> None:
    with pytest.raises(ParameterError, match="`scheme` must be a non-empty string"):
        store_key("", {}, {}, "1")


def test_store_key_rejects_empty_version() -> None:
    with pytest.raises(ParameterError, match="`version` must be a non-empty string"):
        store_key("s", {}, {}, "")


def test_store_key_rejects_non_mapping_params() -> None:
    with pytest.raises(ParameterError, match="`params` must be a mapping, got list"):
        store_key("s", [("x", 1)], {}, "1")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ store


def test_round_trip_and_persistence(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "r.sqlite"  # parent directory is created
    record = {"c11": 0.75, "n": 3, "method": "direct", "nan": math.nan, "ok": True}
    with ResultStore(path) as s:
        assert s.get("k") is None
        assert "k" not in s
        s.put("k", record)
        assert "k" in s
        assert s.count() == 1
    with ResultStore(path) as s:  # reopened: the record was committed
        got = s.get("k")
    assert got is not None
    assert math.isnan(got.pop("nan"))
    record.pop("nan")
    assert got == record


def test_put_converts_numpy_scalars_and_arrays(store: ResultStore) -> None:
    store.put("k", {"a": np.float64(0.5), "b": np.int64(2), "v": np.array([1.0, 2.0])})
    assert store.get("k") == {"a": 0.5, "b": 2, "v": [1.0, 2.0]}


def test_put_replaces_the_earlier_record(store: ResultStore) -> None:
    store.put("k", {"x": 1.0})
    store.put("k", {"x": 2.0})
    assert store.count() == 1
    assert store.get("k") == {"x": 2.0}


def test_get_many_returns_only_stored_keys(store: ResultStore) -> None:
    for i in range(3):
        store.put(f"k{i}", {"i": i})
    assert store.get_many(["k0", "k2", "missing", "k0"]) == {"k0": {"i": 0}, "k2": {"i": 2}}
    assert sorted(store.keys()) == ["k0", "k1", "k2"]


def test_clear_deletes_everything(store: ResultStore) -> None:
    for i in range(5):
        store.put(f"k{i}", {"i": i})
    assert store.clear() == 5
    assert store.count() == 0
    assert store.get("k0") is None
    store.put("k0", {"i": 0})  # still usable afterwards
    assert store.count() == 1


def test_store_is_in_wal_mode_and_intact(store: ResultStore) -> None:
    store.put("k", {"x": 1.0})
    with sqlite3.connect(store.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.integrity_check() == "ok"


def test_default_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QNET_CACHE_DIR", str(tmp_path / "cache"))
    assert default_store_path() == tmp_path / "cache" / "results.sqlite"
    with ResultStore() as s:
        s.put("k", {"x": 1})
    assert (tmp_path / "cache" / "results.sqlite").exists()


def test_default_path_under_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QNET_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_store_path() == tmp_path / ".cache" / "qnet-design" / "results.sqlite"


def test_writer_waits_for_a_lock_held_by_another_connection(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path, timeout=30) as s:
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")  # another writer holds the lock ...
        release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
        release.start()  # ... and lets go later; put() must wait and then succeed
        try:
            s.put("k", {"x": 1.0})
        finally:
            release.join()
            holder.close()
        assert s.get("k") == {"x": 1.0}


def test_lock_held_too_long_raises_store_error(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path, timeout=0.3) as s:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StoreError, match=r"stayed locked .* more than 0.3 s"):
                s.put("k", {"x": 1.0})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert s.count() == 0


def test_closed_store_raises(tmp_path: Path) -> None:
    s = ResultStore(tmp_path / "r.sqlite")
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreError, match="is closed"):
        s.get("k")


def test_not_a_database_raises_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not an SQLite file" * 100)
    with pytest.raises(StoreError, match=r"junk\.sqlite"):
        ResultStore(path)


def test_put_rejects_non_mapping_record(store: ResultStore) -> None:
    with pytest.raises(ParameterError, match="`record` must be a mapping, got list"):
        store.put("k", [1, 2])  # type: ignore[arg-type]


def test_put_rejects_non_json_record(store: ResultStore) -> None:
    with pytest.raises(ParameterError, match="`record` must be JSON data"):
        store.put("k", {"x": object()})


def test_put_rejects_empty_key(store: ResultStore) -> None:
    with pytest.raises(ParameterError, match="`key` must be a non-empty string"):
        store.put("", {"x": 1})


def test_timeout_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="`timeout` must be a positive number"):
        ResultStore(tmp_path / "r.sqlite", timeout=0)
