"""Closed forms of the ideal thermal link (paper 001; γ₁ = γ₂ = γ = 1, no imperfections).

Υ of Eq. 21-23, the Bourret populations of App. A (Eq. A4) and of Eq. 27-31, and the
three-level populations of Eq. 43-44. :mod:`.approximations` uses them for the ideal model of
Eq. 6-8 and checks their range of validity; the typos of the paper resolved here are listed
there.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from ...errors import ParameterError

__all__ = ["analytic_populations", "bourret_lowest", "bourret_populations", "upsilon"]


def upsilon(x: float | np.ndarray) -> float | np.ndarray:
    r"""Υ(x) = e^{1/(8x)} Γ[0, 1/(8x)] / (8x) (paper 001, below Eq. 21).

    Υ(Φ/γ) is the thermal average of the ground-state weight γ/(γ + 8κ|α₀|²) of the dark
    state Eq. 19: Υ(x) = ∫₀^∞ e^{−t}/(1 + 8xt) dt. Υ(0) = 1, Υ(x) ≈ 1 − 8x for x ≪ 1 and
    Υ(x) ≈ [ln(8x) − γ_E]/(8x) for x ≫ 1. With z = 1/(8x), Υ = z eᶻ E₁(z); for z > 600 the
    asymptotic series of eᶻE₁(z) (error < 10⁻¹⁴) avoids the overflow of eᶻ.
    """
    xa = np.asarray(x, dtype=float)
    if np.any(xa < 0) or not np.all(np.isfinite(xa)):
        raise ParameterError(f"`x` must be finite and >= 0, got {x!r}")
    out = np.ones_like(xa)
    pos = xa > 0
    z = np.where(pos, 1.0 / (8.0 * np.where(pos, xa, 1.0)), np.inf)
    small = pos & (z <= 600.0)
    zs = z[small]
    out[small] = zs * np.exp(zs) * special.exp1(zs)
    big = pos & (z > 600.0)
    zb = z[big]
    # z e^z E1(z) ~ sum_k (-1)^k k! / z^k
    out[big] = 1 - 1 / zb + 2 / zb**2 - 6 / zb**3 + 24 / zb**4 - 120 / zb**5
    return float(out) if out.ndim == 0 else out


def bourret_populations(kappa: float, flux: float) -> tuple[float, float, float, float]:
    r"""App. A steady populations (ρ₀₀, ρ_T, ρ_S, ρ₁₁) of Eq. (A4), γ = 1.

    The printed ρ₀₀ numerator ends with (γ+2κ)²(3γ+2γ)²; normalisation Tr ρ = 1 (and a symbolic
    solution of Eq. A4) give (γ+2κ)²(3γ+2κ)².
    """
    g, k, p = 1.0, kappa, flux
    q = (3 * g + 2 * k) ** 2
    norm = (g + 2 * k) * (g + 2 * k + 8 * p) * (q + 8 * p * (g + 2 * k))
    n11 = 64 * k * p**2 * (g + k)
    nt = 8 * k * p * (q + 8 * p * (g + k))
    ns = 8 * p * ((g + k) * q + 8 * p * (g**2 + k**2 + g * k))
    n00 = 64 * k * p**2 * (g + k) + 8 * p * (g + 2 * k) ** 3 + (g + 2 * k) ** 2 * q
    return n00 / norm, nt / norm, ns / norm, n11 / norm


def bourret_lowest(kappa: float, flux: float) -> tuple[float, float, float, float, float]:
    """Eq. 27-31 (γ = 1): populations ρ₀₀, ρ_T, ρ_S, ρ₁₁ and the unclipped concurrence."""
    g, k, p = 1.0, kappa, flux
    a, b = g + 8 * p, 9 * g + 8 * p
    p11 = 64 * k * p**2 / (g * a * b)
    pt = 8 * k * p / (g * a)
    ps = 8 * p / a - 8 * k * p * (27 * g**2 + 112 * g * p + 192 * p**2) / (g * a**2 * b)
    p00 = g / a
    c = 8 * p / a - 16 * p * math.sqrt(k) / (a * math.sqrt(b))
    c -= 32 * k * p * (3 * g + 8 * p) ** 2 / (g * a**2 * b)
    return p00, pt, ps, p11, c


def analytic_populations(kappa: float, flux: float) -> tuple[float, float, float]:
    """Eq. 43-44 (γ = 1): ρ_S, ρ_T and ρ₀₀ = 1 − ρ_S − ρ_T (three-level, ρ₁₁ = 0)."""
    flux_eff = flux / (1.0 + 24.0 * kappa * flux)
    u = float(upsilon(flux_eff))
    ps = 1.0 - u * (1.0 + 16.0 * kappa * flux)
    pt = 8.0 * kappa * flux * u
    return ps, pt, 1.0 - ps - pt
