"""Device and setup descriptions in lab units (validated TOML files → pint quantities)."""

from .devices import (
    DeviceSpec as DeviceSpec,
    load_device as load_device,
    parse_device as parse_device,
)
from .setups import SCHEMES as SCHEMES, SetupSpec as SetupSpec, load_setup as load_setup

__all__ = ["SCHEMES", "DeviceSpec", "SetupSpec", "load_device", "load_setup", "parse_device"]
