"""Budget of a ``cv_routing`` setup (paper 002): how far entanglement routes along the chain.

Figures: E_N(0, m) to every channel node (profile), E_N(0, 1), E_N(0, 2) (paper Fig. 2's
quantity), the propagation depth M_max (largest node entangled with the squeezed node), the
stability margin −max Re eig(A) (1/µs; the scheme refuses unstable parameters) and the mean
occupation of node M_max (the heating that limits routing, Fig. 3b).

Error budget (headline M_max), in this order from the ideal chain (zero-temperature baths, no
local decay γ_out): local decay γ_out, local bath occupation N̄_k, common-bath occupation
N̄_{l,l+1}. A step that makes the chain unstable is reported as NaN with a warning; an unstable
setup has no error budget (without γ_out the chain is no more stable, and the occupations do
not enter the drift matrix).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import UnstableError
from ..schemes import cv_routing as cr
from ..specs.setups import SetupSpec
from ..translate import Translation
from ._common import error_budget, timed
from ._types import Budget, BudgetStep, Figure, Profile


def budget(setup: SetupSpec, tr: Translation, full: bool) -> Budget:
    timings: dict[str, float] = {}
    model = tr.model_as(cr.RoutingChain)
    warnings: list[str] = []
    margin = cr.stability_margin(model)
    figures = [Figure("stability_margin", tr.to_rate(margin, "1/us"), "1/us", "−max Re eig(A)")]
    profiles: dict[str, Profile] = {}
    if margin <= 0:
        warnings.append(
            "the chain is unstable (no steady state): lower the squeezing r or the coupling j"
        )
    else:
        with timed(timings, "steady_state"):
            profile = cr.log_negativity_profile(model)
        en = np.asarray(profile.log_negativity)
        m_max = profile.max_entangled_node
        method = "Lyapunov steady state (Gaussian)"
        figures += [
            Figure("E_N_01", float(en[0]), "", method),
            Figure("E_N_02", float(en[1]) if en.size > 1 else math.nan, "", method),
            Figure("M_max", float(m_max), "", method + f", E_N > {cr.ENTANGLEMENT_THRESHOLD:g}"),
        ]
        if m_max:
            occupation = float(profile.occupation[m_max - 1])
            figures.append(Figure("occupation_M_max", occupation, "", method))
        nodes = np.arange(1, en.size + 1)
        profiles["E_N(0,m)"] = Profile(en, nodes, "channel node m", "log-negativity E_N(0, m)")
    steps: tuple[BudgetStep, ...] = ()
    if full and margin > 0:

        def depth(m: cr.RoutingChain) -> float:
            try:
                return float(cr.max_entangled_node(m))
            except UnstableError:
                warnings.append(
                    f"error budget: the chain with γ_out = {m.gamma_out:g} ω is unstable "
                    "(no steady state): M_max is NaN"
                )
                return math.nan

        ideal = cr.RoutingChain(
            model.nodes, model.r, model.j, model.gamma, 0.0, model.omega, model.direction
        )
        plan: list[tuple[str, dict[str, Any]]] = [
            ("local decay γ_out", {"gamma_out": model.gamma_out}),
            ("local bath occupation N̄_k", {"n_local": model.n_local}),
            ("common-bath occupation N̄_l,l+1", {"n_common": model.n_common}),
        ]
        with timed(timings, "error_budget"):
            steps = error_budget(ideal, plan, "M_max", depth)
    return Budget(
        "cv_routing", setup.name, tuple(figures), tuple(steps), tuple(warnings), timings, profiles
    )
