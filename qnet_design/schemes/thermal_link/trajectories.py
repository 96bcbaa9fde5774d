r"""Stochastic phase-space trajectories of paper 001 (Sec. II C, Eq. 14-16).

The cavity amplitude follows the complex Ornstein–Uhlenbeck process of Eq. 14,
dα = −κα dt + √(κ n_th) dW (⟨|dW|²⟩ = dt, stationary ⟨|α|²⟩ = n_th/2), sampled exactly on the
time grid: α(t+h) = α(t) e^{−κh} + √(n_th/2 · (1 − e^{−2κh})) ξ with ξ a unit complex normal.
For each path the qubit operator μ(t) obeys the linear equation μ̇ = (𝓛_q + α𝓛₊ + α*𝓛₋) μ
(Eq. 15-16; same superoperators as the hierarchy, :mod:`._liouville`), integrated with RK4
and α linearly interpolated inside a step. ρ_q(t) = ⟨μ(t)⟩ over the paths (Eq. 10); at t = 0
the cavity is thermal (α drawn from the stationary distribution) and μ = ρ_q(0).

For the bidirectional geometry the same scheme integrates Eq. 51-52 (no backaction of the qubits
on the cavity, as in App. C / Fig. 6). All trajectories are advanced together as one
(16, n_traj) array. The standard error of C(⟨μ⟩) is a jackknife estimate over 20 batches of
paths. Results are reproducible from ``seed``.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from ...errors import ParameterError
from ...metrics import concurrence as _wootters
from ...progress import progress
from ...solvers.convergence import Convergence
from . import _size
from ._liouville import ground_state, qubit_superops
from ._numerics import check_initial, check_times
from .model import ThermalLink
from .results import Evolution, SteadyState, as_qobj, concurrences

DEFAULT_TRAJECTORIES = 2000
_BATCHES = 20


def _time_step(model: ThermalLink) -> float:
    """RK4 step: 1/4 of the inverse of the fastest rate (decay incl. the thermal link's
    (2n_link + 1) and the loss γ′, detuning, dephasing and the drive amplitude √(κγ)|α| at
    3 standard deviations of |α|)."""
    gmax = max(model.gamma1, model.gamma2)
    rate = (
        gmax * (1.0 + 2.0 * model.n_link)
        + max(model.gamma_loss1, model.gamma_loss2)
        + abs(model.delta1)
        + abs(model.delta2)
        + model.gamma_phi
        + 3.0 * math.sqrt(model.kappa * gmax * model.n_th / 2.0)
    )
    return 0.25 / rate


def _jackknife(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concurrence of the mean and its jackknife standard error over batches.

    ``stack`` has shape (batches, n_times, 4, 4) with each batch's mean state.
    """
    b = stack.shape[0]
    total = stack.mean(axis=0)
    c_all = concurrences(total)
    loo = (b * total[None] - stack) / (b - 1)
    c_loo = np.array([concurrences(x) for x in loo])
    err = np.sqrt((b - 1) / b * np.sum((c_loo - c_loo.mean(axis=0)) ** 2, axis=0))
    return c_all, err


