"""Method dispatch of the thermal link scheme: ``concurrence``, ``steady_state``, ``evolve``.

Exact routes (this package): ``"fock"`` (:mod:`.fock`), ``"hierarchy"`` (:mod:`.hierarchy`),
``"trajectories"`` (:mod:`.trajectories`). Approximate routes (:mod:`.approximations`, imported
lazily): ``"markov"``, ``"quasistatic"``, ``"bourret"``, ``"phase_diffusion"``, ``"analytic"``.

``method="auto"`` picks an exact route: the Fock master equation while its charge sector stays
small (n_th ≤ :data:`AUTO_FOCK_MAX_NTH`, and always for the bidirectional geometry, where only
the Fock route includes the backaction of the qubits on the cavity, App. C), else the hierarchy.
The result's ``method`` field says which one ran.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import qutip

from ..._results import ScalarResult
from ...errors import NotImplementedSchemeError, ParameterError
from ...solvers.convergence import Convergence
from ...units import bose_occupation as bose_occupation  # re-exported for examples
from . import fock, hierarchy, trajectories
from .model import ThermalLink
from .results import Evolution, SteadyState, as_qobj

EXACT_METHODS = ("fock", "hierarchy", "trajectories")
APPROXIMATE_METHODS = ("markov", "quasistatic", "bourret", "phase_diffusion", "analytic")
METHODS = ("auto", *EXACT_METHODS, *APPROXIMATE_METHODS)
#: ``auto`` uses the Fock route up to this n_th (cutoff ~ 7 n_th, sector ~ 10⁵ unknowns at 20)
AUTO_FOCK_MAX_NTH = 20.0
#: ``auto`` uses the Fock route for the bidirectional geometry up to this n_th (with backaction)
AUTO_FOCK_MAX_NTH_BIDIRECTIONAL = 200.0


@dataclass(frozen=True)
class ConcurrenceResult(ScalarResult):
    """Steady-state concurrence from one route, with the state and evidence when available.

    ``float(result)`` gives the concurrence, and ``result > 0.3`` compares it (the package's
    convention for results that stand for one number, ``qnet_design._results``). ``rho`` is
    ``None`` for routes that only give the concurrence (Eq. 31); ``detail`` keeps the route's
    own result object.
    """

    concurrence: float
    method: str
    rho: qutip.Qobj | None
    convergence: Convergence | None
    concurrence_stderr: float | None = None
    detail: Any = None

    def _scalar(self) -> float:
        return float(self.concurrence)

    def __str__(self) -> str:
        err = f" ± {self.concurrence_stderr:.2g}" if self.concurrence_stderr is not None else ""
        conv = f" [{self.convergence}]" if self.convergence is not None else ""
        return f"C = {self.concurrence:.6f}{err} ({self.method}){conv}"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "concurrence": self.concurrence,
                    "concurrence_stderr": self.concurrence_stderr,
                    "truncation": None if self.convergence is None else self.convergence.parameter,
                    "truncation_value": None
                    if self.convergence is None
                    else self.convergence.value,
                }
            ]
        )


def _check_method(method: object) -> str:
    if method not in METHODS:
        raise ParameterError(f"`method` must be one of {list(METHODS)}, got {method!r}")
    return str(method)


def _check_options(func: Any, method: str, options: dict[str, Any]) -> None:
    allowed = [
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ParameterError(
            f"method {method!r} does not support option(s) {unknown}; it supports {allowed}"
        )


def _check_model(model: object) -> ThermalLink:
    if not isinstance(model, ThermalLink):
        raise ParameterError(f"`model` must be a ThermalLink, got {type(model).__name__}")
    return model


def auto_method(model: ThermalLink) -> str:
    """The exact route ``method="auto"`` uses for ``model`` (see module docstring)."""
    limit = (
        AUTO_FOCK_MAX_NTH_BIDIRECTIONAL if model.geometry == "bidirectional" else AUTO_FOCK_MAX_NTH
    )
    return "fock" if model.n_th <= limit else "hierarchy"


def _approximation(method: str, model: ThermalLink) -> Any:
    name = f"{method}_concurrence"
    try:
        module = importlib.import_module(".approximations", __package__)
        func = getattr(module, name)
    except (ImportError, AttributeError) as exc:
        raise NotImplementedSchemeError(
            f"method {method!r} needs qnet_design.schemes.thermal_link.approximations.{name}, "
            f"which is not available: {exc}"
        ) from None
    return func(model)


def steady_state(model: ThermalLink, method: str = "auto", **options: Any) -> SteadyState:
    """Steady two-qubit state ρ_q^ss (Sec. III) by the chosen route.

    Parameters
    ----------
    model
        The link (units of γ₁).
    method
        ``"auto"``, an exact route or an approximate route that yields a density matrix.
    **options
        Passed to the route (e.g. ``tolerance``, ``limit`` for fock/hierarchy; ``n_traj``,
        ``seed`` for trajectories). Approximate routes take none.

    Raises
    ------
    ParameterError
        Unknown method or option.
    NotImplementedSchemeError
        Approximate route missing, or one that gives no density matrix (Eq. 31).
    ConvergenceError
        A truncation did not converge within its limit.
    """
    model = _check_model(model)
    method = _check_method(method)
    if method == "auto":
        method = auto_method(model)
    if method in EXACT_METHODS:
        solver = {"fock": fock, "hierarchy": hierarchy, "trajectories": trajectories}[method]
        _check_options(solver.steady_state, method, options)
        return solver.steady_state(model, **options)
    if options:
        raise ParameterError(f"method {method!r} takes no options, got {sorted(options)}")
    res = _approximation(method, model)
    rho = getattr(res, "rho", None)
    if rho is None:
        raise NotImplementedSchemeError(
            f"method {method!r} gives a concurrence but no density matrix here; "
            "use concurrence(model, method=...)"
        )
    rho = np.asarray(rho)
    c = float(res.concurrence)
    return SteadyState(
        model,
        str(getattr(res, "method", method)),
        as_qobj(rho),
        c,
        getattr(res, "convergence", None),
    )


def concurrence(model: ThermalLink, method: str = "auto", **options: Any) -> ConcurrenceResult:
    """Steady-state concurrence C(ρ_q^ss) by the chosen route; ``float(result)`` is the value."""
    model = _check_model(model)
    method = _check_method(method)
    if method == "auto":
        method = auto_method(model)
    if method in EXACT_METHODS:
        ss = steady_state(model, method, **options)
        return ConcurrenceResult(
            ss.concurrence, ss.method, ss.rho, ss.convergence, ss.concurrence_stderr, ss
        )
    if options:
        raise ParameterError(f"method {method!r} takes no options, got {sorted(options)}")
    res = _approximation(method, model)
    rho = getattr(res, "rho", None)
    return ConcurrenceResult(
        float(res.concurrence),
        str(getattr(res, "method", method)),
        None if rho is None else as_qobj(np.asarray(rho)),
        getattr(res, "convergence", None),
        None,
        res,
    )


def evolve(model: ThermalLink, times: Any, method: str = "auto", **options: Any) -> Evolution:
    """ρ_q(t) on ``times`` (units of 1/γ₁), cavity thermal and qubits in |00⟩ at t = 0.

    Exact routes only (``"fock"``, ``"hierarchy"``, ``"trajectories"``); ``initial=`` (a 4 × 4
    density matrix, ket or Qobj) changes the qubits' initial state.
    """
    model = _check_model(model)
    method = _check_method(method)
    if method == "auto":
        method = auto_method(model)
        if method == "fock" and np.max(np.atleast_1d(np.asarray(times, float))) > 50.0:
            # long windows: the hierarchy generator has a much smaller norm than the Fock one
            method = "hierarchy" if model.geometry == "chiral" else "fock"
    if method not in EXACT_METHODS:
        raise NotImplementedSchemeError(
            f"evolve supports the exact methods {list(EXACT_METHODS)}, got {method!r}"
        )
    solver = {"fock": fock, "hierarchy": hierarchy, "trajectories": trajectories}[method]
    _check_options(solver.evolve, method, options)
    return solver.evolve(model, times, **options)


def exact_kappa_max(
    n_th: float, *, base: ThermalLink | None = None, tolerance: float = 1e-4
) -> float:
    """Largest κ/γ with C(ρ_q^ss) > 0 at fixed n_th from the exact solution (Fig. 2c-d, Eq. 32).

    Bisection on κ ∈ (1e-3, 10] with the ``auto`` exact route; ``base`` supplies the other
    parameters (default: ideal chiral link). Compare with the Bourret estimates of
    :func:`.approximations.kappa_max` (Eq. 31 and App. A), which differ.
    """
    import dataclasses

    from .model import ThermalLink as _TL

    n = float(n_th)
    model = _TL(n, 1.0) if base is None else dataclasses.replace(base, n_th=n, kappa=1.0)

    def entangled(k: float) -> bool:
        return concurrence(dataclasses.replace(model, kappa=k)).concurrence > 0.0

    lo, hi = 1e-3, 10.0
    if not entangled(lo):
        raise ParameterError(f"no steady-state entanglement at n_th={n:g} even for kappa={lo:g}")
    if entangled(hi):
        raise ParameterError(f"still entangled at n_th={n:g}, kappa={hi:g}: no kappa_max below")
    while hi - lo > tolerance:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if entangled(mid) else (lo, mid)
    return 0.5 * (lo + hi)


__all__ = [
    "APPROXIMATE_METHODS",
    "EXACT_METHODS",
    "METHODS",
    "ConcurrenceResult",
    "auto_method",
    "bose_occupation",
    "concurrence",
    "evolve",
    "exact_kappa_max",
    "steady_state",
]
