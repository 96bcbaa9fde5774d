"""Routing entanglement through a nonreciprocal bosonic chain (paper 002, Pelka et al. 2026).

Model (paper 002, Eqs. 1–2)
---------------------------
Modes ``a_0`` (the squeezed node) and ``a_1 … a_M`` (the channel), ``a_0 ≡ a_{M+1}``::

    H = Σ_{k=0}^{M} [ω_k a_k†a_k + (i J_k a_k† a_{k+1} + h.c.)] + (i r/2)(a_0² − a_0†²)      (1)

    dρ/dt = −i[H, ρ] + Σ_{k=0}^{M} γ_out [(N̄_k + 1) D[a_k] + N̄_k D[a_k†]]
            + Σ_{l=1}^{M−1} γ_c [(N̄_{l,l+1} + 1) D[ĉ_l] + N̄_{l,l+1} D[ĉ_l†]]               (2)

with ``D[o]ρ = oρo† − ½{o†o, ρ}``, ``ĉ_l = (a_l + a_{l+1})/√2`` and the channel hopping
``J_l = γ/2`` (l = 1 … M−1). The squeezed node is attached

* ``direction="forward"``: ``i J_0 = j``, ``J_M = 0`` → ``H ⊃ j (a_0† a_1 + a_1† a_0)``;
* ``direction="backward"``: ``J_0 = 0``, ``−i J_M = j`` → ``H ⊃ −j (a_M† a_0 + a_0† a_M)``.

Assumptions and decisions (also listed in tests/test_cv_routing.py)
-------------------------------------------------------------------
1. **Common-bath rate (factor 2 in Eq. 2).** With ``ĉ_l`` normalised as printed and rate γ,
   the dissipative cross coupling is −γ/4 and cancels a hopping of γ/4, not the quoted
   matching condition ``J_l = γ/2``; the literal reading is *not* unidirectional (the backward
   E_N(0, M−1) becomes ~10⁻³–10⁻², contradicting Fig. 2). We follow the text "the oscillators
   decay with the rate γ into their common bath" and the matching ``J_l = γ/2`` of Refs. [10, 42]
   (Metelmann & Clerk): ``γ_c D[ĉ_l] = 2γ D[ĉ_l] = γ D[a_l + a_{l+1}]``. Then
   ``ȧ_l`` is independent of ``a_{l+1}`` and ``ȧ_{l+1} ⊃ −γ a_l`` (transport l → l+1), every
   channel node decays at energy rate γ into each adjacent common bath, and the drift is exactly
   cascaded.
2. **Squeezed node.** Squeezing is *Hamiltonian* (degenerate parametric term of Eq. 1, not a
   squeezed bath); ``r`` is a rate in the same unit as ω (not a dimensionless squeeze factor).
   ``a_0`` decays only through its own bath at ``γ_out`` with occupation ``N̄_0`` (Eq. 2, k = 0);
   it has no common bath. Alone it is stable iff ``r < √(ω_0² + γ_out²/4)``.
3. **Frame.** The lab-frame Hamiltonian is used as printed: ω_k enters the drift and ω sets the
   scale of the squeezing threshold; the paper's parameters are ω_k = ω, γ/ω = 0.8,
   γ_out/ω = 0.002, N̄ = 0, M = 10.
4. **Covariance convention.** The paper writes ``V = ⟨{r_i, r_j}⟩ − 2⟨r_i⟩⟨r_j⟩`` (vacuum 𝟙)
   yet uses E_N = max(0, −ln 2ν̃₋) and PPT ν̃₋ ≥ ½, which belong to the vacuum-½ convention,
   while ``n̄_k = [Tr V^(k) − 2]/4`` belongs to the vacuum-𝟙 one. We use vacuum = 𝟙/2
   throughout (qnet_design.solvers.gaussian); E_N = max(0, −ln 2ν̃₋) and
   ``n̄_k = Tr V^(k)/2 − ½`` are then both the physical quantities the paper means.
5. **"E_N > 0".** Node m counts as entangled with a_0 iff E_N(0, m) > ``ENTANGLEMENT_THRESHOLD``
   = 1e-10 (exact zeros come out as ≲ 1e-12 from the Lyapunov solve). ``M_max`` is the largest
   such m (paper, "Influence of thermal fluctuations"); 0 means no channel node is entangled.
   Fig. 2's backward quantity ``E_N^(0,−2) := E_N^(0,9)`` is ``E_N(0, M−1)``.
6. **Signs.** ``r ≥ 0`` and ``j ≥ 0``: their phases are gauge choices.

Units: every rate (ω, γ, γ_out, r, j) is in one arbitrary common unit; the paper uses ω = 1.

Reproduction notes (paper parameters, r, j ∈ (0, 1.2]ω; the printed figures are missing)
-----------------------------------------------------------------------------------------
* Fig. 2: backward E_N(0, M−1) = 0 to rounding (nodes 1 … M−1 stay in the vacuum); forward
  E_N(0, 2) > 0 whenever r, j > 0, increasing in j for j ≲ 0.7ω and in r for j ≳ 0.3ω; at
  j ≲ 0.2ω it peaks in r before the instability.
* Fig. 3: M_max falls with r on every stable column and grows with j (at small r it reaches
  M = 10 for j ≈ 1.1ω). The stable region shrinks with r and j; it is re-entrant near j ≈ ω,
  where the lower normal mode ω − j of (a_0, a_1) approaches zero frequency and the static
  (lab-frame) squeezing term becomes resonant.
* Stability is decided exactly from the cascaded blocks: the 4×4 block of a_0 and its attached
  node, and the 2×2 blocks of the other nodes (forward and backward have the same edge).

Examples
--------
>>> from qnet_design.schemes.cv_routing import RoutingChain, log_negativity, max_entangled_node
>>> chain = RoutingChain(nodes=10, r=0.3, j=0.6, gamma=0.8, gamma_out=0.002)
>>> log_negativity(chain, 0, 2) > 0
True
>>> max_entangled_node(chain) >= 2
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .._checks import check_choice, check_int, check_nonnegative, check_vector
from ..errors import ParameterError, UnstableError
from ..metrics.gaussian import gaussian_log_negativity, mean_occupation, mean_occupations
from ..solvers import gaussian
from ..solvers.gaussian_cascaded import steady_covariance_cascaded

__all__ = [
    "ENTANGLEMENT_THRESHOLD",
    "RoutingChain",
    "RoutingMap",
    "RoutingProfile",
    "covariance",
    "instability_threshold",
    "is_stable",
    "log_negativity",
    "log_negativity_profile",
    "max_entangled_node",
    "occupation",
    "routing_map",
    "stability_margin",
]

ENTANGLEMENT_THRESHOLD = 1e-10
"""E_N above which a pair counts as entangled (assumption 5 of the module docstring)."""

_DENSE_LIMIT = 40  # chains up to this many nodes use the dense Lyapunov solve


def _scalar_or_tuple(name: str, value: object, length: int) -> float | tuple[float, ...]:
    if np.ndim(value) == 0:  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]
    return tuple(float(v) for v in check_vector(name, value, length))


@dataclass(frozen=True)
class RoutingChain:
    """Squeezed node a_0 attached to a nonreciprocal chain of M nodes (paper 002, Eqs. 1–2).

    Parameters
    ----------
    nodes
        Number M ≥ 1 of channel nodes a_1 … a_M.
    r
        Squeezing rate of a_0 in ``(i r/2)(a_0² − a_0†²)`` (≥ 0, unit of ω).
    j
        Coupling of a_0 to the chain (``i J_0 = j`` forward, ``−i J_M = j`` backward; ≥ 0).
    gamma
        Common-bath rate γ (≥ 0); the channel hopping is J_l = γ/2 (see assumption 1).
    gamma_out
        Local decay rate γ_out of every node, a_0 included (≥ 0).
    omega
        Node frequencies ω_k: a number, or M+1 values (ω_0 … ω_M).
    direction
        ``"forward"`` or ``"backward"`` attachment (paper Fig. 1c, d).
    n_local
        Local bath occupations N̄_k: a number or M+1 values (k = 0 … M).
    n_common
        Common bath occupations N̄_{l,l+1}: a number or M−1 values (l = 1 … M−1).
    """

    nodes: int
    r: float
    j: float
    gamma: float
    gamma_out: float
    omega: float | tuple[float, ...] = 1.0
    direction: str = "forward"
    n_local: float | tuple[float, ...] = 0.0
    n_common: float | tuple[float, ...] = 0.0

    def __post_init__(self) -> None:
        m = check_int("nodes", self.nodes, minimum=1)
        object.__setattr__(self, "nodes", m)
        for name in ("r", "j", "gamma", "gamma_out"):
            object.__setattr__(self, name, check_nonnegative(name, getattr(self, name)))
        object.__setattr__(
            self, "direction", check_choice("direction", self.direction, ("forward", "backward"))
        )
        omega = _scalar_or_tuple("omega", self.omega, m + 1)
        if np.any(np.asarray(omega) <= 0):
            raise ParameterError(f"`omega` must be > 0 for every node, got {omega!r}")
        object.__setattr__(self, "omega", omega)
        for name, length in (("n_local", m + 1), ("n_common", max(m - 1, 1))):
            value = _scalar_or_tuple(name, getattr(self, name), length)
            if np.any(np.asarray(value) < 0):
                raise ParameterError(f"`{name}` must be >= 0 (an occupation), got {value!r}")
            object.__setattr__(self, name, value)

    @property
    def attached_node(self) -> int:
        """The chain node a_0 couples to: 1 (forward) or M (backward)."""
        return 1 if self.direction == "forward" else self.nodes

    def __str__(self) -> str:
        return (
            f"RoutingChain(M={self.nodes}, {self.direction}, r={self.r:g}, j={self.j:g}, "
            f"γ={self.gamma:g}, γ_out={self.gamma_out:g}, ω={self.omega}, "
            f"N̄_k={self.n_local}, N̄_l,l+1={self.n_common})"
        )


# ---------------------------------------------------------------------------------------------
# Drift, diffusion, stability
# ---------------------------------------------------------------------------------------------


def _drift_diffusion(
    model: RoutingChain, common_amplitude: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """A, D of Eq. (2) for modes (a_0, a_1, …, a_M).

    ``common_amplitude`` is the coefficient u of ``L = u(a_l + a_{l+1})`` at rate γ: 1 is the
    matched reading (assumption 1), 1/√2 the literal one (kept for the test that shows it is
    not unidirectional).
    """
    m = model.nodes
    n = m + 1
    gaussian.check_modes(n, f"cv_routing chain of {m} nodes")  # before the dense n × n blocks
    h = np.diag(np.broadcast_to(np.asarray(model.omega, dtype=float), (n,))).astype(complex)
    for ll in range(1, m):
        h[ll, ll + 1] = 1j * model.gamma / 2.0
        h[ll + 1, ll] = -1j * model.gamma / 2.0
    if model.direction == "forward":
        h[0, 1] += model.j  # i J_0 a_0† a_1 + h.c. with i J_0 = j
        h[1, 0] += model.j
    else:
        h[m, 0] += -model.j  # i J_M a_M† a_0 + h.c. with J_M = i j
        h[0, m] += -model.j
    pairing = np.zeros((n, n), dtype=complex)
    pairing[0, 0] = -1j * model.r  # ½(g a†² + g* a²) = (i r/2)(a² − a†²)
    n_local = np.broadcast_to(np.asarray(model.n_local, dtype=float), (n,))
    n_common = np.broadcast_to(np.asarray(model.n_common, dtype=float), (max(m - 1, 1),))
    local = [gaussian.LocalBath(k, model.gamma_out, n_local[k]) for k in range(n)]
    common = []
    for ll in range(1, m):
        u = np.zeros(n)
        u[ll] = u[ll + 1] = common_amplitude
        common.append(gaussian.CommonBath(model.gamma, u, n_common[ll - 1]))
    return gaussian.drift_diffusion(n, h, pairing, local, common)


def _max_real_eigenvalue(model: RoutingChain, a: np.ndarray | None = None) -> float:
    """max Re eig(A) from the cascaded blocks: {a_0, attached node} and each other node."""
    if a is None:
        a, _ = _drift_diffusion(model)
    att = model.attached_node
    pair = gaussian.reduced(a, [0, att])
    others = [k for k in range(1, model.nodes + 1) if k != att]
    lam = float(np.linalg.eigvals(pair).real.max())
    if others:
        single = np.stack([a[2 * k : 2 * k + 2, 2 * k : 2 * k + 2] for k in others])
        lam = max(lam, float(np.linalg.eigvals(single).real.max()))
    return lam


def instability_threshold(model: RoutingChain) -> float:
    """Squeezing threshold of the isolated node a_0: √(ω_0² + γ_out²/4) (closed form).

    The coupled system becomes unstable at a smaller r when j > 0 (Fig. 2/3 edges).
    """
    omega0 = float(np.atleast_1d(np.asarray(model.omega, dtype=float))[0])
    return math.sqrt(omega0**2 + model.gamma_out**2 / 4.0)


def _instability_hint(model: RoutingChain) -> str:
    if model.r >= instability_threshold(model):
        return (
            f"the squeezing r = {model.r:g} (the isolated squeezed node is unstable above "
            f"r = √(ω_0² + γ_out²/4) = {instability_threshold(model):.6g})"
        )
    if model.r > 0 and model.j > 0:
        return (
            f"the squeezing r = {model.r:g} together with the coupling j = {model.j:g} "
            f"(lower r or j)"
        )
    return f"gamma_out = {model.gamma_out:g} and gamma = {model.gamma:g} leaving a mode undamped"


def stability_margin(model: RoutingChain) -> float:
    """−max Re eig(A) (unit of ω): the slowest relaxation rate; ≤ 0 means no steady state."""
    return -_max_real_eigenvalue(model)


def is_stable(model: RoutingChain) -> bool:
    """Whether the drift matrix has all eigenvalues with Re λ < 0 (a unique steady state)."""
    return _max_real_eigenvalue(model) < 0.0


def _blocks(model: RoutingChain) -> list[list[int | None]]:
    """Cascade order grouped in pairs, with a_0 in the same block as its attached node."""
    m = model.nodes
    order: list[int | None] = (
        list(range(m + 1)) if model.direction == "forward" else [*range(1, m + 1), 0]
    )
    if len(order) % 2:
        order = [*order, None] if model.direction == "forward" else [None, *order]
    return [order[i : i + 2] for i in range(0, len(order), 2)]


@functools.lru_cache(maxsize=64)
def _covariance_cached(model: RoutingChain) -> np.ndarray:
    a, d = _drift_diffusion(model)
    if _max_real_eigenvalue(model, a) >= 0.0:
        lam = _max_real_eigenvalue(model, a)
        raise UnstableError(
            f"{model} has no steady state: max Re eig(A) = {lam:.6g} >= 0, made unstable by "
            f"{_instability_hint(model)}"
        )
    if model.nodes <= _DENSE_LIMIT:
        v = gaussian.steady_covariance(a, d, hint=_instability_hint(model))
    else:
        v = steady_covariance_cascaded(a, d, _blocks(model), hint=_instability_hint(model))
    v.setflags(write=False)
    return v


def covariance(model: RoutingChain) -> np.ndarray:
    """Steady-state covariance (vacuum 𝟙/2) of (a_0, a_1, …, a_M), shape (2M+2, 2M+2).

    Dense Lyapunov solve for M ≤ 40, the exact cascaded block solver above (O(M²) 4×4-block
    Sylvester solves). Read-only and cached per model.

    Raises
    ------
    UnstableError
        If the drift has an eigenvalue with Re λ ≥ 0; the message names r and/or j.
    """
    return _covariance_cached(model)


# ---------------------------------------------------------------------------------------------
# Figures of merit
# ---------------------------------------------------------------------------------------------


def _check_node(name: str, k: int, model: RoutingChain) -> int:
    k = check_int(name, k, minimum=0)
    if k > model.nodes:
        raise ParameterError(f"`{name}` must be a node index in 0..{model.nodes}, got {k}")
    return k


def log_negativity(model: RoutingChain, k: int, m: int) -> float:
    """E_N(k, m) = max(0, −ln 2ν̃₋) of nodes k ≠ m in the steady state (paper Eq. 3)."""
    k = _check_node("k", k, model)
    m = _check_node("m", m, model)
    if k == m:
        raise ParameterError(f"`m` must differ from `k` (a bipartition of two nodes), got {m}")
    return float(gaussian_log_negativity(gaussian.reduced(covariance(model), [k, m])))


def occupation(model: RoutingChain, k: int) -> float:
    """Steady-state mean occupation n̄_k = ⟨a_k†a_k⟩ of node k (paper: [Tr V^(k) − 2]/4)."""
    k = _check_node("k", k, model)
    return mean_occupation(covariance(model), k)


@dataclass(frozen=True, eq=False)
class RoutingProfile:
    """E_N(0, m) and n̄_m for every channel node m = 1 … M of one steady state."""

    model: RoutingChain
    log_negativity: np.ndarray = field(repr=False)
    occupation: np.ndarray = field(repr=False)
    squeezed_occupation: float
    max_entangled_node: int

    def to_frame(self) -> pd.DataFrame:
        """One row per channel node: ``node``, ``log_negativity_0m``, ``occupation``."""
        return pd.DataFrame(
            {
                "node": np.arange(1, self.model.nodes + 1),
                "log_negativity_0m": self.log_negativity,
                "occupation": self.occupation,
            }
        )

    def __str__(self) -> str:
        head = ", ".join(f"{x:.3g}" for x in self.log_negativity[:6])
        more = ", …" if self.model.nodes > 6 else ""
        return (
            f"{self.model}\n  E_N(0, m), m = 1…: [{head}{more}]\n  M_max = "
            f"{self.max_entangled_node}, n̄(M_max) = "
            f"{self.occupation[self.max_entangled_node - 1] if self.max_entangled_node else 0:.4g}"
            f", n̄_0 = {self.squeezed_occupation:.4g}"
        )


def _profile_arrays(v: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """E_N(0, m) (…, M), occupations (…, M+1) and M_max (…) from covariances (…, 2M+2, 2M+2)."""
    idx = np.arange(1, m + 1)
    # two-mode blocks (a_0, a_m) for every m, stacked (…, M, 4, 4), by fancy indexing
    sel = np.concatenate([np.broadcast_to([0, 1], (m, 2)), np.stack([2 * idx, 2 * idx + 1], -1)], 1)
    blocks = v[..., sel[:, :, None], sel[:, None, :]]
    en = np.asarray(gaussian_log_negativity(blocks))
    occ = mean_occupations(v)
    entangled = en > ENTANGLEMENT_THRESHOLD
    # largest entangled m (1-based), 0 if none
    m_max = np.where(entangled.any(-1), m - np.argmax(entangled[..., ::-1], axis=-1), 0)
    return en, occ, m_max


def log_negativity_profile(model: RoutingChain) -> RoutingProfile:
    """E_N(0, m) for all m = 1 … M at once (one Lyapunov solve, vectorised 4×4 blocks)."""
    en, occ, m_max = _profile_arrays(covariance(model), model.nodes)
    return RoutingProfile(model, en, occ[1:], float(occ[0]), int(m_max))


def max_entangled_node(model: RoutingChain) -> int:
    """Paper's M_max: the largest m with E_N(0, m) > 0 (0 if none; assumption 5)."""
    return log_negativity_profile(model).max_entangled_node


