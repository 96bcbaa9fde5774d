"""Tests of the closed-form and approximate routes of the thermal link (paper 001).

Reference numbers come from data/thermal_link_approximations_reference.toml (with provenance).
The "exact" comparisons use a small Fock-truncated master equation built here with QuTiP, a
direct transcription of paper 001 Eq. 1-4 (plus the dephasing term of Sec. V A and the lossy
cascade Eq. 48) — deliberately independent of the package's own exact routes.

Typo decisions checked here (see also the module docstring):
* App. A ρ₀₀ numerator "(3γ+2γ)²" → "(3γ+2κ)²" (test_appendix_a_printed_rho00_violates_trace,
  test_bourret_closed_form_equals_independent_laplace_solution).
"""

from __future__ import annotations

import math
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pytest
import qutip as qt
from scipy import integrate, linalg, optimize

from qnet_design.errors import ParameterError
from qnet_design.metrics import concurrence
from qnet_design.schemes.thermal_link.approximations import (
    AnalyticOptimum,
    ApproximateState,
    KappaMax,
    ValidityWarning,
    analytic_concurrence,
    analytic_optimum,
    bourret_concurrence,
    kappa_max,
    markov_concurrence,
    phase_diffusion_concurrence,
    quasistatic_concurrence,
    upsilon,
)
from qnet_design.schemes.thermal_link.model import ThermalLink

REF = tomllib.loads(
    (Path(__file__).parents[1] / "data" / "thermal_link_approximations_reference.toml").read_text()
)
KET_T = np.array([0.0, 1.0, 1.0, 0.0]) / math.sqrt(2)
KET_S = np.array([0.0, 1.0, -1.0, 0.0]) / math.sqrt(2)
FOCK_CUTOFF = int(REF["fock_cutoff_small_n_th"]["value"])


# ---------------------------------------------------------------------------------------------
# independent exact reference: Fock-truncated master equation, paper 001 Eq. 1-4 (+ Sec. V A)
# ---------------------------------------------------------------------------------------------
def _fock_steady_state(
    n_th: float,
    kappa: float,
    cutoff: int,
    *,
    gamma2: float = 1.0,
    delta1: float = 0.0,
    delta2: float = 0.0,
    gamma_phi: float = 0.0,
    p_loss: float = 0.0,
) -> tuple[np.ndarray, float]:
    """Reduced two-qubit steady state (basis |00>,|01>,|10>,|11>) and last-Fock-level weight."""
    a = qt.tensor(qt.destroy(cutoff), qt.qeye(2), qt.qeye(2))
    # qt.destroy(2) = |0><1| with |1> excited: sigma^- of Eq. 3
    sig = [
        qt.tensor(qt.qeye(cutoff), qt.destroy(2), qt.qeye(2)),
        qt.tensor(qt.qeye(cutoff), qt.qeye(2), qt.destroy(2)),
    ]
    gam = [1.0, gamma2]
    det = [delta1, delta2]
    h = sum(0.5 * det[i] * (2 * sig[i].dag() * sig[i] - 1) for i in range(2))
    liou = qt.liouvillian(h, [])
    # Eq. 2: hot side kappa(n+1)D[a] + kappa n D[a+], cold waveguide side kappa D[a]
    liou += kappa * (n_th + 1) * qt.lindblad_dissipator(a)
    liou += kappa * n_th * qt.lindblad_dissipator(a.dag())
    liou += kappa * qt.lindblad_dissipator(a)
    for i in range(2):
        s, sd = sig[i], sig[i].dag()
        liou += gam[i] * qt.lindblad_dissipator(s)  # Eq. 3
        liou += 0.5 * gamma_phi * qt.lindblad_dissipator(2 * sd * s - 1)  # Sec. V A
        # Eq. 4, cavity -> qubit i: [a rho, s+] + [s-, rho a+]
        liou += math.sqrt(gam[i] * kappa) * (
            qt.spre(a) * qt.spost(sd) - qt.spre(sd * a) + qt.spre(s) * qt.spost(a.dag())
            - qt.spost(a.dag() * s)
        )  # fmt: skip
    s1, s2 = sig
    # Eq. 4 / Eq. 48, qubit 1 -> qubit 2: [s1 rho, s2+] + [s2, rho s1+]
    liou += math.sqrt(gam[0] * gam[1] * (1 - p_loss)) * (
        qt.spre(s1) * qt.spost(s2.dag()) - qt.spre(s2.dag() * s1) + qt.spre(s2) * qt.spost(s1.dag())
        - qt.spost(s1.dag() * s2)
    )  # fmt: skip
    rho = qt.steadystate(liou)
    return rho.ptrace([1, 2]).full(), float(rho.ptrace(0).diag().real[-1])


def _pops(rho: np.ndarray) -> np.ndarray:
    """(rho_00, rho_T, rho_S, rho_11)."""
    return np.array(
        [rho[0, 0].real, (KET_T @ rho @ KET_T).real, (KET_S @ rho @ KET_S).real, rho[3, 3].real]
    )


def _state_pops(r: ApproximateState) -> np.ndarray:
    return np.array([r.rho_00, r.rho_t, r.rho_s, r.rho_11])


def _unclipped(p: np.ndarray) -> float:
    """Eq. 22 without the max(0, ·): rho_S - rho_T - 2 sqrt(rho_00 rho_11)."""
    return float(p[2] - p[1] - 2 * math.sqrt(max(p[0] * p[3], 0.0)))


