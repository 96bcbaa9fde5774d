"""The command line end to end: `devices`, `translate`, JSON output and exit codes."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from qnet_design.cli import main

from .conftest import DEVICES

SETUPS = sorted((DEVICES / "setups").glob("*.toml"))


def test_devices_list(capsys):
    assert main(["devices", "list", "--catalog", str(DEVICES)]) == 0
    out = capsys.readouterr().out
    assert "esposito2022_twpa" in out and "setup:dual_rail" in out


def test_devices_list_json(capsys):
    assert main(["devices", "--json", "--catalog", str(DEVICES)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"name", "kind", "title", "reference", "path"} <= set(rows[0])


def test_devices_show_device_and_setup(capsys):
    assert main(["devices", "show", "esposito2022_twpa", "--json", "--catalog", str(DEVICES)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "two_mode_squeezer" and data["reference"]
    assert main(["devices", "show", "dual_rail_twpa", "--catalog", str(DEVICES)]) == 0
    out = capsys.readouterr().out
    assert "scheme: dual_rail" in out
    # readable fields, one per line, overrides marked; no Python dicts
    assert "{'" not in out and "squeezing_db       = 8.686 dB   (set by the setup)" in out
    assert "detuning_step = 10 MHz" in out


def test_budget_text_quiet_and_json_non_finite(capsys):
    setup = str(DEVICES / "setups" / "cooperative_transmon_trio.toml")
    assert main(["budget", setup]) == 0
    out = capsys.readouterr().out
    assert "evidence: " in out and "lifetime" in out and "∞ us" in out
    assert main(["budget", setup, "--quiet"]) == 0
    short = capsys.readouterr().out
    assert "evidence" not in short and "peak_concurrence" in short
    assert main(["budget", setup, "--json"]) == 0
    lifetime = json.loads(capsys.readouterr().out)["figures"]["lifetime"]
    assert lifetime["value"] is None and lifetime["non_finite"] == "inf" and lifetime["note"]


def test_devices_show_unknown_name(capsys):
    assert main(["devices", "show", "no_such_device", "--catalog", str(DEVICES)]) == 2
    assert "no_such_device" in capsys.readouterr().err


@pytest.mark.parametrize("setup", SETUPS, ids=lambda p: p.stem)
def test_translate_json_every_setup(setup, capsys):
    assert main(["translate", str(setup), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scheme"] and data["rates"]
    for rate in data["rates"]:
        # every rate in Hz, rad/s and units of the reference rate, consistently
        assert rate["rad_per_s"] == pytest.approx(2 * math.pi * rate["hz"])
        assert rate["dimensionless"] == pytest.approx(
            rate["rad_per_s"] / data["reference"]["rad_per_s"]
        )


def test_translate_table_has_paper_symbols(capsys):
    assert main(["translate", str(DEVICES / "setups" / "thermal_link_transmon.toml")]) == 0
    out = capsys.readouterr().out
    assert "κ" in out and "n_th" in out and "value_per_gamma" in out


def test_console_script_bad_file_exit_code(tmp_path):
    # the installed entry point: one line on stderr, exit code 2, no traceback
    bad = tmp_path / "bad.toml"
    bad.write_text('scheme = "dual_rail"\nname = "x"\n[devices]\nqubit = "nowhere.toml"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "qnet_design.cli", "translate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
