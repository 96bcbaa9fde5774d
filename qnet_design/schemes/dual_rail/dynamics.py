"""Dynamics of the dual-rail network: preparation time from all qubits in |0⟩ (Fig. 3)."""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ..._checks import check_positive
from ...errors import ConvergenceError, NotImplementedSchemeError
from ...metrics import crossing_time, purity
from ...solvers.cascaded import liouvillian
from .analytic import analytic_state
from .model import DualRail
from .operators import _prefix_model
from .results import PrepTime
from .steady import steady_state


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
