"""Numerical steady states of the dual-rail network and the figures derived from them
(C_ij, entropies, N_ent), solved pair by pair along the cascade."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import qutip

from ..._checks import check_int, check_positive
from ...errors import ParameterError, SizeError
from ...guard import check_size
from ...metrics import concurrence, entropy, n_ent_extrapolated
from ...solvers._real_kernels import is_real
from ...solvers.cascaded import (
    BlockLiouvillian,
    Blocks,
    BlockState,
    CascadedSolveInfo,
    cascaded_block_states,
)
from ...solvers.convergence import Convergence, widen_until_converged
from .analytic import analytic_state
from .model import DualRail
from .operators import (
    _block_entries,
    _prefix_charges,
    _prefix_model,
    _source_basis,
    source_frame_occupations,
    source_tail_weight,
)
from .results import ConcurrenceMatrix, Entropies, NEnt, SteadyState

#: Fock cutoff of each source mode: first value tried, hard limit, and the tolerance on the
#: change of the last pair's concurrence between successive cutoffs.
FOCK_START = 6
FOCK_LIMIT = 16
FOCK_TOLERANCE = 1e-5
#: Krylov tolerances (per cascade stage, relative residual) of the ladder's rungs. The first
#: rung only serves as the convergence evidence (and warm start) of the next one and is never
#: returned, but its error enters the evidence: the 6 → 7 photon change of C_kk is 6e-6, 8.2e-6
#: and 8.4e-6 at k = 2, 3, 4 against the 1e-5 tolerance, a margin of 1.6e-6 at k = 4. At 3e-8
#: the first rung's C_kk is within 1.2e-7 of the same rung at 1e-11 for k = 1 … 4 (real route:
#: 3.1e-8, 5.7e-8, 9.5e-8, 1.2e-7; at 1e-7 it was 1.4e-7, 5.6e-7, 7.3e-7, 8.2e-7, half the
#: margin at k = 4, so the printed change was 7.6e-6 instead of 8.4e-6), for ~5 % more CPU.
#: The later rungs (the returned one and any evidence beyond it) use FINAL_RUNG_RTOL: at 1e-9
#: the qubits' state moves by ≤ 5e-10 against 1e-10 or 1e-12 (k = 3, 4), 20× inside the 1e-8
#: identity with the solver of b87a6df, for 25 % less CPU on the returned rung at k = 4 (3e-9
#: moves it by 1.9e-9 for 11 % more; measurements in benchmarks/results/dual_rail.md).
FIRST_RUNG_RTOL = 3e-8
FINAL_RUNG_RTOL = 1e-9


def _fock_limit() -> int:
    """FOCK_LIMIT as the package exports it (``qnet_design.schemes.dual_rail.FOCK_LIMIT`` is the
    one place to change, or patch, the hard limit)."""
    from . import FOCK_LIMIT as limit

    return limit


def check_truncation_reachable(model: DualRail, tolerance: float) -> None:
    """Refuse, before any solve, a source whose own photon distribution reaches beyond
    FOCK_LIMIT by more than ``tolerance``: no truncation ladder can converge there (strong
    squeezing, e.g. a typo of 80 dB for 8 dB, would otherwise run for many minutes first)."""
    if model.broadband:
        return
    limit = _fock_limit()
    tail = source_tail_weight(model, limit)
    if tail > tolerance:
        n_a, n_b = source_frame_occupations(model)
        raise SizeError(
            f"the finite-bandwidth source at r = {model.r:.3g} holds {n_a:.2g} + {n_b:.2g} "
            f"photons in its Bogoliubov frame and a weight {tail:.1e} beyond the truncation "
            f"limit FOCK_LIMIT = {limit} photons, above the tolerance {tolerance:g}: no "
            "truncation can converge; lower the squeezing (r ≲ 2, i.e. ≲ 17 dB)"
        )


def steady_state_bytes(pairs: int, photons: int | None, real: bool = False) -> float:
    """Estimated peak memory (bytes) of the cascaded solve of ``pairs`` pairs; ``real``: its
    Krylov stages take the real route (:func:`takes_real_route`), else the Hermitian one.

    Hermitian route: the last stage dominates, ~207 bytes per stored entry: IDR(2)'s ~11 real
    vectors on the unknowns (8 bytes each, ¾ of the entries), the kernels' complex iterate and
    two real buffers, ℒ's diagonal (complex) and the pivots (complex64), the state, the
    layout's index arrays (int32) and the earlier stages of the returned truncation (the
    evidence rung's states are given up as they are widened); plus the interpreter with
    numpy/scipy/qutip/numba (321 MiB). Fitted to the peaks of one run (benchmarks/results/
    dual_rail.md, 7 photons): 400 MiB at three pairs (4.0·10⁵ entries), 1563 MiB at four
    (6.3·10⁶); five pairs: 19.4 GiB (9.9·10⁷ entries). Re-measured after the Eisenstat
    kernels and the release of the evidence rung (one process each): 408 and 1576 MiB, i.e.
    208 bytes per entry + 329 MiB, within 1 % of this estimate; five pairs measured 16.2 GiB
    (float32 shadow vectors since), so the estimate is an upper bound there.

    Real route: the Krylov vectors hold ~3/8 of the entries (i ≤ j, base entries aside) and
    the kernels' iterate 8 bytes per entry. Measured (one process each, 7 photons, zero
    detuning): 376 MiB at three pairs, 1078 MiB at four, i.e. 125 bytes per entry + 328 MiB
    (the last stage's Krylov solve alone ~77 bytes per entry; the rest is the earlier stages,
    the evidence rung's state until it is widened and heap growth); estimated as 135 bytes per
    entry + 330 MiB, so that five pairs at 7 photons (12.8 GiB) fit the default 16 GiB guard.
    """
    if real:
        return 135.0 * _block_entries(pairs, photons) + 330 * 2**20
    return 207.0 * _block_entries(pairs, photons) + 321 * 2**20


def takes_real_route(model: DualRail, pairs: int) -> bool:
    """Whether the cascade of the first ``pairs`` pairs takes the real route (ℒ commutes with
    complex conjugation: zero detuning, :func:`qnet_design.solvers._real_kernels.is_real`).

    Checked exactly on the blocks of all 2·``pairs`` qubits with a one-photon source (the same
    terms as any truncation); beyond six pairs (a 4¹² space) not checked and taken as False,
    which only makes :func:`steady_state_bytes` larger (no such network fits a machine)."""
    if pairs > 6:
        return False
    prefix = _prefix_model(model, 2 * pairs, None if model.broadband else 1)
    return is_real(BlockLiouvillian(prefix, Blocks(prefix.charges, prefix.dim)))


def _pair_concurrence(rho_q: np.ndarray, n_qubits: int, i: int, j: int) -> float:
    q = qutip.Qobj(rho_q, dims=[[2] * n_qubits] * 2)
    return concurrence(q.ptrace([i, j]).full())


@dataclass
class _Run:
    rho_q: np.ndarray
    solves: tuple[CascadedSolveInfo, ...]
    top_population: float
    photons: int | None
    stages: tuple[BlockState, ...] = field(repr=False)  # prefix states, for warm starts


def _widen_source(state: BlockState, old: int, new: int) -> BlockState:
    """Embed a prefix state truncated at ``old`` source photons into the ``new`` > old space."""
    index = {b: k for k, b in enumerate(_source_basis(new))}
    n_src_old = len(_source_basis(old))
    n_tail = state.dim // n_src_old
    src = np.array([index[b] for b in _source_basis(old)])
    mapping = (src[:, None] * n_tail + np.arange(n_tail)[None, :]).reshape(-1)
    return state.widen(mapping, _prefix_charges(n_tail.bit_length() - 1, new))


class _Widened(Sequence[BlockState | None]):
    """The prefix states of a run at fewer photons, each widened only when its stage asks for
    it (one widened copy alive at a time instead of all of them).

    ``release``: the run gives its states up (``warm.stages`` becomes empty) and each is dropped
    once widened, so that the evidence rung's states are not alive during the next rung's last
    stage (at five pairs, 6 photons, ~1.4 GB).
    """

    def __init__(self, warm: _Run, photons: int, release: bool = False) -> None:
        assert warm.photons is not None
        self.stages: list[BlockState | None] = list(warm.stages)
        self.source, self.photons, self.release = warm.photons, photons, release
        if release:
            warm.stages = ()

    def __len__(self) -> int:
        return len(self.stages)

    def __getitem__(self, m: int) -> BlockState | None:  # type: ignore[override]
        assert isinstance(m, int)
        state = self.stages[m]
        if self.release:
            self.stages[m] = None
        return None if state is None else _widen_source(state, self.source, self.photons)


def _run_cascade(
    model: DualRail,
    pairs: int,
    photons: int | None,
    warm: _Run | None = None,
    rtol: float = 1e-10,
    release: bool = False,
) -> _Run:
    """Cascade the source and the first ``pairs`` pairs; ``warm`` is a run at fewer photons.

    The warm run's prefix states, embedded in the wider source space, start the Krylov
    iterations (the change between successive truncations is ~1e-5, so few iterations remain);
    with ``release`` the warm run gives them up as they are used (:class:`_Widened`).
    States stay on their charge blocks (:class:`~qnet_design.solvers.cascaded.BlockState`);
    only the qubits' reduced state is formed densely.
    """
    guesses: _Widened | None = None
    if warm is not None and photons is not None and warm.photons is not None:
        guesses = _Widened(warm, photons, release)
    solves = []
    stages: list[BlockState] = []
    top = 0.0
    hint = (
        "the Krylov solve of this network did not converge; try fewer pairs, a looser "
        "fock_tolerance, or a larger source linewidth beta"
    )
    label = "dual-rail cascade" + ("" if photons is None else f", {photons} source photons")
    for stage, (state, info) in enumerate(
        cascaded_block_states(
            lambda m: _prefix_model(model, m, photons),
            2 * pairs,
            rtol=rtol,
            guesses=guesses,
            hint=hint,
            label=label,
        )
    ):
        solves.append(info)
        stages.append(state)
        if stage == 0 and photons is not None:
            pops = np.real(np.diag(state.dense()))
            basis = _source_basis(photons)
            top = float(sum(p for p, (i, j) in zip(pops, basis, strict=True) if i + j == photons))
    last = stages[-1]
    rho_q = last.reduce(last.dim // 4**pairs)
    return _Run(rho_q, tuple(solves), top, photons, tuple(stages))


def steady_state(
    model: DualRail,
    pairs: int | None = None,
    *,
    fock_tolerance: float = FOCK_TOLERANCE,
    fock_start: int = FOCK_START,
    warm: _Run | None = None,
) -> SteadyState:
    """Numerical steady state of the qubits of the first ``pairs`` pairs (default: all).

    Broadband (``beta=None``): Eq. 1 (with loss, dephasing, γ′ as in the module docstring).
    Finite bandwidth: Eq. 11 with both NDPA modes, which are traced out. A node never
    influences earlier nodes, so only pairs ≤ ``pairs`` are simulated, and they are added one
    qubit at a time (:func:`qnet_design.solvers.cascaded.cascaded_block_states`).

    The source truncation is widened (total photon number in the Bogoliubov frame, from
    ``fock_start`` up to ``FOCK_LIMIT``) until the concurrence of the last pair changes by at
    most ``fock_tolerance``; otherwise :class:`~qnet_design.errors.ConvergenceError` is raised.
    Each widened solve starts its Krylov iterations from the previous truncation's states; the
    first truncation, which is only evidence and warm start, is solved to the Krylov tolerance
    ``FIRST_RUNG_RTOL``, the later ones to ``FINAL_RUNG_RTOL``. Every truncation passes the size
    guard before it is solved. The change per added photon falls ~10× per photon at r = 1 (β = 10,
    two pairs: 9e-4 from 4 to 5 photons, 8e-5 from 5 to 6, 6e-6 from 6 to 7), so a looser
    ``fock_tolerance`` with a lower ``fock_start`` (e.g. 1e-3 from 4) is a fast choice for plots
    read to ~1e-3; the default is for the benchmarks' 1e-6-level comparisons. Cost at β = 10,
    γ_φ = 0.01, zero detuning (the real route, :func:`takes_real_route`) on the 2-core machine:
    see benchmarks/results/dual_rail.md (k = 3 pairs 4 CPU-s; k = 4 pairs 26 s wall, 37 CPU-s,
    1.0 GiB; k = 5 10 min wall, 14 CPU-min, 9.8 GiB; detuned, the Hermitian route: k = 4
    ~50 CPU-s and 1.3 GiB, k = 5 estimated 19.4 GiB, above the guard's 16 GiB default).
    ``warm``, a run of the same model and pairs at fewer than ``fock_start`` photons (e.g. the
    last rung of :func:`prep_time`'s ladder), starts the first rung's Krylov solves instead of
    zero: the same answer to the Krylov tolerance (three twpa pairs: C_kk within 4.6e-10
    relative of the cold start) for fewer products (3.0 against 4.1 CPU-s).
    """
    tol = check_positive("fock_tolerance", fock_tolerance)
    start = check_int("fock_start", fock_start, minimum=1)
    fock_limit = _fock_limit()
    if start > fock_limit:
        raise ParameterError(f"`fock_start` must be <= FOCK_LIMIT = {fock_limit}, got {start}")
    k = model.pairs if pairs is None else check_int("pairs", pairs, minimum=1)
    if k > model.pairs:
        raise ParameterError(f"`pairs` must be <= model.pairs = {model.pairs}, got {k}")
    check_truncation_reachable(model, tol)
    photons = None if model.broadband else start + 1  # the ladder's second rung at least
    real = takes_real_route(model, k)

    def size(photons: int | None, least: str = ">= ") -> None:
        check_size(
            f"dual-rail steady state of {k} pairs"
            + ("" if photons is None else f" with {least}{photons} source photons"),
            memory_bytes=steady_state_bytes(k, photons, real),
            change="use fewer pairs (C_kk of pair k needs only pairs <= k)",
        )

    size(photons)  # before any solve
    n_q = 2 * k
    dims = [[2] * n_q] * 2
    if model.broadband:
        run = _run_cascade(model, k, None)
        return SteadyState(
            qutip.Qobj(run.rho_q, dims=dims), k, "broadband Eq. 1", None, None, run.solves
        )

    def figure(run: _Run) -> float:
        return _pair_concurrence(run.rho_q, n_q, n_q - 2, n_q - 1)

    last: list[_Run] = []
    if warm is not None and warm.photons is not None and warm.photons < start:
        if len(warm.stages) == 2 * k + 1:  # the same pairs: widened into the first rung
            last.append(warm)

    def compute(photons: int) -> _Run:
        rtol = FIRST_RUNG_RTOL if photons == start else FINAL_RUNG_RTOL
        prev = last[-1] if last else None
        # the ladder's own runs are only evidence once widened: their states go as they are used
        run = _run_cascade(model, k, photons, prev, rtol, release=prev is not warm)
        last[:] = [run]
        return run

    conv = widen_until_converged(
        compute,
        figure,
        parameter="source_photons",
        start=start,
        step=lambda m: m + 1,
        limit=fock_limit,
        tolerance=tol,
        size=lambda photons: size(photons, ""),  # a rung beyond start + 1 is checked anew
    )
    run = conv.result
    evidence = Convergence(
        conv.convergence.parameter,
        conv.convergence.value,
        conv.convergence.change,
        conv.convergence.tolerance,
        f"{conv.convergence.detail}; figure C(A_{k}|B_{k}); population of the top photon "
        f"shell {run.top_population:.1e}",
    )
    return SteadyState(
        qutip.Qobj(run.rho_q, dims=dims),
        k,
        "finite bandwidth Eq. 11",
        int(conv.convergence.value),
        evidence,
        run.solves,
    )


def concurrence_matrix(
    model: DualRail, *, fock_tolerance: float = FOCK_TOLERANCE, fock_start: int = FOCK_START
) -> ConcurrenceMatrix:
    """C_ij = C(ρ_{A_i|B_j}) of the numerical steady state of all ``model.pairs`` pairs.

    ``fock_tolerance`` and ``fock_start`` are passed to :func:`steady_state`.
    """
    state = steady_state(model, fock_tolerance=fock_tolerance, fock_start=fock_start)
    mat = state.concurrences()
    return ConcurrenceMatrix(mat, state)


def _schmidt_entropy(psi: np.ndarray, n_qubits: int, part: Sequence[int]) -> float:
    """Entanglement entropy (nats) of a pure ket of ``n_qubits`` qubits across ``part``|rest.

    From the Schmidt coefficients (SVD of the ket reshaped to part × rest): no density matrix
    of dimension 4^N is formed, so N = 8 pairs (a 2¹⁶ ket) takes milliseconds.
    """
    rest = [q for q in range(n_qubits) if q not in part]
    t = np.moveaxis(psi.reshape((2,) * n_qubits), list(part) + rest, range(n_qubits))
    sv = np.linalg.svd(t.reshape(2 ** len(part), -1), compute_uv=False)
    p = sv**2 / np.sum(sv**2)
    p = p[p > 1e-300]
    return float(-np.sum(p * np.log(p)))


def entropies(model: DualRail) -> Entropies:
    """S_A = S(ρ_A) and S_n = S(ρ_{[1..n]}), n = 1 … N−1, in nats (Fig. 2e).

    Uses the analytic pure state Eq. 9 when the model is ideal (broadband, no dephasing or
    loss; entropies from its Schmidt coefficients), otherwise the numerical steady state (then
    the entropies are of a mixed state and are not entanglement measures by themselves).
    """
    n = model.pairs
    if model.ideal:
        psi = analytic_state(model).full().ravel()
        s_a = _schmidt_entropy(psi, 2 * n, range(0, 2 * n, 2))
        s_n = tuple(_schmidt_entropy(psi, 2 * n, range(2 * m)) for m in range(1, n))
        return Entropies(s_a, s_n, "analytic Eq. 9")
    rho = steady_state(model).rho
    s_a = entropy(rho.ptrace(list(range(0, 2 * n, 2))))
    s_n = tuple(entropy(rho.ptrace(list(range(2 * m)))) for m in range(1, n))
    return Entropies(s_a, s_n, "numerical steady state")


def n_ent(
    model: DualRail, *, fock_tolerance: float = FOCK_TOLERANCE, fock_start: int = FOCK_START
) -> NEnt:
    """Number of entangled pairs: C₁₁/(C₁₁ − C₂₂) and the directly computed C_kk.

    Solves the model's steady state (finite bandwidth Eq. 11 when ``beta`` is set, as in
    Fig. 4b; the broadband model gives C_kk = tanh 2r for all k and an infinite estimate) for
    all ``model.pairs`` ≥ 2 pairs and returns C_kk for every k; the estimate uses C₁₁, C₂₂.
    ``fock_tolerance`` and ``fock_start`` are passed to :func:`steady_state`.
    """
    if model.pairs < 2:
        raise ParameterError(f"`model.pairs` must be >= 2 for n_ent (needs C22), got {model.pairs}")
    state = steady_state(model, fock_tolerance=fock_tolerance, fock_start=fock_start)
    n = model.pairs
    ckk = tuple(_pair_concurrence(state.rho.full(), 2 * n, 2 * k, 2 * k + 1) for k in range(n))
    method = (
        "linear extrapolation C11/(C11-C22) (paper 000, Fig. 4b) of the "
        f"{state.method} steady state, C_kk computed directly for k=1..{n}"
    )
    return NEnt(n_ent_extrapolated(ckk[0], ckk[1]), ckk, method, state)
