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
# # Paper 003 — entanglement from cooperative dissipation, and the quantum clockwork
#
# Yang, Wang, Li, Hu, You (2021), *Entanglement emerges from dissipation-structured quantum
# self-organization* (README, "The papers"), with
# `qnet_design.schemes.cooperative`. Qubits decay together through o⁻ = Σσᵢ⁻ at rate κ (paper's
# dissipator L[o] = 2D[o]); ω = 1, κ/ω = 0.001 in Figs. 2–4, times ωt. Fidelity
# F = ⟨Ψ₋|ρ|Ψ₋⟩ (the paper's quoted F = 0.5 for |10⟩ fixes this reading, see the data file).
#
# References, all read from `data/`: `data/cooperative_reference.toml` (the paper's quoted numbers,
# its claims with the sentence they come from, and values derived by hand) and the closed forms
# of Eq. 3 on this notebook's time grids, `data/cooperative_closed_forms_reference.toml` (written
# by `data/make_cooperative_closed_forms.py` with numpy/scipy only): |Ψ₊⟩ decays at 4κ, |Ψ₋⟩ not
# at all, |11⟩ → |Ψ₊⟩ at 4κ, so from |10⟩ E = ½ + ½e^{−4κt}, from |11⟩ E = (2 + 4κt)e^{−4κt}, from
# |Ψ₊⟩ E = e^{−4κt}. Exact propagation is compared with these to 1e-9 (double precision); rows
# "max |x − …|" compare a curve with a data curve, so their reference is a deviation of 0. The data
# curves are on the fast-mode grids, which the full-mode grids contain. `QNET_FAST=1` uses fewer
# time points.

# %%
from dataclasses import replace

import matplotlib.pyplot as plt
import nbtools
import numpy as np
from qnet_design.schemes.cooperative import (
    Clockwork,
    CooperativeArray,
    bell_state,
    clockwork_evolve,
    clockwork_steady_state,
    dark_states,
    evolve,
    final_state,
    product_state,
)

FAST = nbtools.FAST
REF = nbtools.reference("cooperative_reference")
CF = nbtools.reference("cooperative_closed_forms_reference")  # data/make_cooperative_closed_forms.py
KAPPA = REF["fig2_kappa_over_omega"]["value"]
ALL_ROWS: list[tuple] = []
PSI_M, PSI_P = bell_state(-1), bell_state(+1)
STATES = {"|10⟩": "10", "|11⟩": "11", "|Ψ₊⟩": PSI_P, "|Ψ₋⟩": PSI_M}


def ref(key, table=REF):
    return table[key]["value"]


def on_grid(times, key):
    """Indices of the data grid ``CF[key]`` in ``times`` (the notebook's grid contains it)."""
    t_ref = np.array(ref(key, CF))
    idx = np.abs(np.subtract.outer(times, t_ref)).argmin(axis=0)
    assert np.allclose(times[idx], t_ref, rtol=0, atol=1e-9 * t_ref[-1]), key
    return idx


def report(rows):
    ALL_ROWS.extend(rows)
    return nbtools.show(nbtools.agreement(rows))


def traces(model, t, states=STATES, target=PSI_M):
    return {name: evolve(model, s, t) for name, s in states.items()}, target


def plot_traces(res, t, target, title, name):
    fig, (ax_e, ax_f) = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
    for label, r in res.items():
        ax_e.plot(t, r.energy, label=label)
        ax_f.plot(t, r.fidelity(target), label=label)
    ax_e.set(xlabel="ωt", ylabel="E / ħω", title=f"{title} (energy)")
    ax_f.set(xlabel="ωt", ylabel="F", title=f"{title} (fidelity)")
    ax_e.legend()
    nbtools.savefig(fig, name)


# %% [markdown]
# ## Fig. 2: two identical qubits, no imperfections

