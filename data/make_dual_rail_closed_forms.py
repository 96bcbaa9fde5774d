"""Evaluate paper 000's closed forms at the points notebook 04 compares against.

    python data/make_dual_rail_closed_forms.py            # rewrites the committed file
    python data/make_dual_rail_closed_forms.py OUT.toml   # writes elsewhere (the test does)

Writes ``data/dual_rail_closed_forms_reference.toml``. Paper 000: Agustí, Zhang, Minoguchi,
Rabl, PRL 131, 250801 (2023), README, section The papers. Rates in units of γ.
numpy only (does NOT import qnet_design), so the reference is independent of the code it checks.

* Eq. 5: one pair relaxes to |Φ⟩ = (cosh r|00⟩ + sinh r|11⟩)/√cosh 2r, concurrence
  C = 2 cosh r sinh r / cosh 2r = tanh 2r.
* Eq. 10 (N = 2, δ_B = −P₁₂δ_A, Δ = δ_A1 − δ_A2): |ψ⟩ ∝ γ|Φ₁₁⟩|Φ₂₂⟩ + iΔ|Φ₁₂⟩|Φ₂₁⟩ with
  |Φ_ij⟩ the Eq. 5 pair on (A_i, B_j). The script builds this four-qubit ket (order A₁, B₁,
  A₂, B₂), normalises it, traces out the other two qubits and takes Wootters' concurrence
  C = max(0, λ₁ − λ₂ − λ₃ − λ₄) (λ: square roots of the eigenvalues of ρ(σʸ⊗σʸ)ρ*(σʸ⊗σʸ), in
  decreasing order) of (A₁, B₁) and (A₁, B₂).
* Entropy of rail A (text above Eq. 10): S_A = −N ln[xˣ(1 − x)^{1−x}], x = cosh²r/cosh 2r; the
  per-pair value S_pair = S_A/N is written here (S_n ≃ 2 min(n, N − n) S_pair far detuned).
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the shared writer data/_toml_out.py sits next to this script
import _toml_out  # noqa: E402

OUTPUT = HERE / "dual_rail_closed_forms_reference.toml"
PAPER = "paper 000"

# points of notebook 04 (Fig. 2(b): C vs r at Δ = γ; Fig. 2(c): C vs Δ at r = 1)
FIG2B_DELTA = 1.0
FIG2B_R = [0.25, 0.5, 1.0, 1.5, 2.0]
FIG2C_DELTAS = [0.0, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0]


def _r_figures() -> float:
    with (HERE / "dual_rail_reference.toml").open("rb") as fh:
        return float(tomllib.load(fh)["figure_squeezing"]["value"])


def _pair(r: float) -> np.ndarray:
    """Eq. 5 on two qubits (|0⟩ = ground first): (cosh r|00⟩ + sinh r|11⟩)/√cosh 2r."""
    v = np.zeros(4, dtype=complex)
    v[0], v[3] = math.cosh(r), math.sinh(r)
    return v / math.sqrt(math.cosh(2 * r))


def _eq10(r: float, delta: float) -> np.ndarray:
    """Eq. 10 as a ket on (A₁, B₁, A₂, B₂), normalised."""
    direct = np.kron(_pair(r), _pair(r))  # Φ₁₁ on (A₁, B₁), Φ₂₂ on (A₂, B₂)
    crossed = np.kron(_pair(r), _pair(r)).reshape(2, 2, 2, 2)  # (A₁, B₂, A₂, B₁)
    crossed = crossed.transpose(0, 3, 2, 1).reshape(-1)  # → (A₁, B₁, A₂, B₂)
    psi = direct + 1j * delta * crossed
    return psi / np.linalg.norm(psi)


def _two_qubit_state(psi: np.ndarray, keep: tuple[int, int]) -> np.ndarray:
    t = psi.reshape(2, 2, 2, 2)
    rest = [q for q in range(4) if q not in keep]
    m = np.moveaxis(t, list(keep) + rest, range(4)).reshape(4, 4)
    return m @ m.conj().T


def _wootters(rho: np.ndarray) -> float:
    yy = np.kron([[0, -1j], [1j, 0]], [[0, -1j], [1j, 0]])
    lam = np.sqrt(np.abs(np.linalg.eigvals(rho @ yy @ rho.conj() @ yy)))
    lam = np.sort(lam)[::-1]
    return float(max(0.0, lam[0] - lam[1] - lam[2] - lam[3]))


def _entry(value: object, source: str, note: str) -> dict[str, object]:
    if isinstance(value, list | tuple | np.ndarray):
        value = [float(x) for x in value]
    else:
        value = float(value)  # type: ignore[arg-type]
    return {"value": value, "source": source, "note": note}


def entries() -> dict[str, dict[str, object]]:
    """All entries of the output file, in order."""
    r = _r_figures()
    out: dict[str, dict[str, object]] = {}
    out["one_pair_concurrence"] = _entry(
        math.tanh(2 * r), f"{PAPER}, Eq. 5", f"C = tanh 2r at r = {r:g} (figures' r)"
    )
    how = (
        "Eq. 10 ket (gamma|Phi11>|Phi22> + i Delta|Phi12>|Phi21>, normalised), partial trace, "
        "Wootters concurrence"
    )
    out["fig2b_delta"] = _entry(FIG2B_DELTA, f"{PAPER}, Fig. 2(b)", "Delta/gamma of Fig. 2(b)")
    out["fig2b_r"] = _entry(FIG2B_R, f"{PAPER}, Fig. 2(b)", "squeezing values compared")
    for name, keep in (("c11", (0, 1)), ("c12", (0, 3))):
        vals = [_wootters(_two_qubit_state(_eq10(x, FIG2B_DELTA), keep)) for x in FIG2B_R]
        out[f"fig2b_{name}"] = _entry(vals, f"{PAPER}, Eq. 10, Fig. 2(b)", f"{name}(r): {how}")
    out["fig2c_deltas"] = _entry(FIG2C_DELTAS, f"{PAPER}, Fig. 2(c)", "Delta/gamma compared")
    for name, keep in (("c11", (0, 1)), ("c12", (0, 3))):
        vals = [_wootters(_two_qubit_state(_eq10(r, d), keep)) for d in FIG2C_DELTAS]
        out[f"fig2c_{name}"] = _entry(
            vals, f"{PAPER}, Eq. 10, Fig. 2(c)", f"{name}(Delta) at r = {r:g}: {how}"
        )
    x = math.cosh(r) ** 2 / math.cosh(2 * r)
    out["s_pair"] = _entry(
        -(x * math.log(x) + (1 - x) * math.log(1 - x)),
        f"{PAPER}, text above Eq. 10 (S_A) and below Fig. 2 (S_n)",
        f"S_A/N = -[x ln x + (1-x) ln(1-x)], x = cosh^2 r / cosh 2r, r = {r:g} (nats)",
    )
    return out


HEAD = [
    "# Closed forms of paper 000 (Agusti, Zhang, Minoguchi, Rabl, PRL 131, 250801 (2023),",
    "# README, section The papers) at the points notebook 04 compares against.",
    "# WRITTEN BY data/make_dual_rail_closed_forms.py (numpy only, no qnet_design):",
    "# do not edit by hand, rerun `python data/make_dual_rail_closed_forms.py`.",
    "# Every entry has `value`, `source` (paper + equation/figure) and `note` (the formula).",
    "# Rates in units of gamma; concurrences (Wootters); entropies in nats.",
]


def main(argv: list[str] | None = None) -> int:
    return _toml_out.main(entries, HEAD, OUTPUT, argv)


if __name__ == "__main__":
    raise SystemExit(main())
