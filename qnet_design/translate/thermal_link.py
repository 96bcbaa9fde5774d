"""``thermal_link`` setup → :class:`~qnet_design.schemes.thermal_link.ThermalLink` (paper 001).

Reference rate: qubit 1's waveguide decay rate γ₁ — into the intended direction for the chiral
geometry, the total radiative rate (both directions) for the bidirectional one (paper 001,
Eq. 49-53). The filter's total energy linewidth is 2κ = ω_c/Q.

Imperfections beyond paper 001's Sec. V (decisions documented in the model's docstring):

* γ′ᵢ (``gamma_loss1``, ``gamma_loss2``): intrinsic decay (from ``t1`` or ``t1_intrinsic``) and,
  in the chiral geometry, the wrong-way emission (1 − d)γ_rad of a directionality d < 1, while
  γᵢ = d·γ_rad is the intended-direction rate (see :mod:`.qubits`).
* A warm link (channel ``base_temperature``): in the chiral geometry its occupation at the
  qubit frequency is the model's ``n_link`` and the filtered drive is the source's excess over
  it, n_th = Bose(f_c, T_source) − Bose(f_c, T_base); a link as hot as the source is refused.
  The bidirectional model has no warm-link term: above :data:`BIDIRECTIONAL_MAX_LINK_OCCUPATION`
  the translation is refused, below it the occupation is declared not modelled.
"""

from __future__ import annotations

from ..errors import DeviceFileError
from ..schemes.thermal_link import ThermalLink
from ..specs.setups import SetupSpec
from ..units import lab_units
from ._base import Parameter, Rate, Translation
from ._contract import Context, Contract, Field, NotModelled, Through
from ._shared import TWO_LEVEL, TWO_PI, angular, qubit_rates
from .channels import translate_channel
from .qubits import QubitRates, translate_qubit
from .sources import translate_thermal_source

#: largest residual link occupation the bidirectional geometry accepts without a model term.
#: Measured on the chiral catalog link (thermal_link_transmon.toml), C falls by ≈ 3 n_link
#: (0.263 → 0.237 at n_link = 8.3e-3): below 1e-3 the neglected change of C is ≲ 3e-3.
BIDIRECTIONAL_MAX_LINK_OCCUPATION = 1e-3

#: largest delay γτ, τ = (z₁ + z₂)/v, between the bidirectional qubits without a warning: the
#: model keeps only the phases k₀z (Markov), which needs τ ≪ the qubits' decay time 1/γ
MAX_MARKOV_DELAY = 0.1

#: speed of light in vacuum (m/s): the fastest a guided wave can travel, so length/c bounds a
#: link's delay from below when its channel file gives no phase velocity
SPEED_OF_LIGHT = 299_792_458.0

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
        "n_source": Through(("n_th", "n_link"), "n_th = n_source − Bose(f_c, T_base)"),
        "n_th": Field("n_th"),
        "p_loss": Field("p_loss"),
        "geometry": Field("geometry"),
        "positions": Field("positions"),
        "n_link": Field("n_link"),
        "residual_occupation": NotModelled(
            "the bidirectional model (paper 001, Eq. 49-53, App. C) has no thermally occupied "
            "waveguide; larger occupations are refused",
            matters_above=0.0,
        ),
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
    warns = []
    if q2.gamma_phi != q1.gamma_phi:
        warns.append("qubit2 dephases at another rate; the model uses one γ_φ (qubit 1's)")
    if src.kappa >= 0.1 * gamma:
        warns.append("κ ≳ γ/10: the thermal closed forms (Markov/Bourret/analytic) lose validity")
    d1 = angular(setup.layout["detuning1"])
    d2 = angular(setup.layout["detuning2"])
    warns += [_off_resonance(i, q, src.omega_c, d) for i, q, d in ((1, q1, d1), (2, q2, d2))]
    warns = [w for w in warns if w]
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
        metres = [float(z.m_as("m")) for z in zs]
        if min(metres) < 0:
            raise DeviceFileError(
                f"{setup.path}: field `layout.positions` (or the qubits' `position`) must be "
                f">= 0, measured from the waveguide's end where the filter sits, got {zs}"
            )
        delay = sum(metres) / ch.phase_velocity  # the longest path, via the reflecting end
        if delay * gamma > MAX_MARKOV_DELAY:
            warns.append(
                f"a propagation delay (z₁ + z₂)/v = {delay:.3g} s between the qubits (via the "
                f"reflecting end), γτ = {delay * gamma:.3g}, which the Markovian bidirectional "
                "model (paper 001, Eq. 49-53: phases k₀z only) leaves out"
            )
        k0 = q1.omega / ch.phase_velocity
        positions = tuple(k0 * z for z in metres)
    elif setup.layout.get("positions") is not None:
        raise DeviceFileError(
            f"{setup.path}: field `layout.positions` is only allowed with geometry 'bidirectional'"
        )
    n_link, n_th, link_param = _link_occupation(setup, src.n_th, src.omega_c, q1.omega)
    rates = [
        *qubit_rates("1", q1, bidirectional),
        *qubit_rates("2", q2, bidirectional)[1:3],  # γ₂, γ′₂ (qubit 1's device without qubit2)
        Rate("kappa", "κ", src.kappa, src.notes[1]),
        Rate("flux", "Φ", src.kappa * n_th / 2.0, src.notes[2]),
        Rate("delta1", "Δ₁", d1, "layout.detuning1"),
        Rate("delta2", "Δ₂", d2, "layout.detuning2"),
    ]
    params = [
        Parameter("n_source", "n_hot", src.n_th, src.notes[0]),
        Parameter("n_th", "n_th", n_th, "filtered drive: n_hot − Bose(f_c, T_base)"),
        Parameter("p_loss", "p_loss", ch.p_loss, ch.note),
        Parameter("geometry", "geometry", geometry),
        link_param,
    ]
    if positions is not None:
        params.append(Parameter("positions", "k₀z_i", positions, "k₀ = ω_q / v"))
    model = ThermalLink(
        n_th=n_th,
        kappa=src.kappa / gamma,
        gamma2=gamma2 / gamma,
        delta1=d1 / gamma,
        delta2=d2 / gamma,
        gamma_phi=q1.gamma_phi / gamma,
        p_loss=ch.p_loss,
        geometry=geometry,
        positions=None if positions is None else (positions[0], positions[1]),
        gamma_loss1=(q1.gamma_intrinsic if bidirectional else q1.gamma_loss) / gamma,
        gamma_loss2=(q2.gamma_intrinsic if bidirectional else q2.gamma_loss) / gamma,
        n_link=n_link,
    )
    reference = Rate("gamma", "γ₁", gamma, q1.notes[1])
    return Translation.of(setup, reference, rates, params, model, warns)


