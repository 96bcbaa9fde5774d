"""Budget of a ``cooperative`` setup (paper 003): dark-state entanglement and its lifetime.

Figures: the t → ∞ state of the purely cooperative dynamics (α = 0, no dephasing; exact
dark-subspace projection) — its dark weight and the concurrence of qubits 0 and 1; the peak of
C₀₁(t) with every imperfection on, over t ≤ 20/(2κ) (twenty single-qubit decay times into the
common waveguide); the lifetime 1/Γ of the one-excitation dark state with α, δ_i and γ_φ
(``dark_decay_rate``: 1/(2α) without dephasing, paper 003 after Eq. 3, → 1/(2α + 2γ_φ/N) for
γ_φ ≪ Nκ); the bright-state decay time 1/(2Nκ). The peak of C₀₁(t) uses the generic
(full-state) route at every N, as does the t → ∞ state: it is the one that gives pair
concurrences.

Error budget (headline: the peak of C₀₁(t)), in this order from the ideal array (identical
qubits, α = 0, no dephasing): detunings δ_i, dephasing, non-cooperative decay α.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import SizeError
from ..progress import progress
from ..schemes import cooperative as co
from ..specs.setups import SetupSpec
from ..translate import Translation
from ._common import converged, error_budget, timed
from ._types import Budget, BudgetStep, Figure, Profile

#: observation window for the transient, in single-qubit decay times 1/(2κ)
WINDOW = 20.0

#: Most qubits a budget takes: pair concurrences need the full-state (generic) route, whose
#: one-excitation blocks are N² (N = 50: ~35 s for the whole budget on the loaded 2-core box)
MAX_QUBITS = 50


def _peak_concurrence(
    model: co.CooperativeArray, initial: str
) -> tuple[float, float, co.Evolution]:
    times = np.linspace(0.0, WINDOW / (2.0 * model.kappa), 401)  # in 1/ω (the model's unit)
    ev = co.evolve(model, initial, times, method="generic")
    c = np.asarray(ev.concurrence(0, 1))
    k = int(np.argmax(c))
    return float(c[k]), float(times[k]), ev


def budget(setup: SetupSpec, tr: Translation, full: bool) -> Budget:
    timings: dict[str, float] = {}
    model = tr.model_as(co.CooperativeArray)
    n = model.qubits
    if n > MAX_QUBITS:
        raise SizeError(
            f"layout.qubits = {n}: a cooperative budget follows pair concurrences on the full "
            f"state, at most {MAX_QUBITS} qubits; use fewer qubits"
        )
    initial = setup.layout.get("initial") or "1" + "0" * (n - 1)
    cooperative_only = co.CooperativeArray(
        n, model.kappa, detunings=model.detunings, phases=model.phases, omega=model.omega
    )
    # a generic solve from many excitations takes minutes (N = 10, five excitations: ~185 k
    # density-matrix entries per evolution), so every stage says what it is doing
    progress("cooperative budget", f"t → ∞ state of {n} qubits from |{initial}⟩")
    with timed(timings, "final_state"):
        final = co.final_state(cooperative_only, initial, method="generic")
    progress("cooperative budget", f"C₀₁(t) of {n} qubits from |{initial}⟩")
    with timed(timings, "transient"):
        peak, t_peak, ev = _peak_concurrence(model, initial)
    progress("cooperative budget", "decay rate of the one-excitation sector")
    with timed(timings, "lifetime"):
        rate = co.dark_decay_rate(model)
    lifetime = math.inf if rate == 0 else tr.to_time(1.0 / rate, "us")
    imperfect = model.alpha > 0 or model.dephasing > 0
    ideal_limit = " (ideal: α = 0, γ_φ = 0)" if imperfect else " (α = 0)"
    figures = [
        Figure(
            "dark_weight",
            final.dark_weight,
            "",
            final.method + ideal_limit,
            converged(final),
            evidence=str(final.convergence),
        ),
        Figure(
            "concurrence",
            final.concurrence(0, 1),
            "",
            final.method + ideal_limit,
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
            "1/Γ: slowest decay of the one-excitation sector (α, δ_i, γ_φ)",
            note="a stationary dark state: it does not decay" if rate == 0 else "",
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
