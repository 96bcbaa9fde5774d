"""Result records of the thermal link routes, exact and approximate: plain frozen data with
``__str__`` and ``to_frame``.

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


@dataclass(frozen=True)
class ApproximateState:
    """Steady two-qubit state of one approximate route.

    Attributes
    ----------
    method
        Route name (``"markov"``, ``"quasistatic"``, ``"bourret"``, ``"bourret-lowest"``,
        ``"phase_diffusion"``, ``"analytic"``), with ``"-numeric"`` appended when the
        superoperator form was solved instead of the closed form.
    equation
        Paper 001 equations the numbers come from.
    concurrence
        Wootters concurrence of the steady state (for the lowest-order Bourret route: Eq. 31
        itself, clipped at 0).
    rho_00, rho_t, rho_s, rho_11
        Populations of |00⟩, |T⟩, |S⟩, |11⟩.
    coherence_st
        ⟨S|ρ|T⟩ (zero in the ideal model).
    n_th, kappa, flux
        Model parameters (units of γ₁); flux Φ = κ n_th/2.
    rho
        The 4 × 4 density matrix in the basis |00⟩, |01⟩, |10⟩, |11⟩ (``None`` for Eq. 31,
        whose populations are truncated expansions).
    valid
        False when a :class:`ValidityWarning` was issued.
    convergence
        Quadrature evidence of the numerical quasistatic average, else ``None``.
    """

    method: str
    equation: str
    concurrence: float
    rho_00: float
    rho_t: float
    rho_s: float
    rho_11: float
    coherence_st: complex
    n_th: float
    kappa: float
    flux: float
    rho: np.ndarray | None = field(default=None, repr=False, compare=False)
    valid: bool = True
    convergence: Convergence | None = None

    def __str__(self) -> str:
        flag = "" if self.valid else " [outside validity range]"
        return (
            f"{self.method} ({self.equation}): C = {self.concurrence:.6g} at n_th={self.n_th:g}, "
            f"kappa={self.kappa:g}, flux={self.flux:g} [units of gamma1]; populations "
            f"00={self.rho_00:.4g} T={self.rho_t:.4g} S={self.rho_s:.4g} "
            f"11={self.rho_11:.4g}{flag}"
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row table; rates in units of γ₁ (suffix ``_per_gamma1``)."""
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "equation": self.equation,
                    "n_th": self.n_th,
                    "kappa_per_gamma1": self.kappa,
                    "flux_per_gamma1": self.flux,
                    "concurrence": self.concurrence,
                    "rho_00": self.rho_00,
                    "rho_t": self.rho_t,
                    "rho_s": self.rho_s,
                    "rho_11": self.rho_11,
                    "coherence_st_re": self.coherence_st.real,
                    "coherence_st_im": self.coherence_st.imag,
                    "valid": self.valid,
                }
            ]
        )


@dataclass(frozen=True)
class AnalyticOptimum:
    """Optimal thermal occupation of Eq. 46 and the concurrence there, Eq. 47 (units of γ₁)."""

    kappa: float
    n_th_star: float
    concurrence_star: float
    flux_star: float
    method: str = "analytic"
    equation: str = "Eq. 46-47"
    valid: bool = True

    @property
    def concurrence(self) -> float:
        """Alias of :attr:`concurrence_star` (common result interface)."""
        return self.concurrence_star

    def __str__(self) -> str:
        return (
            f"analytic optimum ({self.equation}): kappa={self.kappa:g} -> "
            f"n_th*={self.n_th_star:.6g}, C(n_th*)={self.concurrence_star:.6g}"
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "equation": self.equation,
                    "kappa_per_gamma1": self.kappa,
                    "n_th_star": self.n_th_star,
                    "flux_star_per_gamma1": self.flux_star,
                    "concurrence_star": self.concurrence_star,
                    "valid": self.valid,
                }
            ]
        )


@dataclass(frozen=True)
class KappaMax:
    """Largest filter bandwidth κ_max/γ with steady-state entanglement, at fixed n_th.

    ``lowest_order`` solves C = 0 of Eq. 31, ``full_bourret`` of the App. A populations. The
    exact value (hierarchy/Fock routes) is not computed here.
    """

    n_th: float
    lowest_order: float
    full_bourret: float
    method: str = "bourret"
    equation: str = "Eq. 31-32, App. A"

    def __str__(self) -> str:
        return (
            f"kappa_max/gamma at n_th={self.n_th:g}: {self.lowest_order:.5f} (Eq. 31), "
            f"{self.full_bourret:.5f} (App. A full Bourret)"
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"n_th": self.n_th, "route": "bourret-lowest (Eq. 31)",
                 "kappa_max_per_gamma1": self.lowest_order},
                {"n_th": self.n_th, "route": "bourret-full (App. A)",
                 "kappa_max_per_gamma1": self.full_bourret},
            ]
        )  # fmt: skip


__all__ = [
    "AnalyticOptimum",
    "ApproximateState",
    "Evolution",
    "KappaMax",
    "SteadyState",
    "as_qobj",
    "concurrences",
    "populations",
]
