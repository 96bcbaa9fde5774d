"""Units: dimension checks, the 2π guard on cyclic frequencies, dB parsing, Bose occupation."""

from __future__ import annotations

import math

import pytest

from qnet_design.errors import UnitError
from qnet_design.units import (
    Q_,
    angular,
    bose_occupation,
    cyclic,
    magnitude,
    parse_decibels,
    parse_quantity,
    uncertainty_marker,
)


def test_cyclic_frequency_in_hz():
    assert magnitude("10 MHz", "frequency") == pytest.approx(1e7, rel=1e-15)
    assert magnitude("0.001 GHz", "frequency") == pytest.approx(1e6, rel=1e-15)


@pytest.mark.parametrize("text", ["62.8 1/us", "6.28e7 1/s", "1/(1 us)", "10 s^-1"])
def test_rate_per_time_refused_in_cyclic_field_with_the_2pi_explained(text):
    """Unit policy: 1/time could be ω or f = ω/2π; a cyclic field takes Hz-type units only."""
    with pytest.raises(UnitError, match="differ by 2π") as info:
        parse_quantity(text, "frequency", "field `waveguide_linewidth`")
    assert "waveguide_linewidth" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("text", ["10 cycles/s", "3 rpm", "2 turn/ms"])
def test_turns_and_cycles_refused_in_cyclic_field(text):
    with pytest.raises(UnitError, match="2π"):
        parse_quantity(text, "frequency", "field `f01`")


@pytest.mark.parametrize(
    "text",
    ["10 ± 1 MHz", "(10 +/- 1) MHz", "10 MHz +- 1 MHz", "10.0(5) MHz", "10 MHz -+ 1 MHz"],
)
def test_values_with_uncertainty_refused_not_misparsed(text):
    """'10 MHz +- 1 MHz' is 9 MHz to pint; every uncertainty notation is refused in one line."""
    assert uncertainty_marker(text) is not None
    with pytest.raises(UnitError, match="uncertainties are not supported here"):
        parse_quantity(text, "frequency", "field `linewidth`")
    with pytest.raises(UnitError, match="uncertainties are not supported here"):
        parse_decibels(text.replace("MHz", "dB"), "field `insertion_loss`")


@pytest.mark.parametrize("text", ["10 MHz", "5 GHz - 10 MHz", "2e-3 GHz", "-3 MHz"])
def test_plain_values_have_no_uncertainty_marker(text):
    assert uncertainty_marker(text) is None


@pytest.mark.parametrize("text", ["nan MHz", "inf GHz", "1e308 GHz", "-inf Hz"])
def test_non_finite_refused_also_after_conversion(text):
    with pytest.raises(UnitError, match="finite"):
        parse_quantity(text, "frequency", "field `f01`")


@pytest.mark.parametrize("text", ["nan dB", "inf dB", "1e400 dB", "1e308 dB/mm"])
def test_non_finite_decibels_refused(text):
    with pytest.raises(UnitError, match="finite"):
        parse_decibels(text, "field `insertion_loss`", per_length="/" in text)


def test_bose_occupation_never_overflows():
    """hf ≫ k_BT: n = e^(−x)/(1 − e^(−x)) → 0 instead of an OverflowError (f01 = 1e30 GHz)."""
    assert bose_occupation(1e39, 0.05) == 0.0
    x = 6.62607015e-34 * 5e9 / (1.380649e-23 * 0.02)  # 5 GHz at 20 mK: x = 12
    assert bose_occupation(5e9, 0.02) == pytest.approx(1.0 / (math.exp(x) - 1.0), rel=1e-12)
    assert bose_occupation(5e9, 293.0) == pytest.approx(1220.5, abs=0.1)  # paper 001 Sec. V A


@pytest.mark.parametrize("text", ["62.8 rad/s", "6.28e7 rad/s", "2*pi*10 MHz", "10 MHz*pi"])
def test_angular_units_refused_in_cyclic_field(text):
    with pytest.raises(UnitError, match="2π"):
        parse_quantity(text, "frequency", "field `f01`")


def test_pint_quantity_in_rad_per_s_refused():
    with pytest.raises(UnitError, match="angular"):
        parse_quantity(Q_(1.0, "rad/s"), "frequency")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("10 MHz", "time"), ("10 us", "frequency"), ("3 m", "temperature"), ("20 mK", "length")],
)
def test_wrong_dimension(text, kind):
    with pytest.raises(UnitError, match="must be"):
        parse_quantity(text, kind, "field `x`")


def test_bare_number_refused():
    with pytest.raises(UnitError, match="bare number"):
        parse_quantity(10.0, "time", "field `t1`")


def test_garbage_refused():
    with pytest.raises(UnitError, match="not a quantity"):
        parse_quantity("ten megahertz", "frequency", "field `f01`")


def test_angular_and_cyclic_are_inverse():
    assert angular(1.0) == pytest.approx(2 * math.pi)
    assert cyclic(angular(3.7e9)) == pytest.approx(3.7e9)


def test_bose_occupation_paper001_room_temperature():
    # paper 001, Sec. V A: 5 GHz at 293 K gives n_th ≈ 1220 (quoted to 3-4 digits)
    assert bose_occupation(5e9, 293.0) == pytest.approx(1220, rel=1e-3)


def test_bose_occupation_limits():
    # classical limit n ≈ k_B T / h f − 1/2 (next order of the expansion), and T = 0 gives 0
    f, t = 1e6, 300.0
    x = 6.62607015e-34 * f / (1.380649e-23 * t)
    assert bose_occupation(f, t) == pytest.approx(1 / x - 0.5, rel=1e-9)
    assert bose_occupation(5e9, 0.0) == 0.0
    # deep quantum limit: n ≈ exp(−h f / k_B T)
    assert bose_occupation(5e9, 0.02) == pytest.approx(
        math.exp(-5e9 * 4.799243e-11 / 0.02), rel=1e-5
    )


def test_decibels():
    assert parse_decibels("0.8 dB") == pytest.approx(0.8)
    assert parse_decibels("3.2 dB/km", per_length=True) == pytest.approx(3.2e-3)
    with pytest.raises(UnitError):
        parse_decibels(0.8, "field `insertion_loss`")
    with pytest.raises(UnitError):
        parse_decibels("3 dB", "field `loss_per_length`", per_length=True)


def test_numbers_for_overrides_are_in_si_units_or_db():
    # what with_overrides reads a plain number in, and reads back: one table for every caller
    from qnet_design.specs.setups import si_number, si_unit
    from qnet_design.units import Q_

    assert si_number(Q_("20 us"), "time") == pytest.approx((2e-05, "s"))
    assert si_number(Q_("5 GHz"), "frequency") == (5e9, "Hz")
    assert si_number(Q_("50 mK"), "temperature") == pytest.approx((0.05, "K"))
    assert si_number(0.5, "db") == (0.5, "dB")
    assert si_number(3.2e-3, "db_per_length") == (3.2e-3, "dB/m")
    assert si_number(1e5, "number") == (1e5, "")
    assert [si_unit(k) for k in ("length", "velocity", "per_length", None)] == [
        "m",
        "m/s",
        "1/m",
        "",
    ]
