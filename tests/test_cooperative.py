"""Tests of the cooperative scheme (paper 003, README, "The papers").

Reference numbers come from data/cooperative_reference.toml.  Closed forms used below are
derived in the comments from paper Eq. (1)-(3); none was produced with the code under test.

Decisions recorded here and in the docstrings:
* the paper's dissipator L[o] = 2 D[o]: κ keeps the paper's meaning (population decay of
  |Ψ₊⟩ at 4κ, of a lone excited qubit at 2κ);
* the paper's fidelity "F = tr√⟨Ψ₋|ρ|Ψ₋⟩" is read as F = ⟨Ψ₋|ρ|Ψ₋⟩, because the paper quotes
  F = 0.5 for |10⟩ (the square root would give 0.707);
* the clockwork model (Fig. 1c, 3e) is reconstructed, assumptions A1-A8 of clockwork.py
  (summarised again above the clockwork tests).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import qutip
import scipy.linalg

from qnet_design.errors import NotImplementedSchemeError, ParameterError
from qnet_design.schemes.cooperative import (
    Clockwork,
    CooperativeArray,
    bell_state,
    clockwork_evolve,
    clockwork_steady_state,
    dark_states,
    dicke_state,
    evolve,
    final_state,
    product_state,
)
from qnet_design.schemes.cooperative._sectors import SectorLayout

from .conftest import load_reference

REF = load_reference("cooperative_reference")


def ref(key: str) -> float:
    return REF[key]["value"]


KAPPA = ref("fig2_kappa_over_omega")  # ω = 1, κ/ω = 0.001 (Figs. 2-4)


def _psi(label: str, n: int = 3) -> qutip.Qobj:
    """Paper's three-qubit single-excitation basis |Ψ₁⟩, |Ψ₂⟩, |Ψ₃⟩."""
    k = {b: product_state(b) for b in ("100", "010", "001")}
    if label == "1":
        return (k["100"] + k["010"] + k["001"]).unit()
    if label == "2":
        return (2 * k["100"] - k["010"] - k["001"]).unit()
    return (k["010"] - k["001"]).unit()


# --------------------------------------------------------------------------------------------
# conventions: the factor 2 of paper Eq. (2) and the eigenvalues of Eq. (3)
# --------------------------------------------------------------------------------------------
def test_collapse_operators_reproduce_paper_dissipator_eq2():
    """qutip's Σ D[c] with our collapse operators equals κL[o] + αΣL[σ] written as in Eq. (2)."""
    model = CooperativeArray(2, kappa=0.3, alpha=0.07, phases=(0.0, 0.4))
    rng = np.random.default_rng(1)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = qutip.Qobj(a @ a.conj().T, dims=[[2, 2], [2, 2]]).unit()

    def paper_l(o: qutip.Qobj) -> qutip.Qobj:  # Eq. (2): 2oρo⁺ − o⁺oρ − ρo⁺o
        return 2 * o * rho * o.dag() - o.dag() * o * rho - rho * o.dag() * o

    o = model.collective_lowering()
    expected = model.kappa * paper_l(o) + model.alpha * sum(
        (paper_l(model.lowering(i)) for i in range(2)), start=0 * rho
    )
    lv = qutip.liouvillian(0 * model.hamiltonian(), model.collapse_operators())
    got = qutip.vector_to_operator(lv * qutip.operator_to_vector(rho))
    # both sides are exact algebra on 4x4 matrices: round-off only
    assert np.allclose(got.full(), expected.full(), atol=1e-12)


def test_effective_hamiltonian_eigenvalues_eq3():
    """H_eff = H − iκo⁺o on |Ψ±⟩, |11⟩ gives ω − 2iκ, ω, 2(ω − iκ) (paper Eq. 3)."""
    omega, kappa = 1.0, 0.01
    layout = SectorLayout(CooperativeArray(2, kappa=kappa, omega=omega))
    k1 = layout.k_matrix(1) + omega * np.eye(2)  # back from the rotating frame: +ω per excitation
    k2 = layout.k_matrix(2) + 2 * omega * np.eye(1)
    # sector-1 basis is ordered |01⟩, |10⟩ (integer order)
    psi_p = np.array([1, 1]) / np.sqrt(2)
    psi_m = np.array([-1, 1]) / np.sqrt(2)  # (|10⟩ − |01⟩)/√2
    ev_p = psi_p.conj() @ k1 @ psi_p
    ev_m = psi_m.conj() @ k1 @ psi_m
    assert np.allclose(k1 @ psi_p, ev_p * psi_p) and np.allclose(k1 @ psi_m, ev_m * psi_m)
    # exact arithmetic on 2x2 matrices: tolerance at round-off
    assert ev_p.imag / kappa == pytest.approx(ref("eq3_psi_plus_imag_over_kappa"), abs=1e-12)
    assert ev_m.imag / kappa == pytest.approx(ref("eq3_psi_minus_imag_over_kappa"), abs=1e-12)
    assert k2[0, 0].imag / kappa == pytest.approx(ref("eq3_11_imag_over_kappa"), abs=1e-12)
    assert ev_p.real == pytest.approx(omega) and k2[0, 0].real == pytest.approx(2 * omega)