def test_fock_reference_is_converged() -> None:
    # the reference itself: raising the cutoff by 5 changes the populations by < 1e-5, far
    # below every tolerance the Fock comparisons use (>= 5e-3 absolute or 1 % relative)
    rho_a, last = _fock_steady_state(2.0, 0.05, FOCK_CUTOFF)
    rho_b, _ = _fock_steady_state(2.0, 0.05, FOCK_CUTOFF + 5)
    assert last < 1e-5
    assert np.max(np.abs(rho_a - rho_b)) < 1e-5


# ---------------------------------------------------------------------------------------------
# Υ function
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("x", [1e-5, 1e-3, 0.05, 0.61, 10.0, 1e4])
def test_upsilon_is_the_thermal_average_of_the_dark_state_ground_weight(x: float) -> None:
    # Eq. 20-21: Υ(x) = ∫ e^{-t}/(1 + 8 x t) dt, computed here by plain quadrature;
    # 1e-9 relative is well above quad's error on this smooth integrand
    ref, _ = integrate.quad(lambda t: math.exp(-t) / (1 + 8 * x * t), 0, np.inf, epsabs=0,
                            epsrel=1e-12, limit=200)  # fmt: skip
    assert upsilon(x) == pytest.approx(ref, rel=1e-9)


def test_upsilon_limits() -> None:
    slope = REF["weak_flux_slope"]["value"]
    assert upsilon(0.0) == 1.0
    # weak flux: 1 - Υ = 8x - 128x² + ...; at x = 1e-4 the quadratic term is 1.6 % of 8x
    x = 1e-4
    assert 1 - upsilon(x) == pytest.approx(slope * x, rel=0.02)
    # strong flux: Υ ≈ [ln(8x) − γ_E]/(8x) + O(ln x/x²); at x = 1e4 the correction is ~1e-4 rel
    x = 1e4
    lead = REF["strong_flux_limit"]["value"]
    assert upsilon(x) == pytest.approx((math.log(lead * x) - np.euler_gamma) / (lead * x), rel=1e-3)
    np.testing.assert_allclose(upsilon(np.array([0.0, 1e-3])), [1.0, upsilon(1e-3)])


# ---------------------------------------------------------------------------------------------
# Markov limit, Eq. 17-18
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_th", REF["markov_n_th_values"]["value"])
def test_markov_limit_is_separable_for_any_n_th(n_th: float) -> None:
    # kappa far above gamma(2n+1): inside the Markov range, no warning
    r = markov_concurrence(ThermalLink(n_th=n_th, kappa=100 * (2 * n_th + 1)))
    assert r.concurrence == 0.0
    p = n_th / (2 * n_th + 1)  # Eq. 18: each qubit thermal with excited population n/(2n+1)
    rho_th = np.diag([1 - p, p])
    np.testing.assert_allclose(r.rho, np.kron(rho_th, rho_th), atol=1e-14)


def test_markov_closed_form_solves_eq17() -> None:
    # Eq. 17 built independently with QuTiP for the ideal link; Eq. 18 is its steady state
    n = 3.0
    s1 = qt.tensor(qt.destroy(2), qt.qeye(2))
    s2 = qt.tensor(qt.qeye(2), qt.destroy(2))
    sm = s1 + s2
    h_casc = 0.5j * (s1.dag() * s2 - s1 * s2.dag())  # Eq. 5
    rho = qt.steadystate(h_casc, [math.sqrt(n + 1) * sm, math.sqrt(n) * sm.dag()]).full()
    r = markov_concurrence(ThermalLink(n_th=n, kappa=1e3))
    np.testing.assert_allclose(r.rho, rho, atol=1e-10)


def test_markov_numeric_route_against_exact_at_large_kappa() -> None:
    # Non-ideal chiral parameters go through the numerical Eq. 17. Exact Fock reference at
    # kappa = 60 with n_th = 0.5 (cavity n_th/2 = 0.25 photons, cutoff 12). Born-Markov
    # corrections are O(gamma(2n+1)/kappa) = 2/60 ~ 3 %: tolerance 5e-3 absolute on
    # populations of size ~0.1-0.7 (relative ~3 %).
    params = dict(gamma2=0.8, delta1=0.1, delta2=-0.1, gamma_phi=0.05, p_loss=0.1)
    model = ThermalLink(n_th=0.5, kappa=60.0, **params)
    r = markov_concurrence(model)
    assert r.method == "markov-numeric"
    exact, _ = _fock_steady_state(0.5, 60.0, 12, **params)
    np.testing.assert_allclose(_state_pops(r), _pops(exact), atol=5e-3)


def test_markov_warns_outside_range() -> None:
    with pytest.warns(ValidityWarning, match="Markov"):
        r = markov_concurrence(ThermalLink(n_th=1220, kappa=1e-3))
    assert not r.valid


