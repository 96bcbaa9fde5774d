r"""Closed-form and approximate routes of the thermal link (paper 001, Sec. III, IV A-C, App. A-B).

Agustí, Schneider, Fedorov, Filipp, Rabl (2025), "Non-Markovian thermal reservoirs for
autonomous entanglement distribution" (README, "The papers").

Every function takes a :class:`~.model.ThermalLink` (units of γ₁ = 1; Φ = κ n_th/2 is
``model.flux``) and returns a frozen result with the steady-state concurrence, the populations in
the triplet-singlet basis and the equation it came from:

* :func:`markov_concurrence` — Eq. 17-18, thermal Born-Markov master equation;
  valid for κ ≫ γ(2n_th+1), |Δ|.
* :func:`quasistatic_concurrence` — Eq. 19-23, static-field average (Υ function);
  valid for κ ≲ 0.005γ and n_th ≲ n_th*/10.
* :func:`bourret_concurrence` — Eq. 26-31 and App. A, decorrelation approximation;
  valid for weak drive γΦ/(γ+κ)² ≲ 0.2 (single-excitation populations only, see below).
* :func:`phase_diffusion_concurrence` — Eq. 38, phase noise only (a diagnostic model); κ ≪ γ.
* :func:`analytic_concurrence` — Eq. 43-45, three-level continued fraction; κ ≪ γ,
  n_th ≲ 3 n_th*.
* :func:`analytic_optimum` — Eq. 46-47; κ ≪ γ.
* :func:`kappa_max` — zero of Eq. 31 and of the App. A concurrence (formula evaluation).

Each route issues a :class:`ValidityWarning` outside its range (thresholds are the module
constants below, each with its reason) and marks the result ``valid=False``.

Conventions
-----------
* Basis |q₁ q₂⟩ ordered |00⟩, |01⟩, |10⟩, |11⟩ with |1⟩ excited, σ⁻ = |0⟩⟨1|, σᶻ|1⟩ = +|1⟩;
  |T⟩ = (|01⟩ + |10⟩)/√2, |S⟩ = (|01⟩ − |10⟩)/√2 (Sec. II B).
* Qubit generator (Eq. 3-5, 48 and the dephasing term of Sec. V A):
  ℒ_q ρ = −i[Σᵢ Δᵢσᵢᶻ/2, ρ] + Σᵢ γᵢ D[σᵢ⁻]ρ + (γ_φ/2) Σᵢ D[σᵢᶻ]ρ
  + √(γ₁γ₂(1 − p_loss)) ([σ₁⁻ρ, σ₂⁺] + [σ₂⁻, ρσ₁⁺]). Eq. 48 writes γ√(1 − p_loss) for γ₁ = γ₂;
  we use the geometric mean for γ₂ ≠ γ₁, as in Eq. 4. The thermal drive couples through
  ℒ_± (Eq. 12) with Σᵢ √γᵢ σᵢ^± in place of √γ S^±; following Eq. 48 literally, the drive of
  qubit 2 is *not* attenuated by p_loss.
* The numerical variants below work with these 16 × 16 superoperators (column-stacking
  vectorisation) and cover every parameter of the chiral geometry, including the qubit loss
  γ′ᵢD[σᵢ⁻] and the warm-link input n_link (:mod:`.model`); the closed forms are used when the
  model is the ideal one of Eq. 6-8 (γ₂ = γ₁, Δᵢ = 0, γ_φ = 0, p_loss = 0, γ′ᵢ = 0,
  n_link = 0) and the closed-form-only routes (``bourret`` with ``order="lowest"``,
  ``analytic``) refuse any other model with :class:`ParameterError`. :func:`analytic_optimum`
  takes κ alone: it is the ideal link's optimum and ignores every imperfection.
  The bidirectional geometry (Eq. 49-53) is not covered: :class:`ParameterError`.

Typos of the paper resolved here (all checked symbolically/numerically, see the tests):

* App. A, ρ₀₀ numerator: "(γ+2κ)²(3γ+2γ)²" is (γ+2κ)²(3γ+2κ)² — derived from Tr ρ = 1 and
  confirmed by a symbolic solution of Eq. (A4); the normaliser 𝒩 has a stray ")".
* Eq. 26 pairs ⟨α*(t)α(t')⟩ with ℒ₊ … ℒ₋, Eq. (A2)-(A4) with the other ordering; both
  correlators equal n_th e^{−κ|t−t'|}/2, so Eq. (A4) (symmetric sum) is what is implemented.
* Eq. (B37): 𝓕₁ = e^{γ'/x} Γ[0, γ'/x]/x (printed e^{γ/x}); Eq. (B27)-(B28) repeat a factor
  "c₁" in the second level of the continued fraction. With these read correctly the recurrences
  (B24)-(B25) reproduce (B42)-(B43) and hence Eq. 43-45.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from scipy import integrate, optimize

from ..._checks import check_choice, check_positive
from ...errors import ConvergenceError, ParameterError, ValidityWarning
from ...metrics import concurrence as _wootters
from ...solvers.convergence import Convergence
from ...solvers.steady import steady_density_matrix
from ._liouville import EXCITATIONS, I4, SZ1, SZ2, dissipator_terms, qubit_superops, superop
from .closed_forms import analytic_populations, bourret_lowest, bourret_populations, upsilon
from .results import AnalyticOptimum, ApproximateState, KappaMax

if TYPE_CHECKING:
    from .model import ThermalLink

__all__ = [
    "AnalyticOptimum",
    "ApproximateState",
    "KappaMax",
    "ValidityWarning",
    "analytic_concurrence",
    "analytic_optimum",
    "bourret_concurrence",
    "kappa_max",
    "markov_concurrence",
    "phase_diffusion_concurrence",
    "quasistatic_concurrence",
    "upsilon",
]

# ---------------------------------------------------------------------------------------------
# validity thresholds (dimensionless; the reasons are given where they are used)
# ---------------------------------------------------------------------------------------------
#: Markov (Eq. 17): Born-Markov corrections are O(Γ/κ) with Γ = γ(2n_th+1) + |Δ| + γ_φ.
MARKOV_MAX_RATE_RATIO = 0.1
#: Quasistatic (Eq. 23): nonadiabatic corrections scale roughly as √κ (Eq. 31); measured
#: against an exact Fock solution at Φ = 0.05γ the exact C lies 9 % below 1 − Υ at κ = 0.005γ
#: (14 % at 0.01γ, 22 % at 0.02γ).
QUASISTATIC_MAX_KAPPA = 0.005
#: Quasistatic: nonadiabatic triplet admixture 24κΦ/γ² (Eq. 45) multiplies 1 − C by
#: (1 + 24κΦ/γ²) at fixed Φ_eff; 0.1 keeps that below ~10 %. (It equals 1 at n_th*.)
QUASISTATIC_MAX_NONADIABATIC = 0.1
#: Analytic (Eq. 45): the three-level approximation holds "up to and beyond n_th*" (Sec. IV C).
ANALYTIC_MAX_NONADIABATIC = 3.0
#: Analytic (Eq. 43-47): dropped terms are O(3κ/γ) relative to 1 − C (compare Eq. B42).
ANALYTIC_MAX_KAPPA = 0.02
#: Bourret: factorisation (A3) is exact to second order in the drive; the expansion parameter
#: is γΦ/(γ+κ)² (Φ/γ for κ ≪ γ, γ n_th/(2κ) in the Markov limit).
BOURRET_MAX_DRIVE = 0.2
#: Eq. 27-31 are expanded to lowest order in κ/γ; used up to κ_max ≈ 0.25γ by the paper.
BOURRET_LOWEST_MAX_KAPPA = 0.25
#: Phase-diffusion model (Eq. 38) assumes a slowly varying field.
PHASE_DIFFUSION_MAX_KAPPA = 0.1


# ---------------------------------------------------------------------------------------------
# superoperators (column-stacking, :mod:`._liouville`)
# ---------------------------------------------------------------------------------------------
_KET_T = np.array([0.0, 1.0, 1.0, 0.0]) / math.sqrt(2)
_KET_S = np.array([0.0, 1.0, -1.0, 0.0]) / math.sqrt(2)
#: keeps ρ_ij with equal excitation number: the average over the phase of α (U(1) symmetry)
_PHASE_MASK = (EXCITATIONS[:, None] == EXCITATIONS[None, :]).reshape(-1, order="F")


def _is_ideal(model: ThermalLink) -> bool:
    return (
        model.gamma2 == 1.0
        and model.delta1 == 0.0
        and model.delta2 == 0.0
        and model.gamma_phi == 0.0
        and model.p_loss == 0.0
        and model.gamma_loss1 == 0.0
        and model.gamma_loss2 == 0.0
        and model.n_link == 0.0
    )


def _require_chiral(model: ThermalLink, route: str) -> None:
    if model.geometry != "chiral":
        raise ParameterError(
            f"`model.geometry` must be 'chiral' for the {route} route (paper 001, Eq. 1-8), "
            f"got {model.geometry!r}; use the exact hierarchy route for the bidirectional link"
        )


def _require_ideal(model: ThermalLink, route: str) -> None:
    for name, value, ideal in (
        ("gamma2", model.gamma2, 1.0),
        ("delta1", model.delta1, 0.0),
        ("delta2", model.delta2, 0.0),
        ("gamma_phi", model.gamma_phi, 0.0),
        ("p_loss", model.p_loss, 0.0),
        ("gamma_loss1", model.gamma_loss1, 0.0),
        ("gamma_loss2", model.gamma_loss2, 0.0),
        ("n_link", model.n_link, 0.0),
    ):
        if value != ideal:
            raise ParameterError(
                f"`model.{name}` must be {ideal:g} for the closed form of the {route} route "
                f"(ideal symmetric link, Eq. 6-8), got {value!r}"
            )


def _generators(model: ThermalLink) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ℒ_q and the drive superoperators d± with ℒ_± = √κ d± (Eq. 3-5, 12, 48).

    ℒ_q (:func:`._liouville.qubit_superops`) also carries the loss γ′ᵢD[σᵢ⁻] and the white
    thermal input of a warm link (Eq. 17's structure; see :mod:`.model`).
    """
    ops = qubit_superops(model)
    root = math.sqrt(model.kappa)
    return ops.lq, ops.lplus / root, ops.lminus / root