# --------------------------------------------------------------------------------------------
# two qubits, ideal case: Fig. 2 and ρ₂(∞)
# --------------------------------------------------------------------------------------------
def test_fig2_energy_and_fidelity_traces():
    """Fig. 2 (ω = 1, κ/ω = 0.001) against closed forms from Eq. (3).

    Population of |Ψ₊⟩ decays at 4κ (twice the imaginary part 2κ); |11⟩ → |Ψ₊⟩ at
    2κ⟨o⁺o⟩ = 4κ.  Hence E_|10⟩ = ½ + ½e^{−4κt}, E_|Ψ₊⟩ = e^{−4κt}, E_|Ψ₋⟩ = 1,
    E_|11⟩ = (2 + 4κt) e^{−4κt} (P₁₁ = e^{−4κt}, P_Ψ₊ = 4κt e^{−4κt}).
    """
    model = CooperativeArray(2, kappa=KAPPA, omega=1.0)
    t = np.linspace(0.0, 5000.0, 26)  # ωt up to 5000 = 5/κ, as the figure's time axis
    decay = np.exp(-4 * KAPPA * t)
    cases = {
        "10": (0.5 + 0.5 * decay, ref("two_qubit_10_fidelity")),
        "11": ((2 + 4 * KAPPA * t) * decay, ref("two_qubit_11_and_psi_plus_fidelity")),
        "psi+": (decay, ref("two_qubit_11_and_psi_plus_fidelity")),
        "psi-": (np.ones_like(t), ref("two_qubit_psi_minus_fidelity")),
    }
    states = {"10": "10", "11": "11", "psi+": bell_state(+1), "psi-": bell_state(-1)}
    for name, (energy, fid) in cases.items():
        res = evolve(model, states[name], t)
        # exact propagation (double precision) against exact formulas: 1e-9 absolute
        assert np.allclose(res.energy, energy, atol=1e-9), name
        assert np.allclose(res.fidelity(bell_state(-1)), fid, atol=1e-9), name
        # for two qubits the dark weight is the fidelity with |Ψ₋⟩
        assert np.allclose(res.dark_weight, fid, atol=1e-9), name
    # the paper's "after dissipating half of the energy" at the end of the window (e^{-20})
    res = evolve(model, "10", t)
    assert res.energy[-1] == pytest.approx(ref("two_qubit_10_final_energy"), abs=1e-8)


def test_two_qubit_final_state_rho2():
    """ρ₂(∞) = (|Ψ₋⟩⟨Ψ₋| + |00⟩⟨00|)/2 from |10⟩, E = 0.5, C = 0.5."""
    model = CooperativeArray(2, kappa=KAPPA)
    fs = final_state(model, "10")
    p = ref("two_qubit_final_dark_weight")
    expected = p * bell_state(-1).proj() + (1 - p) * product_state("00").proj()
    # exact projection (no integration): round-off tolerance
    assert np.allclose(fs.rho.full(), expected.full(), atol=1e-12)
    assert fs.energy == pytest.approx(ref("two_qubit_10_final_energy"), abs=1e-12)
    assert fs.dark_weight == pytest.approx(p, abs=1e-12)
    assert fs.concurrence(0, 1) == pytest.approx(ref("two_qubit_final_concurrence"), abs=1e-7)
    assert fs.convergence.converged and fs.method == "dark-cascade"
    # the same from long evolution (bright part e^{-4κt} = e^{-40} at t = 10/κ)
    res = evolve(model, "10", [0.0, 10 / KAPPA])
    assert res.concurrence(0, 1)[-1] == pytest.approx(fs.concurrence(0, 1), abs=1e-7)


@pytest.mark.parametrize("initial", ["11", "psi+"])
def test_two_qubit_equilibrium_states_end_in_ground(initial):
    state = bell_state(+1) if initial == "psi+" else initial
    fs = final_state(CooperativeArray(2, kappa=KAPPA), state)
    assert np.allclose(fs.rho.full(), product_state("00").proj().full(), atol=1e-12)
    assert fs.energy == pytest.approx(0.0, abs=1e-12)
    assert fs.concurrence(0, 1) == pytest.approx(0.0, abs=1e-12)


def test_dark_state_is_stationary():
    fs = final_state(CooperativeArray(2, kappa=KAPPA), bell_state(-1))
    assert fs.fidelity(bell_state(-1)) == pytest.approx(1.0, abs=1e-12)
    assert fs.concurrence(0, 1) == pytest.approx(1.0, abs=1e-7)