# ---------------------------------------------------------------------------------------------
# quasistatic limit, Eq. 19-23
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("flux", [0.01, 0.61, 20.0])
def test_quasistatic_equals_average_of_dark_state_eq19(flux: float) -> None:
    # Eq. 19 written out and averaged over P_ss (Eq. 20) by quadrature over x = 2|α|²/n_th,
    # where 8κ|α₀|² = 8Φx; 1e-8 is far above the quadrature error
    def pop(x: float) -> tuple[float, float]:
        w = 1 + 8 * flux * x
        return 1 / w, 8 * flux * x / w  # |00>, |S> weights of Eq. 19 (gamma = 1)

    g0 = integrate.quad(lambda x: math.exp(-x) * pop(x)[0], 0, np.inf, epsrel=1e-12)[0]
    gs = integrate.quad(lambda x: math.exp(-x) * pop(x)[1], 0, np.inf, epsrel=1e-12)[0]
    kappa = 1e-6
    r = quasistatic_concurrence(ThermalLink(n_th=2 * flux / kappa, kappa=kappa))
    assert r.rho_00 == pytest.approx(g0, rel=1e-8)
    assert r.rho_s == pytest.approx(gs, rel=1e-8)
    assert r.concurrence == pytest.approx(1 - upsilon(flux), abs=1e-12)  # Eq. 23


def test_quasistatic_numeric_average_reproduces_closed_form() -> None:
    # the numerical route (used for non-ideal links) on an ideal link: Eq. 21 to 1e-8
    from qnet_design.schemes.thermal_link.approximations import _quasistatic_numeric

    model = ThermalLink(n_th=1220, kappa=1e-3)
    rho, conv = _quasistatic_numeric(model)
    assert conv.converged
    r = quasistatic_concurrence(model)
    np.testing.assert_allclose(rho, r.rho, atol=1e-8)


def test_quasistatic_numeric_route_is_used_for_nonideal_link() -> None:
    # dephasing breaks the dark state: less entanglement than the ideal Eq. 23, still > 0
    ideal = quasistatic_concurrence(ThermalLink(n_th=1220, kappa=1e-3))
    r = quasistatic_concurrence(ThermalLink(n_th=1220, kappa=1e-3, gamma_phi=0.05))
    assert r.method == "quasistatic-numeric"
    assert r.convergence is not None and r.convergence.converged
    assert 0 < r.concurrence < ideal.concurrence
    assert abs(np.trace(r.rho) - 1) < 1e-12


def test_exact_approaches_quasistatic_as_kappa_decreases() -> None:
    # C -> 1 - Υ(Φ/γ) as κ -> 0 at fixed Φ = 0.05 (n_th = 2Φ/κ). The deviation is
    # nonadiabatic, O(√κ) (Eq. 31): halving κ must shrink it by a factor in [1.3, 2]
    # (√2 = 1.41 for a pure √κ law, 2 for a pure κ law).
    flux = 0.05
    c_qs = quasistatic_concurrence(ThermalLink(n_th=1e6, kappa=2 * flux / 1e6)).concurrence
    devs = []
    for n_th, cutoff in ((2.5, 25), (5.0, 40)):
        rho, last = _fock_steady_state(n_th, 2 * flux / n_th, cutoff)
        assert last < 1e-6
        devs.append(c_qs - concurrence(rho))
    assert devs[1] > 0
    assert 1.3 < devs[0] / devs[1] < 2.0


@pytest.mark.slow
def test_exact_extrapolates_to_quasistatic_limit() -> None:
    # Fit C_exact(κ) = C0 + b√κ + cκ over κ = 0.04 … 0.005 at Φ = 0.05 (n_th = 2.5 … 20) and
    # extrapolate to κ = 0: C0 must equal 1 − Υ(Φ/γ) = 0.2412. Tolerance 0.01: the omitted
    # O(κ^{3/2}) term is ~(0.04)^{1.5} ~ 0.008 at the largest κ and shrinks at smaller κ.
    flux = 0.05
    kappas, cs = [], []
    for n_th, cutoff in ((2.5, 25), (5.0, 40), (10.0, 70), (20.0, 140)):
        rho, last = _fock_steady_state(n_th, 2 * flux / n_th, cutoff)
        assert last < 1e-6
        kappas.append(2 * flux / n_th)
        cs.append(concurrence(rho))
    k = np.array(kappas)
    design = np.column_stack([np.ones_like(k), np.sqrt(k), k])
    c0 = np.linalg.lstsq(design, np.array(cs), rcond=None)[0][0]
    assert c0 == pytest.approx(1 - upsilon(flux), abs=0.01)


def test_bourret_small_kappa_limit_versus_quasistatic() -> None:
    # App. A at κ -> 0 (fixed Φ) gives ρ_S = 8Φ/(γ+8Φ): the dark state Eq. 19 at the *mean*
    # intensity, not its thermal average. It agrees with 1 − Υ(Φ/γ) = 8Φ − 128Φ² + … only to
    # first order: the difference is 64Φ²(1 − 40Φ + …), checked to 5 % at Φ = 5e-4 (the next
    # term is −2 % there; √κ terms of Eq. 31 are ~1e-8 at κ = 1e-9); at Φ = 0.61
    # the two differ by > 0.1 (the average over |α₀|² matters).
    for flux, check in ((5e-4, "quadratic"), (0.61, "large")):
        kappa = 1e-9
        model = ThermalLink(n_th=2 * flux / kappa, kappa=kappa)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ValidityWarning)  # Φ = 0.61 is strong drive
            b = bourret_concurrence(model)
        q = quasistatic_concurrence(model)
        assert b.rho_s == pytest.approx(8 * flux / (1 + 8 * flux), abs=1e-7)
        if check == "quadratic":
            assert b.concurrence - q.concurrence == pytest.approx(64 * flux**2, rel=0.05)
        else:
            assert b.concurrence - q.concurrence > 0.1


