"""Electromechanical circuit → the rates of paper 002's nonreciprocal chain (``cv_routing``).

Mapping (paper 002, "Optomechanical implementation", after its Ref. [42]); stated assumptions:

* the chain nodes are mechanical modes at ω = ω_m (the model's unit of frequency is ω);
* the engineered common bath of a pair of nodes is a microwave cavity mode driven on its red
  sideband (Δ = −ω_m); eliminating it adiabatically gives the anti-Stokes (cooling) rate
  A₋ = 4 g²/κ with g = g₀ √n_cav (A₋ = C·γ_m with C = 4g²/(κ γ_m)), valid for g ≪ κ and
  A₋ ≪ κ (the translator warns otherwise). The same drive scatters Stokes (heating) at
  A₊ = g²κ/(κ²/4 + 4ω_m²) — the quantum backaction of resolved-sideband cooling (Marquardt,
  Chen, Clerk, Girvin, PRL 99, 093902 (2007); Wilson-Rae et al., PRL 99, 093901 (2007)). With
  the cavity at zero temperature the pair's common bath is then thermal: net rate
  γ = A₋ − A₊ and occupation n̄_common = A₊/(A₋ − A₊) ≈ (κ/4ω_m)² (paper 002 does not discuss
  it; it sets the floor of the common baths' N̄_{l,l+1} of its Eq. 2). The cavity's own
  thermal occupation is not a field of the device file and is taken as zero;
* the local decay of every node is the intrinsic mechanical damping, γ_out = γ_m, with bath
  occupation n̄ = Bose(ω_m, T_bath);
* the nonreciprocity matching condition J_l = γ/2 fixes the coherent hopping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..specs.devices import DeviceSpec
from ..units import bose_occupation


@dataclass(frozen=True)
class ElectromechanicalRates:
    omega_m: float
    kappa: float
    gamma_m: float
    g: float
    cooperativity: float
    gamma: float  # engineered collective decay, net: A₋ − A₊ = 4g²/κ − g²κ/(κ²/4 + 4ω_m²)
    n_bath: float
    n_common: float = 0.0  # Stokes backaction occupation A₊/(A₋ − A₊) of the common baths
    warnings: tuple[str, ...] = ()


def translate_electromechanical(spec: DeviceSpec) -> ElectromechanicalRates:
    kappa = 2.0 * math.pi * float(spec.get("cavity_linewidth").m_as("Hz"))
    gamma_m = 2.0 * math.pi * float(spec.get("mechanical_linewidth").m_as("Hz"))
    f_m = float(spec.get("mechanical_frequency").m_as("Hz"))
    if spec.has("cooperativity"):
        coop = float(spec.get("cooperativity"))
        g = math.sqrt(coop * kappa * gamma_m / 4.0)
    else:
        g = (
            2.0
            * math.pi
            * float(spec.get("g0").m_as("Hz"))
            * math.sqrt(float(spec.get("cavity_photons")))
        )
        coop = 4.0 * g**2 / (kappa * gamma_m)
    cooling = 4.0 * g**2 / kappa
    heating = g**2 * kappa / (kappa**2 / 4.0 + 4.0 * (2.0 * math.pi * f_m) ** 2)
    gamma = cooling - heating
    temperature = spec.get("bath_temperature")
    n_bath = 0.0 if temperature is None else bose_occupation(f_m, temperature.m_as("K"))
    warns = []
    if gamma > 0.1 * kappa:
        warns.append(
            f"engineered γ ≈ 4g²/κ = {gamma / kappa:.2g} κ is not ≪ κ: the adiabatic elimination "
            "of the cavity behind the cv_routing mapping does not hold"
        )
    if 2.0 * math.pi * f_m < 4.0 * kappa:
        warns.append("ω_m is not ≫ κ: the red-sideband (resolved-sideband) drive is not resolved")
    return ElectromechanicalRates(
        omega_m=2.0 * math.pi * f_m,
        kappa=kappa,
        gamma_m=gamma_m,
        g=g,
        cooperativity=coop,
        gamma=gamma,
        n_bath=n_bath,
        n_common=heating / gamma,
        warnings=tuple(warns),
    )
