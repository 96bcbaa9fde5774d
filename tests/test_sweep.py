"""Sweeps: grid syntax, setup paths, executors, and resumability through the results store.

The evaluate functions here are cheap stand-ins with closed-form answers (x² + y), defined at
module level so that worker processes can unpickle them. Each call leaves a marker file in
``$QNET_TEST_MARKERS`` so that tests can count evaluations across processes.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from qnet_design.errors import ExecutorError, MissingDependencyError, ParameterError, StoreWarning
from qnet_design.runs import (
    ResultStore,
    grid_points,
    parse_param_spec,
    run_sweep,
)

pytestmark = pytest.mark.usefixtures("stores_intact")

MARKERS = "QNET_TEST_MARKERS"


# ------------------------------------------------------------------ stand-in evaluates


def _mark(point: dict[str, Any]) -> None:
    directory = os.environ.get(MARKERS)
    if directory:
        name = f"{uuid.uuid4().hex}.json"
        Path(directory, name).write_text(json.dumps({"point": point, "pid": os.getpid()}))


def evaluate_xy(point: dict[str, Any]) -> dict[str, float]:
    _mark(point)
    return {"f": point["x"] ** 2 + point.get("y", 0.0), "pid": os.getpid()}


def evaluate_slow(point: dict[str, Any]) -> dict[str, float]:
    time.sleep(0.05)  # long enough that both pool workers receive points
    return evaluate_xy(point)


def evaluate_slower(point: dict[str, Any]) -> dict[str, float]:
    time.sleep(0.2)  # a sweep of 40 points lasts seconds: long enough to break the cluster
    return evaluate_xy(point)


def evaluate_fails_at_3(point: dict[str, Any]) -> dict[str, float]:
    if point["x"] == 3:
        raise ZeroDivisionError("stand-in failure at x = 3")
    return evaluate_xy(point)


def evaluate_dies(point: dict[str, Any]) -> dict[str, float]:
    os._exit(1)  # a worker killed mid-point (OOM killer, segfault)


def evaluate_returns_list(point: dict[str, Any]) -> Any:
    return [1.0]


def evaluate_returns_array(point: dict[str, Any]) -> Any:
    return {"f": np.ones(3)}


def evaluate_returns_x(point: dict[str, Any]) -> dict[str, float]:
    return {"x": 1.0}


def evaluate_removes_store(point: dict[str, Any]) -> dict[str, float]:
    if point["x"] == 2:  # someone deletes the store file in the middle of the sweep
        for suffix in ("", "-wal", "-shm"):
            Path(os.environ["QNET_TEST_STORE"] + suffix).unlink(missing_ok=True)
    return evaluate_xy(point)


def _markers(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in directory.glob("*.json")]


@pytest.fixture
def markers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "markers"
    directory.mkdir()
    monkeypatch.setenv(MARKERS, str(directory))
    return directory


def _points(n: int) -> list[dict[str, Any]]:
    return [{"x": i, "y": 0.5} for i in range(n)]


# ------------------------------------------------------------------------ param specs


def test_range_spec_is_linspace() -> None:
    path, values = parse_param_spec("source.r=0.1:1.3:7")
    assert path == "source.r"
    np.testing.assert_array_equal(values, np.linspace(0.1, 1.3, 7))


def test_log_range_spec_is_geomspace() -> None:
    path, values = parse_param_spec("n_th = 1 : 1e4 : 5 : log")
    assert path == "n_th"
    np.testing.assert_array_equal(values, [1.0, 10.0, 100.0, 1000.0, 10000.0])


def test_integer_range_gives_integers() -> None:
    _, values = parse_param_spec("n_pairs=1:4:4")
    assert values.dtype == np.int64
    assert values.tolist() == [1, 2, 3, 4]


def test_integer_range_with_fractional_steps_gives_floats() -> None:
    _, values = parse_param_spec("x=0:1:3")
    assert values.tolist() == [0.0, 0.5, 1.0]
    assert values.dtype == float


def test_range_with_units_gives_strings() -> None:
    _, values = parse_param_spec("qubit.t1=10 us:30 us:3")
    assert values.tolist() == ["10.0 us", "20.0 us", "30.0 us"]


def test_list_specs_keep_their_type() -> None:
    assert parse_param_spec("n=1,2,4")[1].tolist() == [1, 2, 4]
    assert parse_param_spec("n=1,2.5,1e-3")[1].tolist() == [1.0, 2.5, 1e-3]
    assert parse_param_spec("m=direct, gmres")[1].tolist() == ["direct", "gmres"]
    assert parse_param_spec("lw=10 MHz,20 MHz")[1].tolist() == ["10 MHz", "20 MHz"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("source.r", "missing '='"),
        ("source..r=1", "the path must be dotted names"),
        ("=1,2", "the path must be dotted names"),
        ("r=", "no values after '='"),
        ("r=0:1", "a range has 3 or 4 ':'-separated fields, got 2"),
        ("r=0:1:2.5", "num must be an integer >= 1, got '2.5'"),
        ("r=0:1:0", "num must be an integer >= 1, got '0'"),
        ("r=0:1:3:cubic", "the 4th field must be 'lin' or 'log'"),
        ("r=a:1:3", "start must be a number"),
        ("r=0:nan:3", "stop must be a number"),
        ("r=1 us:2 ms:3", "start and stop must have the same unit"),
        ("r=0:1:3:log", "a log range needs start > 0"),
        ("r=1,,2", "a list must not have empty entries"),
    ],
)
def test_bad_param_spec_names_the_spec(spec: str, message: str) -> None:
    with pytest.raises(ParameterError, match=f"parameter spec {spec!r}: .*") as info:
        parse_param_spec(spec)
    assert message in str(info.value)


def test_param_spec_must_be_a_string() -> None:
    with pytest.raises(ParameterError, match="parameter spec must be a string, got 3"):
        parse_param_spec(3)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- grids


def test_grid_is_the_cartesian_product_first_axis_slowest() -> None:
    points = grid_points(["a=1,2", "b=0:1:3", "c=x,y"])
    assert len(points) == 2 * 3 * 2
    assert points[0] == {"a": 1, "b": 0.0, "c": "x"}
    assert points[1] == {"a": 1, "b": 0.0, "c": "y"}
    assert points[-1] == {"a": 2, "b": 1.0, "c": "y"}
    # plain Python scalars: picklable, JSON-friendly, hashable into store keys
    assert all(type(p["b"]) is float and type(p["a"]) is int for p in points)


def test_grid_from_mapping_and_pairs() -> None:
    expected = [{"a": 1.0, "b": "u"}, {"a": 1.0, "b": "v"}]
    assert grid_points({"a": np.array([1.0]), "b": ["u", "v"]}) == expected
    assert grid_points([("a", [1.0]), ("b", ("u", "v"))]) == expected


def test_empty_grid_is_one_point() -> None:
    assert grid_points([]) == [{}]


def test_grid_rejects_a_repeated_parameter() -> None:
    with pytest.raises(ParameterError, match="parameter 'a' is given more than once"):
        grid_points(["a=1,2", "a=3"])


def test_grid_rejects_empty_values() -> None:
    with pytest.raises(ParameterError, match="parameter 'a' has no values"):
        grid_points({"a": []})


def test_grid_rejects_a_bare_string() -> None:
    with pytest.raises(ParameterError, match="wrap it in a list"):
        grid_points("a=1,2")


def test_grid_rejects_malformed_entries() -> None:
    with pytest.raises(ParameterError, match=r"entries must be 'path=\.\.\.' strings"):
        grid_points([("a", [1], "extra")])  # type: ignore[list-item]


# ------------------------------------------------------------------ run_sweep (local)


def test_sweep_returns_one_row_per_point_in_order(markers: Path) -> None:
    points = grid_points(["x=3,1,2", "y=0,10"])
    df = run_sweep(evaluate_xy, points, progress=False)
    assert list(df.columns) == ["x", "y", "f", "pid"]
    assert df[["x", "y"]].to_dict("records") == points
    np.testing.assert_array_equal(df["f"], df["x"] ** 2 + df["y"])
    assert df.attrs == {"n_points": 6, "n_cached": 0, "n_computed": 6}
    assert set(df["pid"]) == {os.getpid()}  # workers=1 runs in this process


def test_repeated_points_are_read_back_not_recomputed(tmp_path: Path, markers: Path) -> None:
    points = _points(6)
    with ResultStore(tmp_path / "r.sqlite") as store:
        first = run_sweep(evaluate_xy, points, store=store, progress=False)
        assert len(_markers(markers)) == 6
        assert store.count() == 6
        second = run_sweep(evaluate_xy, points, store=store, progress=False)
    assert len(_markers(markers)) == 6  # no new evaluation
    assert second.attrs == {"n_points": 6, "n_cached": 6, "n_computed": 0}
    pd.testing.assert_frame_equal(first, second)


def test_partly_stored_sweep_computes_only_the_new_points(tmp_path: Path, markers: Path) -> None:
    path = tmp_path / "r.sqlite"
    run_sweep(evaluate_xy, _points(4), store=path, progress=False)
    df = run_sweep(evaluate_xy, _points(7), store=path, progress=False)
    computed = sorted(m["point"]["x"] for m in _markers(markers))
    assert computed == [0, 1, 2, 3, 4, 5, 6]  # 0..3 once in the first sweep, 4..6 in the second
    assert df.attrs["n_cached"] == 4
    np.testing.assert_array_equal(df["f"], np.arange(7) ** 2 + 0.5)


def test_duplicate_points_are_evaluated_once(markers: Path) -> None:
    df = run_sweep(evaluate_xy, [{"x": 2}, {"x": 2}, {"x": 3}], progress=False)
    assert len(_markers(markers)) == 2
    assert df["f"].tolist() == [4.0, 4.0, 9.0]


def test_points_share_a_row_only_when_their_keys_are_equal(markers: Path) -> None:
    # x = 1 and x = -1 give the same figure, yet are different points: with distinct keys
    # each one is evaluated and gets its own row (pid, markers), none borrows another's.
    points = [{"x": 1}, {"x": -1}, {"x": 1}]
    df = run_sweep(evaluate_xy, points, key=[f"x={p['x']}" for p in points], progress=False)
    assert sorted(m["point"]["x"] for m in _markers(markers)) == [-1, 1]
    assert df["x"].tolist() == [1, -1, 1] and df.attrs["n_computed"] == 2


def test_precomputed_keys_must_match_the_points() -> None:
    with pytest.raises(ParameterError, match="`key` has 1 entries for 2 points"):
        run_sweep(evaluate_xy, _points(2), key=["a"], progress=False)


def test_a_stored_row_failing_its_check_is_recomputed_and_replaced(
    tmp_path: Path, markers: Path
) -> None:
    path = tmp_path / "r.sqlite"
    keys = [f"x={i}" for i in range(3)]
    run_sweep(evaluate_xy, _points(3), key=keys, store=path, progress=False)
    with sqlite3.connect(path) as conn:  # a changed digit, and a payload that is not figures
        conn.execute("UPDATE results SET payload = '{\"f\": 9.5}' WHERE key = 'x=1'")
    with ResultStore(path) as store:
        store.put("x=2", {"f": [1.0, 2.0]})  # valid checksum, but not a record of numbers
    with pytest.warns(StoreWarning) as caught:
        df = run_sweep(evaluate_xy, _points(3), key=keys, store=path, progress=False)
    messages = " | ".join(str(w.message) for w in caught)
    assert "1 stored row(s) failed their checksum" in messages
    assert "1 stored row(s) are not records of figures" in messages
    assert df["f"].tolist() == [0.5, 1.5, 4.5] and df.attrs["n_cached"] == 1
    again = run_sweep(evaluate_xy, _points(3), key=keys, store=path, progress=False)
    assert again.attrs["n_cached"] == 3 and again["f"].tolist() == [0.5, 1.5, 4.5]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_store_removed_mid_sweep_keeps_every_row(
    tmp_path: Path, markers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.sqlite"
    monkeypatch.setenv("QNET_TEST_STORE", str(path))
    with pytest.warns(StoreWarning, match="was removed or replaced; the remaining points are"):
        df = run_sweep(evaluate_removes_store, _points(5), store=path, progress=False)
    np.testing.assert_array_equal(df["f"], np.arange(5) ** 2 + 0.5)  # finished work kept
    assert df.attrs["n_computed"] == 5


def test_a_store_that_cannot_be_written_keeps_every_row(tmp_path: Path, markers: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path, timeout=0.2) as store:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock throughout
        try:
            with pytest.warns(StoreWarning, match="stayed locked .* computed without the cache"):
                df = run_sweep(evaluate_xy, _points(4), store=store, progress=False)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert store.count() == 0
    np.testing.assert_array_equal(df["f"], np.arange(4) ** 2 + 0.5)


@contextlib.contextmanager
def _read_only(*paths: Path) -> Any:
    """Make files and folders unwritable: chmod, or for root (who ignores modes) the immutable
    attribute (chattr, Linux); skips the test where neither works."""
    if os.geteuid() != 0:
        modes = [p.stat().st_mode for p in paths]
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in zip(paths, modes, strict=True):
                p.chmod(mode)
        return
    chattr = shutil.which("chattr")
    done = chattr is not None and subprocess.run([chattr, "+i", *map(str, paths)]).returncode == 0
    if not done:
        pytest.skip("root ignores file modes and chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run([str(chattr), "-i", *map(str, paths)], check=True)


def test_a_read_only_store_keeps_every_row(tmp_path: Path, markers: Path) -> None:
    path = tmp_path / "r.sqlite"
    run_sweep(evaluate_xy, _points(2), store=path, progress=False)
    with _read_only(path, tmp_path), pytest.warns(StoreWarning, match="without the cache"):
        df = run_sweep(evaluate_xy, _points(4), store=path, progress=False)
    np.testing.assert_array_equal(df["f"], np.arange(4) ** 2 + 0.5)


def test_a_damaged_store_file_is_moved_aside_and_the_sweep_runs(
    tmp_path: Path, markers: Path
) -> None:
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"not a database" * 500)
    with pytest.warns(StoreWarning, match="moved it aside"):
        df = run_sweep(evaluate_xy, _points(3), store=path, progress=False)
    assert df["f"].tolist() == [0.5, 1.5, 4.5]
    with ResultStore(path) as store:
        assert store.count() == 3 and store.integrity_check() == "ok"


def test_without_store_everything_is_recomputed(markers: Path) -> None:
    run_sweep(evaluate_xy, _points(3), progress=False)
    run_sweep(evaluate_xy, _points(3), progress=False)
    assert len(_markers(markers)) == 6


def test_custom_key_decides_what_is_stored(tmp_path: Path, markers: Path) -> None:
    with ResultStore(tmp_path / "r.sqlite") as store:
        run_sweep(evaluate_xy, _points(3), key=lambda p: f"x={p['x']}", store=store)
        assert sorted(store.keys()) == ["x=0", "x=1", "x=2"]
        assert store.get("x=2") == {"f": 4.5, "pid": os.getpid()}


def test_progress_bar_on_does_not_change_results(markers: Path) -> None:
    df = run_sweep(evaluate_xy, _points(3), progress=True)
    assert df["f"].tolist() == [0.5, 1.5, 4.5]


def test_failure_propagates_and_keeps_finished_points(tmp_path: Path, markers: Path) -> None:
    path = tmp_path / "r.sqlite"
    with pytest.raises(ZeroDivisionError, match="stand-in failure at x = 3"):
        run_sweep(evaluate_fails_at_3, _points(6), store=path, progress=False)
    with ResultStore(path) as store:
        assert store.count() == 3  # x = 0, 1, 2 finished before the failure (in-process order)


def test_process_pool_gives_the_same_table(markers: Path) -> None:
    points = _points(8)
    df = run_sweep(evaluate_slow, points, workers=2, progress=False)
    np.testing.assert_array_equal(df["f"], np.arange(8) ** 2 + 0.5)
    assert df[["x", "y"]].to_dict("records") == points
    assert os.getpid() not in set(df["pid"])  # evaluated on worker processes
    assert sorted(m["point"]["x"] for m in _markers(markers)) == list(range(8))


def test_process_pool_worker_death_is_an_executor_error() -> None:
    with pytest.raises(ExecutorError, match="a worker process died"):
        run_sweep(evaluate_dies, _points(3), workers=2, progress=False)


def test_caller_owned_executor_is_used_and_left_open(markers: Path) -> None:
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        df = run_sweep(evaluate_xy, _points(4), executor=pool, progress=False)
        assert pool.submit(int, "7").result() == 7  # not shut down by run_sweep
    assert df["f"].tolist() == [0.5, 1.5, 4.5, 9.5]


def test_process_pool_needs_a_picklable_evaluate() -> None:
    with pytest.raises(ParameterError, match="`evaluate` must be a picklable function"):
        run_sweep(lambda p: {"f": 1.0}, _points(2), workers=2, progress=False)


def test_workers_must_be_a_positive_integer() -> None:
    with pytest.raises(ParameterError, match="`workers` must be an integer >= 1, got 0"):
        run_sweep(evaluate_xy, _points(2), workers=0)


def test_workers_and_executor_together_are_rejected() -> None:
    with pytest.raises(ParameterError, match="`workers` applies to the local process pool"):
        run_sweep(evaluate_xy, _points(2), workers=2, executor="dask://127.0.0.1:8786")


@pytest.mark.parametrize("bad", ["dask://localhost", "tcp://127.0.0.1:8786", "dask://h:99999"])
def test_bad_executor_address(bad: str) -> None:
    with pytest.raises(ParameterError, match=r"`executor` must be 'dask://HOST:PORT'"):
        run_sweep(evaluate_xy, _points(2), executor=bad)


def test_executor_of_the_wrong_type() -> None:
    with pytest.raises(ParameterError, match="`executor` must be None, 'dask://HOST:PORT' or"):
        run_sweep(evaluate_xy, _points(2), executor=4)


def test_dask_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import now raises ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'qnet-design\[dask\]'"):
        run_sweep(evaluate_xy, _points(2), executor="dask://127.0.0.1:8786", progress=False)


def test_refused_dask_connection_is_reported_at_once() -> None:
    pytest.importorskip("dask.distributed")
    import socket

    with socket.socket() as sock:  # a loopback port that nobody listens on any more
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(
        ExecutorError,
        match=rf"no Dask scheduler at tcp://127\.0\.0\.1:{port}: the connection was refused",
    ):
        run_sweep(evaluate_xy, _points(2), executor=f"dask://127.0.0.1:{port}", progress=False)
    # not after Dask's 30 s of connection retries (measured: milliseconds; generous bound)
    assert time.monotonic() - start < 10


def test_points_must_be_mappings() -> None:
    with pytest.raises(ParameterError, match=r"`points\[1\]` must be a mapping"):
        run_sweep(evaluate_xy, [{"x": 1}, 2])  # type: ignore[list-item]


def test_evaluate_must_return_a_mapping() -> None:
    with pytest.raises(ParameterError, match=r"must return a mapping of figure names.*got list"):
        run_sweep(evaluate_returns_list, _points(1), progress=False)


def test_evaluate_must_return_scalars() -> None:
    with pytest.raises(ParameterError, match=r"must return numbers .*ndarray"):
        run_sweep(evaluate_returns_array, _points(1), progress=False)


def test_figure_named_like_a_parameter_is_rejected() -> None:
    with pytest.raises(ParameterError, match="figure named 'x', which is also a swept parameter"):
        run_sweep(evaluate_returns_x, _points(1), progress=False)


def test_store_with_a_lambda_needs_an_explicit_key(tmp_path: Path) -> None:
    # two different lambdas share the name '<lambda>': the default key would confuse them
    with pytest.raises(ParameterError, match=r"is a lambda or closure.*pass `key=`"):
        run_sweep(lambda p: {"f": 1.0}, _points(1), store=tmp_path / "r.sqlite")


def test_key_must_return_a_string() -> None:
    with pytest.raises(ParameterError, match="`key` must return a non-empty string, got 3"):
        run_sweep(evaluate_xy, _points(1), key=lambda p: 3)  # type: ignore[arg-type,return-value]


# ------------------------------------------------------- processes: kill and contention

_SWEEP_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from qnet_design.runs import run_sweep

    store, lo, hi, delay, go, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \\
        float(sys.argv[4]), sys.argv[5], int(sys.argv[6])
    SWEEP_PID = os.getpid()  # pool workers (forked) see the value of the sweep's process

    def evaluate(point):
        time.sleep(delay)
        return {"f": point["x"] ** 2 + point["y"], "writer": SWEEP_PID}

    if go:  # start line, so that two writers really overlap
        Path(f"{go}.ready.{os.getpid()}").touch()
        while not Path(go).exists():
            time.sleep(0.005)
    df = run_sweep(evaluate, [{"x": i, "y": 0.5} for i in range(lo, hi)],
                   key=lambda p: f"x={p['x']}", store=store, workers=workers, progress=False)
    print(len(df), float(df["f"].sum()))
    """
)


