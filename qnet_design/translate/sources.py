"""Source translators: two-mode squeezers (TWPA/NDPA/JPA) and filtered thermal sources.

Conventions (README, "Units and conventions"):

* squeezing: r given directly; S dB below vacuum → r = S·ln(10)/20; phase-insensitive power gain
  G (linear, or in dB) → cosh² r = G.
* output linewidths are energy decay rates: κ_η = 2π × linewidth_η (paper 000's κ·D[a]).
* added noise n_T → two-mode squeezed thermal source with n̄ = n_T + (2n_T + 1) sinh² r and
  m̄ = (n_T + ½) sinh 2r (paper 004); entangled iff m̄ > n̄.
* thermal filter (paper 001): total energy linewidth 2κ = ω_c/Q, so κ = π f_c/Q is the
  half-bandwidth; n_th = Bose(f_c, T); the cavity holds n_th/2 photons; flux Φ = κ n_th/2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..solvers import gaussian
from ..specs.devices import DeviceSpec
from ..units import bose_occupation


@dataclass(frozen=True)
class SqueezerRates:
    r: float
    kappa_a: float  # 1/s
    kappa_b: float  # 1/s
    omega_a: float  # rad/s
    omega_b: float  # rad/s
    n_thermal: float
    nbar: float
    mbar: float
    notes: tuple[str, ...] = ()

    @property
    def entangled(self) -> bool:
        return self.mbar > self.nbar


def squeezing_from_db(db: float) -> float:
    """r = S ln(10)/20 for a squeezing level S in dB below vacuum."""
    return db * math.log(10.0) / 20.0


def squeezing_from_gain(gain: float) -> float:
    """r with cosh² r = G (phase-insensitive power gain G ≥ 1)."""
    return math.acosh(math.sqrt(gain))


def squeezed_thermal_moments(r: float, n_thermal: float) -> tuple[float, float]:
    """(n̄, m̄) of a two-mode squeezed thermal state (paper 004); see the Gaussian engine."""
    nbar, mbar = gaussian.squeezed_thermal_moments(r, n_thermal)
    return float(nbar), float(mbar)


def translate_squeezer(spec: DeviceSpec) -> SqueezerRates:
    if spec.has("squeezing_r"):
        r, how = float(spec.get("squeezing_r")), "r as given"
    elif spec.has("squeezing_db"):
        r, how = squeezing_from_db(float(spec.get("squeezing_db"))), "r = S ln10 / 20"
    elif spec.has("gain_db"):
        r = squeezing_from_gain(10.0 ** (float(spec.get("gain_db")) / 10.0))
        how = "cosh² r = G, G = 10^(G_dB/10)"
    else:
        r, how = squeezing_from_gain(float(spec.get("gain"))), "cosh² r = G"
    if spec.has("linewidth"):
        ka = kb = 2.0 * math.pi * float(spec.get("linewidth").m_as("Hz"))
    else:
        ka = 2.0 * math.pi * float(spec.get("linewidth_a").m_as("Hz"))
        kb = 2.0 * math.pi * float(spec.get("linewidth_b").m_as("Hz"))
    n_t = float(spec.get("added_noise", 0.0))
    nbar, mbar = squeezed_thermal_moments(r, n_t)
    return SqueezerRates(
        r=r,
        kappa_a=ka,
        kappa_b=kb,
        omega_a=2.0 * math.pi * float(spec.get("center_frequency_a").m_as("Hz")),
        omega_b=2.0 * math.pi * float(spec.get("center_frequency_b").m_as("Hz")),
        n_thermal=n_t,
        nbar=nbar,
        mbar=mbar,
        notes=(how, "κ_η = 2π × linewidth_η", "n̄, m̄ of a squeezed thermal state (paper 004)"),
    )


@dataclass(frozen=True)
class ThermalSourceRates:
    n_th: float
    kappa: float  # half-bandwidth, 1/s: 2κ = ω_c/Q
    omega_c: float
    notes: tuple[str, ...] = ()

    @property
    def flux(self) -> float:
        """Photon flux Φ = κ n_th / 2 (1/s)."""
        return self.kappa * self.n_th / 2.0


def translate_thermal_source(spec: DeviceSpec) -> ThermalSourceRates:
    fc = float(spec.get("filter_frequency").m_as("Hz"))
    temperature = float(spec.get("temperature").m_as("K"))
    if spec.has("filter_q"):
        kappa = math.pi * fc / float(spec.get("filter_q"))
        how = "2κ = ω_c/Q"
    else:
        kappa = math.pi * float(spec.get("filter_linewidth").m_as("Hz"))
        how = "2κ = 2π × filter_linewidth"
    return ThermalSourceRates(
        n_th=bose_occupation(fc, temperature),
        kappa=kappa,
        omega_c=2.0 * math.pi * fc,
        notes=("n_th = 1/(exp(h f_c / k_B T) − 1)", how, "Φ = κ n_th / 2"),
    )
