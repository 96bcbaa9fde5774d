"""Permutation-symmetric (Dicke-basis) route for N identical qubits, via ``qutip.piqs``.

For identical qubits (all δ_i equal) the master equation of paper 003 commutes with every
permutation of the qubits once the phases φ_i are removed by the local rotation
σ_i⁻ → e^{−iφ_i} σ_i⁻ (which leaves α, γ_φ, populations and all local figures of merit
unchanged).  Permutation-invariant observables — the energy Σ_i ⟨σ_i⁺σ_i⁻⟩ and the weight in
the dark subspace ker(o⁻) — therefore evolve exactly as in the permutation-averaged state
ρ̄ = (1/N!) Σ_P P ρ P†, which lives in the Dicke basis |j, m, a⟩ with O(N³) parameters
[Shammah et al., PRA 98, 063815 (2018); ``qutip.piqs``].  A bitstring with k excitations
averages to the uniform mixture of all C(N, k) bitstrings: every |j, m = k − N/2, a⟩ with
probability 1/C(N, k).

Precision: with local α or γ_φ the piqs coefficients are single precision (relative ~1e-7,
see ``_LOCAL_TOL``); collective decay alone is exact to double precision.

Rate mapping (checked against the generic solver in the tests): piqs ``collective_emission``
γ_c is γ_c D[J⁻], ``emission`` γ_e is γ_e Σ D[σ_i⁻] and ``dephasing`` γ_d is (γ_d/4) Σ D[σ_i^z];
hence γ_c = 2κ, γ_e = 2α, γ_d = 2γ_φ for paper 003's κ L[o⁻] + α Σ L[σ_i⁻] + (γ_φ/2) Σ D[σ_i^z].

piqs stores one number per (j, m, m') for all d_j degenerate copies together (the trace is the
plain trace), so the dark weight is Σ_{j < N/2} ρ_{j,−j,−j} and E/ħω = Σ (m + N/2) ρ_{j,m,m}.
"""

from __future__ import annotations

from functools import lru_cache
from math import comb

import numpy as np
import qutip
import scipy.sparse
import scipy.sparse.linalg
from qutip import piqs

from ...errors import ConvergenceError, ParameterError
from ...guard import check_size
from ...solvers.convergence import Convergence
from ...solvers.propagate import propagate
from .model import CooperativeArray

#: Trace tolerance with local processes: piqs computes the coefficients of local emission and
#: dephasing in single precision (columns of the rate matrix sum to ~1e-8 × rate, not 0), so
#: the Dicke route is good to ~1e-7 relative there (exact for collective decay alone).
_LOCAL_TOL = 1e-6


#: cost of the piqs Liouvillian (nds² rows, nds = (N/2 + 1)² Dicke states), measured for all
#: three processes: N = 60 (nds² = 9.2e5) in 1.8 s and 74 MB; doubled as a margin
DICKE_BYTES_PER_ROW = 200.0
DICKE_SECONDS_PER_ROW = 4e-6


def check_size_dicke(n_q: int) -> None:
    """Refuse (SizeError) a Dicke-basis solve of ``n_q`` qubits that would not fit."""
    rows = float(piqs.num_dicke_states(n_q)) ** 2
    check_size(
        f"cooperative Dicke route for N = {n_q} qubits (piqs Liouvillian of {rows:.3g} rows)",
        memory_bytes=DICKE_BYTES_PER_ROW * rows,
        seconds=DICKE_SECONDS_PER_ROW * rows,
        change="use fewer qubits",
    )


@lru_cache(maxsize=8)
def _index(n_q: int) -> dict[tuple[float, float, float], tuple[int, int]]:
    inv = piqs.jmm1_dictionary(n_q)[1]
    return {(float(j), float(m), float(m1)): (int(i), int(k)) for (j, m, m1), (i, k) in inv.items()}


def check_identical(model: CooperativeArray) -> None:
    """Raise unless the permutation-symmetric route applies (all δ_i equal)."""
    if not model.identical:
        raise ParameterError(
            "`method` 'dicke' needs identical qubits (all detunings equal), got detunings "
            f"{list(model.detunings)}"
        )


def symmetrised_bitstring(n_q: int, bits: str) -> qutip.Qobj:
    """Permutation average of a bitstring in the piqs Dicke basis (see module docstring)."""
    check_size_dicke(n_q)
    k = bits.count("1")
    m = k - n_q / 2
    weights = {}
    for j in piqs.j_vals(n_q):
        j = float(j)
        if j >= abs(m) - 1e-9:
            weights[(j, m, m)] = float(piqs.state_degeneracy(n_q, j)) / comb(n_q, k)
    return piqs.dicke_basis(n_q, weights)


def liouvillian(model: CooperativeArray) -> qutip.Qobj:
    """piqs Liouvillian in the frame rotating at the common qubit frequency.

    piqs' Cython core takes its rates as C ``float`` (32-bit: 0.05 becomes 0.0500000007), so
    each process is built with the exactly representable rate 1 and scaled here in double
    precision: L = 2κ L_coll(1) + 2α L_emit(1) + 2γ_φ L_deph(1).
    """
    check_identical(model)
    total = None
    for rate, kind in _parts(model):
        term = rate * piqs.Dicke(model.qubits, **{kind: 1.0}).liouvillian()
        total = term if total is None else total + term
    assert total is not None  # κ > 0 is enforced by the model
    return total


