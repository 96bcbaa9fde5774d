"""Thermal link (paper 001): the exact routes against the paper's limits, figures and numbers.

Reference numbers come from data/thermal_link_reference.toml (quoted from the paper). Closed
forms (Eq. 18, Υ of Eq. 21-23, Eq. 46-47) are re-derived here from the paper, independently of
qnet_design.schemes.thermal_link.approximations.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import expm
from scipy.special import exp1

from qnet_design.metrics import crossing_time
from qnet_design.schemes.thermal_link import (
    ThermalLink,
    bose_occupation,
    exact_kappa_max,
    fock,
    hierarchy,
)

from .conftest import load_reference

REF = load_reference("thermal_link_reference")


def upsilon(x: float) -> float:
    """Υ(x) = e^{1/(8x)} Γ[0, 1/(8x)]/(8x) (Eq. 21); Γ[0, y] = E₁(y)."""
    y = 1.0 / (8.0 * x)
    return float(math.exp(y) * exp1(y) * y)


def _value(key: str) -> float:
    return float(REF[key]["value"])


# -------------------------------------------------------------------- Sec. V A numbers ----
def test_room_temperature_occupation_at_5_ghz() -> None:
    n = bose_occupation(_value("sc_frequency_hz"), _value("sc_temperature_k"))
    # the paper quotes 1220 (4 digits): agreement to 5e-4 relative
    assert n == pytest.approx(_value("sc_n_th"), rel=5e-4)


def test_filter_q_gives_kappa_over_gamma() -> None:
    # 2κ = ω_c/Q (README, "Units and conventions"): κ/γ = (f_c / 2Q) / (γ/2π), all cyclic
    kappa = _value("sc_frequency_hz") / (2 * _value("sc_quality_factor"))
    assert kappa / _value("sc_gamma_over_2pi_hz") == pytest.approx(_value("sc_kappa_over_gamma"))


# --------------------------------------------------------------------------- limits ----
@pytest.mark.parametrize("n_th", [0.5, 1.0, 5.0])
def test_markov_limit_is_separable_thermal_product(n_th: float) -> None:
    # κ ≫ γ(2n_th + 1): exact solution → Eq. 18, ρ_th ⊗ ρ_th, C = 0
    kappa = 100.0
    res = fock.steady_state(ThermalLink(n_th, kappa))
    assert res.concurrence == 0.0
    p_exc = n_th / (2 * n_th + 1)  # single-qubit excited population of Eq. 18
    single = np.diag([1 - p_exc, p_exc])
    eq18 = np.kron(single, single)
    # corrections are first order in γ(2n_th+1)/κ ≤ 0.11: bound the deviation by that
    assert np.max(np.abs(res.rho.full() - eq18)) < (2 * n_th + 1) / kappa


def test_markov_limit_approached_as_one_over_kappa() -> None:
    def deviation(kappa: float) -> float:
        rho = fock.steady_state(ThermalLink(1.0, kappa)).rho.full()
        return float(np.max(np.abs(rho - np.kron(np.diag([2, 1]) / 3, np.diag([2, 1]) / 3))))

    ratio = deviation(20.0) / deviation(100.0)
    assert 3.5 < ratio < 7.0  # 1/κ scaling gives 5; the window allows O(1/κ²) terms


def test_quasistatic_limit_one_minus_upsilon() -> None:
    # κ → 0 at fixed Φ = 0.5γ: C → 1 − Υ(Φ/γ) (Eq. 23); the leading correction of the Bourret
    # expansion (Eq. 31) is O(√κ), so the deviation must shrink ~√10 per decade of κ
    phi = 0.5
    dev = []
    for kappa in (1e-3, 1e-4):
        c = hierarchy.steady_state(ThermalLink(2 * phi / kappa, kappa)).concurrence
        dev.append(abs(c - (1 - upsilon(phi))))
    assert dev[1] < 0.01
    assert 2.5 < dev[0] / dev[1] < 4.5


def test_kappa_max_of_exact_solution_lies_in_eq32_window() -> None:
    # Fig. 2(d), n_th = 2: entangled just inside the lower bound, separable at the upper bound
    n_th = _value("fig2d_n_th")
    assert fock.steady_state(ThermalLink(n_th, _value("kappa_max_lower"))).concurrence > 0.0
    assert fock.steady_state(ThermalLink(n_th, _value("kappa_max_upper"))).concurrence == 0.0
    # and the bisection helper lands inside the same window (we find 0.2327 at n_th = 2,
    # next to 0.2325 from Eq. 31 and 0.551 from the full App. A Bourret populations)
    kmax = exact_kappa_max(n_th, tolerance=1e-3)
    assert _value("kappa_max_lower") < kmax < _value("kappa_max_upper")


def _exact_optimum(kappa: float) -> tuple[float, float]:
    from scipy.optimize import minimize_scalar

    start = 1.0 / (12 * kappa**2)

    def neg_c(log_n: float) -> float:
        return -hierarchy.steady_state(ThermalLink(math.exp(log_n), kappa)).concurrence

    res = minimize_scalar(neg_c, bracket=(math.log(start / 3), math.log(start)), tol=1e-3)
    return math.exp(res.x), -res.fun


@pytest.mark.parametrize(
    "kappa",
    [1e-2, pytest.param(3e-3, marks=pytest.mark.slow), pytest.param(1e-3, marks=pytest.mark.slow)],
)
def test_maximum_over_n_th_against_eq46_47(kappa: float) -> None:
    n_star, c_star = _exact_optimum(kappa)
    n46 = 1.0 / (12 * kappa**2)  # Eq. 46
    c47 = 1 - 2 * upsilon(1.0 / (48 * kappa))  # Eq. 47
    # Eq. 46-47 are lowest order in κ/γ within a three-level model; C(n_th) is flat near its
    # maximum, so the position is only fixed to a factor: we find 0.6-0.8 × Eq. 46
    assert 0.5 < n_star / n46 < 1.5
    assert abs(c_star - c47) < 0.04
    assert c_star < c47  # Eq. 47 neglects |11⟩ and higher orders in κ: it overestimates


# --------------------------------------------------------------------------- Fig. 3(b) ----
_SM = np.array([[0.0, 1.0], [0.0, 0.0]])


def _coherent_p1(amp: float, times: np.ndarray) -> np.ndarray:
    """Single qubit, H = −i amp (σ⁺ − σ⁻) (Eq. 16 with √κ α = amp), γ D[σ⁻], from |0⟩."""
    eye = np.eye(2)
    h = -1j * amp * (_SM.T - _SM)
    lv = -1j * (np.kron(eye, h) - np.kron(h.T, eye))
    lv += np.kron(_SM.conj(), _SM) - 0.5 * np.kron(eye, _SM.T @ _SM)
    lv -= 0.5 * np.kron((_SM.T @ _SM).T, eye)
    r0 = np.array([1, 0, 0, 0], dtype=complex)
    step = expm(lv * (times[1] - times[0]))  # uniform grid: one propagator, repeated
    out, r = [], r0
    for _ in times:
        out.append(np.real(r[3]))
        r = step @ r
    return np.array(out)


def test_fig3b_thermal_drive_averages_out_rabi_oscillations() -> None:
    phi = _value("fig3b_flux")
    times = np.linspace(0.0, 3.0, 31)
    kappa = 1e-3
    ev = hierarchy.evolve(ThermalLink(2 * phi / kappa, kappa, gamma2=0.0), times)
    p1 = ev.population("p1")
    # independent check: for κ → 0 the field is static, |α|² exponentially distributed with
    # mean n_th/2, so p₁(t) is the Gauss–Laguerre average of coherent Rabi curves (amp² = Φx);
    # the field drifts by √(2κt) ≤ 8 % over t ≤ 3, which bounds the difference by ~1e-3
    x, w = np.polynomial.laguerre.laggauss(80)
    static = sum(wi * _coherent_p1(math.sqrt(phi * xi), times) for xi, wi in zip(x, w, strict=True))
    assert np.max(np.abs(p1 - static)) < 2e-3
    coherent = _coherent_p1(math.sqrt(phi), times)  # fixed |α|² = n_th/2: Ω_R = √(γΦ)

    def maxima(curve: np.ndarray) -> int:
        return int(np.sum((curve[1:-1] > curve[:-2]) & (curve[1:-1] > curve[2:])))

    # the coherent drive oscillates (several maxima, swing > 0.3); the thermal drive rises to
    # its plateau with at most one small overshoot (the paper calls it monotonic)
    assert maxima(coherent) >= 2 and np.ptp(coherent[10:]) > 0.3
    assert maxima(p1) <= 1 and np.max(p1) - p1[-1] < 0.1
    # in the Markovian regime (κ = 10γ) the rise is monotonic up to a 1e-5 overshoot (the
    # residual memory time 1/κ); we bound it by 1e-4
    markov = hierarchy.evolve(ThermalLink(2 * phi / 10.0, 10.0, gamma2=0.0), times)
    p_markov = markov.population("p1")
    assert maxima(p_markov) <= 1 and np.max(p_markov) - p_markov[-1] < 1e-4


# ----------------------------------------------------------------------- Fig. 4 (Sec. V A) ----
def _sc_model(**kw: float) -> ThermalLink:
    return ThermalLink(_value("sc_n_th"), _value("sc_kappa_over_gamma"), **kw)


def _c(model: ThermalLink) -> float:
    return hierarchy.steady_state(model).concurrence


def _gamma_phi(t_phi_s: float, gamma_over_2pi_hz: float) -> float:
    """γ_φ/γ for the term (γ_φ/2)D[σ_z] with γ_φ = 1/T_φ (Sec. V A; README conventions)."""
    return 1.0 / (t_phi_s * 2 * math.pi * gamma_over_2pi_hz)


def test_fig4_imperfections_reduce_entanglement() -> None:
    c0 = _c(_sc_model())
    g = _value("sc_gamma_over_2pi_hz")
    c_tphi = [_c(_sc_model(gamma_phi=_gamma_phi(t, g))) for t in (1e-4, 2e-5, 1e-5)]
    assert c0 > c_tphi[0] > c_tphi[1] > c_tphi[2] > 0.5  # T_φ = 100, 20, 10 µs
    for kw in ({"gamma2": 0.9}, {"gamma2": 1.1}, {"delta1": 0.1, "delta2": 0.1}):
        assert 0.0 < _c(_sc_model(**kw)) < c0
    c_loss = [_c(_sc_model(p_loss=p)) for p in (0.01, 0.05)]
    # "losses of several percent are still acceptable": smaller but still substantial
    assert c0 > c_loss[0] > c_loss[1] > 0.2
    # Sec. V A: a purely asymmetric detuning δ_a has no significant effect, unlike δ_s
    c_da = _c(_sc_model(delta1=0.2, delta2=-0.2))
    c_ds = _c(_sc_model(delta1=0.2, delta2=0.2))
    assert abs(c0 - c_da) < 0.2 * abs(c0 - c_ds)


def test_fig4_concurrence_builds_up_long_before_one_over_kappa() -> None:
    model = _sc_model()
    final = _c(model)
    times = np.linspace(0.0, 100.0, 201)
    ev = hierarchy.evolve(model, times)
    # crossing_time finds where a curve falls to a threshold: use the shortfall 1 − C/C_ss
    shortfall = 1.0 - ev.concurrence / final
    t50 = crossing_time(times, shortfall, 0.5)
    t90 = crossing_time(times, shortfall, 0.1)
    # Sec. V A: the entanglement forms on the qubit time scale, not on 1/κ = 1000/γ; we find
    # C reaches 50 % of C_ss at γt ≈ 17 and 90 % at γt ≈ 52 (tens of 1/γ, not ~1/γ)
    assert t50 < t90 < 0.1 / model.kappa
    assert np.all(ev.concurrence <= final + 1e-3)  # approached from below, no overshoot


def test_fig4b_dephasing_lowers_the_whole_build_up() -> None:
    # Fig. 4(b): C(t) from |00⟩ at n_th = 1220 for finite T_φ (γ/2π = 10 MHz): the curve with
    # T_φ = 10 µs stays below the ideal one once entanglement has formed, and still rises
    times = np.linspace(0.0, 40.0, 81)
    gphi = _gamma_phi(1e-5, _value("sc_gamma_over_2pi_hz"))
    ideal = hierarchy.evolve(_sc_model(), times).concurrence
    noisy = hierarchy.evolve(_sc_model(gamma_phi=gphi), times).concurrence
    formed = ideal > 0.05
    assert np.all(noisy[formed] < ideal[formed])
    assert noisy[-1] > 0.5 * ideal[-1]


# ------------------------------------------------------------ bidirectional (Sec. V B) ----
def test_bidirectional_nodes_reproduce_chiral_dark_state() -> None:
    # Eq. 49-52: at the nodes the classical drive is i(√κγ/2)(α*S − αS†), half the chiral one,
    # so the dark state of Eq. 19 (chiral) is reproduced for δ_a = γ/4; with the paper's
    # δ_a = γ/2 (Eq. 50, Fig. 6) the same state appears at flux Φ/4. Checked in the static
    # limit κ = 1e-4 with the O(√κ) tolerance of the chiral test above.
    phi, kappa = 0.5, 1e-4
    n_th = 2 * phi / kappa
    quarter = ThermalLink(n_th, kappa, delta1=0.25, delta2=-0.25, geometry="bidirectional")
    half = ThermalLink(n_th, kappa, delta1=0.5, delta2=-0.5, geometry="bidirectional")
    assert abs(hierarchy.steady_state(quarter).concurrence - (1 - upsilon(phi))) < 0.01
    assert abs(hierarchy.steady_state(half).concurrence - (1 - upsilon(phi / 4))) < 0.01


def test_bidirectional_backaction_negligible_at_nodes() -> None:
    # Fig. 6(a): exact simulation of Eq. 49 (Fock, with backaction) vs the phase-space route
    # (no backaction) — "perfect agreement" on the plot; we allow 0.01 in C
    m = ThermalLink(50.0, 0.02, delta1=0.5, delta2=-0.5, geometry="bidirectional")
    assert fock.steady_state(m).concurrence == pytest.approx(
        hierarchy.steady_state(m).concurrence, abs=0.01
    )


def test_fig6b_entanglement_only_near_multiples_of_pi() -> None:
    n_th, kappa, da = _value("fig6b_n_th"), _value("fig6b_kappa"), _value("fig6_delta_a")
    pi = math.pi

    def c(z1: float, z2: float) -> float:
        m = ThermalLink(
            n_th, kappa, delta1=da, delta2=-da, geometry="bidirectional", positions=(z1, z2)
        )
        return hierarchy.steady_state(m).concurrence

    on = [c(2 * pi, 4 * pi), c(pi, 2 * pi), c(pi, 3 * pi)]
    off = [c(pi / 2, 2 * pi), c(2 * pi, 2.5 * pi), c(2 * pi + 0.3, 4 * pi)]
    assert min(on) > 0.5 and max(off) < 0.05


# ---------------------------------------------------------------------- Sec. V B 3 (SiV) ----
def _siv_model(case: str, dephasing_factor: float) -> ThermalLink:
    q = _value("siv_quality_factor")
    g = _value(f"{case}_gamma_over_2pi_hz")
    kappa = _value(f"{case}_frequency_hz") / (2 * q) / g  # 2κ = ω_c/Q
    gphi = dephasing_factor * _gamma_phi(_value(f"{case}_t_phi_s"), g)
    da = _value("fig6_delta_a")
    return ThermalLink(
        _value(f"{case}_n_th"),
        kappa,
        delta1=da,
        delta2=-da,
        gamma_phi=gphi,
        geometry="bidirectional",
    )


def test_siv_estimate_50ghz() -> None:
    # Q = 1e6 (κ = 0.025γ), nodes, δ_a = γ/2, n_th = 100. The paper's "about 0.2" needs the
    # dephasing term γ_φ D[σ_z] with γ_φ = 1/T_φ (coherences decay at 2/T_φ); with the
    # toolkit convention (γ_φ/2)D[σ_z] the same parameters give C ≈ 0.29 (see the report)
    c = hierarchy.steady_state(_siv_model("siv1", dephasing_factor=2.0)).concurrence
    assert c == pytest.approx(_value("siv1_concurrence"), abs=0.05)  # one significant digit
    c_toolkit = hierarchy.steady_state(_siv_model("siv1", dephasing_factor=1.0)).concurrence
    assert c_toolkit > c


def test_siv_estimate_3ghz() -> None:
    # Q = 1e6 (κ = 0.006γ), T_φ = 1 ms, toolkit dephasing convention (γ_φ/2)D[σ_z], n_th = 1000
    c = hierarchy.steady_state(_siv_model("siv2", dephasing_factor=1.0)).concurrence
    assert c == pytest.approx(_value("siv2_concurrence"), abs=0.005)  # two significant digits


# ------------------------------------------------------------------- slow exact checks ----
@pytest.mark.slow
def test_fock_and_hierarchy_agree_at_room_temperature() -> None:
    # the Fock route at n_th = 1220 needs a cutoff ~ 1.6e4 (sector ~ 2.6e5 unknowns)
    m = _sc_model()
    f = fock.steady_state(m)
    h = hierarchy.steady_state(m)
    assert np.max(np.abs(f.rho.full() - h.rho.full())) < 1e-4
    assert f.concurrence == pytest.approx(h.concurrence, abs=1e-4)


@pytest.mark.slow
def test_bidirectional_off_node_fock_vs_hierarchy() -> None:
    # Sec. V B 1: away from the nodes the no-backaction route "somewhat overestimates" C but
    # "accurately captures the dependence on the positions". At n_th = 100 we find the two
    # within 0.01 (0.313 without vs 0.320 with backaction: no overestimate at this point), so
    # the test only holds them within 0.02
    m = ThermalLink(
        100.0,
        0.02,
        delta1=0.5,
        delta2=-0.5,
        geometry="bidirectional",
        positions=(2 * math.pi + 0.05, 4 * math.pi - 0.05),
    )
    c_exact = fock.steady_state(m).concurrence
    c_phase = hierarchy.steady_state(m).concurrence
    assert abs(c_phase - c_exact) < 0.02
    assert c_exact > 0.1  # still in the entangled regime
