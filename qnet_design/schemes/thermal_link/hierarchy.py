r"""Exact phase-space eigenfunction hierarchy of paper 001 (Sec. IV C, App. B), one sparse system.

Derivation (re-done here because App. B Eq. B3-B13 contains typos)
-------------------------------------------------------------------
Write the cavity amplitude as α = s z with s = √(n_th/2), so that the Ornstein–Uhlenbeck
process of Eq. 14 becomes dz = −κz dt + √(2κ) dW with stationary density e^{−|z|²}/π.
The eigenfunctions of its backward generator are the orthonormal complex Hermite polynomials
h_{p,q}(z, z̄) (eigenvalue −κ(p+q)); they are Eq. 40's φ_{n,m} up to a phase, with
n = min(p, q) and m = q − p, so λ_{n,m} = κ(2n + |m|) as in Sec. IV C. They obey

    z h_{p,q} = √(p+1) h_{p+1,q} + √q h_{p,q−1},   z̄ h_{p,q} = √(q+1) h_{p,q+1} + √p h_{p−1,q}.

Projecting Eq. 12, (d/dt + Λ)μ = (𝓛_q + α𝓛₊ + α*𝓛₋)μ, on them (μ^{p,q} = ∫ h̄_{p,q} μ d²z, Eq. B1)
gives the exact hierarchy

    dμ^{p,q}/dt = [𝓛_q − κ(p+q)] μ^{p,q}
                  + s 𝓛₊ [√(q+1) μ^{p,q+1} + √p μ^{p−1,q}]
                  + s 𝓛₋ [√(p+1) μ^{p+1,q} + √q μ^{p,q−1}],

with μ^{0,0} = ρ_q (Eq. 42) and μ^{p,q}(0) = δ_{p0}δ_{q0} ρ_q(0) for a thermal cavity at t = 0.
𝓛₊ (𝓛₋) raises (lowers) the U(1) charge N_ket − N_bra of a qubit operator by one and 𝓛_q
conserves it, so the component of μ^{p,q} with charge c is only fed from an initial charge
c + m. For an initial state of charge 0 (e.g. |00⟩, any steady state) this restricts m to
{0, ±1, ±2} as stated in App. B 1, with 6 + 2·4 + 2·1 = 16 unknowns per n. The hierarchy is
truncated at p + q ≤ L_max (n_max ≈ L_max/2) and L_max is grown until the result is stable.
For ``geometry="bidirectional"`` the hierarchy solves Eq. 51-52, i.e. it neglects the backaction
of the qubits on the cavity (App. C, as in Fig. 6); the Fock route (:mod:`.fock`) includes it.

Compared with App. B: with φ_{n,m} → (−1)ⁿ φ_{n,m} (the sign convention of the Laguerre
polynomials) these recurrences are exactly Eq. B3 (m = 0) and Eq. B4 (m ≠ 0). We do not use the
eliminated forms B5-B13 (μ^{n,±2} folded into the m = 0, ±1 blocks); instead the whole
truncated hierarchy is solved as one sparse system (this module) or by a batched matrix
continued fraction over n (:mod:`.maps`), and both are validated against the exact Fock route
(:mod:`.fock`) and a plain QuTiP master equation (tests/test_thermal_link.py).

The steady state is the null vector of the truncated generator with Tr μ^{0,0} = 1, found by
one sparse LU solve (one population pinned, so the banded structure is kept); the time
evolution is exact propagation (substepped Taylor series on uniform grids, else
``scipy.sparse.linalg.expm_multiply``).
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
from ._liouville import charges_of, qubit_superops
from ._numerics import ExactRoute, Ladder
from .model import ThermalLink

#: largest hierarchy level p + q the automatic widening may reach (8 unknowns per level)
DEFAULT_LIMIT = 40000


@dataclass(frozen=True)
class _Hierarchy:
    matrix: sp.csc_matrix
    # offset of μ^{0,0} in the state vector and the kept vec indices of μ^{0,0}
    kept00: np.ndarray
    kept0: np.ndarray
    level_max: int


def start_level(model: ThermalLink) -> int:
    """First truncation tried: L_max = 2⌈√n_th⌉ + 8 (App. B: n_max ≈ √n_th suffices)."""
    return 2 * math.ceil(math.sqrt(model.n_th)) + 8


def _next_level(level: int) -> int:
    return int(1.5 * level) + 4


LADDER = Ladder("hierarchy_level", "hierarchy level", "hierarchy", _next_level, _size.hierarchy)


def _build(model: ThermalLink, level_max: int, init_charges: tuple[int, ...]) -> _Hierarchy:
    """Assemble the truncated generator in one COO pass, unknowns ordered by n = min(p, q).

    Ordering by n first (then m, then the kept vec index) makes the matrix banded with a
    bandwidth of ~3 × 16, which keeps the sparse LU cheap.
    """
    ops = qubit_superops(model)
    kappa = model.kappa
    s = math.sqrt(model.n_th / 2.0)
    charge = ops.charge
    # m-sectors that can carry a component: charge(component) = c0 − m with |charge| ≤ 2
    ms = sorted({c0 - c for c0 in init_charges for c in range(-2, 3)})
    ms = [m for m in ms if abs(m) <= level_max]
    kept = {m: np.nonzero(np.isin(charge + m, init_charges))[0] for m in ms}
    ncount = {m: (level_max - abs(m)) // 2 + 1 for m in ms}
    n_top = max(ncount.values())
    # base[m][n]: index of the first unknown of μ^{n,m}
    sizes = np.zeros((len(ms), n_top), dtype=np.int64)
    for j, m in enumerate(ms):
        sizes[j, : ncount[m]] = len(kept[m])
    flat = np.cumsum(sizes.T.ravel()) - sizes.T.ravel()
    base = {m: flat.reshape(n_top, len(ms))[: ncount[m], j] for j, m in enumerate(ms)}
    dim = int(sizes.sum())
    rows_l: list[np.ndarray] = []
    cols_l: list[np.ndarray] = []
    vals_l: list[np.ndarray] = []

    def add(r0: np.ndarray, c0: np.ndarray, scale: np.ndarray, block: np.ndarray) -> None:
        i, j = np.nonzero(block)
        if i.size == 0 or r0.size == 0:
            return
        rows_l.append((r0[:, None] + i[None, :]).ravel())
        cols_l.append((c0[:, None] + j[None, :]).ravel())
        vals_l.append((scale[:, None] * block[i, j][None, :]).ravel())

    for m in ms:
        k = kept[m]
        n = np.arange(ncount[m])
        add(base[m], base[m], np.ones(len(n)), ops.lq[np.ix_(k, k)])
        damp = kappa * (2 * n + abs(m)).astype(float)
        add(base[m], base[m], -damp, np.eye(len(k)))
        p, q = n + max(-m, 0), n + max(m, 0)
        couplings = (
            (p, q + 1, np.sqrt(q + 1.0), ops.lplus, m + 1),
            (p - 1, q, np.sqrt(p.astype(float)), ops.lplus, m + 1),
            (p + 1, q, np.sqrt(p + 1.0), ops.lminus, m - 1),
            (p, q - 1, np.sqrt(q.astype(float)), ops.lminus, m - 1),
        )
        for pp, qq, coef, lop, m2 in couplings:
            if m2 not in kept:
                continue
            n2 = np.minimum(pp, qq)
            ok = (pp >= 0) & (qq >= 0) & (n2 < ncount[m2]) & (coef != 0)
            add(base[m][ok], base[m2][n2[ok]], s * coef[ok], lop[np.ix_(k, kept[m2])])
    matrix = sp.csc_matrix(
        (np.concatenate(vals_l), (np.concatenate(rows_l), np.concatenate(cols_l))),
        shape=(dim, dim),
    )
    return _Hierarchy(matrix, base[0][0] + np.arange(len(kept[0])), kept[0], level_max)


def _steady_rho(model: ThermalLink, level_max: int) -> np.ndarray:
    h = _build(model, level_max, (0,))
    kept0 = h.kept0
    # pin ⟨00|μ^{0,0}|00⟩ = 1 (the ground-state population is positive), normalise afterwards
    x = null_vector(h.matrix, int(h.kept00[np.nonzero(kept0 == 0)[0][0]]))
    diag = [int(h.kept00[np.nonzero(kept0 == d)[0][0]]) for d in (0, 5, 10, 15)]
    x = x / np.sum(x[diag])
    vec = np.zeros(16, dtype=complex)
    vec[kept0] = x[h.kept00]
    rho = vec.reshape(4, 4, order="F")
    if not np.all(np.isfinite(rho)):
        raise ConvergenceError(f"hierarchy steady state is not finite at L_max={level_max}")
    return rho


def _steady(model: ThermalLink, level: int) -> tuple[np.ndarray, str]:
    return _steady_rho(model, level), f"L_max = max(p+q), n_max ~ L_max/2 = {level // 2}"


def _evolve_at(
    model: ThermalLink, times: np.ndarray, level_max: int, rho0: np.ndarray
) -> np.ndarray:
    h = _build(model, level_max, charges_of(rho0))
    kept0 = h.kept0
    x = np.zeros(h.matrix.shape[0], dtype=complex)
    x[h.kept00] = rho0.reshape(16, order="F")[kept0]
    out = np.zeros((len(times), 4, 4), dtype=complex)
    for i, xi in enumerate(propagate(h.matrix, x, times)):
        vec = np.zeros(16, dtype=complex)
        vec[kept0] = xi[h.kept00]
        out[i] = vec.reshape(4, 4, order="F")
    return out


#: the route: L_max starts at :func:`start_level` and grows by 50 % (+4) per step
ROUTE = ExactRoute(LADDER, start_level, DEFAULT_LIMIT, _steady, _evolve_at)
#: exact ρ_q^ss of Eq. 6 (bidirectional: Eq. 51-52, without the qubits' backaction on the
#: cavity, App. C, as in Fig. 6) from the truncated hierarchy, L_max = max(p + q)
steady_state = ROUTE.steady_state
#: ρ_q(t) from the hierarchy by exact propagation (μ^{p,q}(0) = δ_{p0}δ_{q0} ρ_q(0))
evolve = ROUTE.evolve


__all__ = ["evolve", "start_level", "steady_state"]
