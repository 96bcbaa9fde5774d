"""qnet-design: from lab device descriptions to autonomous entanglement-distribution budgets.

Public API: load device and setup files (:func:`load_device`, :func:`load_setup`), translate
them into the dimensionless parameters of a scheme model (:func:`translate`), budgets with or
without intervals (:func:`budget`), :func:`compare`, :func:`require`, :func:`sweep`,
:func:`sensitivity`, :func:`sobol_indices` and :func:`optimize`. The scheme modules
live in :mod:`qnet_design.schemes` (``dual_rail``, ``thermal_link``, ``cv_routing``,
``cv_replication``, ``cooperative``).
"""

from typing import Any

from ._version import __version__ as __version__
from .budget import (
    Budget as Budget,
    budget as budget,
    compare as compare,
    require as require,
)
from .errors import (
    ConvergenceError as ConvergenceError,
    DeviceFileError as DeviceFileError,
    NotImplementedSchemeError as NotImplementedSchemeError,
    ParameterError as ParameterError,
    QnetError as QnetError,
    UnitError as UnitError,
    UnstableError as UnstableError,
)
from .runs import sweep as sweep
from .specs import (
    DeviceSpec as DeviceSpec,
    SetupSpec as SetupSpec,
    load_device as load_device,
    load_setup as load_setup,
)
from .translate import Translation as Translation, translate as translate
from .units import Q_ as Q_, ureg as ureg


def __getattr__(name: str) -> Any:
    """``qd.optimize``, ``qd.sensitivity`` and ``qd.sobol_indices``, imported on first use
    (SciPy's optimiser alone costs about a second at import, which every CLI command would
    otherwise pay)."""
    if name == "optimize":
        from .budget.optimize import optimize

        return optimize
    if name == "sensitivity":
        from .budget.sensitivity import sensitivity

        return sensitivity
    if name == "sobol_indices":
        from .budget.sobol import sobol_indices

        return sobol_indices
    raise AttributeError(f"module 'qnet_design' has no attribute {name!r}")


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
    "optimize",
    "require",
    "sensitivity",
    "sobol_indices",
    "sweep",
    "translate",
    "ureg",
]
