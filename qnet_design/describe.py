"""Readable descriptions of device and setup files: fields as written, with provenance.

Used by ``qnet-design devices show`` (text) and the feasibility report (HTML): one place that
knows which fields a setup overrides and how a layout value is spelled.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pint

from .specs.devices import DeviceSpec, load_device
from .specs.setups import SetupSpec

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