def _start_sweep(
    store: Path, lo: int, hi: int, delay: float, go: str = "", workers: int = 1
) -> subprocess.Popen:
    args = [str(store), str(lo), str(hi), str(delay), go, str(workers)]
    cmd = [sys.executable, "-c", _SWEEP_SCRIPT, *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stored_count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with ResultStore(path, timeout=5) as store:
            return store.count()
    except Exception:  # the writer may still be creating the schema
        return 0


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # field 4 of /proc/PID/stat: the parent's pid
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("workers", [1, 2])
def test_killed_sweep_resumes_without_recomputing(
    tmp_path: Path, markers: Path, workers: int
) -> None:
    path = tmp_path / "r.sqlite"
    n = 40
    proc = _start_sweep(path, 0, n, delay=0.1, workers=workers)  # ~4 s if left alone
    deadline = time.monotonic() + 120  # generous: the machine may be loaded
    try:
        while _stored_count(path) < 5:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sweep subprocess stored nothing"
            time.sleep(0.02)
    finally:
        pool_workers = _children(proc.pid) if sys.platform == "linux" else set()
        proc.send_signal(signal.SIGKILL)  # no cleanup, no atexit: like a power-off of the process
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    if workers > 1 and sys.platform == "linux":
        # orphaned pool workers notice that their parent died and exit on their own
        assert len(pool_workers) == workers
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in pool_workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        lingering = [pid for pid in pool_workers if _alive(pid)]
        for pid in lingering:  # clean up (these are this test's own processes) ...
            os.kill(pid, signal.SIGKILL)
        assert lingering == []  # ... but fail: they should have gone by themselves

    with ResultStore(path) as store:
        assert store.integrity_check() == "ok"
        stored = set(store.keys())
        assert 5 <= len(stored) < n  # killed in the middle
        for k in stored:  # every stored row is complete and right
            x = int(k.removeprefix("x="))
            assert store.get(k) == {"f": x**2 + 0.5, "writer": proc.pid}

        df = run_sweep(
            evaluate_xy, _points(n), key=lambda p: f"x={p['x']}", store=store, progress=False
        )
        recomputed = {f"x={m['point']['x']}" for m in _markers(markers)}
        assert recomputed == {f"x={i}" for i in range(n)} - stored
        assert len(_markers(markers)) == n - len(stored)  # each missing point exactly once
        assert store.count() == n
        assert store.integrity_check() == "ok"
    np.testing.assert_array_equal(df["f"], np.arange(n) ** 2 + 0.5)
    assert df.attrs["n_cached"] == len(stored)


def test_two_sweeps_writing_at_once_both_finish_intact(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    go = tmp_path / "go"
    # Overlapping ranges 0..149 and 75..224: both write the shared keys, and with no delay
    # in evaluate the two processes commit as fast as they can, contending for the lock.
    a = _start_sweep(path, 0, 150, delay=0.0, go=str(go))
    b = _start_sweep(path, 75, 225, delay=0.0, go=str(go))
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.ready.*"))) < 2:  # both imported and waiting
        assert a.poll() is None and b.poll() is None, (a.communicate(), b.communicate())
        assert time.monotonic() < deadline, "the sweep subprocesses did not start"
        time.sleep(0.01)
    go.touch()
    out_a, err_a = a.communicate(timeout=120)
    out_b, err_b = b.communicate(timeout=120)
    assert a.returncode == 0, err_a
    assert b.returncode == 0, err_b
    # each sweep returned all its rows with the closed-form values sum(x^2 + 1/2)
    for out, rng in ((out_a, range(150)), (out_b, range(75, 225))):
        rows, total = out.split()
        assert int(rows) == len(rng)
        assert float(total) == pytest.approx(sum(x * x + 0.5 for x in rng), rel=1e-12)
    with ResultStore(path) as store:
        assert store.integrity_check() == "ok"
        assert store.count() == 225
        records = store.get_many([f"x={x}" for x in range(225)])
    assert len(records) == 225
    assert all(records[f"x={x}"]["f"] == x * x + 0.5 for x in range(225))
    assert {r["writer"] for r in records.values()} <= {a.pid, b.pid}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# ------------------------------------------------------------------------------ dask


# Starting and stopping an in-process cluster can emit these on a loaded machine (event-loop
# lag during startup, connections closed while the cluster shuts down); they say nothing
# about the sweep's results.
def test_sweep_on_a_dask_local_cluster(tmp_path: Path, markers: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp://",  # in-process workers, but a real TCP scheduler on loopback
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        executor = "dask://" + address.removeprefix("tcp://")
        points = _points(6)
        with ResultStore(tmp_path / "r.sqlite") as store:
            df = run_sweep(evaluate_xy, points, store=store, executor=executor, progress=False)
            assert store.count() == 6
            again = run_sweep(evaluate_xy, points, store=store, executor=executor, progress=False)
    np.testing.assert_array_equal(df["f"], np.arange(6) ** 2 + 0.5)
    assert df[["x", "y"]].to_dict("records") == points
    assert len(_markers(markers)) == 6  # the second sweep was served from the store
    assert again.attrs["n_cached"] == 6


def _local_cluster(**kwargs: Any) -> Any:
    distributed = pytest.importorskip("dask.distributed")
    options = {
        "n_workers": 1,
        "threads_per_worker": 2,
        "processes": False,
        "protocol": "tcp://",  # a real TCP scheduler on loopback
        "host": "127.0.0.1",
        "scheduler_port": 0,
        "dashboard_address": None,
        **kwargs,
    }
    return distributed.LocalCluster(**options)


def _dask(cluster: Any) -> str:
    return "dask://" + cluster.scheduler_address.removeprefix("tcp://")


def test_dask_cluster_without_workers_is_a_clear_error_after_the_timeout() -> None:
    with _local_cluster(n_workers=0) as cluster:
        start = time.monotonic()
        with pytest.raises(ExecutorError, match=r"has had no worker for 1 s; start workers"):
            run_sweep(
                evaluate_xy, _points(3), executor=_dask(cluster), worker_timeout=1, progress=False
            )
        assert time.monotonic() - start < 30


def _stored_count(path: Path) -> int:
    """Records in the store at ``path``, read-only (0 while the sweep has not created it)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])
    except sqlite3.OperationalError:  # no file or no table yet, or busy
        return 0


def _close_once_stored(cluster: Any, path: Path, timeout: float = 120.0) -> None:
    """Close ``cluster`` as soon as the store at ``path`` holds a record (or after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while _stored_count(path) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    cluster.close()


def test_dask_scheduler_stopped_mid_sweep_is_an_executor_error(
    tmp_path: Path, markers: Path
) -> None:
    path = tmp_path / "r.sqlite"
    with _local_cluster() as cluster:
        # scheduler and its worker stop (closing only the scheduler of an in-process cluster
        # leaves its worker retrying for 30 s; the sweep's side is the same) once the store holds
        # a finished point, not after a fixed time (under load none had finished after 1 s)
        stop = threading.Thread(target=_close_once_stored, args=(cluster, path))
        stop.start()
        try:
            with pytest.raises(ExecutorError, match=r"Dask scheduler at .*; finished points are"):
                run_sweep(
                    evaluate_slower,
                    _points(40),
                    key=[f"x={i}" for i in range(40)],
                    executor=_dask(cluster),
                    store=path,
                    progress=False,
                )
        finally:
            stop.join()
    with ResultStore(path) as store:
        stored = store.count()
        assert store.integrity_check() == "ok"
    assert 0 < stored < 40  # what finished before the scheduler went is kept
    df = run_sweep(
        evaluate_xy, _points(40), key=[f"x={i}" for i in range(40)], store=path, progress=False
    )
    assert df.attrs["n_cached"] == stored
    np.testing.assert_array_equal(df["f"], np.arange(40) ** 2 + 0.5)


@pytest.mark.slow
def test_dask_worker_killed_mid_sweep_is_recomputed_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with _local_cluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        victim = next(iter(cluster.workers.values())).process.process.pid
        kill = threading.Timer(1.5, lambda: os.kill(victim, signal.SIGKILL))
        kill.start()
        try:
            df = run_sweep(
                evaluate_slower, _points(30), executor=_dask(cluster), store=path, progress=False
            )
        finally:
            kill.join()
    np.testing.assert_array_equal(df["f"], np.arange(30) ** 2 + 0.5)
    assert len(set(df["pid"])) >= 2
    with ResultStore(path) as store:
        assert store.count() == 30 and store.integrity_check() == "ok"


@pytest.mark.slow
def test_dask_point_that_kills_its_workers_is_an_executor_error() -> None:
    dask = pytest.importorskip("dask")
    # one death is enough to give up (Dask's default retries a point on 3 more workers)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        _local_cluster(n_workers=1, threads_per_worker=1, processes=True) as cluster,
        pytest.raises(ExecutorError, match=r"point 0 killed every Dask worker that ran it"),
    ):
        run_sweep(evaluate_dies, _points(1), executor=_dask(cluster), progress=False)


def test_huge_grid_is_refused_before_it_is_built() -> None:
    """num = 1e8 used to build 10⁸ points (minutes, tens of GiB) before any check."""
    with pytest.raises(ParameterError, match="above the grid limit"):
        grid_points(["a=0:1:100000000"])
    with pytest.raises(ParameterError, match="the grid has 1000000000000 points"):
        grid_points(["a=0:1:1000000", "b=0:1:1000000"])
