"""``dual_rail`` setup → :class:`~qnet_design.schemes.dual_rail.DualRail` (paper 000).

Reference rate: the qubits' waveguide decay rate γ into the intended direction. The source
modes decay with κ·D[a] (β = κ/γ); detunings are against each output's centre frequency.

Two imperfections a device file can describe have no term in paper 000's model (Eq. 11): the
source's added noise n_T (the model's source is pure two-mode squeezing) and the link's residual
thermal occupation (the model's waveguide is at zero temperature). Both are declared not
modelled and warned about while they are small; above :data:`MAX_SOURCE_NOISE` and
:data:`MAX_LINK_OCCUPATION` the translation is refused, because the figures of the noiseless,
cold model would then be a confident overestimate (a source with n_T = 1.5 and 20 dB of gain
would be computed as an almost perfect Bell-pair source). Both thresholds are 1 % of a photon:
either adds that fraction of an incoherent excitation per qubit lifetime, a correction of the
order of the other small imperfections the model does include.
"""

from __future__ import annotations

from ..errors import DeviceFileError
from ..schemes.dual_rail import DualRail
from ..specs.setups import SetupSpec
from ._base import Parameter, Rate, Translation
from ._contract import Context, Contract, Field, NotModelled, Through
from ._shared import COLD_LINK, TWO_LEVEL, TWO_PI, angular, qubit_rates, residual_occupation
from .channels import translate_channel
from .qubits import translate_qubit
from .sources import translate_squeezer

MAX_SOURCE_NOISE = 1e-2
MAX_LINK_OCCUPATION = 1e-2

CONTRACT = Contract(
    {
        "omega": Context("the qubits' frame: δ_A,1 = ω_q − ω_A enters as delta_a1"),
        "gamma": Context("reference rate γ, the model's unit"),
        "gamma_loss": Field("gamma_loss"),
        "gamma_phi": Field("gamma_phi"),
        "anharmonicity": TWO_LEVEL,
        "kappa_a": Field("beta"),
        "kappa_b": Through(("beta_b",), "β_B = κ_B/γ (None when κ_B = κ_A)"),
        "delta_a1": Through(("delta_a",), "δ_A,i = δ_A,1 + (i − 1)Δ"),
        "detuning_step": Through(("delta_a",), "δ_A,i = δ_A,1 + (i − 1)Δ"),
        "r": Field("r"),
        "p_loss": Field("p_loss"),
        "pairs": Field("pairs"),
        "permutation": Through(("permutation",), "'identity' is None"),
        "n_thermal": NotModelled(
            "paper 000's source is pure two-mode squeezing; r is used, the added noise dropped"
        ),
        "residual_occupation": COLD_LINK,
    }
)


