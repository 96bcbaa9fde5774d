"""Analytic pure steady state of the ideal broadband network (paper 000, Eq. 5-9)."""

from __future__ import annotations

import math

import numpy as np
import qutip

from ...guard import check_size
from ...metrics.density import concurrence
from .model import DualRail


def _pair_ket(r: float) -> np.ndarray:
    """Eq. 5: (cosh r |00⟩ + sinh r |11⟩)/√cosh 2r in the order (A, B)."""
    v = np.zeros(4, dtype=complex)
    v[0], v[3] = math.cosh(r), math.sinh(r)
    return v / math.sqrt(math.cosh(2 * r))


def _swap_unitary(theta: float) -> np.ndarray:
    """Eq. 7: U = exp[iθ(s⃗₁ + s⃗₂)²], i.e. e^{2iθ} on the triplet and 1 on the singlet."""
    singlet = np.array([0, 1, -1, 0], dtype=complex) / math.sqrt(2)
    proj_s = np.outer(singlet, singlet.conj())
    return np.exp(2j * theta) * (np.eye(4) - proj_s) + proj_s


def _apply_two(psi: np.ndarray, u: np.ndarray, i: int, j: int, n_qubits: int) -> np.ndarray:
    t = psi.reshape((2,) * n_qubits)
    t = np.moveaxis(t, (i, j), (0, 1)).reshape(4, -1)
    t = (u @ t).reshape((2, 2) + (2,) * (n_qubits - 2))
    return np.moveaxis(t, (0, 1), (i, j)).reshape(-1)


def analytic_state(model: DualRail) -> qutip.Qobj:
    """Pure steady state |ψ₀(r, δ_A, P)⟩ of Eq. 9 (ideal broadband network).

    Starting from |Φ_∥⟩ = ⊗ᵢ|Φ⁺_{i,i}⟩ (Eq. 6), the permutation P is decomposed into
    nearest-neighbour transpositions (bubble sort of δ_B from −δ_A towards −Pδ_A); each
    transposition of B-sites (i, i+1) applies U_{i,i+1} of Eq. 7 with tan θ =
    (δ_{B,i} − δ_{B,i+1})/γ evaluated on the detuning pattern *after* the exchange (the
    ordering that makes Eq. 9 the steady state of Eq. 1, checked numerically in the tests).

    This is the target state of the ideal model: β, γ_φ, γ′ and p_loss are ignored.
    Returns a ket with tensor factors A₁, B₁, A₂, B₂, …; a ket too large for the machine is
    refused by the size guard before it is built.
    """
    n = model.pairs
    check_size(  # the ket (16 bytes per amplitude), its Kronecker build and one reshaped copy
        f"ideal dual-rail target state (Eq. 9) of {n} pairs",
        memory_bytes=64.0 * 4.0 ** min(n, 200),
        change="use fewer pairs (the size guard of every dual-rail solve)",
    )
    psi = _pair_ket(model.r)
    for _ in range(n - 1):
        psi = np.kron(psi, _pair_ket(model.r))
    perm = list(model.permutation or range(n))
    cur = list(range(n))  # δ_{B,i} = −δ_{A,cur[i]}
    delta_a = model.delta_a
    for target in range(n):
        j = cur.index(perm[target])
        for m in range(j - 1, target - 1, -1):
            db_m, db_m1 = -delta_a[cur[m]], -delta_a[cur[m + 1]]  # type: ignore[index]
            theta = -math.atan(db_m - db_m1)
            psi = _apply_two(psi, _swap_unitary(theta), 2 * m + 1, 2 * m + 3, 2 * n)
            cur[m], cur[m + 1] = cur[m + 1], cur[m]
    return qutip.Qobj(psi, dims=[[2] * (2 * n), [1] * (2 * n)])


def analytic_concurrences(model: DualRail) -> np.ndarray:
    """C_ij = C(ρ_{A_i|B_j}) of the pure state Eq. 9 (:func:`analytic_state`), i, j = 1 … N.

    Each two-qubit state is reduced from the 2^{2N} ket directly (no 4^{2N} density matrix),
    so the layout's ideal target (β, γ_φ, γ′, p_loss ignored) costs milliseconds at N = 6,
    where the numerical broadband cascade takes minutes.
    """
    n = model.pairs
    psi = analytic_state(model).full().reshape((2,) * (2 * n))
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            t = np.moveaxis(psi, (2 * i, 2 * j + 1), (0, 1)).reshape(4, -1)
            out[i, j] = concurrence(t @ t.conj().T)
    return out