def _steady(m: np.ndarray) -> np.ndarray:
    """Trace-one steady state of a 16 × 16 generator, as a 4 × 4 matrix."""
    return steady_density_matrix(m, 4)


def _state(
    rho: np.ndarray,
    *,
    method: str,
    equation: str,
    model: ThermalLink,
    valid: bool,
    convergence: Convergence | None = None,
) -> ApproximateState:
    return ApproximateState(
        method=method,
        equation=equation,
        concurrence=_wootters(rho),
        rho_00=float(rho[0, 0].real),
        rho_t=float((_KET_T @ rho @ _KET_T).real),
        rho_s=float((_KET_S @ rho @ _KET_S).real),
        rho_11=float(rho[3, 3].real),
        coherence_st=complex(_KET_S @ rho @ _KET_T),
        n_th=model.n_th,
        kappa=model.kappa,
        flux=model.flux,
        rho=rho,
        valid=valid,
        convergence=convergence,
    )


def _from_populations(p00: float, pt: float, ps: float, p11: float) -> np.ndarray:
    """Density matrix diagonal in {|00⟩, |T⟩, |S⟩, |11⟩}."""
    rho = np.zeros((4, 4), dtype=complex)
    rho[0, 0] = p00
    rho[3, 3] = p11
    rho += pt * np.outer(_KET_T, _KET_T) + ps * np.outer(_KET_S, _KET_S)
    return rho


