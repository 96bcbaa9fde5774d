"""Bad device and setup files: one clear line naming file and field, exit code 2, no traceback.

Each case of issue 2, item 8, is one test; they run through the CLI entry point so that the
exit code and the printed line are what a user sees.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qnet_design.cli import main
from qnet_design.errors import DeviceFileError
from qnet_design.specs import load_device, load_setup

GOOD_TRANSMON = """\
kind = "transmon"
name = "test transmon"
reference = "none"
notes = "test"
f01 = "5 GHz"
waveguide_linewidth = "10 MHz"
t1 = "15 ns"
t2 = "25 ns"
"""

GOOD_SOURCE = """\
kind = "two_mode_squeezer"
name = "test source"
reference = "none"
notes = "test"
device_type = "NDPA"
center_frequency_a = "5 GHz"
center_frequency_b = "6 GHz"
squeezing_r = 1.0
linewidth = "100 MHz"
"""

GOOD_CHANNEL = """\
kind = "channel"
name = "test channel"
reference = "none"
notes = "test"
p_loss = 0.1
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def _setup(folder: Path, body: str = "", name: str = "setup.toml", rail_b: bool = False) -> Path:
    _write(folder, "q.toml", GOOD_TRANSMON)
    _write(folder, "qb.toml", GOOD_TRANSMON.replace('f01 = "5 GHz"', 'f01 = "6 GHz"'))
    _write(folder, "s.toml", GOOD_SOURCE)
    text = (
        'scheme = "dual_rail"\nname = "test"\n'
        + body
        + '\n[devices]\nqubit = "q.toml"\nsource = "s.toml"\n'
        + ('qubit_b = "qb.toml"\n' if rail_b else "")
    )
    return _write(folder, name, text)


