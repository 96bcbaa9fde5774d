"""Figures of merit of Gaussian states, from covariance matrices (vacuum 𝟙/2).

Conventions of :mod:`qnet_design.solvers.gaussian` (quadratures x = (a + a†)/√2, ordering
(x₀, p₀, x₁, p₁, …), V_ij = ⟨r_i r_j + r_j r_i⟩/2 − ⟨r_i⟩⟨r_j⟩, zero first moments):

* logarithmic negativity of a two-mode block E_N = max(0, −ln 2ν̃₋) (natural log), ν̃₋ the
  smaller symplectic eigenvalue of the partial transpose (Serafini, *Quantum Continuous
  Variables*): 2ν̃₋² = Δ̃ − √(Δ̃² − 4 det V), Δ̃ = det V_A + det V_B − 2 det V_AB;
* purity Tr ρ² = 1/(2ⁿ √det V);
* mean occupation of mode k: n_k = (V_xx + V_pp)/2 − ½.

The same quantities of density matrices are in :mod:`.density`; the names say which is which
(``gaussian_purity`` here, ``purity`` there).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_int
from ..errors import ParameterError
from ..solvers.gaussian import check_mode, symplectic_form

__all__ = ["gaussian_log_negativity", "gaussian_purity", "mean_occupation", "mean_occupations"]


def gaussian_log_negativity(v2: np.ndarray) -> np.ndarray | float:
    """E_N = max(0, −ln 2ν̃₋) of two-mode covariance blocks, shape (4, 4) or (…, 4, 4).

    Vacuum convention 𝟙/2. ν̃₋ is the smaller symplectic eigenvalue of the partial transpose
    ``Ṽ = P V P`` (P flips p of the second mode), taken as the smallest |eigenvalue| of the
    Hermitian matrix ``Ṽ^{1/2} (iΩ) Ṽ^{1/2}`` (eigenvalues ±ν̃). This is equivalent to Serafini's
    ``2ν̃₋² = Δ̃ − √(Δ̃² − 4 det V)``, ``Δ̃ = det V_A + det V_B − 2 det V_AB``, but stays
    accurate to rounding where ν̃₊ ≈ ν̃₋ (e.g. near the vacuum), where the square root of the
    discriminant would amplify 1e-16 rounding to ~1e-8 in E_N.

    Returns a float for one block, an array of shape (…) otherwise.
    """
    v2 = np.asarray(v2, dtype=float)
    if v2.shape[-2:] != (4, 4):
        raise ParameterError(f"`v2` must be two-mode blocks of shape (..., 4, 4), got {v2.shape}")
    flip = np.array([1.0, 1.0, 1.0, -1.0])
    vt = v2 * flip[:, None] * flip[None, :]
    vt = 0.5 * (vt + np.swapaxes(vt, -1, -2))
    w, u = np.linalg.eigh(vt)
    if np.any(w <= 0):
        raise ParameterError("`v2` must be positive definite (a physical covariance matrix)")
    root = (u * np.sqrt(w)[..., None, :]) @ np.swapaxes(u, -1, -2)
    herm = root @ (1j * symplectic_form(2)) @ root
    nu_minus = np.abs(np.linalg.eigvalsh(herm)).min(axis=-1)
    en = np.maximum(0.0, -np.log(2.0 * nu_minus))
    return float(en) if en.ndim == 0 else en


def mean_occupations(v: np.ndarray) -> np.ndarray:
    """n_k = (V_{x_k x_k} + V_{p_k p_k})/2 − ½ for every mode (zero first moments)."""
    dg = np.diagonal(np.asarray(v, dtype=float), axis1=-2, axis2=-1)
    return 0.5 * (dg[..., 0::2] + dg[..., 1::2]) - 0.5


def mean_occupation(v: np.ndarray, k: int) -> float:
    """⟨a_k†a_k⟩ = (V_xx + V_pp)/2 − ½ of mode k (zero first moments)."""
    n = np.asarray(v).shape[-1] // 2
    check_int("k", k, minimum=0)
    check_mode("k", k, n)
    return float(mean_occupations(v)[k])


def gaussian_purity(v: np.ndarray) -> float:
    """Tr ρ² = 1/(2ⁿ √det V) for an n-mode Gaussian state (vacuum 𝟙/2)."""
    v = np.asarray(v, dtype=float)
    n = v.shape[0] // 2
    sign, logdet = np.linalg.slogdet(v)
    if sign <= 0:
        raise ParameterError("`v` must be positive definite to have a purity")
    return float(np.exp(-n * np.log(2.0) - 0.5 * logdet))
