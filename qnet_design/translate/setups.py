"""Setup → :class:`~qnet_design.translate.Translation`: a scheme model in its reference units.

This is the only place where lab units meet the models. Each scheme's function documents its
reference rate and the keyword arguments it produces for the scheme's model class.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..errors import DeviceFileError
from ..specs.setups import SetupSpec
from ._base import Parameter, Rate, Translation
from .channels import RESIDUAL_THERMAL_WARNING, ChannelRates, translate_channel
from .electromechanical import translate_electromechanical
from .qubits import QubitRates, translate_qubit
from .sources import translate_squeezer, translate_thermal_source

TWO_PI = 2.0 * math.pi


def _qubit_rates(prefix: str, q: QubitRates, both_directions: bool = False) -> list[Rate]:
    """The qubit's rates; ``both_directions`` for geometries that use the whole waveguide (the
    radiative rate counts both directions, γ′ only the non-guided decay)."""
    gamma, gamma_loss = (
        (q.gamma_radiative, q.gamma_intrinsic)
        if both_directions
        else (
            q.gamma,
            q.gamma_loss,
        )
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


def _channel_warnings(channel: ChannelRates, label: str) -> list[str]:
    if channel.residual_occupation > RESIDUAL_THERMAL_WARNING:
        return [
            f"{label}: residual thermal occupation {channel.residual_occupation:.2e} of the link "
            f"exceeds {RESIDUAL_THERMAL_WARNING:g}; the model assumes a cold waveguide"
        ]
    return []


def _dual_rail(setup: SetupSpec) -> Translation:
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
    step = TWO_PI * float(setup.layout["detuning_step"].m_as("Hz"))
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
    warns = _channel_warnings(ch, str(setup.path))
    if s.n_thermal > 0:
        warns.append(
            f"source added noise n_T = {s.n_thermal:g} is not part of paper 000's model "
            "(pure two-mode squeezing); r is used and the added noise ignored"
        )
    if not s.entangled:
        warns.append(f"source: m̄ = {s.mbar:.3g} <= n̄ = {s.nbar:.3g}: no entanglement left")
    delta_max = max(abs(d) for d in delta_a) * gamma
    if delta_max >= min(s.kappa_a, s.kappa_b):
        warns.append("δ_max ≳ κ: detunings exceed the source bandwidth (paper 000, Fig. 4c)")
    rates = [
        *_qubit_rates("", q),
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
        Parameter("residual_occupation", "n_res", ch.residual_occupation, "Bose(f_q, T_base)"),
    ]
    kwargs = {
        "pairs": pairs,
        "r": s.r,
        "delta_a": delta_a,
        "permutation": permutation,
        "beta": s.kappa_a / gamma,
        "beta_b": None if s.kappa_b == s.kappa_a else s.kappa_b / gamma,
        "gamma_phi": q.gamma_phi / gamma,
        "gamma_loss": q.gamma_loss / gamma,
        "p_loss": ch.p_loss,
    }
    return Translation(
        "dual_rail",
        setup.name,
        Rate("gamma", "γ", gamma, q.notes[1]),
        tuple(rates),
        tuple(params),
        kwargs,
        tuple(warns),
    )


def _thermal_link(setup: SetupSpec) -> Translation:
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
    warns = _channel_warnings(ch, str(setup.path))
    if q2.gamma_phi != q1.gamma_phi:
        warns.append("qubit2 dephases at another rate; the model uses one γ_φ (qubit 1's)")
    if src.kappa >= 0.1 * gamma:
        warns.append("κ ≳ γ/10: the thermal closed forms (Markov/Bourret/analytic) lose validity")
    d1 = TWO_PI * float(setup.layout["detuning1"].m_as("Hz"))
    d2 = TWO_PI * float(setup.layout["detuning2"].m_as("Hz"))
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
        *_qubit_rates("1", q1, bidirectional),
        *(_qubit_rates("2", q2, bidirectional)[1:2] if "qubit2" in setup.devices else []),
        Rate("kappa", "κ", src.kappa, src.notes[1]),
        Rate("flux", "Φ", src.flux, src.notes[2]),
        Rate("delta1", "Δ₁", d1, "layout.detuning1"),
        Rate("delta2", "Δ₂", d2, "layout.detuning2"),
    ]
    params = [
        Parameter("n_th", "n_th", src.n_th, src.notes[0]),
        Parameter("p_loss", "p_loss", ch.p_loss, ch.note),
        Parameter("geometry", "geometry", geometry),
    ]
    if positions is not None:
        params.append(Parameter("positions", "k₀z_i", positions, "k₀ = ω_q / v"))
    kwargs = {
        "n_th": src.n_th,
        "kappa": src.kappa / gamma,
        "gamma2": gamma2 / gamma,
        "delta1": d1 / gamma,
        "delta2": d2 / gamma,
        "gamma_phi": q1.gamma_phi / gamma,
        "p_loss": ch.p_loss,
        "geometry": geometry,
        "positions": positions,
    }
    return Translation(
        "thermal_link",
        setup.name,
        Rate("gamma", "γ₁", gamma, q1.notes[1]),
        tuple(rates),
        tuple(params),
        kwargs,
        tuple(warns),
    )


def _cv_routing(setup: SetupSpec) -> Translation:
    em = translate_electromechanical(setup.devices["mechanics"])
    omega = em.omega_m
    j_q = setup.layout.get("attachment_rate")
    j = em.gamma / 2.0 if j_q is None else TWO_PI * float(j_q.m_as("Hz"))
    rates = [
        Rate("omega", "ω", omega, "node frequency = ω_m"),
        Rate("gamma", "γ", em.gamma, "γ = 4g²/κ (cavity eliminated)"),
        Rate("gamma_out", "γ_out", em.gamma_m, "γ_out = γ_m"),
        Rate("j", "j", j, "layout.attachment_rate (default γ/2)"),
        Rate("kappa_cavity", "κ", em.kappa, "cavity linewidth"),
        Rate("g", "g", em.g, "g = g₀ √n_cav"),
    ]
    params = [
        Parameter("nodes", "M", setup.layout["nodes"]),
        Parameter("r", "r", setup.layout["squeezing_r"]),
        Parameter("cooperativity", "C", em.cooperativity, "C = 4g²/(κ γ_m)"),
        Parameter("n_local", "N̄_k", em.n_bath, "Bose(ω_m, T_bath)"),
    ]
    kwargs = {
        "nodes": setup.layout["nodes"],
        "r": setup.layout["squeezing_r"],
        "j": j / omega,
        "gamma": em.gamma / omega,
        "gamma_out": em.gamma_m / omega,
        "omega": 1.0,
        "direction": setup.layout["direction"],
        "n_local": em.n_bath,
        "n_common": 0.0,
    }
    warns = list(em.warnings)
    if em.gamma < 0.1 * omega:
        warns.append(
            f"γ/ω = {em.gamma / omega:.2g}: paper 002 routes entanglement for γ comparable to ω "
            "(γ/ω = 0.8); a much weaker engineered dissipation entangles few nodes, if any"
        )
    return Translation(
        "cv_routing",
        setup.name,
        Rate("omega", "ω", omega, "mechanical frequency"),
        tuple(rates),
        tuple(params),
        kwargs,
        tuple(warns),
    )


def _cv_replication(setup: SetupSpec) -> Translation:
    """Paper 004 writes its losses and drive as *amplitude* rates (κ_j(2aρa† − {·}), energy
    rate 2κ_j): a cavity linewidth Δf (energy rate 2πΔf) gives κ = πΔf and a drive linewidth
    f_Γ gives Γ = π f_Γ. The hopping λ is a coherent coupling, λ = 2π × hopping (two coupled
    cavities split by 2λ). The reference rate is the drive's amplitude rate Γ."""
    s = translate_squeezer(setup.devices["source"])
    if setup.layout["hopping"] is None or setup.layout["drive_rate"] is None:
        raise DeviceFileError(
            f"{setup.path}: fields `layout.hopping` and `layout.drive_rate` are required for "
            "cv_replication"
        )
    drive = math.pi * float(setup.layout["drive_rate"].m_as("Hz"))
    hop = TWO_PI * float(setup.layout["hopping"].m_as("Hz"))
    loss = math.pi * float(setup.layout["cavity_linewidth"].m_as("Hz"))
    warns = [] if s.entangled else [f"source: m̄ = {s.mbar:.3g} <= n̄ = {s.nbar:.3g}: separable"]
    rates = [
        Rate("drive_rate", "Γ", drive, "Γ = π × drive_rate (amplitude rate, paper 004)"),
        Rate("hopping", "λ", hop, "λ = 2π × hopping"),
        Rate("loss", "κ_j", loss, "κ = π × cavity_linewidth (amplitude rate)"),
    ]
    params = [
        Parameter("sites", "N", setup.layout["sites"]),
        Parameter("nbar", "n̄", s.nbar, s.notes[2]),
        Parameter("mbar", "m̄", s.mbar, s.notes[2]),
        Parameter("r", "r", s.r, s.notes[0]),
    ]
    kwargs = {
        "sites": setup.layout["sites"],
        "hopping": hop / drive,
        "drive_rate": 1.0,
        "nbar": s.nbar,
        "mbar": s.mbar,
        "loss": loss / drive,
    }
    return Translation(
        "cv_replication",
        setup.name,
        Rate("drive_rate", "Γ", drive, "drive amplitude rate"),
        tuple(rates),
        tuple(params),
        kwargs,
        tuple(warns),
    )


