"""Figures of merit of density matrices (qubit states): concurrence, negativity, entropy, purity.

Conventions (README, "Units and conventions"):

* concurrence — Wootters, C = max(0, λ₁ − λ₂ − λ₃ − λ₄) with λᵢ the decreasing square roots of
  the eigenvalues of ρ (σ_y⊗σ_y) ρ* (σ_y⊗σ_y) [Hill & Wootters, PRL 78, 5022 (1997)];
* logarithmic negativity of a qubit bipartition — E_N = ln ‖ρ^{T_B}‖₁ (natural log);
* entropies — von Neumann with natural logarithms, as in paper 000.

The same quantities of Gaussian states, from covariance matrices, are in :mod:`.gaussian`.
All functions accept a :class:`qutip.Qobj` or a NumPy array.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import qutip

from ..errors import ParameterError

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


__all__ = [
    "concurrence",
    "entropy",
    "log_negativity",
    "partial_transpose",
    "purity",
]
