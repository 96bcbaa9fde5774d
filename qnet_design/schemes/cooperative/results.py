"""Result records of the cooperative scheme: time traces, t → ∞ states, dark subspaces."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import qutip

from ... import metrics
from ...errors import NotImplementedSchemeError, ParameterError
from ...solvers.convergence import Convergence
from ._sectors import SectorLayout
from .model import CooperativeArray

Blocks = dict[tuple[int, int], np.ndarray]


def _pair(model: CooperativeArray, i: int, j: int) -> tuple[int, int]:
    n = model.qubits
    for name, v in (("i", i), ("j", j)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < n:
            raise ParameterError(f"`{name}` must be a qubit index in 0..{n - 1}, got {v!r}")
    if i == j:
        raise ParameterError(f"`i` and `j` must be two different qubits, got {i} and {j}")
    return int(i), int(j)


def reduced_pair(layout: SectorLayout, blocks: Blocks, i: int, j: int) -> np.ndarray:
    """Two-qubit reduced density matrix of qubits (i, j) (order i ⊗ j) straight from blocks."""
    n = layout.n
    bi, bj = n - 1 - i, n - 1 - j
    other = (2**n - 1) ^ (1 << bi) ^ (1 << bj)
    out = np.zeros((4, 4), dtype=complex)
    for (k, l), blk in blocks.items():
        sr = layout.states[k][:, None]
        sc = layout.states[l][None, :]
        keep = ((sr ^ sc) & other) == 0
        if not np.any(keep):
            continue
        rows = 2 * ((sr >> bi) & 1) + ((sr >> bj) & 1)
        cols = 2 * ((sc >> bi) & 1) + ((sc >> bj) & 1)
        rr = np.broadcast_to(rows, keep.shape)[keep]
        cc = np.broadcast_to(cols, keep.shape)[keep]
        np.add.at(out, (rr, cc), blk[keep])
    return out


def _pair_qobj(m: np.ndarray) -> qutip.Qobj:
    return qutip.Qobj(m, dims=[[2, 2], [2, 2]])


@dataclass(frozen=True, eq=False)
class Evolution:
    """Time traces of a :class:`CooperativeArray` (paper 003, Figs. 2–4).

    Attributes
    ----------
    model
        The model that was solved.
    times
        Times, in the inverse of the model's rate unit (ωt for ω = 1).
    energy
        E(t) = Σ_i (ω + δ_i)/ω ⟨σ_i⁺σ_i⁻⟩ in units of ħω (paper Figs. 2a, 3a, 3c, 4a).
    dark_weight
        Tr[P_D ρ(t)], P_D the projector on ker(o⁻) without the ground state (the states that
        do not radiate into the common reservoir).  For two qubits this is the paper's
        "fidelity" ⟨Ψ₋|ρ|Ψ₋⟩ (Figs. 2b, 3b, 3d), see :meth:`fidelity`.
    method
        ``"generic"`` (excitation-sector blocks) or ``"dicke"`` (permutation-symmetric piqs).
    convergence
        Evidence: integrator tolerance and the largest trace error on the grid.
    """

    model: CooperativeArray
    times: np.ndarray
    energy: np.ndarray
    dark_weight: np.ndarray
    method: str
    convergence: Convergence
    _layout: SectorLayout | None = field(default=None, repr=False, compare=False)
    _blocks: tuple[Blocks, ...] = field(default=(), repr=False, compare=False)

    def _need_blocks(self, what: str) -> SectorLayout:
        if self._layout is None:
            raise NotImplementedSchemeError(
                f"{what} needs the full state; the 'dicke' method keeps only the permutation "
                "average (energy, dark weight). Use method='generic' (N <= 10 or few excitations)"
            )
        return self._layout

    def state(self, index: int) -> qutip.Qobj:
        """Density matrix at ``times[index]`` (rotating frame, tensor factor i = qubit i)."""
        layout = self._need_blocks("state()")
        mat = layout.to_matrix(self._blocks[index])
        n = self.model.qubits
        return qutip.Qobj(mat, dims=[[2] * n, [2] * n])

    @cached_property
    def states(self) -> tuple[qutip.Qobj, ...]:
        """All density matrices (sparse Qobj; see :meth:`state`)."""
        return tuple(self.state(k) for k in range(len(self.times)))

    def reduced(self, i: int, j: int) -> list[np.ndarray]:
        """Two-qubit reduced states ρ_ij(t) (4×4, order i ⊗ j)."""
        layout = self._need_blocks("reduced()")
        i, j = _pair(self.model, i, j)
        return [reduced_pair(layout, b, i, j) for b in self._blocks]

    def concurrence(self, i: int, j: int) -> np.ndarray:
        """Wootters concurrence of qubits i and j over time."""
        return np.array([metrics.concurrence(r) for r in self.reduced(i, j)])

    def log_negativity(self, i: int, j: int) -> np.ndarray:
        """E_N of qubits i, j over time, natural log (metrics); the paper's log₂ is E_N/ln 2."""
        return np.array([metrics.log_negativity(_pair_qobj(r), (1,)) for r in self.reduced(i, j)])

    def fidelity(self, target: qutip.Qobj) -> np.ndarray:
        """F(t) = ⟨ψ|ρ(t)|ψ⟩ for a target ket ψ of the N qubits.

        The paper writes F = tr√⟨Ψ₋|ρ|Ψ₋⟩ but quotes F = 0.5 for |10⟩ whose ⟨Ψ₋|ρ|Ψ₋⟩ = 0.5
        (the square root would give 0.707): we follow the quoted numbers, F = ⟨ψ|ρ|ψ⟩.
        """
        layout = self._need_blocks("fidelity()")
        n = self.model.qubits
        if not isinstance(target, qutip.Qobj) or not target.isket or target.shape[0] != 2**n:
            raise ParameterError(f"`target` must be a qutip ket of {n} qubits, got {target!r}")
        vec = target.full().reshape(-1)
        out = []
        for b in self._blocks:
            val = 0.0 + 0.0j
            for (k, l), blk in b.items():
                val += vec[layout.states[k]].conj() @ blk @ vec[layout.states[l]]
            out.append(val.real)
        return np.array(out)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"t": self.times, "energy_hbar_omega": self.energy, "dark_weight": self.dark_weight}
        )

    def __str__(self) -> str:
        return (
            f"Evolution of {self.model} by '{self.method}' over t in "
            f"[{self.times[0]:g}, {self.times[-1]:g}] ({len(self.times)} points): "
            f"E/ħω {self.energy[0]:.4f} -> {self.energy[-1]:.4f}, dark weight "
            f"{self.dark_weight[0]:.4f} -> {self.dark_weight[-1]:.4f}; {self.convergence}"
        )


