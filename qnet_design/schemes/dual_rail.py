"""Dual-rail network driven by a two-mode squeezing source (paper 000, Agustí et al., PRL 131,
250801 (2023)).

Two waveguides η = A, B each carry N qubits; a nondegenerate parametric amplifier (NDPA) feeds
correlated photons into both. The qubit-waveguide coupling is fully directional, so qubit i only
influences qubits j > i on its own rail.

Units and conventions
---------------------
* Every rate is in units of the qubit waveguide decay rate γ = 1; times are in units of 1/γ.
* Qubit basis: |0⟩ = ground (index 0), |1⟩ = excited; σ⁻ = |0⟩⟨1|, σ_z = |1⟩⟨1| − |0⟩⟨0|
  (excited = +1), so a detuning δ enters as (δ/2)σ_z.
* Qubit states are :class:`qutip.Qobj` with tensor factors ordered A₁, B₁, A₂, B₂, …
* Source (finite bandwidth, Eq. 11): H_χ = ig(a_A†a_B† − a_A a_B), decays κ_η·D[a_η] with κ_η
  the *energy* decay rate, β = κ_A/γ and β_B = κ_B/γ (default β_B = β). The squeezing
  parameter is defined at zero frequency, r = 2 artanh(2g/√(κ_Aκ_B)), which is the paper's
  r = 2 artanh(2g/κ) for κ_A = κ_B (CONVENTIONS.md). For κ_A ≠ κ_B the zero-frequency output is
  still a pure two-mode squeezed vacuum with this r, so Eq. 1 keeps its form (paper text above
  "Conclusions").
* Phase convention: with this H_χ and the cascaded coupling √(κγ) T[a_η, σ⁻_{η,i}] of Eq. 11
  the qubits see the output field a_out = −(cosh r a_in + sinh r b_in†) at zero frequency; the
  common sign drops out of ⟨a_out b_out⟩ = +cosh r sinh r, so the broadband limit of Eq. 11 is
  exactly Eq. 1 with J_A = cosh r L_A − sinh r L_B† (Eq. 3-4) and the one-pair steady state is
  Eq. 5 with a *positive* sinh r amplitude; no local phase rotation is needed (checked in
  tests/test_dual_rail.py).
* Detunings: δ_A is a vector (or a scalar, broadcast); δ_B = −P δ_A, i.e. δ_{B,i} =
  −δ_{A,P[i]} with ``permutation`` P a sequence of 0-based indices (``None`` = identity). The
  reversed permutation of Fig. 2(e) is ``P = (N−1, …, 0)``.
* Imperfections: ``gamma_phi`` enters as (γ_φ/2)·D[σ_z] (CONVENTIONS.md), ``gamma_loss`` = γ′ as
  γ′·D[σ⁻] (decay into non-guided modes). ``p_loss`` is the probability that a photon is lost
  between consecutive nodes of a rail; as in paper 001, Eq. 48, every cascaded coupling is
  scaled by the amplitude transmission, √(1−p)^{|j−i|} between nodes i < j and
  √(1−p)^{i−1} from the source to node i (the source sits at the first node: no loss before
  node 1 — a fixed insertion loss there would only reduce the effective squeezing).
* Broadband model with loss: the lossy cascade has dissipator Σ_{ij} t_ij (σ_i ρ σ_j† − …); the
  squeezed input reaches node i with amplitude t_{0i}. Writing the input in terms of vacuum
  modes (Bogoliubov) gives ℒ = −i[H_det + H_casc(t), ·] + Σ_{ij} K_ij(…) − Σ_η D[Λ_η]
  + Σ_η D[J_η] with Λ_η = Σ_i t_{0i} σ⁻_{η,i} and J_A = cosh r Λ_A − sinh r Λ_B† (and A↔B).
  For p = 0 this is exactly Eq. 1-4; for p > 0 it is the β → ∞ limit of the lossy Eq. 11
  (checked in the tests).

Paper typo: the printed "×" that starts the second line of Eq. 11 is a "+".

Numerics
--------
* Steady states are built pair by pair along the cascade (source, A₁, B₁, A₂, …), see
  :mod:`qnet_design.solvers.cascaded`; pair k needs only the source and pairs ≤ k.
* The charge Q = (excitations on rail A) − (rail B) is conserved by H and shifted by ±1 by every
  jump operator, so the steady state is block diagonal in Q (≈ 13× fewer unknowns).
* The two NDPA modes are written in the Bogoliubov frame in which their free steady state is
  thermal (occupation 0.064 instead of 0.136 per mode at r = 1) and truncated at a total photon
  number ``source_photons``; this is widened from ``FOCK_START`` until C of the last pair moves
  by less than ``FOCK_TOLERANCE`` (at β = 10, r = 1: 7 photons, 36 states).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import qutip
import scipy.linalg as sla
import scipy.sparse as sp

from .._checks import (
    check_int,
    check_nonnegative,
    check_permutation,
    check_positive,
    check_probability,
    check_vector,
)
from ..errors import ConvergenceError, NotImplementedSchemeError, ParameterError
from ..metrics import concurrence, crossing_time, entropy, n_ent_extrapolated, purity
from ..solvers.cascaded import (
    CascadedSolveInfo,
    LindbladModel,
    cascaded_steady_states,
    liouvillian,
)
from ..solvers.convergence import Convergence, widen_until_converged

__all__ = [
    "ConcurrenceMatrix",
    "DualRail",
    "Entropies",
    "NEnt",
    "PrepTime",
    "SteadyState",
    "analytic_state",
    "concurrence_matrix",
    "entropies",
    "n_ent",
    "prep_time",
    "steady_state",
]

#: Fock cutoff of each source mode: first value tried, hard limit, and the tolerance on the
#: change of the last pair's concurrence between successive cutoffs.
FOCK_START = 6
FOCK_LIMIT = 16
FOCK_TOLERANCE = 1e-5


# --------------------------------------------------------------------------------------------
# model


@dataclass(frozen=True)
class DualRail:
    """Dual-rail network of ``pairs`` qubit pairs driven by an NDPA (paper 000).

    Parameters
    ----------
    pairs
        Number N of qubit pairs (one qubit per rail per pair), ≥ 1.
    r
        Two-mode squeezing parameter of the source, r = 2 artanh(2g/κ) ≥ 0.
    delta_a
        Detunings δ_{A,i} of the rail-A qubits from the central photon frequency ω_A, in units
        of γ: a scalar (same for all) or a vector of length N.
    permutation
        P with δ_B = −P δ_A (δ_{B,i} = −δ_{A,P[i]}), 0-based indices; ``None`` = identity.
    beta
        β = κ_A/γ, energy decay rate of source mode A; ``None`` = broadband limit (Eq. 1).
    beta_b
        κ_B/γ if different from κ_A (finite bandwidth only; ``None`` = same as ``beta``).
    gamma_phi
        Pure dephasing rate γ_φ/γ, term (γ_φ/2)·D[σ_z].
    gamma_loss
        Decay rate γ′/γ into non-guided modes, term γ′·D[σ⁻].
    p_loss
        Photon loss probability between consecutive nodes of a rail, in [0, 1).

    Examples
    --------
    >>> model = DualRail(pairs=1, r=1.0)
    >>> round(concurrence_matrix(model).matrix[0, 0], 6) == round(math.tanh(2.0), 6)
    True
    """

    pairs: int
    r: float
    delta_a: float | Sequence[float] | np.ndarray = 0.0
    permutation: Sequence[int] | None = None
    beta: float | None = None
    beta_b: float | None = None
    gamma_phi: float = 0.0
    gamma_loss: float = 0.0
    p_loss: float = 0.0

    def __post_init__(self) -> None:
        n = check_int("pairs", self.pairs, minimum=1)
        object.__setattr__(self, "pairs", n)
        object.__setattr__(self, "r", check_nonnegative("r", self.r))
        delta = check_vector("delta_a", self.delta_a, n)
        object.__setattr__(self, "delta_a", tuple(float(x) for x in delta))
        object.__setattr__(
            self, "permutation", check_permutation("permutation", self.permutation, n)
        )
        if self.beta is not None:
            object.__setattr__(self, "beta", check_positive("beta", self.beta))
        if self.beta_b is not None:
            if self.beta is None:
                raise ParameterError(
                    "`beta_b` needs a finite `beta` (the broadband limit has no source "
                    f"linewidth), got beta=None and beta_b={self.beta_b!r}"
                )
            object.__setattr__(self, "beta_b", check_positive("beta_b", self.beta_b))
        object.__setattr__(self, "gamma_phi", check_nonnegative("gamma_phi", self.gamma_phi))
        object.__setattr__(self, "gamma_loss", check_nonnegative("gamma_loss", self.gamma_loss))
        object.__setattr__(self, "p_loss", check_probability("p_loss", self.p_loss))

    # derived quantities -------------------------------------------------------------------
    @property
    def delta_b(self) -> tuple[float, ...]:
        """δ_{B,i} = −δ_{A,P[i]} (units of γ)."""
        assert self.permutation is not None
        return tuple(-self.delta_a[p] for p in self.permutation)  # type: ignore[index]

    @property
    def broadband(self) -> bool:
        """True for the broadband limit (Eq. 1), ``beta=None``."""
        return self.beta is None

    @property
    def kappa_a(self) -> float | None:
        return self.beta

    @property
    def kappa_b(self) -> float | None:
        return self.beta if self.beta_b is None else self.beta_b

    @property
    def g(self) -> float | None:
        """NDPA coupling g = tanh(r/2)·√(κ_Aκ_B)/2 (units of γ); ``None`` when broadband."""
        if self.beta is None:
            return None
        return math.tanh(self.r / 2) * math.sqrt(self.beta * self.kappa_b) / 2  # type: ignore[operator]

    @property
    def ideal(self) -> bool:
        """Broadband and free of dephasing and loss: the pure steady state Eq. 9 applies."""
        return self.broadband and self.gamma_phi == 0 and self.gamma_loss == 0 and self.p_loss == 0

    def __str__(self) -> str:
        src = "broadband" if self.beta is None else f"beta={self.beta:g}"
        if self.beta_b is not None:
            src += f", beta_b={self.beta_b:g}"
        return (
            f"DualRail(N={self.pairs}, r={self.r:g}, {src}, delta_A={self.delta_a}, "
            f"P={list(self.permutation or ())}, gamma_phi={self.gamma_phi:g}, "
            f"gamma_loss={self.gamma_loss:g}, p_loss={self.p_loss:g})"
        )


# --------------------------------------------------------------------------------------------
# operators


_SM = sp.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex))
_SZ = sp.csr_matrix(np.diag([-1.0, 1.0]).astype(complex))


def _embed_op(op: sp.spmatrix, index: int, dims: Sequence[int]) -> sp.csr_matrix:
    left = int(np.prod(dims[:index]))
    right = int(np.prod(dims[index + 1 :]))
    return sp.csr_matrix(
        sp.kron(sp.kron(sp.identity(left, format="csr"), op), sp.identity(right, format="csr"))
    )


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
        sm = _embed_op(_SM, len(head) + q, dims)
        sz = _embed_op(_SZ, len(head) + q, dims)
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
    # conserved charge Q = (excitations of rail A) − (rail B), source photons counted in the
    # Bogoliubov frame (a_A = cosh s a′ + sinh s b′† lowers Q like σ⁻_A does)
    charge = (
        np.zeros(1, dtype=int)
        if photons is None
        else np.array([i - j for i in range(photons + 1) for j in range(photons + 1 - i)])
    )
    for rail, _ in nodes:
        step = np.array([0, 1 if rail == "A" else -1])
        charge = (charge[:, None] + step[None, :]).reshape(-1)
    return LindbladModel(dims, sp.csr_matrix(h), tuple(jumps), charge)


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class SteadyState:
    """Numerical steady state of the qubits of the first ``pairs`` pairs.

    Attributes
    ----------
    rho
        Qubit density matrix, tensor factors A₁, B₁, A₂, B₂, … (source traced out).
    pairs
        Number of pairs simulated.
    method
        ``"broadband Eq. 1"`` or ``"finite bandwidth Eq. 11"``, solved pair by pair
        (:mod:`qnet_design.solvers.cascaded`).
    source_photons
        Truncation of the source (largest total photon number n′_A + n′_B in the Bogoliubov
        frame of the free NDPA); ``None`` for the broadband model.
    convergence
        Evidence of the source truncation (``None`` for the broadband model, which has none).
    solves
        One record per cascade stage (unknowns, method, iterations, residual ‖ℒρ‖/‖ρ‖).
    """

    rho: qutip.Qobj
    pairs: int
    method: str
    source_photons: int | None
    convergence: Convergence | None
    solves: tuple[CascadedSolveInfo, ...]

    @property
    def residual(self) -> float:
        """Largest relative steady-state residual over the cascade stages."""
        return max(s.residual for s in self.solves)

    def __str__(self) -> str:
        conv = "" if self.convergence is None else f"; {self.convergence}"
        return f"SteadyState(pairs={self.pairs}, {self.method}, residual {self.residual:.1e}{conv})"

    def to_frame(self) -> pd.DataFrame:
        """One row per cascade stage: unknowns, solver, iterations, residual, wall time."""
        return pd.DataFrame(
            {
                "stage": [s.stage for s in self.solves],
                "unknowns": [s.unknowns for s in self.solves],
                "solver": [s.method for s in self.solves],
                "iterations": [s.iterations for s in self.solves],
                "residual": [s.residual for s in self.solves],
                "wall_time_s": [s.seconds for s in self.solves],
            }
        )


@dataclass(frozen=True)
class ConcurrenceMatrix:
    """C_ij = C(ρ_{A_i|B_j}) (Wootters), i, j = 1 … N (stored 0-based in ``matrix``)."""

    matrix: np.ndarray
    state: SteadyState

    def __str__(self) -> str:
        rows = "\n".join("  " + " ".join(f"{c:.4f}" for c in row) for row in self.matrix)
        return f"ConcurrenceMatrix C_ij (rows A_i, columns B_j):\n{rows}\n  [{self.state}]"

    def to_frame(self) -> pd.DataFrame:
        n = self.matrix.shape[0]
        i, j = np.meshgrid(np.arange(1, n + 1), np.arange(1, n + 1), indexing="ij")
        return pd.DataFrame({"i": i.ravel(), "j": j.ravel(), "concurrence": self.matrix.ravel()})


@dataclass(frozen=True)
class Entropies:
    """Entanglement entropies in nats: S_A (rail A | rail B) and S_n, n = 1 … N−1.

    S_n is the entropy of the first n pairs {A₁, B₁, …, A_n, B_n}. ``source`` says whether the
    analytic pure state (Eq. 9) or a numerical (possibly mixed) steady state was used.
    """

    s_a: float
    s_n: tuple[float, ...]
    source: str

    @property
    def S_A(self) -> float:
        return self.s_a

    @property
    def S_n(self) -> tuple[float, ...]:
        return self.s_n

    def __str__(self) -> str:
        sn = ", ".join(f"{s:.4f}" for s in self.s_n)
        return f"Entropies(S_A={self.s_a:.4f} nats, S_n=[{sn}] nats; {self.source})"

    def to_frame(self) -> pd.DataFrame:
        names = ["S_A"] + [f"S_{n}" for n in range(1, len(self.s_n) + 1)]
        return pd.DataFrame({"partition": names, "entropy_nats": [self.s_a, *self.s_n]})


@dataclass(frozen=True)
class PrepTime:
    """T_prep: first time with [1 − Tr ρ²]/N ≤ threshold, from all qubits in |0⟩ (Fig. 3)."""

    t_prep: float
    threshold: float
    times: np.ndarray = field(repr=False)
    impurity: np.ndarray = field(repr=False)

    def __str__(self) -> str:
        return f"PrepTime(T_prep={self.t_prep:.3f}/gamma at [1-Tr rho^2]/N={self.threshold:g})"

    def to_frame(self) -> pd.DataFrame:
        """The relaxation curve: time (1/γ) and [1 − Tr ρ²]/N."""
        return pd.DataFrame({"time_per_gamma": self.times, "impurity_per_pair": self.impurity})


@dataclass(frozen=True)
class NEnt:
    """Number of entangled pairs.

    ``estimate`` is paper 000's linear extrapolation C₁₁/(C₁₁ − C₂₂) (Fig. 4b); ``c_kk`` are the
    directly computed C_kk, k = 1 … len(c_kk); ``method`` names both.
    """

    estimate: float
    c_kk: tuple[float, ...]
    method: str
    state: SteadyState

    @property
    def direct(self) -> int:
        """Number of the computed pairs with C_kk > 0 (a lower bound on N_ent)."""
        return int(sum(c > 0 for c in self.c_kk))

    def __str__(self) -> str:
        ckk = ", ".join(f"{c:.5f}" for c in self.c_kk)
        return f"NEnt(estimate={self.estimate:.2f} [{self.method}], C_kk=[{ckk}])"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "k": np.arange(1, len(self.c_kk) + 1),
                "c_kk": self.c_kk,
                "n_ent_estimate": self.estimate,
            }
        )


# --------------------------------------------------------------------------------------------
# analytic steady state (Eq. 5-9)


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
    Returns a ket with tensor factors A₁, B₁, A₂, B₂, …
    """
    n = model.pairs
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