def test_nes_dark_component_of_product_states():
    """Paper's NES argument: ρ_A ⊗ ρ_B with b ≠ d has a |Ψ₋⟩ component.

    For diagonal product states, ad|01⟩⟨01| + bc|10⟩⟨10| gives the |Ψ₋⟩ weight (ad + bc)/2 and
    the |Ψ₊⟩–|Ψ₋⟩ coherence (bc − ad)/2 = (b − d)/2.  The paper prints "2(bc − ad)|Ψ₋⟩⟨Ψ₋| +
    2(ad + bc)|Ψ₊⟩⟨Ψ₊|", which is not a valid decomposition (it is negative for b < d); we
    test the correct weight, which survives forever (α = δ = 0).  Note that it is nonzero even
    for b = d ≠ 1 (e.g. the maximally mixed state keeps 1/4 in |Ψ₋⟩).
    """
    a, b, c, d = 0.2, 0.8, 0.7, 0.3
    rho = qutip.tensor(qutip.Qobj(np.diag([a, b])), qutip.Qobj(np.diag([c, d])))
    fs = final_state(CooperativeArray(2, kappa=KAPPA), rho)
    assert fs.dark_weight == pytest.approx((b * c + a * d) / 2, abs=1e-12)


# --------------------------------------------------------------------------------------------
# non-ideal cases: Fig. 3(a,b) (α) and Fig. 3(c,d) (δ)
# --------------------------------------------------------------------------------------------
def test_fig3ab_noncooperative_decay():
    """α/κ = 0.05: the dark state decays as e^{−2αt}; from |10⟩, F = ½e^{−2αt} and
    E = ½e^{−2αt} + ½e^{−(4κ+2α)t} (sector 1 is diagonal in Ψ± with K = −iα − iκo⁺o)."""
    alpha = ref("fig3ab_alpha_over_kappa") * KAPPA
    model = CooperativeArray(2, kappa=KAPPA, alpha=alpha)
    t = np.linspace(0.0, 40000.0, 21)
    slow, fast = np.exp(-2 * alpha * t), np.exp(-(4 * KAPPA + 2 * alpha) * t)
    res = evolve(model, bell_state(-1), t)
    assert np.allclose(res.fidelity(bell_state(-1)), slow, atol=1e-9)
    assert np.allclose(res.energy, slow, atol=1e-9)
    res = evolve(model, "10", t)
    assert np.allclose(res.fidelity(bell_state(-1)), 0.5 * slow, atol=1e-9)
    assert np.allclose(res.energy, 0.5 * slow + 0.5 * fast, atol=1e-9)
    # metastable entangled state before the ground state: concurrence ≈ F at intermediate times
    assert res.concurrence(0, 1)[2] > 0.3
    fs = final_state(model, "10")
    assert fs.energy == pytest.approx(0.0, abs=1e-12) and fs.dark_weight == pytest.approx(0.0)


def test_fig3cd_detuning():
    """δ/ω = 0.1 on the paper's qubit 2 (our qubit 1), α = 0: the single-excitation amplitudes
    obey i ċ = K c with K = diag(0, δ) − iκ[[1, 1], [1, 1]] in the basis (|10⟩, |01⟩) (Eq. 1
    with the L = 2D convention).  F(t) = |⟨Ψ₋|e^{−iKt}|ψ₀⟩|² and E = Σ_i (ω+δ_i)/ω |c_i|²."""
    delta = ref("fig3cd_delta_over_omega")
    model = CooperativeArray(2, kappa=KAPPA, detunings=(0.0, delta), omega=1.0)
    kk = np.diag([0.0, delta]) - 1j * KAPPA * np.ones((2, 2))
    psi_m = np.array([1.0, -1.0]) / np.sqrt(2)
    t = np.linspace(0.0, 3000.0, 61)
    for init, c0 in (("10", np.array([1.0, 0.0])), (bell_state(-1), psi_m)):
        amps = np.array([scipy.linalg.expm(-1j * kk * s) @ c0 for s in t])
        fid = np.abs(amps @ psi_m.conj()) ** 2
        energy = np.abs(amps[:, 0]) ** 2 + (1 + delta) * np.abs(amps[:, 1]) ** 2
        res = evolve(model, init, t)
        # exact propagation vs 2x2 matrix exponential: 1e-9 absolute
        assert np.allclose(res.fidelity(bell_state(-1)), fid, atol=1e-9)
        assert np.allclose(res.dark_weight, fid, atol=1e-9)
        assert np.allclose(res.energy, energy, atol=1e-9)
    # "the energy will eventually be exhausted regardless of the initial state"
    for init in ("10", "01", "11"):
        assert final_state(model, init).energy == pytest.approx(0.0, abs=1e-12)
    assert evolve(model, "01", [0.0]).energy[0] == pytest.approx(1.0 + delta)


