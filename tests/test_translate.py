"""Translators against hand calculations of every 2π and factor-2 convention (README units)."""

from __future__ import annotations

import math

import pytest

from qnet_design.specs import parse_device
from qnet_design.translate.channels import translate_channel
from qnet_design.translate.qubits import translate_transmon
from qnet_design.translate.sources import (
    squeezed_thermal_moments,
    translate_squeezer,
    translate_thermal_source,
)

TWO_PI = 2 * math.pi
HEAD = {"name": "t", "reference": "none", "notes": "test"}


def _device(kind: str, **fields):
    return parse_device({"kind": kind, **HEAD, **fields})


def test_transmon_hand_calculation():
    # γ = 2π × 10 MHz; T1 = 15 ns total → γ′ = 1/T1 − γ; T2 = 25 ns → 1/T_phi = 1/T2 − 1/(2 T1)
    q = translate_transmon(
        _device("transmon", f01="5 GHz", waveguide_linewidth="10 MHz", t1="15 ns", t2="25 ns")
    )
    gamma = TWO_PI * 10e6
    assert q.omega == pytest.approx(TWO_PI * 5e9, rel=1e-12)
    assert q.gamma == pytest.approx(gamma, rel=1e-12)
    assert q.gamma_loss == pytest.approx(1 / 15e-9 - gamma, rel=1e-12)
    assert q.gamma_phi == pytest.approx(1 / 25e-9 - 1 / (2 * 15e-9), rel=1e-12)


def test_transmon_coupling_q_and_directionality():
    # γ_rad = ω01/Q_c; directionality d sends (1 − d) γ_rad into the loss channel γ′
    q = translate_transmon(
        _device("transmon", f01="6 GHz", coupling_q=600.0, directionality=0.9, t1_intrinsic="20 us")
    )
    gamma_rad = TWO_PI * 6e9 / 600.0
    assert q.gamma == pytest.approx(0.9 * gamma_rad, rel=1e-12)
    assert q.gamma_loss == pytest.approx(1 / 20e-6 + 0.1 * gamma_rad, rel=1e-12)
    assert q.gamma_phi == 0.0


def test_transmon_t_phi_directly():
    q = translate_transmon(
        _device("transmon", f01="5 GHz", waveguide_linewidth="1 MHz", t_phi="50 us")
    )
    assert q.gamma_phi == pytest.approx(1 / 50e-6, rel=1e-12)


def test_transmon_from_ej_ec_with_scqubits():
    # asymptotic transmon spectrum (Koch et al. 2007): f01 ≈ √(8 EJ EC) − EC, α ≈ −EC;
    # at EJ/EC = 80 the next corrections are O(EC·√(EC/EJ)) ≈ 3 % of EC, so 0.5 % of f01
    # and 15 % of α are safe bounds
    ej, ec = 20e9, 0.25e9
    q = translate_transmon(
        _device("transmon", ej="20 GHz", ec="250 MHz", waveguide_linewidth="1 MHz")
    )
    assert q.omega / TWO_PI == pytest.approx(math.sqrt(8 * ej * ec) - ec, rel=5e-3)
    assert q.anharmonicity is not None
    assert q.anharmonicity / TWO_PI == pytest.approx(-ec, rel=0.15)


def test_squeezer_conventions():
    # dB below vacuum → r = S ln10 / 20; power gain G → cosh² r = G; κ = 2π × linewidth
    s = translate_squeezer(
        _device(
            "two_mode_squeezer",
            device_type="NDPA",
            center_frequency_a="5 GHz",
            center_frequency_b="6 GHz",
            squeezing_db="8.686 dB",
            linewidth_a="20 MHz",
            linewidth_b="30 MHz",
        )
    )
    assert s.r == pytest.approx(1.0, rel=1e-4)
    assert s.kappa_a == pytest.approx(TWO_PI * 20e6)
    assert s.kappa_b == pytest.approx(TWO_PI * 30e6)
    g = translate_squeezer(
        _device(
            "two_mode_squeezer",
            device_type="JPA",
            center_frequency_a="5 GHz",
            center_frequency_b="6 GHz",
            gain_db="20 dB",
            linewidth="20 MHz",
        )
    )
    assert math.cosh(g.r) ** 2 == pytest.approx(100.0, rel=1e-12)


def test_squeezed_thermal_moments():
    # pure two-mode squeezed vacuum: n̄ = sinh² r, m̄ = sinh r cosh r, so m̄² = n̄(n̄ + 1)
    nbar, mbar = squeezed_thermal_moments(0.7, 0.0)
    assert mbar**2 == pytest.approx(nbar * (nbar + 1), rel=1e-12)
    # thermal only: n̄ = n_T, m̄ = 0
    assert squeezed_thermal_moments(0.0, 0.3) == pytest.approx((0.3, 0.0))