def _warn(message: str) -> bool:
    warnings.warn(message, ValidityWarning, stacklevel=3)
    return False


def _within(*checks: tuple[str, float, float]) -> bool:
    """Warn (:class:`ValidityWarning`) for each ``(what, value, limit)`` with value > limit, as
    "what = value > limit"; True when none is exceeded."""
    valid = True
    for what, value, limit in checks:
        if value > limit:
            warnings.warn(f"{what} = {value:g} > {limit:g}", ValidityWarning, stacklevel=3)
            valid = False
    return valid


# ---------------------------------------------------------------------------------------------
# Markov limit
# ---------------------------------------------------------------------------------------------
def markov_concurrence(model: ThermalLink) -> ApproximateState:
    r"""Markov limit κ ≫ γ of the thermal link (paper 001, Eq. 17-18).

    The filtered source is treated as a white thermal bath of occupation n_th at the qubits:
    ρ̇ = ℒ_q ρ + (n_th/2)(d₊d₋ + d₋d₊)ρ, which for the ideal link is exactly Eq. 17,
    ρ̇ = −i[H_q, ρ] + γ(n_th+1)D[S⁻]ρ + γn_th D[S⁺]ρ (the κ → ∞ limit of Eq. 26). For the ideal
    link the steady state is Eq. 18, ρ_th ⊗ ρ_th, separable for every n_th (C = 0); other chiral
    parameters are solved numerically (method ``"markov-numeric"``). Detunings enter only H_q
    (a flat noise spectrum, κ ≫ |Δ|).

    Warns (:class:`ValidityWarning`) when κ < 10 [γ_max(2n_th + 1) + max|Δᵢ| + γ_φ], where the
    neglected Born-Markov corrections exceed ~10 %.

    Examples
    --------
    >>> from qnet_design.schemes.thermal_link import ThermalLink
    >>> r = markov_concurrence(ThermalLink(n_th=10, kappa=1e3))
    >>> r.concurrence, round(r.rho_11, 4)
    (0.0, 0.2268)
    """
    _require_chiral(model, "markov")
    rate = max(model.gamma1, model.gamma2) * (2 * (model.n_th + model.n_link) + 1)
    rate += max(abs(model.delta1), abs(model.delta2)) + model.gamma_phi
    rate += max(model.gamma_loss1, model.gamma_loss2)
    valid = True
    if rate > MARKOV_MAX_RATE_RATIO * model.kappa:
        valid = _warn(
            f"Markov limit (Eq. 17) needs kappa >> gamma(2 n_th + 1) + |Delta|: kappa = "
            f"{model.kappa:g} < {rate / MARKOV_MAX_RATE_RATIO:g}"
        )
    if _is_ideal(model):
        n = model.n_th
        z = (1 + 2 * n) ** 2
        rho = _from_populations((n + 1) ** 2 / z, n * (n + 1) / z, n * (n + 1) / z, n**2 / z)
        return _state(rho, method="markov", equation="Eq. 17-18", model=model, valid=valid)
    lq, dp, dm = _generators(model)
    rho = _steady(lq + 0.5 * model.n_th * (dp @ dm + dm @ dp))
    return _state(rho, method="markov-numeric", equation="Eq. 17", model=model, valid=valid)