# --------------------------------------------------------------------------------------------
# three qubits (Fig. 4) and N qubits
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("initial", ["100", "011"])
def test_three_qubit_w_like_state(initial):
    model = CooperativeArray(3, kappa=KAPPA)
    fs = final_state(model, initial)
    w = ref("three_qubit_final_psi2_weight")
    expected = w * _psi("2").proj() + (1 - w) * product_state("000").proj()
    assert np.allclose(fs.rho.full(), expected.full(), atol=1e-12)
    assert fs.energy == pytest.approx(ref("three_qubit_final_energy"), abs=1e-12)
    # pair concurrences of ρ₃(∞) from |100⟩: amplitudes (2, −1, −1)/3 → C_01 = 4/9, C_12 = 2/9.
    # Concurrence tolerance 1e-7 (here and below): metrics.concurrence takes square roots of
    # eigenvalues that are exactly 0, so round-off 1e-16 becomes ~1e-8
    assert fs.concurrence(0, 1) == pytest.approx(4 / 9, abs=1e-7)
    assert fs.concurrence(1, 2) == pytest.approx(2 / 9, abs=1e-7)


def test_fig4_fidelity_traces():
    """|100⟩: F_Ψ₂ = 2/3 at all times; |011⟩: starts at 0 and reaches 2/3 (Fig. 4b)."""
    model = CooperativeArray(3, kappa=KAPPA)
    t = np.linspace(0.0, 8000.0, 17)
    w = ref("three_qubit_final_psi2_weight")
    f100 = evolve(model, "100", t).fidelity(_psi("2"))
    assert np.allclose(f100, w, atol=1e-9)
    res = evolve(model, "011", t)
    f011 = res.fidelity(_psi("2"))
    assert f011[0] == pytest.approx(0.0, abs=1e-12)
    # slowest bright rate in the relevant ladder is 2κ·1 (j = 1/2, m = +1/2 → −1/2 with
    # J⁺J⁻ = 1): e^{−2κ·8000} = e^{−16} ≈ 1e-7, so 1e-6 is safe
    assert f011[-1] == pytest.approx(w, abs=1e-6)
    assert res.energy[-1] == pytest.approx(ref("three_qubit_final_energy"), abs=1e-6)


@pytest.mark.parametrize("n", [2, 3, 5, 10])
def test_n_qubit_single_excitation_final_state(n):
    """|10…0⟩ → dark weight (N−1)/N, C_0j = 2(N−1)/N², C_jk = 2/N² (reference note)."""
    fs = final_state(CooperativeArray(n, kappa=1.0), "1" + "0" * (n - 1))
    assert REF["n_qubit_single_excitation_dark_weight"]["value"] == "(N - 1)/N"
    assert fs.dark_weight == pytest.approx((n - 1) / n, abs=1e-12)
    assert fs.energy == pytest.approx((n - 1) / n, abs=1e-12)
    assert fs.concurrence(0, n - 1) == pytest.approx(2 * (n - 1) / n**2, abs=1e-7)
    if n > 2:
        assert fs.concurrence(1, 2) == pytest.approx(2 / n**2, abs=1e-7)


def test_n50_single_excitation_both_routes():
    """N = 50 from |10…0⟩: (N−1)/N by the Dicke route (evolve, final) and by the generic
    route (only sectors 0 and 1 are populated: 51² entries)."""
    n = 50
    bits = "1" + "0" * (n - 1)
    model = CooperativeArray(n, kappa=1.0)
    expected = (n - 1) / n
    res = evolve(model, bits, [0.0, 0.5, 1.0])  # auto → dicke for N > 10
    assert res.method == "dicke"
    # bright part decays at 2κN = 100: e^{−100} at t = 1; exact propagation
    assert res.dark_weight[-1] == pytest.approx(expected, abs=1e-9)
    assert res.dark_weight[0] == pytest.approx(expected, abs=1e-12)
    assert final_state(model, bits).dark_weight == pytest.approx(expected, abs=1e-12)
    gen = evolve(model, bits, [0.0, 0.5, 1.0], method="generic")
    assert np.allclose(gen.dark_weight, res.dark_weight, atol=1e-9)
    assert np.allclose(gen.energy, res.energy, atol=1e-9)
    with pytest.raises(NotImplementedSchemeError):
        res.concurrence(0, 1)


def _assert_dicke_matches_generic(model, bits, t, final_abs):
    """Both routes on ``model`` (to 1e-6: piqs' single-precision local coefficients) and on
    the ideal array with collective decay only (to 1e-12, final dark weight to ``final_abs``)."""
    gen = evolve(model, bits, t, method="generic")
    dic = evolve(model, bits, t, method="dicke")
    assert np.allclose(gen.energy, dic.energy, atol=1e-6)
    assert np.allclose(gen.dark_weight, dic.dark_weight, atol=1e-6)
    ideal = CooperativeArray(model.qubits, kappa=1.0)
    gen = evolve(ideal, bits, t, method="generic")
    dic = evolve(ideal, bits, t, method="dicke")
    assert np.allclose(gen.energy, dic.energy, atol=1e-12)
    assert np.allclose(gen.dark_weight, dic.dark_weight, atol=1e-12)
    assert final_state(ideal, bits, method="dicke").dark_weight == pytest.approx(
        final_state(ideal, bits, method="generic").dark_weight, abs=final_abs
    )


