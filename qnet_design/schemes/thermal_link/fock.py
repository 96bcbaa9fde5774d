r"""Exact master equation of paper 001 with a truncated Fock space for the filter cavity.

Chiral geometry (Eq. 1-4 with Eq. 48 and dephasing, Sec. V A):

    ρ̇ = κ(n_th + 2)D[a]ρ + κ n_th D[a†]ρ                (Eq. 2: hot + cold side + waveguide)
        + Σᵢ √(γᵢκ)([aρ, σᵢ⁺] + [σᵢ⁻, ρa†])              (Eq. 4, source → qubits)
        + 𝓛_q ρ                                           (Eq. 3, 5, 48, (γ_φ/2)D[σᵢ^z])

Bidirectional geometry (App. C, Eq. C2; Eq. 49 at the nodes): cavity (j = 0, z₀ = 0) and qubits
(j = 1, 2) share the couplings J_{jl}, Γ_{jl} of :func:`._liouville.bidirectional_couplings`,
including the backaction of the qubits on the cavity, plus κ(n_th+1)D[a] + κ n_th D[a†].

Both Liouvillians conserve the U(1) charge (K_ket − K_bra), K = a†a + number of qubit
excitations. A thermal cavity times a qubit state of charge c stays in that sector, whose
dimension is only ≈ 16 N (N the Fock cutoff) instead of 16 N², so the route reaches
n_th ~ 10³ (N ~ 10⁴). The cutoff N is grown until the convergence figure is stable; the
population of the last Fock level is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ...errors import ConvergenceError
from ...solvers.propagate import propagate
from ...solvers.steady import null_vector
from . import _size
from ._liouville import (
    EXCITATIONS,
    SM1,
    SM2,
    SZ1,
    SZ2,
    Term,
    bidirectional_couplings,
    charges_of,
    cross_dissipator_terms,
    dissipator_terms,
    hamiltonian_terms,
    qubit_terms,
)
from ._numerics import ExactRoute, Ladder
from .model import ThermalLink

#: largest Fock cutoff the automatic widening may reach (sector dimension ≈ 16 N)
DEFAULT_LIMIT = 20000


def start_cutoff(model: ThermalLink) -> int:
    """First cutoff: the thermal tail P(n ≥ N) = x^N, x = n̄/(1+n̄), n̄ = n_th/2, is ≤ 1e-7."""
    nbar = model.n_th / 2.0
    if nbar == 0:
        return 6
    x = nbar / (1.0 + nbar)
    return max(6, math.ceil(math.log(1e-7) / math.log(x)) + 4)


def _next_cutoff(n: int) -> int:
    return int(1.3 * n) + 4


LADDER = Ladder("fock_cutoff", "Fock cutoff", "fock", _next_cutoff, _size.fock)


def _terms(model: ThermalLink, cutoff: int) -> list[Term]:
    a_n = sp.diags(np.sqrt(np.arange(1, cutoff, dtype=float)), 1, format="csr")
    i_n = sp.identity(cutoff, format="csr")
    i4 = sp.identity(4, format="csr")
    ident = sp.identity(4 * cutoff, format="csr")
    a = sp.kron(a_n, i4, format="csr")
    emb = [sp.kron(i_n, sp.csr_matrix(op), format="csr") for op in (SM1, SM2, SZ1, SZ2)]
    sm1, sm2, sz1, sz2 = emb
    terms: list[Term] = list(qubit_terms(model, ident, sm1, sm2, sz1, sz2))
    nth, kap = model.n_th, model.kappa
    if model.geometry == "chiral":
        terms += dissipator_terms(kap * (nth + 2.0), a, ident)
        terms += dissipator_terms(kap * nth, a.T.tocsr(), ident)
        for g, sm in ((model.gamma1, sm1), (model.gamma2, sm2)):
            c = math.sqrt(g * kap)
            sp_ = sm.T.tocsr()
            ad = a.T.tocsr()
            terms += [(c, a, sp_), (-c, sp_ @ a, ident), (c, sm, ad), (-c, ident, ad @ sm)]
    else:
        coh, dis = bidirectional_couplings(model)
        terms += dissipator_terms(kap * (nth + 1.0), a, ident)
        terms += dissipator_terms(kap * nth, a.T.tocsr(), ident)
        terms += dissipator_terms(dis[0, 0], a, ident)
        h = sp.csr_matrix(a.shape, dtype=complex)
        for j, sm in ((1, sm1), (2, sm2)):
            h = h + coh[0, j] * (a.T @ sm + sm.T @ a)
            terms += cross_dissipator_terms(dis[0, j], a, sm, ident)
            terms += cross_dissipator_terms(dis[j, 0], sm, a, ident)
        terms += hamiltonian_terms(h.tocsr(), ident)
    return terms


@dataclass(frozen=True)
class _Sector:
    kets: np.ndarray
    bras: np.ndarray
    keys: np.ndarray
    dim: int


def _sector(cutoff: int, charges: tuple[int, ...]) -> _Sector:
    dim = 4 * cutoff
    states = np.arange(dim)
    k_of = states // 4 + EXCITATIONS[states % 4]
    kets_l, bras_l = [], []
    for c in charges:
        for j in range(4):
            n_b = k_of - c - EXCITATIONS[j]
            ok = (n_b >= 0) & (n_b < cutoff)
            kets_l.append(states[ok])
            bras_l.append(4 * n_b[ok] + j)
    kets = np.concatenate(kets_l)
    bras = np.concatenate(bras_l)
    keys = kets.astype(np.int64) * dim + bras
    order = np.argsort(keys)
    return _Sector(kets[order], bras[order], keys[order], dim)


def _restricted(terms: list[Term], sec: _Sector) -> sp.csc_matrix:
    """Σ c·AρB restricted to the sector elements ρ_{ab} (rows and columns)."""
    rows_l, cols_l, vals_l = [], [], []
    ne = len(sec.keys)
    for coef, a_op, b_op in terms:
        acsc = sp.csc_matrix(a_op)
        bcsr = sp.csr_matrix(b_op)
        acsc.sum_duplicates()
        bcsr.sum_duplicates()
        st_a = acsc.indptr[sec.kets]
        cnt_a = acsc.indptr[sec.kets + 1] - st_a
        st_b = bcsr.indptr[sec.bras]
        cnt_b = bcsr.indptr[sec.bras + 1] - st_b
        tot = cnt_a * cnt_b
        if tot.sum() == 0:
            continue
        elem = np.repeat(np.arange(ne), tot)
        first = np.cumsum(tot) - tot
        local = np.arange(tot.sum()) - np.repeat(first, tot)
        cb = cnt_b[elem]
        ia = st_a[elem] + local // cb
        ib = st_b[elem] + local % cb
        kets2 = acsc.indices[ia]
        bras2 = bcsr.indices[ib]
        vals = coef * acsc.data[ia] * bcsr.data[ib]
        target = kets2.astype(np.int64) * sec.dim + bras2
        pos = np.searchsorted(sec.keys, target)
        pos = np.minimum(pos, ne - 1)
        ok = sec.keys[pos] == target
        rows_l.append(pos[ok])
        cols_l.append(elem[ok])
        vals_l.append(vals[ok])
    mat = sp.coo_matrix(
        (np.concatenate(vals_l), (np.concatenate(rows_l), np.concatenate(cols_l))),
        shape=(ne, ne),
    )
    return mat.tocsc()


def _reduce(x: np.ndarray, sec: _Sector) -> np.ndarray:
    """Tr_cavity: ρ_q[i, j] = Σ_n ρ_{(n,i),(n,j)}."""
    same = (sec.kets // 4) == (sec.bras // 4)
    rho = np.zeros((4, 4), dtype=complex)
    np.add.at(rho, (sec.kets[same] % 4, sec.bras[same] % 4), x[same])
    return rho


def _last_level(x: np.ndarray, sec: _Sector, cutoff: int) -> float:
    diag = (sec.kets == sec.bras) & (sec.kets // 4 == cutoff - 1)
    return float(np.sum(np.real(x[diag])))


def _steady(model: ThermalLink, cutoff: int) -> tuple[np.ndarray, str]:
    sec = _sector(cutoff, (0,))
    mat = _restricted(_terms(model, cutoff), sec)
    diag = np.nonzero(sec.kets == sec.bras)[0]
    # pin ⟨0,00|ρ|0,00⟩ (cavity vacuum, both qubits down): positive for any thermal drive
    x = null_vector(mat, int(diag[0]))
    x = x / np.sum(x[diag])
    return _reduce(x, sec), f"population of last Fock level {_last_level(x, sec, cutoff):.1e}"


def _evolve_at(model: ThermalLink, times: np.ndarray, cutoff: int, rho0: np.ndarray) -> np.ndarray:
    sec = _sector(cutoff, charges_of(rho0))
    mat = _restricted(_terms(model, cutoff), sec).tocsr()
    nbar = model.n_th / 2.0
    pn = (nbar / (1 + nbar)) ** np.arange(cutoff) if nbar > 0 else np.eye(1, cutoff)[0]
    pn = pn / pn.sum()
    same = (sec.kets // 4) == (sec.bras // 4)
    x = np.zeros(len(sec.keys), dtype=complex)
    x[same] = pn[sec.kets[same] // 4] * rho0[sec.kets[same] % 4, sec.bras[same] % 4]
    out = np.zeros((len(times), 4, 4), dtype=complex)
    for i, xi in enumerate(propagate(mat, x, times)):
        out[i] = _reduce(xi, sec)
    return out


#: the route: the cutoff starts at :func:`start_cutoff` and grows by 30 % (+4) per step
ROUTE = ExactRoute(LADDER, start_cutoff, DEFAULT_LIMIT, _steady, _evolve_at)
#: exact ρ_q^ss of the full master equation (cavity + qubits) by sparse LU; the evidence names
#: the population of the last Fock level
steady_state = ROUTE.steady_state
#: ρ_q(t) of the full master equation by exact propagation of the charge sector
evolve = ROUTE.evolve


__all__ = ["ConvergenceError", "evolve", "start_cutoff", "steady_state"]
