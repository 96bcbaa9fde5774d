"""`qnet_design.sweep` and the CLI `sweep` / `cache`: grids of budgets, read back from the store.

Each case of issue 15 is reproduced on copies of the thermal-link catalog setup (a point takes
~0.05 s once the model is imported): a device edit that leaves the unitless model unchanged,
link temperatures in one sweep with --no-cache, a file edited mid-sweep, damaged stores, and
Ctrl-C. Sweep values of dimensional fields carry units (issue 13, item 4).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import qnet_design as qd
from qnet_design.cli import main
from qnet_design.errors import StoreWarning, SweepInterrupted
from qnet_design.runs import ResultStore, setup_sweep as _sweep

from .conftest import DEVICES, ROOT

pytestmark = pytest.mark.usefixtures("stores_intact")

THERMAL = DEVICES / "setups" / "thermal_link_transmon.toml"
GRID = ["channel.insertion_loss=0 dB:0.4 dB:3"]


def _intact(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A private copy of the catalog (devices can be edited); returns the thermal setup."""
    shutil.copytree(DEVICES, tmp_path / "devices")
    return tmp_path / "devices" / "setups" / "thermal_link_transmon.toml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def _single(setup: Path, overrides: dict[str, str]) -> qd.Budget:
    return qd.budget(qd.specs.setups.with_overrides(qd.load_setup(setup), overrides), full=False)


def test_sweep_matches_budget_and_is_cached(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "store.sqlite")
    first = qd.sweep(THERMAL, GRID, store=store, progress=False)
    assert first.attrs["n_computed"] == 3
    for _, row in first.iterrows():  # each row is exactly the budget of the overridden setup
        loss = row["channel.insertion_loss [dB]"]
        direct = _single(THERMAL, {"channel.insertion_loss": f"{loss} dB"})
        assert row["concurrence"] == pytest.approx(direct["concurrence"], abs=1e-12)
    # more loss, less entanglement (paper 001, Fig. 4d)
    assert list(first["concurrence"]) == sorted(first["concurrence"], reverse=True)
    again = qd.sweep(THERMAL, GRID, store=store, progress=False)
    assert again.attrs["n_cached"] == 3 and again.attrs["n_computed"] == 0
    assert again["concurrence"].tolist() == first["concurrence"].tolist()
    store.close()
    _intact(tmp_path / "store.sqlite")


def test_sweep_rejects_unknown_path() -> None:
    with pytest.raises(qd.DeviceFileError, match="unknown field `insertionloss`"):
        qd.sweep(THERMAL, ["channel.insertionloss=0 dB:1 dB:2"], store=False, progress=False)


# ----------------------------------------------------------------- units (issue 13.4)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("qubit.t_phi=1:20:3", r"it is a time .* would be read as 1\.0 s; write e\.g\. "),
        ("source.filter_frequency=4:6:3", r"a cyclic frequency .* read as 4 Hz"),
        ("channel.base_temperature=0.02,0.05", r"a temperature .* read as 0\.02 K"),
        ("channel.insertion_loss=0:1:3", r"a value in dB"),
        ("layout.detuning1=0:1e6:3", r"`layout\.detuning1` need a unit"),
    ],
)
def test_bare_numbers_in_dimensional_fields_are_refused(spec: str, message: str) -> None:
    with pytest.raises(qd.ParameterError, match=message):
        qd.sweep(THERMAL, [spec], store=False, progress=False)


def test_bare_number_refusal_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(THERMAL), "--param", "source.filter_frequency=4:6:3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "write e.g. 'source.filter_frequency=4 MHz:6 MHz:3'" in err


def test_values_with_units_and_unitless_fields_are_swept(tmp_path: Path) -> None:
    df = qd.sweep(
        THERMAL,
        ["qubit.t_phi=10 us:20 us:2", "source.filter_q=2.5e5,1.25e5"],
        store=False,
        progress=False,
    )
    # one unit per column: numbers, with the unit in the column's name
    assert list(df.columns[:2]) == ["qubit.t_phi [us]", "source.filter_q"]
    assert df["qubit.t_phi [us]"].tolist() == [10.0, 10.0, 20.0, 20.0]
    row = df.iloc[3]
    direct = _single(THERMAL, {"qubit.t_phi": "20 us", "source.filter_q": 1.25e5})
    assert row["concurrence"] == direct["concurrence"] and row["flux [1/us]"] == direct["flux"]


# ------------------------------------------------------------------ complete keys