@pytest.mark.parametrize("n", [4, 6])
def test_dicke_route_matches_generic(n):
    """Permutation-symmetric (piqs) vs excitation-sector solver with α, γ_φ and phases.

    Phases φ_i are a local gauge for identical qubits, so the Dicke route ignores them; the
    generic route keeps them.  Both are exact propagations, but piqs computes its local
    emission/dephasing coefficients in single precision (~1e-7 relative, documented in
    dicke.py): agreement to 1e-6 with α, γ_φ; to 1e-12 for collective decay alone.
    """
    model = CooperativeArray(n, kappa=1.0, alpha=0.05, dephasing=0.1, phases=np.linspace(0, 2, n))
    _assert_dicke_matches_generic(model, "11" + "0" * (n - 2), np.linspace(0.0, 3.0, 7), 1e-12)


# --------------------------------------------------------------------------------------------
# the generic solver and the t → ∞ projection against brute force
# --------------------------------------------------------------------------------------------
def _random_dm(n: int, seed: int) -> qutip.Qobj:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(2**n, 2**n)) + 1j * rng.normal(size=(2**n, 2**n))
    return qutip.Qobj(a @ a.conj().T, dims=[[2] * n, [2] * n]).unit()


def test_generic_solver_matches_qutip_mesolve():
    """Everything on (α, γ_φ, δ_i, φ_i), a random full-rank state with all coherences."""
    model = CooperativeArray(
        3, kappa=1.0, alpha=0.1, dephasing=0.2, detunings=(0.0, 0.3, -0.5), phases=(0, 1, 2)
    )
    rho0 = _random_dm(3, 7)
    t = np.linspace(0.0, 2.0, 5)
    ref_run = qutip.mesolve(
        model.hamiltonian(),
        rho0,
        t,
        c_ops=model.collapse_operators(),
        options={"atol": 1e-12, "rtol": 1e-10},
    )
    res = evolve(model, rho0, t)
    for k in range(len(t)):
        # mesolve at rtol 1e-10 vs exact propagation: 1e-8 absolute
        assert np.allclose(res.state(k).full(), ref_run.states[k].full(), atol=1e-8)
    e_ref = [
        sum(
            (1 + model.delta[i]) * qutip.expect(model.lowering(i).dag() * model.lowering(i), s)
            for i in range(3)
        )
        for s in ref_run.states
    ]
    assert np.allclose(res.energy, e_ref, atol=1e-8)


@pytest.mark.parametrize(
    "detunings", [(0.0, 0.0, 0.0), (0.0, 0.0, 5.0)], ids=["identical", "qubit2-detuned"]
)
def test_final_state_equals_long_time_limit(detunings):
    """The projection vs brute-force evolution to κt = 60.  A random initial state with
    coherences between sectors; with δ = (0, 0, 5) the dark state of qubits 0, 1 survives.
    Slowest bright decay: ≥ 2κ for identical qubits; for δ ≫ κ the qubit-2 states decay at
    ≈ 2κ(1 − O(κ²/δ²)) (a small δ ~ κ would create a nearly dark, slowly leaking mode with
    rate ~ δ²/κ, so δ = 5 is chosen): e^{−100} is far below the 1e-9 tolerance."""
    model = CooperativeArray(3, kappa=1.0, detunings=detunings)
    rho0 = _random_dm(3, 3)
    fs = final_state(model, rho0)
    res = evolve(model, rho0, [0.0, 60.0])
    late = res.state(1).full()
    if detunings[2]:
        # dark states of different rotating-frame energy keep oscillating; final_state is
        # their time average: compare populations and the pair concurrence instead
        assert np.allclose(np.diag(late), np.diag(fs.rho.full()), atol=1e-9)
        assert fs.dark_weight > 0.05
    else:
        assert np.allclose(late, fs.rho.full(), atol=1e-9)
    assert res.concurrence(0, 1)[-1] == pytest.approx(fs.concurrence(0, 1), abs=1e-7)


@pytest.mark.parametrize("method", ["generic", "dicke"])
def test_initial_time_is_times0(method):
    """times[0] is the time of the initial state, uniform and non-uniform grids agree."""
    model = CooperativeArray(2, kappa=1.0)
    uni = evolve(model, "11", [5.0, 5.5, 6.0], method=method)
    odd = evolve(model, "11", [5.0, 5.5, 5.6, 6.0], method=method)
    assert uni.energy[0] == pytest.approx(2.0, abs=1e-15)
    # E_|11⟩(t) = (2 + 4κt) e^{−4κt} (see test_fig2_energy_and_fidelity_traces), t = 0.5, 1
    for res in (uni, odd):
        assert res.energy[-1] == pytest.approx(6 * np.exp(-4.0), abs=1e-12)
    assert uni.energy[1] == pytest.approx(4 * np.exp(-2.0), abs=1e-12)


