"""Evaluate paper 001's closed forms at the parameters notebook 01 compares against.

    python data/make_thermal_link_closed_forms.py            # rewrites the committed file
    python data/make_thermal_link_closed_forms.py OUT.toml   # writes elsewhere (the test does)

Writes ``data/thermal_link_closed_forms_reference.toml``. Paper 001: Agustí, Schneider, Fedorov,
Filipp, Rabl (2025), README, section The papers. Units: rates in γ (= γ₁ = 1), times
in 1/γ, photon flux Φ = κ n_th/2.

The reference must not depend on the code it checks, so this script uses numpy and scipy only
(it does NOT import qnet_design). Each formula is typed in from the paper:

* Υ(x) = e^{1/(8x)} Γ[0, 1/(8x)]/(8x) (below Eq. 21) with Γ[0, y] = E₁(y) (scipy.special.exp1);
  cross-checked against the thermal average that defines it (Eq. 20 with Eq. 19:
  1 − Υ(x) = ⟨8xu/(1 + 8xu)⟩ over u ~ Exp(1)) by quadrature.
* Eq. 23 (quasistatic), Eq. 31 (lowest-order Bourret concurrence; its zero in κ at n_th = 2 is
  κ_max of Fig. 2(d)), Eq. 45 (three-level continued fraction), Eq. 46–47 (optimum).
* Fig. 3(b), κ → 0: one qubit (γ₂ = 0) under a static coherent field α₀, H = −i√(κγ)(α₀σ⁺ −
  α₀*σ⁻) (Eq. 16), decay γD[σ⁻]; the drive amplitude A = √(κγ)|α₀| has ⟨A²⟩ = κγ n_th/2 = γΦ,
  A² = Φu with u ~ Exp(1) (Eq. 20). The static average is a Gauss–Laguerre sum over u of the
  coherent p₁(t) (a 4×4 Liouvillian exponential); the dashed coherent curve has A = √(γΦ).
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path

import numpy as np
from scipy.integrate import quad
from scipy.linalg import expm
from scipy.optimize import brentq
from scipy.special import exp1

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the shared writer data/_toml_out.py sits next to this script
import _toml_out  # noqa: E402

OUTPUT = HERE / "thermal_link_closed_forms_reference.toml"
PAPER = "paper 001"

# parameters chosen by notebook 01 (its checks read them back from the output file)
QUASISTATIC_PHI = 0.5  # Fig. 3(a): exact C at kappa = 1e-4, n_th = 2 Phi/kappa vs Eq. 23
QUASISTATIC_KAPPA = 1e-4
FIG6_PHI = 0.5  # Fig. 6 static limit: nodes see Phi/4 (notebook 01, Fig. 6 cell)
FIG6_KAPPA = 1e-4
EQ47_KAPPAS = [1e-2, 3e-3, 1e-3]  # Fig. 3(a) curves of the notebook
FIG3B_TIMES = np.linspace(0.0, 3.0, 121)  # notebook: every 4th point in fast mode
GAUSS_LAGUERRE_NODES = 80


def _upsilon(x: float) -> float:
    """Υ(x) = e^{1/(8x)} Γ[0, 1/(8x)]/(8x), paper 001 below Eq. 21 (x = Φ/γ > 0)."""
    y = 1.0 / (8.0 * x)
    return float(math.exp(y) * exp1(y) * y)


def _upsilon_by_quadrature(x: float) -> float:
    """Υ(x) = ⟨1/(1 + 8xu)⟩ over u ~ Exp(1): the |00⟩ weight of Eq. 19 averaged as in Eq. 20."""
    value, _ = quad(lambda u: math.exp(-u) / (1.0 + 8.0 * x * u), 0.0, math.inf, epsabs=1e-14)
    return value


def _eq31(kappa: float, phi: float) -> float:
    """Lowest-order Bourret concurrence, paper 001 Eq. 31 (γ = 1)."""
    a, b = 1.0 + 8.0 * phi, 9.0 + 8.0 * phi
    return (
        8.0 * phi / a
        - 16.0 * phi * math.sqrt(kappa) / (a * math.sqrt(b))
        - 32.0 * kappa * phi * (3.0 + 8.0 * phi) ** 2 / (a**2 * b)
    )


def _eq45(n_th: float, kappa: float) -> float:
    """Three-level continued-fraction concurrence, paper 001 Eq. 45 with Φ_eff (γ = 1)."""
    phi = kappa * n_th / 2.0
    phi_eff = phi / (1.0 + 24.0 * kappa * phi)
    return 1.0 - _upsilon(phi_eff) * (1.0 + 24.0 * kappa * phi)


def _coherent_p1(amplitudes: np.ndarray, times: np.ndarray) -> np.ndarray:
    """p₁(t) of one qubit from |0⟩, H = −i A(σ⁺ − σ⁻), decay D[σ⁻] (γ = 1), plain scipy.

    One row per drive amplitude A. Column-stacked vec(ρ): vec(Aρ B) = (Bᵀ ⊗ A) vec(ρ); basis
    (|0⟩, |1⟩), σ⁻ = |0⟩⟨1|. ``times`` is a uniform grid from 0, propagated by repeated products
    with expm(L Δt).
    """
    sm = np.array([[0.0, 1.0], [0.0, 0.0]])
    sp, eye = sm.T, np.eye(2)
    decay = np.kron(sm, sm) - 0.5 * np.kron(eye, sp @ sm) - 0.5 * np.kron((sp @ sm).T, eye)
    h = -1j * (sp - sm)  # times A
    drive = -1j * (np.kron(eye, h) - np.kron(h.T, eye))
    dt = times[1] - times[0]
    assert times[0] == 0.0 and np.allclose(np.diff(times), dt), "uniform grid from 0 expected"
    step = expm((decay + np.multiply.outer(np.asarray(amplitudes), drive)) * dt)
    rho = np.zeros((len(amplitudes), 4), dtype=complex)
    rho[:, 0] = 1.0  # |0><0|
    out = np.empty((len(amplitudes), len(times)))
    for i in range(len(times)):
        out[:, i] = rho[:, 3].real
        rho = np.einsum("kij,kj->ki", step, rho)
    return out


def _static_average_p1(phi: float, times: np.ndarray, nodes: int) -> np.ndarray:
    u, w = np.polynomial.laguerre.laggauss(nodes)
    return w @ _coherent_p1(np.sqrt(phi * u), times)


def _params() -> dict[str, float]:
    with (HERE / "thermal_link_reference.toml").open("rb") as fh:
        ref = tomllib.load(fh)
    return {
        k: ref[k]["value"] for k in ("fig2d_n_th", "sc_n_th", "sc_kappa_over_gamma", "fig3b_flux")
    }


def entries() -> dict[str, dict[str, object]]:
    """All entries of the output file, in order."""
    p = _params()
    for x in (1e-3, 0.125, 0.5, 2.0, 100.0):  # definition of Υ vs its defining average
        assert math.isclose(_upsilon(x), _upsilon_by_quadrature(x), rel_tol=1e-9), x

    out: dict[str, dict[str, object]] = {}
    out["quasistatic_concurrence"] = {
        "value": 1.0 - _upsilon(QUASISTATIC_PHI),
        "phi": QUASISTATIC_PHI,
        "kappa": QUASISTATIC_KAPPA,
        "source": f"{PAPER}, Eq. 21-23 (quasistatic limit), Fig. 3(a) dashed lines",
        "note": "C = 1 - Upsilon(Phi/gamma) at Phi = 0.5 gamma; the notebook compares the exact "
        "C at kappa = 1e-4, n_th = 2 Phi/kappa = 1e4 (correction O(sqrt(kappa)), Eq. 31)",
    }
    out["fig6_static_concurrence"] = {
        "value": 1.0 - _upsilon(FIG6_PHI / 4.0),
        "phi": FIG6_PHI,
        "kappa": FIG6_KAPPA,
        "source": f"{PAPER}, Eq. 49-50 with delta_a = gamma/2 (text below Eq. 50) and Eq. 23",
        "note": "1 - Upsilon(Phi/4) at Phi = 0.5: qubits at the nodes k0 z = 2 pi n see half the "
        "chiral drive amplitude, so the dark state of Eq. 19 appears at flux Phi/4 (the reading "
        "of Eq. 50 documented in qnet_design.schemes.thermal_link, which differs from the printed "
        "sqrt(2 kappa gamma alpha0) by a factor 2)",
    }
    n2 = p["fig2d_n_th"]
    out["eq31_kappa_max_fig2d"] = {
        "value": brentq(lambda k: _eq31(k, k * n2 / 2.0), 0.05, 0.3, xtol=1e-14, rtol=1e-14),
        "n_th": n2,
        "source": f"{PAPER}, Eq. 31 and Fig. 2(d) (dashed line: kappa_max above Eq. 32)",
        "note": "zero in kappa of the lowest-order Bourret concurrence Eq. 31 at n_th = 2 "
        "(Phi = kappa n_th/2), scipy brentq on [0.05, 0.3]; inside the bounds of Eq. 32",
    }
    n_sc, k_sc = p["sc_n_th"], p["sc_kappa_over_gamma"]
    out["eq45_concurrence_sc"] = {
        "value": _eq45(n_sc, k_sc),
        "n_th": n_sc,
        "kappa": k_sc,
        "source": f"{PAPER}, Eq. 45 at the Sec. V A parameters (n_th = 1220, kappa = 1e-3 gamma)",
        "note": "C = 1 - Upsilon(Phi_eff)(1 + 24 kappa Phi), Phi = kappa n_th/2 = 0.61, "
        "Phi_eff = Phi/(1 + 24 kappa Phi); three-level, lowest order in kappa (shown next to the "
        "exact C in Fig. 4(c))",
    }
    out["eq46_n_th_star"] = {
        "value": [1.0 / (12.0 * k**2) for k in EQ47_KAPPAS],
        "kappa": EQ47_KAPPAS,
        "source": f"{PAPER}, Eq. 46",
        "note": "n_th* = gamma^2/(12 kappa^2) at the kappa values of the notebook's Fig. 3(a)",
    }
    out["eq47_concurrence_star"] = {
        "value": [1.0 - 2.0 * _upsilon(1.0 / (48.0 * k)) for k in EQ47_KAPPAS],
        "kappa": EQ47_KAPPAS,
        "source": f"{PAPER}, Eq. 47",
        "note": "C(n_th*) = 1 - 2 Upsilon(gamma/(48 kappa)) at the kappa values of the notebook's "
        "Fig. 3(a); lowest order in kappa within the three-level model",
    }
    phi_b = p["fig3b_flux"]
    static = _static_average_p1(phi_b, FIG3B_TIMES, GAUSS_LAGUERRE_NODES)
    finer = _static_average_p1(phi_b, FIG3B_TIMES, GAUSS_LAGUERRE_NODES + 40)
    assert float(np.max(np.abs(static - finer))) < 1e-9, "Gauss-Laguerre sum not converged"
    out["fig3b_times"] = {
        "value": [float(t) for t in FIG3B_TIMES],
        "source": f"{PAPER}, Fig. 3(b) (gamma t from 0 to 3)",
        "note": "time grid of the two Fig. 3(b) curves below (121 points; notebook 01 fast mode "
        "uses every 4th)",
    }
    out["fig3b_static_p1"] = {
        "value": [float(x) for x in static],
        "flux": phi_b,
        "source": f"{PAPER}, Fig. 3(b) and Sec. III C "
        "(kappa -> 0 at fixed Phi = 10 gamma, gamma_2 = 0)",
        "note": "p1(t) averaged over the thermal amplitude distribution (Eq. 20): coherent p1 with "
        "drive amplitude A = sqrt(Phi u), u ~ Exp(1), 80-node Gauss-Laguerre sum (120 nodes "
        "agree to 1e-9); the exact p1 at small kappa must approach it",
    }
    out["fig3b_coherent_p1"] = {
        "value": [float(x) for x in _coherent_p1(np.array([math.sqrt(phi_b)]), FIG3B_TIMES)[0]],
        "flux": phi_b,
        "source": f"{PAPER}, Fig. 3(b) dashed line (coherent drive, Omega_R = sqrt(gamma Phi))",
        "note": "p1(t) of one qubit from |0> under H = -i A (sigma+ - sigma-), A = sqrt(gamma Phi) "
        "(the field amplitude whose A^2 equals the mean thermal drive power, Eq. 16), decay "
        "gamma D[sigma-]; Rabi oscillations",
    }
    return out


HEAD = [
    "# Closed forms of paper 001 (Agusti, Schneider, Fedorov, Filipp, Rabl 2025,",
    "# README, section The papers) evaluated at the parameters of notebook 01.",
    "# WRITTEN BY data/make_thermal_link_closed_forms.py (numpy/scipy only, no qnet_design):",
    "# do not edit by hand, rerun `python data/make_thermal_link_closed_forms.py`.",
    "# Every entry has `value`, `source` (paper + equation/figure) and `note` (the formula);",
    "# extra keys are the arguments it was evaluated at. Rates in gamma, times in 1/gamma.",
]


def main(argv: list[str] | None = None) -> int:
    return _toml_out.main(entries, HEAD, OUTPUT, argv)


if __name__ == "__main__":
    raise SystemExit(main())