def test_device_edit_with_unchanged_unitless_model_is_recomputed(lab: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    grid = ["channel.insertion_loss=0.2 dB,0.3 dB"]
    before = qd.sweep(lab, grid, store=store, progress=False)
    # Twice the qubit linewidth, half the filter Q, half T_phi: kappa/gamma, gamma_phi/gamma and
    # n_th are unchanged, so the unitless model is the same; the flux in 1/us doubles.
    _edit(lab.parents[1] / "qubits" / "joshi2023_chiral_transmon.toml", '"10 MHz"', '"20 MHz"')
    _edit(
        lab.parents[1] / "sources" / "agusti2025_roomtemp_filtered_source.toml",
        "filter_q = 2.5e5",
        "filter_q = 1.25e5",
    )
    _edit(lab, 't_phi = "20 us"', 't_phi = "10 us"')
    after = qd.sweep(lab, grid, store=store, progress=False)
    assert after.attrs["n_cached"] == 0
    assert after["concurrence"].tolist() == pytest.approx(before["concurrence"].tolist(), abs=1e-9)
    flux = "flux [1/us]"  # figure columns are named "<name> [<unit>]", as in compare
    assert after[flux].tolist() == pytest.approx((2 * before[flux]).tolist(), rel=1e-9)
    assert after[flux].iloc[0] == _single(lab, {"channel.insertion_loss": "0.2 dB"})["flux"]
    _intact(store)


def test_link_temperatures_in_one_uncached_sweep_get_their_own_rows() -> None:
    temps = ["20 mK", "50 mK", "100 mK"]
    df = qd.sweep(
        THERMAL, [f"channel.base_temperature={','.join(temps)}"], store=False, progress=False
    )
    singles = [_single(THERMAL, {"channel.base_temperature": t})["concurrence"] for t in temps]
    # the link's thermal occupation is part of the chiral model: every row has its own value
    assert singles[0] > singles[1] > singles[2]
    assert df["concurrence"].tolist() == pytest.approx(singles, abs=1e-12)
    assert df.attrs["n_computed"] == 3


def test_equal_setups_spelled_differently_share_one_key() -> None:
    setup = qd.load_setup(THERMAL)
    keys = [
        _sweep.point_key(qd.specs.setups.with_overrides(setup, {"qubit.waveguide_linewidth": v}))
        for v in ("10 MHz", "10000 kHz", "10.5 MHz")
    ]
    # (spellings whose SI values differ in the last bit, '20 us' and '0.02 ms', are different
    # model inputs and get different keys: a miss, never a wrong hit)
    assert keys[0] == keys[1] != keys[2]


# ------------------------------------------------------------------------ snapshot


def test_a_file_edited_mid_sweep_changes_no_row(
    lab: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    qubit = lab.parents[1] / "qubits" / "joshi2023_chiral_transmon.toml"
    original = qd.budget
    calls = []

    def edit_during_run(setup: qd.SetupSpec, *, full: bool = True) -> qd.Budget:
        if not calls:  # the user saves an edited device file while the sweep runs
            _edit(qubit, '"10 MHz"', '"20 MHz"')
        calls.append(setup)
        return original(setup, full=full)

    grid = ["channel.insertion_loss=0.1 dB:0.3 dB:3"]
    expected = [_single(lab, {"channel.insertion_loss": f"{x} dB"}) for x in (0.1, 0.2, 0.3)]
    monkeypatch.setattr(sys.modules["qnet_design.budget"], "budget", edit_during_run)
    df = qd.sweep(lab, grid, store=tmp_path / "s.sqlite", progress=False)
    monkeypatch.undo()
    assert len(calls) == 3
    assert all(s.devices["qubit"].written["waveguide_linewidth"] == "10 MHz" for s in calls)
    assert df["concurrence"].tolist() == [b["concurrence"] for b in expected]  # the snapshot's
    # the rerun sees the edited file: new keys, the edited setup's numbers
    rerun = qd.sweep(lab, grid, store=tmp_path / "s.sqlite", progress=False)
    assert rerun.attrs["n_cached"] == 0
    edited = [_single(lab, {"channel.insertion_loss": f"{x} dB"}) for x in (0.1, 0.2, 0.3)]
    assert rerun["concurrence"].tolist() == [b["concurrence"] for b in edited]
    assert edited[0]["concurrence"] != expected[0]["concurrence"]


@pytest.mark.parametrize("name", sorted(p.stem for p in (DEVICES / "setups").glob("*.toml")))
def test_every_catalog_setup_survives_freeze_and_thaw(name: str) -> None:
    setup = qd.load_setup(DEVICES / "setups" / f"{name}.toml")
    assert _sweep.thaw(pickle.loads(pickle.dumps(_sweep.freeze(setup)))) == setup


def test_values_with_uncertainties_survive_freeze_and_enter_the_key(lab: Path) -> None:
    _edit(lab, 't_phi = "20 us"', 't_phi = "20 ± 4 us, lognormal"')
    _edit(lab, 'insertion_loss = "0.2 dB"', 'insertion_loss = "0.2 ± 0.05 dB"')
    setup = qd.load_setup(lab)
    assert setup.devices["qubit"].uncertainties  # the ± was read
    assert _sweep.thaw(pickle.loads(pickle.dumps(_sweep.freeze(setup)))) == setup
    _edit(lab, "0.2 ± 0.05 dB", "0.2 ± 0.1 dB")
    assert _sweep.point_key(qd.load_setup(lab)) != _sweep.point_key(setup)


def test_the_shipped_setup_needs_no_file(lab: Path) -> None:
    setup = qd.specs.setups.with_overrides(
        qd.load_setup(lab), {"channel.insertion_loss": "0.3 dB", "layout.detuning1": "1 MHz"}
    )
    frozen = pickle.dumps(_sweep.freeze(setup))
    assert b"pint" not in frozen  # plain data: a worker needs no unit registry state
    shutil.rmtree(lab.parents[1])  # a worker elsewhere: the files do not exist there
    thawed = _sweep.thaw(pickle.loads(frozen))
    assert thawed == setup
    assert (
        _sweep._budget_point(pickle.loads(frozen))["flux [1/us]"]
        == qd.budget(setup, full=False)["flux"]
    )


# ------------------------------------------------------------------------------ CLI


def test_cli_sweep_csv_and_cache(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("QNET_CACHE_DIR", str(tmp_path))
    csv = tmp_path / "sweep.csv"
    args = ["sweep", str(THERMAL), "--param", GRID[0], "--csv", str(csv)]
    assert main(args) == 0
    assert len(csv.read_text().splitlines()) == 4
    capsys.readouterr()
    assert main(["cache", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 3
    assert main(["cache", "clear"]) == 0
    assert main([*args, "--no-cache", "--json"]) == 0
    capsys.readouterr()
    assert main(["cache", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 0
    _intact(tmp_path / "results.sqlite")


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_cli_with_a_damaged_store(tmp_path: Path, capsys, monkeypatch, damage: str) -> None:
    monkeypatch.setenv("QNET_CACHE_DIR", str(tmp_path))
    path = tmp_path / "results.sqlite"
    args = ["sweep", str(THERMAL), "--param", "channel.insertion_loss=0 dB:0.5 dB:6"]
    assert main(args) == 0
    with path.open("r+b") as fh:
        if damage == "truncated":
            fh.truncate(path.stat().st_size // 2)
        else:
            fh.write(b"\x13" * 8192)
    capsys.readouterr()
    # info and clear refuse with one line naming the way out; exit 1
    for cmd in (["cache"], ["cache", "clear"]):
        assert main(cmd) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "cache repair" in err and "clear --force" in err
    # a sweep moves the file aside (one warning line) and runs
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "moved it aside to results.sqlite.damaged-" in err
    assert "(0 of 6 points read from the store)" in out
    _intact(path)
    # repair on an intact store keeps the rows; clear --force deletes the file outright
    assert main(["cache", "repair"]) == 0
    assert "intact; kept 6 row(s)" in capsys.readouterr().out
    path.write_bytes(b"junk" * 100)
    assert main(["cache", "clear", "--force"]) == 0
    assert not path.exists()


# ------------------------------------------------------------------------- Ctrl-C

# A sweep through the real CLI whose points are slowed down (so that Ctrl-C lands while
# points are being computed); the stand-in keeps the module and name of _budget_point so that
# pool workers unpickle it.
_CLI_SCRIPT = textwrap.dedent(
    """
    import importlib, sys, time
    s = importlib.import_module("qnet_design.runs.setup_sweep")
    real = s._budget_point

    def slow(setup):
        time.sleep(0.4)
        return real(setup)

    slow.__module__, slow.__qualname__ = s.__name__, "_budget_point"
    s._budget_point = slow
    from qnet_design.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize("workers", [pytest.param(1, marks=pytest.mark.slow), 2])
def test_ctrl_c_prints_one_line_exits_130_and_resumes(tmp_path: Path, workers: int) -> None:
    env = {**os.environ, "QNET_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    # 40 points of >= 0.4 s each: a window of seconds for the signal even on a loaded machine
    # (with 12 the sweep sometimes finished before the first stored point was seen: exit 0)
    points = 40
    args = ["sweep", str(THERMAL), "--param", f"channel.insertion_loss=0 dB:1 dB:{points}"]
    cmd = [sys.executable, "-c", _CLI_SCRIPT, *args, "--workers", str(workers)]
    # own session: the signal goes to the whole group, as a terminal's Ctrl-C does
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    path = tmp_path / "results.sqlite"
    deadline = time.monotonic() + 120
    try:
        while True:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no point was stored"
            if path.exists():
                with ResultStore(path) as store:
                    if store.count() >= 1:
                        break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    done = int(lines[0].split()[2])
    assert lines[0] == f"interrupted after {done} of {points} points; rerun to resume"
    with ResultStore(path) as store:
        assert store.integrity_check() == "ok"
        assert done <= store.count() < points
        stored = store.count()
    # the rerun resumes: every stored point is read back
    df = qd.sweep(THERMAL, [args[-1]], store=path, progress=False)
    assert df.attrs["n_cached"] == stored
    _intact(path)


def test_sweep_interrupted_is_a_keyboard_interrupt() -> None:
    exc = SweepInterrupted(3, 10)
    assert isinstance(exc, KeyboardInterrupt)
    assert str(exc) == "interrupted after 3 of 10 points; rerun to resume"


def test_store_warnings_reach_python_users(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"\0" * 5000)
    with pytest.warns(StoreWarning, match="moved it aside"):
        df = qd.sweep(THERMAL, ["channel.insertion_loss=0.1 dB"], store=path, progress=False)
    assert len(df) == 1


def test_a_column_of_mixed_units_keeps_its_text() -> None:
    df = qd.sweep(THERMAL, ["qubit.t_phi=20 us,0.05 ms"], store=False, progress=False)
    assert df["qubit.t_phi"].tolist() == ["20 us", "0.05 ms"]


def test_cli_refused_dask_scheduler_is_one_line_at_once(capsys, tmp_path, monkeypatch) -> None:
    pytest.importorskip("dask.distributed")
    import socket

    monkeypatch.setenv("QNET_CACHE_DIR", str(tmp_path))
    with socket.socket() as sock:  # a loopback port nobody listens on any more
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = ["sweep", str(THERMAL), "--param", GRID[0], "--executor", f"dask://127.0.0.1:{port}"]
    start = time.monotonic()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the connection was refused; start one" in err
    assert time.monotonic() - start < 10


COOPERATIVE = DEVICES / "setups" / "cooperative_transmon_trio.toml"


def test_a_grid_beyond_the_time_limit_is_refused_after_its_first_point(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """10⁵ points used to resolve their keys for an hour before the first budget; a grid above
    TIMED_ABOVE points is now timed on one point and refused in one line (exit 2)."""
    monkeypatch.setattr(_sweep, "TIMED_ABOVE", 2)
    monkeypatch.setenv("QNET_DESIGN_MAX_SECONDS", "0.001")
    grid = ["qubit.t_phi=1 us:20 us:3"]
    with pytest.raises(qd.errors.SizeError, match="a sweep of 3 points would take"):
        qd.sweep(COOPERATIVE, grid, store=False, progress=False)
    assert main(["sweep", str(COOPERATIVE), "--param", grid[0], "--no-cache"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "QNET_DESIGN_MAX_SECONDS" in err[0]
    # within the limit, or at most TIMED_ABOVE points, the sweep runs
    monkeypatch.setenv("QNET_DESIGN_MAX_SECONDS", "3600")
    assert len(qd.sweep(COOPERATIVE, grid, store=False, progress=False)) == 3
    monkeypatch.setattr(_sweep, "TIMED_ABOVE", 100)
    monkeypatch.setenv("QNET_DESIGN_MAX_SECONDS", "0.001")
    assert len(qd.sweep(COOPERATIVE, grid, store=False, progress=False)) == 3


def test_workers_are_checked_before_the_first_point_is_timed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--workers 0` on a grid above TIMED_ABOVE was refused only after one whole budget."""
    monkeypatch.setattr(_sweep, "TIMED_ABOVE", 1)
    monkeypatch.setattr(_sweep, "_budget_point", lambda _: pytest.fail("a point was computed"))
    with pytest.raises(qd.errors.ParameterError, match="`workers`"):
        qd.sweep(COOPERATIVE, ["qubit.t_phi=1 us:20 us:3"], workers=0, store=False)
