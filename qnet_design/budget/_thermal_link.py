"""Budget of a ``thermal_link`` setup (paper 001): steady-state and transient concurrence.

Figures: steady-state concurrence (exact route chosen by ``thermal_link``'s ``auto``), n_th, the
photon flux Φ = κ n_th/2, the peak of C(t) from |00⟩ over γt ≤ 50 and when it occurs, and the
time at which C(t) first reaches 90 % of its steady value (µs).

Error budget, in this order, starting from the ideal link (same n_th and κ, γ₂ = γ₁, resonant
qubits, no dephasing, lossless waveguide): asymmetric coupling γ₂, detunings Δ₁, Δ₂, dephasing
γ_φ, waveguide loss p_loss (paper 001, Fig. 4 discusses each).
"""

from __future__ import annotations

import numpy as np

from ..schemes import thermal_link as tl
from ..specs.setups import SetupSpec
from ..translate import Translation
from ._common import converged, error_budget, timed
from ._types import Budget, BudgetStep, Figure

#: C(t) is followed from |00⟩ up to γt = T_TRANSIENT (the text of paper 001 places the maximum
#: at t ~ 1/γ; 50/γ covers its rise and the approach to the steady state for κ ≪ γ).
T_TRANSIENT = 50.0


def _transient(
    model: tl.ThermalLink, c_steady: float, gamma: float, warnings: list[str]
) -> tuple[list[Figure], np.ndarray] | None:
    """Peak of C(t) from |00⟩, its time and t_90 (µs); None when no exact route is affordable."""
    if not (tl.auto_method(model) == "hierarchy" or model.n_th <= 50):
        warnings.append(
            "transient C(t) skipped: the exact time evolution at this n_th needs the Fock route "
            "(bidirectional geometry), too large for a budget"
        )
        return None
    times = np.linspace(0.0, T_TRANSIENT, 201)
    ev = tl.evolve(model, times)
    c_t = np.asarray(ev.concurrence)
    k = int(np.argmax(c_t))
    figures = [
        Figure("peak_concurrence", float(c_t[k]), "", ev.method, converged(ev)),
        Figure("t_peak", float(times[k] / gamma * 1e6), "us", ev.method, converged(ev)),
    ]
    if c_steady > 0:
        reached = np.nonzero(c_t >= 0.9 * c_steady)[0]
        if reached.size:
            t90 = float(times[reached[0]] / gamma * 1e6)
            figures.append(Figure("t_90", t90, "us", ev.method, converged(ev), "C(t) ≥ 0.9 C_ss"))
        else:
            warnings.append(
                f"C(t) does not reach 90 % of its steady value by γt = {T_TRANSIENT:g}: "
                "t_90 not reported"
            )
    return figures, c_t


def budget(setup: SetupSpec, tr: Translation, full: bool) -> Budget:
    timings: dict[str, float] = {}
    gamma = tr.reference.angular
    model = tl.ThermalLink(**tr.model_kwargs)
    with timed(timings, "steady_state"):
        steady = tl.concurrence(model)
    figures = [
        Figure(
            "concurrence",
            steady.concurrence,
            "",
            steady.method,
            converged(steady),
            str(steady.convergence or ""),
        ),
        Figure("n_th", model.n_th, "", "Bose(f_c, T)"),
        Figure("flux", model.flux * gamma * 1e-6, "1/us", "Φ = κ n_th / 2"),
        Figure("kappa_over_gamma", model.kappa, "", "2κ = ω_c/Q"),
    ]
    profiles: dict[str, np.ndarray] = {}
    warnings: list[str] = []
    if full:
        with timed(timings, "transient"):
            transient = _transient(model, steady.concurrence, gamma, warnings)
        if transient is not None:
            extra, profiles["C(t)"] = transient
            figures += extra
    steps: tuple[BudgetStep, ...] = ()
    if full:
        ideal = tl.ThermalLink(
            model.n_th, model.kappa, geometry=model.geometry, positions=model.positions
        )
        plan = [
            ("asymmetric coupling γ₂", {"gamma2": model.gamma2}),
            ("detuning Δ₁, Δ₂", {"delta1": model.delta1, "delta2": model.delta2}),
            ("dephasing γ_φ", {"gamma_phi": model.gamma_phi}),
            ("waveguide loss p_loss", {"p_loss": model.p_loss}),
        ]
        with timed(timings, "error_budget"):
            steps = error_budget(
                ideal, plan, "concurrence", lambda m: tl.concurrence(m).concurrence
            )
    return Budget(
        "thermal_link", setup.name, tuple(figures), tuple(steps), tuple(warnings), timings, profiles
    )
