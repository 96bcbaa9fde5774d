"""``cv_replication`` setup → :class:`~qnet_design.schemes.cv_replication.ReplicationArrays`
(paper 004).

Paper 004 writes its losses and drive as *amplitude* rates (κ_j(2aρa† − {·}), energy rate
2κ_j): a cavity linewidth Δf (energy rate 2πΔf) gives κ = πΔf and a drive linewidth f_Γ gives
Γ = π f_Γ. The hopping λ is a coherent coupling, λ = 2π × hopping (two coupled cavities split
by 2λ). The reference rate is the drive's amplitude rate Γ.
"""

from __future__ import annotations

import math

from ..errors import DeviceFileError
from ..schemes.cv_replication import ReplicationArrays
from ..specs.setups import SetupSpec
from ._base import Parameter, Rate, Translation
from ._contract import Context, Contract, Field, NotModelled, Through
from ._shared import angular
from .sources import translate_squeezer

#: paper 004 drives the arrays with a broadband (Markovian) squeezed bath: a source linewidth
#: comparable to Γ (amplitude rate; units of Γ below) is a finite bandwidth the model lacks
_BROADBAND = NotModelled(
    "paper 004's squeezed bath is broadband (Markovian); the source bandwidth is taken as infinite",
    matters_below=10.0,
)

CONTRACT = Contract(
    {
        "drive_rate": Field("drive_rate"),  # also the reference rate: Γ = 1
        "hopping": Through(("hopping",), "λ_j = λ on every bond of both arrays"),
        "loss": Through(("loss",), "κ_j = κ on every cavity"),
        "source_linewidth_a": _BROADBAND,
        "source_linewidth_b": _BROADBAND,
        "sites": Field("sites"),
        "nbar": Field("nbar"),
        "mbar": Field("mbar"),
        "r": Context("the source's squeezing, which sets n̄ and m̄", ("nbar", "mbar")),
    }
)


def translate(setup: SetupSpec) -> Translation:
    """Paper 004 with uniform hopping and uniform cavity losses."""
    s = translate_squeezer(setup.devices["source"])
    if setup.layout["hopping"] is None or setup.layout["drive_rate"] is None:
        raise DeviceFileError(
            f"{setup.path}: fields `layout.hopping` and `layout.drive_rate` are required for "
            "cv_replication"
        )
    drive = math.pi * float(setup.layout["drive_rate"].m_as("Hz"))
    hop = angular(setup.layout["hopping"])
    loss = math.pi * float(setup.layout["cavity_linewidth"].m_as("Hz"))
    warns = [] if s.entangled else [f"source: m̄ = {s.mbar:.3g} <= n̄ = {s.nbar:.3g}: separable"]
    rates = [
        Rate("drive_rate", "Γ", drive, "Γ = π × drive_rate (amplitude rate, paper 004)"),
        Rate("hopping", "λ", hop, "λ = 2π × hopping"),
        Rate("loss", "κ_j", loss, "κ = π × cavity_linewidth (amplitude rate)"),
        Rate("source_linewidth_a", "κ_A", s.kappa_a, s.notes[1]),
        Rate("source_linewidth_b", "κ_B", s.kappa_b, s.notes[1]),
    ]
    params = [
        Parameter("sites", "N", setup.layout["sites"]),
        Parameter("nbar", "n̄", s.nbar, s.notes[2]),
        Parameter("mbar", "m̄", s.mbar, s.notes[2]),
        Parameter("r", "r", s.r, s.notes[0]),
    ]
    model = ReplicationArrays(
        sites=setup.layout["sites"],
        hopping=hop / drive,
        drive_rate=1.0,
        nbar=s.nbar,
        mbar=s.mbar,
        loss=loss / drive,
    )
    reference = Rate("drive_rate", "Γ", drive, "drive amplitude rate")
    return Translation.of(setup, reference, rates, params, model, warns)