# ---------------------------------------------------------------------------------------------
# quasistatic limit
# ---------------------------------------------------------------------------------------------
def _quasistatic_numeric(model: ThermalLink, tol: float = 1e-10) -> tuple[np.ndarray, Convergence]:
    """Average of the fixed-field steady state over P_ss(α) (Eq. 20), any chiral parameters.

    With x = 2|α₀|²/n_th the weight is e^{−x} and the drive amplitude √κ|α₀| = √(Φx); the phase
    average keeps the elements of equal excitation number (U(1) covariance of ℒ_q).
    """
    lq, dp, dm = _generators(model)
    drive = dp + dm
    flux = model.flux

    def integrand(x: float) -> np.ndarray:
        rho = _steady(lq + math.sqrt(flux * x) * drive).reshape(-1, order="F")
        rho = np.where(_PHASE_MASK, rho, 0.0) * math.exp(-x)
        return np.concatenate([rho.real, rho.imag])

    # the dark-state weight varies on the scale x ~ 1/(8Φ): give the quadrature those points
    scale = 1.0 / (8.0 * flux) if flux > 0 else 1.0
    points = sorted({p for p in (scale * 10.0**k for k in range(-2, 4)) if p < 60.0})
    edges = [0.0, *points, 60.0]  # e^{-60} ~ 1e-26: the tail is negligible
    total = np.zeros(32)
    err = 0.0
    neval = 0
    for lo, hi in itertools.pairwise(edges):
        res, e, info = integrate.quad_vec(
            integrand, lo, hi, epsabs=tol, epsrel=tol, full_output=True
        )
        total += res
        err += float(e)
        neval += int(info.neval)
    conv = Convergence(
        parameter="quadrature_evaluations",
        value=float(neval),
        change=err,
        tolerance=1e3 * tol,
        detail="adaptive quad_vec over x = 2|alpha|^2/n_th in [0, 60]",
    )
    if not conv.converged:
        raise ConvergenceError(f"quasistatic average did not converge: {conv}")
    rho = (total[:16] + 1j * total[16:]).reshape(4, 4, order="F")
    rho = rho / np.trace(rho).real
    return 0.5 * (rho + rho.conj().T), conv


