"""qnet-design: from lab device descriptions to autonomous entanglement-distribution budgets."""

from .errors import (
    ConvergenceError as ConvergenceError,
    DeviceFileError as DeviceFileError,
    ParameterError as ParameterError,
    QnetError as QnetError,
    UnitError as UnitError,
    UnstableError as UnstableError,
)
from .units import Q_ as Q_, ureg as ureg

__version__ = "0.1.0"

__all__ = [
    "ConvergenceError",
    "DeviceFileError",
    "ParameterError",
    "Q_",
    "QnetError",
    "UnitError",
    "UnstableError",
    "__version__",
    "ureg",
]