def _cooperative(setup: SetupSpec) -> Translation:
    q = translate_qubit(setup.devices["qubit"])
    n = int(setup.layout["qubits"])
    dets = setup.layout.get("detunings")
    if dets is None:
        deltas = (0.0,) * n
    elif len(dets) == 1:
        deltas = (TWO_PI * float(dets[0].m_as("Hz")),) * n
    elif len(dets) == n:
        deltas = tuple(TWO_PI * float(d.m_as("Hz")) for d in dets)
    else:
        raise DeviceFileError(
            f"{setup.path}: field `layout.detunings` must have 1 or {n} entries, got {len(dets)}"
        )
    # paper 003 writes κ·L[o] with L[o]ρ = 2oρo† − …, i.e. 2κ·D[o]: a single qubit's energy decay
    # rate into the common reservoir is 2κ, so κ_paper = γ/2 and α_paper = γ′/2. The common
    # reservoir is the whole waveguide, both directions: γ is the total radiative rate here and
    # γ′ only the intrinsic (non-guided) decay.
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
        Parameter("initial", "ψ(0)", setup.layout.get("initial") or "1" + "0" * (n - 1)),
    ]
    kwargs = {
        "qubits": n,
        "kappa": gamma / 2.0 / omega,
        "alpha": gamma_loss / 2.0 / omega,
        "detunings": tuple(d / omega for d in deltas),
        "omega": 1.0,
        "dephasing": q.gamma_phi / omega,
    }
    return Translation(
        "cooperative",
        setup.name,
        Rate("omega", "ω", omega, "qubit frequency"),
        tuple(rates),
        tuple(params),
        kwargs,
        (),
    )


_SCHEMES: dict[str, Callable[[SetupSpec], Translation]] = {
    "dual_rail": _dual_rail,
    "thermal_link": _thermal_link,
    "cv_routing": _cv_routing,
    "cv_replication": _cv_replication,
    "cooperative": _cooperative,
}


def translate(setup: SetupSpec) -> Translation:
    """Translate a validated setup into its scheme's dimensionless model parameters."""
    return _SCHEMES[setup.scheme](setup)