def quasistatic_concurrence(model: ThermalLink) -> ApproximateState:
    r"""Quasistatic limit κ → 0 at fixed Φ (paper 001, Eq. 19-23).

    For a static field α₀ the ideal link relaxes into the dark state Eq. 19; averaging over the
    thermal P-function (Eq. 20) gives ρ = Υ(Φ/γ)|00⟩⟨00| + [1 − Υ(Φ/γ)]|S⟩⟨S| (Eq. 21) and
    C = 1 − Υ(Φ/γ) (Eq. 23), with :func:`upsilon`. For non-ideal chiral parameters the same
    average is done numerically over the fixed-field steady states (``"quasistatic-numeric"``;
    quadrature evidence in ``.convergence``).

    Warns when κ/γ > 0.005 (measured: the exact C lies ~9 % below Eq. 23 there at Φ = 0.05γ,
    the gap shrinking roughly as √κ) or when 24κΦ/γ² > 0.1, i.e. n_th > n_th*/10 (Eq. 45-46),
    beyond which the nonadiabatic factor (1 + 24κΦ/γ²) of Eq. 45 exceeds 10 %.

    Examples
    --------
    >>> from qnet_design.schemes.thermal_link import ThermalLink
    >>> round(quasistatic_concurrence(ThermalLink(n_th=1220, kappa=1e-3)).concurrence, 4)
    0.6975
    """
    _require_chiral(model, "quasistatic")
    valid = _within(
        (
            "quasistatic limit (Eq. 23) needs kappa << gamma: kappa",
            model.kappa,
            QUASISTATIC_MAX_KAPPA,
        ),
        (
            "quasistatic limit (Eq. 23) needs n_th << n_th* = gamma^2/(12 kappa^2) (Eq. 46): "
            "24 kappa Phi / gamma^2",
            24 * model.kappa * model.flux,
            QUASISTATIC_MAX_NONADIABATIC,
        ),
    )
    if _is_ideal(model):
        u = float(upsilon(model.flux))
        rho = _from_populations(u, 0.0, 1.0 - u, 0.0)
        return _state(rho, method="quasistatic", equation="Eq. 19-23", model=model, valid=valid)
    rho, conv = _quasistatic_numeric(model)
    return _state(
        rho,
        method="quasistatic-numeric",
        equation="Eq. 20",
        model=model,
        valid=valid,
        convergence=conv,
    )


