# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Paper 001 — thermal link: entanglement from filtered thermal noise
#
# Agustí, Schneider, Fedorov, Filipp, Rabl (2025), *Non-Markovian thermal reservoirs for
# autonomous entanglement distribution* (README, "The papers"), reproduced with
# `qnet_design.schemes.thermal_link`. Units: rates in γ (= γ₁), times in 1/γ; the filter cavity
# has total linewidth 2κ and emits the photon flux Φ = κ n_th/2.
#
# The figures are not in the text copy of the paper, so every panel is checked against what the
# text does give — quoted numbers, closed forms and limits. Every reference value is read from
# `data/`: quoted numbers and parameters from `data/thermal_link_reference.toml` and
# `data/thermal_link_approximations_reference.toml`, closed forms of the paper evaluated at this
# notebook's parameters (Eq. 23, 31, 45–47 and the κ → 0 curves of Fig. 3(b)) from
# `data/thermal_link_closed_forms_reference.toml`, written by
# `data/make_thermal_link_closed_forms.py` with numpy/scipy only (independent of qnet_design).
# Each section prints a table of value, reference, deviation and the tolerance we accept (with
# the reason in the source column); a final table collects them all. Rows "max |x − curve|"
# compare a computed curve with a curve from `data/`, so their reference is a deviation of 0.
#
# `QNET_FAST=1` runs everything on coarse grids and short times (the test suite does this);
# `QNET_FAST=0` (default) gives the full figures and writes them to notebooks/figures/.

# %%
import math
import warnings

import matplotlib.pyplot as plt
import nbtools
import numpy as np
from qnet_design.metrics import crossing_time
from qnet_design.plotting import plot_map
from qnet_design.schemes.thermal_link import (
    ThermalLink,
    bose_occupation,
    concurrence,
    concurrence_map,
    evolve,
    exact_kappa_max,
    steady_state,
)
from qnet_design.schemes.thermal_link import approximations as ap
from scipy.optimize import minimize_scalar

FAST = nbtools.FAST
REF = nbtools.reference("thermal_link_reference")
APX = nbtools.reference("thermal_link_approximations_reference")
CF = nbtools.reference("thermal_link_closed_forms_reference")  # data/make_thermal_link_closed_forms.py
ALL_ROWS: list[tuple] = []


def ref(key, table=REF):
    return table[key]["value"]


def c_exact(model):
    """Exact steady-state concurrence (hierarchy / matrix continued fraction, App. B)."""
    return float(concurrence(model, method="hierarchy"))