def _parts(model: CooperativeArray) -> list[tuple[float, str]]:
    parts = [
        (2 * model.kappa, "collective_emission"),
        (2 * model.alpha, "emission"),
        (2 * model.dephasing, "dephasing"),
    ]
    return [(r, k) for r, k in parts if r > 0]


@lru_cache(maxsize=32)
def _unit_rates(n_q: int, kind: str) -> scipy.sparse.csr_array:
    """Population block of the unit-rate piqs Liouvillian of one process (cached per N).

    A bitstring averages to a state diagonal in (j, m), and every term (J⁻ ladder, local
    emission, local dephasing) maps such diagonal states to diagonal states (checked here: the
    Liouvillian has no diagonal → off-diagonal entries), so the populations obey a closed
    classical rate equation.
    """
    check_size_dicke(n_q)
    lv = piqs.Dicke(n_q, **{kind: 1.0}).liouvillian().data.as_scipy().tocsc()
    nds = piqs.num_dicke_states(n_q)
    vec = np.arange(nds) * nds + np.arange(nds)  # diagonal entries in column-stacked order
    sub = lv[:, vec]
    mask = np.ones(nds * nds, dtype=bool)
    mask[vec] = False
    leak = sub[mask, :]
    if leak.nnz and float(np.max(np.abs(leak.data))) > 0:
        raise ParameterError(f"piqs `{kind}` couples Dicke populations to coherences")
    rates = sub[vec, :]
    if rates.nnz and float(np.max(np.abs(rates.data.imag))) > 0:
        raise ParameterError(f"piqs `{kind}` gives complex population rates")
    return scipy.sparse.csr_array(rates.real)


@lru_cache(maxsize=8)
def observables(n_q: int) -> tuple[np.ndarray, np.ndarray]:
    """Diagonal weights (energy per element, dark indicator) on the flattened Dicke diagonal."""
    idx = _index(n_q)
    nds = piqs.num_dicke_states(n_q)
    energy = np.zeros(nds)
    dark = np.zeros(nds)
    for (j, m, m1), (i, k) in idx.items():
        if i != k or m != m1:
            continue
        energy[i] = m + n_q / 2
        if abs(m + j) < 1e-9 and abs(j - n_q / 2) > 1e-9:
            dark[i] = 1.0
    energy.setflags(write=False)  # cached: shared between calls
    dark.setflags(write=False)
    return energy, dark


def population_generator(model: CooperativeArray) -> scipy.sparse.csr_array:
    """Rate matrix A of the Dicke populations p_{j,m}: dp/dt = A p, exact for bitstrings.

    (N/2 + 1)² populations (676 for N = 50) instead of the full Dicke Liouvillian;
    A = 2κ A_coll + 2α A_emit + 2γ_φ A_deph from cached unit-rate piqs blocks.
    """
    check_identical(model)
    total = None
    for rate, kind in _parts(model):
        term = rate * _unit_rates(model.qubits, kind)
        total = term if total is None else total + term
    assert total is not None
    return scipy.sparse.csr_array(total)


def evolve(
    model: CooperativeArray, bits: str, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Convergence]:
    """Energy (ħω units) and dark weight over ``times`` from a bitstring.

    Populations p(t) of the permutation-averaged state, propagated exactly with
    ``scipy.sparse.linalg.expm_multiply`` between successive times (Al-Mohy–Higham, accurate
    to about machine precision).
    """
    check_identical(model)
    rho0 = symmetrised_bitstring(model.qubits, bits)
    gen = population_generator(model)
    p = np.real(rho0.diag()).astype(float)
    times = np.asarray(times, dtype=float)
    pops = np.real(propagate(gen, p, times - times[0], method="expm"))
    e_w, d_w = observables(model.qubits)
    freq = (model.omega + model.delta[0]) / model.omega
    energy = freq * pops @ e_w
    dark = pops @ d_w
    trace_err = float(np.max(np.abs(pops.sum(axis=1) - 1.0)))
    local = model.alpha > 0 or model.dephasing > 0
    conv = Convergence(
        "expm_multiply_steps",
        float(len(times) - 1),
        trace_err,
        _LOCAL_TOL if local else 1e-9,
        f"qutip.piqs Dicke basis, {p.size} populations (j, m) propagated exactly; change = "
        "max |sum p - 1| over the time grid"
        + ("; piqs' local-process coefficients are single precision (~1e-7)" if local else ""),
    )
    if not conv.converged:
        raise ConvergenceError(f"Dicke-basis solver lost the trace: {conv}")
    return energy, dark, pops, conv


def asymptotic(model: CooperativeArray, bits: str) -> qutip.Qobj:
    """t → ∞ Dicke-basis state from a bitstring.

    With α = γ_φ = 0, J⁻ acts inside each (j, a) ladder and |j, −j, a⟩ is its only stationary
    state, so all weight of block j ends in |j, −j⟩ (the j < N/2 ones are the dark states).
    With α > 0 or γ_φ > 0 the unique stationary state is the ground state.
    """
    check_identical(model)
    n_q = model.qubits
    rho0 = symmetrised_bitstring(n_q, bits)
    if model.alpha > 0 or model.dephasing > 0:
        return piqs.ground(n_q)
    idx = _index(n_q)
    diag = np.real(rho0.diag())
    weights: dict[tuple[float, float, float], float] = {}
    for (j, m, m1), (i, k) in idx.items():
        if i == k and m == m1 and diag[i] != 0:
            key = (j, -j, -j)
            weights[key] = weights.get(key, 0.0) + float(diag[i])
    return piqs.dicke_basis(n_q, weights)
