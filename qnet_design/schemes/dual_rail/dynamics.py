"""Dynamics of the dual-rail network from all qubits (and the source) in their ground states:
ρ_q(t) and the preparation time T_prep (paper 000, Fig. 3; finite bandwidth Eq. 11)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import qutip
import scipy.sparse as sp

from ..._checks import check_int, check_positive
from ...errors import ConvergenceError, ParameterError
from ...guard import check_size
from ...metrics import crossing_time, purity
from ...progress import progress
from ...solvers._halves import RealCsrProduct
from ...solvers.blas import serial_blas
from ...solvers.cascaded import Blocks, liouvillian
from ...solvers.convergence import Convergence, widen_until_converged
from ...solvers.propagate import KRYLOV_VECTORS, krylov_grid, propagate
from .analytic import analytic_state
from .generator import _real_generator, _source_trace
from .model import DualRail
from .operators import _block_entries, _prefix_model, _source_basis, _source_frame
from .results import Evolution, PrepTime
from .steady import (
    FOCK_TOLERANCE,
    _fock_limit,
    _Run,
    _run_cascade,
    check_truncation_reachable,
    steady_state,
)

#: Source truncation of the dynamics: first value tried (total photons in the Bogoliubov frame).
DYNAMICS_FOCK_START = 2
#: Tolerance on T_prep (units of 1/γ) between successive source truncations.
PREP_TIME_TOLERANCE = 0.05
#: Tolerance on the largest change of any entry of ρ_q(t) between successive truncations.
EVOLVE_TOLERANCE = 1e-4
#: Krylov time step (1/γ) and the length of the chunks after which settling is checked
#: (broadband); the finite-bandwidth propagation checks its rigorous bound every SETTLE_CHECK
#: (0.5/γ: the stop comes 0.25/γ earlier on average than at 1/γ, for a few block eigenvalues).
STEP, CHUNK, SETTLE_CHECK = 0.25, 10.0, 0.5
#: Local error per Krylov basis of the finite-bandwidth T_prep propagation: ~40 bases leave
#: ρ(t) within ~4e-6 of the exact propagation, far below the figure's threshold (N·1e-3); three
#: twpa pairs, 4 photons: T_prep moves by 1e-5/γ against 1e-8 (2e-6/γ from 1e-10 to 1e-8,
#: 2.6e-4/γ at 1e-6), t_trace by 3e-6/γ, for 9 % fewer products.
PREP_KRYLOV_TOLERANCE = 1e-7
#: The same for the first rung of the T_prep ladder, which is never the answer, only the
#: evidence the next rung is checked against (tolerance PREP_TIME_TOLERANCE = 0.05/γ): three
#: twpa pairs, 4 photons, 1e-6 moves T_prep by −5e-5/γ and t_trace by −3e-6/γ (with
#: PREP_KRYLOV_WINDOW) for 9 % fewer products (806 → 734); 3e-6 moved T_prep −8e-4/γ and 1e-5
#: −3.4e-3/γ (without the window).
PREP_FIRST_RUNG_TOLERANCE = 1e-6
#: Each new Krylov vector of the T_prep propagation is orthogonalised against the previous 16
#: only (incomplete orthogonalisation, as in KIOPS: S. Gaudreault, G. Rainwater, M. Tokman,
#: J. Comput. Phys. 372, 236 (2018)); the error estimate needs only the Arnoldi relation
#: G V = V H + h v e_mᵀ, which holds for any such basis (:func:`krylov_grid`). Three twpa pairs:
#: Gram–Schmidt reads ≤ 16 instead of up to 80 vectors per product, products 856 → 806 (4
#: photons) and 965 → 941 (5), T_prep moves ≤ 1.1e-5/γ and t_trace ≤ 6e-6/γ; at 4 photons ρ_q(t)
#: stays within 1.7e-9 of full orthogonalisation at tolerance 1e-10 (full at 1e-7: 5.1e-9).
#: Window 8: 877 products; 12: 819; 20: 805.
PREP_KRYLOV_WINDOW = 16
#: Krylov tolerance of the steady state the T_prep figures are measured against (see below).
PREP_STEADY_RTOL = 1e-8
#: A supplier of a T_prep rung's steady state: (model, pairs, photons, warm) -> the run of
#: :func:`_rung_steady_state` (the budget's computes it alongside, in a forked child). A
#: supplier with a method ``ready(photons) -> bool`` (whether the run can be had without
#: waiting) is asked only once it is ready, or after HOLD_CHECKS settle checks: the propagation
#: starts before the steady state is there (:func:`_finite_prep_run`).
RungSteady = Callable[[DualRail, int, int, _Run | None], _Run]
#: Most settle checks (SETTLE_CHECK apart) whose full state is kept while a rung's steady state
#: is computed elsewhere (:data:`RungSteady`); then the propagation waits for it. Eight are
#: 4/γ of propagation, ~11 MB for three pairs at 5 photons; the first rung's steady state of
#: three twpa pairs comes after ~1/γ.
HOLD_CHECKS = 8
_BROADBAND_HINT = (
    "broadband dual-rail network: use fewer pairs (T_prep is roughly independent of N when the "
    "pairs are detuned, paper 000 Fig. 4c)"
)
_KRYLOV_HINT = (
    "dual-rail network at this source truncation: loosen the truncation tolerance (prep_time's "
    "`time_tolerance`, evolve's `fock_tolerance`, or a smaller `source_photons`), lower beta, "
    "or use fewer pairs"
)


def _krylov_propagate(
    lv: sp.csr_matrix | Callable[[np.ndarray], np.ndarray],
    v: np.ndarray,
    dt: float,
    steps: int,
    label: str = "",
    tolerance: float = 1e-10,
    hint: str = _KRYLOV_HINT,
) -> np.ndarray:
    """exp(ℒ t)v on the grid t = 0, dt, …, steps·dt (rows), by the Krylov method of
    :func:`qnet_design.solvers.propagate.propagate` (local error < ``tolerance`` per step; a
    step that needs more than KRYLOV_VECTORS vectors is halved, a stiff source at large β gets
    short steps); a ``label`` reports every step as progress (a step of three pairs takes
    seconds)."""
    grid = dt * np.arange(steps + 1)
    return propagate(lv, v, grid, method="krylov", tolerance=tolerance, hint=hint, label=label)


def prep_time(
    model: DualRail,
    threshold: float = 1e-3,
    *,
    time_tolerance: float = PREP_TIME_TOLERANCE,
    pairs: int | None = None,
) -> PrepTime:
    """T_prep (units of 1/γ): the last time the relaxation figure falls through ``threshold``.

    Broadband (``beta=None``, Eq. 1, paper 000 Fig. 3): all qubits start in |0⟩ (a pure state,
    so [1 − Tr ρ²]/N starts at 0, rises and relaxes); the figure is [1 − Tr ρ²]/N. The Lindblad
    equation is propagated with Krylov (Arnoldi) exponential steps of 0.25/γ on the sparse
    Liouvillian (local error < 1e-10 per step), in chunks of 10/γ, until ρ(t) is within
    (threshold − floor)·N/4 of the steady state in Frobenius norm (floor = the steady state's
    own [1 − Tr ρ²]/N), so that the curve cannot cross again;
    :func:`qnet_design.metrics.crossing_time` interpolates the crossing linearly. Raises
    :class:`ConvergenceError` if the steady state itself is too mixed to reach the threshold.

    Finite bandwidth (Eq. 11 with every imperfection of ``model``): the qubits start in |0⟩ and
    both NDPA modes in their vacuum, the pump switched on at t = 0. The qubits' steady state is
    then mixed ([1 − Tr ρ²]/N levels off at 0.06–0.27 for β = 2…20, r = 1), so the figure is
    |Tr ρ_q² − Tr ρ_q,ss²|/N, ρ_q the qubits' reduced state and ρ_q,ss its steady state (the
    cascaded solve at the same truncation); when ρ_q,ss is pure this is the broadband figure.
    The trace distance ½‖ρ_q − ρ_q,ss‖₁/N is recorded next to it (``trace_distance``) with its
    own last crossing ``t_trace``: with a mixed ρ_q,ss the purity figure can pass through zero
    long before ρ_q arrives (see :class:`PrepTime`), the trace distance cannot.
    The state is propagated on the real parameters of its Hermitian charge blocks (ℒ maps
    Hermitian operators to Hermitian ones; Krylov bases that each serve as many 0.25/γ grid
    points as pays, :func:`qnet_design.solvers.propagate.krylov_grid`, products and
    Gram–Schmidt on two threads), and the propagation stops, checked every
    SETTLE_CHECK = 0.5/γ, once D = ‖ρ(t) − ρ_ss‖₁ gives D(λ_max − λ_min + D/2) < N·threshold
    (λ the eigenvalues of ρ_q,ss) and
    D/2 < N·threshold: D never grows and bounds both figures at every later time (see
    ``_settled``), so no later crossing exists. The source truncation is widened until T_prep
    moves by at most ``time_tolerance`` (1/γ), from the first truncation from
    ``DYNAMICS_FOCK_START`` on that holds the initial source state to N·threshold of its
    weight (``_first_prep_rung``).
    ``pairs`` = k < N (finite bandwidth only) gives T_prep of the layout's first k pairs: the
    qubits A₁…A_k, B₁…B_k with the source, whose reduced dynamics is exact (a node never acts
    on earlier nodes); the figures are then divided by k.

    How T_prep depends on β = κ/γ, plainly: a narrower source prepares *faster* by this
    figure, because its steady state is less entangled and less pure, so there is less to
    prepare; T_prep rises towards the broadband value as β grows (one pair, r = 1, 3 source
    photons: 23.0, 29.5, 32.9, 34.1/γ at β = 10, 30, 100, 300 against 36.7/γ broadband). The
    gap closes much more slowly than 1/β: 13.7, 7.3, 3.8, 2.7/γ, i.e. ×0.28 from β = 10 to
    100 where 1/β would give ×0.1 — roughly as 1/√β there, slower still beyond (no closed
    form is known to us; the tests check the trend, not a law).

    Cost (ℒ assembled once as a real sparse matrix on the charge blocks, Krylov steps on it;
    CPU time on the shared 2-core machine): one pair < 1 s, two pairs 0.4–0.7 s per source
    truncation (the twpa ladder 4 → 5 photons 1.1 s); three pairs (dual_rail_twpa, β = 21)
    ~7 and ~13 CPU-s at 4 and 5 photons (734 and 941 products of the real ℒ, the first rung at
    PREP_FIRST_RUNG_TOLERANCE; 3.3·10⁶ and 5.9·10⁶ nonzeros, memory-bound), 17 CPU-s for the
    ladder and 570 MiB, a sixth of each rung the steady state of the same truncation; the two
    threads make it ~12 s wall (lead, 22:32, `prep_time` alone; benchmarks/results/dual_rail.md
    for the budget, which solves the rungs' steady states alongside). The size
    guard refuses networks whose ℒ and Krylov basis would not fit in memory.
    """
    return _prep_time_run(model, threshold, time_tolerance, pairs)[0]


# one OpenBLAS thread: the propagation's memory-bound products already use both cores
# (solvers/_halves.py); OpenBLAS's own threads on top oversubscribe them (budget 8 s → 32 s)
@serial_blas()
def _prep_time_run(
    model: DualRail,
    threshold: float,
    time_tolerance: float,
    pairs: int | None,
    steady: RungSteady | None = None,
) -> tuple[PrepTime, _Run | None]:
    """:func:`prep_time` and, with a finite bandwidth, the steady-state run of the source
    truncation it returns (its states can start the Krylov solves of the steady state's own
    truncation ladder: :func:`steady_state`'s ``warm``). ``steady`` supplies each rung's
    steady state instead of :func:`_rung_steady_state` (the budget: computed alongside, the
    same run)."""
    thr = _check_threshold(threshold)
    k = model.pairs if pairs is None else check_int("pairs", pairs, minimum=1)
    if k > model.pairs or (model.broadband and k != model.pairs):
        raise ParameterError(
            f"`pairs` must be <= model.pairs = {model.pairs} (and all of them for the "
            f"broadband model), got {pairs!r}"
        )
    if not model.broadband:
        tol = check_positive("time_tolerance", time_tolerance)
        check_truncation_reachable(model, FOCK_TOLERANCE)
        runs: list[_Run] = []

        def compute(photons: int) -> PrepTime:
            # each steady state starts its Krylov solves from the previous truncation's; the
            # first rung is only evidence (see PREP_FIRST_RUNG_TOLERANCE)
            warm = runs[-1] if runs else None
            tol_k = PREP_KRYLOV_TOLERANCE if runs else PREP_FIRST_RUNG_TOLERANCE
            pt, run = _finite_prep_run(model, photons, thr, k, warm, steady, tol_k)
            runs[:] = [run]
            return pt

        conv = widen_until_converged(
            compute,
            lambda pt: pt.t_prep,
            parameter="source_photons",
            start=_first_prep_rung(model, thr * k),
            step=lambda m: m + 1,
            limit=_fock_limit(),
            tolerance=tol,
        )
        # the change is in units of 1/γ, like T_prep itself: say so where it is printed
        evidence = replace(
            conv.convergence, detail=f"{conv.convergence.detail}; figure T_prep in units of 1/γ"
        )
        return replace(conv.result, convergence=evidence), runs[-1]
    n = model.pairs
    check_size(
        f"broadband dual-rail dynamics of {n} pairs",
        memory_bytes=_broadband_bytes(n),
        change="use fewer pairs (the preparation time is roughly independent of N, Fig. 4c)",
    )
    full = _prefix_model(model, 2 * n, None)
    d = full.dim
    # the ideal model's steady state is the pure Eq. 9 (tested against the solver)
    ss = analytic_state(model).proj().full() if model.ideal else steady_state(model).rho.full()
    floor = (1 - purity(ss)) / n
    if floor >= thr:
        raise ConvergenceError(
            f"the steady state has [1 - Tr rho^2]/N = {floor:.2e} >= threshold {thr:g}; "
            "T_prep is undefined (dephasing or loss make the steady state mixed)"
        )
    settle = (thr - floor) * n / 4
    ss_vec = ss.reshape(-1, order="F")
    # Q = n_A − n_B (excitations on rail A minus rail B) is changed by −1 by every term of
    # J_A and by +1 by every term of J_B, and conserved by H; so ℒ maps |Q₁⟩⟨Q₂| blocks with
    # Q₁ − Q₂ = 0 onto themselves and ρ(t) stays block diagonal in Q from |0…0⟩.
    bits = (np.arange(d)[:, None] >> np.arange(2 * n - 1, -1, -1)[None, :]) & 1
    q = bits[:, 0::2].sum(axis=1) - bits[:, 1::2].sum(axis=1)
    keep = np.nonzero((q[:, None] == q[None, :]).reshape(-1, order="F"))[0]
    lv = sp.csr_matrix(liouvillian(full))[keep][:, keep]
    ss_vec = ss_vec[keep]
    v = np.zeros(keep.size, dtype=complex)
    v[0] = 1.0  # |0…0⟩⟨0…0| is the first vectorised entry and has Q₁ = Q₂ = 0
    dt, chunk, t0 = STEP, CHUNK, 0.0
    steps = round(chunk / dt)
    times: list[np.ndarray] = [np.zeros(1)]
    imp: list[np.ndarray] = [np.zeros(1)]
    while True:
        label = f"dual-rail T_prep (broadband), {n} pairs, t = {t0:g}/gamma"
        traj = _krylov_propagate(lv, v, dt, steps, label, hint=_BROADBAND_HINT)
        pur = np.real(np.einsum("ki,ki->k", traj, traj.conj()))  # Tr ρ² = Σ|ρ_ij|² (ρ = ρ†)
        times.append(t0 + np.linspace(0.0, chunk, steps + 1)[1:])
        imp.append(((1 - pur) / n)[1:])
        v = traj[-1]
        t0 += chunk
        if np.linalg.norm(v - ss_vec) <= settle:
            break
        if t0 >= 1e4:
            raise ConvergenceError(f"the state did not settle within t = 1e4/gamma (N = {n})")
    t_all, i_all = np.concatenate(times), np.concatenate(imp)
    return PrepTime(_last_crossing(t_all, i_all, thr), thr, t_all, i_all), None


def _last_crossing(times: np.ndarray, values: np.ndarray, thr: float) -> float:
    """The last time ``values`` falls through ``thr`` (linear interpolation on the grid)."""
    above = np.nonzero(values > thr)[0]
    start = 0 if above.size == 0 else int(above[-1])
    return crossing_time(times[start:], values[start:], thr)


# --------------------------------------------------------------------------------------------
# finite bandwidth (Eq. 11): source and qubits start in their ground states, pump on at t = 0


def _vacuum_source(model: DualRail, photons: int) -> np.ndarray:
    """The lab-frame vacuum of both NDPA modes as a ket in the truncated Bogoliubov basis.

    With a_A = cosh s a′ + sinh s b′† (and A ↔ B), a_A|ψ⟩ = a_B|ψ⟩ = 0 gives the two-mode
    squeezed state |ψ⟩ ∝ Σ_n (−tanh s)ⁿ |n, n⟩′; it is cut at 2n ≤ ``photons`` and
    renormalised (the truncation is widened until the answer converges).
    """
    t = -math.tanh(_source_frame(model))
    psi = np.array([t**i if i == j else 0.0 for i, j in _source_basis(photons)], dtype=complex)
    return psi / np.linalg.norm(psi)


def _first_prep_rung(model: DualRail, weight: float) -> int:
    """First source truncation of the T_prep ladder: the smallest from DYNAMICS_FOCK_START
    whose cut of the initial source state (the lab vacuum Σ (−tanh s)ⁿ|n, n⟩′, cut at
    2n ≤ photons) leaves out at most ``weight`` = N·threshold of it, capped one below the
    limit so that two rungs remain.

    A rung that drops more of ρ(0) than the figure's threshold is not a candidate answer, only
    evidence for the next one, which the rung after that gives as well: three twpa pairs
    (r = 1, tanh s = 0.245, left out 3.6e-3 at 2 and 3 photons, 2.2e-4 at 4 and 5) have
    T_prep 9.8 and 13.9/γ at 2 and 3 photons against 14.29 and 14.33/γ at 4 and 5, where the
    ladder stops either way; skipping 2 and 3 saves a fifth of the ladder. The ladder's own
    convergence test is unchanged, so a later start can only end at the same or a wider
    truncation.
    """
    t2 = math.tanh(_source_frame(model)) ** 2
    photons = DYNAMICS_FOCK_START
    while t2 ** (photons // 2 + 1) > weight and photons < _fock_limit() - 1:
        photons += 1
    return photons


def _block_trace_norm(lay: Blocks, flat: np.ndarray) -> float:
    """‖X‖₁ of a Hermitian block-diagonal X (sum of |eigenvalues| block by block)."""
    return float(sum(np.sum(np.abs(np.linalg.eigvalsh(b))) for b in lay.views(flat)))


def _dynamics_bytes(pairs: int, photons: int | None) -> float:
    """Peak memory of the finite-bandwidth propagation: the assembly of ℒ (≤ 6 + 14N nonzeros
    per entry, measured 32 and 34 at N = 3; the real-parameter matrix is written once, 12
    bytes per nonzero, then copied into the two halves of the product: ~25 bytes per nonzero
    at the peak, measured 24.6 and 24.5 at three pairs, 4 and 5 photons, 138 MiB at 5 with
    tracemalloc; the estimate keeps the 50 of the assembly before, 47–52 measured, an upper
    bound), or later ℒ (12 bytes per nonzero) with the real Krylov basis, the
    SETTLE_CHECK/STEP + 1 stored steps and a few work vectors (8 bytes each); plus the
    interpreter with numpy/scipy/qutip/numba (270 MiB).
    """
    nonzeros = 6 + 14 * pairs
    vectors = KRYLOV_VECTORS + 1 + round(SETTLE_CHECK / STEP) + 1 + 8
    per_entry = max(50.0 * nonzeros, 12.0 * nonzeros + 8.0 * vectors)
    return per_entry * _block_entries(pairs, photons) + 270 * 2**20


def _broadband_bytes(pairs: int) -> float:
    """Peak memory of the broadband propagation: the full sparse Liouvillian on the d² = 16^N
    entries of ρ (≈ 4N + 2 terms per row, complex values and indices, built once and sliced
    once), then the Krylov basis and the CHUNK/STEP + 1 stored steps on them (an upper bound:
    only the charge blocks are propagated)."""
    stored_steps = round(CHUNK / STEP) + 1
    return (24.0 * (4 * pairs + 2) * 3 + 16.0 * (KRYLOV_VECTORS + 1 + stored_steps + 8)) * float(
        min(16**pairs, 10**300)
    )


class _Network:
    """The whole truncated network (source + every qubit) and ℒ on the real parameters of its
    Hermitian charge blocks (:meth:`Blocks.pack`): states here are real packed vectors."""

    def __init__(self, model: DualRail, photons: int | None, pairs: int | None = None) -> None:
        n = model.pairs if pairs is None else pairs
        n_q = 2 * n
        check_size(
            f"dual-rail dynamics of {n} pairs"
            + ("" if photons is None else f" with {photons} source photons"),
            memory_bytes=_dynamics_bytes(n, photons),
            change="use fewer pairs (C_kk of pair k needs only pairs <= k)",
        )
        full = _prefix_model(model, n_q, photons)
        self.lay = Blocks(full.charges, full.dim)
        self.apply = RealCsrProduct(_real_generator(full, self.lay))
        src = np.ones(1, dtype=complex) if photons is None else _vacuum_source(model, photons)
        # ρ(0) = |ψ_src⟩⟨ψ_src| ⊗ |0…0⟩⟨0…0|: full index of (s, qubits 0…0) is s·2^{n_q}
        idx = np.nonzero(src)[0] * 2**n_q
        rows, cols = np.repeat(idx, idx.size), np.tile(idx, idx.size)
        initial = np.zeros(self.lay.size, dtype=complex)
        nz = src[src != 0]
        initial[self.lay.positions(rows, cols)] = np.outer(nz, nz.conj()).ravel()
        self.initial = self.pack(initial)

        self._dq = 2**n_q
        self._trace = _source_trace(self.lay, self._dq)

    def pack(self, flat: np.ndarray) -> np.ndarray:
        """Real parameters of the Hermitian flat complex blocks ``flat``."""
        return self.lay.pack(flat, np.empty(self.lay.size))

    def trace_norm(self, x: np.ndarray) -> float:
        """‖X‖₁ of the Hermitian block operator with real parameters ``x``."""
        return _block_trace_norm(self.lay, self.lay.unpack(x, np.empty(x.size, dtype=complex)))

    def qubits(self, x: np.ndarray) -> np.ndarray:
        """The qubits' reduced state (source traced out), dense."""
        return np.asarray(self._trace @ x).reshape(self._dq, self._dq)

    def propagate(self, v: np.ndarray, duration: float) -> np.ndarray:
        """exp(ℒ·duration) v in Krylov steps of at most STEP."""
        if duration <= 0:
            return v
        steps = max(1, math.ceil(duration / STEP - 1e-9))
        return _krylov_propagate(self.apply, v, duration / steps, steps)[-1]


def _rung_steady_state(model: DualRail, pairs: int, photons: int, warm: _Run | None) -> _Run:
    """The steady state a T_prep rung measures its figures against: the cascade of the same
    truncation, its Krylov solves started from ``warm`` (the previous rung's run)."""
    return _run_cascade(model, pairs, photons, warm, PREP_STEADY_RTOL)


def _settled(dist: float, spread: float) -> float:
    """Bound on N × both T_prep figures at every later time, from D = ‖ρ(t) − ρ_ss‖₁ now.

    ℒ generates a trace-preserving positive map, so D never grows, and the qubits' Δ = ρ_q − σ
    (σ = ρ_q,ss, eigenvalues from λ_min to λ_max, ``spread`` = λ_max − λ_min) obeys ‖Δ‖₁ ≤ D.
    Trace distance: ½‖Δ‖₁ ≤ D/2. Purity: |Tr ρ_q² − Tr σ²| = |2 Tr σΔ + Tr Δ²|, and as Δ is
    traceless Tr σΔ = Tr (σ − c)Δ for any number c; c = (λ_max + λ_min)/2 gives
    |2 Tr σΔ| ≤ 2‖σ − c‖_∞‖Δ‖₁ = spread·‖Δ‖₁, and Tr Δ² ≤ ‖Δ‖_∞‖Δ‖₁ ≤ ½‖Δ‖₁² (‖Δ‖_∞ ≤ ½‖Δ‖₁
    for a traceless Hermitian Δ); so the purity figure is ≤ D(spread + D/2). Once the bound is
    below N·threshold no later downward crossing of either figure exists. (With 2λ_max in place
    of the spread, the bound of the first version, three twpa pairs stopped 3/γ later.)
    """
    return max(dist * (spread + dist / 2), dist / 2)


def _finite_prep_time(
    model: DualRail, photons: int, thr: float, pairs: int | None = None
) -> PrepTime:
    """T_prep of the first ``pairs`` pairs (default all) at one source truncation (see
    :func:`prep_time`)."""
    return _finite_prep_run(model, photons, thr, pairs)[0]


def _finite_prep_run(
    model: DualRail,
    photons: int,
    thr: float,
    pairs: int | None = None,
    warm: _Run | None = None,
    steady: RungSteady | None = None,
    tolerance: float = PREP_KRYLOV_TOLERANCE,
) -> tuple[PrepTime, _Run]:
    """:func:`_finite_prep_time` and the steady-state run it used (``warm``: a run at fewer
    photons whose states start the Krylov solves; ``steady``: its supplier, default
    :func:`_rung_steady_state`; ``tolerance``: the Krylov tolerance per basis)."""
    n = model.pairs if pairs is None else pairs
    progress("dual-rail T_prep", f"{n} pairs, {photons} source photons: assembling the Liouvillian")
    net = _Network(model, photons, n)
    supply = steady or _rung_steady_state
    ready = getattr(supply, "ready", None)
    # the steady state of the same truncation (rtol 1e-8 moves ρ_q,ss by < 1e-8, three twpa
    # pairs: 6e-9 against 1e-10, 1e-5 of the threshold) is needed only for the figures and the
    # stop: a supplier that computes it elsewhere (``ready``) is asked for it once it is there,
    # or after HOLD_CHECKS settle checks; until then the qubits' states are kept, and the full
    # state at each settle check, so that the stop falls where it would have fallen anyway
    run: _Run | None = None if ready is not None else supply(model, n, photons, warm)

    def reference(run: _Run) -> tuple[np.ndarray, np.ndarray, float, float]:
        """ρ_ss packed, ρ_q,ss, Tr ρ_q,ss² and the spread λ_max − λ_min of ρ_q,ss (which bounds
        the purity figure, see _settled)."""
        eig = np.linalg.eigvalsh(run.rho_q)
        pur = float(np.real(np.vdot(run.rho_q, run.rho_q)))
        return net.pack(run.stages[-1].flat), run.rho_q, pur, float(eig[-1] - eig[0])

    ref = None if run is None else reference(run)
    v = net.initial
    times, pending = [0.0], [net.qubits(v)]
    figure: list[float] = []
    tdist: list[float] = []
    held: list[tuple[int, np.ndarray]] = []  # (grid index, state) of settle checks not yet made
    check = round(SETTLE_CHECK / STEP)
    label = f"dual-rail T_prep, {n} pairs, {photons} source photons"
    grid = krylov_grid(net.apply, v, STEP, tolerance, _KRYLOV_HINT, window=PREP_KRYLOV_WINDOW)
    for k, v in enumerate(grid, 1):
        pending.append(net.qubits(v))
        times.append(k * STEP)
        progress(label, f"t = {k * STEP:g}/gamma")
        if k % check:
            continue
        held.append((k, v))
        if ref is None:
            if len(held) < HOLD_CHECKS and ready is not None and not ready(photons):
                continue
            run = supply(model, n, photons, warm)
            ref = reference(run)
        ss_x, ss_q, pur_ss, spread = ref
        for rq in pending:
            figure.append(abs(float(np.real(np.vdot(rq, rq))) - pur_ss) / n)
            tdist.append(0.5 * float(np.sum(np.abs(np.linalg.eigvalsh(rq - ss_q)))) / n)
        pending = []
        # D/2 ≥ ½‖ρ_q − ρ_q,ss‖₁ = N·tdist: no stop before tdist < threshold (skips ‖·‖₁)
        stop = next(
            (
                j
                for j, x in held
                if tdist[j] < thr and _settled(net.trace_norm(x - ss_x), spread) < thr * n
            ),
            None,
        )
        held = []
        if stop is not None:
            del times[stop + 1 :], figure[stop + 1 :], tdist[stop + 1 :]
            break
        if k * STEP >= 1e4:
            raise ConvergenceError(
                f"the state did not settle within t = 1e4/gamma (N = {n}); raise `threshold`"
            )
    assert run is not None  # the loop ends only at a stop, after the steady state came
    t_all, f_all, d_all = np.array(times), np.array(figure), np.array(tdist)
    method = "finite bandwidth Eq. 11, |Tr rho_q^2 - Tr rho_q,ss^2|/N"
    pt = PrepTime(
        _last_crossing(t_all, f_all, thr),
        thr,
        t_all,
        f_all,
        method,
        photons,
        None,
        d_all,
        _last_crossing(t_all, d_all, thr),
    )
    return pt, run


def _check_threshold(threshold: float) -> float:
    thr = check_positive("threshold", threshold)
    if thr >= 1:
        raise ParameterError(f"`threshold` must lie in (0, 1), got {threshold!r}")
    return thr


def _check_times(times: Sequence[float] | np.ndarray) -> np.ndarray:
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)):
        raise ParameterError(
            f"`times` must be a non-empty 1-D array of finite times, got {times!r}"
        )
    if t[0] < 0 or np.any(np.diff(t) <= 0):
        raise ParameterError("`times` must be >= 0 and strictly increasing (units of 1/gamma)")
    return t