def cascade_delay(setup: SetupSpec) -> tuple[float, bool]:
    """Propagation delay τ (s) from qubit 1 to qubit 2 of a chiral (cascaded) link and whether
    it is only a lower bound: the channel's ``length``/``phase_velocity``; without a velocity
    length/c, a lower bound (a guided wave is slower than light in vacuum); (0, False) without
    a channel length. The bidirectional delay (z₁ + z₂)/v is checked in
    :func:`translate` against :data:`MAX_MARKOV_DELAY`.
    """
    channel = setup.devices.get("channel")
    if channel is None or not channel.has("length"):
        return 0.0, False
    length = float(channel.get("length").m_as("m"))
    velocity = channel.get("phase_velocity")
    if velocity is None:
        return length / SPEED_OF_LIGHT, True
    return length / float(velocity.m_as("m/s")), False


def _off_resonance(i: int, q: QubitRates, omega_c: float, delta: float) -> str:
    """A warning when qubit ``i``'s own frequency is further than its radiative linewidth from
    where the model puts it, filter frequency + layout detuning (paper 001's Δᵢ is measured
    from the filter): the device frequency then sets only n_link and k₀, not the detuning."""
    off = q.omega - omega_c - delta
    if abs(off) <= q.gamma_radiative:
        return ""
    return (
        f"qubit {i}'s frequency {lab_units(q.omega / TWO_PI, 'Hz')} is "
        f"{lab_units(off / TWO_PI, 'Hz')} from the filter frequency + layout.detuning{i} "
        f"({lab_units((omega_c + delta) / TWO_PI, 'Hz')}), more "
        f"than its linewidth: the model puts the qubit there (Δ{i} from layout.detuning{i}); "
        "its own frequency sets only the link's thermal occupation and k₀ — set "
        f"layout.detuning{i} to detune it"
    )


def _link_occupation(
    setup: SetupSpec, n_source: float, omega_c: float, omega_q: float
) -> tuple[float, float, Parameter]:
    """(n_link, n_th, table row) for the channel's base temperature (module docstring).

    n_link = Bose(f_q, T_base) enters the chiral model; the filtered drive is the excess
    n_source − Bose(f_c, T_base). Refuses a link at least as hot as the source, and a warm
    bidirectional link beyond :data:`BIDIRECTIONAL_MAX_LINK_OCCUPATION`.
    """
    channel = setup.devices.get("channel")
    at_qubit = translate_channel(channel, omega_q / TWO_PI).residual_occupation
    at_filter = translate_channel(channel, omega_c / TWO_PI).residual_occupation
    if setup.layout["geometry"] == "bidirectional":
        if at_qubit > BIDIRECTIONAL_MAX_LINK_OCCUPATION:
            raise DeviceFileError(
                f"{setup.path}: field `channel.base_temperature` gives the waveguide a thermal "
                f"occupation {at_qubit:.3g} at the qubit frequency; the bidirectional model "
                "(paper 001, Eq. 49-53) assumes a cold waveguide and is only used up to "
                f"{BIDIRECTIONAL_MAX_LINK_OCCUPATION:g} (use the chiral geometry or a colder link)"
            )
        row = Parameter("residual_occupation", "n_res", at_qubit, "Bose(f_q, T_base)")
        return 0.0, n_source, row
    if at_filter >= n_source:
        raise DeviceFileError(
            f"{setup.path}: the link (channel.base_temperature) holds {at_filter:.4g} thermal "
            f"photons at the filter frequency, as many as the source ({n_source:.4g}): no "
            "filtered excess is left to entangle the qubits (paper 001 needs T_base ≪ T_source)"
        )
    row = Parameter("n_link", "n_link", at_qubit, "Bose(f_q, T_base): white input on the link")
    return at_qubit, n_source - at_filter, row
