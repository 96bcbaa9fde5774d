"""Implausible magnitudes: refused with the number that triggered them and the threshold.

A device or setup file can be well formed and still describe something no lab builds — most
often after a prefix typo (``"10 mHz"`` for ``"10 MHz"``) or an exponent slip (``"1e30 GHz"``).
Such values used to reach the solvers and hang them (a 10 mHz linewidth makes κ/γ = 10⁶) or
overflow them. Every rule below refuses (DeviceFileError, CLI exit 2) with the field, the value
and the threshold; the thresholds are generous bounds for the device families of this toolkit
(superconducting circuits, SiV centres and their phonon waveguides, electromechanics), listed in
the README section "Unit policy".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pint

from ..errors import DeviceFileError
from ..units import bose_occupation

#: no frequency field (device or layout) above this: every device here works below 1 THz
MAX_FREQUENCY_HZ = 1e12
#: transition, centre, cavity and filter frequencies below this are a prefix typo
MIN_CARRIER_HZ = 1e6
#: mechanical mode frequencies below this are not the MHz drums of paper 002
MIN_MECHANICAL_HZ = 1e3
#: radiative, source, filter and cavity linewidths below this are a milli/mega typo ("10 mHz")
MIN_LINEWIDTH_HZ = 1.0
#: a thermal source hotter than this occupation (n_th = Bose(f_c, T)) is refused
MAX_OCCUPATION = 1e6
#: link and mechanical-bath temperatures above this are not a cryostat or a lab
MAX_BATH_TEMPERATURE_K = 1e3
#: bounds of dimensionless source and drive parameters (r = 10 is 87 dB of squeezing)
MAX_SQUEEZING_R = 10.0
MAX_DB = 100.0
MAX_GAIN = 1e10
MAX_PHOTONS = 1e12
MAX_COOPERATIVITY = 1e12
#: shortest time field when the transition frequency is not given (E_J/E_C transmons)
MIN_TIME_S = 1e-12

# linewidth field → the frequency field it must stay below (the linewidth of a resonance
# cannot exceed its frequency: the rotating-wave models of every scheme assume it is far below)
_LINEWIDTH_OF = {
    "waveguide_linewidth": "f01",
    "phonon_linewidth": "transition_frequency",
    "linewidth": "center_frequency_a",
    "linewidth_a": "center_frequency_a",
    "linewidth_b": "center_frequency_b",
    "filter_linewidth": "filter_frequency",
    "cavity_linewidth": "cavity_frequency",
    "mechanical_linewidth": "mechanical_frequency",
}
_CARRIERS = (
    "f01",
    "transition_frequency",
    "center_frequency_a",
    "center_frequency_b",
    "filter_frequency",
    "cavity_frequency",
)
# quality factor → the frequency it divides into a linewidth Δf = f/Q
_Q_CARRIER = {"filter_q": "filter_frequency", "coupling_q": "f01"}
_QUALITY_FACTORS = tuple(_Q_CARRIER)
_TIMES = ("t1", "t1_intrinsic", "t2", "t_phi")
_UPPER = {
    "squeezing_r": (MAX_SQUEEZING_R, ""),
    "squeezing_db": (MAX_DB, " dB"),
    "gain_db": (MAX_DB, " dB"),
    "gain": (MAX_GAIN, ""),
    "added_noise": (MAX_OCCUPATION, " photons"),
    "cavity_photons": (MAX_PHOTONS, " photons"),
    "cooperativity": (MAX_COOPERATIVITY, ""),
}


def _si(value: Any, unit: str) -> float:
    return float(value.m_as(unit)) if isinstance(value, pint.Quantity) else float(value)


def _refuse(label: str, key: str, written: Any, why: str) -> DeviceFileError:
    return DeviceFileError(f"{label}: field `{key}` = {written!r} is implausible: {why}")


def check_device(
    kind: str, values: Mapping[str, Any], written: Mapping[str, Any], label: str
) -> None:
    """Refuse the first implausible value of one device (values parsed, ``written`` as in the file).

    Raises
    ------
    DeviceFileError
        Naming the file, the field, the value as written, the threshold and its reason.
    """
    hz = {
        k: _si(v, "Hz")
        for k, v in values.items()
        if isinstance(v, pint.Quantity) and v.check("1/[time]")
    }
    for key, f in hz.items():
        if abs(f) > MAX_FREQUENCY_HZ:
            raise _refuse(
                label,
                key,
                written.get(key),
                f"{f:.3g} Hz is above {MAX_FREQUENCY_HZ:.0e} Hz, "
                "beyond every device this toolkit models (a prefix or exponent typo?)",
            )
    for key in _CARRIERS:
        if key in hz and hz[key] < MIN_CARRIER_HZ:
            raise _refuse(
                label,
                key,
                written.get(key),
                f"{hz[key]:.3g} Hz is below {MIN_CARRIER_HZ:.0e} Hz "
                "(a milli/mega prefix typo? 'mHz' is millihertz, 'MHz' megahertz)",
            )
    if "mechanical_frequency" in hz and hz["mechanical_frequency"] < MIN_MECHANICAL_HZ:
        raise _refuse(
            label,
            "mechanical_frequency",
            written.get("mechanical_frequency"),
            f"{hz['mechanical_frequency']:.3g} Hz is below {MIN_MECHANICAL_HZ:.0e} Hz",
        )
    for key, carrier in _LINEWIDTH_OF.items():
        if key not in hz:
            continue
        if key != "mechanical_linewidth" and hz[key] < MIN_LINEWIDTH_HZ:
            raise _refuse(
                label,
                key,
                written.get(key),
                f"a linewidth of {hz[key]:.3g} Hz is below "
                f"{MIN_LINEWIDTH_HZ:g} Hz (a milli/mega prefix typo? 'mHz' is millihertz, "
                "'MHz' megahertz)",
            )
        if carrier in hz and hz[key] >= hz[carrier]:
            raise _refuse(
                label,
                key,
                written.get(key),
                f"the linewidth {hz[key]:.3g} Hz is not below the "
                f"frequency `{carrier}` = {hz[carrier]:.3g} Hz it broadens",
            )
    for key in _QUALITY_FACTORS:
        if key in values and float(values[key]) <= 1.0:
            raise _refuse(
                label,
                key,
                written.get(key),
                f"a quality factor Q = {float(values[key]):g} <= 1 "
                "means a linewidth at or above the frequency (Q = f/Δf must be > 1)",
            )
        carrier = _Q_CARRIER[key]
        if key in values and carrier in hz and hz[carrier] / float(values[key]) < MIN_LINEWIDTH_HZ:
            # the linewidth rule above, for a linewidth written as f/Q (Q = 1e300 slipped through)
            raise _refuse(
                label,
                key,
                written.get(key),
                f"the linewidth {carrier}/Q = {hz[carrier] / float(values[key]):.3g} Hz is below "
                f"{MIN_LINEWIDTH_HZ:g} Hz (an exponent typo?)",
            )
    loss_db = float(values.get("insertion_loss", 0.0))
    if "loss_per_length" in values and "length" in values:
        loss_db += float(values["loss_per_length"]) * _si(values["length"], "m")
    if not loss_db <= MAX_DB:  # also catches an overflow to inf
        key = "insertion_loss" if "insertion_loss" in values else "loss_per_length"
        raise _refuse(
            label,
            key,
            written.get(key),
            f"a channel loss of {loss_db:.3g} dB is above {MAX_DB:g} dB "
            "(the transmission 10^(-L/10) rounds to 0)",
        )
    period = next((1.0 / hz[k] for k in ("f01", "transition_frequency") if k in hz), None)
    shortest = period if period is not None else MIN_TIME_S
    for key in _TIMES:
        if key in values and _si(values[key], "s") < shortest:
            what = (
                f"one period 1/f = {period:.3g} s of the transition"
                if period
                else (f"{MIN_TIME_S:g} s")
            )
            raise _refuse(
                label,
                key,
                written.get(key),
                f"{_si(values[key], 's'):.3g} s is shorter than "
                f"{what}: a decay or dephasing rate above the transition frequency",
            )
    for key, (high, unit) in _UPPER.items():
        if key in values and float(values[key]) > high:
            raise _refuse(label, key, written.get(key), f"above the bound {high:g}{unit}")
    if kind == "thermal_source" and "filter_frequency" in hz and "temperature" in values:
        temperature = _si(values["temperature"], "K")
        n_th = bose_occupation(hz["filter_frequency"], temperature)
        if n_th > MAX_OCCUPATION:
            raise _refuse(
                label,
                "temperature",
                written.get("temperature"),
                f"it gives a thermal "
                f"occupation n_th = {n_th:.3g} at f_c = {hz['filter_frequency']:.3g} Hz, above "
                f"{MAX_OCCUPATION:.0e}",
            )
    for key in ("base_temperature", "bath_temperature"):
        if key in values and _si(values[key], "K") > MAX_BATH_TEMPERATURE_K:
            raise _refuse(
                label,
                key,
                written.get(key),
                f"{_si(values[key], 'K'):.3g} K is above "
                f"{MAX_BATH_TEMPERATURE_K:g} K for a link or a bath",
            )


def qubit_frequency(devices: Mapping[str, Any], role: str) -> float | None:
    """Transition frequency in Hz of the qubit in ``role`` when the file gives it, else None."""
    device = devices.get(role)
    for key in ("f01", "transition_frequency"):
        if device is not None and device.has(key):
            return float(device.get(key).m_as("Hz"))
    return None


def check_layout(
    scheme: str, layout: Mapping[str, Any], devices: Mapping[str, Any], label: str
) -> None:
    """Refuse implausible layout frequencies: above 1 THz, or detunings not below the qubit
    frequency (a detuning ≥ f01 puts the qubit at zero or negative frequency)."""
    for key, value in layout.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, pint.Quantity) and item.check("1/[time]"):
                f = abs(float(item.m_as("Hz")))
                if f > MAX_FREQUENCY_HZ:
                    raise DeviceFileError(
                        f"{label}: field `layout.{key}` = {item:~P} is implausible: {f:.3g} Hz "
                        f"is above {MAX_FREQUENCY_HZ:.0e} Hz (a prefix or exponent typo?)"
                    )
    detunings: list[tuple[str, float, str]] = []
    if scheme == "thermal_link":
        for key, role in (("detuning1", "qubit"), ("detuning2", "qubit2")):
            if layout.get(key) is not None:
                use = role if role in devices else "qubit"
                detunings.append((key, float(layout[key].m_as("Hz")), use))
    elif scheme == "cooperative" and layout.get("detunings"):
        detunings += [
            (f"detunings[{i}]", float(d.m_as("Hz")), "qubit")
            for i, d in enumerate(layout["detunings"])
        ]
    elif scheme == "dual_rail" and layout.get("detuning_step") is not None:
        span = float(layout["detuning_step"].m_as("Hz")) * max(int(layout.get("pairs", 1)) - 1, 0)
        detunings.append(("detuning_step × (pairs − 1)", span, "qubit"))
    for key, delta, role in detunings:
        f_qubit = qubit_frequency(devices, role)
        if f_qubit is not None and abs(delta) >= f_qubit:
            raise DeviceFileError(
                f"{label}: field `layout.{key.split(' ')[0]}` is implausible: the detuning "
                f"{key} = {delta:.3g} Hz is not below the qubit frequency {f_qubit:.3g} Hz"
            )


__all__ = [
    "MAX_BATH_TEMPERATURE_K",
    "MAX_FREQUENCY_HZ",
    "MAX_OCCUPATION",
    "MIN_CARRIER_HZ",
    "MIN_LINEWIDTH_HZ",
    "check_device",
    "check_layout",
]
