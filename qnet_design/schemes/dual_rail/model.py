"""The dual-rail network model of paper 000 (parameters, validation, derived rates)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..._checks import (
    check_int,
    check_nonnegative,
    check_permutation,
    check_positive,
    check_probability,
    check_vector,
)
from ...errors import ParameterError


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
