"""Pieces every scheme translator shares: qubit rate rows, layout frequencies, common rules."""

from __future__ import annotations

import math
from typing import Any

from ._base import Parameter, Rate
from ._contract import NotModelled
from .channels import RESIDUAL_THERMAL_WARNING, ChannelRates
from .qubits import QubitRates

TWO_PI = 2.0 * math.pi

#: a qubit's anharmonicity: the models' qubits are two-level systems (|α| → ∞); a finite α
#: only matters when it is not large against the reference (waveguide) rate
TWO_LEVEL = NotModelled("the model's qubits are two-level systems (|α| → ∞)", matters_below=10.0)

#: the residual thermal occupation of a link at its base temperature
COLD_LINK = NotModelled(
    "the model assumes a zero-temperature waveguide", matters_above=RESIDUAL_THERMAL_WARNING
)


def angular(frequency: Any) -> float:
    """A cyclic layout frequency (pint quantity) as an angular rate 2π f in 1/s."""
    return TWO_PI * float(frequency.m_as("Hz"))


def qubit_rates(prefix: str, q: QubitRates, both_directions: bool = False) -> list[Rate]:
    """The qubit's rates; ``both_directions`` for geometries that use the whole waveguide (the
    radiative rate counts both directions, γ′ only the non-guided decay)."""
    gamma, gamma_loss = (
        (q.gamma_radiative, q.gamma_intrinsic) if both_directions else (q.gamma, q.gamma_loss)
    )
    rates = [
        Rate(f"omega{prefix}", f"ω_q{prefix}", q.omega, q.notes[0]),
        Rate(f"gamma{prefix}", f"γ{prefix}", gamma, q.notes[1]),
        Rate(f"gamma_loss{prefix}", f"γ′{prefix}", gamma_loss, q.notes[2]),
        Rate(f"gamma_phi{prefix}", f"γ_φ{prefix}", q.gamma_phi, q.notes[3]),
    ]
    if q.anharmonicity is not None:
        rates.append(Rate(f"anharmonicity{prefix}", f"α{prefix}", q.anharmonicity, q.notes[0]))
    return rates


def residual_occupation(channel: ChannelRates) -> Parameter:
    """The link's residual thermal occupation at the qubit frequency (declared by the schemes
    as :data:`COLD_LINK`)."""
    n_res = channel.residual_occupation
    return Parameter("residual_occupation", "n_res", n_res, "Bose(f_q, T_base)")