# %%
model2 = CooperativeArray(2, kappa=KAPPA, omega=1.0)
t2 = np.linspace(0.0, 5000.0, 26 if FAST else 501)
res2, _ = traces(model2, t2)
plot_traces(res2, t2, PSI_M, "Fig. 2", "003_fig2")

i2 = on_grid(t2, "fig2_times")
closed_e = {name: np.array(ref(f"fig2_energy_{key}", CF)) for name, key in
            (("|10⟩", "10"), ("|11⟩", "11"), ("|Ψ₊⟩", "psi_plus"), ("|Ψ₋⟩", "psi_minus"))}
closed_f = {"|10⟩": ref("two_qubit_10_fidelity"), "|11⟩": ref("two_qubit_11_and_psi_plus_fidelity"),
            "|Ψ₊⟩": ref("two_qubit_11_and_psi_plus_fidelity"), "|Ψ₋⟩": ref("two_qubit_psi_minus_fidelity")}
rows = []
for name, r in res2.items():
    rows.append((f"max |E − Eq. 3 form|, {name}", float(np.max(np.abs(r.energy[i2] - closed_e[name]))),
                 0.0, 1e-9, "Eq. 3 closed form (data script)"))
    rows.append((f"max |F − quoted|, {name}", float(np.max(np.abs(r.fidelity(PSI_M) - closed_f[name]))),
                 0.0, 1e-9, "text: F 'always 0.5 and 1', 'always zero'"))
fs2 = final_state(model2, "10")
rows += [
    ("E(∞) from |10⟩", fs2.energy, ref("two_qubit_10_final_energy"), 1e-12, "text: 'half of the energy'"),
    ("weight of |Ψ₋⟩ in ρ₂(∞)", fs2.dark_weight, ref("two_qubit_final_dark_weight"), 1e-12,
     "text: ρ₂(∞) = (|Ψ₋⟩⟨Ψ₋| + |00⟩⟨00|)/2"),
    ("C(ρ₂(∞))", fs2.concurrence(0, 1), ref("two_qubit_final_concurrence"), 1e-7,
     "by hand from ρ₂(∞); sqrt of round-off"),
]
report(rows);

# %% [markdown]
# ## Fig. 3(a,b): non-cooperative decay α/κ = 0.05 — a metastable entangled state
#
# The dark state decays as e^{−2αt}; from |10⟩, F = ½e^{−2αt} and E = ½e^{−2αt} + ½e^{−(4κ+2α)t}.

# %%
alpha = ref("fig3ab_alpha_over_kappa") * KAPPA
model3a = CooperativeArray(2, kappa=KAPPA, alpha=alpha)
t3a = np.linspace(0.0, 40000.0, 21 if FAST else 401)
res3a, _ = traces(model3a, t3a)
plot_traces(res3a, t3a, PSI_M, "Fig. 3(a,b)", "003_fig3ab")
i3a = on_grid(t3a, "fig3ab_times")
c10 = res3a["|10⟩"].concurrence(0, 1)
c_meta = ref("fig3ab_metastable_concurrence_min")
report(
    [
        ("max |F − ½e^{−2αt}|, |10⟩",
         float(np.max(np.abs(res3a["|10⟩"].fidelity(PSI_M)[i3a] - ref("fig3ab_fidelity_10", CF)))),
         0.0, 1e-9, "Eq. 3 with α (data script)"),
        ("max |E − closed form|, |10⟩",
         float(np.max(np.abs(res3a["|10⟩"].energy[i3a] - ref("fig3ab_energy_10", CF)))), 0.0, 1e-9,
         "Eq. 3 with α (data script)"),
        ("max |E − e^{−2αt}|, |Ψ₋⟩",
         float(np.max(np.abs(res3a["|Ψ₋⟩"].energy[i3a] - ref("fig3ab_energy_psi_minus", CF)))), 0.0,
         1e-9, "text: 'smooth exponential decay'"),
        ("E(∞) from |10⟩ with α", final_state(model3a, "10").energy, ref("fig3ab_final_energy"), 1e-12,
         "text: 'decays … to the ground state'"),
        # metastable entangled state: C ≈ F ≈ ½e^{−2αt} at intermediate times, well above 0.3
        (f"max C(t) from |10⟩ > {c_meta:g}", float(np.max(c10)) > c_meta, True, None,
         "text: 'metastable state (… entangled …)'"),
    ]
);

