"""Two arrays of coupled cavities driven at one end by a two-mode squeezed bath (paper 004).

Zippilli, Paternostro, Adesso, Illuminati, PRL 110, 040503 (2013), the g_j = 0 limit of the
master equation on p. 1-2 ("two chains of harmonic oscillators"); symbols in the package
docstring. The model is linear, so its steady state is Gaussian and is computed exactly with the
shared engine :mod:`qnet_design.solvers.gaussian` (covariance convention vacuum = 𝟙/2,
E_N = max(0, −ln 2ν̃₋)).

Model (all rates unitless, in units of one reference rate; the paper's figures use λ = 1)::

    H_c = Σ_{j=1}^{N−1} [λ_j a_j†a_{j+1} + λ'_j a_{N+j}†a_{N+j+1} + H.c.]   (paper: λ' = λ)
    L_D ρ = Σ_{j=1}^{2N} κ_j (2a_jρa_j† − {a_j†a_j, ρ})
    L_S ρ = 2Γ m̄ (a₁ρa_{N+1} + a_{N+1}ρa₁ − a₁a_{N+1}ρ − ρa₁a_{N+1} + H.c.)
            + Γ Σ_{j∈{1,N+1}} [(n̄+1)(2a_jρa_j† − {a_j†a_j, ρ}) + n̄(2a_j†ρa_j − {a_ja_j†, ρ})]

Rate convention: κ_j and Γ are **amplitude** rates (the paper's 2aρa† − {·} form); the energy
decay rates handed to the engine are 2κ_j and 2Γ. Sign convention: L_S as printed drives the
pair (1, N+1) to ⟨a₁a_{N+1}⟩ = −m̄, and the lossless steady state has ⟨a_ja_{N+j}⟩ = (−1)^j m̄,
the alternating signs of the paper's U_{j,N+j} (p. 2). E_N does not depend on these signs.

Structure used for speed
------------------------
When both arrays are equal (same λ_j and κ_j = κ_{N+j}), the modes c_j = (a_j + a_{N+j})/√2 and
d_j = (a_j − a_{N+j})/√2 form two *uncoupled* chains, each driven at its first site by a
single-mode squeezed bath (⟨c^in c^in⟩ = −⟨d^in d^in⟩ = ⟨a₁^in a_{N+1}^in⟩). The d chain is the c
chain after the phase map d → i d, so one Lyapunov solve of size 2N (quadratures) replaces one of
size 4N, and each pair block is V_{j,N+j} = ½[[V_c+V_d, V_c−V_d], [V_c−V_d, V_c+V_d]] with
V_d = R V_c Rᵀ, R = [[0, −1], [1, 0]]. Unequal arrays (disorder) use the full 2N-mode system.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..._checks import check_int, check_nonnegative, check_positive
from ..._results import ArrayResult
from ...errors import ParameterError
from ...metrics.gaussian import gaussian_log_negativity
from ...solvers import gaussian
from ._bath import check_bath, drive_log_negativity

__all__ = [
    "DisorderAverage",
    "PairLogNegativities",
    "ReplicationArrays",
    "covariance",
    "disorder_average",
    "pair_log_negativities",
]

_R = np.array([[0.0, -1.0], [1.0, 0.0]])


def _numbers(name: str, value: object) -> np.ndarray:
    """``value`` as a float array; text or anything non-numeric is refused."""
    if isinstance(value, str):
        raise ParameterError(f"`{name}` must be a number or an array of numbers, got {value!r}")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"`{name}` must be numeric, got {value!r}") from None


def _hopping_matrix(value: object, sites: int) -> np.ndarray:
    """Validate ``hopping`` into a (2, N−1) array (row 0: first array, row 1: second)."""
    arr = _numbers("hopping", value)
    bonds = sites - 1
    if arr.ndim == 0:
        out = np.full((2, bonds), float(arr))
    elif arr.ndim == 1 and arr.shape[0] == bonds:
        out = np.vstack([arr, arr])
    elif arr.ndim == 2 and arr.shape == (2, bonds):
        out = arr.copy()
    else:
        raise ParameterError(
            f"`hopping` must be a scalar, {bonds} values (N−1 bonds, both arrays) or a "
            f"(2, {bonds}) array (one row per array), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(out)):
        raise ParameterError(f"`hopping` must be finite, got {out.tolist()}")
    return out


def _loss_vector(value: object, sites: int) -> np.ndarray:
    """Validate ``loss`` into 2N amplitude decay rates κ_1..κ_2N ≥ 0."""
    arr = _numbers("loss", value)
    if arr.ndim == 0:
        out = np.full(2 * sites, float(arr))
    elif arr.ndim == 1 and arr.shape[0] == 2 * sites:
        out = arr.copy()
    elif arr.ndim == 1 and arr.shape[0] == sites:
        out = np.concatenate([arr, arr])
    else:
        raise ParameterError(
            f"`loss` must be a scalar, {sites} values (site j and N+j alike) or {2 * sites} "
            f"values (κ_1..κ_2N), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(out)) or np.any(out < 0):
        raise ParameterError(f"`loss` must be finite and >= 0 for every cavity, got {out.tolist()}")
    return out


@dataclass(frozen=True)
class ReplicationArrays:
    r"""Two arrays of N cavities driven at cavities 1 and N+1 (paper 004, p. 1-3, g_j = 0).

    Parameters
    ----------
    sites
        N ≥ 1 cavities per array; cavities 1..N form the first array, N+1..2N the second.
    hopping
        λ_j: a scalar (uniform), N−1 values (a pattern shared by both arrays) or a (2, N−1)
        array (row 0 the first array, row 1 the second; unequal rows break the equal-array
        symmetry, as in the disorder study of Fig. 3a). Any real sign. Without losses every
        normal mode must reach the driven end: a zero λ_j, or a strongly graded pattern that
        localises modes far from it (damping below rounding), raises ``UnstableError``.
    drive_rate
        Γ > 0, amplitude rate of the squeezed drive L_S (energy rate 2Γ).
    nbar, mbar
        n̄ ≥ 0 and m̄ of the driving two-mode squeezed thermal field, m̄² ≤ n̄(n̄+1); use
        :func:`squeezed_thermal_bath` to get them from (r, n_T).
    loss
        κ_j ≥ 0 (amplitude rate, energy rate 2κ_j): a scalar, N values (cavity j and N+j alike)
        or 2N values κ_1..κ_2N. Default 0 (the exactly solvable case).

    Examples
    --------
    >>> m = ReplicationArrays(5, 1.0, 1.0, 1.0, 2 ** 0.5)
    >>> e = pair_log_negativities(m)
    >>> bool(np.allclose(e.values, e.drive))   # exact replication, lossless arrays
    True
    """

    sites: int
    hopping: object = field(repr=False)
    drive_rate: float
    nbar: float
    mbar: float
    loss: object = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        n = check_int("sites", self.sites)
        object.__setattr__(self, "sites", n)
        hop = _hopping_matrix(self.hopping, n)
        object.__setattr__(self, "hopping", tuple(map(tuple, hop.tolist())))
        object.__setattr__(self, "drive_rate", check_positive("drive_rate", self.drive_rate))
        nb, mb = check_bath(self.nbar, self.mbar)
        object.__setattr__(self, "nbar", nb)
        object.__setattr__(self, "mbar", mb)
        object.__setattr__(self, "loss", tuple(_loss_vector(self.loss, n).tolist()))

    # -- derived data ---------------------------------------------------------------------------
    @property
    def hopping_matrix(self) -> np.ndarray:
        """(2, N−1) array of λ_j, row 0 first array, row 1 second array."""
        return np.array(self.hopping, dtype=float).reshape(2, self.sites - 1)

    @property
    def hopping_hamiltonian(self) -> np.ndarray:
        """(2N, 2N) hopping matrix h of both arrays, H = Σ_kl h_kl a_k†a_l (sites 1..2N)."""
        n = self.sites
        h = np.zeros((2 * n, 2 * n))
        hop = self.hopping_matrix
        for k in range(2):
            idx = np.arange(n - 1) + k * n
            h[idx, idx + 1] = hop[k]
            h[idx + 1, idx] = hop[k]
        return h

    @property
    def losses(self) -> np.ndarray:
        """κ_1..κ_2N (amplitude rates)."""
        return np.array(self.loss, dtype=float)

    @property
    def equal_arrays(self) -> bool:
        """Whether both arrays have the same λ_j and κ_j = κ_{N+j} (fast route applies)."""
        hop, kap = self.hopping_matrix, self.losses
        same_loss = np.array_equal(kap[: self.sites], kap[self.sites :])
        return bool(np.array_equal(hop[0], hop[1]) and same_loss)

    @property
    def drive_log_negativity(self) -> float:
        """E_N of the driving field, −ln(2n̄ + 1 − 2|m̄|) (paper 004, p. 2)."""
        return drive_log_negativity(self.nbar, self.mbar)

    def with_(self, **changes: object) -> ReplicationArrays:
        """A copy with some parameters replaced (re-validated)."""
        params: dict[str, object] = {
            "sites": self.sites,
            "hopping": self.hopping_matrix,
            "drive_rate": self.drive_rate,
            "nbar": self.nbar,
            "mbar": self.mbar,
            "loss": self.losses,
        }
        unknown = set(changes) - set(params)
        if unknown:
            raise ParameterError(f"`with_` got unknown parameters {sorted(unknown)}")
        params.update(changes)
        return ReplicationArrays(**params)  # type: ignore[arg-type]

    def __str__(self) -> str:
        hop = self.hopping_matrix
        hop_s = f"{hop.flat[0]:g}" if hop.size and np.all(hop == hop.flat[0]) else "pattern"
        kap = self.losses
        kap_s = f"{kap[0]:g}" if np.all(kap == kap[0]) else "profile"
        return (
            f"ReplicationArrays(N={self.sites}, hopping={hop_s}, Gamma={self.drive_rate:g}, "
            f"nbar={self.nbar:g}, mbar={self.mbar:g}, kappa={kap_s})"
        )

    # -- Gaussian data --------------------------------------------------------------------------
    def _full_drift_diffusion(self) -> tuple[np.ndarray, np.ndarray]:
        n = self.sites
        gaussian.check_modes(2 * n, f"cv_replication arrays of {n} sites")  # before 2n × 2n h
        local = [
            gaussian.LocalBath(mode=i, rate=2.0 * float(kap), occupation=0.0)
            for i, kap in enumerate(self.losses)
            if kap > 0
        ]
        # paper's L_S (+2Γm̄ as printed) ⇔ engine bath with ⟨a₁^in a_{N+1}^in⟩ = −m̄
        drive = gaussian.SqueezedBath(
            modes=(0, n), rate=2.0 * self.drive_rate, nbar=self.nbar, mbar=-self.mbar
        )
        return gaussian.drift_diffusion(
            2 * n, hamiltonian=self.hopping_hamiltonian, local_baths=local, squeezed_baths=[drive]
        )

    def _chain_drift_diffusion(self) -> tuple[np.ndarray, np.ndarray]:
        """Drift and diffusion of the c chain (equal arrays only), see module docstring."""
        n = self.sites
        gaussian.check_modes(n, f"cv_replication chain of {n} sites")  # before the n × n blocks
        h = np.zeros((n, n))
        idx = np.arange(n - 1)
        h[idx, idx + 1] = self.hopping_matrix[0]
        h[idx + 1, idx] = self.hopping_matrix[0]
        local = [
            gaussian.LocalBath(mode=i, rate=2.0 * float(kap), occupation=0.0)
            for i, kap in enumerate(self.losses[:n])
            if kap > 0
        ]
        local.append(gaussian.LocalBath(mode=0, rate=2.0 * self.drive_rate, occupation=self.nbar))
        a, d = gaussian.drift_diffusion(n, hamiltonian=h, local_baths=local)
        # private helper: the engine has no single-mode squeezed bath, so add its anomalous
        # diffusion Γ_E ⟨c^in c^in⟩ Z (Z = diag(1, −1)) to the thermal part LocalBath gave.
        d[0:2, 0:2] += 2.0 * self.drive_rate * (-self.mbar) * np.diag([1.0, -1.0])
        return a, d

    def _hint(self) -> str:
        return (
            "hopping/loss: a normal mode of the arrays is not damped (a zero hopping λ_j cuts "
            "sites off the driven end and, without losses κ_j, they never reach a steady state)"
        )


def _chain_covariance(model: ReplicationArrays) -> tuple[np.ndarray, float]:
    a, d = model._chain_drift_diffusion()
    v = gaussian.steady_covariance(a, d, hint=model._hint())
    return v, gaussian.lyapunov_residual(a, d, v)


def _full_covariance(model: ReplicationArrays) -> tuple[np.ndarray, float]:
    a, d = model._full_drift_diffusion()
    v = gaussian.steady_covariance(a, d, hint=model._hint())
    return v, gaussian.lyapunov_residual(a, d, v)


def _pair_blocks_from_chain(vc: np.ndarray) -> np.ndarray:
    """(N, 4, 4) pair covariances (a_j, a_{N+j}) from the c-chain covariance."""
    n = vc.shape[0] // 2
    blocks_c = np.stack([vc[2 * j : 2 * j + 2, 2 * j : 2 * j + 2] for j in range(n)])
    blocks_d = _R @ blocks_c @ _R.T
    plus, minus = 0.5 * (blocks_c + blocks_d), 0.5 * (blocks_c - blocks_d)
    return np.block([[plus, minus], [minus, plus]])


def covariance(model: ReplicationArrays) -> np.ndarray:
    """Steady-state covariance of all 2N cavities (4N×4N, engine convention, modes 1..2N).

    Uses the c/d decomposition for equal arrays (module docstring), else the full system.
    """
    n = model.sites
    if not model.equal_arrays:
        return _full_covariance(model)[0]
    vc, _ = _chain_covariance(model)
    vd = np.kron(np.eye(n), _R) @ vc @ np.kron(np.eye(n), _R).T
    # a_j = (c_j + d_j)/√2, a_{N+j} = (c_j − d_j)/√2 in quadratures
    t = np.block([[np.eye(2 * n), np.eye(2 * n)], [np.eye(2 * n), -np.eye(2 * n)]]) / math.sqrt(2.0)
    zero = np.zeros_like(vc)
    v = t @ np.block([[vc, zero], [zero, vd]]) @ t.T
    return 0.5 * (v + v.T)


@dataclass(frozen=True)
class PairLogNegativities(ArrayResult):
    """E_N of every inter-array pair (j, N+j) of a :class:`ReplicationArrays` steady state.

    Behaves as the array ``values`` (``np.asarray``, ``len``, ``result[j]``, iteration: the
    package's convention for results that stand for one array, ``qnet_design._results``).

    Attributes
    ----------
    values
        E_N[j, N+j] for j = 1..N (natural log, vacuum-𝟙/2 convention).
    occupations
        ⟨a_j†a_j⟩ for j = 1..N (equal to ⟨a_{N+j}†a_{N+j}⟩ for equal arrays).
    drive
        E_N of the driving field, −ln(2n̄+1−2|m̄|).
    route
        ``"c/d chains"`` (one Lyapunov solve of size 2N) or ``"full"`` (size 4N).
    residual
        Relative Lyapunov residual of the solve (:func:`gaussian.lyapunov_residual`).
    """

    values: np.ndarray = field(repr=False)
    occupations: np.ndarray = field(repr=False)
    drive: float
    route: str
    residual: float

    @property
    def normalized(self) -> np.ndarray:
        """E_N^(cav) = E_N/(1 + E_N), the quantity plotted in Figs. 2-3a."""
        return self.values / (1.0 + self.values)

    def _array(self) -> np.ndarray:
        return self.values

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "pair": np.arange(1, self.values.size + 1),
                "log_negativity": self.values,
                "log_negativity_normalized": self.normalized,
                "occupation": self.occupations,
            }
        )

    def __str__(self) -> str:
        vals = self.values
        shown = ", ".join(f"{v:.4f}" for v in vals[:6]) + (", ..." if vals.size > 6 else "")
        return (
            f"E_N(j, N+j) for N={vals.size} [{self.route}]: [{shown}] (drive E_N "
            f"{self.drive:.4f}; Lyapunov residual {self.residual:.1e})"
        )


def pair_log_negativities(model: ReplicationArrays) -> PairLogNegativities:
    """E_N[j, N+j] of every inter-array pair in the steady state (paper 004, p. 3, Fig. 2).

    Raises
    ------
    UnstableError
        If some mode is not damped (e.g. a zero hopping cuts lossless sites off the drive).
    """
    n = model.sites
    if model.equal_arrays:
        vc, residual = _chain_covariance(model)
        blocks = _pair_blocks_from_chain(vc)
        route = "c/d chains"
    else:
        v, residual = _full_covariance(model)
        idx = np.arange(n)
        quad = np.stack([2 * idx, 2 * idx + 1, 2 * (idx + n), 2 * (idx + n) + 1], axis=1)
        blocks = v[quad[:, :, None], quad[:, None, :]]
        route = "full"
    values = np.atleast_1d(gaussian_log_negativity(blocks))
    occ = 0.5 * (blocks[:, 0, 0] + blocks[:, 1, 1]) - 0.5
    return PairLogNegativities(
        np.asarray(values, dtype=float), occ, model.drive_log_negativity, route, residual
    )


@dataclass(frozen=True)
class DisorderAverage:
    """Statistics of E_N[j, N+j] over random hoppings λ_j = λ_j⁰ + δ_j (paper 004, Fig. 3a).

    Attributes
    ----------
    width
        Full width w of the uniform distribution of δ_j ∈ [−w/2, w/2].
    samples
        Number of realisations.
    mean, minimum, maximum, std
        Statistics of E_N per pair j = 1..N (natural log).
    mean_normalized, minimum_normalized, maximum_normalized
        The same for E_N^(cav) = E_N/(1+E_N) (Fig. 3a plots these).
    """

    width: float
    samples: int
    seed: int | None
    mean: np.ndarray = field(repr=False)
    minimum: np.ndarray = field(repr=False)
    maximum: np.ndarray = field(repr=False)
    std: np.ndarray = field(repr=False)
    mean_normalized: np.ndarray = field(repr=False)
    minimum_normalized: np.ndarray = field(repr=False)
    maximum_normalized: np.ndarray = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "pair": np.arange(1, self.mean.size + 1),
                "log_negativity_mean": self.mean,
                "log_negativity_std": self.std,
                "log_negativity_min": self.minimum,
                "log_negativity_max": self.maximum,
                "normalized_mean": self.mean_normalized,
                "normalized_min": self.minimum_normalized,
                "normalized_max": self.maximum_normalized,
            }
        )

    def __str__(self) -> str:
        shown = ", ".join(f"{v:.4f}" for v in self.mean_normalized[:6])
        return (
            f"disorder average over {self.samples} realisations, width {self.width:g}: "
            f"mean E_N^(cav)(j, N+j) = [{shown}{', ...' if self.mean.size > 6 else ''}]"
        )


def disorder_average(
    model: ReplicationArrays,
    width: float,
    samples: int,
    seed: int | None,
    *,
    same_in_both: bool = False,
) -> DisorderAverage:
    """Average E_N[j, N+j] over random couplings λ_j = λ_j⁰ + δ_j (paper 004, Fig. 3a).

    Parameters
    ----------
    model
        The arrays; its hopping gives λ_j⁰ (the paper uses a uniform λ₀).
    width
        w ≥ 0: δ_j is uniform in [−w/2, w/2] (decision: the paper's "uniformly distributed in
        a range Δλ" is read as a range of total width Δλ).
    samples
        Number of realisations (the paper uses 500).
    seed
        Seed of ``numpy.random.default_rng`` (reproducible); ``None`` for fresh entropy.
    same_in_both
        ``False`` (the paper, "j ∈ [1, 2N]"): independent δ_j for every bond of both arrays, so
        the arrays differ. ``True``: one pattern shared by both arrays (exact replication holds).
    """
    w = check_nonnegative("width", width)
    s = check_int("samples", samples)
    if seed is not None:
        seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    base = model.hopping_matrix
    draws = np.empty((s, model.sites))
    for k in range(s):
        delta = rng.uniform(-0.5 * w, 0.5 * w, size=base.shape)
        if same_in_both:
            delta[1] = delta[0]
        draws[k] = pair_log_negativities(model.with_(hopping=base + delta)).values
    norm = draws / (1.0 + draws)
    return DisorderAverage(
        w,
        s,
        seed,
        draws.mean(axis=0),
        draws.min(axis=0),
        draws.max(axis=0),
        draws.std(axis=0),
        norm.mean(axis=0),
        norm.min(axis=0),
        norm.max(axis=0),
    )