def test_thermal_filter_paper001_section_VA():
    # paper 001, Sec. V A: 5 GHz, 293 K → n_th ≈ 1220; Q = 2.5e5 → κ/γ = 1e-3 at γ/2π = 10 MHz,
    # with the total energy linewidth 2κ = ω_c/Q
    src = translate_thermal_source(
        _device("thermal_source", temperature="293 K", filter_frequency="5 GHz", filter_q=2.5e5)
    )
    assert src.n_th == pytest.approx(1220, rel=1e-3)
    assert 2 * src.kappa == pytest.approx(TWO_PI * 5e9 / 2.5e5, rel=1e-12)
    assert src.kappa / (TWO_PI * 10e6) == pytest.approx(1e-3, rel=1e-12)
    assert src.flux == pytest.approx(src.kappa * src.n_th / 2)


def test_channel_loss_budget():
    # 0.5 dB/km over 2 km plus 0.8 dB of circulators: 1.8 dB → p = 1 − 10^(−0.18)
    ch = translate_channel(
        _device(
            "channel",
            length="2 km",
            loss_per_length="0.5 dB/km",
            insertion_loss="0.8 dB",
            base_temperature="20 mK",
        ),
        5e9,
    )
    assert ch.p_loss == pytest.approx(1 - 10 ** (-0.18), rel=1e-12)
    # n(5 GHz, 20 mK) = 1/(exp(hf/kT) − 1) with hf/kT = 12.0
    assert ch.residual_occupation == pytest.approx(
        1 / math.expm1(6.62607015e-34 * 5e9 / (1.380649e-23 * 0.02))
    )


def test_dual_rail_detunings_from_output_centre_frequencies(tmp_path):
    # rail-A qubit 3 MHz above output A, rail-B qubit 3 MHz below output B: δ_B,1 = −δ_A,1,
    # and the layout's step adds δ_A,i = δ_A,1 + (i − 1)Δ (units of γ = 2π × 10 MHz)
    from qnet_design import load_setup, translate

    head = 'name = "t"\nreference = "none"\nnotes = "test"\n'
    qubit = 'kind = "transmon"\n' + head + 'waveguide_linewidth = "10 MHz"\nf01 = "{f}"\n'
    (tmp_path / "qa.toml").write_text(qubit.format(f="5.003 GHz"))
    (tmp_path / "qb.toml").write_text(qubit.format(f="5.997 GHz"))
    (tmp_path / "s.toml").write_text(
        'kind = "two_mode_squeezer"\n' + head + 'device_type = "NDPA"\nsqueezing_r = 1.0\n'
        'center_frequency_a = "5 GHz"\ncenter_frequency_b = "6 GHz"\nlinewidth = "200 MHz"\n'
    )
    (tmp_path / "setup.toml").write_text(
        'scheme = "dual_rail"\nname = "t"\n[devices]\nqubit = "qa.toml"\nqubit_b = "qb.toml"\n'
        'source = "s.toml"\n[layout]\npairs = 3\ndetuning_step = "5 MHz"\n'
    )
    kwargs = translate(load_setup(tmp_path / "setup.toml")).model_kwargs
    assert kwargs["delta_a"] == pytest.approx((0.3, 0.8, 1.3), rel=1e-9)
    assert kwargs["beta"] == pytest.approx(20.0)


def test_bidirectional_link_reports_the_total_radiative_rate(tmp_path):
    # a symmetric (d = 0.5) transmon on a two-way waveguide: the reference rate and the reported
    # γ₁ are the whole radiative rate, nothing is counted as wrong-direction loss
    from qnet_design import load_setup, translate

    head = 'name = "t"\nreference = "none"\nnotes = "test"\n'
    (tmp_path / "q.toml").write_text(
        'kind = "transmon"\n' + head + 'f01 = "5 GHz"\nwaveguide_linewidth = "10 MHz"\n'
        "directionality = 0.5\n"
    )
    (tmp_path / "s.toml").write_text(
        'kind = "thermal_source"\n'
        + head
        + 'temperature = "293 K"\nfilter_frequency = "5 GHz"\nfilter_q = 2.5e5\n'
    )
    (tmp_path / "c.toml").write_text('kind = "channel"\n' + head + 'phase_velocity = "1e8 m/s"\n')
    (tmp_path / "setup.toml").write_text(
        'scheme = "thermal_link"\nname = "t"\n[devices]\nqubit = "q.toml"\nsource = "s.toml"\n'
        'channel = "c.toml"\n[layout]\ngeometry = "bidirectional"\npositions = ["0.1 m", "0.2 m"]\n'
    )
    tr = translate(load_setup(tmp_path / "setup.toml"))
    assert tr.reference.angular == pytest.approx(TWO_PI * 10e6, rel=1e-12)
    assert tr.dimensionless(tr.rate("gamma1")) == pytest.approx(1.0, rel=1e-12)
    assert tr.rate("gamma_loss1").angular == 0.0


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # 20 dB of gain with 1.5 added photons (Bell et al. 2025 TWPA): entangled, but the pure
        # squeezing model would use r alone and report an almost perfect Bell-pair source
        ({"source.added_noise": 1.5}, "adds n_T = 1.5 noise photons"),
        # a noisy source with little squeezing carries no entanglement at all (m̄ <= n̄)
        (
            {"source.added_noise": 0.5, "source.squeezing_db": "0.5 dB"},
            "is not entangled",
        ),
        # a 1 K link holds ~ 0.3 photons at 5 GHz: no cold-waveguide answer
        ({"channel.base_temperature": "1 K"}, "thermal photons at the qubit frequency"),
    ],
)
def test_dual_rail_refuses_imperfections_its_model_cannot_hold(devices_dir, overrides, expected):
    from qnet_design.errors import DeviceFileError
    from qnet_design.specs.setups import load_setup, with_overrides
    from qnet_design.translate import translate

    setup = load_setup(devices_dir / "setups" / "dual_rail_twpa.toml")
    with pytest.raises(DeviceFileError, match=expected):
        translate(with_overrides(setup, overrides))


