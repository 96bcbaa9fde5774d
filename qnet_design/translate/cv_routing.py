"""``cv_routing`` setup → :class:`~qnet_design.schemes.cv_routing.RoutingChain` (paper 002).

Reference rate: the node frequency ω = ω_m of the electromechanical chain
(:mod:`~qnet_design.translate.electromechanical` states the mapping and its assumptions).
"""

from __future__ import annotations

from ..schemes.cv_routing import RoutingChain
from ..specs.setups import SetupSpec
from ._base import Parameter, Rate, Translation
from ._contract import Contract, Field, Through
from ._shared import angular
from .electromechanical import translate_electromechanical

_ELIMINATED = Through(
    ("gamma", "n_common"),
    "γ = 4g²/κ − g²κ/(κ²/4 + 4ω_m²), n̄_common = Stokes/net (cavity adiabatically eliminated)",
)

CONTRACT = Contract(
    {
        "omega": Field("omega"),  # also the reference rate: ω = 1
        "gamma": Field("gamma"),
        "gamma_out": Field("gamma_out"),
        "j": Field("j"),
        "kappa_cavity": _ELIMINATED,
        "g": _ELIMINATED,
        "nodes": Field("nodes"),
        "r": Field("r"),
        "direction": Field("direction"),
        "cooperativity": _ELIMINATED,
        "n_local": Field("n_local"),
        "n_common": Field("n_common"),
    }
)


def translate(setup: SetupSpec) -> Translation:
    """Paper 002 on an electromechanical chain; j defaults to the matching value γ/2."""
    em = translate_electromechanical(setup.devices["mechanics"])
    omega = em.omega_m
    j_q = setup.layout.get("attachment_rate")
    j = em.gamma / 2.0 if j_q is None else angular(j_q)
    rates = [
        Rate("omega", "ω", omega, "node frequency = ω_m"),
        Rate("gamma", "γ", em.gamma, "γ = 4g²/κ − g²κ/(κ²/4 + 4ω_m²) (cavity eliminated)"),
        Rate("gamma_out", "γ_out", em.gamma_m, "γ_out = γ_m"),
        Rate("j", "j", j, "layout.attachment_rate (default γ/2)"),
        Rate("kappa_cavity", "κ", em.kappa, "cavity linewidth"),
        Rate("g", "g", em.g, "g = g₀ √n_cav"),
    ]
    params = [
        Parameter("nodes", "M", setup.layout["nodes"]),
        Parameter("r", "r", setup.layout["squeezing_r"]),
        Parameter("direction", "direction", setup.layout["direction"], "attachment of node 0"),
        Parameter("cooperativity", "C", em.cooperativity, "C = 4g²/(κ γ_m)"),
        Parameter("n_local", "N̄_k", em.n_bath, "Bose(ω_m, T_bath)"),
        Parameter("n_common", "N̄_l,l+1", em.n_common, "Stokes backaction ≈ (κ/4ω_m)²"),
    ]
    model = RoutingChain(
        nodes=setup.layout["nodes"],
        r=setup.layout["squeezing_r"],
        j=j / omega,
        gamma=em.gamma / omega,
        gamma_out=em.gamma_m / omega,
        omega=1.0,
        direction=setup.layout["direction"],
        n_local=em.n_bath,
        n_common=em.n_common,
    )
    warns = list(em.warnings)
    if em.gamma < 0.1 * omega:
        warns.append(
            f"γ/ω = {em.gamma / omega:.2g}: paper 002 routes entanglement for γ comparable to ω "
            "(γ/ω = 0.8); a much weaker engineered dissipation entangles few nodes, if any"
        )
    reference = Rate("omega", "ω", omega, "mechanical frequency")
    return Translation.of(setup, reference, rates, params, model, warns)
