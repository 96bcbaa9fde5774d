"""Budget of a ``dual_rail`` setup (paper 000): how many pairs, how entangled, how fast.

Every figure is for the setup's own network (its N pairs, detuning pattern δ_A, permutation P,
source linewidth β, γ_φ, γ′, p_loss; finite-bandwidth Eq. 11) unless its method says *ideal*.

Headline (``full=False``, used by compare, sweeps and searches; one solve of two pairs):

* ``C_11``, ``C_22`` — steady-state concurrences of the first two pairs of the layout, computed
  exactly (pair k needs only the nodes ≤ k). With a permutation P (δ_B,i = −δ_A,P[i]) pair k is
  (A_P[k], B_k) and its figure is named by its element of C_ij = C(A_i|B_j): ``C_31``, ``C_22``
  for the reversed three-pair layout; the solve then takes the nodes up to max(P[1], P[2]);
* ``n_ent`` — paper 000's extrapolation C₁₁/(C₁₁ − C₂₂) (Fig. 4b) from those two, labelled as
  an extrapolation, never instead of the computed C_kk. For a permuted layout it is the
  extrapolation of two pairs at δ = 0 with every imperfection (the paper's own evaluation
  point, where a permutation has no effect), since the layout's pairs are not ordered by C;
* ``t_prep`` — T_prep of the setup's N pairs in the ideal broadband network (Eq. 1, Fig. 3),
  labelled ideal; ``pair_rate`` = min(N, max(#{pairs with C > 10⁻³}, ⌊N_ent⌋))/T_prep, labelled
  approximate when its T_prep is the ideal one.

Full budget (``full=True``) adds, from the N-pair solve when the size guard allows it:

* the concurrence of every pair and ``n_ent_direct`` — the number of the setup's pairs with
  C > ``ENTANGLED_CONCURRENCE`` = 10⁻³ (below it C is at the truncation tolerance),
  computed exactly; profile ``C_ij computed (finite bandwidth)`` — the whole matrix
  C_ij = C(A_i|B_j) of the layout's steady state. When the guard refuses N pairs, all of this
  is of the largest prefix of k nodes it allows (k = 4 of six pairs at the 16 GiB default; pair
  k needs only the nodes ≤ k): the pairs in it, and ``n_ent_direct`` labelled a lower bound;
* ``t_prep`` of the finite-bandwidth network (qubits in |0⟩, source in its vacuum, pump on at
  t = 0; |Tr ρ_q² − Tr ρ_q,ss²|/N = 10⁻³, see :func:`qnet_design.schemes.dual_rail.prep_time`)
  and ``t_prep_trace``, the same with the trace distance ½‖ρ_q − ρ_q,ss‖₁/N (a distance: the
  purity figure can pass through zero early when ρ_q,ss is mixed). For N ≤
  ``FINITE_PREP_PAIRS`` = 3 they are the whole layout's (three pairs of dual_rail_twpa, β = 21:
  a truncation ladder of 4 and 5 source photons, ~20 CPU-s, computed while the layout's steady
  state and the error budget are solved alongside: benchmarks/results/dual_rail.md). For more
  pairs the N-pair dynamics costs far more than the rest of the budget (four pairs: ~15× the
  vector of three, an estimated 4.8 GiB at 4 photons), so they are those of the layout's first
  ``FINITE_PREP_PAIRS`` pairs (exact reduced dynamics of those qubits; fewer when the size guard
  refuses that many), labelled approximate, with a warning that says why. For three twpa pairs
  the first two give 17.6/γ (trace distance 17.5/γ) against 14.3/γ (16.2/γ) for all three —
  still far closer than the ideal broadband T_prep, 38.9/γ, which leaves out every imperfection;
* the error budget (headline N_ent): ideal network first (broadband, no dephasing or loss,
  δ = 0, N_ent = ∞; labelled "ideal"), then finite bandwidth β, dephasing γ_φ, non-guided decay
  γ′, propagation loss p_loss, each a two-pair solve at δ = 0 (paper 000 evaluates N_ent at
  δ_A = 0, where the state forms slowest); its figure is named ``n_ent (two pairs, δ = 0)``,
  since for a detuned or permuted layout it is not the headline ``n_ent``.

The full budget's steady states run in two forked child processes while the budget propagates
T_prep (Linux, from the main thread, when they fit the memory limit together; else one after
the other), with the same figures either way (:class:`qnet_design.budget._common.Alongside`):
one child the error budget, the other the steady states of the layout's N pairs — those of
T_prep's first two truncations (sent to the propagation as they are done, when T_prep is of
all N pairs) and then the layout's, started from the second (:class:`_SharedSteady`). The
stage timings are then those of each process and overlap.

Profiles for plots: ``C_ij computed (finite bandwidth)`` (full budget) and
``C_ij ideal broadband`` (the pure state Eq. 9 of the layout, β, γ_φ, γ′, p_loss left out).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ..errors import ConvergenceError, SizeError
from ..guard import max_memory
from ..metrics import n_ent_extrapolated
from ..progress import progress
from ..schemes import dual_rail as dr
from ..schemes.dual_rail.dynamics import (
    PREP_TIME_TOLERANCE,
    RungSteady,
    _dynamics_bytes,
    _first_prep_rung,
    _prep_time_run,
    _rung_steady_state,
)
from ..schemes.dual_rail.steady import FOCK_START, _Run, steady_state_bytes
from ..specs.setups import SetupSpec
from ..translate import Translation
from ._common import Alongside, converged, error_budget, timed
from ._types import Budget, BudgetStep, Figure

#: Largest number of pairs whose finite-bandwidth T_prep the full budget computes; a larger
#: layout gets that of its first FINITE_PREP_PAIRS pairs, labelled approximate (see above).
FINITE_PREP_PAIRS = 3
_PARTIAL_PREP = (
    "t_prep is that of the layout's first {k} of {n} pairs (finite bandwidth, every "
    "imperfection): {why}. Closest when the pairs prepare in parallel (detuning steps >~ gamma, "
    "delta_max < kappa: paper 000), too short when they form one after another (delta = 0); "
    "qnet_design.schemes.dual_rail.prep_time(model) gives the {n}-pair value"
)
_COSTLY_PREP = "the dynamics of all {n} pairs costs far more than the rest of the budget"
#: Profile names (the plots title the panels with them).
PROFILE_COMPUTED = "C_ij computed (finite bandwidth)"
PROFILE_IDEAL = "C_ij ideal broadband"
#: The error budget's figure: paper 000's N_ent of two pairs at δ = 0, not the layout's own
#: headline ``n_ent``; its name says so wherever a step is printed or drawn.
ERROR_BUDGET_FIGURE = "n_ent (two pairs, δ = 0)"


def _prefix(k: int, n: int) -> str:
    """'the layout's 3 pairs' for the whole layout, 'the layout's first 2 of 3 pairs' else."""
    if k < n:
        return f"the layout's first {k} of {n} pairs"
    return "the layout's pair" if n == 1 else f"the layout's {n} pairs"


def _two_pairs_at_zero_detuning(model: dr.DualRail) -> dr.DualRail:
    """The first two pairs at δ = 0 with every imperfection of ``model`` (error budget)."""
    return dr.DualRail(
        2,
        model.r,
        beta=model.beta,
        beta_b=model.beta_b,
        gamma_phi=model.gamma_phi,
        gamma_loss=model.gamma_loss,
        p_loss=model.p_loss,
    )


def _n_ent(model: dr.DualRail) -> float:
    if model.broadband:
        return math.inf  # Eq. 1: C_kk = tanh 2r for every k
    return dr.n_ent(model).estimate


def _prep(
    model: dr.DualRail,
    ideal: dr.DualRail,
    finite: bool,
    k_prep: int,
    warnings: list[str],
    timings: dict[str, float],
    steady: RungSteady | None = None,
) -> tuple[dr.PrepTime | None, str, str, int]:
    """T_prep of the layout (finite bandwidth: of its first ``k_prep`` pairs, or of the largest
    prefix the size guard allows), the method text of its figure, how it was computed (for the
    trace-distance figure's method) and its number of pairs; a T_prep that cannot be computed
    is a warning. ``steady`` supplies the rungs' steady states of all N pairs (_SharedSteady)."""
    n = model.pairs
    permuted = tuple(model.permutation or range(n)) != tuple(range(n))
    with timed(timings, "prep_time"):
        if not finite:
            progress("dual-rail budget", f"ideal broadband T_prep of {n} pairs")
            try:
                prep = dr.prep_time(ideal)
            except (ConvergenceError, SizeError) as exc:
                warnings.append(f"T_prep not computed: {exc}")
                return None, "", "", n
            return prep, "ideal broadband Eq. 1, [1−Tr ρ²]/N = 1e-3", "", n
        why = _COSTLY_PREP.format(n=n)
        for k in range(k_prep, 0, -1):  # the size guard refuses before any work
            progress("dual-rail budget", f"finite-bandwidth T_prep of {k} pairs")
            try:
                supplier = steady if k == n else None  # it has the N-pair states
                prep = _prep_time_run(model, 1e-3, PREP_TIME_TOLERANCE, k, supplier)[0]
                break
            except SizeError as exc:
                why = f"the size guard refuses {k} pairs ({exc})"
                if k == 1:
                    warnings.append(f"T_prep not computed: {exc}")
                    return None, "", "", k
            except ConvergenceError as exc:
                warnings.append(f"T_prep not computed: {exc}")
                return None, "", "", k
    which = f"approximate: the layout's first {k} of {n} pairs, " * (k < n)
    if permuted and k < n:
        which = (
            f"approximate: the qubits of the first {k} of {n} nodes of each "
            "rail (for this permutation not whole pairs), "
        )
    which += "finite bandwidth Eq. 11 with every imperfection, "
    if k < n:
        warnings.append(_PARTIAL_PREP.format(k=k, n=n, why=why))
    return prep, which + f"|Tr ρ_q² − Tr ρ_q,ss²|/N = {prep.threshold:g}", which, k


def _layout_state(
    model: dr.DualRail, full: bool, warm: _Run | None = None
) -> tuple[dr.SteadyState, list[str]]:
    """The exact steady state the budget's C figures come from, and its warnings: for the full
    budget all N pairs, or the largest prefix of the layout the size guard allows (it refuses
    before any work); else the nodes of the first two pairs. ``warm``: a run of all N pairs at
    fewer photons (:func:`steady_state`'s; a solve of fewer pairs ignores it)."""
    n = model.pairs
    warnings: list[str] = []
    if full:
        for k in range(n, 1, -1):
            what = f"all {n} pairs" if k == n else f"the first {k} of {n} pairs"
            progress("dual-rail budget", f"steady state of {what}")
            try:
                return dr.steady_state(model, pairs=k, warm=warm), warnings
            except SizeError as exc:
                if k == n:
                    warnings.append(f"C_ij of all {n} pairs not computed: {exc}")
    # the first two pairs (A_P[0], B_0), (A_P[1], B_1) need the nodes up to max(P[0], P[1])
    perm = tuple(model.permutation or range(n))
    nodes = max(min(2, n), *(p + 1 for p in perm[:2]))
    progress("dual-rail budget", f"steady state of the first {nodes} nodes of each rail")
    return dr.steady_state(model, pairs=nodes, warm=warm), warnings


class _SharedSteady:
    """The steady states of the layout's N pairs that T_prep's ladder and the C figures both
    need, computed in one forked child alongside T_prep (:class:`Alongside` with parts).

    The child computes the T_prep ladder's first two rungs (``plan``) as the ladder itself
    would (:func:`_rung_steady_state`, the second started from the first) and sends each as it
    is done, then the layout's steady state started from the second (``warm``: the 6 → 7
    photon ladder from the 5-photon run, three twpa pairs ~3.0 CPU-s against ~4.1 from zero).
    The instance is the ladder's supplier (``RungSteady``): a planned rung from the child, any
    other computed here as the ladder would. Without fork the same computations in turn: the
    rungs when the ladder asks, the layout after T_prep from the second rung (computed then if
    the ladder failed before it). The same runs either way, so the same figures.
    """

    def __init__(self, model: dr.DualRail, plan: tuple[int, ...], fork: bool) -> None:
        self.model, self.plan = model, plan
        self.runs: dict[int, _Run] = {}
        self.work = Alongside(self._compute, fork=fork, parts=True)

    def _compute(self, send: Callable[[Any], None]) -> tuple[dr.SteadyState, list[str]]:
        for photons in self.plan:
            if photons not in self.runs:
                warm = self.runs.get(photons - 1)
                try:
                    self.runs[photons] = _rung_steady_state(
                        self.model, self.model.pairs, photons, warm
                    )
                except (ConvergenceError, SizeError):
                    break  # the ladder meets the same error and says so (T_prep not computed)
                send((photons, self.runs[photons]))
        return _layout_state(self.model, True, self.runs.get(self.plan[-1]))

    def _take(self, photons: int, wait: bool) -> None:
        """Store the child's parts until rung ``photons`` is among them or none is left;
        without ``wait`` only those already sent (no blocking)."""
        while photons not in self.runs and (wait or self.work.waiting()):
            part = self.work.part()
            if part is None:  # the child has finished (or failed): computed here from now on
                return
            self.runs[part[0]] = part[1]

    def __call__(self, model: dr.DualRail, pairs: int, photons: int, warm: _Run | None) -> _Run:
        """The steady state of a T_prep rung (a ``RungSteady``): a planned rung from the
        child, any other (or one the child could not compute) here, as the ladder would."""
        if photons not in self.runs and photons in self.plan and self.work.forked:
            progress(
                "dual-rail T_prep",
                f"{pairs} pairs, {photons} source photons: steady state (computed alongside)",
            )
            self._take(photons, wait=True)
        if photons not in self.runs:  # beyond the plan, or the child could not
            self.runs[photons] = _rung_steady_state(model, pairs, photons, warm)
        return self.runs[photons]

    def ready(self, photons: int) -> bool:
        """Whether rung ``photons``'s steady state is there without waiting for the child (the
        ladder propagates meanwhile, :data:`~qnet_design.schemes.dual_rail.dynamics.RungSteady`);
        a rung the child does not compute is computed here, so it is 'ready'."""
        self._take(photons, wait=False)
        return photons in self.runs or photons not in self.plan or self.work.done


def _error_budget(model: dr.DualRail) -> tuple[BudgetStep, ...]:
    """Headline N_ent of two pairs at δ = 0 with the imperfections switched on one at a time."""
    two = _two_pairs_at_zero_detuning(model)
    start = replace(two, beta=None, beta_b=None, gamma_phi=0.0, gamma_loss=0.0, p_loss=0.0)
    plan: list[tuple[str, dict[str, Any]]] = [
        ("finite bandwidth β", {"beta": two.beta, "beta_b": two.beta_b}),
        ("dephasing γ_φ", {"gamma_phi": two.gamma_phi}),
        ("non-guided decay γ′", {"gamma_loss": two.gamma_loss}),
        ("propagation loss p_loss", {"p_loss": two.p_loss}),
    ]
    progress("dual-rail budget", "error budget (two pairs at δ = 0, one step at a time)")
    return error_budget(start, plan, ERROR_BUDGET_FIGURE, _n_ent)


def budget(setup: SetupSpec, tr: Translation, full: bool) -> Budget:
    timings: dict[str, float] = {}
    model = tr.model_as(dr.DualRail)
    n = model.pairs
    warnings: list[str] = []
    figures: list[Figure] = []
    profiles: dict[str, Any] = {}
    perm = tuple(model.permutation or range(n))
    permuted = perm != tuple(range(n))

    # the layout's ideal target state: the pure state of Eq. 9, milliseconds at any N here
    ideal = dr.DualRail(n, model.r, model.delta_a, model.permutation)
    with timed(timings, "concurrence_matrix"):
        profiles[PROFILE_IDEAL] = dr.analytic_concurrences(ideal)

    # the solves that do not need T_prep (the layout's steady state, the error budget) run in
    # forked children while this process computes T_prep, when the platform forks and both
    # fit in memory at once (Alongside; else in turn, after it): the same figures either way
    finite = full and not model.broadband
    k_prep = min(n, FINITE_PREP_PAIRS)
    together = steady_state_bytes(n, FOCK_START + 1) + (
        _dynamics_bytes(k_prep, FOCK_START) if finite else 0
    )
    fits = full and together <= max_memory()
    shared = None
    if finite and k_prep == n:  # T_prep's rungs are steady states of the layout's N pairs too
        first = _first_prep_rung(model, 1e-3 * n)
        shared = _SharedSteady(model, (first, first + 1), fits)
        layout_work = shared.work
    else:
        layout_work = Alongside(lambda: _layout_state(model, full), fork=fits)
    steps_work = Alongside(lambda: _error_budget(model)) if full else None
    try:
        prep, t_method, which, k_prep = _prep(
            model, ideal, finite, k_prep, warnings, timings, shared
        )
        if layout_work.forked:
            progress("dual-rail budget", f"steady state of all {n} pairs (computed alongside)")
        state, state_warnings = layout_work.result()
        timings["steady_state"] = layout_work.seconds
        warnings += state_warnings
        steps: tuple[BudgetStep, ...] = ()
        if steps_work is not None:
            alongside = ", computed alongside" * steps_work.forked
            progress("dual-rail budget", f"error budget (two pairs at δ = 0{alongside})")
            steps = steps_work.result()
            timings["error_budget"] = steps_work.seconds
    finally:
        layout_work.cancel()
        if steps_work is not None:
            steps_work.cancel()
    ckk = list(state.pair_concurrences(perm))
    layout = f"{state.method} steady state of {_prefix(state.pairs, n)}, computed"
    if permuted:
        layout += f"; pair k = (A_P[k], B_k), P = {[p + 1 for p in perm]} (Eq. 9)"
    evidence = str(state.convergence or "")
    ok = converged(state)
    for k, c in enumerate(ckk if full else ckk[:2]):
        if math.isnan(c):  # a permuted pair whose A qubit lies beyond the computed prefix
            continue
        name = f"C_{perm[k] + 1}{k + 1}"  # C_ij = C(A_i|B_j): the pair's own element
        figures.append(Figure(name, c, "", layout, ok, evidence=evidence))
    if n >= 2:
        if permuted:
            # paper 000 extrapolates along an unpermuted cascade at δ = 0 (Fig. 4b), where the
            # permutation has no effect: the layout's own pairs (not ordered by C) would not do
            # the error budget's last step is this very model (every imperfection switched on)
            two = _two_pairs_at_zero_detuning(model)
            estimate = steps[-1].value if steps else _n_ent(two)
            ext = "two pairs at δ = 0 with every imperfection (the permutation needs δ ≠ 0)"
        else:
            estimate = n_ent_extrapolated(ckk[0], ckk[1])
            ext = "the layout's computed C_11, C_22"
        figures.append(
            Figure(
                "n_ent",
                estimate,
                "",
                f"extrapolated: C11/(C11−C22) (paper 000 Fig. 4b) of {ext}",
                ok,
                "an estimate; the pairs' C are computed directly",
                evidence,
            )
        )
    else:
        estimate = math.nan
    computed = [c for c in ckk if not math.isnan(c)]
    direct = dr.count_entangled(computed)
    if state.pairs == n or full:
        whole = state.pairs == n
        direct_method = (
            f"computed: number of {_prefix(n, n)} with C > {dr.ENTANGLED_CONCURRENCE:g} "
            "(exact steady state)"
            if whole
            else f"lower bound: number of the {len(computed)} computed of the setup's {n} "
            f"pairs with C > {dr.ENTANGLED_CONCURRENCE:g} (exact steady state of the first "
            f"{state.pairs} nodes; the size guard refuses more)"
        )
        figures.append(
            Figure("n_ent_direct", float(direct), "", direct_method, ok, evidence=evidence)
        )
        panel = (
            PROFILE_COMPUTED if whole else f"{PROFILE_COMPUTED}, first {state.pairs} of {n} pairs"
        )
        profiles[panel] = np.asarray(state.concurrences())

    if prep is not None:
        t_prep_s = tr.to_time(prep.t_prep, "s")
        # the extrapolation counts pairs only if the first one is entangled at all
        usable_ext = math.floor(estimate) if math.isfinite(estimate) else n
        usable_ext = usable_ext if dr.count_entangled(ckk[:1]) else 0
        usable = min(n, max(direct, usable_ext))
        nodes_or_pairs = "nodes of each rail" if permuted else "pairs"
        rate_note = (
            "approximate (ideal broadband T_prep): "
            if not finite
            else f"approximate (T_prep of the first {k_prep} {nodes_or_pairs}): " * (k_prep < n)
        )
        figures += [
            Figure(
                "t_prep",
                tr.to_time(prep.t_prep, "us"),
                "us",
                t_method,
                converged(prep),
                evidence=str(prep.convergence or ""),
            ),
            Figure(
                "pair_rate",
                usable / t_prep_s,
                "1/s",
                rate_note
                + f"min(N, max(#{{pairs with C > {dr.ENTANGLED_CONCURRENCE:g}}}, ⌊N_ent⌋))/T_prep",
                converged(prep) and ok,
                evidence=str(prep.convergence or ""),  # T_prep's; the count's is the C_kk's
            ),
        ]
        if prep.t_trace is not None:
            figures.append(
                Figure(
                    "t_prep_trace",
                    tr.to_time(prep.t_trace, "us"),
                    "us",
                    which + "trace-distance version ½‖ρ_q − ρ_q,ss‖₁/N = 1e-3 (a distance; the "
                    "purity figure of t_prep can pass through zero early when ρ_q,ss is mixed)",
                    converged(prep),
                    evidence=str(prep.convergence or ""),
                )
            )
    return Budget(
        "dual_rail", setup.name, tuple(figures), steps, tuple(warnings), timings, profiles
    )