def test_final_state_with_local_decay_is_ground():
    """α > 0: no stationary dark state above |0…0⟩; the cascade (with local jumps feeding the
    lower sectors) must deliver all of the trace to the ground state."""
    model = CooperativeArray(3, kappa=1.0, alpha=0.1, detunings=(0.0, 0.2, -0.1), phases=(0, 1, 2))
    fs = final_state(model, _random_dm(3, 11))
    assert np.allclose(fs.rho.full(), product_state("000").proj().full(), atol=1e-12)


def test_dephasing_final_state_is_ground():
    model = CooperativeArray(3, kappa=1.0, dephasing=0.05)
    fs = final_state(model, "100")
    assert fs.method == "ground" and fs.energy == pytest.approx(0.0, abs=1e-15)
    # dephasing turns the dark part bright at a rate ≥ γ_φ/2 (one coherence of the dark state
    # decays at γ_φ per differing qubit, weight ≥ 1/2): e^{−10} ≈ 4.5e-5 at t = 400
    res = evolve(model, "100", [0.0, 400.0])
    assert res.energy[-1] < 1e-4


# --------------------------------------------------------------------------------------------
# dark states
# --------------------------------------------------------------------------------------------
def test_dark_states_two_and_three_qubits():
    ds2 = dark_states(CooperativeArray(2, kappa=1.0))
    assert len(ds2) == 1
    assert abs(ds2.kets[0].overlap(bell_state(-1))) == pytest.approx(1.0, abs=1e-12)
    ds3 = dark_states(CooperativeArray(3, kappa=1.0))
    proj = _psi("2").proj() + _psi("3").proj()
    assert np.allclose(ds3.projector().full(), proj.full(), atol=1e-12)
    assert ds3.excitations == (1, 1) and all(ds3.stationary)
    assert list(ds3.to_frame().columns) == ["excitations", "stationary"] and "2 dark" in str(ds3)


