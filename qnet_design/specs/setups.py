"""Load a setup file: devices by relative path, inline overrides, inheritance, scheme layout.

A setup names a ``scheme``, maps roles (``qubit``, ``source``, ...) to device files relative to
itself, may start from another setup (``base``), overrides any device field inline under
``[overrides.<role>]`` and gives the scheme's ``[layout]``. The result is a :class:`SetupSpec`
whose devices are validated :class:`~qnet_design.specs.devices.DeviceSpec` objects.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import DeviceFileError, UnitError
from ..units import FIELD_KINDS, parse_quantity
from .devices import DeviceSpec, parse_device, parse_uncertain_field, read_toml
from .fields import DEVICE_FIELDS, DEVICE_GROUPS, Field
from .plausibility import check_layout
from .uncertainty import Uncertainty


@dataclass(frozen=True)
class LayoutField:
    """One layout key: ``kind`` is integer, number, choice, permutation, bitstring, a unit kind
    (``frequency`` is cyclic, may be negative for detunings), or ``<unit kind>_list``."""

    kind: str
    default: Any
    doc: str
    minimum: float | None = None  # for a unit kind: in SI units (Hz, s, m)
    choices: tuple[str, ...] = ()
    positive: bool = False  # a unit kind that must be > 0 (a rate that is divided by)


@dataclass(frozen=True, kw_only=True)
class Scheme:
    """Roles (role → allowed device kinds; optional ones only where a scheme has them) and
    layout of one scheme."""

    roles: Mapping[str, tuple[str, ...]]
    optional_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    layout: Mapping[str, LayoutField]


_L = LayoutField
_QUBITS = ("transmon", "siv")

SCHEMES: dict[str, Scheme] = {
    "dual_rail": Scheme(
        roles={"qubit": _QUBITS, "source": ("two_mode_squeezer",)},
        optional_roles={"qubit_b": _QUBITS, "channel": ("channel",)},
        layout={
            "pairs": _L("integer", 1, "number of qubit pairs N", minimum=1),
            "detuning_step": _L("frequency", "0 Hz", "Δ/2π with δ_A,i = (i−1)Δ"),
            "permutation": _L("permutation", "identity", "P in δ_B = −P δ_A"),
        },
    ),
    "thermal_link": Scheme(
        roles={"qubit": _QUBITS, "source": ("thermal_source",)},
        optional_roles={"qubit2": _QUBITS, "channel": ("channel",)},
        layout={
            "geometry": _L(
                "choice", "chiral", "waveguide geometry", choices=("chiral", "bidirectional")
            ),
            "detuning1": _L("frequency", "0 Hz", "Δ₁/2π of qubit 1 from the filter"),
            "detuning2": _L("frequency", "0 Hz", "Δ₂/2π of qubit 2 from the filter"),
            "positions": _L("length_list", None, "qubit positions (bidirectional only)"),
        },
    ),
    "cv_routing": Scheme(
        roles={"mechanics": ("electromechanical",)},
        layout={
            "nodes": _L("integer", 10, "chain length M", minimum=1),
            "squeezing_r": _L(
                "number", 0.5, "squeezing rate r/ω of node 0 (paper 002, Eq. 1)", minimum=0.0
            ),
            "direction": _L("choice", "forward", "attachment", choices=("forward", "backward")),
            "attachment_rate": _L(
                "frequency", None, "j/2π, coupling of node 0 to the chain", minimum=0.0
            ),
        },
    ),
    "cv_replication": Scheme(
        roles={"source": ("two_mode_squeezer",)},
        layout={
            "sites": _L("integer", 4, "sites N per array", minimum=1),
            "hopping": _L("frequency", None, "hopping J/2π"),
            "drive_rate": _L(
                "frequency", None, "Γ/2π, coupling of the end sites to the bath", positive=True
            ),
            "cavity_linewidth": _L(
                "frequency", "0 Hz", "cavity loss κ/2π of every site", minimum=0.0
            ),
        },
    ),
    "cooperative": Scheme(
        roles={"qubit": _QUBITS},
        layout={
            "qubits": _L("integer", 2, "number of qubits N", minimum=2),
            "detunings": _L("frequency_list", None, "δ_i/2π of each qubit"),
            "initial": _L("bitstring", None, "initial product state, qubit 0 first"),
        },
    ),
}

_SETUP_KEYS = ("scheme", "name", "notes", "base", "devices", "overrides", "layout")


@dataclass(frozen=True)
class SetupSpec:
    """A validated setup: scheme, devices by role (overrides applied) and layout values.

    ``layout_uncertainties`` maps the layout keys written with ``± σ`` to their
    :class:`~qnet_design.specs.uncertainty.Uncertainty` (``layout`` holds the nominal values).
    """

    scheme: str
    name: str
    notes: str
    devices: Mapping[str, DeviceSpec]
    layout: Mapping[str, Any]
    path: Path | None = None
    sources: Mapping[str, Path] = field(default_factory=dict)
    layout_uncertainties: Mapping[str, Uncertainty] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("devices", "layout", "sources", "layout_uncertainties"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_resolved(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    """Read a setup, resolve ``base`` recursively and make device paths absolute."""
    resolved = path.resolve()
    if resolved in chain:
        loop = " -> ".join(str(p) for p in (*chain, resolved))
        raise DeviceFileError(f"{path}: field `base` makes the setup include itself ({loop})")
    data = read_toml(path)
    unknown = [k for k in data if k not in _SETUP_KEYS]
    if unknown:
        raise DeviceFileError(
            f"{path}: unknown field `{unknown[0]}` in a setup; "
            f"known fields: {', '.join(_SETUP_KEYS)}"
        )
    for key in ("devices", "overrides", "layout"):
        if key in data and not isinstance(data[key], dict):
            raise DeviceFileError(f"{path}: field `{key}` must be a table, got {data[key]!r}")
    devices = {}
    for role, rel in data.get("devices", {}).items():
        if not isinstance(rel, str):
            raise DeviceFileError(f"{path}: field `devices.{role}` must be a path, got {rel!r}")
        devices[role] = str((path.parent / rel).resolve())
    data["devices"] = devices
    if "base" in data:
        if not isinstance(data["base"], str):
            raise DeviceFileError(f"{path}: field `base` must be a path, got {data['base']!r}")
        base_path = path.parent / data.pop("base")
        if not base_path.is_file():
            raise DeviceFileError(f"{path}: field `base` points to a missing file {base_path}")
        data = _merge(_read_resolved(base_path, (*chain, resolved)), data)
    return data


def _parse_layout_value(key: str, spec: LayoutField, value: Any, where: str) -> Any:
    try:
        if spec.kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise DeviceFileError(f"{where} must be an integer ({spec.doc}), got {value!r}")
            if spec.minimum is not None and value < spec.minimum:
                raise DeviceFileError(f"{where} must be >= {spec.minimum:g}, got {value!r}")
            return value
        if spec.kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise DeviceFileError(f"{where} must be a number ({spec.doc}), got {value!r}")
            if not math.isfinite(value):
                raise DeviceFileError(
                    f"{where} must be a finite number ({spec.doc}), got {value!r}"
                )
            if spec.minimum is not None and value < spec.minimum:
                raise DeviceFileError(f"{where} must be >= {spec.minimum:g}, got {value!r}")
            return float(value)
        if spec.kind == "choice":
            if value not in spec.choices:
                raise DeviceFileError(f"{where} must be one of {list(spec.choices)}, got {value!r}")
            return value
        if spec.kind == "permutation":
            if value in ("identity", "reversed"):
                return value
            if isinstance(value, list) and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value
            ):
                if sorted(value) != list(range(len(value))):
                    raise DeviceFileError(
                        f"{where} must be a permutation of 0..{len(value) - 1}, got {value!r}"
                    )
                return list(value)
            raise DeviceFileError(
                f"{where} must be 'identity', 'reversed' or a list of 0-based indices, "
                f"got {value!r}"
            )
        if spec.kind == "bitstring":
            if not isinstance(value, str) or not value or set(value) - {"0", "1"}:
                raise DeviceFileError(f"{where} must be a bitstring such as '100', got {value!r}")
            return value
        if spec.kind.endswith("_list"):
            unit_kind = spec.kind.removesuffix("_list")
            items = value if isinstance(value, list) else [value]
            return [parse_quantity(v, unit_kind, f"{where}[{i}]") for i, v in enumerate(items)]
        quantity = parse_quantity(value, spec.kind, where)
        si = quantity.to_base_units().magnitude
        if (spec.positive and si <= 0) or (spec.minimum is not None and si < spec.minimum):
            bound = "> 0" if spec.positive else f">= {spec.minimum:g}"
            raise DeviceFileError(f"{where} must be {bound} ({spec.doc}), got {value!r}")
        return quantity
    except UnitError as exc:
        raise DeviceFileError(str(exc)) from None


def load_setup(path: str | Path) -> SetupSpec:
    """Read, resolve and validate a setup file.

    Raises
    ------
    DeviceFileError
        With the file and the field for every problem: unknown scheme, missing or unknown role,
        missing device file, wrong device kind, invalid override or layout value, a ``base``
        cycle.
    """
    path = Path(path)
    data = _read_resolved(path, ())
    scheme_name = data.get("scheme")
    if scheme_name not in SCHEMES:
        raise DeviceFileError(
            f"{path}: field `scheme` must be one of {sorted(SCHEMES)}, got {scheme_name!r}"
        )
    scheme = SCHEMES[scheme_name]
    for key in ("name",):
        if not isinstance(data.get(key), str):
            raise DeviceFileError(f"{path}: missing field `{key}` (a string)")
    allowed = {**scheme.roles, **scheme.optional_roles}
    for role in scheme.roles:
        if role not in data["devices"]:
            raise DeviceFileError(
                f"{path}: missing field `devices.{role}` (scheme {scheme_name!r} needs roles "
                f"{', '.join(scheme.roles)})"
            )
    overrides = data.get("overrides", {})
    for role in (*data["devices"], *overrides):
        if role not in allowed:
            raise DeviceFileError(
                f"{path}: unknown role `{role}` for scheme {scheme_name!r}; "
                f"roles: {', '.join(allowed)}"
            )
    devices: dict[str, DeviceSpec] = {}
    sources: dict[str, Path] = {}
    for role, device_path in data["devices"].items():
        dpath = Path(device_path)
        if not dpath.is_file():
            raise DeviceFileError(
                f"{path}: field `devices.{role}` points to a missing file {device_path}"
            )
        extra = overrides.get(role, {})
        if not isinstance(extra, dict):
            raise DeviceFileError(f"{path}: field `overrides.{role}` must be a table")
        label = dpath if not extra else Path(f"{dpath} with [overrides.{role}]")
        try:
            device = parse_device(_override(read_toml(dpath), extra), label)
        except DeviceFileError as exc:
            raise DeviceFileError(f"{path}: devices.{role}: {exc}") from None
        if device.kind not in allowed[role]:
            raise DeviceFileError(
                f"{path}: field `devices.{role}` must be a {' or '.join(allowed[role])} device, "
                f"got kind {device.kind!r} ({dpath})"
            )
        devices[role] = device
        sources[role] = dpath
    layout_in = data.get("layout", {})
    layout: dict[str, Any] = {}
    stated: dict[str, Uncertainty] = {}
    for key in layout_in:
        if key not in scheme.layout:
            raise DeviceFileError(
                f"{path}: unknown field `layout.{key}` for scheme {scheme_name!r}; known: "
                f"{', '.join(scheme.layout)}"
            )
    for key, spec in scheme.layout.items():
        value = layout_in.get(key, spec.default)
        if value is None:
            layout[key] = None
            continue
        layout[key], uncertain = _parse_layout_uncertain(
            key, spec, value, f"{path}: field `layout.{key}`"
        )
        stated.update(uncertain)
    check_layout(scheme_name, layout, devices, str(path))
    return SetupSpec(
        scheme_name,
        data["name"],
        str(data.get("notes", "")),
        devices,
        layout,
        path,
        sources,
        stated,
    )


def _parse_layout_uncertain(
    key: str, spec: LayoutField, value: Any, where: str
) -> tuple[Any, dict[str, Uncertainty]]:
    """A layout value that may carry ``± σ``, and its uncertainties by layout key.

    Scalar numbers and unit kinds take ``± σ`` (key ``detuning1``); so does each element of a
    list of quantities (``positions = ["0 m", "1.2 ± 0.1 m"]``: key ``positions[1]``).
    """
    if spec.kind.endswith("_list"):
        element = LayoutField(spec.kind.removesuffix("_list"), None, spec.doc)
        items, stated = [], {}
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            x, uncertain = _parse_layout_uncertain(f"{key}[{i}]", element, item, f"{where}[{i}]")
            items.append(x)
            stated.update(uncertain)
        return items, stated
    as_field = Field(spec.kind, spec.doc)
    x, uncertainty = parse_uncertain_field(
        as_field, value, where, lambda v: _parse_layout_value(key, spec, v, where)
    )
    return x, ({} if uncertainty is None else {key: uncertainty})


_ELEMENT = re.compile(r"^(\w+)\[(.*)\]$")


def layout_element(scheme: str, key: str, where: str = "") -> tuple[str, int | None]:
    """``"positions[1]"`` → ``("positions", 1)``; ``"pairs"`` → ``("pairs", None)``.

    Raises
    ------
    DeviceFileError
        Unknown layout key, an index on a key that is not a list, or an index that is not a
        non-negative integer.
    """
    match = _ELEMENT.match(key)
    name, index = (match.group(1), match.group(2).strip()) if match else (key, None)
    layout = SCHEMES[scheme].layout
    if name not in layout:
        raise DeviceFileError(f"{where}unknown field `layout.{name}`; known: {', '.join(layout)}")
    if index is None:
        return name, None
    if not layout[name].kind.endswith("_list"):
        raise DeviceFileError(
            f"{where}`layout.{name}` is not a list, so `layout.{key}` has no element to set"
        )
    if not index.isdigit():
        raise DeviceFileError(
            f"{where}the index in `layout.{key}` must be a non-negative integer, got {index!r}"
        )
    return name, int(index)


def layout_field(scheme: str, key: str) -> LayoutField:
    """The :class:`LayoutField` of a layout key or of one element (``positions[1]``)."""
    name, index = layout_element(scheme, key)
    spec = SCHEMES[scheme].layout[name]
    if index is None:
        return spec
    return LayoutField(spec.kind.removesuffix("_list"), None, f"{spec.doc}, element {index}")


def layout_value(setup: SetupSpec, key: str) -> Any:
    """The value of a layout key or of one element of a list (``None``: not set)."""
    name, index = layout_element(setup.scheme, key)
    value = setup.layout.get(name)
    if index is None or value is None:
        return value
    return value[index] if index < len(value) else None


def _override(raw: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Apply inline overrides; a field of an exclusive group replaces its alternatives."""
    out = dict(raw)
    for group in DEVICE_GROUPS.get(str(raw.get("kind")), ()):
        if group.rule == "requires":
            continue
        for alt in group.alternatives:
            if set(alt) & set(extra):
                for other in group.alternatives:
                    if other is not alt:
                        for key in other:
                            if key not in alt:
                                out.pop(key, None)
    out.update(extra)
    return out


