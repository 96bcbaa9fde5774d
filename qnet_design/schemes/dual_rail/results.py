"""Result records of the dual-rail scheme (steady state, C_ij, entropies, T_prep, N_ent)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import qutip

from ...metrics import concurrence
from ...solvers.cascaded import CascadedSolveInfo
from ...solvers.convergence import Convergence

#: A pair counts as entangled when C_kk exceeds this. Below it a concurrence is at the level of
#: the truncation tolerance of the source (1e-5 on C by default, 2e-3 for plots) and useless for
#: a protocol: counting C_kk = 2e-8 as "entangled" made a 4 Hz source report three usable pairs.
ENTANGLED_CONCURRENCE = 1e-3


def count_entangled(c_kk: Sequence[float]) -> int:
    """Number of pairs with C_kk > :data:`ENTANGLED_CONCURRENCE`."""
    return int(sum(c > ENTANGLED_CONCURRENCE for c in c_kk))


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

    def concurrences(self) -> np.ndarray:
        """C_ij = C(ρ_{A_i|B_j}) (Wootters) of this state, i, j = 1 … pairs (0-based array)."""
        n = self.pairs
        return np.array(
            [
                [concurrence(self.rho.ptrace([2 * i, 2 * j + 1]).full()) for j in range(n)]
                for i in range(n)
            ]
        )

    def pair_concurrences(self, permutation: Sequence[int] | None = None) -> tuple[float, ...]:
        """C(A_P[i] | B_i) of the layout's pairs i = 1 … ``pairs``, in rail-B order.

        δ_B,i = −δ_A,P[i] makes B_i the partner of A_P[i] (paper 000, Eq. 9), so for a
        permutation the pairs sit off the diagonal of :meth:`concurrences` (the reversed layout:
        on the anti-diagonal); ``None`` is the identity, C_kk. ``permutation`` is the whole
        layout's; a pair whose A qubit lies beyond the simulated nodes is NaN.
        """
        perm = tuple(range(self.pairs)) if permutation is None else tuple(permutation)
        return tuple(  # only the pairs' own elements, not the whole matrix
            float(concurrence(self.rho.ptrace([2 * perm[i], 2 * i + 1]).full()))
            if perm[i] < self.pairs
            else math.nan
            for i in range(self.pairs)
        )

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
    """T_prep (units of 1/γ) from all qubits in |0⟩ (and, finite bandwidth, the source in its
    vacuum): the last time the relaxation figure falls through ``threshold``.

    The figure (``impurity``) is [1 − Tr ρ²]/N for the broadband model (paper 000, Fig. 3) and
    |Tr ρ_q² − Tr ρ_q,ss²|/N for the finite-bandwidth one (equal when the steady state is pure).
    ``trace_distance`` is ½‖ρ_q(t) − ρ_q,ss‖₁/N on the same grid and ``t_trace`` its last
    downward crossing of ``threshold`` (finite bandwidth only). With a mixed steady state the
    purity figure is not a distance: Tr ρ_q² can pass through Tr ρ_q,ss² while ρ_q is still far
    from ρ_q,ss (three pairs of devices/setups/dual_rail_twpa.toml at 2 source photons: the
    figure dips to 2·10⁻⁴ at t = 6/γ and never climbs back above 10⁻³, so T_prep = 5.0/γ,
    while the trace distance per pair is still 1.2·10⁻² there and t_trace = 12.25/γ). Read
    ``t_trace`` next to ``t_prep`` whenever they differ.
    """

    t_prep: float
    threshold: float
    times: np.ndarray = field(repr=False)
    impurity: np.ndarray = field(repr=False)
    method: str = "broadband Eq. 1, [1 - Tr rho^2]/N"
    source_photons: int | None = None
    convergence: Convergence | None = None
    trace_distance: np.ndarray | None = field(default=None, repr=False)
    t_trace: float | None = None

    def __str__(self) -> str:
        conv = "" if self.convergence is None else f"; {self.convergence}"
        trace = "" if self.t_trace is None else f"; trace-distance T = {self.t_trace:.3f}/gamma"
        return (
            f"PrepTime(T_prep={self.t_prep:.3f}/gamma at threshold {self.threshold:g}; "
            f"{self.method}{trace}{conv})"
        )

    def to_frame(self) -> pd.DataFrame:
        """The relaxation curve: time (1/γ), the T_prep figure and (if any) the trace distance."""
        data = {"time_per_gamma": self.times, "impurity_per_pair": self.impurity}
        if self.trace_distance is not None:
            data["trace_distance_per_pair"] = self.trace_distance
        return pd.DataFrame(data)


@dataclass(frozen=True)
class Evolution:
    """Qubit states ρ_q(t) (tensor factors A₁, B₁, …; source traced out) on a time grid (1/γ)."""

    times: np.ndarray
    states: tuple[qutip.Qobj, ...] = field(repr=False)
    method: str
    source_photons: int | None = None
    convergence: Convergence | None = None

    def concurrences(self) -> np.ndarray:
        """C_ij(t) = C(ρ_{A_i|B_j}(t)), shape (len(times), N, N)."""
        n = len(self.states[0].dims[0]) // 2
        return np.array(
            [
                [
                    [concurrence(s.ptrace([2 * i, 2 * j + 1]).full()) for j in range(n)]
                    for i in range(n)
                ]
                for s in self.states
            ]
        )

    def __str__(self) -> str:
        conv = "" if self.convergence is None else f"; {self.convergence}"
        return (
            f"Evolution({len(self.times)} times, {self.times[0]:g} to {self.times[-1]:g}/gamma; "
            f"{self.method}{conv})"
        )


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
        """Number of the computed pairs with C_kk > :data:`ENTANGLED_CONCURRENCE` (a lower bound
        on N_ent)."""
        return count_entangled(self.c_kk)

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
