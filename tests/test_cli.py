"""The command line end to end: `devices`, `translate`, JSON output and exit codes."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from qnet_design.cli import main
from qnet_design.specs.setups import load_setup
from qnet_design.translate import translate

from .conftest import DEVICES

SETUPS = sorted((DEVICES / "setups").glob("*.toml"))


def test_devices_list(capsys):
    assert main(["devices", "list", "--catalog", str(DEVICES)]) == 0
    out = capsys.readouterr().out
    assert "esposito2022_twpa" in out and "setup:dual_rail" in out
    # one line per entry that fits a wide terminal: no full reference text in the list
    lines = out.splitlines()
    assert len(lines) == 1 + len(list(DEVICES.rglob("*.toml")))  # header + entries
    assert max(len(line) for line in lines) <= 160


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


def test_budget_text_quiet_and_json_non_finite(capsys, tmp_path):
    # the catalog trio without its t_phi override: α = 0 and no dephasing, so its dark state
    # never decays (lifetime ∞)
    trio = (DEVICES / "setups" / "cooperative_transmon_trio.toml").read_text()
    trio = trio.replace('"../qubits/', f'"{DEVICES.as_posix()}/qubits/')
    setup = tmp_path / "trio.toml"
    setup.write_text(trio.replace('[overrides.qubit]\nt_phi = "20 us"\n', ""))
    setup = str(setup)
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


def test_translate_text_reads_like_the_budget(capsys):
    # per rate: Γ/2π in lab units and how it was obtained, then Γ in rad/s and units of γ
    setup = DEVICES / "setups" / "thermal_link_transmon.toml"
    assert main(["translate", str(setup)]) == 0
    lines = capsys.readouterr().out.splitlines()
    (kappa,) = [k for k, line in enumerate(lines) if line.startswith("  κ (kappa)")]
    assert "10 kHz" in lines[kappa] and "2κ = ω_c/Q" in lines[kappa]
    assert lines[kappa + 1].split() == ["model:", "62831.9", "rad/s", "=", "0.0010101", "γ₁"]
    assert any(line.startswith("  n_th ") for line in lines)
    # --quiet: one line per rate and parameter, in units of the reference rate
    assert main(["translate", str(setup), "--quiet"]) == 0
    quiet = capsys.readouterr().out.splitlines()
    assert ["κ", "=", "0.0010101", "γ₁", "(2π", "×", "10", "kHz)"] in [x.split() for x in quiet]
    tr = translate(load_setup(setup))
    assert len(quiet) == 2 + len(tr.rates) + len(tr.parameters)


def test_budget_uncertainty_text_reads_like_the_budget(capsys):
    # value, unit, method; the interval, the nominal and the evidence on one line each;
    # --quiet one line per figure; ∞/NaN spelled as in every output
    setup = DEVICES / "setups" / "thermal_link_transmon_uncertain.toml"
    argv = ["budget", str(setup), "--uncertainty", "linear", "--no-cache"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    (flux,) = [k for k, line in enumerate(lines) if line.startswith("  flux ")]
    assert lines[flux].split()[2:] == ["1/us", "nominal", "±", "σ_f", "(first", "order)"]
    assert lines[flux + 1].strip().startswith("interval: 68 % [")
    assert lines[flux + 1].endswith("] 1/us")
    assert lines[flux + 3].strip().startswith("evidence: 12 difference budgets; nominal: ")
    assert main([*argv, "--quiet"]) == 0
    quiet = capsys.readouterr().out.splitlines()
    assert [line.split("=")[0].strip() for line in quiet[2:6]] == [
        "concurrence",
        "n_th",
        "flux",
        "kappa_over_gamma",
    ]


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


def test_cache_show_is_info(capsys, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The help says 'show, clear or repair'; `cache show` was refused as an invalid choice."""
    monkeypatch.setenv("QNET_CACHE_DIR", str(tmp_path))
    assert main(["cache", "show", "--json"]) == 0
    assert "entries" in json.loads(capsys.readouterr().out)


def test_budget_of_a_setup_with_stated_uncertainties_says_its_figures_are_nominal(capsys):  # type: ignore[no-untyped-def]
    assert main(["budget", str(DEVICES / "setups" / "cooperative_transmon_trio.toml")]) == 0
    assert "± values" not in capsys.readouterr().out
    setup = DEVICES / "setups" / "thermal_link_transmon_uncertain.toml"
    assert main(["budget", str(setup), "--quiet"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert (
        out[-1].startswith("± values: ")
        and "nominal" in out[-1]
        and "qubit.directionality" in out[-1]
    )


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["budget", "x.toml", "--samples", "abc"], "invalid int value: 'abc'"),
        (["nonsense"], "invalid choice: 'nonsense'"),
        (["budget"], "required: setup"),
        (["optimize", "x.toml", "--vary", "a=1:2"], "--maximize --minimize is required"),
    ],
)
def test_argument_errors_are_one_line_exit_2(argv, words, capsys):  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and words in err, err
    assert "-h` lists the options" in err
