"""Budget of a ``dual_rail`` setup (paper 000): how many pairs, how entangled, how fast.

Figures:

* ``C_11``, ``C_22`` — steady-state concurrences of the first two pairs of the finite-bandwidth
  network (Eq. 11 with every imperfection of the setup) at δ = 0, computed directly (pair k
  needs only pairs ≤ k); paper 000 evaluates N_ent at δ_A = 0, where the state forms slowest,
  as an upper bound for every other detuning pattern (text after Fig. 4b);
* ``n_ent`` — paper 000's estimate C₁₁/(C₁₁ − C₂₂) from those two (Fig. 4b), reported next to
  the directly computed C_kk, never instead of them;
* ``t_prep`` — T_prep of the setup's N pairs in the ideal broadband network (Eq. 1, Fig. 3:
  [1 − Tr ρ²]/N falls to 10⁻³ from all qubits in |0⟩), in µs;
* ``pair_rate`` — entangled pairs delivered per second, min(N, max(#{C_kk > 0}, ⌊N_ent⌋))/T_prep
  (the setup's pairs known to be entangled — computed directly or extrapolated — divided by the
  time to prepare them);
* profile ``C_ij`` — the concurrence matrix of the setup's layout in the ideal broadband state
  (Eq. 9: which qubits the detuning pattern and permutation entangle with which).

Error budget (headline N_ent), in this order from the ideal network (broadband source, no
dephasing, no loss, δ = 0; N_ent = ∞ there): finite bandwidth β, dephasing γ_φ,
decay into non-guided modes γ′, propagation loss p_loss. Each step is a two-pair
finite-bandwidth solve (tens of seconds to minutes).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from ..errors import ConvergenceError
from ..schemes import dual_rail as dr
from ..specs.setups import SetupSpec
from ..translate import Translation
from ._common import converged, error_budget, timed
from ._types import Budget, BudgetStep, Figure


def _two_pairs(model: dr.DualRail) -> dr.DualRail:
    """The first two pairs at δ = 0, with every imperfection of ``model`` (paper 000, Fig. 4b:
    δ_A = 0 is where the steady state forms slowest, so N_ent there bounds the other states)."""
    return dr.DualRail(
        2,
        model.r,
        beta=model.beta,
        beta_b=model.beta_b,
        gamma_phi=model.gamma_phi,
        gamma_loss=model.gamma_loss,
        p_loss=model.p_loss,
    )


def _n_ent(model: dr.DualRail) -> float:
    if model.broadband:
        return math.inf  # Eq. 1: C_kk = tanh 2r for every k
    return dr.n_ent(model).estimate


def budget(setup: SetupSpec, tr: Translation, full: bool) -> Budget:
    timings: dict[str, float] = {}
    gamma = tr.reference.angular
    model = tr.model_as(dr.DualRail)
    two = _two_pairs(model)
    warnings: list[str] = []
    with timed(timings, "steady_state"):
        ne = dr.n_ent(two)
    direct = f"{ne.state.method} steady state at δ = 0, computed directly"
    evidence = str(ne.state.convergence or "")
    figures = [
        Figure("C_11", ne.c_kk[0], "", direct, converged(ne.state), evidence=evidence),
        Figure("C_22", ne.c_kk[1], "", direct, converged(ne.state), evidence=evidence),
        Figure(
            "n_ent",
            ne.estimate,
            "",
            "C11/(C11−C22) extrapolation (paper 000 Fig. 4b)",
            converged(ne.state),
            "an estimate; C_11, C_22 are computed directly",
            evidence,
        ),
    ]
    ideal = dr.DualRail(model.pairs, model.r, model.delta_a, model.permutation)
    with timed(timings, "prep_time"):
        try:
            prep = dr.prep_time(ideal)
        except ConvergenceError as exc:
            prep = None
            warnings.append(f"T_prep not computed: {exc}")
    if prep is not None:
        t_prep_s = prep.t_prep / gamma
        # pairs known to be entangled: the directly computed C_kk > 0, or the extrapolation
        estimate = math.floor(ne.estimate) if math.isfinite(ne.estimate) else model.pairs
        usable = min(model.pairs, max(ne.direct, estimate))
        figures += [
            Figure("t_prep", t_prep_s * 1e6, "us", "broadband Eq. 1, [1−Tr ρ²]/N = 1e-3"),
            Figure(
                "pair_rate", usable / t_prep_s, "1/s", "min(N, max(#{C_kk > 0}, ⌊N_ent⌋))/T_prep"
            ),
        ]
    with timed(timings, "concurrence_matrix"):
        c_ideal = dr.concurrence_matrix(ideal).matrix
    profiles: dict[str, Any] = {"C_ij ideal (broadband Eq. 9)": np.asarray(c_ideal)}
    steps: tuple[BudgetStep, ...] = ()
    if full:
        start = replace(two, beta=None, beta_b=None, gamma_phi=0.0, gamma_loss=0.0, p_loss=0.0)
        plan: list[tuple[str, dict[str, Any]]] = [
            ("finite bandwidth β", {"beta": two.beta, "beta_b": two.beta_b}),
            ("dephasing γ_φ", {"gamma_phi": two.gamma_phi}),
            ("non-guided decay γ′", {"gamma_loss": two.gamma_loss}),
            ("propagation loss p_loss", {"p_loss": two.p_loss}),
        ]
        with timed(timings, "error_budget"):
            steps = error_budget(start, plan, "n_ent", _n_ent)
    return Budget(
        "dual_rail", setup.name, tuple(figures), steps, tuple(warnings), timings, profiles
    )