# %% [markdown]
# ## Fig. 3(c,d): detuning δ/ω = 0.1 of one qubit, α = 0
#
# Reference: the single-excitation amplitudes obey i ċ = K c with K = diag(0, δ) − iκ[[1,1],[1,1]]
# (a 2×2 matrix exponential, independent of the toolkit's solver, evaluated by
# `data/make_cooperative_closed_forms.py`).

# %%
delta = ref("fig3cd_delta_over_omega")
model3c = CooperativeArray(2, kappa=KAPPA, detunings=(0.0, delta), omega=1.0)
t3c = np.linspace(0.0, 3000.0, 61 if FAST else 601)
res3c, _ = traces(model3c, t3c)
plot_traces(res3c, t3c, PSI_M, "Fig. 3(c,d)", "003_fig3cd")
i3c = on_grid(t3c, "fig3cd_times")
rows = []
for name, key in (("|10⟩", "10"), ("|Ψ₋⟩", "psi_minus")):
    fid, energy = ref(f"fig3cd_fidelity_{key}", CF), ref(f"fig3cd_energy_{key}", CF)
    rows += [
        (f"max |F − 2×2 expm|, {name}", float(np.max(np.abs(res3c[name].fidelity(PSI_M)[i3c] - fid))),
         0.0, 1e-9, "Eq. 1 single-excitation sector (data script)"),
        (f"max |E − 2×2 expm|, {name}", float(np.max(np.abs(res3c[name].energy[i3c] - energy))), 0.0,
         1e-9, "Eq. 1 single-excitation sector (data script)"),
    ]
for init in ("10", "01", "11"):
    rows.append((f"E(∞) from |{init}⟩ with δ", final_state(model3c, init).energy,
                 ref("fig3cd_final_energy"), 1e-12, "text: 'eventually be exhausted'"))
report(rows);

# %% [markdown]
# ## Fig. 3(e): the quantum clockwork — a qubit and a pumped four-level qudit
#
# The supplement defining the model is not available; the module reconstructs it (assumptions
# A1–A8 in `qnet_design.schemes.cooperative.clockwork`: pump ε on |0⟩↔|3⟩, γ on 3→2, β on 1→0,
# defaults α/κ = 0.05, δ/κ = 0.1 as the paper gives none for 3e). E_N in nats (the paper's log₂
# value is printed too). The paper's claim: steady-state entanglement survives α and δ.

# %%
cw = Clockwork(
    kappa=ref("fig3e_kappa"), gamma=ref("fig3e_gamma_over_kappa"),
    beta=ref("fig3e_beta_over_kappa"), epsilon=ref("fig3e_epsilon_over_kappa"),
)
t3e = np.linspace(0.0, 80.0, 81 if FAST else 801)
ev_cw = clockwork_evolve(cw, t3e)
ss_cw = clockwork_steady_state(cw)
print(ss_cw)
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
ax.plot(t3e, ev_cw.log_negativity / np.log(2), label="E_N (log₂, paper's unit)")
ax.axhline(ss_cw.log_negativity_log2, c="k", ls="--", lw=0.8, label="steady state")
ax.set(xlabel="κt", ylabel="E_N", title="Fig. 3(e): clockwork")
ax.legend()
nbtools.savefig(fig, "003_fig3e")
e_min = ref("fig3e_log_negativity_min")
report(
    [
        (f"steady E_N > {e_min:g} despite α, δ", ss_cw.log_negativity > e_min, True, None,
         "Fig. 3(e) text: 'steady-state entanglement'"),
        ("E_N(κt = 80) − steady E_N", float(ev_cw.log_negativity[-1]) - ss_cw.log_negativity,
         ref("fig3e_relaxation_deviation"), 1e-4, "Fig. 3(e): relaxation to the steady state"),
        ("E_N(0) from |g,0⟩", float(ev_cw.log_negativity[0]), ref("fig3e_initial_log_negativity"), 1e-12,
         "product initial state (A8)"),
        ("E_N without pump (ε = 0)",
         clockwork_steady_state(replace(cw, epsilon=0.0)).log_negativity,
         ref("fig3e_no_pump_log_negativity"), 1e-12, "text: clockwork = 'uninterrupted pump'"),
    ]
);

