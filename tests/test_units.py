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
)


def test_cyclic_frequency_in_hz():
    assert magnitude("10 MHz", "frequency") == pytest.approx(1e7, rel=1e-15)
    assert magnitude("1/(1 us)", "frequency") == pytest.approx(1e6, rel=1e-15)


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
