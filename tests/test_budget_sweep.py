"""`qnet_design.sweep` and the CLI `sweep` / `cache`: grids of budgets, read back from the store."""

from __future__ import annotations

import json

import pytest

import qnet_design as qd
from qnet_design.cli import main
from qnet_design.store import ResultStore

from .conftest import DEVICES

THERMAL = DEVICES / "setups" / "thermal_link_transmon.toml"
GRID = ["channel.insertion_loss=0:0.4:3"]


def test_sweep_matches_budget_and_is_cached(tmp_path):
    store = ResultStore(tmp_path / "store.sqlite")
    first = qd.sweep(THERMAL, GRID, store=store, progress=False)
    assert first.attrs["n_computed"] == 3
    # each row is exactly the budget of the overridden setup
    setup = qd.load_setup(THERMAL)
    for _, row in first.iterrows():
        loss = row["channel.insertion_loss"]
        direct = qd.budget(
            qd.specs.setups.with_overrides(setup, {"channel.insertion_loss": loss}), full=False
        )
        assert row["concurrence"] == pytest.approx(direct["concurrence"], abs=1e-12)
    # more loss, less entanglement (paper 001, Fig. 4d)
    assert list(first["concurrence"]) == sorted(first["concurrence"], reverse=True)
    again = qd.sweep(THERMAL, GRID, store=store, progress=False)
    assert again.attrs["n_cached"] == 3 and again.attrs["n_computed"] == 0
    assert again["concurrence"].tolist() == first["concurrence"].tolist()


def test_sweep_rejects_unknown_path(tmp_path):
    with pytest.raises(qd.DeviceFileError, match="unknown field `insertionloss`"):
        qd.sweep(THERMAL, ["channel.insertionloss=0:1:2"], store=False, progress=False)


def test_cli_sweep_csv_and_cache(tmp_path, capsys, monkeypatch):
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
