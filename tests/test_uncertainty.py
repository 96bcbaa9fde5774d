"""Values with ± in device/setup files, and budgets with intervals (Monte Carlo and linear)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm

from qnet_design.budget.uncertainty import (
    UncertainInput,
    draw,
    uncertain_budget,
    uncertain_inputs,
)
from qnet_design.cli import main
from qnet_design.errors import DeviceFileError, ParameterError, UnitError
from qnet_design.specs import load_setup, parse_device
from qnet_design.specs.uncertainty import split_uncertain
from qnet_design.translate import translate

from .conftest import DEVICES

_TRANSMON = {"kind": "transmon", "name": "x", "reference": "r", "notes": "n", "f01": "5 GHz"}


@pytest.mark.parametrize(
    "text",
    [
        "10 ± 1 MHz",
        "(10 +/- 1) MHz",
        "10 MHz +- 1 MHz",
        "10 MHz ± 1000 kHz",
        "10+/-1 MHz",
        "10 MHz ± 10 %",
    ],
)
def test_every_written_form_gives_10_mhz_with_sigma_1_mhz(text):
    # "10 MHz +- 1 MHz" is what pint alone reads as 9 MHz (10 MHz + (−1 MHz))
    device = parse_device({**_TRANSMON, "waveguide_linewidth": text})
    assert device.values["waveguide_linewidth"].m_as("Hz") == pytest.approx(10e6)
    assert device.uncertainties["waveguide_linewidth"].sigma.m_as("Hz") == pytest.approx(1e6)
    assert device.uncertainties["waveguide_linewidth"].distribution == "normal"


def test_plain_numbers_db_and_distributions():
    device = parse_device(
        {
            **_TRANSMON,
            "waveguide_linewidth": "10 MHz",
            "directionality": "0.95 ± 0.02",
            "t_phi": "20 ± 4 us, lognormal",
        }
    )
    assert device.values["directionality"] == 0.95
    assert device.uncertainties["directionality"].sigma == pytest.approx(0.02)
    assert device.uncertainties["t_phi"].distribution == "lognormal"
    channel = parse_device(
        {
            "kind": "channel",
            "name": "c",
            "reference": "r",
            "notes": "n",
            "insertion_loss": "0.8 ± 0.1 dB",
            "length": "5 m",
            "loss_per_length": "5 ± 1 dB/km",
        }
    )
    assert channel.values["insertion_loss"] == 0.8
    assert channel.uncertainties["insertion_loss"].sigma == pytest.approx(0.1)
    assert channel.uncertainties["loss_per_length"].sigma == pytest.approx(1e-3)  # dB/m


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("waveguide_linewidth", "10 MHz ± 1", "not for its uncertainty"),
        ("waveguide_linewidth", "10 ± 1 rad/s", "angular"),
        ("waveguide_linewidth", "10 MHz ± 1 us", "a time"),
        ("waveguide_linewidth", "1 ± 2 ± 3 MHz", "more than one"),
        ("waveguide_linewidth", "10 ± 1 MHz, uniformish", "unknown distribution"),
        ("directionality", "1.5 ± 0.1", "must lie in"),
        ("directionality", "0.9 ± 1 MHz", "plain number"),
    ],
)
def test_bad_uncertain_values_are_one_line_errors(field, text, words):
    data = {**_TRANSMON, "waveguide_linewidth": "10 MHz", field: text}
    with pytest.raises(DeviceFileError, match=words) as info:
        parse_device(data)
    assert "\n" not in str(info.value)


def test_split_keeps_texts_without_separator():
    assert split_uncertain("-5 MHz").nominal == "-5 MHz"
    assert split_uncertain("-5 MHz").sigma is None
    with pytest.raises(UnitError):
        split_uncertain("5 MHz, lognormal")


def _write_setup(tmp_path: Path, base: str, overrides: str, layout: str = "") -> Path:
    path = tmp_path / "setup.toml"
    path.write_text(
        f'scheme = "{load_setup(DEVICES / "setups" / base).scheme}"\nname = "uncertain"\n'
        f'base = "{DEVICES / "setups" / base}"\n{overrides}\n{layout}\n'
    )
    return path


def _cv_setup(tmp_path: Path, source: str = "", layout: str = "") -> Path:
    """Two 4-site arrays driven by the catalog TWPA (a standalone file: no inherited overrides)."""
    path = tmp_path / "cv.toml"
    layout = layout or 'drive_rate = "10 MHz"'
    path.write_text(
        f'scheme = "cv_replication"\nname = "cv"\n[devices]\n'
        f'source = "{DEVICES / "sources" / "esposito2022_twpa.toml"}"\n'
        f"[overrides.source]\n{source}\n[layout]\nsites = 4\n"
        f'hopping = "5 MHz"\ncavity_linewidth = "10 kHz"\n{layout}\n'
    )
    return path


def test_nominal_values_flow_to_the_model_unchanged(tmp_path):
    plain = load_setup(DEVICES / "setups" / "thermal_link_transmon.toml")
    path = _write_setup(
        tmp_path,
        "thermal_link_transmon.toml",
        '[overrides.qubit]\nt_phi = "20 ± 4 us"\n[overrides.channel]\n'
        'insertion_loss = "0.2 ± 0.05 dB"\n[overrides.source]\nfilter_q = "2.5e5 ± 2 %"',
    )
    spec = load_setup(path)
    assert dict(translate(spec).model_kwargs) == dict(translate(plain).model_kwargs)
    paths = {p.path: p for p in uncertain_inputs(spec)}
    assert paths["qubit.t_phi"].nominal == pytest.approx(20e-6)
    assert paths["qubit.t_phi"].sigma == pytest.approx(4e-6)
    assert paths["source.filter_q"].sigma == pytest.approx(5e3)


def test_layout_values_carry_uncertainty(tmp_path):
    path = _cv_setup(tmp_path, layout='drive_rate = "10 ± 0.2 MHz"')
    (p,) = uncertain_inputs(load_setup(path))
    assert (p.path, p.nominal, p.sigma, p.unit) == ("layout.drive_rate", 1e7, 2e5, "Hz")


def test_draws_respect_the_physical_range_and_the_lognormal_median():
    d = UncertainInput("qubit.directionality", 0.99, 0.02, "", "normal", "", 0.0, 1.0)
    t = UncertainInput("qubit.t_phi", 2e-5, 1e-5, "s", "lognormal", "", 0.0, None, True)
    x = draw((d, t), 4000, seed=1)
    assert x[:, 0].max() <= 1.0 and x[:, 0].min() > 0.85
    # lognormal: median at the nominal value, always positive
    assert np.median(x[:, 1]) == pytest.approx(2e-5, rel=0.05)
    assert x[:, 1].min() > 0


def test_interval_coverage_on_closed_form_tanh_2r():
    """C = tanh 2r with r ~ N(1, 0.1): the quantiles of C are tanh 2r at r's quantiles (tanh is
    monotone), and a fresh draw falls in the 68 % (95 %) interval 68 % (95 %) of the time."""
    r = UncertainInput("source.squeezing_r", 0.6, 0.1, "", "normal", "", 0.0)
    c = np.tanh(2 * draw((r,), 4000, seed=2)[:, 0])
    low68, high68, low95, high95 = np.quantile(c, [0.16, 0.84, 0.025, 0.975])
    for q, value in ((0.16, low68), (0.84, high68), (0.025, low95), (0.975, high95)):
        # the quantile of 4000 draws scatters by ~√(q(1−q)/N)/φ(z) σ ≤ 0.03 σ in r
        assert value == pytest.approx(math.tanh(2 * (0.6 + norm.ppf(q) * 0.1)), abs=0.01)
    fresh = np.tanh(2 * draw((r,), 4000, seed=3)[:, 0])
    inside68 = np.mean((fresh >= low68) & (fresh <= high68))
    inside95 = np.mean((fresh >= low95) & (fresh <= high95))
    assert inside68 == pytest.approx(0.68, abs=0.03)  # ~4 binomial σ at N = 4000
    assert inside95 == pytest.approx(0.95, abs=0.015)


def test_montecarlo_budget_matches_closed_form_and_linear(tmp_path):
    """cv_replication drive: E_N = 2r with cosh² r = G (phase-insensitive gain G, no added
    noise), so E_N = 2 arcosh √G; the budget's interval is this at G's normal quantiles."""
    path = _cv_setup(tmp_path, 'gain = "3 ± 0.3"')
    spec = load_setup(path)
    mc = uncertain_budget(spec, samples=200, seed=4, store=False)
    assert mc.n_samples == 200 and mc.n_failed == 0
    drive = mc["drive_E_N"]
    closed = lambda g: 2 * math.acosh(math.sqrt(g))  # noqa: E731
    assert drive.nominal == pytest.approx(closed(3.0), rel=1e-9)
    # quantile of 200 draws scatters by ≤ 0.12 σ_G (16/84 %) and ≤ 0.2 σ_G (2.5/97.5 %)
    slope = (closed(3.03) - closed(2.97)) / 0.06
    for q, value, tol in (
        (0.16, drive.low68, 0.12),
        (0.84, drive.high68, 0.12),
        (0.025, drive.low95, 0.2),
        (0.975, drive.high95, 0.2),
    ):
        assert value == pytest.approx(closed(3.0 + norm.ppf(q) * 0.3), abs=3 * tol * 0.3 * slope)
    # one uncertain input: it carries all the variance, in both methods
    assert mc.shares["drive_E_N"] == pytest.approx({"source.gain": 1.0})
    linear = uncertain_budget(spec, method="linear", store=False)
    assert linear.shares["drive_E_N"] == pytest.approx({"source.gain": 1.0})
    lin = linear["drive_E_N"]
    assert lin.high68 - lin.nominal == pytest.approx(0.3 * slope, rel=1e-3)
    assert (drive.high68 - drive.low68) / 2 == pytest.approx(lin.high68 - lin.nominal, rel=0.15)


def test_thermal_link_linear_agrees_with_montecarlo(tmp_path):
    path = _write_setup(
        tmp_path,
        "thermal_link_transmon.toml",
        '[overrides.qubit]\nt_phi = "20 ± 2 us"\nwaveguide_linewidth = "10 ± 0.3 MHz"\n'
        '[overrides.channel]\ninsertion_loss = "0.2 ± 0.03 dB"',
    )
    spec = load_setup(path)
    mc_budget = uncertain_budget(spec, samples=80, seed=5, store=False)
    lin_budget = uncertain_budget(spec, method="linear", store=False)
    mc, lin = mc_budget["concurrence"], lin_budget["concurrence"]
    # σ from the 16/84 % quantiles of 80 draws scatters by ~ 15 %: allow 2.5 of that
    assert (mc.high68 - mc.low68) / 2 == pytest.approx(lin.high68 - lin.nominal, rel=0.35)
    assert mc.median == pytest.approx(lin.nominal, abs=0.5 * (lin.high68 - lin.nominal))
    # the regression shares of the samples and the exact first-order split agree (the loss,
    # σ = 0.03 dB of 0.2 dB, dominates; shares of 80 samples scatter by a few %)
    for path, share in lin_budget.shares["concurrence"].items():
        assert mc_budget.shares["concurrence"][path] == pytest.approx(share, abs=0.1), path
    assert max(lin_budget.shares["concurrence"], key=lin_budget.shares["concurrence"].get) == (
        "channel.insertion_loss"
    )


def test_failed_samples_are_counted_with_reasons(tmp_path):
    # the layout sets no lower bound on the drive rate, so draws below 0 Hz reach the
    # translator, which refuses them: those samples fail and are counted, the others are used
    path = _cv_setup(tmp_path, layout='drive_rate = "1 ± 3 MHz"')
    result = uncertain_budget(load_setup(path), samples=20, seed=6, store=False)
    assert result.n_failed > 0
    assert all(reason and count > 0 for reason, count in result.failures.items())
    assert result["E_N_min"].n == 20 - result.n_failed


def test_no_uncertainty_is_bad_input():
    with pytest.raises(ParameterError, match="no value is written with an uncertainty"):
        uncertain_budget(load_setup(DEVICES / "setups" / "thermal_link_transmon.toml"))


def test_cli_budget_uncertainty_json_and_store(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QNET_CACHE_DIR", str(tmp_path / "cache"))
    path = _cv_setup(tmp_path, 'gain = "3 ± 0.3"')
    argv = ["budget", str(path), "--uncertainty", "--samples", "12", "--json"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["samples"] == 12 and first["read_from_store"] == 0
    low, high = first["figures"]["drive_E_N"]["interval68"]
    assert low < first["figures"]["drive_E_N"]["median"] < high
    assert main(argv) == 0  # the same seed draws the same points: all read back
    assert json.loads(capsys.readouterr().out)["read_from_store"] == 12
    assert (
        main(["budget", str(DEVICES / "setups" / "thermal_link_transmon.toml"), "--uncertainty"])
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "uncertainty" in err


def test_montecarlo_shares_are_labelled_estimates_or_not_estimated(tmp_path):
    # regression shares from N samples are estimates (said in their line); below
    # MIN_SAMPLES_PER_INPUT = 10 samples per input they are not estimated at all
    path = _cv_setup(tmp_path, 'gain = "3 ± 0.3"', 'drive_rate = "10 ± 1 MHz"')
    spec = load_setup(path)
    few = uncertain_budget(spec, samples=12, seed=3, store=False)  # 12 < 10 × 2 inputs
    assert not few.shares
    assert "not estimated: 12 samples for 2 inputs" in str(few)
    assert "(--samples 20)" in str(few)
    enough = uncertain_budget(spec, samples=20, seed=3, store=False)
    assert enough.shares["drive_E_N"]
    assert "(estimates: linear regression over N = 20 samples)" in str(enough)
    assert "not estimated" not in str(enough)