def test_quasistatic_warns_outside_range() -> None:
    with pytest.warns(ValidityWarning, match="kappa << gamma"):
        quasistatic_concurrence(ThermalLink(n_th=0.2, kappa=0.1))
    with pytest.warns(ValidityWarning, match="n_th\\*"):
        quasistatic_concurrence(ThermalLink(n_th=2e5, kappa=1e-3))


# ---------------------------------------------------------------------------------------------
# Bourret approximation, Eq. 26-33 and App. A
# ---------------------------------------------------------------------------------------------
def _printed_appendix_a(kappa: float, flux: float) -> tuple[float, ...]:
    """App. A exactly as printed, including '(3γ+2γ)' in ρ₀₀ (γ = 1)."""
    g, k, p = 1.0, kappa, flux
    norm = (g + 2 * k) * (g + 2 * k + 8 * p) * ((3 * g + 2 * k) ** 2 + 8 * p * (g + 2 * k))
    r11 = 64 * k * p**2 * (g + k) / norm
    rt = 8 * k * p * ((3 * g + 2 * k) ** 2 + 8 * p * (g + k)) / norm
    rs = 8 * p * ((g + k) * (3 * g + 2 * k) ** 2 + 8 * p * (g**2 + k**2 + g * k)) / norm
    r00 = (64 * k * p**2 * (g + k) + 8 * p * (g + 2 * k) ** 3
           + (g + 2 * k) ** 2 * (3 * g + 2 * g) ** 2) / norm  # fmt: skip
    return r00, rt, rs, r11


def test_appendix_a_printed_rho00_violates_trace() -> None:
    # the printed numerator does not normalise; the corrected one (toml entry) does
    printed = _printed_appendix_a(0.1, 0.1)
    assert abs(sum(printed) - 1) > 1e-2
    r = bourret_concurrence(ThermalLink(n_th=2.0, kappa=0.1))  # Φ = 0.1
    assert sum(_state_pops(r)) == pytest.approx(1.0, abs=1e-14)
    assert r.rho_t == pytest.approx(printed[1], rel=1e-14)
    assert r.rho_s == pytest.approx(printed[2], rel=1e-14)
    assert r.rho_11 == pytest.approx(printed[3], rel=1e-14)


def _bourret_laplace_qutip(n_th: float, kappa: float, **params: float) -> np.ndarray:
    """Eq. (A4) at s -> 0 with QuTiP superoperators (independent of the module)."""
    g2 = params.get("gamma2", 1.0)
    s1 = qt.tensor(qt.destroy(2), qt.qeye(2))
    s2 = qt.tensor(qt.qeye(2), qt.destroy(2))
    h = 0.5 * params.get("delta1", 0.0) * (2 * s1.dag() * s1 - 1)
    h += 0.5 * params.get("delta2", 0.0) * (2 * s2.dag() * s2 - 1)
    lq = qt.liouvillian(h, [s1, math.sqrt(g2) * s2])
    gphi = params.get("gamma_phi", 0.0)
    for s in (s1, s2):
        lq += 0.5 * gphi * qt.lindblad_dissipator(2 * s.dag() * s - 1)
    c12 = math.sqrt(g2 * (1 - params.get("p_loss", 0.0)))
    lq += c12 * (qt.spre(s1) * qt.spost(s2.dag()) - qt.spre(s2.dag() * s1)
                 + qt.spre(s2) * qt.spost(s1.dag()) - qt.spost(s1.dag() * s2))  # fmt: skip
    j = s1 + math.sqrt(g2) * s2
    lp = math.sqrt(kappa) * (qt.spost(j.dag()) - qt.spre(j.dag()))  # L+ X = √κ [X, J†]
    lm = -math.sqrt(kappa) * (qt.spost(j) - qt.spre(j))  # L- X = -√κ [X, J]
    eye = qt.to_super(qt.qeye_like(s1))
    res = (kappa * eye - lq).full()
    res_inv = np.linalg.inv(res)
    m = lq.full() + 0.5 * n_th * (lp.full() @ res_inv @ lm.full() + lm.full() @ res_inv @ lp.full())
    w, v = np.linalg.eig(m)
    vec = v[:, np.argmin(np.abs(w))]
    rho = vec.reshape(4, 4, order="F")
    return rho / np.trace(rho)


@pytest.mark.parametrize(("n_th", "kappa"), [(2.0, 0.05), (0.3, 0.2), (50.0, 0.01), (4.0, 1.5)])
def test_bourret_closed_form_equals_independent_laplace_solution(n_th: float, kappa: float) -> None:
    # App. A (corrected) vs Eq. A4 solved numerically: identical up to round-off (1e-10)
    r = bourret_concurrence(ThermalLink(n_th=n_th, kappa=kappa)) if n_th * kappa < 0.4 else None
    if r is None:
        with pytest.warns(ValidityWarning):
            r = bourret_concurrence(ThermalLink(n_th=n_th, kappa=kappa))
    np.testing.assert_allclose(r.rho, _bourret_laplace_qutip(n_th, kappa), atol=1e-10)