def _run_translate(path: Path, capsys, names_setup: bool = True) -> str:
    code = main(["translate", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # one line, never a traceback
    if names_setup:
        assert str(path.name) in lines[0]
    return lines[0]


def _device_case(tmp_path: Path, capsys, text: str, names_setup: bool = True) -> str:
    _write(tmp_path, "q.toml", text)
    _write(tmp_path, "s.toml", GOOD_SOURCE)
    setup = _write(
        tmp_path,
        "setup.toml",
        'scheme = "dual_rail"\nname = "t"\n[devices]\nqubit = "q.toml"\nsource = "s.toml"\n',
    )
    line = _run_translate(setup, capsys, names_setup)
    assert "q.toml" in line
    return line


def test_good_files_translate(tmp_path, capsys):
    assert main(["translate", str(_setup(tmp_path, rail_b=True))]) == 0


def test_malformed_toml(tmp_path, capsys):
    line = _device_case(tmp_path, capsys, GOOD_TRANSMON + 'broken = "\n')
    assert "malformed TOML" in line


def test_missing_field(tmp_path, capsys):
    line = _device_case(tmp_path, capsys, GOOD_TRANSMON.replace('f01 = "5 GHz"\n', ""))
    assert "missing field `f01`" in line


def test_unknown_field_typo(tmp_path, capsys):
    line = _device_case(tmp_path, capsys, GOOD_TRANSMON.replace("t1 =", "t_1 ="))
    assert "unknown field `t_1`" in line and "did you mean `t1`" in line


def test_wrong_dimension(tmp_path, capsys):
    line = _device_case(tmp_path, capsys, GOOD_TRANSMON.replace('t1 = "15 ns"', 't1 = "10 MHz"'))
    assert "field `t1` must be a time" in line and "a frequency" in line


def test_rad_per_second_in_cyclic_field(tmp_path, capsys):
    text = GOOD_TRANSMON.replace(
        'waveguide_linewidth = "10 MHz"', 'waveguide_linewidth = "6.3e7 rad/s"'
    )
    line = _device_case(tmp_path, capsys, text)
    assert "field `waveguide_linewidth`" in line and "2π" in line


def test_negative_rate(tmp_path, capsys):
    text = GOOD_TRANSMON.replace(
        'waveguide_linewidth = "10 MHz"', 'waveguide_linewidth = "-10 MHz"'
    )
    line = _device_case(tmp_path, capsys, text)
    assert "field `waveguide_linewidth` must be > 0" in line


def test_negative_time(tmp_path, capsys):
    line = _device_case(tmp_path, capsys, GOOD_TRANSMON.replace('t2 = "25 ns"', 't2 = "-25 ns"'))
    assert "field `t2` must be > 0" in line


def test_probability_outside_unit_interval(tmp_path, capsys):
    _write(tmp_path, "c.toml", GOOD_CHANNEL.replace("0.1", "1.0"))
    setup = _setup(tmp_path, "")
    setup.write_text(setup.read_text() + 'channel = "c.toml"\n')
    line = _run_translate(setup, capsys)
    assert "c.toml" in line and "field `p_loss` must lie in [0.0, 1.0)" in line


def test_unknown_kind(tmp_path, capsys):
    line = _device_case(tmp_path, capsys, GOOD_TRANSMON.replace('"transmon"', '"fluxonium"'))
    assert "field `kind` must be one of" in line and "fluxonium" in line


def test_unknown_scheme(tmp_path, capsys):
    setup = _setup(tmp_path)
    setup.write_text(setup.read_text().replace('"dual_rail"', '"teleporter"'))
    line = _run_translate(setup, capsys)
    assert "field `scheme` must be one of" in line and "teleporter" in line


def test_missing_referenced_file(tmp_path, capsys):
    setup = _setup(tmp_path)
    setup.write_text(setup.read_text().replace('"s.toml"', '"nowhere.toml"'))
    line = _run_translate(setup, capsys)
    assert "field `devices.source` points to a missing file" in line and "nowhere.toml" in line


def test_setup_includes_itself(tmp_path, capsys):
    setup = _setup(tmp_path, 'base = "setup.toml"')
    line = _run_translate(setup, capsys)
    assert "field `base` makes the setup include itself" in line


def test_setup_cycle_through_another_file(tmp_path):
    a = _setup(tmp_path, 'base = "b.toml"', name="a.toml")
    _setup(tmp_path, 'base = "a.toml"', name="b.toml")
    with pytest.raises(DeviceFileError, match="include itself"):
        load_setup(a)


def test_t2_longer_than_twice_t1(tmp_path, capsys):
    # a consistency check of the translator: it names the device file (the setup is fine)
    text = GOOD_TRANSMON.replace('t2 = "25 ns"', 't2 = "40 ns"')
    line = _device_case(tmp_path, capsys, text, names_setup=False)
    assert "field `t2` must satisfy T2 <= 2 T1" in line


def test_t1_above_radiative_limit(tmp_path, capsys):
    # γ/2π = 10 MHz bounds the total T1 by 1/γ ≈ 15.9 ns
    text = GOOD_TRANSMON.replace('t1 = "15 ns"', 't1 = "20 ns"')
    line = _device_case(tmp_path, capsys, text, names_setup=False)
    assert "field `t1` must be <= the radiative limit" in line


def test_conflicting_alternatives(tmp_path):
    path = _write(tmp_path, "q.toml", GOOD_TRANSMON + 't_phi = "1 us"\n')
    with pytest.raises(DeviceFileError, match="give only one of `t2` or `t_phi`"):
        load_device(path)


def test_unknown_layout_field(tmp_path, capsys):
    setup = _setup(tmp_path, "\n[layout]\npairz = 3\n")
    line = _run_translate(setup, capsys)
    assert "unknown field `layout.pairz`" in line


def test_wrong_device_kind_for_role(tmp_path, capsys):
    setup = _setup(tmp_path)
    setup.write_text(setup.read_text().replace('source = "s.toml"', 'source = "q.toml"'))
    line = _run_translate(setup, capsys)
    assert "field `devices.source` must be a two_mode_squeezer device" in line


def test_override_is_validated(tmp_path, capsys):
    setup = _setup(tmp_path, '\n[overrides.qubit]\nt2 = "3 GHz"\n')
    line = _run_translate(setup, capsys)
    assert "field `t2` must be a time" in line


def test_dual_rail_rail_b_qubit_off_its_output(tmp_path, capsys):
    # the source's outputs sit at 5 and 6 GHz; one 5 GHz transmon design on both rails leaves
    # rail B detuned by −1 GHz, which paper 000's δ_B = −P δ_A cannot describe
    line = _run_translate(_setup(tmp_path), capsys)
    assert "tune it to f01 = 6e+09 Hz" in line


CATALOG = Path(__file__).resolve().parents[1] / "devices"


@pytest.mark.parametrize(
    ("setup", "key", "value"),
    [
        ("cv_replication_twpa_arrays", "drive_rate", '"0 MHz"'),  # was ZeroDivisionError, exit 1
        ("cv_replication_twpa_arrays", "drive_rate", '"-10 MHz"'),  # was "`loss` must be >= 0"
        ("cv_replication_twpa_arrays", "cavity_linewidth", '"-10 kHz"'),  # same
        ("cv_routing_electromechanical", "attachment_rate", '"-5 kHz"'),  # was "`j` must be >= 0"
    ],
)
def test_layout_rate_of_the_wrong_sign_names_the_field(tmp_path, capsys, setup, key, value):
    text = (CATALOG / "setups" / f"{setup}.toml").read_text()
    text = text.replace('"../', f'"{CATALOG.as_posix()}/')
    lines = [
        f"{key} = {value}" if line.startswith(f"{key} =") else line for line in text.split("\n")
    ]
    path = _write(tmp_path, "setup.toml", "\n".join(lines))
    line = _run_translate(path, capsys)
    assert f"`layout.{key}`" in line
