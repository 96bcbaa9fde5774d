"""Solvers of the cooperative scheme: time evolution, t → ∞ state, dark states (paper 003)."""

from __future__ import annotations

from typing import Any

import numpy as np
import qutip
import scipy.linalg
import scipy.sparse.linalg

from ..._checks import check_choice
from ...errors import ConvergenceError, ParameterError
from ...solvers.convergence import Convergence
from . import dicke as _dicke
from ._sectors import SectorLayout
from .model import MAX_FULL_QUBITS, CooperativeArray, parse_initial
from .results import Blocks, DarkSubspace, Evolution, FinalState

#: Above this many qubits ``method="auto"`` uses the permutation-symmetric route.
GENERIC_AUTO_MAX = 10

_METHODS = ("auto", "generic", "dicke")

#: Up to this many qubits ``dark_decay_rate`` diagonalises the N² × N² block densely.
DENSE_DECAY_MAX = 12


def _check_model(model: object) -> CooperativeArray:
    if not isinstance(model, CooperativeArray):
        raise ParameterError(f"`model` must be a CooperativeArray, got {type(model).__name__}")
    return model


def _check_times(times: object) -> np.ndarray:
    try:
        t = np.atleast_1d(np.asarray(times, dtype=float))
    except (TypeError, ValueError):
        raise ParameterError(
            f"`times` must be a 1-D array of real numbers, got {times!r}"
        ) from None
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)):
        raise ParameterError(f"`times` must be a non-empty 1-D array of finite numbers, got {t!r}")
    if t.size > 1 and np.any(np.diff(t) <= 0):
        raise ParameterError("`times` must be strictly increasing")
    return t


def _choose(model: CooperativeArray, initial: object, method: str) -> str:
    method = check_choice("method", method, _METHODS)
    if method != "auto":
        if method == "dicke" and not isinstance(initial, str):
            raise ParameterError(
                "`initial` must be a bitstring for method='dicke' (the permutation average of a "
                f"general state is not formed), got {type(initial).__name__}"
            )
        return method
    if model.qubits > GENERIC_AUTO_MAX and model.identical and isinstance(initial, str):
        return "dicke"
    return "generic"


def _blocks(layout: SectorLayout, parsed: str | np.ndarray) -> Blocks:
    if isinstance(parsed, str):
        return layout.blocks_from_bitstring(parsed)
    return layout.blocks_from_matrix(parsed)


def _energy(layout: SectorLayout, blocks: Blocks) -> float:
    m = layout.model
    weights = m.frequencies / m.omega
    return float(
        sum(
            np.real(np.diag(b)) @ (layout.bits(k) @ weights)
            for (k, j), b in blocks.items()
            if k == j
        )
    )


def _dark_weight(layout: SectorLayout, blocks: Blocks, cache: dict[int, np.ndarray]) -> float:
    total = 0.0
    for (k, j), b in blocks.items():
        if k != j or k == 0:
            continue
        if k not in cache:
            v = layout.dark_basis(k)
            cache[k] = (v @ v.conj().T).T  # P_D of sector k, transposed for Tr(P b)
        # Tr(P b) = Σ P_ij b_ji: elementwise, no BLAS call per time point
        total += float(np.real(np.sum(cache[k] * b)))
    return max(total, 0.0)  # a sum of populations ⟨d|ρ|d⟩: a negative total is round-off


def evolve(
    model: CooperativeArray,
    initial: Any,
    times: Any,
    *,
    method: str = "auto",
) -> Evolution:
    """Time evolution of paper 003's master equation (Eq. 1–2 with α, δ_i, φ_i, γ_φ).

    Parameters
    ----------
    model
        The :class:`CooperativeArray`.
    initial
        A bitstring such as ``"100"`` (1 = excited, qubit 0 first), a qutip ket or a density
        matrix (qutip or array) of dimension 2^N.
    times
        Increasing times (inverse rate unit; ωt for ω = 1).  ``times[0]`` is the initial time.
    method
        ``"generic"``: excitation-sector blocks of the full state, any δ_i, φ_i, α, γ_φ,
        practical up to N = 10 (all sectors) or larger N with few excitations.  Cost grows
        with the populated blocks: N = 10 from a bitstring with 5 excitations (184 756
        entries) takes about a minute and 0.9 GB; N = 50 from |10…0⟩ about a second
        (benchmarks/results/cooperative.md).  At most 400 000 density-matrix entries (a
        general N = 10 density matrix with all inter-sector coherences is refused).
        ``"dicke"``: permutation-symmetric Dicke basis (qutip.piqs), identical qubits and a
        bitstring initial state, N = 50 in seconds; gives energy and dark weight only.
        ``"auto"`` (default): generic for N ≤ 10, else dicke when it applies.

    Returns
    -------
    Evolution
        ``times``, ``energy`` (ħω), ``dark_weight`` and, for the generic route,
        ``concurrence(i, j)``, ``log_negativity(i, j)``, ``fidelity(ket)``, ``state(k)``.

    Examples
    --------
    >>> model = CooperativeArray(2, kappa=1.0)
    >>> res = evolve(model, "10", [0.0, 10.0])
    >>> round(float(res.energy[-1]), 6), round(float(res.concurrence(0, 1)[-1]), 6)
    (0.5, 0.5)
    """
    model = _check_model(model)
    t = _check_times(times)
    parsed = parse_initial(initial, model.qubits)
    route = _choose(model, initial, method)
    if route == "dicke":
        assert isinstance(parsed, str)
        energy, dark, _states, conv = _dicke.evolve(model, parsed, t)
        return Evolution(model, t, energy, dark, "dicke", conv)
    layout = SectorLayout(model)
    blocks0 = _blocks(layout, parsed)
    per_time, conv = layout.evolve(blocks0, t)
    cache: dict[int, np.ndarray] = {}
    energy = np.array([_energy(layout, b) for b in per_time])
    dark = np.array([_dark_weight(layout, b, cache) for b in per_time])
    return Evolution(model, t, energy, dark, "generic", conv, layout, tuple(per_time))


