"""``cooperative`` setup → :class:`~qnet_design.schemes.cooperative.CooperativeArray`
(paper 003).

Paper 003 writes κ·L[o] with L[o]ρ = 2oρo† − …, i.e. 2κ·D[o]: a single qubit's energy decay
rate into the common reservoir is 2κ, so κ_paper = γ/2 and α_paper = γ′/2. The common
reservoir is the whole waveguide, both directions: γ is the total radiative rate here and γ′
only the intrinsic (non-guided) decay. Reference rate: the qubit frequency ω.
"""

from __future__ import annotations

from ..errors import DeviceFileError
from ..schemes.cooperative import CooperativeArray
from ..specs.setups import SetupSpec
from ._base import Parameter, Rate, Translation
from ._contract import Context, Contract, Field
from ._shared import angular
from .qubits import translate_qubit

CONTRACT = Contract(
    {
        "omega": Field("omega"),  # also the reference rate: ω = 1
        "kappa": Field("kappa"),
        "alpha": Field("alpha"),
        "gamma_phi": Field("dephasing"),
        "qubits": Field("qubits"),
        "detunings": Field("detunings"),
        "initial": Context("the initial product state of the budget's transient"),
    }
)


def translate(setup: SetupSpec) -> Translation:
    """Paper 003: N identical qubits on one waveguide, detuned by ``layout.detunings``."""
    q = translate_qubit(setup.devices["qubit"])
    n = int(setup.layout["qubits"])
    dets = setup.layout.get("detunings")
    if dets is None:
        deltas = (0.0,) * n
    elif len(dets) == 1:
        deltas = (angular(dets[0]),) * n
    elif len(dets) == n:
        deltas = tuple(angular(d) for d in dets)
    else:
        raise DeviceFileError(
            f"{setup.path}: field `layout.detunings` must have 1 or {n} entries, got {len(dets)}"
        )
    initial = setup.layout.get("initial") or "1" + "0" * (n - 1)
    if len(initial) != n:
        raise DeviceFileError(
            f"{setup.path}: field `layout.initial` must have one character per qubit "
            f"(layout.qubits = {n}), got {initial!r}"
        )
    omega = q.omega
    gamma, gamma_loss = q.gamma_radiative, q.gamma_intrinsic
    rates = [
        Rate("omega", "ω", omega, q.notes[0]),
        Rate("kappa", "κ", gamma / 2.0, "κ = γ_rad/2 (paper 003's L carries a factor 2)"),
        Rate("alpha", "α", gamma_loss / 2.0, "α = γ′_int/2 (same convention)"),
        Rate("gamma_phi", "γ_φ", q.gamma_phi, q.notes[3]),
    ]
    params = [
        Parameter("qubits", "N", n),
        Parameter("detunings", "δ_i/ω", tuple(d / omega for d in deltas), "layout.detunings"),
        Parameter("initial", "ψ(0)", initial),
    ]
    model = CooperativeArray(
        qubits=n,
        kappa=gamma / 2.0 / omega,
        alpha=gamma_loss / 2.0 / omega,
        detunings=tuple(d / omega for d in deltas),
        omega=1.0,
        dephasing=q.gamma_phi / omega,
    )
    reference = Rate("omega", "ω", omega, "qubit frequency")
    return Translation.of(setup, reference, rates, params, model)