def translate(setup: SetupSpec) -> Translation:
    """Paper 000. Detunings: the first pair's qubits sit at their devices' f01 (``qubit`` on rail
    A, ``qubit_b`` — default the same device — on rail B), so δ_A,1 = 2π(f01_A − f_A) and
    δ_B,1 = 2π(f01_B − f_B) against each output's centre frequency; the layout's
    ``detuning_step`` Δ adds δ_A,i = δ_A,1 + (i − 1)Δ. The pure steady states of paper 000 need
    δ_B = −P δ_A, which the model imposes; a rail-B qubit tuned elsewhere is refused with the
    frequency it should have."""
    q = translate_qubit(setup.devices["qubit"])
    q_b = translate_qubit(setup.devices["qubit_b"]) if "qubit_b" in setup.devices else q
    s = translate_squeezer(setup.devices["source"])
    ch = translate_channel(setup.devices.get("channel"), q.omega / TWO_PI)
    gamma = q.gamma
    pairs = int(setup.layout["pairs"])
    step = angular(setup.layout["detuning_step"])
    offset_a = q.omega - s.omega_a
    offset_b = q_b.omega - s.omega_b
    delta_a = tuple((offset_a + i * step) / gamma for i in range(pairs))
    perm = setup.layout["permutation"]
    if perm == "identity":
        permutation = None
    elif perm == "reversed":
        permutation = tuple(reversed(range(pairs)))
    else:
        if len(perm) != pairs:
            raise DeviceFileError(
                f"{setup.path}: field `layout.permutation` must have {pairs} entries "
                f"(layout.pairs), got {len(perm)}"
            )
        permutation = tuple(perm)
    first_b = permutation[0] if permutation else 0
    if abs(offset_b + offset_a + first_b * step) > 1e-6 * gamma:
        wanted = (s.omega_b - offset_a - first_b * step) / TWO_PI
        raise DeviceFileError(
            f"{setup.path}: the rail-B qubit at f01 = {q_b.omega / TWO_PI:.6g} Hz is detuned by "
            f"{offset_b / TWO_PI:.4g} Hz from output B, but paper 000's steady state needs "
            f"δ_B = −P δ_A: tune it to f01 = {wanted:.6g} Hz (give `qubit_b` or "
            "[overrides.qubit_b] f01)"
        )
    if q_b.gamma != q.gamma or q_b.gamma_phi != q.gamma_phi or q_b.gamma_loss != q.gamma_loss:
        raise DeviceFileError(
            f"{setup.path}: `qubit_b` must have the same γ, γ′ and γ_φ as `qubit` (paper 000's "
            "model has one rate of each); only its frequency may differ"
        )
    if not s.entangled:
        raise DeviceFileError(
            f"{setup.path}: the source's two-mode squeezed thermal state is not entangled "
            f"(m̄ = {s.mbar:.3g} <= n̄ = {s.nbar:.3g}, added noise n_T = {s.n_thermal:.3g}): "
            "no entanglement can be distributed"
        )
    if s.n_thermal > MAX_SOURCE_NOISE:
        raise DeviceFileError(
            f"{setup.path}: the source adds n_T = {s.n_thermal:.3g} noise photons, but paper "
            f"000's model has a pure two-mode squeezing source; above n_T = {MAX_SOURCE_NOISE:g} "
            "its figures would be an overestimate (set the source's added_noise = 0 in "
            "[overrides.source] to compute the ideal-source bound, and label it so)"
        )
    if ch.residual_occupation > MAX_LINK_OCCUPATION:
        raise DeviceFileError(
            f"{setup.path}: the link holds {ch.residual_occupation:.3g} thermal photons at the "
            f"qubit frequency (channel.base_temperature), but paper 000's model assumes a cold "
            f"waveguide; above {MAX_LINK_OCCUPATION:g} its figures would be an overestimate "
            "(cool the link)"
        )
    warns = []
    delta_max = max(abs(d) for d in delta_a) * gamma
    if delta_max >= min(s.kappa_a, s.kappa_b):
        warns.append("δ_max ≳ κ: detunings exceed the source bandwidth (paper 000, Fig. 4c)")
    rates = [
        *qubit_rates("", q),
        Rate("kappa_a", "κ_A", s.kappa_a, s.notes[1]),
        Rate("kappa_b", "κ_B", s.kappa_b, s.notes[1]),
        Rate("delta_a1", "δ_A,1", offset_a, "f01_A − f_A (rail-A qubit against output A)"),
        Rate("detuning_step", "Δ", step, "δ_A,i = δ_A,1 + (i−1)Δ, δ_B = −P δ_A"),
    ]
    params = [
        Parameter("r", "r", s.r, s.notes[0]),
        Parameter("p_loss", "p_loss", ch.p_loss, ch.note),
        Parameter("pairs", "N", pairs),
        Parameter("permutation", "P", tuple(permutation) if permutation else "identity"),
        Parameter("n_thermal", "n_T", s.n_thermal, "source added noise"),
        residual_occupation(ch),
    ]
    model = DualRail(
        pairs=pairs,
        r=s.r,
        delta_a=delta_a,
        permutation=permutation,
        beta=s.kappa_a / gamma,
        beta_b=None if s.kappa_b == s.kappa_a else s.kappa_b / gamma,
        gamma_phi=q.gamma_phi / gamma,
        gamma_loss=q.gamma_loss / gamma,
        p_loss=ch.p_loss,
    )
    reference = Rate("gamma", "γ", gamma, q.notes[1])
    return Translation.of(setup, reference, rates, params, model, warns)