# --------------------------------------------------------------------------------------------
# numerical steady states


def _qubit_marginal(rho: np.ndarray, head_dim: int) -> np.ndarray:
    dq = rho.shape[0] // head_dim
    return np.einsum("iaib->ab", rho.reshape(head_dim, dq, head_dim, dq))


def _pair_concurrence(rho_q: np.ndarray, n_qubits: int, i: int, j: int) -> float:
    q = qutip.Qobj(rho_q, dims=[[2] * n_qubits] * 2)
    return concurrence(q.ptrace([i, j]).full())


@dataclass(frozen=True)
class _Run:
    rho_q: np.ndarray
    solves: tuple[CascadedSolveInfo, ...]
    top_population: float
    photons: int | None
    stages: tuple[np.ndarray, ...] = field(repr=False)  # full prefix states, for warm starts


def _source_basis(photons: int) -> list[tuple[int, int]]:
    """Primed Fock states (n′_A, n′_B) with n′_A + n′_B ≤ photons, in the order of the model."""
    return [(i, j) for i in range(photons + 1) for j in range(photons + 1 - i)]


def _widen_source(rho: np.ndarray, old: int, new: int) -> np.ndarray:
    """Embed a prefix state truncated at ``old`` source photons into the ``new`` > old space."""
    index = {b: k for k, b in enumerate(_source_basis(new))}
    n_src_old = len(_source_basis(old))
    n_q = rho.shape[0] // n_src_old
    src = np.array([index[b] for b in _source_basis(old)])
    full = (src[:, None] * n_q + np.arange(n_q)[None, :]).reshape(-1)
    out = np.zeros((len(index) * n_q,) * 2, dtype=complex)
    out[np.ix_(full, full)] = rho
    return out


