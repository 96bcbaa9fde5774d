"""qnet-design: from lab device descriptions to autonomous entanglement-distribution budgets.

Public API: load device and setup files (:func:`load_device`, :func:`load_setup`), translate
them into the dimensionless parameters of a scheme model (:func:`translate`). The scheme modules
live in :mod:`qnet_design.schemes` (``dual_rail``, ``thermal_link``, ``cv_routing``,
``cv_replication``, ``cooperative``).
"""

from ._version import __version__ as __version__
from .budget import (
    Budget as Budget,
    budget as budget,
    compare as compare,
    require as require,
)
from .budget._sweep import sweep as sweep
from .errors import (
    ConvergenceError as ConvergenceError,
    DeviceFileError as DeviceFileError,
    NotImplementedSchemeError as NotImplementedSchemeError,
    ParameterError as ParameterError,
    QnetError as QnetError,
    UnitError as UnitError,
    UnstableError as UnstableError,
)
from .specs import (
    DeviceSpec as DeviceSpec,
    SetupSpec as SetupSpec,
    load_device as load_device,
    load_setup as load_setup,
)
from .translate import Translation as Translation, translate as translate
from .units import Q_ as Q_, ureg as ureg

__all__ = [
    "Q_",
    "Budget",
    "ConvergenceError",
    "DeviceFileError",
    "DeviceSpec",
    "NotImplementedSchemeError",
    "ParameterError",
    "QnetError",
    "SetupSpec",
    "Translation",
    "UnitError",
    "UnstableError",
    "__version__",
    "budget",
    "compare",
    "load_device",
    "load_setup",
    "require",
    "sweep",
    "translate",
    "ureg",
]
