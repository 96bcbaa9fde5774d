"""Evaluate paper 003's closed forms on the time grids of notebook 03.

    python data/make_cooperative_closed_forms.py            # rewrites the committed file
    python data/make_cooperative_closed_forms.py OUT.toml   # writes elsewhere (the test does)

Writes ``data/cooperative_closed_forms_reference.toml``. Paper 003: Yang, Wang, Li, Hu, You (2021),
README, section The papers. ω = 1, times ωt, energies in ħω, parameters read from
data/cooperative_reference.toml. numpy/scipy only (does NOT import qnet_design), so the
reference is independent of the code it checks.

Paper 003's dissipator is L[o]ρ = 2oρo† − {o†o, ρ} = 2D[o] with o = σ₁⁻ + σ₂⁻, so Eq. 3 gives
(amplitude decay rates) |Ψ₊⟩: 2κ, |Ψ₋⟩: 0, |11⟩: 2κ — population rates 4κ, 0, 4κ, and |11⟩
decays into |Ψ₊⟩ only (o|11⟩ = √2|Ψ₊⟩). Hence, with E = ħω × (number of excitations):

* Fig. 2 (α = δ = 0): from |10⟩ = (|Ψ₊⟩ + |Ψ₋⟩)/√2, E = ½ + ½e^{−4κt}; from |Ψ₊⟩, E = e^{−4κt};
  from |Ψ₋⟩, E = 1; from |11⟩, p₁₁ = e^{−4κt}, p_Ψ₊ = 4κt e^{−4κt}, E = (2 + 4κt)e^{−4κt}.
* Fig. 3(a,b) (non-cooperative αL[σⱼ⁻] = 2αD[σⱼ⁻], δ = 0): every excitation also decays at 2α,
  so from |10⟩ F = ⟨Ψ₋|ρ|Ψ₋⟩ = ½e^{−2αt}, E = ½e^{−2αt} + ½e^{−(4κ+2α)t}; from |Ψ₋⟩,
  E = e^{−2αt}.
* Fig. 3(c,d) (α = 0, qubit 2 detuned by δ): in the one-excitation sector the amplitudes obey
  i ċ = K c with K = diag(0, δ) − iκ[[1, 1], [1, 1]] (Eq. 1 in the frame rotating at ω; the
  jump only feeds |00⟩), so c(t) = expm(−iKt) c(0), F = |⟨Ψ₋|c⟩|², E = |c₁|² + (1 + δ)|c₂|².
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import numpy as np
from scipy.linalg import expm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the shared writer data/_toml_out.py sits next to this script
import _toml_out  # noqa: E402

OUTPUT = HERE / "cooperative_closed_forms_reference.toml"
PAPER = "paper 003"

# notebook 03's fast-mode grids (its full-mode grids contain these points)
FIG2_TIMES = np.linspace(0.0, 5000.0, 26)
FIG3AB_TIMES = np.linspace(0.0, 40000.0, 21)
FIG3CD_TIMES = np.linspace(0.0, 3000.0, 61)


def _params() -> dict[str, float]:
    with (HERE / "cooperative_reference.toml").open("rb") as fh:
        ref = tomllib.load(fh)
    kappa = ref["fig2_kappa_over_omega"]["value"]
    return {
        "kappa": kappa,
        "alpha": ref["fig3ab_alpha_over_kappa"]["value"] * kappa,
        "delta": ref["fig3cd_delta_over_omega"]["value"],
    }


def _entry(value: np.ndarray, source: str, note: str) -> dict[str, object]:
    return {"value": [float(x) for x in value], "source": source, "note": note}


def entries() -> dict[str, dict[str, object]]:
    """All entries of the output file, in order."""
    p = _params()
    kappa, alpha, delta = p["kappa"], p["alpha"], p["delta"]
    out: dict[str, dict[str, object]] = {}

    t = FIG2_TIMES
    d4 = np.exp(-4 * kappa * t)
    fig2 = f"{PAPER}, Eq. 3 and Fig. 2(a) (omega = 1, kappa/omega = 0.001)"
    out["fig2_times"] = _entry(t, f"{PAPER}, Fig. 2", "omega t, 26 points (notebook fast grid)")
    out["fig2_energy_10"] = _entry(0.5 + 0.5 * d4, fig2, "E = 1/2 + 1/2 exp(-4 kappa t) from |10>")
    out["fig2_energy_11"] = _entry(
        (2 + 4 * kappa * t) * d4, fig2, "E = (2 + 4 kappa t) exp(-4 kappa t) from |11> (via |Psi+>)"
    )
    out["fig2_energy_psi_plus"] = _entry(d4, fig2, "E = exp(-4 kappa t) from |Psi+> (superradiant)")
    out["fig2_energy_psi_minus"] = _entry(
        np.ones_like(t), fig2, "E = 1 from |Psi-> (dark: 'will never dissipate')"
    )

    t = FIG3AB_TIMES
    slow, fast = np.exp(-2 * alpha * t), np.exp(-(4 * kappa + 2 * alpha) * t)
    fig3ab = f"{PAPER}, Eq. 3 with alpha L[sigma_j^-], Fig. 3(a,b) (alpha/kappa = 0.05, delta = 0)"
    out["fig3ab_times"] = _entry(
        t, f"{PAPER}, Fig. 3(a,b)", "omega t, 21 points (notebook fast grid)"
    )
    out["fig3ab_fidelity_10"] = _entry(0.5 * slow, fig3ab, "F = 1/2 exp(-2 alpha t) from |10>")
    out["fig3ab_energy_10"] = _entry(
        0.5 * slow + 0.5 * fast, fig3ab, "E = 1/2 exp(-2 alpha t) + 1/2 exp(-(4 kappa + 2 alpha) t)"
    )
    out["fig3ab_energy_psi_minus"] = _entry(
        slow, fig3ab, "E = exp(-2 alpha t) from |Psi->: 'smooth exponential decay'"
    )

    t = FIG3CD_TIMES
    k = np.diag([0.0, delta]) - 1j * kappa * np.ones((2, 2))
    psi_m = np.array([1.0, -1.0]) / np.sqrt(2.0)
    fig3cd = f"{PAPER}, Eq. 1 (one-excitation sector), Fig. 3(c,d) (alpha = 0, delta/omega = 0.1)"
    out["fig3cd_times"] = _entry(
        t, f"{PAPER}, Fig. 3(c,d)", "omega t, 61 points (notebook fast grid)"
    )
    for name, c0 in (("10", np.array([1.0, 0.0])), ("psi_minus", psi_m)):
        amps = np.array([expm(-1j * k * s) @ c0 for s in t])
        fid = np.abs(amps @ psi_m.conj()) ** 2
        energy = np.abs(amps[:, 0]) ** 2 + (1 + delta) * np.abs(amps[:, 1]) ** 2
        how = "c(t) = expm(-i K t) c(0), K = diag(0, delta) - i kappa [[1,1],[1,1]]"
        out[f"fig3cd_fidelity_{name}"] = _entry(fid, fig3cd, f"F = |<Psi-|c(t)>|^2, {how}")
        out[f"fig3cd_energy_{name}"] = _entry(
            energy, fig3cd, f"E = |c_1|^2 + (1 + delta)|c_2|^2 (hbar omega), {how}"
        )
    return out


HEAD = [
    "# Closed forms of paper 003 (Yang, Wang, Li, Hu, You 2021,",
    "# README, section The papers) on the time grids of notebook 03.",
    "# WRITTEN BY data/make_cooperative_closed_forms.py (numpy/scipy only, no qnet_design):",
    "# do not edit by hand, rerun `python data/make_cooperative_closed_forms.py`.",
    "# Every entry has `value`, `source` (paper + equation/figure) and `note` (the formula).",
    "# omega = 1, times omega t, energies in hbar omega, F = <Psi-|rho|Psi->.",
]


def main(argv: list[str] | None = None) -> int:
    return _toml_out.main(entries, HEAD, OUTPUT, argv)


if __name__ == "__main__":
    raise SystemExit(main())