def test_dark_state_count_n_identical():
    """ker J⁻ above the ground state: Σ_{k=1}^{N/2} [C(N,k) − C(N,k−1)] states."""
    n = 6
    ds = dark_states(CooperativeArray(n, kappa=1.0, phases=np.arange(n)))
    count = sum(math.comb(n, k) - math.comb(n, k - 1) for k in range(1, n // 2 + 1))
    assert len(ds) == count
    o = CooperativeArray(n, kappa=1.0, phases=np.arange(n)).collective_lowering()
    for ket in ds.kets:
        assert (o * ket).norm() < 1e-10


def test_detuned_dark_state_is_not_stationary():
    ds = dark_states(CooperativeArray(2, kappa=1.0, detunings=(0.0, 0.1)))
    assert len(ds) == 1 and ds.stationary == (False,)


def test_dicke_state_is_bright():
    """The symmetric W state (Dicke k = 1) has no dark component."""
    fs = final_state(CooperativeArray(4, kappa=1.0), dicke_state(4, 1))
    assert fs.dark_weight == pytest.approx(0.0, abs=1e-12)


# --------------------------------------------------------------------------------------------
# quantum clockwork, Fig. 1(c) and 3(e).  Assumptions (clockwork.py, A1-A8):
# A1 qudit |0⟩,|1⟩,|2⟩,|3⟩; working transition |2⟩→|1⟩ decays cooperatively with the qubit,
#    o⁻ = σ⁻ + |1⟩⟨2|, dark state (|e,1⟩ − |g,2⟩)/√2;
# A2 coherent resonant pump ε(|3⟩⟨0| + h.c.);  A3 γ: |3⟩→|2⟩;  A4 β: |1⟩→|0⟩;
# A5 α on the qubit and on the qudit working transition;  A6 δ on the working transition;
# A7 defaults α/κ = 0.05, δ/κ = 0.1 (not given for Fig. 3e);  A8 start in |g,0⟩; E_N in nats
#    (paper log₂ = E_N / ln 2).
# --------------------------------------------------------------------------------------------
def _fig3e(**kw) -> Clockwork:
    params = {
        "kappa": ref("fig3e_kappa"),
        "gamma": ref("fig3e_gamma_over_kappa"),
        "beta": ref("fig3e_beta_over_kappa"),
        "epsilon": ref("fig3e_epsilon_over_kappa"),
    }
    return Clockwork(**(params | kw))


def test_clockwork_dark_state_is_dark():
    cw = _fig3e()
    assert (cw.collective_lowering() * cw.dark_state()).norm() < 1e-14


def test_clockwork_steady_entanglement_with_detuning_and_decay():
    ss = clockwork_steady_state(_fig3e(alpha=0.05, delta=0.1))
    assert ss.convergence.converged
    # the claim of Fig. 3(e): nonzero steady-state E_N despite α and δ; 0.01 nats is far
    # above the solver's round-off (residual < 1e-9)
    assert ss.log_negativity > 0.01
    assert ss.log_negativity_log2 == pytest.approx(ss.log_negativity / np.log(2))
    assert ss.dark_population > 0.1
    assert "log2" in str(ss) and "log_negativity_nats" in ss.to_frame().columns


def test_clockwork_needs_the_pump():
    """Without pump the steady state is |g,0⟩: no entanglement (the clockwork is essential)."""
    ss = clockwork_steady_state(_fig3e(epsilon=0.0))
    assert ss.log_negativity == pytest.approx(0.0, abs=1e-12)
    ground = qutip.tensor(qutip.basis(2, 0), qutip.basis(4, 0))
    assert qutip.expect(ss.rho, ground) == pytest.approx(1.0, abs=1e-9)


def test_clockwork_rate_assignment_a4():
    """A4: with γ on 3→2 and β on 1→0 (ours) the entanglement is larger than swapped."""
    ours = clockwork_steady_state(_fig3e()).log_negativity
    swapped = clockwork_steady_state(
        Clockwork(kappa=1.0, gamma=0.1, beta=3.0, epsilon=2.0)
    ).log_negativity
    assert ours > 3 * swapped


def test_clockwork_trace_reaches_steady_state():
    cw = _fig3e()
    ev = clockwork_evolve(cw, np.linspace(0.0, 80.0, 81))
    ss = clockwork_steady_state(cw)
    assert ev.log_negativity[0] == pytest.approx(0.0, abs=1e-12)  # product state |g,0⟩
    # relaxation: slowest rate ~ β-limited cycle, e^{-...} at κt = 80 well below 1e-4
    assert ev.log_negativity[-1] == pytest.approx(ss.log_negativity, abs=1e-4)
    assert list(ev.to_frame().columns) == [
        "t",
        "log_negativity_nats",
        "log_negativity_log2",
        "dark_population",
    ]


# --------------------------------------------------------------------------------------------
# results and bad input
# --------------------------------------------------------------------------------------------
def test_result_frames_and_text():
    model = CooperativeArray(2, kappa=1.0)
    res = evolve(model, "10", [0.0, 1.0])
    assert list(res.to_frame().columns) == ["t", "energy_hbar_omega", "dark_weight"]
    assert "E/ħω" in str(res)
    fs = final_state(model, "10")
    assert list(fs.to_frame().columns) == ["qubits", "energy_hbar_omega", "dark_weight", "method"]
    assert "dark weight" in str(fs)
    assert res.log_negativity(0, 1)[-1] > 0
    # ρ₂(∞)^T: block {|00⟩,|11⟩} = [[1/2, −1/4], [−1/4, 0]], negative eigenvalue (1 − √2)/4,
    # so ‖ρ^T‖₁ = 1 + (√2 − 1)/2 = (1 + √2)/2 and E_N = ln((1 + √2)/2)
    assert fs.log_negativity(0, 1) == pytest.approx(np.log((1 + np.sqrt(2)) / 2), abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"qubits": 1, "kappa": 1.0}, "qubits"),
        ({"qubits": 2.5, "kappa": 1.0}, "qubits"),
        ({"qubits": 2, "kappa": -1.0}, "kappa"),
        ({"qubits": 2, "kappa": 0.0}, "kappa"),
        ({"qubits": 2, "kappa": 1.0, "alpha": -0.1}, "alpha"),
        ({"qubits": 2, "kappa": 1.0, "dephasing": -0.1}, "dephasing"),
        ({"qubits": 2, "kappa": 1.0, "omega": 0.0}, "omega"),
        ({"qubits": 3, "kappa": 1.0, "detunings": (0.0, 0.1)}, "detunings"),
        ({"qubits": 3, "kappa": 1.0, "phases": "abc"}, "phases"),
    ],
)
def test_bad_model_parameters(kwargs, name):
    with pytest.raises(ParameterError, match=f"`{name}`"):
        CooperativeArray(**kwargs)


@pytest.mark.parametrize(
    ("initial", "why"),
    [
        ("1000", "bitstring"),
        ("1a0", "bitstring"),
        (qutip.basis(4, 0), "dimension"),
        (np.eye(4) / 4, "8x8"),
        (np.array([[0.5, 0.1], [0.3, 0.5]]), "8x8"),
        (np.diag([0.5, 0.6, 0, 0, 0, 0, 0, 0]), "trace"),
        (np.diag([1.2, -0.2, 0, 0, 0, 0, 0, 0]), "negative eigenvalue"),
        (np.triu(np.ones((8, 8))) / 8, "Hermitian"),
        (np.ones(8), "normalised"),
    ],
)
def test_bad_initial_state(initial, why):
    with pytest.raises(ParameterError, match="`initial`") as err:
        evolve(CooperativeArray(3, kappa=1.0), initial, [0.0, 1.0])
    assert why in str(err.value)