def test_bourret_numeric_route_for_nonideal_link() -> None:
    params = dict(gamma2=0.8, delta1=0.2, delta2=-0.1, gamma_phi=0.05, p_loss=0.1)
    r = bourret_concurrence(ThermalLink(n_th=1.0, kappa=0.05, **params))
    assert r.method == "bourret-numeric"
    np.testing.assert_allclose(r.rho, _bourret_laplace_qutip(1.0, 0.05, **params), atol=1e-10)


@pytest.mark.parametrize(
    "params", [{}, dict(gamma2=0.8, delta1=0.2, delta2=-0.1, gamma_phi=0.05, p_loss=0.1)]
)
def test_bourret_is_exact_to_first_order_in_n_th(params: dict[str, float]) -> None:
    # The decorrelation (A3) is exact to second order in the drive: single-excitation
    # populations ρ_T, ρ_S (∝ n_th) carry a relative error O(n_th). Check: at κ = 0.1 the
    # relative error at n_th = 0.025 is below 1.5 % and halves (ratio 1.6-2.4) from 0.05.
    errs = []
    for n_th in (0.05, 0.025):
        exact = _pops(_fock_steady_state(n_th, 0.1, 10, **params)[0])
        approx = _state_pops(bourret_concurrence(ThermalLink(n_th=n_th, kappa=0.1, **params)))
        errs.append(np.max(np.abs(approx[1:3] - exact[1:3]) / exact[1:3]))
    assert errs[1] < 0.015
    assert 1.6 < errs[0] / errs[1] < 2.4


def test_bourret_underestimates_double_excitation() -> None:
    # ρ₁₁ is fourth order in the drive, beyond what (A3) gets right: thermal bunching
    # (⟨|α|⁴⟩ = 2⟨|α|²⟩²) is lost and Bourret's ρ₁₁ is about half the exact value even at weak
    # drive. This is why Bourret's C (which depends on √ρ₁₁) is not exact as n_th -> 0.
    exact = _pops(_fock_steady_state(0.025, 0.1, 10)[0])
    approx = _state_pops(bourret_concurrence(ThermalLink(n_th=0.025, kappa=0.1)))
    assert 0.3 < approx[3] / exact[3] < 0.7


def test_bourret_lowest_order_is_the_small_kappa_expansion() -> None:
    # Eq. 27-30 are App. A to first order in κ (fixed Φ): the remainder of ρ_S and ρ_T is
    # O(κ²), so halving κ divides it by ~4 (accept 3-5)
    flux = 0.1
    rem = []
    for kappa in (0.004, 0.002):
        m = ThermalLink(n_th=2 * flux / kappa, kappa=kappa)
        full = _state_pops(bourret_concurrence(m))
        low = _state_pops(bourret_concurrence(m, order="lowest"))
        rem.append(np.abs(full[1:3] - low[1:3]))
    ratio = rem[0] / rem[1]
    assert np.all((ratio > 3) & (ratio < 5))


def test_eq31_concurrence_matches_eq22_of_eq27_30() -> None:
    # Eq. 31 = ρ_S − ρ_T − 2√(ρ₀₀ρ₁₁) of Eq. 27-30 to first order in κ (the O(κ^{3/2})
    # cross terms of the square root are dropped): difference well below κ^{3/2}
    kappa = 1e-3
    r = bourret_concurrence(ThermalLink(n_th=200.0, kappa=kappa), order="lowest")
    assert r.rho is None
    eq22 = _unclipped(_state_pops(r))
    assert abs(r.concurrence - eq22) < kappa**1.5


def test_bourret_saturation_eq33() -> None:
    # Eq. 33: for Φ >> γ the (lowest-order) Bourret concurrence saturates at 1 − 4κ/γ;
    # at Φ = 1e6 the remaining corrections are O(√(κ/Φ)) ~ 1e-4 -> tolerance 1e-3
    slope = REF["saturated_concurrence_slope"]["value"]
    kappa = 0.05
    with pytest.warns(ValidityWarning):
        r = bourret_concurrence(ThermalLink(n_th=4e7, kappa=kappa), order="lowest")
    assert r.concurrence == pytest.approx(1 - slope * kappa, abs=1e-3)


def test_bourret_has_no_maximum_in_n_th() -> None:
    # Sec. IV A: Eq. 31 (and App. A) increase monotonically with n_th — no n_th* (Fig. 3c)
    kappa = 1e-3
    n = np.logspace(1, 7, 25)
    with pytest.warns(ValidityWarning):
        c = [bourret_concurrence(ThermalLink(n_th=x, kappa=kappa)).concurrence for x in n]
    assert np.all(np.diff(c) > 0)


def test_bourret_warns_outside_range() -> None:
    with pytest.warns(ValidityWarning, match="weak drive"):
        bourret_concurrence(ThermalLink(n_th=1220, kappa=1e-3))
    with pytest.warns(ValidityWarning, match="lowest order"):
        bourret_concurrence(ThermalLink(n_th=0.1, kappa=0.5), order="lowest")