def _run_cascade(
    model: DualRail, pairs: int, photons: int | None, warm: _Run | None = None
) -> _Run:
    """Cascade the source and the first ``pairs`` pairs; ``warm`` is a run at fewer photons.

    The warm run's prefix states, embedded in the wider source space, start the Krylov
    iterations (the change between successive truncations is ~1e-5, so few iterations remain).
    """
    guesses: list[np.ndarray | None] | None = None
    if warm is not None and photons is not None and warm.photons is not None:
        guesses = [_widen_source(r, warm.photons, photons) for r in warm.stages]
    solves = []
    stages = []
    rho = np.ones((1, 1), dtype=complex)
    top = 0.0
    for stage, (rho, info) in enumerate(
        cascaded_steady_states(
            lambda m: _prefix_model(model, m, photons), 2 * pairs, guesses=guesses
        )
    ):
        solves.append(info)
        stages.append(rho)
        if stage == 0 and photons is not None:
            pops = np.real(np.diag(rho))
            basis = _source_basis(photons)
            top = float(sum(p for p, (i, j) in zip(pops, basis, strict=True) if i + j == photons))
    head_dim = 1 if photons is None else rho.shape[0] // 4**pairs
    return _Run(_qubit_marginal(rho, head_dim), tuple(solves), top, photons, tuple(stages))