def test_bad_times_method_and_indices():
    model = CooperativeArray(2, kappa=1.0)
    with pytest.raises(ParameterError, match="`times`"):
        evolve(model, "10", [1.0, 0.5])
    with pytest.raises(ParameterError, match="`method`"):
        evolve(model, "10", [0.0, 1.0], method="rk4")
    with pytest.raises(ParameterError, match="`method`"):
        evolve(CooperativeArray(2, kappa=1.0, detunings=(0, 0.1)), "10", [0, 1], method="dicke")
    with pytest.raises(ParameterError, match="`initial`"):
        evolve(model, bell_state(-1), [0.0, 1.0], method="dicke")
    res = evolve(model, "10", [0.0, 1.0])
    with pytest.raises(ParameterError, match="`i` and `j`"):
        res.concurrence(1, 1)
    with pytest.raises(ParameterError, match="`j`"):
        res.concurrence(0, 2)
    with pytest.raises(ParameterError, match="`model`"):
        evolve("not a model", "10", [0.0])  # type: ignore[arg-type]


def test_bad_clockwork_parameters():
    with pytest.raises(ParameterError, match="`gamma`"):
        Clockwork(gamma=-1.0)
    with pytest.raises(ParameterError, match="`pump`"):
        Clockwork(pump="laser")
    with pytest.raises(ParameterError, match="`kappa`"):
        Clockwork(kappa=0.0)


# --------------------------------------------------------------------------------------------
# slow: the generic solver at N = 10 against the Dicke route
# --------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_n10_half_filled_generic_vs_dicke():
    n = 10
    bits = "1" * 5 + "0" * 5
    model = CooperativeArray(n, kappa=1.0, alpha=0.02)
    _assert_dicke_matches_generic(model, bits, np.linspace(0.0, 1.0, 3), 1e-10)


# --- decay rate of the one-excitation dark states (budget figure `lifetime`) -------------------
# Two identical qubits, one excitation, in the basis |B⟩, |D⟩ = (|10⟩ ± |01⟩)/√2: the bright
# population decays at 4κ (paper 003, L[o] = 2D[o], o⁺o = 2|B⟩⟨B|), every population at 2α more,
# and dephasing (γ_φ/2)D[σ_z] damps the coherence ⟨10|ρ|01⟩ at 2γ_φ, i.e. moves population
# between B and D at rate γ_φ: d(p_B, p_D)/dt = [[−4κ − γ_φ, γ_φ], [γ_φ, −γ_φ]] (p_B, p_D) − 2α.
# The slower eigenvalue is Γ = 2α + 2κ + γ_φ − √(4κ² + γ_φ²) (the B–D coherence decays at
# ≥ 2κ, faster), exact for every κ, α, γ_φ.
@pytest.mark.parametrize(("kappa", "alpha", "dephasing"), [(1.0, 0.0, 0.3), (0.5, 0.05, 2.0)])
def test_dark_decay_rate_two_qubits_closed_form(kappa, alpha, dephasing):
    from qnet_design.schemes.cooperative import dark_decay_rate

    model = CooperativeArray(2, kappa, alpha=alpha, dephasing=dephasing)
    expected = 2 * alpha + 2 * kappa + dephasing - math.sqrt(4 * kappa**2 + dephasing**2)
    assert dark_decay_rate(model) == pytest.approx(expected, rel=1e-10)


def test_dark_decay_rate_limits():
    from qnet_design.schemes.cooperative import dark_decay_rate

    # α alone: every one-excitation state decays at 2α on top (paper 003 after Eq. 3), exact
    assert dark_decay_rate(CooperativeArray(4, 1.0, alpha=0.01)) == pytest.approx(0.02, rel=1e-10)
    # weak dephasing, N identical qubits: it moves a fraction 1/N of the dark population to the
    # bright state per coherence time, Γ → 2γ_φ/N; the correction is O(γ_φ/(Nκ)) relative
    # (−γ_φ/(4κ) for N = 2 from the closed form above), so rel 1e-3 at γ_φ/κ = 1e-3
    for n in (3, 5):
        rate = dark_decay_rate(CooperativeArray(n, 1.0, dephasing=1e-3))
        assert rate == pytest.approx(2e-3 / n, rel=1e-3)
    # no α, no dephasing, one of three qubits detuned: qubits 0 and 2 keep the dark state
    # (|100⟩ − |001⟩)/√2, which never decays
    detuned = CooperativeArray(3, 1.0, detunings=(0.0, 0.1, 0.0))
    assert dark_decay_rate(detuned) == pytest.approx(0.0, abs=1e-12)