# ---------------------------------------------------------------------------------------------
# κ_max, Eq. 31-32
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_th", [1e-3, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 1220.0, 1e5])
def test_kappa_max_from_eq31_within_eq32(n_th: float) -> None:
    lo = REF["kappa_max_lower"]["value"]
    hi = REF["kappa_max_upper"]["value"]
    weak = REF["kappa_max_weak_drive_limit_eq31"]["value"]
    r = kappa_max(n_th)
    # Eq. 32 says 0.18 <~ κ_max < 0.25; the "<~" is the n_th -> 0 limit 0.1794 (toml)
    assert min(lo, weak) - 1e-5 <= r.lowest_order < hi
    # the full App. A populations give a different, larger boundary (reported, not bounded by
    # Eq. 32); it must still be a genuine zero of the full-Bourret concurrence
    assert r.full_bourret > r.lowest_order
    with warnings.catch_warnings():
        # strong-drive points warn (tested elsewhere); here only the sign change matters
        warnings.simplefilter("ignore", ValidityWarning)
        above = bourret_concurrence(ThermalLink(n_th=n_th, kappa=1.01 * r.full_bourret))
        below = bourret_concurrence(ThermalLink(n_th=n_th, kappa=0.99 * r.full_bourret))
    assert above.concurrence == 0.0 < below.concurrence


def test_kappa_max_limits() -> None:
    weak = REF["kappa_max_weak_drive_limit_eq31"]["value"]
    hi = REF["kappa_max_upper"]["value"]
    # n_th -> 0: 0.179407 (hand-derived in the toml, 5 digits); n_th -> ∞: Eq. 33 gives 0.25
    # (approach ~ 1/√Φ: at n_th = 1e8, κ_max ≈ 0.25 − O(1e-3))
    assert kappa_max(1e-6).lowest_order == pytest.approx(weak, abs=1e-5)
    assert kappa_max(1e8).lowest_order == pytest.approx(hi, abs=2e-3)
    # full Bourret, n_th -> 0: ρ_S − ρ_T = 8Φγ/(γ+2κ)², 2√(ρ₀₀ρ₁₁) = 16Φ√(κ(γ+κ))/((γ+2κ)(3γ+2κ))
    # from App. A to first order in Φ, so κ_max solves γ(3γ+2κ) = 2√(κ(γ+κ))(γ+2κ)
    k0 = optimize.brentq(lambda k: 3 + 2 * k - 2 * math.sqrt(k * (1 + k)) * (1 + 2 * k), 0.1, 1)
    assert kappa_max(1e-6).full_bourret == pytest.approx(k0, abs=1e-5)


def test_kappa_max_eq31_agrees_with_exact_at_fig2d() -> None:
    # Fig. 2(d): at n_th = 2 the dashed κ_max line of Eq. 31 marks where the exact concurrence
    # vanishes. The exact C (Eq. 22 unclipped) must change sign within ±0.01 of Eq. 31's
    # κ_max (0.2325); the full App. A boundary lies far outside (~0.55).
    n_th = REF["fig2d_n_th"]["value"]
    r = kappa_max(n_th)
    plus = _unclipped(_pops(_fock_steady_state(n_th, r.lowest_order - 0.01, FOCK_CUTOFF)[0]))
    minus = _unclipped(_pops(_fock_steady_state(n_th, r.lowest_order + 0.01, FOCK_CUTOFF)[0]))
    assert plus > 0 > minus
    assert r.full_bourret > r.lowest_order + 0.2


def test_kappa_max_result_api() -> None:
    r = kappa_max(2.0)
    assert isinstance(r, KappaMax)
    df = r.to_frame()
    assert list(df["kappa_max_per_gamma1"]) == [r.lowest_order, r.full_bourret]
    assert "Eq. 31" in str(r)


# ---------------------------------------------------------------------------------------------
# phase diffusion, Eq. 38
# ---------------------------------------------------------------------------------------------
def test_phase_diffusion_small_kappa_is_dark_state_at_rms_amplitude() -> None:
    # κ -> 0 (fixed Φ): no phase noise, coherent drive at r₀ = √(n_th/2); the steady state is
    # the pure Eq. 19 with 8κr₀² = 8Φ: ρ_S = 8Φ/(γ+8Φ), C = ρ_S (pure state). Residual
    # dephasing κ/4 = 2.5e-9 -> tolerance 1e-6.
    flux = 0.61
    r = phase_diffusion_concurrence(ThermalLink(n_th=2 * flux / 1e-8, kappa=1e-8))
    assert r.rho_s == pytest.approx(8 * flux / (1 + 8 * flux), abs=1e-6)
    assert r.concurrence == pytest.approx(r.rho_s, abs=1e-6)


def test_phase_diffusion_concurrence_grows_monotonically() -> None:
    # Sec. IV B: Eq. 38 predicts C increasing with n_th (no optimum), at κ = 1e-3 across n_th*
    n = np.logspace(1, 6, 20)
    c = [phase_diffusion_concurrence(ThermalLink(n_th=x, kappa=1e-3)).concurrence for x in n]
    assert np.all(np.diff(c) > 0)


def test_phase_diffusion_warns_outside_range() -> None:
    with pytest.warns(ValidityWarning, match="slowly varying"):
        phase_diffusion_concurrence(ThermalLink(n_th=1.0, kappa=0.5))


# ---------------------------------------------------------------------------------------------
# analytic result and optimum, Eq. 43-47
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kappa", REF["optimum_kappa_range"]["value"])
def test_eq47_is_eq45_at_eq46(kappa: float) -> None:
    pref = REF["n_th_star_prefactor"]["value"]
    arg = REF["concurrence_star_argument"]["value"]
    opt = analytic_optimum(kappa)
    assert opt.n_th_star == pytest.approx(1 / (pref * kappa**2), rel=1e-14)
    assert opt.concurrence_star == pytest.approx(1 - 2 * upsilon(1 / (arg * kappa)), rel=1e-14)
    at = analytic_concurrence(ThermalLink(n_th=opt.n_th_star, kappa=kappa))
    assert at.concurrence == pytest.approx(opt.concurrence_star, abs=1e-12)


