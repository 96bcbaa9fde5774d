"""``thermal_link`` setup → :class:`~qnet_design.schemes.thermal_link.ThermalLink` (paper 001).

Reference rate: qubit 1's waveguide decay rate γ₁ — into the intended direction for the chiral
geometry, the total radiative rate (both directions) for the bidirectional one (paper 001,
Eq. 49-53). The filter's total energy linewidth is 2κ = ω_c/Q.
"""

from __future__ import annotations

from ..errors import DeviceFileError
from ..schemes.thermal_link import ThermalLink
from ..specs.setups import SetupSpec
from ._base import Parameter, Rate, Translation
from ._contract import Context, Contract, Field, Through
from ._shared import COLD_LINK, TWO_LEVEL, TWO_PI, angular, qubit_rates, residual_occupation
from .channels import translate_channel
from .qubits import translate_qubit
from .sources import translate_thermal_source

CONTRACT = Contract(
    {
        "omega1": Context(
            "the frame (the model rotates at ω_c; Δ_i come from the layout); k₀ = ω_q/v sets "
            "the bidirectional positions",
            ("positions",),
        ),
        "gamma1": Context("reference rate γ₁, the model's unit"),
        "gamma_loss1": Field("gamma_loss1"),
        "gamma_phi1": Field("gamma_phi"),
        "anharmonicity1": TWO_LEVEL,
        "gamma2": Field("gamma2"),
        "gamma_loss2": Field("gamma_loss2"),
        "kappa": Field("kappa"),
        "flux": Through(("kappa", "n_th"), "Φ = κ n_th/2"),
        "delta1": Field("delta1"),
        "delta2": Field("delta2"),
        "n_th": Field("n_th"),
        "p_loss": Field("p_loss"),
        "geometry": Field("geometry"),
        "positions": Field("positions"),
        "residual_occupation": COLD_LINK,
    }
)


def translate(setup: SetupSpec) -> Translation:
    """Paper 001. Qubit 2 is ``qubit2`` (default: the same device as ``qubit``)."""
    q1 = translate_qubit(setup.devices["qubit"])
    q2 = translate_qubit(setup.devices["qubit2"]) if "qubit2" in setup.devices else q1
    src = translate_thermal_source(setup.devices["source"])
    ch = translate_channel(setup.devices.get("channel"), q1.omega / TWO_PI)
    geometry = setup.layout["geometry"]
    # a bidirectional waveguide couples both directions (paper 001, Eq. 49-53): the reference
    # rate is then the total radiative rate, not the intended-direction share of a chiral link
    bidirectional = geometry == "bidirectional"
    gamma = q1.gamma_radiative if bidirectional else q1.gamma
    gamma2 = q2.gamma_radiative if bidirectional else q2.gamma
    # γ′: non-guided decay, plus the wrong-way emission of a directional coupler when chiral
    loss1 = q1.gamma_intrinsic if bidirectional else q1.gamma_loss
    loss2 = q2.gamma_intrinsic if bidirectional else q2.gamma_loss
    warns = []
    if q2.gamma_phi != q1.gamma_phi:
        warns.append("qubit2 dephases at another rate; the model uses one γ_φ (qubit 1's)")
    if src.kappa >= 0.1 * gamma:
        warns.append("κ ≳ γ/10: the thermal closed forms (Markov/Bourret/analytic) lose validity")
    d1 = angular(setup.layout["detuning1"])
    d2 = angular(setup.layout["detuning2"])
    positions = None
    if bidirectional:
        zs = setup.layout.get("positions")
        if zs is None:
            zs = [
                setup.devices[r].get("position") for r in ("qubit", "qubit2") if r in setup.devices
            ]
        if zs is None or len(zs) != 2 or any(z is None for z in zs):
            raise DeviceFileError(
                f"{setup.path}: field `layout.positions` must give two qubit positions for the "
                "bidirectional geometry"
            )
        if ch.phase_velocity is None:
            raise DeviceFileError(
                f"{setup.path}: field `devices.channel` must be a channel with `phase_velocity` "
                "for the bidirectional geometry (k₀ = ω/v)"
            )
        k0 = q1.omega / ch.phase_velocity
        positions = tuple(k0 * float(z.m_as("m")) for z in zs)
    elif setup.layout.get("positions") is not None:
        raise DeviceFileError(
            f"{setup.path}: field `layout.positions` is only allowed with geometry 'bidirectional'"
        )
    rates = [
        *qubit_rates("1", q1, bidirectional),
        *qubit_rates("2", q2, bidirectional)[1:3],  # γ₂, γ′₂ (qubit 1's device without qubit2)
        Rate("kappa", "κ", src.kappa, src.notes[1]),
        Rate("flux", "Φ", src.flux, src.notes[2]),
        Rate("delta1", "Δ₁", d1, "layout.detuning1"),
        Rate("delta2", "Δ₂", d2, "layout.detuning2"),
    ]
    params = [
        Parameter("n_th", "n_th", src.n_th, src.notes[0]),
        Parameter("p_loss", "p_loss", ch.p_loss, ch.note),
        Parameter("geometry", "geometry", geometry),
        residual_occupation(ch),
    ]
    if positions is not None:
        params.append(Parameter("positions", "k₀z_i", positions, "k₀ = ω_q / v"))
    model = ThermalLink(
        n_th=src.n_th,
        kappa=src.kappa / gamma,
        gamma2=gamma2 / gamma,
        delta1=d1 / gamma,
        delta2=d2 / gamma,
        gamma_phi=q1.gamma_phi / gamma,
        gamma_loss1=loss1 / gamma,
        gamma_loss2=loss2 / gamma,
        p_loss=ch.p_loss,
        geometry=geometry,
        positions=None if positions is None else (positions[0], positions[1]),
    )
    return Translation(
        "thermal_link",
        setup.name,
        Rate("gamma", "γ₁", gamma, q1.notes[1]),
        tuple(rates),
        tuple(params),
        model,
        tuple(warns),
    )
