"""The SQLite results store: keys, round trips, WAL mode, locking, bad input, and damage.

Multi-process behaviour (killed writer, two writers at once) is exercised through sweeps in
tests/test_sweep.py. Damage is made by hand: a changed digit, garbled and non-object payloads,
truncated and overwritten files, an older layout, a file removed while open.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from qnet_design.errors import ParameterError, StoreDamagedError, StoreError, StoreWarning
from qnet_design.runs import (
    ResultStore,
    default_store_path,
    remove_store,
    repair_store,
    store_key,
)

pytestmark = pytest.mark.usefixtures("stores_intact")


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


def test_not_a_database_raises_store_damaged_error(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"this is not an SQLite file" * 100)
    with pytest.raises(
        StoreDamagedError, match=r"damaged\.sqlite is damaged \(file is not a database"
    ):
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


# --------------------------------------------------------------------------- integrity


def _filled(path: Path, n: int = 300) -> None:
    with ResultStore(path) as s:
        for i in range(n):
            s.put(f"k{i}", {"c": i / 7, "pad": "x" * 200})


def _raw(path: Path, sql: str, args: tuple = ()) -> None:
    """Change the file behind the store's back (what a bit flip or another program does)."""
    with sqlite3.connect(path) as conn:
        conn.execute(sql, args)


def _intact(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_changed_digit_fails_the_checksum_and_is_not_returned(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path) as s:
        s.put("k", {"flux": 38.34})
        s.put("other", {"flux": 1.0})
    _raw(path, "UPDATE results SET payload = ? WHERE key = 'k'", ('{"flux": 76.69}',))
    with ResultStore(path) as s:
        with pytest.warns(StoreWarning, match="1 stored row.* failed their checksum"):
            assert s.get_many(["k", "other"]) == {"other": {"flux": 1.0}}
        with pytest.warns(StoreWarning):
            assert s.get("k") is None
        s.put("k", {"flux": 38.34})  # recomputed and replaced: served again
        assert s.get("k") == {"flux": 38.34}
    _intact(path)


@pytest.mark.parametrize("payload", ['{"flux": 38.', "[1, 2]", "null", "3.5", "\x00\xff"])
def test_garbled_and_non_object_payloads_are_never_returned(tmp_path: Path, payload: str) -> None:
    # valid checksum of a broken payload: only the payload check can catch it
    import hashlib

    path = tmp_path / "r.sqlite"
    with ResultStore(path) as s:
        s.put("k", {"x": 1.0})
    checksum = hashlib.sha256(f"k\n{payload}".encode()).hexdigest()
    _raw(path, "UPDATE results SET payload = ?, checksum = ? WHERE key = 'k'", (payload, checksum))
    with ResultStore(path) as s, pytest.warns(StoreWarning, match="not valid records"):
        assert s.get_many(["k"]) == {}
    _intact(path)


@pytest.mark.parametrize("how", ["truncated", "overwritten"])
def test_a_damaged_file_is_refused_on_opening(tmp_path: Path, how: str) -> None:
    path = tmp_path / "damaged_r.sqlite"
    _filled(path)
    size = path.stat().st_size
    if how == "truncated":
        with path.open("r+b") as fh:
            fh.truncate(size // 2)
    else:
        with path.open("r+b") as fh:
            fh.write(b"\x5a" * 4096)
    with pytest.raises(StoreDamagedError, match=r"damaged_r\.sqlite is damaged"):
        ResultStore(path)


def test_open_or_recover_moves_a_damaged_file_aside(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    _filled(path)
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 2)
    damaged = path.read_bytes()
    with pytest.warns(StoreWarning, match=r"is damaged .* moved it aside to r\.sqlite\.damaged-"):
        store = ResultStore.open_or_recover(path)
    assert store is not None
    with store:
        assert store.count() == 0
        store.put("k", {"x": 1.0})
    aside = list(tmp_path.glob("r.sqlite.damaged-*"))
    assert [p.read_bytes() for p in aside if not p.name.endswith(("-wal", "-shm"))] == [damaged]
    _intact(path)


def test_open_or_recover_without_a_usable_store_gives_none(tmp_path: Path) -> None:
    folder = tmp_path / "file-not-folder"
    folder.write_text("")  # the store's folder cannot be created
    with pytest.warns(StoreWarning, match="computing without the cache"):
        assert ResultStore.open_or_recover(folder / "r.sqlite") is None


def test_a_store_of_the_older_layout_is_emptied_once(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with sqlite3.connect(path) as conn:  # the layout before checksums (user_version 0)
        conn.execute("CREATE TABLE results (key TEXT PRIMARY KEY, payload TEXT, created REAL)")
        conn.execute("INSERT INTO results VALUES ('k', '{\"x\": 1}', 0)")
    with pytest.warns(StoreWarning, match="dropped 1 row.* older qnet-design"):
        ResultStore(path).close()
    with ResultStore(path) as s:  # no second warning: the layout is current now
        assert s.count() == 0
        s.put("k", {"x": 2})
        assert s.get("k") == {"x": 2}
    _intact(path)


def test_a_foreign_layout_is_damage_not_silently_reused(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE results (key TEXT, value BLOB)")
        conn.execute("PRAGMA user_version = 7")
    with pytest.raises(StoreDamagedError, match="layout this qnet-design does not know"):
        ResultStore(path)


def test_a_store_file_removed_while_open_refuses_to_swallow_rows(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path) as s:
        s.put("a", {"x": 1})
        remove_store(path)
        with pytest.raises(StoreError, match="was removed or replaced"):
            s.put("b", {"x": 2})


def test_repair_keeps_good_rows_and_drops_bad_ones(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    _filled(path, 5)
    _raw(path, "UPDATE results SET payload = '{}' WHERE key = 'k3'")
    assert "kept 4 row(s), removed 1" in repair_store(path)
    with ResultStore(path) as s:
        assert sorted(s.keys()) == ["k0", "k1", "k2", "k4"]
    _intact(path)


def test_repair_moves_a_damaged_file_aside(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"garbage" * 1000)
    assert "moved it aside" in repair_store(path)
    assert len(list(tmp_path.glob("r.sqlite.damaged-*"))) == 1
    with ResultStore(path) as s:
        assert s.count() == 0
    _intact(path)
    assert "nothing to repair" in repair_store(tmp_path / "none.sqlite")
