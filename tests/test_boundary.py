"""The issue-13 boundary cases, as a new user meets them: one line and exit 2, within seconds.

Each case is a catalog setup with one field broken on purpose (``[overrides]``/``[layout]``),
run through the CLI entry point. Thresholds: :mod:`qnet_design.specs.plausibility`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qnet_design.cli import main
from qnet_design.specs import load_setup
from qnet_design.specs.plausibility import MAX_OCCUPATION

from .conftest import DEVICES


def _setup(folder: Path, extra: str, scheme: str = "thermal_link") -> Path:
    roles = {
        "thermal_link": {
            "qubit": "qubits/joshi2023_chiral_transmon.toml",
            "source": "sources/agusti2025_roomtemp_filtered_source.toml",
            "channel": "channels/magnard2020_cryolink.toml",
        },
        "cooperative": {"qubit": "qubits/vanloo2013_waveguide_transmon.toml"},
    }[scheme]
    devices = "\n".join(f'{role} = "{DEVICES / path}"' for role, path in roles.items())
    path = folder / "broken.toml"
    path.write_text(f'scheme = "{scheme}"\nname = "broken"\n[devices]\n{devices}\n{extra}\n')
    return path


def _refused(path: Path, capsys, *words: str) -> str:
    assert main(["translate", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


CASES = {
    # unit policy: 1/time in a cyclic field
    "rate per µs": ('[overrides.qubit]\nwaveguide_linewidth = "62.8 1/us"', "differ by 2π"),
    "rate per s": ('[overrides.qubit]\nwaveguide_linewidth = "6.28e7 1/s"', "differ by 2π"),
    "cycles per s": ('[overrides.qubit]\nwaveguide_linewidth = "1e7 cycles/s"', "2π"),
    "± on a 1/time value": ('[overrides.qubit]\nwaveguide_linewidth = "62.8 ± 1 1/us"', "2π"),
    # non-finite numbers as TOML floats and as strings, in every kind of field
    "filter_q nan": ("[overrides.source]\nfilter_q = nan", "finite", "filter_q"),
    "filter_q inf": ("[overrides.source]\nfilter_q = inf", "finite", "filter_q"),
    "directionality nan": ("[overrides.qubit]\ndirectionality = nan", "finite"),
    "p_loss nan": ("[overrides.channel]\np_loss = nan", "finite"),
    "nan string": ('[overrides.qubit]\nt_phi = "nan us"', "finite"),
    "inf dB": ('[overrides.channel]\ninsertion_loss = "inf dB"', "finite"),
    "layout inf": ('[layout]\ndetuning1 = "inf MHz"', "finite", "detuning1"),
    # mutually inconsistent fields
    "t2 and t_phi": ('[overrides.qubit]\nt1 = "10 us"\nt2 = "5 us"\nt_phi = "20 us"', "t_phi"),
    "dB and p_loss": ('[overrides.channel]\np_loss = 0.1\ninsertion_loss = "1 dB"', "only one"),
    "p_loss = 1": ("[overrides.channel]\np_loss = 1.0", "p_loss", "[0.0, 1.0)"),
    # implausible magnitudes (the hangs and overflows)
    "10 mHz typo": ('[overrides.qubit]\nwaveguide_linewidth = "10 mHz"', "0.01 Hz", "typo"),
    "linewidth > f01": ('[overrides.qubit]\nwaveguide_linewidth = "20 GHz"', "2e+10 Hz"),
    "filter_q 0.5": ("[overrides.source]\nfilter_q = 0.5", "Q = 0.5"),
    "f01 1e30 GHz": ('[overrides.qubit]\nf01 = "1e30 GHz"', "1e+39 Hz"),
    "detuning 1e30 GHz": ('[layout]\ndetuning1 = "1e30 GHz"', "detuning1", "1e+39 Hz"),
    "detuning 6 GHz": ('[layout]\ndetuning2 = "6 GHz"', "detuning2", "qubit frequency"),
    "t_phi 1e-30 s": ('[overrides.qubit]\nt_phi = "1e-30 s"', "1e-30 s", "period"),
    "n_th > 1e6": ('[overrides.source]\ntemperature = "1e7 K"', "n_th", f"{MAX_OCCUPATION:.0e}"),
    "hot link": ('[overrides.channel]\nbase_temperature = "1e5 K"', "base_temperature"),
    "filter mHz": ('[overrides.source]\nfilter_frequency = "5 mHz"', "typo"),
    # a loss whose transmission rounds to 0 (was `p_loss` ... got 1.0 after the solve started)
    "insertion 200 dB": (
        '[overrides.channel]\ninsertion_loss = "200 dB"',
        "insertion_loss",
        "100 dB",
    ),
    "loss 1e308 dB/m": ('[overrides.channel]\nloss_per_length = "1e308 dB/m"', "loss_per_length"),
    # Q = 1e300: a 5e-291 Hz filter linewidth (was solved, answering C = 0)
    "filter_q 1e300": ("[overrides.source]\nfilter_q = 1e300", "filter_q", "below 1 Hz"),
}


@pytest.mark.parametrize(
    "value", ["10 ± 1 MHz", "(10 +/- 1) MHz", "10 MHz +- 1 MHz", "10MHz+-1MHz"]
)
def test_uncertainty_is_never_misparsed(tmp_path, capsys, value):
    """'10 MHz +- 1 MHz' was 9 MHz: now the nominal 10 MHz reaches the model (σ is carried)."""
    path = _setup(tmp_path, f'[overrides.qubit]\nwaveguide_linewidth = "{value}"')
    assert main(["translate", str(path), "--json"]) == 0
    reference = json.loads(capsys.readouterr().out)["reference"]
    assert reference["hz"] == pytest.approx(0.99 * 10e6, rel=1e-12)  # × directionality 0.99


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_boundary_case_is_one_line_exit_2(tmp_path, capsys, case):
    extra, *words = CASES[case]
    _refused(_setup(tmp_path, extra), capsys, *words)


def test_cooperative_detuning_list_checked(tmp_path, capsys):
    extra = '[layout]\nqubits = 3\ndetunings = ["0 Hz", "1e20 Hz", "0 Hz"]\ninitial = "100"'
    _refused(_setup(tmp_path, extra, "cooperative"), capsys, "detunings")


def test_every_catalog_setup_passes_the_plausibility_rules():
    for path in sorted((DEVICES / "setups").glob("*.toml")):
        load_setup(path)


def test_binary_device_file_named(tmp_path, capsys):
    device = tmp_path / "q.toml"
    device.write_bytes(b"\xff\xfe\x00kind = \x80\x81")
    path = tmp_path / "s.toml"
    source = DEVICES / "sources/agusti2025_roomtemp_filtered_source.toml"
    path.write_text(
        f'scheme = "thermal_link"\nname = "x"\n[devices]\nqubit = "{device}"\nsource = "{source}"\n'
    )
    _refused(path, capsys, "q.toml", "UTF-8")
