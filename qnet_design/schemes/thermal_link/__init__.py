"""Scheme `thermal_link` (paper 001): two qubits entangled by filtered thermal noise.

Agustí, Schneider, Fedorov, Filipp, Rabl (2025), "Non-Markovian thermal reservoirs for
autonomous entanglement distribution". Units: rates in γ₁ (qubit 1's waveguide decay rate),
times in 1/γ₁; the filter cavity has total energy linewidth 2κ = ω_c/Q, mean occupation
n_th/2 and emits the photon flux Φ = κ n_th/2.

Examples
--------
>>> from qnet_design.schemes.thermal_link import ThermalLink, concurrence
>>> res = concurrence(ThermalLink(n_th=2.0, kappa=0.05))
>>> res.method, round(float(res), 3)
('fock', 0.146)
"""

from .api import (
    APPROXIMATE_METHODS as APPROXIMATE_METHODS,
    EXACT_METHODS as EXACT_METHODS,
    METHODS as METHODS,
    ConcurrenceResult as ConcurrenceResult,
    auto_method as auto_method,
    bose_occupation as bose_occupation,
    concurrence as concurrence,
    evolve as evolve,
    exact_kappa_max as exact_kappa_max,
    steady_state as steady_state,
)
from .maps import ConcurrenceMap as ConcurrenceMap, concurrence_map as concurrence_map
from .model import ThermalLink as ThermalLink
from .results import Evolution as Evolution, SteadyState as SteadyState

__all__ = [
    "APPROXIMATE_METHODS",
    "EXACT_METHODS",
    "METHODS",
    "ConcurrenceMap",
    "ConcurrenceResult",
    "Evolution",
    "SteadyState",
    "ThermalLink",
    "auto_method",
    "bose_occupation",
    "concurrence",
    "concurrence_map",
    "evolve",
    "exact_kappa_max",
    "steady_state",
]