def _residual(layout: SectorLayout, blocks: Blocks) -> float:
    """max |dρ/dt| of a candidate stationary state, over all populated chains."""
    worst = 0.0
    for chain in layout.chains(blocks).values():
        rhs, shapes, _ = layout.rhs_factory(chain)
        y = np.concatenate(
            [
                blocks.get(kj, np.zeros(s, dtype=complex)).reshape(-1)
                for kj, s in zip(chain, shapes, strict=True)
            ]
        )
        if y.size:
            worst = max(worst, float(np.max(np.abs(rhs(0.0, y)))))
    return worst


def final_state(model: CooperativeArray, initial: Any, *, method: str = "auto") -> FinalState:
    """The t → ∞ state from ``initial`` (paper 003: ρ₂(∞), ρ₃(∞), ρ_N(∞)).

    Not obtained by integrating: with no dephasing the exact asymptotic map is built from the
    conserved dark subspace (see ``SectorLayout.asymptotic``): the part of ρ(0) in the
    stationary dark subspace of each excitation sector stays; every bright part decays and
    its integrated jump flux Σ_c C_c X C_c† (X from a Sylvester equation) cascades one sector
    down, where it is split again.  For α > 0 or detuned qubits this still holds and gives the
    ground state (no stationary dark states in sectors ≥ 1) unless a detuning pattern leaves
    some dark state intact.  Coherences between stationary dark states of different
    rotating-frame energy oscillate forever and are dropped (the result is the time average);
    the state is reported in the frame rotating at ω.  With dephasing > 0 the ground state is
    the unique stationary state (a stationary state would have to be diagonal in the
    computational basis and annihilated by o⁻, impossible above the ground state).

    The Dicke route (identical qubits, bitstring initial state; default for N > 10) returns the
    permutation-averaged ladder projection: all weight of each spin-j block ends in |j, −j⟩.

    Examples
    --------
    >>> fs = final_state(CooperativeArray(3, kappa=1.0), "100")
    >>> round(fs.energy, 6), round(fs.dark_weight, 6)
    (0.666667, 0.666667)
    """
    model = _check_model(model)
    parsed = parse_initial(initial, model.qubits)
    route = _choose(model, initial, method)
    n = model.qubits
    if route == "dicke":
        assert isinstance(parsed, str)
        rho_d = _dicke.asymptotic(model, parsed)
        e_w, d_w = _dicke.observables(n)
        diag = np.real(rho_d.diag())
        freq = (model.omega + model.delta[0]) / model.omega
        gen = _dicke.population_generator(model)
        res = float(np.max(np.abs(gen @ diag))) / model.kappa
        conv = Convergence(
            "stationarity_residual",
            0.0,
            res,
            1e-9,
            "max |A p| / kappa of the Dicke population rates on the projected state",
        )
        if not conv.converged:
            raise ConvergenceError(f"Dicke-basis projection is not stationary: {conv}")
        return FinalState(
            model, None, float(freq * diag @ e_w), float(diag @ d_w), "dicke", conv, rho_d
        )
    layout = SectorLayout(model)
    blocks0 = _blocks(layout, parsed)
    if model.dephasing > 0:
        ground = np.ones((1, 1), dtype=complex)
        blocks = {(0, 0): ground}
        how = "ground"
    else:
        blocks = {kj: b for kj, b in layout.asymptotic(blocks0).items() if np.any(b != 0)}
        if not blocks:
            blocks = {(0, 0): np.zeros((1, 1), dtype=complex)}
        how = "dark-cascade"
    res = _residual(layout, blocks) / model.kappa
    trace = float(sum(np.real(np.trace(b)) for (k, j), b in blocks.items() if k == j))
    conv = Convergence(
        "stationarity_residual",
        0.0,
        max(res, abs(trace - 1.0)),
        1e-9,
        f"max |d rho/dt| / kappa = {res:.1e} and |Tr rho - 1| = {abs(trace - 1.0):.1e} of the "
        "returned state (exact projection, no time integration)",
    )
    if not conv.converged:
        raise ConvergenceError(f"t -> inf projection failed its own check: {conv}")
    rho = qutip.Qobj(layout.to_matrix(blocks), dims=[[2] * n, [2] * n]) if n <= 16 else None
    cache: dict[int, np.ndarray] = {}
    return FinalState(
        model,
        rho,
        _energy(layout, blocks),
        _dark_weight(layout, blocks, cache),
        how,
        conv,
        None,
        layout,
        blocks,
    )