def test_dual_rail_small_not_modelled_imperfections_are_warned_not_refused(devices_dir):
    """Below the documented thresholds (1e-2 photons) the translation goes ahead with a warning
    naming the dropped value (the catalog link at 50 mK holds 8.3e-3 photons at 5 GHz)."""
    from qnet_design.specs.setups import load_setup, with_overrides
    from qnet_design.translate import translate
    from qnet_design.translate.dual_rail import MAX_LINK_OCCUPATION, MAX_SOURCE_NOISE

    setup = load_setup(devices_dir / "setups" / "dual_rail_twpa.toml")
    tr = translate(with_overrides(setup, {"source.added_noise": 0.5 * MAX_SOURCE_NOISE}))
    assert any("n_T" in w and "not modelled" in w for w in tr.warnings)
    n_res = next(p.value for p in tr.parameters if p.name == "residual_occupation")
    assert 1e-3 < n_res < MAX_LINK_OCCUPATION
    assert any("n_res" in w and "not modelled" in w for w in tr.warnings)


def _translation(reference_hz: float):
    from qnet_design.translate import Rate, Translation

    rate = Rate("gamma", "γ", TWO_PI * reference_hz)
    return Translation("thermal_link", "t", rate, (rate,), (), None)


def test_model_times_and_rates_back_to_lab_units_by_hand():
    # γ = 2π × 10 MHz: a model time γt = 50 is 50/(2π·1e7) s = 0.7958 µs; a model rate
    # Φ = 0.3γ is 0.3·2π·1e7 /s = 18.85 per µs (events per time: no 2π removed)
    import numpy as np

    tr = _translation(10e6)
    assert tr.to_time(50.0, "us") == pytest.approx(50.0 / (TWO_PI * 1e7) * 1e6, rel=1e-14)
    assert tr.to_time(50.0, "ns") == pytest.approx(50.0 / (TWO_PI * 1e7) * 1e9, rel=1e-14)
    assert tr.to_time(50.0, "s") == pytest.approx(50.0 / (TWO_PI * 1e7), rel=1e-14)
    assert tr.to_rate(0.3, "1/us") == pytest.approx(0.3 * TWO_PI * 1e7 * 1e-6, rel=1e-14)
    assert tr.to_rate(0.3, "1/s") == pytest.approx(0.3 * TWO_PI * 1e7, rel=1e-14)
    times = tr.to_time(np.array([0.0, 1.0, 2.0]), "us")
    assert isinstance(times, np.ndarray)
    assert times == pytest.approx([0.0, 1e6 / (TWO_PI * 1e7), 2e6 / (TWO_PI * 1e7)], rel=1e-14)
    assert isinstance(tr.to_time(1, "us"), float)


@pytest.mark.parametrize(
    ("method", "unit", "message"),
    [
        ("to_time", "MHz", "not a unit of time"),
        ("to_time", "m", "not a unit of time"),
        ("to_time", "furlongs per", "not a unit of time"),
        ("to_rate", "us", "not a unit of rate"),
        ("to_rate", "MHz", "Rate.hz"),
        ("to_rate", "1/s/Hz", "Rate.hz"),
    ],
)
def test_units_out_refuse_a_wrong_unit_and_hz(method, unit, message):
    from qnet_design.errors import UnitError

    with pytest.raises(UnitError, match=message):
        getattr(_translation(10e6), method)(1.0, unit)