# ---------------------------------------------------------------------------------------------
# Bourret (decorrelation) approximation
# ---------------------------------------------------------------------------------------------
def _bourret_numeric(model: ThermalLink) -> np.ndarray:
    """Steady state of Eq. (A4) at s → 0: [ℒ_q + Φ(d₊Rd₋ + d₋Rd₊)]ρ = 0, R = (κ − ℒ_q)⁻¹."""
    lq, dp, dm = _generators(model)
    r = np.linalg.inv(model.kappa * np.eye(16) - lq)
    return _steady(lq + model.flux * (dp @ r @ dm + dm @ r @ dp))


def bourret_concurrence(model: ThermalLink, order: str = "full") -> ApproximateState:
    r"""Bourret (decorrelation) approximation (paper 001, Eq. 26-33 and App. A).

    Parameters
    ----------
    model
        Chiral :class:`ThermalLink`.
    order
        ``"full"`` — steady state of the time-nonlocal Eq. 26 (Laplace form Eq. A4): the
        closed App. A populations for the ideal link (with the ρ₀₀ typo corrected, see the
        module notes), the numerical solution of Eq. A4 otherwise (``"bourret-numeric"``).
        ``"lowest"`` — the expansion to lowest relevant order in κ/γ, Eq. 27-30, and the
        concurrence Eq. 31 (ideal link only). Its ``rho`` is ``None`` (the truncated populations
        do not sum to one) and ``concurrence`` is Eq. 31 clipped at 0.

    Notes
    -----
    The factorisation (A3) is exact to second order in the drive, i.e. to first order in n_th,
    and in the white-noise limit κ → ∞ (where it reduces to Eq. 17). Checked against an exact
    Fock master equation: ρ_T and ρ_S have a relative error O(n_th), but the doubly excited
    population ρ₁₁ (fourth order in the drive; thermal bunching) comes out about half the
    exact value even at weak drive, so the Bourret concurrence — which contains 2√(ρ₀₀ρ₁₁) —
    stays ~20-25 % off the exact one as n_th → 0 at κ ~ 0.1γ. Warns when
    γΦ/(γ+κ)² > 0.2 (strong drive, where the paper notes the approximation fails) and, for
    ``order="lowest"``, when κ/γ > 0.25 (beyond the range Eq. 32 is used for).
    """
    order = check_choice("order", order, ("full", "lowest"))
    _require_chiral(model, "bourret")
    g = max(model.gamma1, model.gamma2)
    drive = g * model.flux / (g + model.kappa) ** 2
    valid = _within(
        (
            "Bourret approximation (Eq. 26) needs weak drive: gamma*Phi/(gamma+kappa)^2",
            drive,
            BOURRET_MAX_DRIVE,
        )
    )
    if order == "lowest":
        _require_ideal(model, "lowest-order Bourret (Eq. 27-31)")
        lowest = ("Eq. 27-31 are lowest order in kappa/gamma: kappa", model.kappa)
        valid = _within((*lowest, BOURRET_LOWEST_MAX_KAPPA)) and valid
        p00, pt, ps, p11, c = bourret_lowest(model.kappa, model.flux)
        return ApproximateState(
            method="bourret-lowest",
            equation="Eq. 27-31",
            concurrence=max(0.0, c),
            rho_00=p00,
            rho_t=pt,
            rho_s=ps,
            rho_11=p11,
            coherence_st=0j,
            n_th=model.n_th,
            kappa=model.kappa,
            flux=model.flux,
            rho=None,
            valid=valid,
        )
    if _is_ideal(model):
        rho = _from_populations(*bourret_populations(model.kappa, model.flux))
        return _state(rho, method="bourret", equation="Eq. 26, A4, App. A", model=model,
                      valid=valid)  # fmt: skip
    rho = _bourret_numeric(model)
    return _state(rho, method="bourret-numeric", equation="Eq. 26, A4", model=model, valid=valid)