def dark_decay_rate(model: CooperativeArray) -> float:
    """Slowest decay rate Γ of the one-excitation sector (units of the model's rate).

    The one-excitation block ρ₁₁ of the density matrix obeys a closed linear equation (it is
    fed from above, and feeds |0…0⟩); Γ = −max Re λ over the eigenvalues λ of that block's
    generator (:meth:`SectorLayout.chain_generator`, N² × N², dense eigenvalues). Every
    excitation ends in this sector, so 1/Γ is how long the single-excitation dark state — and
    the entanglement it carries — survives: 2α for identical qubits without dephasing (paper
    003 after Eq. 3), → 2α + 2γ_φ/N for γ_φ ≪ Nκ (dephasing moves 1/N of the dark population
    to the bright state per coherence time), 0 while a stationary dark state exists.
    """
    model = _check_model(model)
    layout = SectorLayout(model)
    fastest = 2.0 * (model.qubits * model.kappa + model.alpha + model.dephasing)
    if model.dephasing == 0:
        # the block's generator is the Kronecker sum −i(K ⊗ 𝟙 − 𝟙 ⊗ K*): its eigenvalues are
        # −i(μ_a − μ_b*) for the eigenvalues μ of K, with real parts Im μ_a + Im μ_b
        slowest = -2.0 * float(np.max(np.linalg.eigvals(layout.k_matrix(1)).imag))
        return slowest if slowest > 1e-10 * fastest else 0.0
    gen, _shapes, _offsets = layout.chain_generator([(1, 1)])
    if model.qubits <= DENSE_DECAY_MAX:
        eigenvalues = np.linalg.eigvals(gen.toarray())
    else:
        # the eigenvalues nearest 0 by shift-invert (σ just right of the spectrum, Re λ ≤ 0)
        # with a dense LU: the block is a Kronecker sum of dense N × N matrices, whose sparse
        # LU fills in completely (SuperLU took 5 s at N = 30)
        sigma = 1e-6 * fastest
        dim = gen.shape[0]
        lu = scipy.linalg.lu_factor(gen.toarray() - sigma * np.eye(dim))
        inverse = scipy.sparse.linalg.LinearOperator(
            (dim, dim), matvec=lambda x: scipy.linalg.lu_solve(lu, x), dtype=complex
        )
        mu = scipy.sparse.linalg.eigs(inverse, k=min(12, dim - 2), which="LM")[0]
        eigenvalues = sigma + 1.0 / mu
    slowest = float(np.min(-eigenvalues.real))
    # a stationary dark state gives λ = 0 up to round-off of the fastest rate in the block
    return slowest if slowest > 1e-10 * fastest else 0.0


def dark_states(model: CooperativeArray) -> DarkSubspace:
    """Orthonormal basis of the excited dark subspace ker(o⁻) without |0…0⟩.

    A dark state does not radiate into the common reservoir (o⁻|d⟩ = 0: |Ψ₋⟩ for two
    identical qubits, |Ψ₂⟩ and |Ψ₃⟩ of paper 003's three-qubit section, C(N,k) − C(N,k−1)
    states with k ≤ N/2 excitations for N identical qubits).  Within each excitation sector the
    basis lists first the *stationary* dark states (also eigenstates of H, so they never decay
    for α = 0 — for identical qubits all of them), then the remaining ones, which detuning
    rotates into bright states.  α and γ_φ do not enter (they damp every excited state).
    """
    model = _check_model(model)
    n = model.qubits
    if n > MAX_FULL_QUBITS:
        raise ParameterError(
            f"`model` has {n} qubits; dark_states builds 2^N kets, so N <= {MAX_FULL_QUBITS}"
        )
    layout = SectorLayout(model)
    free = CooperativeArray(n, model.kappa, 0.0, model.detunings, model.phases, model.omega)
    stat_layout = SectorLayout(free)
    kets, exc, flags = [], [], []
    for k in range(1, n + 1):
        ker = layout.dark_basis(k)
        if ker.shape[1] == 0:
            continue
        v, _e = stat_layout.stationary_dark(k)
        rest = ker - v @ (v.conj().T @ ker)
        u, s, _ = np.linalg.svd(rest, full_matrices=False)
        extra = u[:, s > 1e-8]
        for cols, flag in ((v, True), (extra, False)):
            for c in range(cols.shape[1]):
                vec = np.zeros(2**n, dtype=complex)
                vec[layout.states[k]] = cols[:, c]
                kets.append(qutip.Qobj(vec, dims=[[2] * n, [1] * n]))
                exc.append(k)
                flags.append(flag)
    return DarkSubspace(model, tuple(kets), tuple(exc), tuple(flags))