@serial_blas()
def evolve(
    model: DualRail,
    times: Sequence[float] | np.ndarray,
    *,
    source_photons: int | None = None,
    fock_tolerance: float = EVOLVE_TOLERANCE,
) -> Evolution:
    """Qubit states ρ_q(t) of the whole network at ``times`` (units of 1/γ, increasing, ≥ 0).

    Initial state: every qubit in |0⟩ and, for a finite bandwidth, both NDPA modes in their
    vacuum with the pump switched on at t = 0 (Eq. 11, every imperfection of ``model``); the
    broadband model (Eq. 1) starts from the qubits in |0⟩. The state stays on its charge blocks
    (the initial state is Q-block diagonal) and is propagated by Krylov exponential steps of at
    most 0.25/γ (local error < 1e-10). Finite bandwidth: the source truncation is
    ``source_photons`` if given, otherwise widened from ``DYNAMICS_FOCK_START`` until no entry
    of any ρ_q(t) moves by more than ``fock_tolerance``. :meth:`Evolution.concurrences` gives
    C_ij(t).
    """
    t = _check_times(times)
    tol = check_positive("fock_tolerance", fock_tolerance)
    if source_photons is None:
        check_truncation_reachable(model, tol)

    def run(photons: int | None) -> list[np.ndarray]:
        net = _Network(model, photons)
        v, now, out = net.initial, 0.0, []
        for target in t:
            progress("dual-rail evolve", f"t = {target:g}/gamma")
            v, now = net.propagate(v, target - now), target
            out.append(net.qubits(v))
        return out

    dims = [[2] * (2 * model.pairs)] * 2

    def result(
        states: list[np.ndarray], photons: int | None, conv: Convergence | None
    ) -> Evolution:
        method = "broadband Eq. 1" if photons is None else "finite bandwidth Eq. 11"
        qs = tuple(qutip.Qobj(s, dims=dims) for s in states)
        return Evolution(t, qs, method, photons, conv)

    if model.broadband:
        return result(run(None), None, None)
    if source_photons is not None:
        photons = check_int("source_photons", source_photons, minimum=1)
        return result(run(photons), photons, None)
    previous = run(DYNAMICS_FOCK_START)
    for photons in range(DYNAMICS_FOCK_START + 1, _fock_limit() + 1):
        current = run(photons)
        change = max(float(np.max(np.abs(a - b))) for a, b in zip(current, previous, strict=True))
        if change <= tol:
            conv = Convergence(
                "source_photons", photons, change, tol, f"max |change| of rho_q(t) vs {photons - 1}"
            )
            return result(current, photons, conv)
        previous = current
    raise ConvergenceError(
        f"rho_q(t) still changes by {change:.1e} > fock_tolerance={tol:g} at FOCK_LIMIT "
        "source photons; raise `fock_tolerance`"
    )
