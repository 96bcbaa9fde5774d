"""Figures of merit, by what they are computed from.

* :mod:`.density` — density matrices (qubit states): ``concurrence``, ``purity``, ``entropy``,
  ``partial_transpose``, ``log_negativity``;
* :mod:`.gaussian` — covariance matrices of Gaussian states: ``gaussian_log_negativity``,
  ``gaussian_purity``, ``mean_occupation``, ``mean_occupations``;
* :mod:`.curves` — figures read off curves: ``crossing_time`` (T_prep), ``n_ent_extrapolated``.

Every name means one function; all are importable from here.
"""

from .curves import crossing_time as crossing_time, n_ent_extrapolated as n_ent_extrapolated
from .density import (
    concurrence as concurrence,
    entropy as entropy,
    log_negativity as log_negativity,
    partial_transpose as partial_transpose,
    purity as purity,
)
from .gaussian import (
    gaussian_log_negativity as gaussian_log_negativity,
    gaussian_purity as gaussian_purity,
    mean_occupation as mean_occupation,
    mean_occupations as mean_occupations,
)

__all__ = [
    "concurrence",
    "crossing_time",
    "entropy",
    "gaussian_log_negativity",
    "gaussian_purity",
    "log_negativity",
    "mean_occupation",
    "mean_occupations",
    "n_ent_extrapolated",
    "partial_transpose",
    "purity",
]
