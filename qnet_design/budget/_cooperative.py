"""Budget of a ``cooperative`` setup (paper 003): dark-state entanglement and its lifetime.

Figures: the t → ∞ state of the purely cooperative dynamics (α = 0, no dephasing; exact
dark-subspace projection) — its dark weight and the concurrence of qubits 0 and 1; the peak of
C₀₁(t) with every imperfection on, over t ≤ 20/(2κ) (twenty single-qubit decay times into the
common waveguide); the lifetime 1/(2α) of the dark state set by non-cooperative decay (paper
003 after Eq. 3: a dark excitation decays at 2α); the bright-state decay time 1/(2Nκ).

Error budget (headline: the peak of C₀₁(t)), in this order from the ideal array (identical
qubits, α = 0, no dephasing): detunings δ_i, dephasing, non-cooperative decay α.
"""

from __future__ import annotations

import math

import numpy as np

from ..schemes import cooperative as co
from ..specs.setups import SetupSpec
from ..translate import Translation
from ._common import converged, error_budget, timed
from ._types import Budget, BudgetStep, Figure, Profile

#: observation window for the transient, in single-qubit decay times 1/(2κ)
WINDOW = 20.0


def _peak_concurrence(
    model: co.CooperativeArray, initial: str
) -> tuple[float, float, co.Evolution]:
    times = np.linspace(0.0, WINDOW / (2.0 * model.kappa), 401)  # in 1/ω (the model's unit)
    ev = co.evolve(model, initial, times)
    c = np.asarray(ev.concurrence(0, 1))
    k = int(np.argmax(c))
    return float(c[k]), float(times[k]), ev


def budget(setup: SetupSpec, tr: Translation, full: bool) -> Budget:
    timings: dict[str, float] = {}
    model = tr.model_as(co.CooperativeArray)
    n = model.qubits
    initial = setup.layout.get("initial") or "1" + "0" * (n - 1)
    cooperative_only = co.CooperativeArray(
        n, model.kappa, detunings=model.detunings, phases=model.phases, omega=model.omega
    )
    with timed(timings, "final_state"):
        final = co.final_state(cooperative_only, initial)
    with timed(timings, "transient"):
        peak, t_peak, ev = _peak_concurrence(model, initial)  # cheap: N ≤ 10 qubits
    lifetime = math.inf if model.alpha == 0 else tr.to_time(1.0 / (2.0 * model.alpha), "us")
    figures = [
        Figure(
            "dark_weight",
            final.dark_weight,
            "",
            final.method + " (α = 0)",
            converged(final),
            evidence=str(final.convergence),
        ),
        Figure(
            "concurrence",
            final.concurrence(0, 1),
            "",
            final.method + " (α = 0)",
            converged(final),
            "qubits 0 and 1",
            str(final.convergence),
        ),
        Figure(
            "peak_concurrence",
            peak,
            "",
            ev.method,
            converged(ev),
            "all imperfections on",
            str(ev.convergence),
        ),
        Figure(
            "t_peak",
            tr.to_time(t_peak, "us"),
            "us",
            ev.method,
            converged(ev),
            evidence=str(ev.convergence),
        ),
        Figure(
            "lifetime",
            lifetime,
            "us",
            "1/(2α): non-cooperative decay of the dark state",
            note="α = 0: the dark state does not decay" if model.alpha == 0 else "",
        ),
        Figure(
            "t_bright",
            tr.to_time(1.0 / (2.0 * n * model.kappa), "us"),
            "us",
            "1/(2Nκ): decay of the bright state",
        ),
    ]
    steps: tuple[BudgetStep, ...] = ()
    if full:
        ideal = co.CooperativeArray(n, model.kappa, phases=model.phases, omega=model.omega)
        plan = [
            ("detunings δ_i", {"detunings": model.detunings}),
            ("dephasing γ_φ", {"dephasing": model.dephasing}),
            ("non-cooperative decay α", {"alpha": model.alpha}),
        ]
        with timed(timings, "error_budget"):
            steps = error_budget(
                ideal, plan, "peak_concurrence", lambda m: _peak_concurrence(m, initial)[0]
            )
    trace = Profile(
        np.asarray(ev.concurrence(0, 1)),
        tr.to_time(np.asarray(ev.times), "us"),
        f"time t (µs) from |{initial}⟩",
        "concurrence C₀₁(t)",
    )
    profiles = {"C01(t)": trace}
    return Budget("cooperative", setup.name, tuple(figures), tuple(steps), (), timings, profiles)
