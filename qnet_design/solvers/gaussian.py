"""Gaussian (covariance-matrix) engine for linear bosonic networks.

Used by the schemes ``cv_routing`` (paper 002) and ``cv_replication`` (paper 004). Numerics
only: no scheme physics lives here.

Conventions (stated once, used everywhere in the package)
--------------------------------------------------------
* Quadratures ``x = (a + a†)/√2``, ``p = (a − a†)/(i√2)``, so ``[x, p] = i``.
* Ordering ``r = (x_0, p_0, x_1, p_1, …)``; ``[r_i, r_j] = i Ω_ij`` with
  ``Ω = ⊕ [[0, 1], [−1, 0]]``.
* Covariance ``V_ij = ⟨r_i r_j + r_j r_i⟩/2 − ⟨r_i⟩⟨r_j⟩``: the vacuum is ``V = 𝟙/2`` and every
  physical state obeys ``V + iΩ/2 ≥ 0``. (Paper 002 writes V with vacuum 𝟙, i.e. twice ours;
  convert at the boundary.)
* Dynamics ``dV/dt = A V + V Aᵀ + D`` with drift ``A`` and diffusion ``D`` (real 2n×2n).

Model data
----------
``H = Σ_ij a†_i h_ij a_j + ½ Σ_ij (g_ij a†_i a†_j + h.c.)`` with ``h`` Hermitian and ``g``
symmetric (both n×n, rates in the caller's unit; ħ = 1), and Lindblad dissipators
``Σ_k D[L_k]ρ = Σ_k (L_k ρ L_k† − ½{L_k†L_k, ρ})`` of three kinds:

* :class:`LocalBath` ``(mode, rate, occupation)``:
  ``κ(N+1) D[a_i] + κN D[a_i†]``.
* :class:`CommonBath` ``(rate, amplitudes, occupation)``: ``L = Σ_i u_i a_i`` (u as given, *not*
  renormalised), ``κ(N+1) D[L] + κN D[L†]``.
* :class:`SqueezedBath` ``(modes=(i, j), rate, nbar, mbar)``: a two-mode squeezed thermal bath
  acting on modes i and j at rate Γ, i.e. the input-noise model ``ȧ_i = −Γ/2 a_i + √Γ a_i^in``
  (same for j) with ``⟨a_i^in† a_i^in⟩ = ⟨a_j^in† a_j^in⟩ = n̄`` and ``⟨a_i^in a_j^in⟩ = m̄``
  (real). Equivalently ``Γ[(n̄+1)(D[a_i] + D[a_j]) + n̄(D[a_i†] + D[a_j†])] + Γ m̄ (cross
  terms)``; on its own it drives the pair to the two-mode squeezed thermal state with
  ``⟨a†a⟩ = n̄``, ``⟨a_i a_j⟩ = m̄`` (see :func:`two_mode_squeezed_thermal`). Physical iff
  ``m̄² ≤ n̄(n̄+1)``.

For a quadratic Hamiltonian ``H = ½ rᵀ H_r r`` and Lindblad operators ``L_k = c_kᵀ r`` the drift and
diffusion are ``A = Ω (H_r + Im C†C)`` and ``D = Ω Re(C†C) Ωᵀ`` (C has rows c_kᵀ).

Public API
----------
``LocalBath``, ``CommonBath``, ``SqueezedBath``, ``drift_diffusion``, ``check_stable``,
``max_real_eigenvalue``, ``steady_covariance``,
``lyapunov_residual``, ``evolve_covariance``, ``reduced``, ``is_physical``, ``check_mode``,
``check_modes``, ``symplectic_form``, ``vacuum``, ``thermal_state``,
``two_mode_squeezed_vacuum``, ``two_mode_squeezed_thermal``, ``squeezed_thermal_moments``.
The block-cascaded Lyapunov solver for long chains is :mod:`.gaussian_cascaded`; the figures of
merit of a covariance matrix (E_N, purity, occupations) are in
:mod:`qnet_design.metrics.gaussian`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg

from .._checks import check_int, check_nonnegative, check_real
from ..errors import ParameterError, UnstableError
from ..guard import check_size
from ..progress import progress

__all__ = [
    "CommonBath",
    "LocalBath",
    "SqueezedBath",
    "check_mode",
    "check_modes",
    "check_stable",
    "drift_diffusion",
    "evolve_covariance",
    "is_physical",
    "lyapunov_residual",
    "max_real_eigenvalue",
    "reduced",
    "steady_covariance",
    "symplectic_form",
    "thermal_state",
    "two_mode_squeezed_thermal",
    "two_mode_squeezed_vacuum",
    "vacuum",
]


# ---------------------------------------------------------------------------------------------
# Bath descriptions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalBath:
    """``rate·(N+1) D[a_mode] + rate·N D[a_mode†]``: decay of one mode into a thermal bath.

    ``rate`` is the energy decay rate κ (amplitude damping κ/2); ``occupation`` is N ≥ 0.
    """

    mode: int
    rate: float
    occupation: float = 0.0

    def __post_init__(self) -> None:
        check_int("mode", self.mode, minimum=0)
        check_nonnegative("rate", self.rate)
        check_nonnegative("occupation", self.occupation)


@dataclass(frozen=True)
class CommonBath:
    """``rate·(N+1) D[L] + rate·N D[L†]`` with ``L = Σ_i u_i a_i`` (u = ``amplitudes``).

    ``amplitudes`` is a complex vector of length n_modes, used as given (pass
    ``(a_l + a_{l+1})/√2`` as ``u_l = u_{l+1} = 1/√2``).
    """

    rate: float
    amplitudes: np.ndarray = field(repr=False)
    occupation: float = 0.0

    def __post_init__(self) -> None:
        check_nonnegative("rate", self.rate)
        check_nonnegative("occupation", self.occupation)
        u = np.asarray(self.amplitudes, dtype=complex)
        if u.ndim != 1 or not np.all(np.isfinite(u)):
            raise ParameterError(
                f"`amplitudes` must be a finite 1-D vector, got {self.amplitudes!r}"
            )
        object.__setattr__(self, "amplitudes", u)


@dataclass(frozen=True)
class SqueezedBath:
    """Two-mode squeezed thermal bath on ``modes = (i, j)`` at rate Γ (see module docstring).

    ``nbar`` = ⟨a^in† a^in⟩ of each input, ``mbar`` = ⟨a_i^in a_j^in⟩ (real, either sign);
    requires ``mbar² ≤ nbar(nbar + 1)``.
    """

    modes: tuple[int, int]
    rate: float
    nbar: float
    mbar: float

    def __post_init__(self) -> None:
        if len(self.modes) != 2 or self.modes[0] == self.modes[1]:
            raise ParameterError(f"`modes` must be two distinct mode indices, got {self.modes!r}")
        for m in self.modes:
            check_int("modes", m, minimum=0)
        check_nonnegative("rate", self.rate)
        nbar = check_nonnegative("nbar", self.nbar)
        mbar = check_real("mbar", self.mbar)
        # the bath input state must itself be a physical two-mode Gaussian state
        if mbar * mbar > nbar * (nbar + 1.0) * (1.0 + 1e-12):
            raise ParameterError(
                f"`mbar` must satisfy mbar² <= nbar(nbar+1) = {nbar * (nbar + 1):.6g} "
                f"(physical squeezed bath), got mbar = {mbar!r}, mbar² = {mbar * mbar:.6g}"
            )


# ---------------------------------------------------------------------------------------------
# Basic states and matrices
# ---------------------------------------------------------------------------------------------


def symplectic_form(n_modes: int) -> np.ndarray:
    """Ω = ⊕_k [[0, 1], [−1, 0]] for ``n_modes`` modes in (x, p) ordering."""
    return np.kron(np.eye(n_modes), np.array([[0.0, 1.0], [-1.0, 0.0]]))


def vacuum(n_modes: int) -> np.ndarray:
    """Vacuum covariance matrix 𝟙/2."""
    return 0.5 * np.eye(2 * n_modes)


def thermal_state(occupations: float | Sequence[float]) -> np.ndarray:
    """Product of thermal states with mean occupations n_k: V = ⊕ (n_k + ½) 𝟙₂."""
    n = np.atleast_1d(np.asarray(occupations, dtype=float))
    return np.diag(np.repeat(n + 0.5, 2))


def two_mode_squeezed_thermal(nbar: float, mbar: float) -> np.ndarray:
    """4×4 covariance with ⟨a†a⟩ = ⟨b†b⟩ = n̄ and ⟨ab⟩ = m̄ (real).

    ``V = [[(n̄+½)𝟙, m̄ Z], [m̄ Z, (n̄+½)𝟙]]`` with Z = diag(1, −1); E_N = −ln(2n̄ + 1 − 2|m̄|).
    """
    z = np.diag([1.0, -1.0])
    i2 = np.eye(2)
    return np.block([[(nbar + 0.5) * i2, mbar * z], [mbar * z, (nbar + 0.5) * i2]])


def squeezed_thermal_moments(r: float, n_thermal: float) -> tuple[float, float]:
    """(n̄, m̄) of a two-mode squeezed thermal state: squeezing r applied to thermal modes n_T.

    n̄ = n_T + (2n_T + 1) sinh² r and m̄ = (n_T + ½) sinh 2r (paper 004; README conventions);
    the state is entangled iff m̄ > n̄. The one implementation, used by the translators and by
    ``cv_replication``.
    """
    r = check_nonnegative("r", r)
    n_t = check_nonnegative("n_thermal", n_thermal)
    return n_t + (2.0 * n_t + 1.0) * np.sinh(r) ** 2, (n_t + 0.5) * np.sinh(2.0 * r)


def two_mode_squeezed_vacuum(s: float) -> np.ndarray:
    """Two-mode squeezed vacuum ``exp(s(a†b† − ab))|0,0⟩``: n̄ = sinh² s, m̄ = sinh s cosh s.

    Its logarithmic negativity is E_N = 2|s|.
    """
    return two_mode_squeezed_thermal(np.sinh(s) ** 2, np.sinh(s) * np.cosh(s))


# ---------------------------------------------------------------------------------------------
# Drift and diffusion
# ---------------------------------------------------------------------------------------------


def _omega_left(x: np.ndarray) -> np.ndarray:
    """Ω @ x without forming Ω (rows 2k ← row 2k+1, rows 2k+1 ← −row 2k)."""
    out = np.empty_like(x)
    out[0::2] = x[1::2]
    out[1::2] = -x[0::2]
    return out


def _omega_right_t(x: np.ndarray) -> np.ndarray:
    """x @ Ωᵀ without forming Ω."""
    out = np.empty_like(x)
    out[:, 0::2] = x[:, 1::2]
    out[:, 1::2] = -x[:, 0::2]
    return out


def check_mode(name: str, mode: int, n_modes: int) -> None:
    """Refuse (ParameterError) a mode index outside 0 … n_modes − 1."""
    if not 0 <= mode < n_modes:
        raise ParameterError(f"`{name}` must be a mode index in 0..{n_modes - 1}, got {mode}")


#: dense Lyapunov steady state (Bartels–Stewart) of dimension n = 2 × modes: ~12 real n × n
#: work arrays and ≈ 1.5e-8 n³ s single-threaded (measured under load: n = 1000 in 7.6 s,
#: n = 2000 in 113 s)
LYAPUNOV_ARRAYS = 12
LYAPUNOV_SECONDS_PER_CUBE = 1.5e-8


def check_modes(n_modes: int, what: str = "Gaussian network") -> None:
    """Refuse (SizeError) a dense Gaussian steady state of ``n_modes`` modes that would not fit."""
    dim = 2 * int(n_modes)
    check_size(
        f"{what}: Gaussian steady state of {n_modes} modes (dense {dim} × {dim} Lyapunov solve)",
        memory_bytes=LYAPUNOV_ARRAYS * 8.0 * dim**2,
        seconds=LYAPUNOV_SECONDS_PER_CUBE * float(dim) ** 3,
        change="use fewer nodes, sites or modes",
    )


def drift_diffusion(
    n_modes: int,
    hamiltonian: np.ndarray | None = None,
    pairing: np.ndarray | None = None,
    local_baths: Sequence[LocalBath] = (),
    common_baths: Sequence[CommonBath] = (),
    squeezed_baths: Sequence[SqueezedBath] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Drift A and diffusion D (real 2n×2n) of ``dV/dt = A V + V Aᵀ + D``.

    Parameters
    ----------
    n_modes
        Number of bosonic modes n.
    hamiltonian
        Hermitian n×n ``h`` of ``Σ a†_i h_ij a_j`` (``None`` = 0). Diagonal = mode frequencies.
    pairing
        Symmetric complex n×n ``g`` of ``½ Σ (g_ij a†_i a†_j + h.c.)`` (``None`` = 0). Single-mode
        squeezing ``(i r/2)(a² − a†²)`` is ``g_00 = −i r``; two-mode squeezing
        ``λ(a†b† + ab)`` is ``g_ab = g_ba = λ``.
    local_baths, common_baths, squeezed_baths
        Dissipators, see :class:`LocalBath`, :class:`CommonBath`, :class:`SqueezedBath`.

    Returns
    -------
    A, D
        Real arrays of shape (2n, 2n); D is symmetric positive semidefinite.
    """
    n = check_int("n_modes", n_modes, minimum=1)
    check_modes(n)
    hr = np.zeros((2 * n, 2 * n))  # H_r: H = ½ rᵀ H_r r + const
    if hamiltonian is not None:
        h = np.asarray(hamiltonian, dtype=complex)
        if h.shape != (n, n) or np.abs(h - h.conj().T).max() > 1e-12 * max(1.0, np.abs(h).max()):
            raise ParameterError(
                f"`hamiltonian` must be a Hermitian {n}x{n} matrix, got shape {h.shape}"
            )
        re, im = h.real, h.imag
        hr[0::2, 0::2] += re
        hr[1::2, 1::2] += re
        hr[0::2, 1::2] -= im
        hr[1::2, 0::2] += im
    if pairing is not None:
        g = np.asarray(pairing, dtype=complex)
        if g.shape != (n, n) or np.abs(g - g.T).max() > 1e-12 * max(1.0, np.abs(g).max()):
            raise ParameterError(f"`pairing` must be a symmetric {n}x{n} matrix, got {g.shape}")
        re, im = g.real, g.imag
        hr[0::2, 0::2] += re
        hr[1::2, 1::2] -= re
        hr[0::2, 1::2] += im
        hr[1::2, 0::2] += im
    # Im C†C (antisymmetric) and Re C†C (symmetric, ≥ 0), accumulated as COO triplets so that
    # thousands of few-mode baths cost O(total support²), not O(n²) each
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    v_im: list[np.ndarray] = []
    v_re: list[np.ndarray] = []

    def add_jump(support: np.ndarray, u: np.ndarray, rate: float, occ: float) -> None:
        # L = Σ u_i a_i has quadrature row ℓ = Σ u_i (e_x + i e_p)/√2; with the pair
        # rate(N+1) D[L] + rate N D[L†]: Im part ∝ (N+1) − N = 1, Re part ∝ 2N + 1.
        idx = np.empty(2 * support.size, dtype=int)
        idx[0::2] = 2 * support
        idx[1::2] = 2 * support + 1
        ell = np.empty(2 * support.size, dtype=complex)
        ell[0::2] = u / np.sqrt(2.0)
        ell[1::2] = 1j * u / np.sqrt(2.0)
        outer = np.outer(ell.conj(), ell)
        rows.append(np.repeat(idx, idx.size))
        cols.append(np.tile(idx, idx.size))
        v_im.append(rate * outer.imag.ravel())
        v_re.append(rate * (2.0 * occ + 1.0) * outer.real.ravel())

    for bath in local_baths:
        check_mode("mode", bath.mode, n)
        add_jump(np.array([bath.mode]), np.array([1.0 + 0j]), bath.rate, bath.occupation)
    for cb in common_baths:
        if cb.amplitudes.shape != (n,):
            raise ParameterError(
                f"`amplitudes` must have {n} entries (one per mode), got {cb.amplitudes.shape[0]}"
            )
        support = np.flatnonzero(cb.amplitudes)
        add_jump(support, cb.amplitudes[support], cb.rate, cb.occupation)
    c_im = np.zeros((2 * n, 2 * n))
    c_re = np.zeros((2 * n, 2 * n))
    if rows:
        flat = np.concatenate(rows) * (2 * n) + np.concatenate(cols)
        size = 4 * n * n
        c_im += np.bincount(flat, np.concatenate(v_im), size).reshape(2 * n, 2 * n)
        c_re += np.bincount(flat, np.concatenate(v_re), size).reshape(2 * n, 2 * n)
    a = _omega_left(hr + c_im)
    d = _omega_right_t(_omega_left(c_re))
    for sb in squeezed_baths:
        i, j = sb.modes
        check_mode("modes", i, n)
        check_mode("modes", j, n)
        idx = np.array([2 * i, 2 * i + 1, 2 * j, 2 * j + 1])
        a[idx, idx] -= 0.5 * sb.rate
        d[np.ix_(idx, idx)] += sb.rate * two_mode_squeezed_thermal(sb.nbar, sb.mbar)
    return a, 0.5 * (d + d.T)


