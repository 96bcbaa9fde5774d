"""Channel translator: loss probability and residual thermal occupation of a link.

p_loss = 1 − 10^(−L/10) with L = loss_per_length × length + insertion_loss (dB), unless
``p_loss`` is given directly. The base temperature gives the residual thermal occupation at the
qubit frequency, n = Bose(f_q, T); above 10⁻³ the translator warns (the schemes assume a
zero-temperature waveguide apart from their source).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..specs.devices import DeviceSpec
from ..units import bose_occupation, db_to_transmission

RESIDUAL_THERMAL_WARNING = 1e-3


@dataclass(frozen=True)
class ChannelRates:
    p_loss: float
    loss_db: float | None
    residual_occupation: float
    phase_velocity: float | None  # m/s
    note: str


def translate_channel(spec: DeviceSpec | None, frequency_hz: float) -> ChannelRates:
    """Channel device (or ``None`` = ideal link) at the carrier frequency ``frequency_hz``."""
    if spec is None:
        return ChannelRates(0.0, None, 0.0, None, "no channel: lossless, zero temperature")
    velocity = spec.get("phase_velocity")
    velocity_ms = None if velocity is None else float(velocity.m_as("m/s"))
    temperature = spec.get("base_temperature")
    n_res = 0.0 if temperature is None else bose_occupation(frequency_hz, temperature.m_as("K"))
    if spec.has("p_loss"):
        return ChannelRates(float(spec.get("p_loss")), None, n_res, velocity_ms, "p_loss as given")
    loss_db = float(spec.get("insertion_loss", 0.0))
    if spec.has("loss_per_length"):
        loss_db += float(spec.get("loss_per_length")) * float(spec.get("length").m_as("m"))
    return ChannelRates(
        1.0 - db_to_transmission(loss_db),
        loss_db,
        n_res,
        velocity_ms,
        "p_loss = 1 − 10^(−(loss_per_length·length + insertion_loss)/10)",
    )