# ---------------------------------------------------------------------------------------------
# Maps over (r, j): Fig. 2 and Fig. 3
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RoutingMap:
    """Fig. 2/3 data on a grid: rows r_values, columns j_values.

    ``log_negativity_target`` is E_N(0, target) (NaN where unstable), ``max_entangled_node`` is
    M_max (−1 where unstable) and ``occupation_at_max`` is n̄ of node M_max (NaN where unstable
    or M_max = 0).
    """

    model: RoutingChain
    target: int
    r_values: np.ndarray = field(repr=False)
    j_values: np.ndarray = field(repr=False)
    stable: np.ndarray = field(repr=False)
    log_negativity_target: np.ndarray = field(repr=False)
    max_entangled_node: np.ndarray = field(repr=False)
    occupation_at_max: np.ndarray = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Long format: ``r``, ``j``, ``stable``, ``log_negativity_0_target``, ``m_max``,
        ``occupation_m_max`` (rates in the model's unit of ω)."""
        rr, jj = np.meshgrid(self.r_values, self.j_values, indexing="ij")
        return pd.DataFrame(
            {
                "r": rr.ravel(),
                "j": jj.ravel(),
                "stable": self.stable.ravel(),
                "log_negativity_0_target": self.log_negativity_target.ravel(),
                "m_max": self.max_entangled_node.ravel(),
                "occupation_m_max": self.occupation_at_max.ravel(),
            }
        )

    def __str__(self) -> str:
        return (
            f"RoutingMap over r ∈ [{self.r_values.min():g}, {self.r_values.max():g}] "
            f"({self.r_values.size}) × j ∈ [{self.j_values.min():g}, {self.j_values.max():g}] "
            f"({self.j_values.size}) for {self.model}; stable fraction "
            f"{self.stable.mean():.2f}, max M_max = {self.max_entangled_node.max()}, "
            f"max E_N(0,{self.target}) = {np.nanmax(self.log_negativity_target, initial=0.0):.4g}"
        )


def routing_map(
    model: RoutingChain,
    r_values: Sequence[float] | np.ndarray,
    j_values: Sequence[float] | np.ndarray,
    target: int = 2,
) -> RoutingMap:
    """E_N(0, target), M_max and n̄(M_max) over a grid of (r, j) (paper Figs. 2 and 3).

    Other parameters are taken from ``model``. Unstable points are marked, not raised.
    For the backward panel of Fig. 2 pass a backward model and ``target = nodes − 1``.
    """
    rs = np.asarray(r_values, dtype=float).ravel()
    js = np.asarray(j_values, dtype=float).ravel()
    target = _check_node("target", target, model)
    if target == 0:
        raise ParameterError("`target` must be a channel node 1..M, got 0")
    shape = (rs.size, js.size)
    # H and hence A are linear in r and j; D does not depend on them: A = A₀ + r A_r + j A_j
    a0, d = _drift_diffusion(replace(model, r=0.0, j=0.0))
    a_r = _drift_diffusion(replace(model, r=1.0, j=0.0))[0] - a0
    a_j = _drift_diffusion(replace(model, r=0.0, j=1.0))[0] - a0
    rr, jj = (x.ravel() for x in np.meshgrid(rs, js, indexing="ij"))
    # stability from the cascaded blocks: {a_0, attached node} varies, the rest does not
    att = model.attached_node
    pair = gaussian.reduced(a0, [0, att]) + rr[:, None, None] * gaussian.reduced(a_r, [0, att])
    pair = pair + jj[:, None, None] * gaussian.reduced(a_j, [0, att])
    lam = np.linalg.eigvals(pair).real.max(-1)
    rest = [k for k in range(1, model.nodes + 1) if k != att]
    if rest:
        single = np.stack([a0[2 * k : 2 * k + 2, 2 * k : 2 * k + 2] for k in rest])
        lam = np.maximum(lam, np.linalg.eigvals(single).real.max())
    ok = np.flatnonzero(lam < 0.0)
    en = np.full(rr.size, np.nan)
    mmax = np.full(rr.size, -1, dtype=int)
    occ = np.full(rr.size, np.nan)
    blocks = _blocks(model)
    chunk = max(1, 2_000_000 // a0.size)  # bound the memory of one batched solve
    for start in range(0, ok.size, chunk):
        sel = ok[start : start + chunk]
        a_batch = a0 + rr[sel, None, None] * a_r + jj[sel, None, None] * a_j
        d_batch = np.broadcast_to(d, a_batch.shape)
        v = steady_covariance_cascaded(a_batch, d_batch, blocks)
        e, o, m = _profile_arrays(v, model.nodes)
        en[sel] = e[:, target - 1]
        mmax[sel] = m
        has = m > 0
        occ[sel[has]] = o[has, m[has]]
    stable = np.zeros(rr.size, dtype=bool)
    stable[ok] = True
    stable, en, mmax, occ = (x.reshape(shape) for x in (stable, en, mmax, occ))
    return RoutingMap(model, target, rs, js, stable, en, mmax, occ)
