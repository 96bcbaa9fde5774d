"""Result records of the thermal link solvers: plain frozen data with ``__str__`` and ``to_frame``.

Times are in units of 1/γ₁, the two-qubit state is in the basis |00⟩, |01⟩, |10⟩, |11⟩ with
|0⟩ the ground state (see :mod:`._liouville`). Singlet and triplet are
|S⟩ = (|01⟩ − |10⟩)/√2 and |T⟩ = (|01⟩ + |10⟩)/√2 (Sec. II B).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import qutip

from ...metrics import concurrence as _wootters
from ...solvers.convergence import Convergence
from .model import ThermalLink

_S = np.array([0.0, 1.0, -1.0, 0.0]) / np.sqrt(2.0)
_T = np.array([0.0, 1.0, 1.0, 0.0]) / np.sqrt(2.0)


def as_qobj(rho: np.ndarray) -> qutip.Qobj:
    """4 × 4 array → two-qubit Qobj (Hermitian part, dims [[2, 2], [2, 2]])."""
    rho = 0.5 * (np.asarray(rho) + np.asarray(rho).conj().T)
    return qutip.Qobj(rho, dims=[[2, 2], [2, 2]])


def populations(rho: np.ndarray) -> dict[str, float]:
    """ρ₀₀, ρ_S, ρ_T, ρ₁₁ of a 4 × 4 two-qubit density matrix (Eq. 18, 21, 27-30)."""
    m = np.asarray(rho)
    return {
        "rho_00": float(m[0, 0].real),
        "rho_S": float(np.real(_S @ m @ _S)),
        "rho_T": float(np.real(_T @ m @ _T)),
        "rho_11": float(m[3, 3].real),
    }


@dataclass(frozen=True)
class SteadyState:
    """Steady state of the two qubits, ρ_q^ss = Tr_th ρ(t → ∞) (Sec. III).

    Attributes
    ----------
    model
        The :class:`ThermalLink` that was solved.
    method
        Route that produced it (``"fock"``, ``"hierarchy"``, ``"trajectories"``, ...).
    rho
        Reduced two-qubit state as a :class:`qutip.Qobj`.
    concurrence
        Wootters concurrence C(ρ_q^ss).
    convergence
        Truncation evidence (``None`` for closed forms).
    concurrence_stderr
        Standard error of the concurrence (trajectory estimates only, else ``None``).
    """

    model: ThermalLink
    method: str
    rho: qutip.Qobj
    concurrence: float
    convergence: Convergence | None = None
    concurrence_stderr: float | None = None

    @property
    def populations(self) -> dict[str, float]:
        return populations(self.rho.full())

    def __str__(self) -> str:
        pops = ", ".join(f"{k}={v:.4g}" for k, v in self.populations.items())
        err = f" ± {self.concurrence_stderr:.2g}" if self.concurrence_stderr is not None else ""
        conv = f"; {self.convergence}" if self.convergence is not None else ""
        return (
            f"SteadyState[{self.method}] C={self.concurrence:.6f}{err} ({pops}) "
            f"for n_th={self.model.n_th:g}, kappa={self.model.kappa:g}{conv}"
        )

    def to_frame(self) -> pd.DataFrame:
        row = {
            "method": self.method,
            "n_th": self.model.n_th,
            "kappa_per_gamma": self.model.kappa,
            "concurrence": self.concurrence,
            "concurrence_stderr": self.concurrence_stderr,
            **self.populations,
            "truncation": None if self.convergence is None else self.convergence.parameter,
            "truncation_value": None if self.convergence is None else self.convergence.value,
            "truncation_change": None if self.convergence is None else self.convergence.change,
        }
        return pd.DataFrame([row])


@dataclass(frozen=True)
class Evolution:
    """Two-qubit state ρ_q(t) on a time grid (times in 1/γ₁), from |00⟩ unless stated.

    ``rhos`` is an array of shape (len(times), 4, 4); :meth:`states` gives Qobjs.
    """

    model: ThermalLink
    method: str
    times: np.ndarray
    rhos: np.ndarray = field(repr=False)
    concurrence: np.ndarray
    convergence: Convergence | None = None
    concurrence_stderr: np.ndarray | None = None

    def states(self) -> list[qutip.Qobj]:
        return [as_qobj(r) for r in self.rhos]

    def population(self, name: str) -> np.ndarray:
        """Time trace of ``rho_00``, ``rho_S``, ``rho_T``, ``rho_11`` or ``p1``/``p2``
        (excited-state population of qubit 1 or 2)."""
        if name == "p1":
            return np.real(self.rhos[:, 2, 2] + self.rhos[:, 3, 3])
        if name == "p2":
            return np.real(self.rhos[:, 1, 1] + self.rhos[:, 3, 3])
        return np.array([populations(r)[name] for r in self.rhos])

    def __str__(self) -> str:
        conv = f"; {self.convergence}" if self.convergence is not None else ""
        return (
            f"Evolution[{self.method}] {len(self.times)} times in [{self.times[0]:g}, "
            f"{self.times[-1]:g}]/gamma: C from {self.concurrence[0]:.4f} to "
            f"{self.concurrence[-1]:.4f} (max {np.max(self.concurrence):.4f}){conv}"
        )

    def to_frame(self) -> pd.DataFrame:
        data: dict[str, np.ndarray] = {
            "t_per_gamma": self.times,
            "concurrence": self.concurrence,
        }
        if self.concurrence_stderr is not None:
            data["concurrence_stderr"] = self.concurrence_stderr
        for name in ("rho_00", "rho_S", "rho_T", "rho_11"):
            data[name] = self.population(name)
        return pd.DataFrame(data)


def concurrences(rhos: np.ndarray) -> np.ndarray:
    """Wootters concurrence of each 4 × 4 matrix in a stack."""
    return np.array([_wootters(0.5 * (r + r.conj().T)) for r in rhos])


__all__ = ["Evolution", "SteadyState", "as_qobj", "concurrences", "populations"]
