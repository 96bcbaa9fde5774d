"""Field schemas of the device families: what each TOML key holds and which keys go together.

A :class:`Field` says what a key must contain (a cyclic frequency, a time, a dB value, a plain
number in a range, one of a few words); a :class:`Group` says which keys exclude or require
each other (``f01`` or ``ej``/``ec``; ``t2`` or ``t_phi``). The loader in
:mod:`qnet_design.specs.devices` applies them and produces one clear message per problem.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Keys every device file carries.
COMMON_KEYS = ("kind", "name", "reference", "notes")


@dataclass(frozen=True)
class Field:
    """What one device-file key must contain.

    ``kind`` is a unit kind of :data:`qnet_design.units.FIELD_KINDS` (``frequency`` is cyclic),
    or ``number``, ``integer``, ``db``, ``db_per_length``, ``choice``. ``sign`` is ``positive``,
    ``nonnegative`` or ``any``; ``low``/``high`` bound plain numbers (``high_open`` excludes the
    upper bound, as for a loss probability in [0, 1)).
    """

    kind: str
    doc: str
    sign: str = "positive"
    low: float | None = None
    high: float | None = None
    high_open: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """Keys that go together: ``exactly`` one alternative, or ``at_most`` one.

    Each alternative is a tuple of keys that must all be present together.
    """

    rule: str  # "exactly", "at_most", or "requires" (first alternative needs the second)
    alternatives: tuple[tuple[str, ...], ...]


_F = Field

DEVICE_FIELDS: dict[str, dict[str, Field]] = {
    "transmon": {
        "f01": _F("frequency", "qubit transition frequency f01"),
        "anharmonicity": _F("frequency", "f12 - f01", sign="any"),
        "ej": _F("energy_frequency", "Josephson energy E_J/h"),
        "ec": _F("energy_frequency", "charging energy E_C/h"),
        "ng": _F("number", "offset charge n_g", sign="any"),
        "ej_max": _F("energy_frequency", "maximal Josephson energy of a tunable transmon"),
        "asymmetry": _F("number", "junction asymmetry d", sign="nonnegative", high=1.0),
        "flux": _F("number", "flux bias Phi/Phi_0", sign="any"),
        "waveguide_linewidth": _F("frequency", "radiative linewidth gamma/2pi into the waveguide"),
        "coupling_q": _F("number", "external (coupling) quality factor Q_c"),
        "directionality": _F(
            "number", "fraction of emission into the intended direction", low=0.0, high=1.0
        ),
        "t1": _F("time", "measured total energy relaxation time T1"),
        "t1_intrinsic": _F("time", "lifetime from decay into non-guided channels, 1/gamma'"),
        "t2": _F("time", "measured Ramsey coherence time T2"),
        "t_phi": _F("time", "pure dephasing time T_phi"),
    },
    "siv": {
        "transition": _F("choice", "coupled transition", choices=("orbital", "spin")),
        "transition_frequency": _F("frequency", "transition frequency"),
        "phonon_linewidth": _F("frequency", "decay linewidth gamma/2pi into the phonon waveguide"),
        "t1_intrinsic": _F("time", "lifetime from decay into other channels, 1/gamma'"),
        "t2": _F("time", "measured coherence time T2"),
        "t_phi": _F("time", "pure dephasing time T_phi"),
        "position": _F("length", "position along the waveguide", sign="nonnegative"),
    },
    "two_mode_squeezer": {
        "device_type": _F("choice", "kind of source", choices=("TWPA", "NDPA", "JPA")),
        "center_frequency_a": _F("frequency", "centre frequency of output A"),
        "center_frequency_b": _F("frequency", "centre frequency of output B"),
        "squeezing_r": _F("number", "two-mode squeezing parameter r", sign="nonnegative"),
        "squeezing_db": _F("db", "two-mode squeezing below vacuum in dB", sign="nonnegative"),
        "gain_db": _F("db", "phase-insensitive power gain in dB", sign="nonnegative"),
        "gain": _F("number", "phase-insensitive power gain G (linear)", low=1.0),
        "linewidth": _F("frequency", "output-mode linewidth kappa/2pi (both outputs)"),
        "linewidth_a": _F("frequency", "linewidth kappa_A/2pi of output A"),
        "linewidth_b": _F("frequency", "linewidth kappa_B/2pi of output B"),
        "added_noise": _F("number", "added thermal photons n_T", sign="nonnegative"),
    },
    "thermal_source": {
        "temperature": _F("temperature", "temperature of the noise source"),
        "filter_frequency": _F("frequency", "filter-cavity centre frequency f_c"),
        "filter_q": _F("number", "loaded quality factor of the filter cavity"),
        "filter_linewidth": _F("frequency", "total energy linewidth f_c/Q of the filter"),
    },
    "channel": {
        "medium": _F("choice", "what propagates", choices=("microwave", "phononic")),
        "length": _F("length", "length of the link", sign="nonnegative"),
        "loss_per_length": _F("db_per_length", "propagation loss", sign="nonnegative"),
        "insertion_loss": _F("db", "lumped insertion losses in total", sign="nonnegative"),
        "p_loss": _F(
            "number", "loss probability", sign="nonnegative", low=0.0, high=1.0, high_open=True
        ),
        "base_temperature": _F("temperature", "temperature of the link", sign="nonnegative"),
        "phase_velocity": _F("velocity", "wave (phase) velocity"),
    },
    "electromechanical": {
        "cavity_frequency": _F("frequency", "microwave cavity frequency"),
        "cavity_linewidth": _F("frequency", "cavity linewidth kappa/2pi"),
        "mechanical_frequency": _F("frequency", "mechanical frequency omega_m/2pi"),
        "mechanical_linewidth": _F("frequency", "mechanical linewidth gamma_m/2pi"),
        "g0": _F("frequency", "single-photon coupling g0/2pi"),
        "cavity_photons": _F("number", "intracavity drive photon number"),
        "cooperativity": _F("number", "cooperativity C = 4 g^2/(kappa gamma_m)"),
        "bath_temperature": _F("temperature", "mechanical bath temperature", sign="nonnegative"),
    },
}

DEVICE_GROUPS: dict[str, tuple[Group, ...]] = {
    "transmon": (
        Group("exactly", (("f01",), ("ej", "ec"), ("ej_max", "ec", "asymmetry", "flux"))),
        Group("exactly", (("waveguide_linewidth",), ("coupling_q",))),
        Group("at_most", (("t1",), ("t1_intrinsic",))),
        Group("at_most", (("t2",), ("t_phi",))),
        Group("at_most", (("anharmonicity",), ("ej",), ("ej_max",))),
        Group("at_most", (("ng",), ("f01",))),
    ),
    "siv": (
        Group("exactly", (("transition",),)),
        Group("exactly", (("transition_frequency",),)),
        Group("exactly", (("phonon_linewidth",),)),
        Group("at_most", (("t2",), ("t_phi",))),
    ),
    "two_mode_squeezer": (
        Group("exactly", (("device_type",),)),
        Group("exactly", (("center_frequency_a", "center_frequency_b"),)),
        Group("exactly", (("squeezing_r",), ("squeezing_db",), ("gain_db",), ("gain",))),
        Group("exactly", (("linewidth",), ("linewidth_a", "linewidth_b"))),
    ),
    "thermal_source": (
        Group("exactly", (("temperature",),)),
        Group("exactly", (("filter_frequency",),)),
        Group("exactly", (("filter_q",), ("filter_linewidth",))),
    ),
    "channel": (
        Group("at_most", (("p_loss",), ("loss_per_length",))),
        Group("at_most", (("p_loss",), ("insertion_loss",))),
        Group("requires", (("loss_per_length",), ("length",))),
    ),
    "electromechanical": (
        Group(
            "exactly",
            (
                (
                    "cavity_frequency",
                    "cavity_linewidth",
                    "mechanical_frequency",
                    "mechanical_linewidth",
                ),
            ),
        ),
        Group("exactly", (("g0", "cavity_photons"), ("cooperativity",))),
    ),
}
