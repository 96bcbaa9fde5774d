"""Qubit translators: transmon and SiV centre → γ, γ′, γ_φ, ω (angular, 1/s).

Conventions (README, "Units and conventions"):

* γ = 2π × ``waveguide_linewidth`` (energy decay rate into the waveguide), or γ = 2π f01 / Q_c.
* Finite directionality d: the model's γ is the rate into the *intended* direction, d·γ_rad; the
  power radiated the wrong way, (1 − d)·γ_rad, never reaches the next node and is counted as
  loss in γ′. This keeps the cascaded structure of the models exact.
* ``t1`` is the measured total T1 = 1/(γ_rad + γ′_int); ``t1_intrinsic`` = 1/γ′_int directly.
* Dephasing enters the models as (γ_φ/2)·D[σ_z] with γ_φ = 1/T_phi, so that
  1/T2 = 1/(2 T1) + 1/T_phi.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

from ..errors import DeviceFileError
from ..specs.devices import DeviceSpec


@dataclass(frozen=True)
class QubitRates:
    """Angular rates (1/s) of one qubit, ready to be made dimensionless."""

    omega: float  # transition angular frequency 2π f01
    gamma: float  # decay into the intended direction of the waveguide
    gamma_loss: float  # γ′: intrinsic decay + radiation in the wrong direction
    gamma_phi: float  # 1/T_phi
    anharmonicity: float | None = None  # angular, 2π (f12 − f01)
    directionality: float = 1.0
    notes: tuple[str, ...] = ()

    @property
    def gamma_radiative(self) -> float:
        """Total radiative decay into the waveguide, both directions (γ/d)."""
        return self.gamma / self.directionality

    @property
    def gamma_intrinsic(self) -> float:
        """Decay into non-guided channels only, without the wrong-direction share."""
        return self.gamma_loss - (self.gamma_radiative - self.gamma)


def _label(spec: DeviceSpec) -> str:
    return str(spec.path) if spec.path is not None else spec.name


def transmon_spectrum(spec: DeviceSpec) -> tuple[float, float | None, str]:
    """f01 and anharmonicity in Hz, with a note on how they were obtained.

    With ``ej``/``ec`` (or ``ej_max``/``asymmetry``/``flux``) scqubits diagonalises the transmon
    Hamiltonian in the charge basis (``ncut = 31``, converged far below 1 kHz for E_J/E_C ≳ 10).
    """
    if spec.has("f01"):
        anh = spec.get("anharmonicity")
        return (
            float(spec.get("f01").m_as("Hz")),
            None if anh is None else float(anh.m_as("Hz")),
            "f01 as given",
        )
    with warnings.catch_warnings():
        # scqubits' import triggers pyparsing diagnostics that are not ours to fix
        warnings.simplefilter("ignore")
        import scqubits

        scqubits.settings.PROGRESSBAR_DISABLED = True
        ec = float(spec.get("ec").m_as("GHz"))
        ng = float(spec.get("ng", 0.0))
        if spec.has("ej"):
            qubit = scqubits.Transmon(
                EJ=float(spec.get("ej").m_as("GHz")), EC=ec, ng=ng, ncut=31, truncated_dim=4
            )
            how = "scqubits Transmon(EJ, EC, ng)"
        else:
            qubit = scqubits.TunableTransmon(
                EJmax=float(spec.get("ej_max").m_as("GHz")),
                EC=ec,
                d=float(spec.get("asymmetry")),
                flux=float(spec.get("flux")),
                ng=ng,
                ncut=31,
                truncated_dim=4,
            )
            how = "scqubits TunableTransmon(EJmax, EC, d, flux, ng)"
        levels = qubit.eigenvals(evals_count=3)
    f01 = (levels[1] - levels[0]) * 1e9
    f12 = (levels[2] - levels[1]) * 1e9
    return float(f01), float(f12 - f01), how


def _dephasing(spec: DeviceSpec, t1_total: float, label: str) -> tuple[float, str]:
    if spec.has("t_phi"):
        return 1.0 / float(spec.get("t_phi").m_as("s")), "γ_φ = 1/T_phi"
    if spec.has("t2"):
        t2 = float(spec.get("t2").m_as("s"))
        rate = 1.0 / t2 - 1.0 / (2.0 * t1_total)
        if rate < -1e-9 / t2:
            raise DeviceFileError(
                f"{label}: field `t2` must satisfy T2 <= 2 T1 = {2 * t1_total:.3e} s, got "
                f"{t2:.3e} s"
            )
        return max(rate, 0.0), "γ_φ = 1/T2 − 1/(2 T1)"
    return 0.0, "no dephasing given: γ_φ = 0"


def _loss(spec: DeviceSpec, gamma_rad: float, label: str) -> tuple[float, float, str]:
    """(γ′_int, T1 total, note) from ``t1`` (total) or ``t1_intrinsic``."""
    if spec.has("t1"):
        t1 = float(spec.get("t1").m_as("s"))
        intrinsic = 1.0 / t1 - gamma_rad
        if intrinsic < -1e-6 * gamma_rad:
            raise DeviceFileError(
                f"{label}: field `t1` must be <= the radiative limit 1/γ = {1 / gamma_rad:.3e} s "
                f"(T1 includes the waveguide decay), got {t1:.3e} s"
            )
        return max(intrinsic, 0.0), t1, "γ′ = 1/T1 − γ_rad"
    if spec.has("t1_intrinsic"):
        intrinsic = 1.0 / float(spec.get("t1_intrinsic").m_as("s"))
        return intrinsic, 1.0 / (gamma_rad + intrinsic), "γ′ = 1/T1_intrinsic"
    return 0.0, 1.0 / gamma_rad, "no intrinsic loss given: γ′ = 0"


def translate_transmon(spec: DeviceSpec) -> QubitRates:
    """Transmon device → :class:`QubitRates`."""
    label = _label(spec)
    f01, anharmonicity, how = transmon_spectrum(spec)
    if spec.has("waveguide_linewidth"):
        gamma_rad = 2.0 * math.pi * float(spec.get("waveguide_linewidth").m_as("Hz"))
        gnote = "γ = 2π × waveguide_linewidth"
    else:
        gamma_rad = 2.0 * math.pi * f01 / float(spec.get("coupling_q"))
        gnote = "γ = 2π f01 / Q_c"
    d = float(spec.get("directionality", 1.0))
    intrinsic, t1_total, lnote = _loss(spec, gamma_rad, label)
    gamma_phi, pnote = _dephasing(spec, t1_total, label)
    return QubitRates(
        omega=2.0 * math.pi * f01,
        gamma=d * gamma_rad,
        gamma_loss=intrinsic + (1.0 - d) * gamma_rad,
        gamma_phi=gamma_phi,
        anharmonicity=None if anharmonicity is None else 2.0 * math.pi * anharmonicity,
        directionality=d,
        notes=(
            how,
            gnote + (f", × directionality {d:g}" if d != 1 else ""),
            lnote + (f" + (1 − {d:g}) γ_rad radiated the wrong way" if d != 1 else ""),
            pnote,
        ),
    )


def translate_siv(spec: DeviceSpec) -> QubitRates:
    """SiV centre → :class:`QubitRates` (γ = 2π × phonon_linewidth into the phonon waveguide)."""
    label = _label(spec)
    gamma = 2.0 * math.pi * float(spec.get("phonon_linewidth").m_as("Hz"))
    intrinsic = 0.0
    lnote = "no intrinsic loss given: γ′ = 0"
    if spec.has("t1_intrinsic"):
        intrinsic = 1.0 / float(spec.get("t1_intrinsic").m_as("s"))
        lnote = "γ′ = 1/T1_intrinsic"
    gamma_phi, pnote = _dephasing(spec, 1.0 / (gamma + intrinsic), label)
    return QubitRates(
        omega=2.0 * math.pi * float(spec.get("transition_frequency").m_as("Hz")),
        gamma=gamma,
        gamma_loss=intrinsic,
        gamma_phi=gamma_phi,
        notes=(f"{spec.get('transition')} transition", "γ = 2π × phonon_linewidth", lnote, pnote),
    )


def translate_qubit(spec: DeviceSpec) -> QubitRates:
    """Dispatch on the device kind."""
    if spec.kind == "transmon":
        return translate_transmon(spec)
    if spec.kind == "siv":
        return translate_siv(spec)
    raise DeviceFileError(f"{_label(spec)}: a qubit must be a transmon or siv, got {spec.kind!r}")
