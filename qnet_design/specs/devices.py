"""Load and validate one device file (TOML) into a :class:`DeviceSpec` of pint quantities.

Every problem becomes one :class:`~qnet_design.errors.DeviceFileError` whose message names the
file, the field, what was expected and what was found. Nothing here does physics.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pint

from ..errors import DeviceFileError, UnitError
from ..units import parse_decibels, parse_quantity
from .fields import COMMON_KEYS, DEVICE_FIELDS, DEVICE_GROUPS, Field, Group
from .plausibility import check_device
from .uncertainty import Uncertainty, has_uncertainty, split_measurement, split_uncertain


@dataclass(frozen=True)
class DeviceSpec:
    """A validated device: lab-unit quantities plus provenance.

    Attributes
    ----------
    kind, name, reference, notes
        As written in the file.
    values
        Field name → pint Quantity (dimensional fields), float (numbers, dB values) or str.
    path
        The file it came from (``None`` for devices built in Python).
    written
        The fields exactly as written in the file (unit strings), for re-validation.
    uncertainties
        Field name → :class:`~qnet_design.specs.uncertainty.Uncertainty` for the fields written
        with ``±`` (``values`` holds their nominal values).
    """

    kind: str
    name: str
    reference: str
    notes: str
    values: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None
    written: Mapping[str, Any] = field(default_factory=dict)
    uncertainties: Mapping[str, Uncertainty] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("values", "written", "uncertainties"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def has(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def raw(self) -> dict[str, Any]:
        """The file's fields as written (unit strings), plus the common keys."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "reference": self.reference,
            "notes": self.notes,
        }
        for key, value in self.values.items():
            if key in self.written:
                out[key] = self.written[key]
            else:
                out[key] = f"{value:~P}" if isinstance(value, pint.Quantity) else value
        return out


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning I/O and syntax problems into a DeviceFileError."""
    if not path.is_file():
        raise DeviceFileError(f"{path}: file not found")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise DeviceFileError(f"{path}: malformed TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise DeviceFileError(
            f"{path}: not a UTF-8 text file (byte {exc.start}); a device or setup file is TOML text"
        ) from None
    except OSError as exc:
        raise DeviceFileError(f"{path}: cannot be read ({exc.strerror})") from None


def _parse_field(key: str, spec: Field, value: Any, where: str) -> Any:
    if spec.kind == "choice":
        if value not in spec.choices:
            raise DeviceFileError(f"{where} must be one of {list(spec.choices)}, got {value!r}")
        return value
    if spec.kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DeviceFileError(f"{where} must be a plain number ({spec.doc}), got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise DeviceFileError(f"{where} must be a finite number ({spec.doc}), got {value!r}")
        if spec.low is not None and number < spec.low:
            raise DeviceFileError(f"{where} must be >= {spec.low} ({spec.doc}), got {value!r}")
        if spec.high is not None and (
            number > spec.high or (spec.high_open and number >= spec.high)
        ):
            bracket = ")" if spec.high_open else "]"
            low = spec.low if spec.low is not None else "-inf"
            raise DeviceFileError(
                f"{where} must lie in [{low}, {spec.high}{bracket} ({spec.doc}), got {value!r}"
            )
        _check_sign(number, spec, where, value)
        return number
    try:
        if spec.kind in ("db", "db_per_length"):
            number = parse_decibels(value, where, per_length=spec.kind == "db_per_length")
            _check_sign(number, spec, where, value)
            return number
        quantity = parse_quantity(value, spec.kind, where)
    except UnitError as exc:
        raise DeviceFileError(str(exc)) from None
    _check_sign(float(quantity.magnitude), spec, where, value)
    return quantity


def parse_uncertain_field(
    spec: Field, value: Any, where: str, parse: Any
) -> tuple[Any, Uncertainty | None]:
    """``parse(nominal)`` of a value that may carry ``± σ``, and its :class:`Uncertainty`.

    ``parse`` is the field's own parser (dimension, sign and range checks); σ is parsed by the
    same rules, must be >= 0 and is returned in the nominal's unit. Plain numbers with an
    uncertainty are written as strings (``"0.95 ± 0.02"``).
    """
    measurement = split_measurement(value)
    if measurement is not None:
        nominal = parse(measurement[0])
        sigma = measurement[1]
        return nominal, Uncertainty(_sigma_like(nominal, sigma, where), "normal", str(value))
    if not has_uncertainty(value):
        return parse(value), None
    try:
        parts = split_uncertain(value, where)
    except UnitError as exc:
        raise DeviceFileError(str(exc)) from None
    plain = spec.kind in ("number", "integer")
    nominal = parse(_plain_number(parts.nominal, where) if plain else parts.nominal)
    if parts.relative is not None:
        sigma = abs(nominal) * parts.relative
    elif plain:
        sigma = _plain_number(str(parts.sigma), where)
    elif spec.kind in ("db", "db_per_length"):
        try:
            sigma = parse_decibels(parts.sigma, where, per_length=spec.kind == "db_per_length")
        except UnitError as exc:
            raise DeviceFileError(str(exc)) from None
    else:
        try:
            sigma = _sigma_like(nominal, parse_quantity(parts.sigma, spec.kind, where), where)
        except UnitError as exc:
            raise DeviceFileError(str(exc)) from None
    if float(getattr(sigma, "magnitude", sigma)) < 0:
        raise DeviceFileError(f"{where}: the uncertainty in {value!r} must be >= 0")
    return nominal, Uncertainty(sigma, parts.distribution, value)


def _plain_number(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise DeviceFileError(
            f"{where} must be a plain number ± a plain number, got {text!r}"
        ) from None


def _sigma_like(nominal: Any, sigma: Any, where: str) -> Any:
    """σ in the unit of the nominal value (a Quantity), or a float for a float nominal."""
    if isinstance(nominal, pint.Quantity):
        try:
            return sigma.to(nominal.units)
        except (AttributeError, pint.DimensionalityError):
            raise DeviceFileError(
                f"{where}: the uncertainty {sigma!r} must have the unit of the value"
            ) from None
    return float(getattr(sigma, "magnitude", sigma))


def _check_sign(number: float, spec: Field, where: str, shown: Any) -> None:
    if spec.sign == "positive" and number <= 0:
        raise DeviceFileError(f"{where} must be > 0 ({spec.doc}), got {shown!r}")
    if spec.sign == "nonnegative" and number < 0:
        raise DeviceFileError(f"{where} must be >= 0 ({spec.doc}), got {shown!r}")


def _check_groups(kind: str, present: set[str], label: str) -> None:
    groups: tuple[Group, ...] = DEVICE_GROUPS.get(kind, ())
    for group in groups:
        if group.rule == "requires":
            needs, needed = group.alternatives
            if set(needs) <= present and not set(needed) <= present:
                raise DeviceFileError(
                    f"{label}: field `{needs[0]}` needs `{'`, `'.join(needed)}` as well"
                )
            continue
        complete = [alt for alt in group.alternatives if set(alt) <= present]
        partial = [alt for alt in group.alternatives if set(alt) & present and alt not in complete]
        names = " or ".join("+".join(f"`{k}`" for k in alt) for alt in group.alternatives)
        if len(complete) > 1:
            raise DeviceFileError(f"{label}: give only one of {names}, found several")
        if group.rule == "exactly" and not complete:
            if partial and len(group.alternatives) > 1:
                missing = sorted(set(partial[0]) - present)
                raise DeviceFileError(
                    f"{label}: missing field `{missing[0]}` (needed with "
                    f"`{sorted(set(partial[0]) & present)[0]}`); expected {names}"
                )
            missing = [k for k in group.alternatives[0] if k not in present]
            raise DeviceFileError(f"{label}: missing field `{missing[0]}` (expected {names})")


def parse_device(data: Mapping[str, Any], path: Path | None = None) -> DeviceSpec:
    """Validate the mapping of a device file and return a :class:`DeviceSpec`."""
    label = str(path) if path is not None else "<device>"
    for key in COMMON_KEYS:
        if key not in data:
            raise DeviceFileError(f"{label}: missing field `{key}`")
        if not isinstance(data[key], str):
            raise DeviceFileError(f"{label}: field `{key}` must be a string, got {data[key]!r}")
    kind = data["kind"]
    if kind not in DEVICE_FIELDS:
        raise DeviceFileError(
            f"{label}: field `kind` must be one of {sorted(DEVICE_FIELDS)}, got {kind!r}"
        )
    schema = DEVICE_FIELDS[kind]
    values: dict[str, Any] = {}
    uncertainties: dict[str, Uncertainty] = {}
    for key, value in data.items():
        if key in COMMON_KEYS:
            continue
        if key not in schema:
            close = [k for k in schema if k.replace("_", "") == key.replace("_", "").lower()]
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise DeviceFileError(
                f"{label}: unknown field `{key}` for kind {kind!r}{hint}; "
                f"known fields: {', '.join(schema)}"
            )
        where = f"{label}: field `{key}`"
        parse = functools.partial(_parse_field, key, schema[key], where=where)
        values[key], stated = parse_uncertain_field(schema[key], value, where, parse)
        if stated is not None:
            uncertainties[key] = stated
    _check_groups(kind, set(values), label)
    written = {k: v for k, v in data.items() if k not in COMMON_KEYS}
    check_device(kind, values, written, label)
    return DeviceSpec(
        kind, data["name"], data["reference"], data["notes"], values, path, written, uncertainties
    )


def load_device(path: str | Path) -> DeviceSpec:
    """Read and validate one device file."""
    path = Path(path)
    return parse_device(read_toml(path), path)