# ---------------------------------------------------------------------------------------------
# phase diffusion
# ---------------------------------------------------------------------------------------------
def phase_diffusion_concurrence(model: ThermalLink) -> ApproximateState:
    r"""Phase-fluctuation model (paper 001, Sec. IV B, Eq. 38).

    The field amplitude is frozen at r₀ = √(n_th/2) and only its phase diffuses (Eq. 36); in
    the co-rotating frame the qubits obey
    ρ̇ = [ℒ_q + r₀(ℒ₊ + ℒ₋)]ρ + (κn_th/(8r₀²)) D[Sᶻ]ρ = [ℒ_q + √Φ(d₊ + d₋)]ρ + (κ/4)D[Sᶻ]ρ,
    Sᶻ = σ₁ᶻ + σ₂ᶻ (ℒ₀ of Eq. 37-38 is ℒ_q). Populations are frame independent; the returned
    ρ is the rotating-frame state, whose S/T block is what the concurrence needs (the rotation
    only changes the phase of coherences between different excitation numbers).

    This is a diagnostic model: the paper finds it underestimates the fluctuations and
    predicts a concurrence growing monotonically with n_th. Warns when κ/γ > 0.1 (slow phase).
    """
    _require_chiral(model, "phase_diffusion")
    valid = _within(
        (
            "phase-diffusion model (Eq. 38) assumes a slowly varying field: kappa",
            model.kappa,
            PHASE_DIFFUSION_MAX_KAPPA,
        )
    )
    lq, dp, dm = _generators(model)
    sz = superop(dissipator_terms(1.0, SZ1 + SZ2, I4))
    m = lq + math.sqrt(model.flux) * (dp + dm) + 0.25 * model.kappa * sz
    rho = _steady(m)
    return _state(rho, method="phase_diffusion", equation="Eq. 37-38", model=model, valid=valid)


# ---------------------------------------------------------------------------------------------
# analytic continued-fraction result
# ---------------------------------------------------------------------------------------------
def analytic_concurrence(model: ThermalLink) -> ApproximateState:
    r"""Three-level continued-fraction result (paper 001, Eq. 43-45; App. B 2-3).

    ρ_S = 1 − Υ(Φ_eff/γ)(1 + 16κΦ/γ²), ρ_T = (8κΦ/γ²) Υ(Φ_eff/γ), ρ₁₁ = 0,
    Φ_eff = Φγ²/(γ² + 24κΦ), and C = ρ_S − ρ_T = 1 − Υ(Φ_eff/γ)(1 + 24κΦ/γ²) (Eq. 45).
    Ideal link only. Warns when κ/γ > 0.02 (the O(3κ/γ) terms of Eq. B42 are dropped) or
    n_th > 3 n_th* (|11⟩ is populated, outside the three-level approximation).
    """
    _require_chiral(model, "analytic")
    _require_ideal(model, "analytic (Eq. 43-45)")
    valid = _within(
        ("Eq. 43-45 are lowest order in kappa/gamma: kappa", model.kappa, ANALYTIC_MAX_KAPPA),
        (
            "three-level approximation (App. B 2) fails well beyond n_th*: 24 kappa Phi",
            24 * model.kappa * model.flux,
            ANALYTIC_MAX_NONADIABATIC,
        ),
    )
    ps, pt, p00 = analytic_populations(model.kappa, model.flux)
    rho = _from_populations(p00, pt, ps, 0.0)
    return _state(rho, method="analytic", equation="Eq. 43-45", model=model, valid=valid)