# ---------------------------------------------------------------------------------------------
# Stability and steady state
# ---------------------------------------------------------------------------------------------


def max_real_eigenvalue(a: np.ndarray) -> float:
    """Largest real part of the eigenvalues of the drift matrix."""
    return float(np.max(np.linalg.eigvals(np.asarray(a, dtype=float)).real))


def check_stable(a: np.ndarray, hint: str | None = None, *, margin: float = 0.0) -> float:
    """Raise :class:`UnstableError` unless every eigenvalue of A has Re λ < −margin.

    Parameters
    ----------
    a
        Drift matrix.
    hint
        Which parameter(s) made the system unstable, in words (e.g. ``"squeezing r = 1.2"``);
        appears in the error message.
    margin
        Required distance from the imaginary axis (≥ 0). A marginal drift (max Re λ = 0) has no
        unique steady state and is rejected.

    Returns
    -------
    float
        max Re λ (negative), for callers that want the decay rate of the slowest mode.
    """
    lam = max_real_eigenvalue(a)
    if not lam < -margin:
        by = f", made unstable by {hint}" if hint else ""
        raise UnstableError(
            f"the linear network has no steady state: max Re eig(A) = {lam:.6g} >= "
            f"{-margin:.3g}{by}"
        )
    return lam


def steady_covariance(a: np.ndarray, d: np.ndarray, *, hint: str | None = None) -> np.ndarray:
    """Steady state of ``A V + V Aᵀ + D = 0`` (dense Bartels–Stewart, scipy).

    Checks stability first (:func:`check_stable`, with ``hint`` in the error). Cost O(n³): use
    :func:`.gaussian_cascaded.steady_covariance_cascaded` for long cascaded chains.
    """
    a = np.asarray(a, dtype=float)
    d = np.asarray(d, dtype=float)
    if a.shape != d.shape or a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ParameterError(f"`a` and `d` must be square of equal shape, got {a.shape}, {d.shape}")
    check_modes(a.shape[0] // 2)
    progress("Gaussian steady state", f"{a.shape[0]} × {a.shape[0]} Lyapunov solve")
    check_stable(a, hint)
    v = scipy.linalg.solve_continuous_lyapunov(a, -d)
    return 0.5 * (v + v.T)


def lyapunov_residual(a: np.ndarray, d: np.ndarray, v: np.ndarray) -> float:
    """Relative residual ‖A V + V Aᵀ + D‖_F / (2‖A‖_F‖V‖_F + ‖D‖_F)."""
    r = a @ v + v @ a.T + d
    scale = 2.0 * np.linalg.norm(a) * np.linalg.norm(v) + np.linalg.norm(d)
    return float(np.linalg.norm(r) / scale) if scale > 0 else float(np.linalg.norm(r))


def evolve_covariance(
    a: np.ndarray, d: np.ndarray, v0: np.ndarray, times: Sequence[float] | np.ndarray
) -> np.ndarray:
    """Exact V(t) of ``dV/dt = A V + V Aᵀ + D`` at ``times`` (shape (len(times), 2n, 2n)).

    Stable A: ``V(t) = V∞ + e^{At}(V0 − V∞)e^{Aᵀt}`` (no cancellation at long times).
    Otherwise ``V(t) = e^{At} V0 e^{Aᵀt} + ∫₀ᵗ e^{As} D e^{Aᵀs} ds`` with the integral from one
    matrix exponential of ``[[−A, D], [0, Aᵀ]] t`` (Van Loan 1978).
    """
    a = np.asarray(a, dtype=float)
    d = np.asarray(d, dtype=float)
    v0 = np.asarray(v0, dtype=float)
    m = a.shape[0]
    if v0.shape != (m, m):
        raise ParameterError(f"`v0` must have shape {(m, m)}, got {v0.shape}")
    ts = np.atleast_1d(np.asarray(times, dtype=float))
    if np.any(ts < 0):
        raise ParameterError(f"`times` must be >= 0, got min {ts.min()!r}")
    out = np.empty((ts.size, m, m))
    if max_real_eigenvalue(a) < 0:
        v_inf = scipy.linalg.solve_continuous_lyapunov(a, -d)
        for k, t in enumerate(ts):
            eat = scipy.linalg.expm(a * t)
            out[k] = v_inf + eat @ (v0 - v_inf) @ eat.T
    else:
        big = np.block([[-a, d], [np.zeros_like(a), a.T]])
        for k, t in enumerate(ts):
            f = scipy.linalg.expm(big * t)
            eat_t = f[m:, m:]  # e^{Aᵀ t}
            out[k] = eat_t.T @ v0 @ eat_t + eat_t.T @ f[:m, m:]
    return 0.5 * (out + np.swapaxes(out, 1, 2))


# ---------------------------------------------------------------------------------------------
# Figures of merit
# ---------------------------------------------------------------------------------------------


def reduced(v: np.ndarray, modes: Sequence[int]) -> np.ndarray:
    """Covariance of the listed modes (in the given order), from a (…, 2n, 2n) array."""
    idx = np.array([[2 * m, 2 * m + 1] for m in modes], dtype=int).ravel()
    v = np.asarray(v)
    return v[..., idx[:, None], idx[None, :]]


def is_physical(v: np.ndarray, atol: float = 1e-10) -> bool:
    """Whether V is symmetric and V + iΩ/2 ≥ 0 (up to ``atol`` on the smallest eigenvalue)."""
    v = np.asarray(v, dtype=float)
    if v.ndim != 2 or v.shape[0] != v.shape[1] or v.shape[0] % 2:
        return False
    if not np.allclose(v, v.T, atol=atol):
        return False
    w = np.linalg.eigvalsh(v + 0.5j * symplectic_form(v.shape[0] // 2))
    return bool(w.min() >= -atol)
