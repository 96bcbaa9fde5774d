"""Figures of merit for qubit states: concurrence, negativity, entropy, purity, T_prep, N_ent.

Conventions (README, "Units and conventions"):

* concurrence — Wootters, C = max(0, λ₁ − λ₂ − λ₃ − λ₄) with λᵢ the decreasing square roots of
  the eigenvalues of ρ (σ_y⊗σ_y) ρ* (σ_y⊗σ_y) [Hill & Wootters, PRL 78, 5022 (1997)];
* logarithmic negativity of a qubit bipartition — E_N = ln ‖ρ^{T_B}‖₁ (natural log);
* entropies — von Neumann with natural logarithms, as in paper 000;
* N_ent — paper 000's linear extrapolation C₁₁/(C₁₁ − C₂₂).

Gaussian (covariance-matrix) measures live in :mod:`qnet_design.solvers.gaussian`.
All functions accept a :class:`qutip.Qobj` or a NumPy array.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import qutip

from .errors import ParameterError

_SYSY = np.kron(np.array([[0, -1j], [1j, 0]]), np.array([[0, -1j], [1j, 0]]))


def _matrix(rho: qutip.Qobj | np.ndarray) -> np.ndarray:
    if isinstance(rho, qutip.Qobj):
        rho = rho.proj() if rho.isket else rho
        return np.asarray(rho.full())
    arr = np.asarray(rho, dtype=complex)
    if arr.ndim == 1:
        arr = np.outer(arr, arr.conj())
    return arr


def concurrence(rho: qutip.Qobj | np.ndarray) -> float:
    """Wootters concurrence of a two-qubit density matrix (4×4) or ket (4)."""
    m = _matrix(rho)
    if m.shape != (4, 4):
        raise ParameterError(f"`rho` must be a two-qubit state (4x4), got shape {m.shape}")
    r = m @ _SYSY @ m.conj() @ _SYSY
    lam = np.sqrt(np.clip(np.sort(np.linalg.eigvals(r).real)[::-1], 0.0, None))
    return float(max(0.0, lam[0] - lam[1] - lam[2] - lam[3]))


def purity(rho: qutip.Qobj | np.ndarray) -> float:
    """Tr ρ²."""
    m = _matrix(rho)
    return float(np.real(np.einsum("ij,ji->", m, m)))


def entropy(rho: qutip.Qobj | np.ndarray) -> float:
    """Von Neumann entropy −Tr ρ ln ρ in nats."""
    m = _matrix(rho)
    w = np.linalg.eigvalsh(0.5 * (m + m.conj().T))
    w = w[w > 1e-14]
    return float(-np.sum(w * np.log(w)))


def partial_transpose(rho: qutip.Qobj, subsystems: Sequence[int]) -> qutip.Qobj:
    """Partial transpose of ``rho`` on the listed tensor factors."""
    mask = [1 if i in set(subsystems) else 0 for i in range(len(rho.dims[0]))]
    return qutip.partial_transpose(rho, mask)


def log_negativity(rho: qutip.Qobj, subsystems: Sequence[int] = (1,)) -> float:
    """E_N = ln ‖ρ^{T_S}‖₁ (natural log), S the transposed factors; 0 for separable PPT states."""
    if not isinstance(rho, qutip.Qobj):
        raise ParameterError("`rho` must be a qutip.Qobj with tensor dims for log_negativity")
    rho = rho.proj() if rho.isket else rho
    eig = np.linalg.eigvalsh(partial_transpose(rho, subsystems).full())
    return float(max(0.0, np.log(np.sum(np.abs(eig)))))


def n_ent_extrapolated(c11: float, c22: float) -> float:
    """Paper 000's estimate N_ent = C₁₁/(C₁₁ − C₂₂) (linear extrapolation of C_kk to zero).

    Returns ``inf`` when C₂₂ ≥ C₁₁ (no decay along the chain is resolved) and 0 when C₁₁ = 0.
    """
    if c11 <= 0.0:
        return 0.0
    if c22 >= c11:
        return float("inf")
    return float(c11 / (c11 - c22))


def crossing_time(times: np.ndarray, values: np.ndarray, threshold: float) -> float:
    """First time at which ``values`` falls to ``threshold``, by linear interpolation.

    Raises :class:`ParameterError` if the curve never gets there within ``times`` (the caller
    should integrate longer rather than report the end of the grid).
    """
    times = np.asarray(times, dtype=float)
    values = np.asarray(values, dtype=float)
    below = np.nonzero(values <= threshold)[0]
    if below.size == 0:
        raise ParameterError(
            f"the curve never reaches {threshold:g} before t = {times[-1]:g}; integrate longer"
        )
    k = int(below[0])
    if k == 0:
        return float(times[0])
    t0, t1, v0, v1 = times[k - 1], times[k], values[k - 1], values[k]
    return float(t0 + (threshold - v0) * (t1 - t0) / (v1 - v0))


__all__ = [
    "concurrence",
    "crossing_time",
    "entropy",
    "log_negativity",
    "n_ent_extrapolated",
    "partial_transpose",
    "purity",
]