@pytest.mark.parametrize("kappa", REF["optimum_kappa_range"]["value"])
def test_maximum_over_n_th_against_eq46_47(kappa: float) -> None:
    opt = analytic_optimum(kappa)

    def minus_c(log_n: float) -> float:
        return -analytic_concurrence(ThermalLink(n_th=math.exp(log_n), kappa=kappa)).concurrence

    ln_star = math.log(opt.n_th_star)
    # search n_th in [0.2, 1.6] n_th*: inside the three-level range (no warning) and wide
    # enough to contain the maximum (asserted below not to sit on an edge)
    bounds = (ln_star - 1.6, ln_star + 0.5)
    res = optimize.minimize_scalar(minus_c, bounds=bounds, method="bounded",
                                   options={"xatol": 1e-8})  # fmt: skip
    assert bounds[0] + 0.01 < res.x < bounds[1] - 0.01
    n_max, c_max = math.exp(res.x), -res.fun
    # Position: Eq. 46 minimises (1+y)²/y (y = 24κΦ/γ²) and ignores Υ's logarithm; with
    # Υ(x) ≈ [ln 8x − γ_E]/(8x) the maximum moves to y ≈ 1 − 1/L, L = ln(8Ay/(1+y)) − γ_E,
    # A = γ/(24κ), i.e. n_max/n_th* ≈ 0.77 (κ = 1e-3) … 0.4 (κ = 1e-2, where the asymptote is
    # poor). We require 0.55 < n_max/n_th* < 1 for the whole range and, where the asymptotic
    # form of Υ holds (κ ≤ 2e-3), agreement with the refined y within 5 %.
    ratio = n_max / opt.n_th_star
    assert 0.55 < ratio < 1.0
    if kappa <= 2e-3:
        a = 1 / (24 * kappa)
        y = 1.0
        for _ in range(100):
            y = 1 - 1 / (math.log(8 * a * y / (1 + y)) - np.euler_gamma)
        assert ratio == pytest.approx(y, rel=0.05)
    # Value: the maximum is flat; for y in [0.55, 1] the prefactor (1+y)²/y changes by < 10 %
    # and the log factor partly compensates, so C_max − C(n_th*) < 5 % of 1 − C(n_th*).
    assert 0 <= c_max - opt.concurrence_star < 0.05 * (1 - opt.concurrence_star)


@pytest.mark.parametrize("kappa", REF["optimum_kappa_range"]["value"])
def test_analytic_optimum_against_quasistatic(kappa: float) -> None:
    # At n_th*, the quasistatic bound is 1 − Υ(γ/(24κ)); nonadiabatic losses make the infidelity
    # 2Υ(γ/(48κ)), i.e. ≈ 4[ln(4A) − γ_E]/[ln(8A) − γ_E] times larger (A = γ/(24κ), asymptotic
    # Υ). Tolerance 10 %: the asymptote of Υ is off by O(1/A) relative (A = 4…42).
    # (the quasistatic value at n_th* is used as the adiabatic bound, outside its own validity
    # range 24κΦ/γ² ≤ 0.1, hence the warning)
    opt = analytic_optimum(kappa)
    with pytest.warns(ValidityWarning) as record:
        qs = quasistatic_concurrence(ThermalLink(n_th=opt.n_th_star, kappa=kappa))
    assert any("n_th*" in str(w.message) for w in record)
    assert opt.concurrence_star < qs.concurrence
    a = 1 / (24 * kappa)
    pred = 4 * (math.log(4 * a) - np.euler_gamma) / (math.log(8 * a) - np.euler_gamma)
    assert (1 - opt.concurrence_star) / (1 - qs.concurrence) == pytest.approx(pred, rel=0.1)


def _solve_b26(flux: float, kappa: float, y0: float, y1: float, depth: int = 3000) -> float:
    """X₀ of a_n X_n = b_n X_{n-1} + c_n X_{n+1} + Y₀δ_{n0} + Y₁δ_{n1} (Eq. B26), γ = 1,
    with a_n = γ' + x(2n+1), b_n = xn, c_n = x(n+1), x = 8Φγ, γ' = γ² + 24κΦ (Eq. B24-B25, B33),
    truncated at X_depth = 0 (a tridiagonal solve)."""
    x, gp = 8 * flux, 1 + 24 * kappa * flux
    n = np.arange(depth)
    ab = np.zeros((3, depth))
    ab[0, 1:] = -x * (n[:-1] + 1)  # super-diagonal: −c_n
    ab[1] = gp + x * (2 * n + 1)  # diagonal: a_n
    ab[2, :-1] = -x * n[1:]  # sub-diagonal: −b_n
    rhs = np.zeros(depth)
    rhs[0], rhs[1] = y0, y1
    return float(linalg.solve_banded((1, 1), ab, rhs)[0])


