"""Budget of a ``thermal_link`` setup (paper 001): steady-state and transient concurrence.

Figures: steady-state concurrence (exact route chosen by ``thermal_link``'s ``auto``), n_th, the
photon flux Φ = κ n_th/2, the peak of C(t) from |00⟩ over γt ≤ 100 and when it occurs (the
steady value, reached asymptotically, when C(t) does not overshoot), and the times at which C(t)
first reaches 50 % and 90 % of its steady value (µs).

Propagation delay of a chiral (cascaded) link: the model is Markovian, without the delay τ from
qubit 1 to qubit 2 (channel length/phase_velocity, see
:func:`~qnet_design.translate.thermal_link.cascade_delay`). A cascade's delay can be removed by
retarding the downstream system's time (C. W. Gardiner, Phys. Rev. Lett. 70, 2269 (1993);
H. J. Carmichael, ibid. 2273): the model's state at time t is qubit 1's at t with qubit 2's at
t + τ. Its steady state is therefore the delayed cascade's, but qubit 2 takes up to τ longer to
get there: a time figure t_x is kept as computed (it holds with qubit 2 read τ after qubit 1)
and, when τ exceeds :data:`DELAY_LABEL_FRACTION` of it, its method text names τ and the upper
bound t_x + τ. We label instead of adding τ because which of the two applies depends on when
the user reads qubit 2, which the setup files do not say.

Error budget, in this order, starting from the ideal link (same source occupation and κ,
γ₂ = γ₁, resonant qubits, no dephasing, no qubit loss, lossless cold waveguide): asymmetric
coupling γ₂, detunings Δ₁, Δ₂, dephasing γ_φ, qubit loss γ′ (non-guided decay and wrong-way
emission of a finitely directional coupler), waveguide loss p_loss (paper 001, Fig. 4 discusses
γ₂, Δ, γ_φ and p_loss), warm link n_link (the filtered drive is then the excess n_th − n_link,
see :class:`~qnet_design.schemes.thermal_link.ThermalLink`).
In the bidirectional geometry the detuning is a design choice, not an imperfection: without
cascaded coupling the link entangles only with Δ₁ = −Δ₂ ≠ 0 (paper 001 Sec. V B 1, Fig. 6:
δ_a = γ/2), so the ideal link there keeps the setup's detunings (its first row says so) and
has no detuning step.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..schemes import thermal_link as tl
from ..specs.setups import SetupSpec
from ..translate import Translation, thermal_link as translate_thermal_link
from ._common import converged, error_budget, timed
from ._types import Budget, BudgetStep, Figure, Profile

#: C(t) is followed from |00⟩ up to γt = T_TRANSIENT. The text of paper 001 places the maximum
#: at t ~ 1/γ; the exact evolution rises without overshoot and reaches 90 % of C_ss near
#: γt ≈ 52 at n_th = 1220, κ = 10⁻³ (tests/test_thermal_link_physics.py), so 100/γ covers it.
T_TRANSIENT = 100.0
#: the transient is skipped (with a warning) when its estimated cost exceeds this; the
#: widening solves at least two depths (1 + 1.5 = 2.5 × the first one's cost)
TRANSIENT_MAX_SECONDS = 30.0
#: a time figure of a chiral link names the left-out delay τ when τ exceeds this fraction of it
#: (1 %: below it τ is smaller than the figure's own grid step, 0.25/γ ≈ 0.5 % of t_90)
DELAY_LABEL_FRACTION = 0.01


def _transient_seconds(model: tl.ThermalLink, times: np.ndarray) -> float:
    """Estimated cost of the hierarchy time evolution (0 for the Fock route, cheap here)."""
    if tl.auto_method(model) != "hierarchy":
        return 0.0
    from ..schemes.thermal_link import _size, hierarchy

    first = hierarchy._build(model, hierarchy.start_level(model), (0,))
    return 2.5 * _size.propagation_seconds(first.matrix, times)


def _delayed_pair(delay: tuple[float, bool], tr: Translation) -> str:
    """For a chiral link whose delay is not Markovian-small (γτ > MAX_MARKOV_DELAY): the steady
    state pairs qubit 1 at t − τ with qubit 2 at t (module doc), which the concurrence's method
    says; read at equal times, qubit 1 has evolved for τ more and the pair can differ."""
    lower = delay[1]
    gamma_tau = delay[0] / tr.to_time(1.0, "s")  # τ in the model's time unit 1/γ
    if gamma_tau <= translate_thermal_link.MAX_MARKOV_DELAY:
        return ""
    rel = "≥" if lower else "="
    tau_us = tr.to_time(gamma_tau, "us")
    return (
        f"; pairs qubit 1 at t − τ with qubit 2 at t (τ {rel} {tau_us:.2g} µs, γτ {rel} "
        f"{gamma_tau:.2g}: the delayed cascade, Gardiner 1993); read at equal times it can differ"
    )


def _with_delay(method: str, t_us: float, delay_us: float, lower_bound: bool) -> str:
    """``method``, naming the left-out cascade delay when it is not negligible (module doc)."""
    if not (math.isfinite(t_us) and delay_us > DELAY_LABEL_FRACTION * t_us):
        return method
    if lower_bound:  # length/c: the true τ and t_x + τ are larger still
        return (
            f"{method}, without the delay τ ≥ {delay_us:.2g} µs (length/c: the channel gives no "
            "phase_velocity) from qubit 1 to qubit 2: qubit 2 gets there up to τ later"
        )
    return (
        f"{method}, without the delay τ = {delay_us:.2g} µs (length/phase_velocity) from "
        f"qubit 1 to qubit 2: qubit 2 gets there up to τ later, ≤ {t_us + delay_us:.4g} µs"
    )


def _transient(
    model: tl.ThermalLink,
    c_steady: float,
    tr: Translation,
    warnings: list[str],
    delay: tuple[float, bool] = (0.0, False),
) -> tuple[list[Figure], Profile] | None:
    """Peak of C(t) from |00⟩ and when C(t) reaches 50 % and 90 % of C_ss (µs).

    C(t) usually rises to C_ss from below (no overshoot; paper 001 Fig. 4a): then the peak is
    C_ss itself, reached asymptotically (t_peak = ∞). Returns None when no exact route is
    affordable. ``delay`` = (τ in s, whether only a lower bound) of a chiral link labels the times.
    """
    delay_us = tr.to_time(delay[0] / tr.to_time(1.0, "s"), "us")
    if not (tl.auto_method(model) == "hierarchy" or model.n_th <= 50):
        warnings.append(
            "transient C(t) skipped: the exact time evolution at this n_th needs the Fock route "
            "(bidirectional geometry), too large for a budget"
        )
        return None
    times = np.linspace(0.0, T_TRANSIENT, 401)
    cost = _transient_seconds(model, times)
    if cost > TRANSIENT_MAX_SECONDS:
        warnings.append(
            f"transient C(t) skipped: the exact time evolution at n_th = {model.n_th:.3g} would "
            f"take ~{cost / 60:.2g} min (the steady state above is exact)"
        )
        return None
    ev = tl.evolve(model, times)
    c_t = np.asarray(ev.concurrence)
    ok = converged(ev)
    evidence = str(getattr(ev, "convergence", None) or "")
    k = int(np.argmax(c_t))
    if c_t[k] > c_steady + 1e-9:
        peak = Figure(
            "peak_concurrence", float(c_t[k]), "", ev.method, ok, "transient overshoot", evidence
        )
        t_k = tr.to_time(float(times[k]), "us")
        method = _with_delay(ev.method, t_k, delay_us, delay[1])
        t_peak = Figure("t_peak", t_k, "us", method, ok, evidence=evidence)
    else:
        peak = Figure(
            "peak_concurrence",
            c_steady,
            "",
            ev.method,
            ok,
            "no overshoot: C(t) approaches C_ss from below",
            evidence,
        )
        t_peak = Figure("t_peak", math.inf, "us", ev.method, ok, "reached asymptotically", evidence)
    figures = [peak, t_peak]
    if c_steady > 0:
        for fraction in (0.5, 0.9):
            reached = np.nonzero(c_t >= fraction * c_steady)[0]
            name = f"t_{round(100 * fraction)}"
            if reached.size:
                t_x = tr.to_time(float(times[reached[0]]), "us")
                figures.append(
                    Figure(
                        name,
                        t_x,
                        "us",
                        _with_delay(ev.method, t_x, delay_us, delay[1]),
                        ok,
                        f"C(t) ≥ {fraction:g} C_ss from |00⟩",
                        evidence,
                    )
                )
            else:
                warnings.append(
                    f"C(t) does not reach {fraction:.0%} of C_ss by γt = "
                    f"{T_TRANSIENT:g}: {name} not reported"
                )
    trace = Profile(c_t, tr.to_time(times, "us"), "time t (µs) from |00⟩", "concurrence C(t)")
    return figures, trace


def budget(setup: SetupSpec, tr: Translation, full: bool) -> Budget:
    timings: dict[str, float] = {}
    model = tr.model_as(tl.ThermalLink)
    with timed(timings, "steady_state"):
        steady = tl.concurrence(model)
    cascade = model.geometry != "bidirectional"
    delay = translate_thermal_link.cascade_delay(setup) if cascade else (0.0, False)
    figures = [
        Figure(
            "concurrence",
            steady.concurrence,
            "",
            steady.method + _delayed_pair(delay, tr),
            converged(steady),
            evidence=str(steady.convergence or ""),
        ),
        Figure(
            "n_th",
            model.n_th,
            "",
            "Bose(f_c, T) − Bose(f_c, T_link)" if model.n_link else "Bose(f_c, T)",
        ),
        Figure("flux", tr.to_rate(model.flux, "1/us"), "1/us", "Φ = κ n_th / 2"),
        Figure("kappa_over_gamma", model.kappa, "", "2κ = ω_c/Q"),
    ]
    profiles: dict[str, Profile] = {}
    warnings: list[str] = []
    if full:
        with timed(timings, "transient"):
            transient = _transient(model, steady.concurrence, tr, warnings, delay)
        if transient is not None:
            extra, profiles["C(t)"] = transient
            figures += extra
    steps: tuple[BudgetStep, ...] = ()
    if full:
        detuning = {"delta1": model.delta1, "delta2": model.delta2}
        design = model.geometry == "bidirectional"
        ideal = tl.ThermalLink(
            model.n_th + model.n_link,
            model.kappa,
            geometry=model.geometry,
            positions=model.positions,
            **(detuning if design else {}),
        )
        plan = [("asymmetric coupling γ₂", {"gamma2": model.gamma2})]
        if not design:
            plan.append(("detuning Δ₁, Δ₂", detuning))
        plan += [
            ("dephasing γ_φ", {"gamma_phi": model.gamma_phi}),
            ("qubit loss γ′", {"gamma_loss1": model.gamma_loss1, "gamma_loss2": model.gamma_loss2}),
            ("waveguide loss p_loss", {"p_loss": model.p_loss}),
            ("warm link n_link", {"n_link": model.n_link, "n_th": model.n_th}),
        ]
        with timed(timings, "error_budget"):
            steps = error_budget(
                ideal, plan, "concurrence", lambda m: tl.concurrence(m).concurrence
            )
        if design and (model.delta1 or model.delta2):
            label = f"ideal at the design detuning Δ₁ = {model.delta1:g}γ, Δ₂ = {model.delta2:g}γ"
            steps = (replace(steps[0], step=label), *steps[1:])
    return Budget(
        "thermal_link", setup.name, tuple(figures), tuple(steps), tuple(warnings), timings, profiles
    )
