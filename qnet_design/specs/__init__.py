"""Device and setup descriptions in lab units (validated TOML files → pint quantities)."""

from .devices import (
    DeviceSpec as DeviceSpec,
)
from .devices import (
    load_device as load_device,
)
from .devices import (
    parse_device as parse_device,
)
from .setups import SCHEMES as SCHEMES
from .setups import SetupSpec as SetupSpec
from .setups import load_setup as load_setup

__all__ = ["SCHEMES", "DeviceSpec", "SetupSpec", "load_device", "load_setup", "parse_device"]