def quiet(route, *args, **kwargs):
    """An approximate route with its ValidityWarning silenced (its ``valid`` flag is kept)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ap.ValidityWarning)
        return route(*args, **kwargs)


def report(rows):
    ALL_ROWS.extend(rows)
    return nbtools.show(nbtools.agreement(rows))


# %% [markdown]
# ## Sec. V A parameters: room-temperature resistor behind a Q = 2.5·10⁵ filter

# %%
n_sc = bose_occupation(ref("sc_frequency_hz"), ref("sc_temperature_k"))
kappa_sc = ref("sc_frequency_hz") / (2 * ref("sc_quality_factor")) / ref("sc_gamma_over_2pi_hz")
report(
    [
        ("n_th at 5 GHz, 293 K", n_sc, ref("sc_n_th"), 5e-4 * ref("sc_n_th"), "4 digits: rel. 5e-4"),
        ("κ/γ = (f_c/2Q)/(γ/2π)", kappa_sc, ref("sc_kappa_over_gamma"), 1e-12, "Sec. V A"),
    ]
);

# %% [markdown]
# ## Fig. 2(c,d): steady-state concurrence over n_th and κ, and the boundary κ_max
#
# Exact map (matrix continued fraction) with the boundary of Eq. 31 (lowest-order Bourret
# concurrence = 0) as the dashed line. Limits: κ_max → 0.1794γ for n_th → 0 (Eq. 31 at weak
# drive) and → 0.25γ for n_th → ∞ (Eq. 33), i.e. 0.18 ≲ κ_max/γ < 0.25 (Eq. 32).

# %%
n_grid = np.logspace(-1, 3, 6 if FAST else 41)
k_grid = np.logspace(-3, 0, 6 if FAST else 41)
cmap = concurrence_map(n_grid, k_grid)
k_max_eq31 = np.array([ap.kappa_max(n).lowest_order for n in n_grid])

fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
plot_map(n_grid, k_grid, cmap.concurrence, ax=ax)  # z[i, j] at (n_th[i], κ[j])
ax.plot(n_grid, k_max_eq31, "k--", label="κ_max (Eq. 31)")
ax.legend(loc="lower left")
ax.set_title("Fig. 2(c): C(ρ_q^ss), exact")
nbtools.savefig(fig, "001_fig2c_map")

# %%
n2 = ref("fig2d_n_th")
k_slice = np.linspace(0.01, 0.25, 6 if FAST else 25)  # Eq. 31 is used up to 0.25γ
c_slice = [float(concurrence(ThermalLink(n2, k), method="fock")) for k in k_slice]
c_eq31 = [ap.bourret_concurrence(ThermalLink(n2, k), order="lowest").concurrence for k in k_slice]
kmax_exact = exact_kappa_max(n2, tolerance=1e-3)
kmax_31 = ap.kappa_max(n2).lowest_order

fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
ax.plot(k_slice, c_slice, "o-", label="exact (Fock)")
ax.plot(k_slice, c_eq31, "--", label="Bourret, Eq. 31")
ax.axvline(kmax_31, c="k", ls="--", lw=0.8)
ax.set(xlabel="κ/γ", ylabel="C", title=f"Fig. 2(d): slice at n_th = {n2:g}")
ax.legend()
nbtools.savefig(fig, "001_fig2d_slice")

report(
    [
        ("κ_max exact, n_th=2 in (0.18, 0.25)",
         bool(ref("kappa_max_lower") < kmax_exact < ref("kappa_max_upper")), True, None,
         "Eq. 32: '0.18 ≲ κ_max/γ < 0.25'"),
        # Eq. 31 evaluated independently (scipy root of the printed formula), tight: same formula
        ("κ_max Eq. 31 (module), n_th=2", kmax_31, ref("eq31_kappa_max_fig2d", CF), 1e-6,
         "Eq. 31 closed form (data script)"),
        ("κ_max exact, n_th=2", kmax_exact, ref("eq31_kappa_max_fig2d", CF), 0.01,
         "Fig. 2(d): dashed line (Eq. 31) on the exact zero"),
        ("κ_max Eq. 31, n_th→0", ap.kappa_max(1e-6).lowest_order,
         ref("kappa_max_weak_drive_limit_eq31", APX), 1e-4, "by hand from Eq. 31"),
        ("κ_max Eq. 31, n_th=1e6", ap.kappa_max(1e6).lowest_order, ref("kappa_max_upper", APX), 0.01,
         "Eq. 33: C = 1 − 4κ/γ vanishes at 0.25"),
        ("exact C at κ=0.18, n_th=2 > 0", c_exact(ThermalLink(n2, ref("kappa_max_lower"))) > 0, True,
         None, "Eq. 32: '0.18 ≲ κ_max/γ'"),
        ("exact C at κ=0.25, n_th=2", c_exact(ThermalLink(n2, ref("kappa_max_upper"))),
         ref("fig2d_concurrence_at_kappa_max_upper"), 1e-12, "Eq. 32: 'κ_max/γ < 0.25'"),
    ]
);

# %% [markdown]
# ## Fig. 3(a): C versus n_th at fixed κ — quasistatic limit (Eq. 23), Eq. 45, optimum Eq. 46–47
#
# For weak flux the exact curve follows the quasistatic result C = 1 − Υ(Φ/γ) (Eq. 23, dashed);
# at high n_th the finite bandwidth takes over and C has a maximum near
# n_th* = γ²/(12κ²) (Eq. 46) with C(n_th*) = 1 − 2Υ(γ/48κ) (Eq. 47). Eq. 46–47 are lowest
# order in κ within a three-level model, so we accept a factor 0.5–1.5 on n_th* (the maximum is
# flat) and 0.04 on C*.

# %%
eq46, eq47 = CF["eq46_n_th_star"], CF["eq47_concurrence_star"]  # Eq. 46-47 at κ = 1e-2, 3e-3, 1e-3
kappas_3a = eq47["kappa"][:1] if FAST else eq47["kappa"]
fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
rows = []
for i, kappa in enumerate(kappas_3a):
    n46 = eq46["value"][eq46["kappa"].index(kappa)]
    c47 = eq47["value"][eq47["kappa"].index(kappa)]
    ns = np.logspace(0, math.log10(30 * n46), 8 if FAST else 40)
    cs = [c_exact(ThermalLink(n, kappa)) for n in ns]
    qs = [1 - ap.upsilon(kappa * n / 2) for n in ns]
    an = [quiet(ap.analytic_concurrence, ThermalLink(n, kappa)) for n in ns]
    an = [a.concurrence if a.valid else np.nan for a in an]  # Eq. 45 only where App. B 2 holds
    ax.semilogx(ns, cs, "-", c=f"C{i}", label=f"exact κ/γ = {kappa:g}")
    ax.semilogx(ns, qs, "--", c=f"C{i}", lw=0.8)
    ax.semilogx(ns, an, ":", c=f"C{i}")
    ax.axvline(n46, c=f"C{i}", lw=0.5)

    res = minimize_scalar(
        lambda x, kappa=kappa: -c_exact(ThermalLink(math.exp(x), kappa)),
        bracket=(math.log(n46 / 3), math.log(n46)),
        tol=1e-3,
    )
    rows += [
        (f"n_th* (argmax of exact C), κ={kappa:g}", math.exp(res.x), n46, 0.5 * n46,
         "Eq. 46 (flat max): factor 0.5-1.5"),
        (f"C(n_th*), κ={kappa:g}", -res.fun, c47, 0.04, "Eq. 47, lowest order"),
    ]
ax.plot([], [], "k--", lw=0.8, label="quasistatic 1 − Υ(κ n_th/2)")
ax.plot([], [], "k:", label="analytic Eq. 45 (where valid)")
ax.plot([], [], "k-", lw=0.5, label="n_th* (Eq. 46)")
ax.set(xlabel="thermal occupation n_th", ylabel="concurrence C(ρ_q^ss)", ylim=(0, 1),
       title="Fig. 3(a)")
ax.legend(fontsize=7)
nbtools.savefig(fig, "001_fig3a")

# quasistatic limit at Φ = 0.5γ: the deviation is O(√κ) (Eq. 31), 0.01 at κ = 1e-4
qs = CF["quasistatic_concurrence"]
phi, k_qs = qs["phi"], qs["kappa"]
rows.append(
    (f"C, κ={k_qs:g}, Φ={phi:g}γ", c_exact(ThermalLink(2 * phi / k_qs, k_qs)), qs["value"], 0.01,
     "Eq. 23 quasistatic, O(√κ) correction")
)
# strong-flux asymptote quoted below Eq. 23: C → 1 − γ/(8Φ) (leading term, log corrections)
rows.append(("1 − Υ(Φ=100)", 1 - ap.upsilon(100.0), ref("strong_flux_asymptote_phi_100", APX), 0.01,
             "below Eq. 23: '1 − γ/(8Φ)' (+ log terms)"))
# weak-flux slope C ≈ 8Φ/γ; the next term is −128Φ², so at Φ = 1e-5 the slope is off by 1.3e-3
rows.append(("(1 − Υ(Φ))/Φ at Φ=1e-5", (1 - ap.upsilon(1e-5)) / 1e-5,
             ref("weak_flux_slope", APX), 0.01, "below Eq. 23: 'C ≃ 8Φ/γ'"))
report(rows);

# %% [markdown]
# Inset of Fig. 3(a): populations at κ/γ = 10⁻³ (singlet S, triplet T, |00⟩, |11⟩). The paper
# uses the small ρ₁₁ to justify its three-level approximation (App. B).

# %%
kappa_in = 1e-3
ns_in = np.logspace(1, 4 if FAST else 5, 4 if FAST else 16)
pops = [steady_state(ThermalLink(n, kappa_in), method="hierarchy").populations for n in ns_in]
print(pops[-1])
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
for key in pops[0]:
    ax.semilogx(ns_in, [p[key] for p in pops], label=key)
ax.axvline(1 / (ref("n_th_star_prefactor", APX) * kappa_in**2), c="k", lw=0.6)  # Eq. 46
ax.set(xlabel="n_th", ylabel="population", title="Fig. 3(a) inset, κ/γ = 1e-3")
ax.legend()
nbtools.savefig(fig, "001_fig3a_inset")

# %% [markdown]
# ## Fig. 3(b): one qubit (γ₂ = 0) driven at fixed flux Φ = 10γ
#
# A coherent drive of the same mean power gives Rabi oscillations at Ω_R = √(γΦ); the thermal
# drive of small bandwidth gives a (nearly) monotonic rise, the average over the exponential
# distribution of |α|². Independent check: for κ → 0 the exact p₁(t) equals the Gauss–Laguerre
# average of coherent Rabi curves (computed with scipy by `data/make_thermal_link_closed_forms.py`,
# stored with the coherent curve in `data/thermal_link_closed_forms_reference.toml`); the field
# drifts by √(2κt) ≤ 8 % over t ≤ 3/γ, which bounds the difference by ~10⁻³ (we accept 2·10⁻³).

# %%
phi_b = ref("fig3b_flux")
assert CF["fig3b_static_p1"]["flux"] == phi_b
every = 4 if FAST else 1  # the data grid has 121 points over 0 ≤ γt ≤ 3; fast mode uses 31
times_b = np.array(ref("fig3b_times", CF))[::every]
static = np.array(ref("fig3b_static_p1", CF))[::every]
coherent = np.array(ref("fig3b_coherent_p1", CF))[::every]
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
curves = {}
for kappa in [1e-3, 1.0, 10.0] if not FAST else [1e-3, 10.0]:
    ev = evolve(ThermalLink(2 * phi_b / kappa, kappa, gamma2=0.0), times_b, method="hierarchy")
    curves[kappa] = ev.population("p1")
    ax.plot(times_b, curves[kappa], label=f"thermal, κ/γ = {kappa:g}")
ax.plot(times_b, coherent, "k--", label="coherent, Ω_R = √(γΦ)")
ax.set(xlabel="γt", ylabel="p₁(t)", title="Fig. 3(b): Φ = 10γ")
ax.legend()
nbtools.savefig(fig, "001_fig3b")


def n_maxima(c):
    return int(np.sum((c[1:-1] > c[:-2]) & (c[1:-1] > c[2:])))


report(
    [
        ("max |p₁ − static average|, κ=1e-3", float(np.max(np.abs(curves[1e-3] - static))), 0.0,
         2e-3, "κ→0 limit (data curve); drift √(2κt) ≤ 8 %"),
        ("coherent drive: Rabi maxima ≥ 2", n_maxima(coherent) >= 2, True, None,
         "Fig. 3(b) dashed line: 'Rabi oscillations'"),
        ("thermal κ=1e-3: ≤ 1 maximum", n_maxima(curves[1e-3]) <= 1, True, None,
         "Sec. III C: 'monotonic increase'"),
        ("κ=10 overshoot", float(np.max(curves[10.0]) - curves[10.0][-1]), ref("fig3b_overshoot"),
         1e-4, "Sec. III C: 'monotonic increase' (Markov)"),
    ]
);

# %% [markdown]
# ## Fig. 3(c): Bourret (Sec. IV A) versus phase-fluctuation model (Sec. IV B, Eq. 38)
#
# Text: Eq. 38 "predicts a steady-state concurrence that increases monotonically with n_th", and
# Eq. 31 "does not exhibit a maximum at finite n_th*". The Bourret route warns (ValidityWarning)
# where γΦ/(γ+κ)² > 0.2 — the strongly driven regime in which the paper says it fails; those
# points are drawn but the warning is silenced narrowly for this cell.

# %%
ns_c = np.logspace(-1, 4, 8 if FAST else 40)
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
rows = []
for i, kappa in enumerate([1e-2, 1e-1] if FAST else [1e-3, 1e-2, 1e-1]):
    cb = np.array([quiet(ap.bourret_concurrence, ThermalLink(n, kappa)).concurrence for n in ns_c])
    cl = np.array(
        [quiet(ap.bourret_concurrence, ThermalLink(n, kappa), order="lowest").concurrence for n in ns_c]
    )
    cp = np.array([quiet(ap.phase_diffusion_concurrence, ThermalLink(n, kappa)).concurrence for n in ns_c])
    ax.semilogx(ns_c, cb, "-", c=f"C{i}", label=f"Bourret κ/γ = {kappa:g}")
    ax.semilogx(ns_c, cp, ":", c=f"C{i}")
    # Eq. 38 "increases monotonically with n_th" (in general): exactly so for κ ≤ 0.01γ; at
    # κ = 0.1γ, the edge of the route's validity, it overshoots its plateau by ~0.3 %
    rows += [
        (f"Eq. 38: drop after its maximum, κ={kappa:g}", float(np.max(cp) - cp[-1]),
         ref("fig3c_eq38_drop_after_maximum"), 1e-9 if kappa <= 1e-2 else 0.01,
         "Sec. IV B: 'increases monotonically'"),
        (f"Eq. 31 no interior maximum, κ={kappa:g}", bool(np.all(np.diff(cl) >= -1e-9)), True, None,
         "Sec. IV A: 'does not exhibit a maximum'"),
    ]
ax.set(xlabel="n_th", ylabel="C", ylim=(0, 1), title="Fig. 3(c): Bourret (—), Eq. 38 (···)")
ax.legend()
nbtools.savefig(fig, "001_fig3c")
report(rows);

# %% [markdown]
# ## Fig. 4(a,b): C(t) from |00⟩ — on which time scale does the entanglement form?
#
# Sec. V A: "the maximum of the concurrence is already reached at a time ~ γ⁻¹ … γ⁻¹, and not
# κ⁻¹, is the relevant timescale". We recompute C(t) at n_th = 1220, κ = 10⁻³γ and measure when
# it reaches 50 % and 90 % of its steady value.

# %%
model_sc = ThermalLink(ref("sc_n_th"), ref("sc_kappa_over_gamma"))
c_ss = c_exact(model_sc)
t_end = 100.0
times = np.linspace(0.0, t_end, 51 if FAST else 401)
ev_sc = evolve(model_sc, times, method="hierarchy")
shortfall = 1.0 - ev_sc.concurrence / c_ss
t50 = crossing_time(times, shortfall, 0.5)
t90 = crossing_time(times, shortfall, 0.1)
overshoot = float(np.max(ev_sc.concurrence) - c_ss)
print(f"C_ss = {c_ss:.4f} at n_th = {model_sc.n_th:g}, κ/γ = {model_sc.kappa:g}")
print(f"C(t) reaches 50 % of C_ss at γt = {t50:.1f} and 90 % at γt = {t90:.1f}")
print(f"largest C(t) − C_ss on [0, {t_end:g}/γ]: {overshoot:+.2e} (no maximum before the plateau)")
print(f"1/κ = {1 / model_sc.kappa:g}/γ: the build-up takes ~{t90 * model_sc.kappa:.2f}/κ")

# %% [markdown]
# **What C(t) does.** From |00⟩ the concurrence rises without overshoot and without a maximum at
# γt ~ 1: it reaches half of its steady value after γt ≈ 17 and 90 % after γt ≈ 50 (numbers printed
# above; coarser in fast mode), i.e. after tens of 1/γ — but still 20× faster than the filter's
# memory time 1/κ = 1000/γ. The paper's qualitative point (γ⁻¹, not κ⁻¹, sets the coherence
# requirement) holds; its wording "maximum … at a time ~ γ⁻¹" should be read as "the order of
# magnitude set by γ, tens of γ⁻¹". (The text gives no number, so this is shown, not scored.)

# %%
fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
ax_a.plot(times, ev_sc.concurrence, label=f"n_th = {model_sc.n_th:g}")
for n in [] if FAST else [10.0, 100.0]:
    ax_a.plot(times, evolve(ThermalLink(n, model_sc.kappa), times, method="hierarchy").concurrence,
              label=f"n_th = {n:g}")
ax_a.axvline(t50, c="gray", ls=":", label=f"50 % of C_ss (n_th = {model_sc.n_th:g})")
ax_a.axvline(t90, c="gray", ls="--", label="90 % of C_ss")
ax_a.set(xlabel="time γt (units of 1/γ)", ylabel="concurrence C(t)", title="Fig. 4(a)")
ax_a.legend(fontsize=7)

g2pi = ref("sc_gamma_over_2pi_hz")


def gamma_phi(t_phi_s):
    """γ_φ/γ for (γ_φ/2)D[σ_z], γ_φ = 1/T_φ (Sec. V A)."""
    return 1.0 / (t_phi_s * 2 * math.pi * g2pi)


t_phis = [1e-5] if FAST else [1e-4, 2e-5, 1e-5]
ax_b.plot(times, ev_sc.concurrence, "k", label="T_φ = ∞")
noisy = {}
for t_phi in t_phis:
    noisy[t_phi] = evolve(
        ThermalLink(model_sc.n_th, model_sc.kappa, gamma_phi=gamma_phi(t_phi)), times,
        method="hierarchy",
    ).concurrence
    ax_b.plot(times, noisy[t_phi], label=f"T_φ = {t_phi * 1e6:g} µs")
ax_b.set(xlabel="γt", ylabel="C(t)", title="Fig. 4(b): n_th = 1220")
ax_b.legend()
nbtools.savefig(fig, "001_fig4ab")

formed = ev_sc.concurrence > 0.05
rows = [
    (f"t₉₀ ≪ 1/κ (t₉₀·κ < {ref('fig4a_t90_kappa_max'):g})",
     bool(t90 * model_sc.kappa < ref("fig4a_t90_kappa_max")), True, None,
     "Sec. V A: 'γ⁻¹, and not κ⁻¹'"),
    ("C(t) ≤ C_ss (no overshoot)", overshoot <= ref("fig4a_overshoot_max"), True, None,
     "observed; Sec. V A wording, see text"),
    ("T_φ=10 µs below ideal once formed", bool(np.all(noisy[1e-5][formed] < ev_sc.concurrence[formed])),
     True, None, "Fig. 4(b): C(t) for different T_φ"),
]
report(rows);

# %% [markdown]
# ## Fig. 4(c,d): γ₂ ≠ γ₁, common detuning δ_s, waveguide loss p_loss (n_th = 1220)
#
# Text: imperfections reduce C; "a purely asymmetric detuning … has no significant effect"
# (we score it as: the change from δ_a = 0.2γ is < 20 % of that from δ_s = 0.2γ); "losses of
# several percent are still acceptable to retain a substantial amount of entanglement" (scored as
# C > 0.2 at 5 % loss; both readings are entries of `data/thermal_link_reference.toml`). The
# three-level Eq. 45 at these parameters is shown next to the exact C (from the data script).

# %%
def sc(**kw):
    return ThermalLink(model_sc.n_th, model_sc.kappa, **kw)


g2s = np.linspace(0.5, 1.5, 3 if FAST else 21)
dss = np.linspace(0.0, 0.5, 3 if FAST else 21)
ps = np.linspace(0.0, 0.2, 3 if FAST else 21)
kappas_d = [1e-3] if FAST else [1e-3, 3e-3, 1e-2]
c_g2 = [c_exact(sc(gamma2=g)) for g in g2s]
c_ds = [c_exact(sc(delta1=d, delta2=d)) for d in dss]
c_p = {k: [c_exact(ThermalLink(model_sc.n_th, k, p_loss=p)) for p in ps] for k in kappas_d}

fig, (ax_c, ax_d) = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
ax_c.plot(g2s, c_g2, "o-", label="γ₂/γ₁ (δ_s = 0)")
ax_c.plot(1 + dss, c_ds, "s-", label="1 + δ_s/γ (γ₂ = γ₁)")
ax_c.set(xlabel="γ₂/γ₁  or  1 + δ_s/γ", ylabel="C(ρ_q^ss)", title="Fig. 4(c): n_th = 1220")
ax_c.legend()
for k, cs in c_p.items():
    ax_d.plot(ps, cs, "o-", label=f"κ/γ = {k:g}")
ax_d.set(xlabel="p_loss", ylabel="C(ρ_q^ss)", title="Fig. 4(d): n_th = 1220")
ax_d.legend()
nbtools.savefig(fig, "001_fig4cd")

c0 = c_ss
c_da = c_exact(sc(delta1=0.2, delta2=-0.2))
c_ds2 = c_exact(sc(delta1=0.2, delta2=0.2))
p_l, c_l_min = ref("fig4d_loss_probability"), ref("fig4d_loss_concurrence_min")
c_l5 = c_exact(sc(p_loss=p_l))
eq45 = CF["eq45_concurrence_sc"]
assert (eq45["n_th"], eq45["kappa"]) == (model_sc.n_th, model_sc.kappa)
report(
    [
        ("C ideal (exact) vs Eq. 45 three-level", c0, eq45["value"], None,
         "Eq. 45 (shown, not scored)"),
        ("Eq. 45 (module) vs closed form", quiet(ap.analytic_concurrence, model_sc).concurrence,
         eq45["value"], 1e-9, "Eq. 45 closed form (data script)"),
        ("γ₂=0.9: 0 < C < C_ideal", bool(0 < c_exact(sc(gamma2=0.9)) < c0), True, None,
         "Fig. 4(c); Sec. V A: 'remains robust'"),
        ("γ₂=1.1: 0 < C < C_ideal", bool(0 < c_exact(sc(gamma2=1.1)) < c0), True, None,
         "Fig. 4(c); Sec. V A: 'remains robust'"),
        ("|ΔC(δ_a)| / |ΔC(δ_s)| at 0.2γ", abs(c0 - c_da) / abs(c0 - c_ds2),
         ref("fig4c_asymmetric_detuning_effect"), 0.2, "Sec. V A: δ_a 'no significant effect'"),
        (f"C at p_loss = {p_l:.0%} > {c_l_min:g}", c_l5 > c_l_min, True, None,
         "Sec. V A: 'several percent … acceptable'"),
        ("C falls with p_loss", bool(np.all(np.diff(c_p[kappas_d[0]]) <= 1e-9)), True, None,
         "Fig. 4(d): 'effect of waveguide losses'"),
    ]
);

# %% [markdown]
# ## Fig. 6: bidirectional phononic network (Sec. V B), δ_a = γ/2
#
# (a) C versus n_th with the qubits at the nodes k₀z = 2π, 4π, continued fraction without
# backaction (solid) against the exact Fock simulation of Eq. 49 with backaction (dashed; paper:
# perfect agreement; we accept 0.01). At the nodes the qubits see half the chiral drive, so the
# chiral dark state of Eq. 19 appears at flux Φ/4 with δ_a = γ/2 (the module's documented reading
# of Eq. 50, which is off by a factor 2) — checked in the static limit.
# (b) C over the positions at n_th = 2000, κ = 0.01γ: entanglement only in narrow windows around
# the points where both k₀z₁ and k₀z₂ are multiples of π, elongated along the diagonal (fixed
# z₂ − z₁).
#
# Observation (not in the paper): at κ = 0.1γ the exact Fock curve with backaction lies up to
# ~0.02 below the continued fraction around n_th ~ 30–100; at κ ≤ 0.01γ they coincide.

# %%
da = ref("fig6_delta_a")


def bidi(n, k, positions=None, **kw):
    return ThermalLink(n, k, delta1=da, delta2=-da, geometry="bidirectional", positions=positions, **kw)


ns6 = np.logspace(0, 4, 5 if FAST else 30)
fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
for i, k in enumerate([1e-2] if FAST else [1e-3, 1e-2, 1e-1]):
    ax_a.semilogx(ns6, [c_exact(bidi(n, k)) for n in ns6], c=f"C{i}", label=f"κ/γ = {k:g}")
    nf = ns6[ns6 <= (20 if FAST else 200)]
    ax_a.semilogx(nf, [float(concurrence(bidi(n, k), method="fock")) for n in nf], "k--", lw=0.8)
ax_a.set(xlabel="n_th", ylabel="C", title="Fig. 6(a): nodes 2π, 4π")
ax_a.legend()

npos = 5 if FAST else 41
z1s = np.linspace(0, 2 * math.pi, npos)
z2s = np.linspace(2 * math.pi, 4 * math.pi, npos)
n6b, k6b = ref("fig6b_n_th"), ref("fig6b_kappa")
pos_map = np.array([[c_exact(bidi(n6b, k6b, (z1, z2))) for z1 in z1s] for z2 in z2s])
im = ax_b.pcolormesh(z1s / math.pi, z2s / math.pi, pos_map, shading="nearest")
fig.colorbar(im, ax=ax_b, label="C")
ax_b.set(xlabel="k₀z₁/π", ylabel="k₀z₂/π", title="Fig. 6(b): n_th = 2000, κ = 0.01γ")
nbtools.savefig(fig, "001_fig6")

pi = math.pi
on = [c_exact(bidi(n6b, k6b, p)) for p in [(2 * pi, 4 * pi), (pi, 2 * pi), (pi, 3 * pi)]]
off = [c_exact(bidi(n6b, k6b, p)) for p in [(pi / 2, 2 * pi), (2 * pi, 2.5 * pi), (2 * pi + 0.3, 4 * pi)]]
m_ba = bidi(50.0, 0.02)
st6 = CF["fig6_static_concurrence"]
phi6, k6 = st6["phi"], st6["kappa"]
c_on, c_off = ref("fig6b_on_node_concurrence_min"), ref("fig6b_off_node_concurrence_max")
report(
    [
        ("Fock (backaction) − MCF, n_th=50, κ=0.02",
         float(concurrence(m_ba, method="fock")) - c_exact(m_ba), ref("fig6a_backaction_deviation"),
         0.01, "Fig. 6(a): 'perfect agreement'"),
        (f"static limit δ_a=γ/2, Φ={phi6:g}", c_exact(bidi(2 * phi6 / k6, k6)), st6["value"],
         0.01, "Eq. 19/23 at Φ/4 (Eq. 50 factor 2)"),
        ("min C on nodes (multiples of π)", min(on), c_on, None, "Fig. 6(b), shown"),
        (f"on-node C > {c_on:g}", min(on) > c_on, True, None,
         "Fig. 6(b): 'high value … multiples of π'"),
        (f"off-node C < {c_off:g}", max(off) < c_off, True, None,
         "Fig. 6(b): 'constrained regions'"),
    ]
);

# %% [markdown]
# ### Sec. V B 3: SiV estimates
#
# The paper gives no κ; with its "realistic" Q ≳ 10⁶, 2κ = ω_c/Q. The 50 GHz orbital estimate
# ("about 0.2") is reproduced with the dephasing term γ_φD[σ_z] (coherences decaying at 2/T_φ);
# with the toolkit convention (γ_φ/2)D[σ_z] of Sec. V A the same numbers give a larger C (shown,
# not scored). The 3 GHz spin estimate (0.62) uses the Sec. V A convention.

# %%
def siv(case, factor):
    g = ref(f"{case}_gamma_over_2pi_hz")
    kappa = ref(f"{case}_frequency_hz") / (2 * ref("siv_quality_factor")) / g
    gphi = factor / (ref(f"{case}_t_phi_s") * 2 * math.pi * g)
    return bidi(ref(f"{case}_n_th"), kappa, gamma_phi=gphi)


report(
    [
        ("SiV 50 GHz, γ_φ D[σ_z]", c_exact(siv("siv1", 2.0)), ref("siv1_concurrence"), 0.05,
         "'about 0.2' (1 digit)"),
        ("SiV 50 GHz, (γ_φ/2) D[σ_z]", c_exact(siv("siv1", 1.0)), ref("siv1_concurrence"), None,
         "toolkit convention, shown"),
        ("SiV 3 GHz spin", c_exact(siv("siv2", 1.0)), ref("siv2_concurrence"), 0.005,
         "'around 0.62' (2 digits)"),
    ]
);

# %% [markdown]
# ## All comparisons of this notebook

# %%
summary = nbtools.show(nbtools.agreement(ALL_ROWS))
