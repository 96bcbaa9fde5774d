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
# # Quickstart: from a device file to a budget, a comparison and a plot
#
# A *setup* file (devices/setups/*.toml) names the devices of a link (qubits, source, channel)
# and the layout; `qd.budget` translates it into the dimensionless model of its scheme and
# returns the figures of merit, an error budget (imperfections switched on one at a time) and
# the provenance of every number. Set `QNET_FAST=1` for the quick run the tests use.

# %%
import matplotlib.pyplot as plt
import nbtools
import qnet_design as qd
from qnet_design.plotting import plot_error_budget

FAST = nbtools.FAST
link = nbtools.setup("thermal_link_transmon")  # paper 001 Sec. V A: 293 K resistor, 5 m link
print(link.read_text().split('notes = """')[1].split('"""')[0])

# %% [markdown]
# ## 1. Load and translate: what the model sees (unitless, rates in units of γ)

# %%
spec = qd.load_setup(link)
translation = qd.translate(spec)
print(translation.to_frame().to_string())
print("model:", dict(translation.model_kwargs))

# %% [markdown]
# ## 2. The budget: headline figures, error budget, warnings

# %%
b = qd.budget(spec)
print(b)

# %%
print(b.to_frame().to_string())

# %% [markdown]
# The error budget as a table and as a waterfall: which imperfection costs how much.

# %%
print(b.error_frame().to_string())
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
plot_error_budget(b, ax=ax)
nbtools.savefig(fig, "00_error_budget")

# %% [markdown]
# ## 3. Compare catalog setups (headline figures only)

# %%
catalog = ["thermal_link_transmon", "thermal_link_transmon_30m", "cooperative_transmon_trio"]
if not FAST:
    catalog += ["thermal_link_siv_orbital", "siv_spin_thermal_link"]
table = qd.compare([nbtools.setup(name) for name in catalog])
print(table.to_string())

# %% [markdown]
# ## 4. What would it take? `qd.require` finds the least change of one parameter
#
# The link loses 5 % of the photons (0.2 dB circulator insertion loss assumed + 0.025 dB of
# cable). How low must the insertion loss be for C ≥ 0.28?

# %%
req = qd.require(spec, "concurrence>=0.28", "channel.insertion_loss")
print(req)

# %% [markdown]
# ## 5. A sweep over the same parameter (values carry their units)

# %%
points = 3 if FAST else 9
df = qd.sweep(spec, [f"channel.insertion_loss=0 dB:0.6 dB:{points}"], store=False, progress=False)
fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
ax.plot(df["channel.insertion_loss [dB]"], df["concurrence"], "o-")
ax.axhline(0.28, ls="--", c="gray", label="target C = 0.28")
ax.axvline(req.required, ls=":", c="C3", label="qd.require")
ax.set(xlabel="circulator insertion loss (dB)", ylabel="steady-state concurrence C")
ax.legend()
nbtools.savefig(fig, "00_sweep_insertion_loss")
print(df.to_string(index=False))

# %% [markdown]
# ## 6. The budget figure in one call (profile + waterfall), written to a file

# %%
if not FAST:
    nbtools.FIGURES.mkdir(exist_ok=True)
    print(qd.plotting.plot_budget(b, nbtools.FIGURES / "00_budget.png"))
