"""Steady state of a trace-preserving linear generator, with one element pinned.

A Lindbladian ℒ (or a hierarchy containing one) has a null vector, the steady state; ℒx = 0
alone fixes it only up to a factor. Every direct solve in the package fixes the factor the
same way: drop equation ``pin`` (redundant, since the generator conserves the trace) and the
unknown ``pin``, set x[pin] = 1, and solve the remaining non-singular system. Pinning an
element keeps the matrix exactly as sparse as the generator, unlike replacing one equation
by the dense trace row, which spoils the LU fill-in of the large thermal-link hierarchies.

The pinned element must be non-zero in the steady state; every caller pins a ground-state
(vacuum) population, which a decaying model always populates. The result is normalised by
the caller (:func:`null_vector`) or here by the trace (:func:`steady_density_matrix`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import ConvergenceError

__all__ = ["null_vector", "steady_density_matrix"]


def null_vector(generator: sp.spmatrix | np.ndarray, pin: int) -> np.ndarray:
    """x with generator·x = 0 and x[pin] = 1 (sparse LU, or dense LU for a dense array).

    Not finite when the pinned element vanishes in the steady state or the steady state is
    not unique; the caller checks.
    """
    n = generator.shape[0]
    keep = np.ones(n, dtype=bool)
    keep[pin] = False
    x = np.empty(n, dtype=complex)
    x[pin] = 1.0
    if n > 1:
        if isinstance(generator, np.ndarray):
            reduced = generator[np.ix_(keep, keep)]
            x[keep] = np.linalg.solve(reduced, -generator[keep, pin].astype(complex))
        else:
            csc = sp.csc_matrix(generator)
            rhs = -csc[:, pin].toarray().ravel()[keep]
            x[keep] = spla.spsolve(csc[keep][:, keep].tocsc(), rhs.astype(complex))
    return x


def steady_density_matrix(
    generator: sp.spmatrix | np.ndarray, dim: int, pin: int = 0
) -> np.ndarray:
    """Trace-one Hermitian ``dim`` × ``dim`` steady state of a Liouvillian acting on
    column-stacked density matrices (vec index = column·dim + row); ``pin`` as in
    :func:`null_vector` (default: the population of the first basis state).

    Raises :class:`ConvergenceError` when the solve is singular.
    """
    rho = null_vector(generator, pin).reshape((dim, dim), order="F")
    if not np.all(np.isfinite(rho)):
        raise ConvergenceError(
            f"the steady-state solve with element {pin} pinned is singular (that element "
            "vanishes in the steady state, or the steady state is not unique)"
        )
    rho = rho / np.trace(rho)
    return 0.5 * (rho + rho.conj().T)
