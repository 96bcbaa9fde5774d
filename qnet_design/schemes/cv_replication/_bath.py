"""The two-mode squeezed (thermal) driving bath of paper 004: validation and parametrisations.

The bath is fixed by n̄ (mean occupation of each of its two modes) and m̄ (the inter-mode
correlation ⟨b₁b₂⟩ up to a sign fixed by the master equation, see ``oscillators``). It is a
physical (positive) state iff m̄² ≤ n̄(n̄ + 1); it is entangled iff m̄ > n̄ (paper 004, p. 2).

Every such bath is a two-mode squeezed thermal state U(r₀) ρ_T⊗ρ_T U(r₀)† with

    n̄ = n_T + (2n_T + 1) sinh² r₀,     m̄ = (n_T + 1/2) sinh 2r₀          (paper 004, p. 2)

and conversely  2n_T + 1 = √((2n̄ + 1)² − 4m̄²),  tanh 2r₀ = 2m̄/(2n̄ + 1).
"""

from __future__ import annotations

import math

from ..._checks import check_nonnegative, check_real
from ...errors import ParameterError
from ...solvers import gaussian

# Relative slack when comparing m̄² with n̄(n̄+1): m̄ = √(n̄(n̄+1)) computed in floating point
# (the squeezed vacuum) must be accepted, a bath more than ~1e-12 beyond it is unphysical.
_BATH_SLACK = 1e-12


def squeezed_thermal_bath(r: float, n_thermal: float) -> tuple[float, float]:
    """(n̄, m̄) of a two-mode squeezed thermal bath (paper 004, p. 2; README conventions).

    Parameters
    ----------
    r
        Squeezing parameter r₀ ≥ 0 of the source.
    n_thermal
        Mean thermal occupation n_T ≥ 0 of each mode before squeezing (added noise).

    Returns
    -------
    (nbar, mbar)
        n̄ = n_T + (2n_T + 1) sinh² r and m̄ = (n_T + 1/2) sinh 2r.

    Examples
    --------
    >>> nbar, mbar = squeezed_thermal_bath(0.5, 0.0)
    >>> abs(mbar**2 - nbar * (nbar + 1)) < 1e-12  # squeezed vacuum: m̄² = n̄(n̄+1)
    True
    """
    nbar, mbar = gaussian.squeezed_thermal_moments(r, n_thermal)
    return float(nbar), float(mbar)


def check_bath(nbar: object, mbar: object) -> tuple[float, float]:
    """Validate (n̄, m̄): n̄ ≥ 0 and m̄² ≤ n̄(n̄+1); raises ParameterError naming the argument.

    A negative m̄ is allowed (it only flips the phase of the correlation, i.e. the sign of the
    pair correlations; E_N depends on |m̄|).
    """
    n = check_nonnegative("nbar", nbar)
    m = check_real("mbar", mbar)
    bound = n * (n + 1.0)
    if m * m > bound * (1.0 + _BATH_SLACK) + 1e-300:
        raise ParameterError(
            f"`mbar` must satisfy mbar**2 <= nbar*(nbar+1) = {bound!r} for a physical bath "
            f"(Cauchy-Schwarz), got mbar={m!r} (mbar**2={m * m!r})"
        )
    return n, m


def bath_frame(nbar: float, mbar: float) -> tuple[float, float]:
    """(n_T, r₀) with (n̄, m̄) = squeezed_thermal_bath(r₀, n_T); r₀ carries the sign of m̄.

    Inverse of :func:`squeezed_thermal_bath` (the squeezing transformation of paper 004, p. 2,
    "which maps the system into an equivalent one" with a thermal reservoir of n_T photons).
    """
    two_nt_plus_1 = math.sqrt(max((2.0 * nbar + 1.0) ** 2 - 4.0 * mbar * mbar, 1.0))
    n_t = 0.5 * (two_nt_plus_1 - 1.0)
    r0 = 0.5 * math.atanh(min(2.0 * mbar / (2.0 * nbar + 1.0), 1.0 - 1e-16))
    return n_t, r0


def drive_log_negativity(nbar: float, mbar: float) -> float:
    """E_N of the driving field, max(0, −ln ν₋) with ν₋ = 2n̄ + 1 − 2|m̄| (paper 004, p. 2).

    ν₋ is the smallest partially transposed symplectic eigenvalue in the convention vacuum = 1;
    in the toolkit's convention (vacuum covariance 𝟙/2) it is 2ν̃₋, the same number.
    """
    nu = 2.0 * nbar + 1.0 - 2.0 * abs(mbar)
    return max(0.0, -math.log(nu))


def normalized(e_n: float) -> float:
    """The paper's normalised measure E_N^(cav) = E_N/(1 + E_N) (paper 004, p. 3)."""
    return e_n / (1.0 + e_n)
