"""Operators of the dual-rail network: the closed Lindblad model of every cascade prefix
(source + first qubits, Eq. 1 / Eq. 11 of paper 000) and the source in its Bogoliubov frame."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from ...solvers.cascaded import LindbladModel
from .model import DualRail

_SM = sp.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex))
_SZ = sp.csr_matrix(np.diag([-1.0, 1.0]).astype(complex))


def _embed_op(op: sp.spmatrix, index: int, dims: Sequence[int]) -> sp.csr_matrix:
    left = int(np.prod(dims[:index]))
    right = int(np.prod(dims[index + 1 :]))
    return sp.csr_matrix(
        sp.kron(sp.kron(sp.identity(left, format="csr"), op), sp.identity(right, format="csr"))
    )


#: Largest space whose embedded qubit operators are kept for reuse (three pairs at 7 photons:
#: 2304; larger prefixes are rare and dominated by their solves).
_SHARED_DIM = 4096


def _qubit_op(which: str, index: int, dims: tuple[int, ...]) -> sp.csr_matrix:
    """σ⁻ (``"sm"``) or σz (``"sz"``) of factor ``index``, shared by every model of these
    dimensions up to _SHARED_DIM (the cascade builds every prefix of every truncation, many
    several times: a quarter of the per-stage set-up was these krons; at most 256 kept, ≤ 40
    MB). Callers must not modify it in place."""
    if math.prod(dims) > _SHARED_DIM:
        return _embed_op(_SM if which == "sm" else _SZ, index, dims)
    return _shared_qubit_op(which, index, dims)


@lru_cache(maxsize=256)
def _shared_qubit_op(which: str, index: int, dims: tuple[int, ...]) -> sp.csr_matrix:
    return _embed_op(_SM if which == "sm" else _SZ, index, dims)


def _qubit_nodes(n_qubits: int) -> list[tuple[str, int]]:
    """(rail, pair index) of the qubits in the prefix of length n_qubits (order A1,B1,A2,...)."""
    return [("AB"[q % 2], q // 2) for q in range(n_qubits)]


def _lindblad_from_kossakowski(
    ops: list[sp.csr_matrix], kmat: np.ndarray, dim: int, kdiss: np.ndarray | None = None
) -> tuple[sp.csr_matrix, list[sp.csr_matrix]]:
    """Σ_xy K_xy(o_x ρ o_y† − ½{o_y†o_x, ρ}) + −i[H_casc, ρ] for a cascaded rail.

    H_casc = (i/2)Σ_{x<y} K_xy (o_x†o_y − o_y†o_x) with x upstream of y; this is exactly
    Σ_{x<y} K_xy T[o_x, o_y] + Σ_x K_xx D[o_x] (T as defined below Eq. 11). The symmetric
    part is put in Lindblad form through the eigen-decomposition of K (PSD), or of ``kdiss``
    when given (the broadband model replaces the source part of the dissipator, see module
    docstring, but keeps H_casc of the full K).
    """
    kd = kmat if kdiss is None else kdiss
    h = sp.csr_matrix((dim, dim), dtype=complex)
    for x in range(len(ops)):
        for y in range(x + 1, len(ops)):
            if kmat[x, y] != 0:
                t = ops[x].conj().T @ ops[y]
                h = h + 0.5j * kmat[x, y] * (t - t.conj().T)
    jumps: list[sp.csr_matrix] = []
    if ops:
        w, v = np.linalg.eigh(kd)
        for lam, vec in zip(w, v.T, strict=True):
            if lam > 1e-12 * max(1.0, float(np.max(w))):
                c = sum((math.sqrt(lam) * vec[x]) * ops[x] for x in range(len(ops)))
                jumps.append(sp.csr_matrix(c))
    return sp.csr_matrix(h), jumps


def _local_terms(
    model: DualRail, sm: sp.csr_matrix, sz: sp.csr_matrix, delta: float
) -> tuple[sp.csr_matrix, list[sp.csr_matrix]]:
    h = 0.5 * delta * sz
    jumps = []
    if model.gamma_loss > 0:
        jumps.append(math.sqrt(model.gamma_loss) * sm)
    if model.gamma_phi > 0:
        jumps.append(math.sqrt(model.gamma_phi / 2) * sz)
    return sp.csr_matrix(h), jumps


def _source_moments(model: DualRail) -> tuple[float, float, float]:
    """Steady-state ⟨a_A†a_A⟩, ⟨a_B†a_B⟩, ⟨a_A a_B⟩ of the free NDPA (linear Lyapunov equations).

    d n_A/dt = −κ_A n_A + 2g m, d n_B/dt = −κ_B n_B + 2g m, d m/dt = −(κ_A+κ_B)m/2 + g(n_A+n_B+1).
    """
    ka, kb, g = float(model.kappa_a), float(model.kappa_b), float(model.g)  # type: ignore[arg-type]
    mat = np.array([[-ka, 0.0, 2 * g], [0.0, -kb, 2 * g], [g, g, -(ka + kb) / 2]])
    n_a, n_b, m = np.linalg.solve(mat, [0.0, 0.0, -g])
    return float(n_a), float(n_b), float(m)


def _source_frame(model: DualRail) -> float:
    """Two-mode squeezing s of the Bogoliubov frame in which the free NDPA state is thermal.

    With a_A = cosh s a′ + sinh s b′†, a_B = cosh s b′ + sinh s a′† the source steady state is a
    product of thermal states in the primed modes when tanh 2s = 2m/(n_A + n_B + 1). The frame is
    an exact change of variables; it only makes the Fock truncation of the source converge
    faster (occupation 0.064 instead of 0.136 per mode at r = 1).
    """
    n_a, n_b, m = _source_moments(model)
    return 0.5 * math.atanh(2 * m / (n_a + n_b + 1))


def source_frame_occupations(model: DualRail) -> tuple[float, float]:
    """Thermal occupations ⟨a′†a′⟩, ⟨b′†b′⟩ of the free NDPA in the frame of
    :func:`_source_frame` (a′ = cosh s a_A − sinh s a_B†; 0.064 per mode at r = 1, any β)."""
    n_a, n_b, m = _source_moments(model)
    s = _source_frame(model)
    ch2, sh2, chsh = math.cosh(s) ** 2, math.sinh(s) ** 2, math.cosh(s) * math.sinh(s)
    return ch2 * n_a + sh2 * (n_b + 1) - 2 * chsh * m, ch2 * n_b + sh2 * (n_a + 1) - 2 * chsh * m


def source_tail_weight(model: DualRail, photons: int) -> float:
    """Weight of the free source state beyond ``photons`` total photons in the primed frame.

    The primed modes are independent thermal (geometric) distributions, so this is exact for
    the source alone; the source–qubit state needs at least this truncation (a reduced state's
    neglected weight bounds the joint state's), in practice a few photons more.
    """
    qa, qb = (n / (1 + n) for n in source_frame_occupations(model))
    # P(n′_A > L) + Σ_{i ≤ L} P(n′_A = i) P(n′_B > L − i), P(n > k) = q^(k+1): no 1 − (…)
    # cancellation, so tiny tails stay exact
    return qa ** (photons + 1) + sum(
        (1 - qa) * qa**i * qb ** (photons - i + 1) for i in range(photons + 1)
    )


def _source_ops(model: DualRail, photons: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """a_A, a_B on the primed Fock states with n′_A + n′_B ≤ ``photons`` (the truncation)."""
    basis = [(i, j) for i in range(photons + 1) for j in range(photons + 1 - i)]
    index = {b: k for k, b in enumerate(basis)}
    dim = len(basis)
    ap = sp.lil_matrix((dim, dim), dtype=complex)
    bp = sp.lil_matrix((dim, dim), dtype=complex)
    for (i, j), k in index.items():
        if i > 0:
            ap[index[(i - 1, j)], k] = math.sqrt(i)
        if j > 0:
            bp[index[(i, j - 1)], k] = math.sqrt(j)
    s = _source_frame(model)
    ch, sh = math.cosh(s), math.sinh(s)
    ap, bp = sp.csr_matrix(ap), sp.csr_matrix(bp)
    return sp.csr_matrix(ch * ap + sh * bp.conj().T), sp.csr_matrix(ch * bp + sh * ap.conj().T)


def _prefix_model(model: DualRail, n_qubits: int, photons: int | None) -> LindbladModel:
    """Closed model of the source (if finite bandwidth) and the first ``n_qubits`` qubits.

    Hilbert space: [source,] A₁, B₁, A₂, … (only the first ``n_qubits`` qubits). The source is
    one factor holding both NDPA modes, truncated at ``photons`` total photons in the
    Bogoliubov frame of :func:`_source_frame`. For the broadband model a trivial factor of
    dimension 1 is the head.
    """
    src = None if photons is None else _source_ops(model, photons)
    head: tuple[int, ...] = (1,) if src is None else (src[0].shape[0],)
    dims = head + (2,) * n_qubits
    dim = int(np.prod(dims))
    nodes = _qubit_nodes(n_qubits)
    tau = math.sqrt(1.0 - model.p_loss)
    delta = {"A": model.delta_a, "B": model.delta_b}
    h = sp.csr_matrix((dim, dim), dtype=complex)
    jumps: list[sp.csr_matrix] = []
    sms = {}
    for q, (rail, i) in enumerate(nodes):
        sm = _qubit_op("sm", len(head) + q, dims)
        sz = _qubit_op("sz", len(head) + q, dims)
        sms[(rail, i)] = sm
        hl, jl = _local_terms(model, sm, sz, delta[rail][i])  # type: ignore[index]
        h = h + hl
        jumps += jl
    lam = {}
    src_full = None if src is None else [_embed_op(x, 0, dims) for x in src]
    for k, rail in enumerate("AB"):
        idx = sorted(i for (rl, i) in sms if rl == rail)
        ops = [sms[(rail, i)] for i in idx]
        pos = list(idx)
        rates = [1.0] * len(idx)
        if src_full is not None:
            kappa = model.kappa_a if rail == "A" else model.kappa_b
            ops = [src_full[k], *ops]
            pos = [0, *pos]
            rates = [float(kappa), *rates]  # type: ignore[arg-type]
        p = np.asarray(pos, dtype=float)
        s = np.sqrt(np.asarray(rates))
        kmat = np.outer(s, s) * tau ** np.abs(p[:, None] - p[None, :])
        kdiss = None
        if src_full is None:
            t0 = tau ** np.asarray(idx, dtype=float)
            kdiss = kmat - np.outer(t0, t0)
            lam[rail] = sum((t0[n] * ops[n] for n in range(len(ops))), sp.csr_matrix((dim, dim)))
        hc, jc = _lindblad_from_kossakowski(ops, kmat, dim, kdiss)
        h = h + hc
        jumps += jc
    if src_full is None:
        ch, sh = math.cosh(model.r), math.sinh(model.r)
        la, lb = sp.csr_matrix(lam["A"]), sp.csr_matrix(lam["B"])
        jumps.append(sp.csr_matrix(ch * la - sh * lb.conj().T))
        jumps.append(sp.csr_matrix(ch * lb - sh * la.conj().T))
    else:
        pair = src_full[0].conj().T @ src_full[1].conj().T
        h = h + 1j * model.g * (pair - pair.conj().T)  # type: ignore[operator]
    jumps = [j for j in jumps if j.nnz > 0]
    charge = _prefix_charges(n_qubits, photons)
    return LindbladModel(dims, sp.csr_matrix(h), tuple(jumps), charge)


def _source_basis(photons: int) -> list[tuple[int, int]]:
    """Primed Fock states (n′_A, n′_B) with n′_A + n′_B ≤ photons, in the order of the model."""
    return [(i, j) for i in range(photons + 1) for j in range(photons + 1 - i)]


def _block_entries(pairs: int, photons: int | None) -> float:
    """Stored entries Σ_Q (basis states of charge Q)² of a Q-block-diagonal operator on the
    source and ``pairs`` pairs — what the block solvers hold per vector (see
    :func:`_prefix_charges` for the charge). The states are counted per charge by convolution,
    not enumerated, so that size estimates stay cheap for the networks they exist to refuse
    (4^1000 states); the result is capped at 1e300 to stay a float."""
    counts = Counter([0] if photons is None else [i - j for i, j in _source_basis(photons)])
    for _ in range(pairs):  # a pair adds rail A (+1) and rail B (−1): −1, 0, 0, +1
        shifted: Counter[int] = Counter()
        for q, c in counts.items():
            shifted[q - 1] += c
            shifted[q] += 2 * c
            shifted[q + 1] += c
        counts = shifted
    return float(min(sum(c * c for c in counts.values()), 10**300))


def _prefix_charges(n_qubits: int, photons: int | None) -> np.ndarray:
    """Conserved charge Q = (excitations of rail A) − (rail B) of every basis state of a prefix.

    Source photons count in the Bogoliubov frame (a_A = cosh s a′ + sinh s b′† lowers Q like
    σ⁻_A does), so Q = n′_A − n′_B + Σ_A n_i − Σ_B n_i.
    """
    charge = (
        np.zeros(1, dtype=int)
        if photons is None
        else np.array([i - j for i, j in _source_basis(photons)])
    )
    for rail, _ in _qubit_nodes(n_qubits):
        step = np.array([0, 1 if rail == "A" else -1])
        charge = (charge[:, None] + step[None, :]).reshape(-1)
    return charge