@dataclass(frozen=True, eq=False)
class FinalState:
    """t → ∞ state of a :class:`CooperativeArray` (paper 003, ρ₂(∞), ρ₃(∞), ρ_N(∞)).

    Attributes
    ----------
    model
        The model.
    rho
        Density matrix (rotating frame, tensor factor i = qubit i); ``None`` for the Dicke
        route, which keeps only the permutation average in ``dicke_rho``.
    energy
        E/ħω = Σ_i (ω + δ_i)/ω ⟨σ_i⁺σ_i⁻⟩.
    dark_weight
        Weight in ker(o⁻) without the ground state.
    method
        How it was obtained: ``"dark-cascade"`` (exact projection, α ≥ 0, no dephasing),
        ``"ground"`` (dephasing > 0: the ground state is the unique stationary state),
        ``"dicke"`` (permutation-symmetric ladder projection).
    convergence
        Stationarity residual max|L ρ∞| / κ of the returned state.
    """

    model: CooperativeArray
    rho: qutip.Qobj | None
    energy: float
    dark_weight: float
    method: str
    convergence: Convergence
    dicke_rho: qutip.Qobj | None = field(default=None, repr=False)
    _layout: SectorLayout | None = field(default=None, repr=False, compare=False)
    _blocks: Blocks = field(default_factory=dict, repr=False, compare=False)

    def _need(self, what: str) -> SectorLayout:
        if self._layout is None:
            raise NotImplementedSchemeError(
                f"{what} needs the full state; the 'dicke' route keeps only the permutation average"
            )
        return self._layout

    def reduced(self, i: int, j: int) -> np.ndarray:
        i, j = _pair(self.model, i, j)
        return reduced_pair(self._need("reduced()"), self._blocks, i, j)

    def concurrence(self, i: int, j: int) -> float:
        """Wootters concurrence of qubits i and j."""
        return metrics.concurrence(self.reduced(i, j))

    def log_negativity(self, i: int, j: int) -> float:
        """E_N of qubits i and j (natural log; the paper's log₂ value is E_N/ln 2)."""
        return metrics.log_negativity(_pair_qobj(self.reduced(i, j)), (1,))

    def fidelity(self, target: qutip.Qobj) -> float:
        """⟨ψ|ρ|ψ⟩ (see :meth:`Evolution.fidelity` for the paper's definition)."""
        self._need("fidelity()")
        if self.rho is None or not isinstance(target, qutip.Qobj) or not target.isket:
            raise ParameterError(f"`target` must be a qutip ket, got {target!r}")
        if target.shape[0] != self.rho.shape[0]:
            raise ParameterError(
                f"`target` must have dimension {self.rho.shape[0]}, got {target.shape[0]}"
            )
        return float(qutip.expect(self.rho, target))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "qubits": [self.model.qubits],
                "energy_hbar_omega": [self.energy],
                "dark_weight": [self.dark_weight],
                "method": [self.method],
            }
        )

    def __str__(self) -> str:
        return (
            f"t -> inf state of {self.model} ({self.method}): E/ħω = {self.energy:.6f}, "
            f"dark weight = {self.dark_weight:.6f}; {self.convergence}"
        )


@dataclass(frozen=True, eq=False)
class DarkSubspace:
    """Orthonormal basis of the excited dark subspace ker(o⁻) ⊖ |0…0⟩ (paper's "least
    dissipation" states, e.g. |Ψ₋⟩ for two qubits, |Ψ₂⟩, |Ψ₃⟩ of Sec. "Three-qubit")."""

    model: CooperativeArray
    kets: tuple[qutip.Qobj, ...]
    excitations: tuple[int, ...]
    stationary: tuple[bool, ...]

    def __len__(self) -> int:
        return len(self.kets)

    def __getitem__(self, index: int) -> qutip.Qobj:
        return self.kets[index]

    def __iter__(self):
        return iter(self.kets)

    def projector(self) -> qutip.Qobj:
        """P_D = Σ |d⟩⟨d| over the basis."""
        n = self.model.qubits
        out = qutip.Qobj(np.zeros((2**n, 2**n)), dims=[[2] * n, [2] * n])
        for k in self.kets:
            out = out + k.proj()
        return out

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"excitations": list(self.excitations), "stationary": list(self.stationary)}
        )

    def __str__(self) -> str:
        per = {k: self.excitations.count(k) for k in sorted(set(self.excitations))}
        return (
            f"{len(self)} dark states of {self.model} (by excitation number {per}; "
            f"{sum(self.stationary)} stationary for alpha = 0)"
        )