def analytic_optimum(kappa: float) -> AnalyticOptimum:
    r"""Optimal thermal occupation n_th* ≃ γ²/(12κ²) (Eq. 46) and C(n_th*) = 1 − 2Υ(γ/(48κ)).

    At n_th*, Φ = γ²/(24κ) so that 24κΦ/γ² = 1 and Φ_eff = γ²/(48κ): Eq. 47 is Eq. 45 evaluated
    at Eq. 46. Eq. 46 is the minimum of (1 + y)²/y with y = 24κΦ/γ², ignoring the slow
    logarithmic variation of Υ; the true maximum of Eq. 45 sits at y ≈ 1 − 1/[ln(4γ/(24κ)) − γ_E]
    (a few tens of percent lower in n_th for κ/γ = 10⁻³…10⁻²), while C changes only at second
    order there. Warns when κ/γ > 0.02. Ideal link only (Eq. 6-8): it ignores γ₂ ≠ γ₁,
    detunings, dephasing, loss γ′, p_loss and n_link — evaluate a real link with the exact
    routes.

    Examples
    --------
    >>> opt = analytic_optimum(1e-3)
    >>> round(opt.n_th_star), round(opt.concurrence_star, 4)
    (83333, 0.9451)
    """
    kappa = check_positive("kappa", kappa)
    valid = _within(("Eq. 46-47 are lowest order in kappa/gamma: kappa", kappa, ANALYTIC_MAX_KAPPA))
    n_star = 1.0 / (12.0 * kappa**2)
    c_star = 1.0 - 2.0 * float(upsilon(1.0 / (48.0 * kappa)))
    return AnalyticOptimum(
        kappa=kappa,
        n_th_star=n_star,
        concurrence_star=c_star,
        flux_star=0.5 * kappa * n_star,
        valid=valid,
    )


# ---------------------------------------------------------------------------------------------
# maximal bandwidth
# ---------------------------------------------------------------------------------------------
def _c_unclipped_full(kappa: float, n_th: float) -> float:
    p00, pt, ps, p11 = bourret_populations(kappa, 0.5 * kappa * n_th)
    return ps - pt - 2.0 * math.sqrt(p00 * p11)


def _c_unclipped_lowest(kappa: float, n_th: float) -> float:
    return bourret_lowest(kappa, 0.5 * kappa * n_th)[4]


def _first_zero(func: Callable[[float, float], float], n_th: float) -> float:
    """First sign change (+ → −) of C(κ) on a log grid κ ∈ [10⁻⁴, 10], refined by brentq."""
    grid = np.logspace(-4, 1, 201)
    vals = np.array([func(k, n_th) for k in grid])
    idx = np.nonzero((vals[:-1] > 0) & (vals[1:] <= 0))[0]
    if idx.size == 0:
        raise ConvergenceError(
            f"no entanglement boundary found in kappa in [1e-4, 10] at n_th={n_th}"
        )
    i = int(idx[0])
    return float(optimize.brentq(func, grid[i], grid[i + 1], args=(n_th,), xtol=1e-13, rtol=1e-12))


def kappa_max(n_th: float) -> KappaMax:
    r"""κ_max/γ: the largest filter bandwidth with steady-state entanglement at fixed n_th.

    Solves C(κ) = 0 at fixed n_th (Φ = κn_th/2 varies with κ, as along the horizontal axis of
    Fig. 2(c,d)) for the lowest-order Bourret concurrence Eq. 31 — the paper's Eq. 32 bounds
    0.18 ≲ κ_max/γ < 0.25 — and for the full App. A populations (C from
    ρ_S − ρ_T − 2√(ρ₀₀ρ₁₁), Eq. 22). For n_th → 0 Eq. 31 gives 4κ + (2/3)√κ = 1, i.e.
    κ_max = ((√148 − 2)/24)² ≈ 0.1794; for n_th → ∞ it gives 1 − 4κ = 0 (Eq. 33).
    The two differ strongly (0.23 vs 0.55 at n_th = 2); an exact Fock solution at n_th = 2
    vanishes at κ ≈ 0.233, next to Eq. 31 (Fig. 2d).

    Examples
    --------
    >>> r = kappa_max(2.0)
    >>> round(r.lowest_order, 4), round(r.full_bourret, 4)
    (0.2325, 0.551)
    """
    n_th = check_positive("n_th", n_th)
    return KappaMax(
        n_th=n_th,
        lowest_order=_first_zero(_c_unclipped_lowest, n_th),
        full_bourret=_first_zero(_c_unclipped_full, n_th),
    )
