"""Readable descriptions of device and setup files: fields as written, with provenance.

Used by ``qnet-design devices show`` and ``translate`` (text) and the feasibility report (HTML):
one place that knows which fields a setup overrides, how a layout value is spelled and how a
translation reads (in the layout of the budget's text: ``budget._types.text_block``).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pint

from .budget._types import format_value, short_line, text_block
from .specs.devices import DeviceSpec, load_device
from .specs.setups import SetupSpec
from .translate import Translation
from .units import Q_

#: the common keys of a device file, shown as its header rather than as fields
HEADER = ("kind", "name", "reference", "notes")


@dataclass(frozen=True)
class Field:
    """One field as written in the file (unit string), and whether the setup overrides it."""

    key: str
    value: str
    overridden: bool = False


def spell(value: Any) -> str:
    """A field or layout value as a user writes it: ``10 MHz``, ``3``, ``[0.35 µm, 0.7 µm]``."""
    if isinstance(value, pint.Quantity):
        return f"{value:~P}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(spell(v) for v in value) + "]"
    return str(value)


def device_fields(device: DeviceSpec, file: Path | None = None) -> list[Field]:
    """The device's fields; with ``file`` (the device file a setup names), mark those the setup
    overrides (their value differs from the file's)."""
    base = load_device(file).raw() if file is not None else None
    return [
        Field(key, spell(value), base is not None and base.get(key) != value)
        for key, value in device.raw().items()
        if key not in HEADER
    ]


def layout_fields(setup: SetupSpec) -> list[Field]:
    return [Field(key, spell(value)) for key, value in setup.layout.items() if value is not None]


def _block(text: str, indent: str, width: int = 100) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent) or [indent]


def device_lines(device: DeviceSpec, file: Path | None = None, indent: str = "") -> list[str]:
    """A device as text: name, kind, file, reference, notes, then one field per line."""
    lines = [f"{indent}{device.name}  [{device.kind}]"]
    if file is not None or device.path is not None:
        lines.append(f"{indent}  file: {file if file is not None else device.path}")
    lines += _block(f"reference: {device.reference}", indent + "  ")
    if device.notes:
        lines += _block(f"notes: {device.notes}", indent + "  ")
    fields = device_fields(device, file)
    width = max((len(f.key) for f in fields), default=0)
    for f in fields:
        mark = "   (set by the setup)" if f.overridden else ""
        lines.append(f"{indent}    {f.key:<{width}} = {f.value}{mark}")
    return lines


def setup_lines(setup: SetupSpec) -> list[str]:
    """A setup as text: name, scheme, file, notes, every device with its fields, the layout."""
    lines = [setup.name, f"  scheme: {setup.scheme}"]
    if setup.path is not None:
        lines.append(f"  file: {setup.path}")
    if setup.notes:
        lines += _block(f"notes: {setup.notes}", "  ")
    for role, device in setup.devices.items():
        lines += ["", f"{role}:"]
        lines += device_lines(device, setup.sources.get(role), "  ")
    fields = layout_fields(setup)
    if fields:
        lines += ["", "layout:"]
        width = max(len(f.key) for f in fields)
        lines += [f"    {f.key:<{width}} = {f.value}" for f in fields]
    return lines


def stated_uncertainties(setup: SetupSpec) -> dict[str, str]:
    """``role.field`` → the value as written with its ``± σ`` (nominal values feed the model)."""
    out = {
        f"{role}.{key}": u.written
        for role, device in setup.devices.items()
        for key, u in device.uncertainties.items()
    }
    out.update({f"layout.{k}": u.written for k, u in setup.layout_uncertainties.items()})
    return out


def _hz(value: float) -> str:
    """A cyclic frequency in lab units to 6 digits (``9.9 MHz``); ∞/NaN as in every output."""
    if value == 0 or format_value(value) in ("∞", "−∞", "NaN"):
        return f"{format_value(value)} Hz"
    return f"{Q_(value, 'Hz').to_compact():.6g~P}"


def _parameter_value(value: Any) -> str:
    return format_value(value, 6) if isinstance(value, float) else spell(value)


def translation_lines(tr: Translation, setup: SetupSpec, quiet: bool = False) -> list[str]:
    """``qnet-design translate`` as text, in the layout of the budget's: per rate its value
    Γ/2π in lab units and how it was obtained, then Γ in rad/s and in units of the reference
    rate; per dimensionless parameter its value and rule. ``quiet``: one line each."""
    ref = tr.reference
    head = [
        f"{tr.setup}  [{tr.scheme}]",
        f"reference rate {ref.symbol} = 2π × {_hz(ref.hz)} = {format_value(ref.angular, 6)} "
        "rad/s (the model's unit of rate)",
    ]
    rate_names = [r.symbol if quiet else f"{r.symbol} ({r.name})" for r in tr.rates]
    width = max(len(n) for n in rate_names + [p.symbol for p in tr.parameters])
    if quiet:
        lines = [
            short_line(
                r.symbol,
                f"{format_value(tr.dimensionless(r), 6)} {ref.symbol}".rstrip(),
                width,
                f"2π × {_hz(r.hz)}",
            )
            for r in tr.rates
        ]
        lines += [short_line(p.symbol, _parameter_value(p.value), width) for p in tr.parameters]
        return head + lines
    lines = [*head, "", f"Rates (Γ/2π; how obtained; Γ in rad/s and in units of {ref.symbol}):"]
    for name, r in zip(rate_names, tr.rates, strict=True):
        model = f"{format_value(r.angular, 6)} rad/s = {format_value(tr.dimensionless(r), 6)}"
        details = [("model", f"{model} {ref.symbol}")]
        lines += text_block(name, _hz(r.hz), r.note, details, width)
    lines += ["", "Dimensionless parameters (value; how obtained):"]
    for p in tr.parameters:
        lines += text_block(p.symbol, _parameter_value(p.value), p.note, [], width)
    stated = stated_uncertainties(setup)
    if stated:
        lines += ["", "Stated uncertainties (the model uses the nominal values):"]
        lines += [f"  {path} = {text}" for path, text in stated.items()]
    return lines
