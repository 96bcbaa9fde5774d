"""Scheme ``cooperative``: entanglement from cooperative dissipation (paper 003).

Yang, Wang, Li, Hu, You (2021), "Entanglement emerges from dissipation-structured quantum
self-organization".  N qubits decay into a common reservoir through o⁻ = Σ_i e^{iφ_i} σ_i⁻
(paper Eq. 1–2; dissipator L[o] = 2 D[o]); a non-equilibrium initial state relaxes into its
dark ("least dissipation") component, an entangled mixed state such as
ρ₂(∞) = (|Ψ₋⟩⟨Ψ₋| + |00⟩⟨00|)/2.  See :mod:`.model` for every convention, :mod:`.solve` for the
solvers, :mod:`.dicke` for the permutation-symmetric route and :mod:`.clockwork` for the
pumped qubit–qudit "quantum clockwork" of Fig. 1(c)/3(e).
"""

from .clockwork import (
    Clockwork as Clockwork,
    ClockworkEvolution as ClockworkEvolution,
    ClockworkSteadyState as ClockworkSteadyState,
    clockwork_evolve as clockwork_evolve,
    clockwork_steady_state as clockwork_steady_state,
)
from .model import (
    CooperativeArray as CooperativeArray,
    bell_state as bell_state,
    dicke_state as dicke_state,
    product_state as product_state,
)
from .results import (
    DarkSubspace as DarkSubspace,
    Evolution as Evolution,
    FinalState as FinalState,
)
from .solve import (
    dark_decay_rate as dark_decay_rate,
    dark_states as dark_states,
    evolve as evolve,
    final_state as final_state,
)

__all__ = [
    "Clockwork",
    "ClockworkEvolution",
    "ClockworkSteadyState",
    "CooperativeArray",
    "DarkSubspace",
    "Evolution",
    "FinalState",
    "bell_state",
    "clockwork_evolve",
    "clockwork_steady_state",
    "dark_decay_rate",
    "dark_states",
    "dicke_state",
    "evolve",
    "final_state",
    "product_state",
]