def _run(
    model: ThermalLink,
    times: np.ndarray,
    rho0: np.ndarray,
    n_traj: int,
    rng: np.random.Generator,
    dt_max: float,
    average_from: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Integrate all paths; returns per-batch mean states at ``times`` (B, T, 4, 4) and, if
    ``average_from`` is set, the per-batch time average over t ≥ average_from (B, 4, 4)."""
    _size.trajectories(model, n_traj, float(times[-1]) / dt_max, len(times))
    ops = qubit_superops(model)
    # sparse 16 x 16 superoperators acting on a (16, n_traj) block: no BLAS threading
    # overhead for these small products (numbers of nonzeros: ~40, 32, 32)
    lq, lp, lm = (sp.csr_matrix(x) for x in (ops.lq, ops.lplus, ops.lminus))
    s = math.sqrt(model.n_th / 2.0)
    alpha = s * (rng.standard_normal(n_traj) + 1j * rng.standard_normal(n_traj)) / math.sqrt(2)
    mu = np.tile(rho0.reshape(16, 1, order="F"), (1, n_traj)).astype(complex)
    batch = np.arange(n_traj) % _BATCHES
    counts = np.bincount(batch, minlength=_BATCHES)[:, None]
    onehot = sp.csr_matrix((np.ones(n_traj), (np.arange(n_traj), batch)), (n_traj, _BATCHES))
    out = np.zeros((_BATCHES, len(times), 16), dtype=complex)
    avg = np.zeros((_BATCHES, 16), dtype=complex)
    n_avg = 0

    def rhs(m: np.ndarray, a: np.ndarray) -> np.ndarray:
        return lq @ m + (lp @ m) * a[None, :] + (lm @ m) * np.conj(a)[None, :]

    def batch_mean(m: np.ndarray) -> np.ndarray:
        return (m @ onehot) / counts.T  # (16, batches)

    t = 0.0
    for i, t_next in enumerate(times):
        span = t_next - t
        n_sub = max(1, math.ceil(span / dt_max - 1e-12)) if span > 0 else 0
        h = span / n_sub if n_sub else 0.0
        decay = math.exp(-model.kappa * h)
        spread = s * math.sqrt(max(0.0, 1.0 - decay * decay) / 2.0)
        for _ in range(n_sub):
            noise = rng.standard_normal(n_traj) + 1j * rng.standard_normal(n_traj)
            a_new = alpha * decay + spread * noise
            a_mid = 0.5 * (alpha + a_new)
            k1 = rhs(mu, alpha)
            k2 = rhs(mu + 0.5 * h * k1, a_mid)
            k3 = rhs(mu + 0.5 * h * k2, a_mid)
            k4 = rhs(mu + h * k3, a_new)
            mu = mu + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
            alpha = a_new
            t += h
            if average_from is not None and t >= average_from:
                avg += batch_mean(mu).T
                n_avg += 1
        t = float(t_next)
        out[:, i] = batch_mean(mu).T
        progress("trajectories", f"{n_traj} paths, t = {t:.4g} of {times[-1]:.4g} /γ")
    states = out.reshape(_BATCHES, len(times), 4, 4).transpose(0, 1, 3, 2)
    time_avg = (avg / max(n_avg, 1)).reshape(_BATCHES, 4, 4).transpose(0, 2, 1)
    return states, time_avg


def _check_run(n_traj: object, seed: object) -> int:
    if isinstance(n_traj, bool) or not isinstance(n_traj, (int, np.integer)):
        raise ParameterError(f"`n_traj` must be an integer >= {2 * _BATCHES}, got {n_traj!r}")
    if n_traj < 2 * _BATCHES:
        raise ParameterError(f"`n_traj` must be an integer >= {2 * _BATCHES}, got {n_traj!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise ParameterError(f"`seed` must be an integer or None, got {seed!r}")
    return int(n_traj)


def evolve(
    model: ThermalLink,
    times: np.ndarray,
    *,
    initial: np.ndarray | None = None,
    n_traj: int = DEFAULT_TRAJECTORIES,
    seed: int | None = 0,
    dt: float | None = None,
) -> Evolution:
    """ρ_q(t) = ⟨μ(t)⟩_st from ``n_traj`` paths (Eq. 14-15), with a standard error on C(t).

    ``convergence.change`` holds the largest standard error of C(t) over the grid and
    ``tolerance`` is ``inf``: a sampling estimate has an error bar, not a truncation test.
    """
    times = check_times(times)
    n = _check_run(n_traj, seed)
    rho0 = ground_state() if initial is None else check_initial(initial)
    step = _time_step(model) if dt is None else float(dt)
    if not step > 0:
        raise ParameterError(f"`dt` must be > 0, got {dt!r}")
    states, _ = _run(model, times, rho0, n, np.random.default_rng(seed), step)
    conc, err = _jackknife(states)
    rhos = states.mean(axis=0)
    conv = Convergence(
        "trajectories",
        n,
        float(np.max(err)),
        math.inf,
        f"{n} paths, seed {seed}, RK4 step {step:.3g}/gamma; change = max standard error of C",
    )
    return Evolution(model, "trajectories", times, rhos, conc, conv, err)


def steady_state(
    model: ThermalLink,
    *,
    n_traj: int = DEFAULT_TRAJECTORIES,
    seed: int | None = 0,
    t_relax: float | None = None,
    t_average: float | None = None,
    dt: float | None = None,
) -> SteadyState:
    """Steady state from paths: burn-in ``t_relax`` then a time average over ``t_average``.

    Defaults: t_relax = 10/min(κ, γ) + 10 and t_average = 5/κ (at most 2000/γ each) — the
    singlet population relaxes on the slow scale 1/κ (Sec. V A), so small κ is expensive.
    """
    n = _check_run(n_traj, seed)
    relax = min(10.0 / min(model.kappa, 1.0) + 10.0, 2000.0) if t_relax is None else t_relax
    window = min(5.0 / model.kappa, 2000.0) if t_average is None else t_average
    if not (relax >= 0 and window > 0):
        raise ParameterError(
            f"`t_relax` must be >= 0 and `t_average` > 0, got {t_relax!r}, {t_average!r}"
        )
    step = _time_step(model) if dt is None else float(dt)
    times = np.array([relax, relax + window])
    _, avg = _run(
        model, times, ground_state(), n, np.random.default_rng(seed), step, average_from=relax
    )
    _, err = _jackknife(avg[:, None])
    rho = avg.mean(axis=0)
    rho = 0.5 * (rho + rho.conj().T)
    conv = Convergence(
        "trajectories",
        n,
        float(err[0]),
        math.inf,
        f"{n} paths, seed {seed}, burn-in {relax:g}/gamma, time average over {window:g}/gamma",
    )
    return SteadyState(model, "trajectories", as_qobj(rho), _wootters(rho), conv, float(err[0]))


__all__ = ["evolve", "steady_state"]