@pytest.mark.parametrize(("flux", "kappa"), [(0.3, 1e-3), (2.0, 1e-2), (10.0, 1e-3)])
def test_analytic_follows_from_appendix_b_recurrences(flux: float, kappa: float) -> None:
    # Eq. B24 (singlet) and B25 (triplet) solved numerically reproduce the closed forms B42-B43
    # (which need e^{γ'/x} in Eq. B37, printed e^{γ/x}); Eq. 43-44 (the module) are B42-B43
    # without the 3κ/γ terms: they differ by 3κ(1 − Υ)(1 + 16κΦ) ≤ 3κ(1 + 16κΦ) in ρ_S and
    # by 24κ²Φ(1 − Υ) ≤ 24κ²Φ in ρ_T (first order in κ/γ, as the paper says).
    rs = _solve_b26(flux, kappa, 8 * flux * (1 + kappa),
                    -8 * flux * (1 + 3 * kappa + 48 * flux * kappa**2))  # fmt: skip
    rt = _solve_b26(flux, kappa, 8 * flux * kappa, 3 * (8 * flux * kappa) ** 2)
    u = upsilon(flux / (1 + 24 * kappa * flux))
    w = u * (1 + 3 * kappa) - 3 * kappa
    assert rs == pytest.approx(1 - w * (1 + 16 * kappa * flux), rel=1e-10)  # Eq. B42
    assert rt == pytest.approx(8 * kappa * flux * w, rel=1e-10)  # Eq. B43
    r = analytic_concurrence(ThermalLink(n_th=2 * flux / kappa, kappa=kappa))
    assert 0 < rs - r.rho_s <= 3 * kappa * (1 + 16 * kappa * flux)
    assert 0 < r.rho_t - rt <= 24 * kappa**2 * flux


def test_analytic_reduces_to_quasistatic_when_nonadiabatic_terms_vanish() -> None:
    # κ -> 0 at fixed Φ: Eq. 45 -> Eq. 23 (24κΦ -> 0); at κ = 1e-7, Φ = 1 the difference is
    # ~24κΦ·Υ ~ 1e-6
    m = ThermalLink(n_th=2e7, kappa=1e-7)
    assert analytic_concurrence(m).concurrence == pytest.approx(
        quasistatic_concurrence(m).concurrence, abs=1e-5
    )


def test_analytic_populations_three_level() -> None:
    r = analytic_concurrence(ThermalLink(n_th=1220, kappa=1e-3))
    assert r.rho_11 == 0.0
    assert r.rho_00 + r.rho_t + r.rho_s == pytest.approx(1.0, abs=1e-14)
    assert r.concurrence == pytest.approx(r.rho_s - r.rho_t, abs=1e-14)  # Eq. 22 with ρ₁₁ = 0


def test_analytic_warns_outside_range() -> None:
    with pytest.warns(ValidityWarning, match="lowest order"):
        analytic_optimum(0.05)
    with pytest.warns(ValidityWarning, match="three-level"):
        analytic_concurrence(ThermalLink(n_th=1e6, kappa=1e-3))


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
ROUTES = [
    markov_concurrence,
    quasistatic_concurrence,
    bourret_concurrence,
    phase_diffusion_concurrence,
    analytic_concurrence,
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda f: f.__name__)
def test_bidirectional_geometry_is_rejected(route) -> None:  # type: ignore[no-untyped-def]
    model = ThermalLink(n_th=1.0, kappa=0.01, geometry="bidirectional")
    with pytest.raises(ParameterError, match="geometry"):
        route(model)


def test_bourret_rejects_unknown_order() -> None:
    with pytest.raises(ParameterError, match="order"):
        bourret_concurrence(ThermalLink(n_th=1.0, kappa=0.01), order="second")


def test_bourret_lowest_rejects_nonideal_link() -> None:
    with pytest.raises(ParameterError, match="gamma_phi"):
        bourret_concurrence(ThermalLink(n_th=1.0, kappa=0.01, gamma_phi=0.1), order="lowest")


def test_analytic_rejects_nonideal_link() -> None:
    with pytest.raises(ParameterError, match="p_loss"):
        analytic_concurrence(ThermalLink(n_th=1.0, kappa=0.01, p_loss=0.05))


@pytest.mark.parametrize("kappa", [0.0, -1e-3])
def test_analytic_optimum_rejects_nonpositive_kappa(kappa: float) -> None:
    with pytest.raises(ParameterError, match="kappa"):
        analytic_optimum(kappa)


def test_kappa_max_rejects_zero_n_th() -> None:
    with pytest.raises(ParameterError, match="n_th"):
        kappa_max(0.0)


def test_upsilon_rejects_negative_argument() -> None:
    with pytest.raises(ParameterError, match="x"):
        upsilon(-1.0)


# ---------------------------------------------------------------------------------------------
# result objects
# ---------------------------------------------------------------------------------------------
def test_result_objects_are_frozen_and_tabular() -> None:
    r = quasistatic_concurrence(ThermalLink(n_th=1220, kappa=1e-3))
    assert isinstance(r, ApproximateState)
    with pytest.raises(AttributeError):
        r.concurrence = 0.0  # type: ignore[misc]
    df = r.to_frame()
    assert {"concurrence", "kappa_per_gamma1", "flux_per_gamma1", "rho_s"} <= set(df.columns)
    assert "Eq. 19-23" in str(r)
    opt = analytic_optimum(1e-3)
    assert isinstance(opt, AnalyticOptimum)
    assert opt.concurrence == opt.concurrence_star
    assert "n_th_star" in opt.to_frame().columns