# %% [markdown]
# ## Fig. 4: three qubits from |100⟩ and |011⟩ — the W-like dark state |Ψ₂⟩ = (2|100⟩ − |010⟩ − |001⟩)/√6

# %%
k3 = {b: product_state(b) for b in ("100", "010", "001")}
psi2 = (2 * k3["100"] - k3["010"] - k3["001"]).unit()
model4 = CooperativeArray(3, kappa=KAPPA, omega=1.0)
t4 = np.linspace(0.0, 8000.0, 17 if FAST else 401)
res4, _ = traces(model4, t4, states={"|100⟩": "100", "|011⟩": "011"}, target=psi2)
plot_traces(res4, t4, psi2, "Fig. 4", "003_fig4")
fs4 = final_state(model4, "100")
w = ref("three_qubit_final_psi2_weight")
rows = [
    ("max |F − 2/3|, |100⟩", float(np.max(np.abs(res4["|100⟩"].fidelity(psi2) - w))), 0.0, 1e-9,
     "text: 'fidelity is invariable'"),
    ("F(0), |011⟩", float(res4["|011⟩"].fidelity(psi2)[0]), ref("three_qubit_011_initial_fidelity"),
     1e-12, "text: 'At ωt = 0, the fidelity … is zero'"),
    # slowest bright rate 2κ: e^{−2κ·8000} = e^{−16} ≈ 1e-7, so 1e-6
    ("F(ωt = 8000), |011⟩", float(res4["|011⟩"].fidelity(psi2)[-1]), w, 1e-6, "'same value as |100⟩'"),
    ("E(∞) from |100⟩", fs4.energy, ref("three_qubit_final_energy"), 1e-12, "text: ≈ 0.67 ħω (= 2/3)"),
    ("E(ωt = 8000) from |011⟩", float(res4["|011⟩"].energy[-1]), ref("three_qubit_final_energy"), 1e-6,
     "Fig. 4(a) text: 'finally evolves to ρ₃(∞)'"),
    ("C₀₁ of ρ₃(∞)", fs4.concurrence(0, 1), ref("three_qubit_final_concurrence_01"), 1e-7,
     "by hand from ρ₃(∞): amplitudes (2,−1,−1)/3"),
    ("C₁₂ of ρ₃(∞)", fs4.concurrence(1, 2), ref("three_qubit_final_concurrence_12"), 1e-7,
     "by hand from ρ₃(∞): amplitudes (2,−1,−1)/3"),
]
# N qubits from |10…0⟩: dark weight (N−1)/N (data file, derived by hand)
dw = REF["n_qubit_dark_weight_values"]
for n, weight in list(zip(dw["n"], dw["value"], strict=True))[: 3 if FAST else None]:
    fsn = final_state(CooperativeArray(n, kappa=1.0), "1" + "0" * (n - 1))
    rows.append((f"dark weight, N = {n}", fsn.dark_weight, weight, 1e-12,
                 "by hand from the last section: (N − 1)/N"))
report(rows);
print("excited dark states of 3 identical qubits:", len(dark_states(model4).kets))

# %% [markdown]
# ## All comparisons of this notebook

# %%
summary = nbtools.show(nbtools.agreement(ALL_ROWS))
