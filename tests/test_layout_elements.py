"""One element of a list-valued layout key (``layout.positions[1]``, ``layout.detunings[2]``):
overrides, sweeps, optimisation and stated uncertainties through the one override mechanism."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from qnet_design.budget.optimize import optimize
from qnet_design.budget.uncertainty import uncertain_budget, uncertain_inputs
from qnet_design.cli import main
from qnet_design.errors import DeviceFileError
from qnet_design.runs import evaluate_points
from qnet_design.specs import load_setup
from qnet_design.specs.setups import with_overrides

from .conftest import DEVICES

COOPERATIVE = DEVICES / "setups" / "cooperative_transmon_trio.toml"
SIV = DEVICES / "setups" / "thermal_link_siv_orbital.toml"


def test_an_element_override_changes_that_element_only():
    spec = load_setup(COOPERATIVE)
    out = with_overrides(spec, {"layout.detunings[1]": 2e6})  # a bare number: SI (Hz)
    assert [d.m_as("Hz") for d in out.layout["detunings"]] == [0.0, 2e6, 0.0]
    out = with_overrides(spec, {"layout.detunings[2]": "-1.5 MHz"})
    assert [d.m_as("Hz") for d in out.layout["detunings"]] == [0.0, 0.0, -1.5e6]
    assert [d.m_as("Hz") for d in spec.layout["detunings"]] == [0.0, 0.0, 0.0]  # a copy


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("layout.detunings[3]", 1e6, "index 3 is out of range, `layout.detunings` has 3"),
        ("layout.detunings[1]", "2 us", "must be a cyclic frequency"),
        ("layout.detunings[1]", "fast", "not a quantity"),
        ("layout.detunings[x]", 1e6, "must be a non-negative integer, got 'x'"),
        ("layout.qubits[0]", 2, "`layout.qubits` is not a list"),
        ("layout.nothing[0]", 2, "unknown field `layout.nothing`"),
    ],
)
def test_bad_element_paths_are_one_line(path, value, words):
    with pytest.raises(DeviceFileError) as info:
        with_overrides(load_setup(COOPERATIVE), {path: value})
    assert words in str(info.value) and "\n" not in str(info.value)


def test_cli_sweep_over_an_element_and_a_bad_index(capsys):
    argv = ["sweep", str(COOPERATIVE), "--no-cache", "--param"]
    assert main([*argv, "layout.detunings[1]=-1 MHz:1 MHz:3"]) == 0
    out = capsys.readouterr().out
    assert "layout.detunings[1] [MHz]" in out
    assert main([*argv, "layout.detunings[5]=-1 MHz:1 MHz:3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "out of range" in err


def test_optimize_over_one_detuning_finds_resonance():
    """Paper 003 (Yang et al. 2021): three identical qubits in one waveguide relax from |100⟩
    into the collective dark state, which detuning one qubit breaks. The figure is even in δ₂
    (complex conjugation of the master equation maps δ₂ → −δ₂ and keeps every concurrence;
    the initial state is real), so the optimum over an asymmetric box is δ₂ = 0."""
    spec = load_setup(COOPERATIVE)
    result = optimize(
        spec,
        ["layout.detunings[1]=-2 MHz:3 MHz"],
        maximize="peak_concurrence",
        budget=20,
        store=False,
    )
    assert abs(result.optimum["layout.detunings[1]"]) < 5e3  # Hz; the box is 5 MHz wide
    side = evaluate_points(spec, [{"layout.detunings[1]": x} for x in (-1e6, 1e6)])
    assert side["peak_concurrence"][0] == pytest.approx(side["peak_concurrence"][1], rel=1e-9)
    assert result.value > side["peak_concurrence"].max()
    assert result.beats_grid and not result.at_bound and result.evaluations <= 20


def test_optimize_refuses_an_element_out_of_range(capsys):
    argv = ["optimize", str(COOPERATIVE), "--maximize", "peak_concurrence", "--no-cache"]
    assert main([*argv, "--vary", "layout.detunings[7]=-1 MHz:1 MHz"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "out of range" in err
    assert main([*argv, "--vary", "layout.detunings[1]=-1 us:1 us"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must be a cyclic frequency" in err


def _siv_with(tmp_path: Path, positions: str) -> Path:
    path = tmp_path / "siv.toml"
    path.write_text(f'base = "{SIV}"\nname = "siv"\n[layout]\npositions = {positions}\n')
    return path


def test_an_uncertainty_on_one_list_element_is_propagated(tmp_path):
    spec = load_setup(_siv_with(tmp_path, '["0.35 um", "0.70 ± 0.004 um"]'))
    assert spec.layout["positions"][1].m_as("um") == pytest.approx(0.70)
    (stated,) = uncertain_inputs(spec)
    assert stated.path == "layout.positions[1]"
    assert stated.sigma == pytest.approx(4e-9) and stated.unit == "m"
    result = uncertain_budget(spec, method="linear", store=False)
    assert dict(result.shares["concurrence"]) == {"layout.positions[1]": pytest.approx(1.0)}
    # an override of the whole list, or of that element, replaces its stated uncertainty
    assert not with_overrides(
        spec, {"layout.positions": ["0.35 um", "0.7 um"]}
    ).layout_uncertainties
    assert not with_overrides(spec, {"layout.positions[1]": 0.7e-6}).layout_uncertainties
    again = with_overrides(spec, {"layout.positions[0]": "0.35 ± 0.001 um"})
    assert set(again.layout_uncertainties) == {"positions[0]", "positions[1]"}


def test_bad_uncertainty_on_a_list_element_is_one_line(tmp_path):
    with pytest.raises(DeviceFileError) as info:
        load_setup(_siv_with(tmp_path, '["0.35 um", "0.70 um ± 4"]'))
    assert "positions`[1]" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.slow
def test_optimum_over_a_qubit_position_is_periodic_in_the_wavelength_and_matches_a_sweep():
    """Bidirectional link (paper 001 App. C, Eq. C2): the couplings depend on the positions only
    through sin and cos of k₀z, so the figure is periodic in z₂ with λ = 2π/k₀ = v/f. The
    optimum over z₂ in a box and in the box shifted by λ must agree, shifted by λ; and it must
    beat a fine sweep of the same box."""
    spec = load_setup(SIV)
    wavelength = 17.5e3 / 50e9  # v/f of the channel and qubit files (0.35 um)
    boxes = [(0.65e-6, 0.76e-6), (0.65e-6 + wavelength, 0.76e-6 + wavelength)]
    results = [
        optimize(
            spec,
            [f"layout.positions[1]={lo!r}:{hi!r}"],
            maximize="concurrence",
            budget=24,
            store=False,
        )
        for lo, hi in boxes
    ]
    z = [r.optimum["layout.positions[1]"] for r in results]
    assert z[1] - z[0] == pytest.approx(wavelength, abs=2e-10)
    assert results[1].value == pytest.approx(results[0].value, abs=1e-6)
    zs = np.linspace(*boxes[0], 23)
    sweep = evaluate_points(spec, [{"layout.positions[1]": float(x)} for x in zs])
    assert results[0].value >= float(sweep["concurrence"].max()) - 1e-9
    assert results[0].beats_grid and math.isfinite(results[0].value)


def test_bidirectional_positions_are_behind_the_filter_end_and_within_markov():
    from qnet_design import translate

    # positions are measured from the waveguide's end, where the filter cavity sits
    # (paper 001, Eq. 49-53): a negative one was solved as if it were at |z| (same phase)
    behind = with_overrides(load_setup(SIV), {"layout.positions[0]": "-0.35 um"})
    with pytest.raises(DeviceFileError, match=r"layout.positions.*>= 0"):
        translate(behind)
    # a qubit 1 km down the guide is a delay (z₁ + z₂)/v = 57 ms ≫ 1/γ = 0.16 µs, which the
    # Markovian model (phases k₀z only) leaves out: C = 0 was printed without a word
    far = translate(with_overrides(load_setup(SIV), {"layout.positions[1]": "1 km"}))
    assert any("delay" in w and "Markov" in w for w in far.warnings)
    assert not any("delay" in w for w in translate(load_setup(SIV)).warnings)
