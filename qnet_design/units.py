"""The one pint registry of qnet-design, field parsing with dimension checks, and the Bose factor.

Conventions (binding, see README "Units"):

* Frequencies and linewidths in device files are **cyclic** (Hz): ``f = ω/2π`` and a linewidth
  ``Δf = Γ/2π`` where Γ is the energy (population) decay rate. Such a field takes Hz-type units
  only (Hz, kHz, MHz, GHz, THz): a value in ``rad/s``, with an explicit ``pi``, in turns or
  revolutions, or with dimension 1/time (``"62.8 1/us"``, ``"6.28e7 1/s"``) is refused, because
  pint would convert it to Hz without the 2π (README "Unit policy").
* A value with an uncertainty (``"10 ± 1 MHz"``, ``"(10 +/- 1) MHz"``, ``"10 MHz +- 1 MHz"``,
  ``"10.0(5) MHz"``) is refused here (:func:`uncertainty_marker`): device and setup files split
  it into nominal value and σ before they call this module (``specs.uncertainty``).
* Every number must be finite, also after conversion to SI units.
* Times are times (T1, T2, T_phi); temperatures are absolute (K, mK).
* Only translators call these functions; models and solvers see plain floats.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pint

from .errors import UnitError

# the on-disk cache makes building the registry ~7× faster on later imports
ureg: pint.UnitRegistry = pint.UnitRegistry(cache_folder=":auto:")
pint.set_application_registry(ureg)
Q_ = ureg.Quantity

#: Physical constants as plain SI floats (CODATA 2018 exact values).
H_PLANCK = 6.62607015e-34  # J s
K_BOLTZMANN = 1.380649e-23  # J / K

#: kind of field → a unit for examples in messages (a bare number is refused for these kinds)
EXAMPLE_UNITS = {
    "frequency": "MHz",
    "energy_frequency": "GHz",
    "time": "us",
    "temperature": "mK",
    "length": "m",
    "per_length": "1/m",
    "velocity": "m/s",
    "db": "dB",
    "db_per_length": "dB/m",
}

#: kind of field → (pint dimensionality, SI unit for magnitudes, words for messages)
FIELD_KINDS: dict[str, tuple[str, str, str]] = {
    "frequency": ("1 / [time]", "Hz", "a cyclic frequency in Hz (e.g. '5 GHz')"),
    "time": ("[time]", "s", "a time (e.g. '20 us')"),
    "temperature": ("[temperature]", "K", "a temperature (e.g. '20 mK')"),
    "length": ("[length]", "m", "a length (e.g. '2 m')"),
    "per_length": ("1 / [length]", "1/m", "a quantity per length"),
    "velocity": ("[length] / [time]", "m/s", "a velocity (e.g. '5000 m/s')"),
    "energy_frequency": ("1 / [time]", "Hz", "an energy given as a cyclic frequency E/h in Hz"),
}

_RADIAN_WORDS = re.compile(r"\b(rad|radian|radians)\b|\bpi\b|π", re.IGNORECASE)
#: the unit of a cyclic-frequency field must be one (prefixed) hertz, nothing else
_HERTZ_UNIT = re.compile(r"^[a-z]*hertz$")
_UNCERTAINTY = re.compile(r"±|\+\s*/\s*-|\+\s*-|-\s*\+|\d\s*\(\s*\d+\s*\)|\buncertainty\b")


def uncertainty_marker(text: str) -> str | None:
    """The uncertainty notation in ``text`` (``±``, ``+/-``, ``+-``, ``10.0(5)``), or None.

    The last line of defence against values with an uncertainty reaching pint, which would read
    ``"10 MHz +- 1 MHz"`` as 9 MHz and ``"10(1) MHz"`` as a measurement the models cannot use;
    device and setup files split them off before (``specs.uncertainty``), so what arrives here
    with an uncertainty (e.g. a sweep value) is refused.
    """
    match = _UNCERTAINTY.search(text)
    return match.group(0) if match else None


def _refuse_uncertainty(text: str, where: str) -> None:
    marker = uncertainty_marker(text)
    if marker is not None:
        raise UnitError(
            f"{where}: {text!r} has an uncertainty ({marker.strip()!r}); uncertainties are not "
            "supported here, give the central value only (device and setup files accept "
            "'10 ± 1 MHz')"
        )


def _describe(q: pint.Quantity) -> str:
    dims = str(q.dimensionality)
    names = {
        "1 / [time]": "a frequency",
        "[time]": "a time",
        "[temperature]": "a temperature",
        "[length]": "a length",
        "[length] / [time]": "a velocity",
        "dimensionless": "a plain number",
    }
    return names.get(dims, f"a quantity of dimension {dims}")


def parse_quantity(value: Any, kind: str, where: str = "value") -> pint.Quantity:
    """Parse ``value`` (a unit string or a pint Quantity) as a quantity of ``kind``.

    Parameters
    ----------
    value
        ``"10 MHz"``, ``"45 mK"``, ... or a :class:`pint.Quantity` from user code.
    kind
        One of :data:`FIELD_KINDS` (``"frequency"`` means a *cyclic* frequency).
    where
        Context for messages, e.g. ``"devices/qubits/x.toml: field `t1`"``.

    Raises
    ------
    UnitError
        Unparsable text, a bare number (units are required), a wrong dimension, or an angular
        frequency (``rad/s``, ``2*pi*...``) in a cyclic-frequency field.
    """
    if kind not in FIELD_KINDS:
        raise ValueError(f"unknown field kind {kind!r}")
    dim, _, words = FIELD_KINDS[kind]
    if isinstance(value, bool) or isinstance(value, (int, float)):
        raise UnitError(f"{where} must be {words} with its unit, got the bare number {value!r}")
    q: pint.Quantity
    if isinstance(value, str):
        text = value.strip()
        _refuse_uncertainty(text, where)
        if kind in ("frequency", "energy_frequency") and _RADIAN_WORDS.search(text):
            raise UnitError(
                f"{where} must be {words}, got {value!r}: angular units (rad/s, 2*pi*...) "
                "differ by a factor 2π and are refused here; write the cyclic frequency "
                "f = ω/2π in Hz"
            )
        try:
            q = Q_(text)
        except Exception:
            raise UnitError(f"{where} must be {words}, got {value!r} (not a quantity)") from None
    elif isinstance(value, pint.Quantity):
        q = Q_(value.magnitude, str(value.units))
        if kind in ("frequency", "energy_frequency") and "radian" in str(value.units):
            raise UnitError(
                f"{where} must be {words}, got {value!r} in angular units; divide by 2π and give Hz"
            )
    else:
        raise UnitError(f"{where} must be {words} as a string such as '10 MHz', got {value!r}")
    if not isinstance(q, pint.Quantity) or (q.dimensionless and dim != "dimensionless"):
        raise UnitError(f"{where} must be {words}, got {value!r} (a plain number)")
    if not q.check(dim):
        raise UnitError(f"{where} must be {words}, got {value!r} ({_describe(q)})")
    if kind in ("frequency", "energy_frequency"):
        _require_hertz(q, value, where, words)
    try:
        si = float(q.m_as(FIELD_KINDS[kind][1]))
    except (TypeError, ValueError):  # a magnitude pint cannot make a float (e.g. a measurement)
        raise UnitError(f"{where} must be {words} with one number, got {value!r}") from None
    if not (math.isfinite(float(q.magnitude)) and math.isfinite(si)):
        raise UnitError(f"{where} must be a finite number (also in SI units), got {value!r}")
    return q


def _require_hertz(q: pint.Quantity, value: Any, where: str, words: str) -> None:
    """Refuse a 1/time (or turns, revolutions) value in a cyclic-frequency field: the 2π trap."""
    unit = str(q.units)
    if _HERTZ_UNIT.match(unit):
        return
    names = list(q.units._units)  # unit name → exponent
    if all(ureg.Unit(u).dimensionality == {"[time]": 1} for u in names):
        raise UnitError(
            f"{where} must be {words}, got {value!r}, a rate per time ({unit}) that could be an "
            f"angular rate ω or a cyclic frequency f = ω/2π, which differ by 2π; write it in Hz: "
            f"f = ω/2π if it is an angular rate or a decay rate Γ, the same number in Hz if it "
            f"is already cyclic"
        )
    raise UnitError(
        f"{where} must be {words}, got {value!r} (unit {unit}); "
        "cycles, turns and angles hide a factor 2π"
    )


def magnitude(value: Any, kind: str, where: str = "value") -> float:
    """:func:`parse_quantity`, returned as a float in SI units (Hz, s, K, m, 1/m)."""
    unit = FIELD_KINDS[kind][1]
    return float(parse_quantity(value, kind, where).m_as(unit))


def parse_decibels(value: Any, where: str = "value", per_length: bool = False) -> float:
    """Parse ``"0.8 dB"`` (or ``"3.2 dB/m"`` with ``per_length``) into dB (or dB per metre).

    A plain number is refused: whether a loss is in dB or a probability must be explicit.
    """
    expected = "a loss in dB per length (e.g. '3.2 dB/km')" if per_length else "a loss in dB"
    if not isinstance(value, str) or "dB" not in value:
        raise UnitError(f"{where} must be {expected}, got {value!r}")
    _refuse_uncertainty(value, where)
    number, _, rest = value.partition("dB")
    rest = rest.strip()
    try:
        db = float(number)
    except ValueError:
        raise UnitError(f"{where} must be {expected}, got {value!r}") from None
    if not math.isfinite(db):
        raise UnitError(f"{where} must be finite, got {value!r}")
    if per_length:
        if not rest.startswith("/"):
            raise UnitError(f"{where} must be {expected}, got {value!r} (no length)")
        length = parse_quantity("1 " + rest[1:].strip(), "length", where)
        per_metre = db / float(length.m_as("m"))
        if not math.isfinite(per_metre):
            raise UnitError(f"{where} must be finite, got {value!r}")
        return per_metre
    if rest:
        raise UnitError(f"{where} must be {expected}, got {value!r}")
    return db


def db_to_transmission(db: float) -> float:
    """Power transmission 10^(−dB/10) of an insertion loss in dB."""
    return 10.0 ** (-db / 10.0)


def angular(frequency_hz: float) -> float:
    """Angular frequency ω = 2π f in rad/s from a cyclic frequency in Hz."""
    return 2.0 * math.pi * frequency_hz


def cyclic(omega: float) -> float:
    """Cyclic frequency f = ω/2π in Hz from an angular frequency in rad/s."""
    return omega / (2.0 * math.pi)


def bose_occupation(frequency_hz: float, temperature_k: float) -> float:
    """Mean thermal occupation n = 1/(exp(h f / k_B T) − 1) of a mode at cyclic frequency f.

    For 5 GHz at 293 K this gives ≈ 1220 (paper 001, Sec. V A). Zero temperature gives 0; so
    does hf ≫ k_BT (written as e^(−x)/(1 − e^(−x)), which cannot overflow).
    """
    if not (math.isfinite(frequency_hz) and math.isfinite(temperature_k)):
        raise UnitError(
            f"a Bose factor needs a finite frequency and temperature, got {frequency_hz} Hz, "
            f"{temperature_k} K"
        )
    if frequency_hz <= 0:
        raise UnitError(f"the frequency must be > 0 Hz for a Bose factor, got {frequency_hz}")
    if temperature_k < 0:
        raise UnitError(f"the temperature must be >= 0 K, got {temperature_k}")
    if temperature_k == 0:
        return 0.0
    x = H_PLANCK * frequency_hz / (K_BOLTZMANN * temperature_k)
    if x > 1.0:
        return math.exp(-x) / -math.expm1(-x)
    return 1.0 / math.expm1(x)


def lab_units(x: float, unit: str) -> str:
    """``x`` (in ``unit``, SI) as a lab would write it: ``10 MHz``, ``20 µs``, ``0.2 dB``."""
    if unit in ("Hz", "s", "m", "K", "m/s") and x != 0:
        return f"{Q_(x, unit).to_compact():.4g~P}"
    return f"{x:.4g} {unit}".strip()


__all__ = [
    "EXAMPLE_UNITS",
    "FIELD_KINDS",
    "Q_",
    "angular",
    "bose_occupation",
    "cyclic",
    "db_to_transmission",
    "lab_units",
    "magnitude",
    "parse_decibels",
    "parse_quantity",
    "uncertainty_marker",
    "ureg",
]
