"""Superoperator building blocks of the thermal link (paper 001), shared by every exact route.

Basis and vectorisation conventions (used by :mod:`.fock`, :mod:`.hierarchy`,
:mod:`.trajectories` and by the approximations):

* qubit basis |0⟩ = ground (index 0), |1⟩ = excited (index 1); σ⁻ = |0⟩⟨1|, σ^z = |1⟩⟨1| − |0⟩⟨0|;
  two-qubit basis |00⟩, |01⟩, |10⟩, |11⟩ (qubit 1 is the left tensor factor);
* superoperators act on column-stacked density matrices, vec(AρB) = (Bᵀ ⊗ A) vec(ρ);
* every model term is stored as a list of ``(coefficient, A, B)`` meaning ``coefficient·AρB``,
  so that the same description builds the 16 × 16 qubit superoperators (hierarchy, trajectories)
  and the charge-sector-restricted Fock Liouvillian (:mod:`.fock`).

The drive enters the phase-space equation of motion Eq. 12 as α𝓛₊ + α*𝓛₋. For the chiral
geometry 𝓛±ρ = ±Σᵢ √(κγᵢ) [ρ, σᵢ^±] (Eq. 4, 8, 12, 16); for the bidirectional geometry without
backaction (Eq. 51-52, App. C Eq. C4-C5 without ∂_α terms) 𝓛₊ρ = (√κ/2)[ρ, Σ†] and
𝓛₋ρ = (√κ/2)[Σ, ρ], Σ = Σⱼ √γⱼ e^{−ik₀zⱼ} σⱼ⁻.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .model import ThermalLink

Term = tuple[complex, np.ndarray, np.ndarray]

_SM = np.array([[0.0, 1.0], [0.0, 0.0]])  # σ⁻ = |0⟩⟨1| with |0⟩ the ground state
_SZ = np.diag([-1.0, 1.0])
_I2 = np.eye(2)

SM1 = np.kron(_SM, _I2)
SM2 = np.kron(_I2, _SM)
SZ1 = np.kron(_SZ, _I2)
SZ2 = np.kron(_I2, _SZ)
I4 = np.eye(4)
#: number of excitations of |00⟩, |01⟩, |10⟩, |11⟩ (the U(1) charge used to shrink the problems)
EXCITATIONS = np.array([0, 1, 1, 2])


def dag(op: np.ndarray) -> np.ndarray:
    return op.conj().T


def hamiltonian_terms(h: np.ndarray, ident: np.ndarray) -> list[Term]:
    """−i[H, ρ] as (coef, A, B) terms."""
    return [(-1j, h, ident), (1j, ident, h)]


def dissipator_terms(rate: float, jump: np.ndarray, ident: np.ndarray) -> list[Term]:
    """rate·D[O]ρ = rate(OρO† − ½{O†O, ρ})."""
    if rate == 0.0:
        return []
    odo = dag(jump) @ jump
    return [(rate, jump, dag(jump)), (-0.5 * rate, odo, ident), (-0.5 * rate, ident, odo)]


def cross_dissipator_terms(
    rate: complex, cj: np.ndarray, cl: np.ndarray, ident: np.ndarray
) -> list[Term]:
    """rate·D[c_j, c_l]ρ = rate(c_j ρ c_l† − ½{c_l† c_j, ρ}) (App. C, Eq. C2)."""
    if rate == 0.0:
        return []
    prod = dag(cl) @ cj
    return [(rate, cj, dag(cl)), (-0.5 * rate, prod, ident), (-0.5 * rate, ident, prod)]


def superop(terms: list[Term]) -> np.ndarray:
    """Dense superoperator Σ c (Bᵀ ⊗ A) of a list of qubit terms (column stacking)."""
    dim = terms[0][1].shape[0]
    out = np.zeros((dim * dim, dim * dim), dtype=complex)
    for c, a, b in terms:
        out += c * np.kron(np.asarray(b).T, np.asarray(a))
    return out


def bidirectional_couplings(model: ThermalLink) -> tuple[np.ndarray, np.ndarray]:
    """Coherent J_{jl} and dissipative Γ_{jl} couplings of App. C, Eq. C2 (j, l = 0 cavity, 1, 2).

    J_{jl} = √(γⱼγₗ)[sin k₀(zⱼ+zₗ) + sin k₀|zⱼ−zₗ|]/4 and
    Γ_{jl} = √(γⱼγₗ)[cos k₀(zⱼ+zₗ) + cos k₀|zⱼ−zₗ|]/2, with γ₀ ≡ κ and z₀ = 0.
    """
    rates = np.array([model.kappa, model.gamma1, model.gamma2])
    kz = np.array([0.0, *model.kz])
    amp = np.sqrt(np.outer(rates, rates))
    ssum = np.add.outer(kz, kz)
    sdiff = np.abs(np.subtract.outer(kz, kz))
    coh = amp * (np.sin(ssum) + np.sin(sdiff)) / 4.0
    dis = amp * (np.cos(ssum) + np.cos(sdiff)) / 2.0
    return coh, dis


def qubit_terms(
    model: ThermalLink,
    ident: np.ndarray,
    sm1: np.ndarray,
    sm2: np.ndarray,
    sz1: np.ndarray,
    sz2: np.ndarray,
) -> list[Term]:
    """Terms of the undriven qubit Liouvillian 𝓛_q (and loss/dephasing), any embedding.

    Chiral (Eq. 3-5, 48): H = Σ Δᵢσᵢ^z/2 + i(g/2)(σ₁⁺σ₂⁻ − σ₂⁺σ₁⁻), g = √(γ₁γ₂(1 − p_loss)),
    dissipators D[√(γ₁(1−p)) σ₁ + √γ₂ σ₂] + γ₁ p D[σ₁] (equivalent to Eq. 3 + Eq. 48). A link
    occupation n = ``n_link`` multiplies these waveguide dissipators by (n + 1) and adds the
    same ones with σ → σ⁺ times n, H unchanged — the structure of Eq. 17 for a white thermal
    input (the lossy segment at the link temperature re-adds exactly the thermal noise it
    removes, so the decomposition above stays valid).
    Bidirectional (Eq. 51-53 / C2 restricted to the qubits): H = Σ Δᵢ σᵢ^z/2 + Σ J_{jl}σⱼ⁺σₗ⁻,
    dissipators Σ Γ_{jl} D[σⱼ, σₗ]. Both: pure dephasing (γ_φ/2) Σ D[σᵢ^z] and decay into
    non-guided modes Σ γ′ᵢ D[σᵢ⁻] (``gamma_loss1``, ``gamma_loss2``).
    """
    terms: list[Term] = []
    h = 0.5 * model.delta1 * sz1 + 0.5 * model.delta2 * sz2
    if model.geometry == "chiral":
        eta = 1.0 - model.p_loss
        g = math.sqrt(model.gamma1 * model.gamma2 * eta)
        h = h + 0.5j * g * (dag(sm1) @ sm2 - dag(sm2) @ sm1)
        collective = math.sqrt(model.gamma1 * eta) * sm1 + math.sqrt(model.gamma2) * sm2
        n = model.n_link
        lossy = model.gamma1 * model.p_loss
        terms += dissipator_terms(n + 1.0, collective, ident)
        terms += dissipator_terms(lossy * (n + 1.0), sm1, ident)
        terms += dissipator_terms(n, dag(collective), ident)
        terms += dissipator_terms(lossy * n, dag(sm1), ident)
    else:
        coh, dis = bidirectional_couplings(model)
        ops = {1: sm1, 2: sm2}
        for j in (1, 2):
            for k in (1, 2):
                h = h + coh[j, k] * dag(ops[j]) @ ops[k]
                terms += cross_dissipator_terms(dis[j, k], ops[j], ops[k], ident)
    terms += hamiltonian_terms(h, ident)
    terms += dissipator_terms(0.5 * model.gamma_phi, sz1, ident)
    terms += dissipator_terms(0.5 * model.gamma_phi, sz2, ident)
    terms += dissipator_terms(model.gamma_loss1, sm1, ident)
    terms += dissipator_terms(model.gamma_loss2, sm2, ident)
    return terms


def drive_operator(model: ThermalLink) -> np.ndarray:
    """The two-qubit operator X with which the field couples: H_α ∋ ... (see module docstring).

    Chiral: X = Σᵢ √(κγᵢ) σᵢ⁻ (Eq. 4, 16). Bidirectional: X = (√κ/2) Σⱼ √γⱼ e^{−ik₀zⱼ} σⱼ⁻
    (Eq. 52), so that in both cases 𝓛₋ρ = c[X, ρ], 𝓛₊ρ = c[ρ, X†] with c = −1 (chiral) or
    +1 (bidirectional) — see :func:`drive_superops`.
    """
    if model.geometry == "chiral":
        return (
            math.sqrt(model.kappa * model.gamma1) * SM1
            + math.sqrt(model.kappa * model.gamma2) * SM2
        )
    kz1, kz2 = model.kz
    return (
        0.5
        * math.sqrt(model.kappa)
        * (
            math.sqrt(model.gamma1) * np.exp(-1j * kz1) * SM1
            + math.sqrt(model.gamma2) * np.exp(-1j * kz2) * SM2
        )
    )


@dataclass(frozen=True)
class QubitSuperops:
    """16 × 16 superoperators of Eq. 12: 𝓛_q, 𝓛₊, 𝓛₋ and the charge of each vec index."""

    lq: np.ndarray
    lplus: np.ndarray
    lminus: np.ndarray
    charge: np.ndarray


def qubit_superops(model: ThermalLink) -> QubitSuperops:
    """Superoperators of Eq. 12 for ``model`` (column-stacked 4 × 4 density matrices).

    Chiral: 𝓛₊ρ = [ρ, X†], 𝓛₋ρ = −[ρ, X] with X = Σ√(κγᵢ)σᵢ⁻ (Eq. 12: 𝓛±ρ = ±√(γκ)[ρ, S^±]).
    Bidirectional: from H = i(√κ/2)(α*Σ − αΣ†), −i[H, μ] = α(√κ/2)[μ, Σ†] + α*(√κ/2)[Σ, μ].
    """
    lq = superop(qubit_terms(model, I4, SM1, SM2, SZ1, SZ2))
    x = drive_operator(model)
    xd = dag(x)
    if model.geometry == "chiral":
        lplus = superop([(1.0, I4, xd), (-1.0, xd, I4)])
        lminus = superop([(-1.0, I4, x), (1.0, x, I4)])
    else:
        lplus = superop([(1.0, I4, xd), (-1.0, xd, I4)])
        lminus = superop([(1.0, x, I4), (-1.0, I4, x)])
    # vec index k = col*4 + row ↔ |row⟩⟨col|; charge = excitations(row) − excitations(col)
    rows = np.tile(np.arange(4), 4)
    cols = np.repeat(np.arange(4), 4)
    charge = EXCITATIONS[rows] - EXCITATIONS[cols]
    return QubitSuperops(lq, lplus, lminus, charge)


def charges_of(rho: np.ndarray, atol: float = 1e-14) -> tuple[int, ...]:
    """U(1) charges (excitations of ket minus bra) present in a two-qubit density matrix."""
    rho = np.asarray(rho)
    present = {
        int(EXCITATIONS[i] - EXCITATIONS[j])
        for i in range(4)
        for j in range(4)
        if abs(rho[i, j]) > atol
    }
    return tuple(sorted(present)) if present else (0,)


def ground_state() -> np.ndarray:
    """|00⟩⟨00| (both qubits in the ground state), the default initial state."""
    rho = np.zeros((4, 4), dtype=complex)
    rho[0, 0] = 1.0
    return rho


__all__ = [
    "EXCITATIONS",
    "QubitSuperops",
    "bidirectional_couplings",
    "charges_of",
    "cross_dissipator_terms",
    "dissipator_terms",
    "drive_operator",
    "ground_state",
    "hamiltonian_terms",
    "qubit_superops",
    "qubit_terms",
    "superop",
]
