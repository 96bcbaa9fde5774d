"""qnet-design: from lab device descriptions to autonomous entanglement-distribution budgets."""

from .errors import (
    ConvergenceError as ConvergenceError,
)
from .errors import (
    DeviceFileError as DeviceFileError,
)
from .errors import (
    ParameterError as ParameterError,
)
from .errors import (
    QnetError as QnetError,
)
from .errors import (
    UnitError as UnitError,
)
from .errors import (
    UnstableError as UnstableError,
)
from .units import Q_ as Q_
from .units import ureg as ureg

__version__ = "0.1.0"

__all__ = [
    "Q_",
    "ConvergenceError",
    "DeviceFileError",
    "ParameterError",
    "QnetError",
    "UnitError",
    "UnstableError",
    "__version__",
    "ureg",
]