def steady_state(
    model: DualRail,
    pairs: int | None = None,
    *,
    fock_tolerance: float = FOCK_TOLERANCE,
    fock_start: int = FOCK_START,
) -> SteadyState:
    """Numerical steady state of the qubits of the first ``pairs`` pairs (default: all).

    Broadband (``beta=None``): Eq. 1 (with loss, dephasing, γ′ as in the module docstring).
    Finite bandwidth: Eq. 11 with both NDPA modes, which are traced out. A node never
    influences earlier nodes, so only pairs ≤ ``pairs`` are simulated, and they are added one
    qubit at a time (:func:`qnet_design.solvers.cascaded.cascaded_steady_states`).

    The source truncation is widened (total photon number in the Bogoliubov frame, from
    ``fock_start`` up to ``FOCK_LIMIT``) until the concurrence of the last pair changes by at
    most ``fock_tolerance``; otherwise :class:`~qnet_design.errors.ConvergenceError` is raised.
    Each widened solve starts its Krylov iterations from the previous truncation's states.
    The change per added photon falls ~10× per photon at r = 1 (β = 10, two pairs: 9e-4 from 4
    to 5 photons, 8e-5 from 5 to 6, 6e-6 from 6 to 7), so a looser ``fock_tolerance`` with a
    lower ``fock_start`` (e.g. 1e-3 from 4) is a fast choice for plots read to ~1e-3; the
    default is for the benchmarks' 1e-6-level comparisons. Cost at β = 10, γ_φ = 0.01 on the
    2-core machine (benchmarks/results/dual_rail.md): k = 3 pairs 46 s, k = 4 pairs 29 min and
    11 GiB at the default; k = 4 with ``fock_tolerance=2e-3, fock_start=4`` ~5 min.
    """
    tol = check_positive("fock_tolerance", fock_tolerance)
    start = check_int("fock_start", fock_start, minimum=1)
    if start > FOCK_LIMIT:
        raise ParameterError(f"`fock_start` must be <= FOCK_LIMIT = {FOCK_LIMIT}, got {start}")
    k = model.pairs if pairs is None else check_int("pairs", pairs, minimum=1)
    if k > model.pairs:
        raise ParameterError(f"`pairs` must be <= model.pairs = {model.pairs}, got {k}")
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

    def compute(photons: int) -> _Run:
        run = _run_cascade(model, k, photons, last[-1] if last else None)
        last[:] = [run]
        return run

    conv = widen_until_converged(
        compute,
        figure,
        parameter="source_photons",
        start=start,
        step=lambda m: m + 1,
        limit=FOCK_LIMIT,
        tolerance=tol,
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
    n = model.pairs
    mat = np.array(
        [
            [_pair_concurrence(state.rho.full(), 2 * n, 2 * i, 2 * j + 1) for j in range(n)]
            for i in range(n)
        ]
    )
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


def _krylov_propagate(
    lv: sp.csr_matrix, v: np.ndarray, dt: float, steps: int, tol: float = 1e-10
) -> np.ndarray:
    """exp(ℒ t)v on the grid t = 0, dt, …, steps·dt by Arnoldi steps of length dt.

    Each step builds a Krylov basis until the standard a-posteriori error estimate
    β h_{m+1,m} |[exp(dt H_m)]_{m,0}| falls below ``tol`` (at most 80 vectors; a step that
    needs more raises :class:`ConvergenceError`). Explicit Runge-Kutta needs ~300 ℒ-products
    per 1/γ here because ‖ℒ‖ ~ 100 γ; Krylov steps need a few tens per step.
    """
    out = np.empty((steps + 1, v.size), dtype=complex)
    out[0] = v
    m_max = 80
    for n in range(steps):
        beta = np.linalg.norm(v)
        basis = np.empty((m_max + 1, v.size), dtype=complex)
        hess = np.zeros((m_max + 1, m_max), dtype=complex)
        basis[0] = v / beta
        for j in range(m_max):
            w = lv @ basis[j]
            for _ in range(2):  # classical Gram-Schmidt, twice for stability
                coef = basis[: j + 1].conj() @ w
                w = w - coef @ basis[: j + 1]
                hess[: j + 1, j] += coef
            hess[j + 1, j] = np.linalg.norm(w)
            small = sla.expm(dt * hess[: j + 1, : j + 1])
            err = beta * abs(hess[j + 1, j]) * abs(small[j, 0]) * dt
            if err < tol or hess[j + 1, j] < 1e-14:
                break
            basis[j + 1] = w / hess[j + 1, j]
        else:
            raise ConvergenceError(f"Krylov step of length {dt} needs more than {m_max} vectors")
        v = beta * (small[:, 0] @ basis[: j + 1])
        out[n + 1] = v
    return out


def prep_time(model: DualRail, threshold: float = 1e-3) -> PrepTime:
    """T_prep (units of 1/γ) of the broadband network (Eq. 1), as in Fig. 3.

    All qubits start in |0⟩ (a pure state, so [1 − Tr ρ²]/N starts at 0, rises and relaxes).
    T_prep is the last time at which [1 − Tr ρ²]/N falls through ``threshold``, i.e. after which
    it stays below. The Lindblad equation is propagated with
    Krylov (Arnoldi) exponential steps of 0.25/γ on the sparse Liouvillian (local error
    < 1e-10 per step), in chunks of 10/γ,
    until ρ(t) is within (threshold − floor)·N/4 of the steady state in Frobenius norm (floor =
    the steady state's own [1 − Tr ρ²]/N), so that the curve cannot cross again;
    :func:`qnet_design.metrics.crossing_time` interpolates the crossing linearly.

    Raises :class:`ConvergenceError` if the steady state itself is too mixed to reach the
    threshold (dephasing, loss) or the state has not settled by t = 10⁴/γ. The finite-bandwidth
    model is not implemented here (:class:`NotImplementedSchemeError`).
    """
    thr = check_positive("threshold", threshold)
    if not model.broadband:
        raise NotImplementedSchemeError(
            "prep_time evaluates the broadband model (Eq. 1, as in Fig. 3); got beta="
            f"{model.beta!r}. Pass a model with beta=None."
        )
    n = model.pairs
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
    dt, chunk, t0 = 0.25, 10.0, 0.0
    steps = round(chunk / dt)
    times: list[np.ndarray] = [np.zeros(1)]
    imp: list[np.ndarray] = [np.zeros(1)]
    while True:
        traj = _krylov_propagate(lv, v, dt, steps)
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
    above = np.nonzero(i_all > thr)[0]
    start = 0 if above.size == 0 else int(above[-1])
    t_prep = crossing_time(t_all[start:], i_all[start:], thr)
    return PrepTime(t_prep, thr, t_all, i_all)


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