def _as_field_text(value: Any, unit_kind: str | None) -> Any:
    """A sweep or requirement value for a field: a number in a unit field is read in
    :func:`si_unit` (SI units Hz, s, K, m; dB and dB/m for losses)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return value
    number = repr(float(value))  # numpy scalars from grids print as plain numbers
    unit = si_unit(unit_kind)
    if unit:
        return f"{number} {unit}"
    return value.item() if hasattr(value, "item") else value


def _set_layout(
    label: Any,
    scheme: str,
    layout: dict[str, Any],
    stated: dict[str, Uncertainty],
    key: str,
    value: Any,
) -> None:
    """Set ``layout.<key>`` or one element ``layout.<key>[i]`` of a list (in place)."""
    name, index = layout_element(scheme, key, f"{label}: ")
    spec = layout_field(scheme, key)
    unit_kind = spec.kind if spec.kind in FIELD_KINDS else None
    where = f"{label}: field `layout.{key}`"
    if index is None:
        layout[name], uncertain = _parse_layout_uncertain(
            name, spec, _as_field_text(value, unit_kind), where
        )
        for old in [k for k in stated if k == name or k.startswith(f"{name}[")]:
            del stated[old]
        stated.update(uncertain)
        return
    current = layout[name]
    if current is None:
        raise DeviceFileError(
            f"{where}: `layout.{name}` is not set in this setup; give the whole list first"
        )
    if index >= len(current):
        raise DeviceFileError(
            f"{where}: index {index} is out of range, `layout.{name}` has {len(current)} "
            f"elements (0..{len(current) - 1})"
        )
    items = list(current)
    items[index], uncertain = _parse_layout_uncertain(
        key, spec, _as_field_text(value, unit_kind), where
    )
    layout[name] = items
    stated.pop(key, None)
    stated.update(uncertain)


def with_overrides(setup: SetupSpec, overrides: Mapping[str, Any]) -> SetupSpec:
    """A copy of ``setup`` with dotted-path overrides applied and validated again.

    Paths are ``<role>.<field>`` for device fields (``source.linewidth``),
    ``layout.<key>`` (``layout.pairs``) or one element of a list-valued layout key,
    ``layout.<key>[i]`` (0-based: ``layout.positions[1]``, ``layout.detunings[2]``). A plain
    number given for a dimensional field is read in SI units (Hz, s, K, m); a string carries
    its own unit (``"300 MHz"``). An element may carry ``± σ`` like a scalar value.

    Raises
    ------
    DeviceFileError
        For an unknown role, field or layout key, an element index out of range or on a key
        that is not a list, or a value the field refuses.
    """
    label = setup.path if setup.path is not None else setup.name
    raws = {role: device.raw() for role, device in setup.devices.items()}
    layout = dict(setup.layout)
    layout_uncertainties = dict(setup.layout_uncertainties)
    for dotted, value in overrides.items():
        head, _, key = dotted.partition(".")
        if not key:
            raise DeviceFileError(f"{label}: parameter path {dotted!r} must be 'role.field'")
        if head == "layout":
            _set_layout(label, setup.scheme, layout, layout_uncertainties, key, value)
            continue
        if head not in raws:
            raise DeviceFileError(
                f"{label}: unknown role {head!r} in {dotted!r}; roles: {', '.join(raws)}"
            )
        schema = DEVICE_FIELDS[raws[head]["kind"]]
        if key not in schema:
            raise DeviceFileError(
                f"{label}: unknown field `{key}` for the {raws[head]['kind']} in role {head!r}; "
                f"known fields: {', '.join(schema)}"
            )
        raws[head] = _override(raws[head], {key: _as_field_text(value, schema[key].kind)})
    devices = {
        role: parse_device(raw, Path(f"{setup.sources.get(role, role)} (overridden)"))
        if raw != setup.devices[role].raw()
        else setup.devices[role]
        for role, raw in raws.items()
    }
    check_layout(setup.scheme, layout, devices, str(label))
    return SetupSpec(
        setup.scheme,
        setup.name,
        setup.notes,
        devices,
        layout,
        setup.path,
        setup.sources,
        layout_uncertainties,
    )


# ------------------------------------------------------- plain numbers for with_overrides


def si_unit(kind: str | None) -> str:
    """The unit in which :func:`with_overrides` reads a plain number for a field of ``kind``:
    the SI unit of a unit kind (Hz, s, K, m, 1/m, m/s), dB or dB/m for losses, ``""`` for a
    plain-number field."""
    if kind in FIELD_KINDS:
        return FIELD_KINDS[kind][1]
    return {"db": "dB", "db_per_length": "dB/m"}.get(kind or "", "")


def si_number(value: Any, kind: str | None) -> tuple[float, str]:
    """A field value as the plain number :func:`with_overrides` reads back, and its unit
    (:func:`si_unit`): ``20 us`` → ``(2e-05, "s")``, a 0.5 dB loss → ``(0.5, "dB")``."""
    unit = si_unit(kind)
    if hasattr(value, "m_as"):  # a pint quantity
        return float(value.m_as(unit)), unit
    return float(value), unit


def field_kind(setup: SetupSpec, path: str) -> str | None:
    """The kind of the values a dotted path names (``"time"``, ``"db"``, ``"integer"``, ...;
    the element kind for a list); ``None`` for an unknown role, field or layout key."""
    head, _, key = path.partition(".")
    if head == "layout":  # a key or one element of a list (layout.positions[1])
        try:
            return layout_field(setup.scheme, key).kind.removesuffix("_list")
        except DeviceFileError:
            return None
    device = setup.devices.get(head)
    entry = DEVICE_FIELDS.get(device.kind, {}).get(key) if device is not None else None
    return None if entry is None else entry.kind
