"""Atoms of paper 004 through the effective spin model (cavities eliminated), Fig. 3(b).

Zippilli et al., PRL 110, 040503 (2013), p. 4 and Fig. 3(b): N = 3, κ_j = 0, λ = Γ, g = 0.01Γ,
n̄ = 1, E_N^(at)[j, N+j] (log₂) versus m̄. The effective model is derived in
qnet_design/schemes/cv_replication/effective.py (the paper's Supplement is unavailable). It is
checked here against closed forms derived independently of that route:

* N = 1, λ = 0: eliminating one cavity of amplitude rate Γ gives the paper's L_S on the atoms at
  rate g²/Γ with m̄ → −m̄ (no Lamb shift), compared superoperator by superoperator.
* Vacuum drive, single-excitation sector: amplitude-level adiabatic elimination
  (ċ = −i g b, ḃ = M_a b − i g c ⇒ ċ = g M_a⁻¹ g c) must equal −iH_LS − ½ΣL†L; this fixes the
  Lamb shift and its sign, which the dark-state test below cannot see.
* Squeezed vacuum: Eq. (1) exactly (dark state of the squeezed frame, see effective.py).
* N = 1 thermal drive: the exact master equation, error ∝ g².
Reference numbers: data/cv_replication_reference.toml.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
import qutip

from qnet_design.errors import ParameterError, UnstableError
from qnet_design.schemes.cv_replication import (
    ReplicationArrays,
    WeakCouplingWarning,
    analytic_pair_state,
    atom_array_steady_state,
    pair_log_negativities,
    spin_chain_steady_state,
)
from qnet_design.schemes.cv_replication.effective import effective_spin_model
from qnet_design.schemes.cv_replication.spins import _squeezed_drive

REF = tomllib.loads(
    (Path(__file__).parents[1] / "data" / "cv_replication_reference.toml").read_text()
)
SQ2 = math.sqrt(2.0)


def ref(*keys: str) -> float:
    entry = REF
    for k in keys:
        entry = entry[k]
    return float(entry["value"])


def fig3b(mbar: float, sites: int | None = None, g: float | None = None):
    """Atoms of Fig. 3(b) at the paper's parameters (reference file), effective model."""
    n = int(ref("fig3bc", "sites")) if sites is None else sites
    return atom_array_steady_state(
        n,
        ref("fig3bc", "hopping"),
        ref("fig3bc", "coupling_g") if g is None else g,
        ref("fig3bc", "drive_rate"),
        ref("fig3bc", "nbar"),
        mbar,
        cutoff=2,
        loss=ref("fig3bc", "loss"),
        method="effective",
    )


# ---- the effective generator against closed forms ------------------------------------------------


@pytest.mark.parametrize(("nbar", "mbar"), [(1.0, 1.3), (0.4, -0.5), (2.0, 0.0)])
def test_single_pair_effective_model_is_the_paper_drive_at_rate_g2_over_gamma(nbar, mbar):
    g, gamma = 0.02, 1.5
    model = effective_spin_model(1, np.zeros(0), np.array([g]), gamma, nbar, mbar, np.zeros(2))
    s1 = qutip.tensor(qutip.destroy(2), qutip.qeye(2))
    s2 = qutip.tensor(qutip.qeye(2), qutip.destroy(2))
    rate = ref("effective_n1", "rate_over_g2") * g * g / gamma
    expected = _squeezed_drive(s1, s2, rate, nbar, -mbar)
    diff = (model.liouvillian() - expected).full()
    # both sides are exact closed forms of size g²/Γ ~ 3e-4: agreement to round-off
    assert np.max(np.abs(diff)) < 1e-15
    assert np.max(np.abs(model.lamb)) < 1e-18  # one cavity per atom, no hopping: no Lamb shift


@pytest.mark.parametrize("sites", [2, 3])
def test_vacuum_drive_single_excitation_block_equals_amplitude_elimination(sites):
    n = sites
    g = np.array([0.01, 0.02, 0.015][:n])
    hop = np.array([1.0, 0.6][: n - 1])
    kappa = np.linspace(0.0, 0.05, 2 * n)
    gamma = 0.8
    model = effective_spin_model(n, hop, g, gamma, 0.0, 0.0, kappa)
    # M_a = −i h − damping (amplitude rates), written out independently of the package
    h = np.zeros((2 * n, 2 * n))
    for k in (0, n):
        for j in range(n - 1):
            h[k + j, k + j + 1] = h[k + j + 1, k + j] = hop[j]
    damping = kappa.copy()
    damping[[0, n]] += gamma
    ma = -1j * h - np.diag(damping)
    gg = np.concatenate([g, g])
    expected = gg[:, None] * np.linalg.inv(ma) * gg[None, :]
    k_nh = -1j * model.hamiltonian - 0.5 * sum(op.dag() * op for op in model.jump_operators)
    m = 2 * n
    kets = [qutip.basis([2] * m, [1 if k == i else 0 for k in range(m)]) for i in range(m)]
    got = np.array(
        [[k_nh.matrix_element(kets[i].dag(), kets[j]) for j in range(m)] for i in range(m)]
    )
    # both ~g²τ_c ~ 1e-3; two linear solves of a 2N×2N system: round-off ~1e-18
    np.testing.assert_allclose(got, expected, atol=1e-15)


def test_kossakowski_matrix_psd_with_four_channels_for_lossless_cavities():
    model = effective_spin_model(3, np.ones(2), np.full(3, 0.01), 1.0, 1.0, 1.3, np.zeros(6))
    w = np.linalg.eigvalsh(model.kossakowski)
    assert np.allclose(model.kossakowski, model.kossakowski.conj().T, atol=0.0)
    # clipped to PSD (re-diagonalising leaves round-off ~1e-16 of the largest rate); before
    # clipping only round-off too (Bochner: the spectral matrix is PSD)
    assert w.min() >= -1e-14 * w.max()
    assert model.min_kossakowski_eigenvalue > -1e-10 * w.max()
    # lossless cavities: energy leaves only through the two driven inputs a_1^in, a_{N+1}^in
    # (and their adjoints), so the spectral matrix at the atomic frequency has rank 4
    assert int(np.sum(w > 1e-12 * w.max())) == 4 == len(model.jump_operators)


# ---- steady states -----------------------------------------------------------------------------


@pytest.mark.parametrize("sites", [1, 2, 3])
def test_effective_model_reaches_eq1_for_squeezed_vacuum(sites):
    res = fig3b(SQ2, sites=sites)
    # Eq. (1) is an exact dark state of the effective generator (effective.py docstring);
    # a dense solve of ≤ 924 equations: fidelity to round-off, 1e-8 is generous
    assert qutip.expect(res.state, analytic_pair_state(sites, 1.0)) == pytest.approx(1.0, abs=1e-8)
    assert res.method == "effective"
    assert res.residual < 1e-15  # full (not sector-restricted) Liouvillian, rates ~1e-3
    np.testing.assert_allclose(
        res.pair_log_negativities(), ref("pair_log_negativity_log2_eq1_nbar1"), atol=1e-8
    )


def test_steady_state_is_unique_n2():
    model = effective_spin_model(2, np.ones(1), np.full(2, 0.01), 1.0, 1.0, 1.38, np.zeros(4))
    ev = np.sort(np.abs(np.linalg.eigvals(model.liouvillian().full())))
    # one zero eigenvalue (round-off ~1e-19), the next one a fraction of the rates ~1e-4
    assert ev[0] < 1e-15 and ev[1] > 1e-7


def test_effective_against_exact_master_equation_single_pair():
    """N = 1, thermal drive m̄ = 1.39 < √2: error of the effective model ∝ g²."""
    errors = []
    for g in (0.01, 0.02):
        exact = atom_array_steady_state(
            1, 0.0, g, 1.0, 1.0, 1.39, cutoff=5, tolerance=1e-6, method="exact"
        )
        eff = atom_array_steady_state(1, 0.0, g, 1.0, 1.0, 1.39, cutoff=5, method="effective")
        assert exact.method == "exact"
        errors.append(qutip.tracedist(exact.state, eff.state))
        # the result's own estimate of the neglected order, ε² = γ_max τ_c (6e-4 at g = 0.01),
        # must bound the actual error (measured ≈ 0.09 ε²); the exact solution's cutoff
        # error (≤ 1e-6 trace distance) is 50× below the g = 0.01 error
        assert eff.convergence is not None and eff.convergence.converged
        assert errors[-1] < eff.convergence.change
    # second order in g: doubling g multiplies the error by 4 (O(g) would give 2, O(g³) 8)
    assert 3.5 < errors[1] / errors[0] < 4.5
    assert errors[0] < 1e-4  # = 1·g²/Γ² at g = 0.01: the effective model is O(g²/Γ²) accurate


def test_fig3b_atoms_fall_with_mbar_faster_than_cavities_and_follow_spins():
    mbars = [1.3, 1.35, 1.38, 1.4, 1.41, SQ2]
    n = int(ref("fig3bc", "sites"))
    atoms = np.array([fig3b(mb).pair_log_negativities() for mb in mbars])
    spins = np.array(
        [spin_chain_steady_state(n, 1.0, 1.0, 1.0, mb).pair_log_negativities() for mb in mbars]
    )
    cav = np.array(
        [pair_log_negativities(ReplicationArrays(n, 1.0, 1.0, 1.0, mb)).values for mb in mbars]
    )
    # every atom pair decreases as m̄ decreases from √2 (1e-12: solve round-off)
    assert np.all(np.diff(atoms, axis=0) >= -1e-12)
    np.testing.assert_allclose(atoms[-1], ref("pair_log_negativity_log2_eq1_nbar1"), atol=1e-8)
    # cavities (κ_j = 0): exact replication of the drive, by hand −ln(0.3) at m̄ = 1.35
    assert cav[1] == pytest.approx(ref("cavity_log_negativity_nbar1_mbar1p35"), abs=1e-9)
    # "decreases more rapidly with decreasing m̄": relative to their m̄ = √2 values, every atom
    # pair has lost more than the cavities at every m̄ < √2, and is separable at m̄ = 1.35 where
    # the cavities keep 68 % of their E_N
    assert np.all(atoms[:-1] / atoms[-1] < cav[:-1] / cav[-1])
    # (E_N of a separable pair is 0 up to round-off ~1e-16 in the PT eigenvalues)
    assert np.all(atoms[1] < 1e-12) and np.all(cav[1] > 0.5)
    # "very similar results" for the XX spin chains (Fig. 3c): same Eq. (1) end point, both
    # separable at m̄ = 1.3, the driven pair the most robust in both, and the driven pair's
    # curves within 0.1 (≈ 10 % of the Eq. (1) value; measured max 0.056 at m̄ = 1.38)
    assert np.all(spins[0] < 1e-12) and np.all(atoms[0] < 1e-12)
    for k in (2, 3):
        assert np.argmax(atoms[k]) == 0 and np.argmax(spins[k]) == 0
    np.testing.assert_allclose(atoms[:, 0], spins[:, 0], atol=0.1)


# ---- API, warnings, bad input -------------------------------------------------------------------


def test_auto_method_picks_exact_for_one_site_and_effective_otherwise():
    one = atom_array_steady_state(1, 0.0, 0.01, 1.0, 1.0, SQ2, cutoff=2)
    three = atom_array_steady_state(3, 1.0, 0.01, 1.0, 1.0, SQ2, cutoff=2)
    assert one.method == "exact" and one.effective is None
    assert three.method == "effective" and three.effective is not None
    assert "effective" in str(three) and "epsilon" in str(three.effective)
    assert three.convergence is not None and three.convergence.parameter == "weak_coupling_epsilon"
    assert list(three.effective.to_frame().columns) == ["channel", "rate"]


def test_strong_coupling_warns():
    # g = 0.1 at N = 2: ε = √(γ_max τ_c) ≈ 0.35 > 0.1, neglected order ~10 %
    with pytest.warns(WeakCouplingWarning, match="epsilon"):
        res = atom_array_steady_state(2, 1.0, 0.1, 1.0, 1.0, 1.4, cutoff=2)
    assert res.convergence is not None and not res.convergence.converged


def test_bad_method():
    with pytest.raises(ParameterError, match="method"):
        atom_array_steady_state(2, 1.0, 0.01, 1.0, 1.0, SQ2, cutoff=2, method="adiabatic")


def test_bad_effective_zero_coupling():
    with pytest.raises(ParameterError, match="coupling_g"):
        atom_array_steady_state(
            2, 1.0, np.array([0.01, 0.0]), 1.0, 1.0, SQ2, cutoff=2, method="effective"
        )


def test_bad_effective_too_many_sites():
    with pytest.raises(ParameterError, match="sites"):
        atom_array_steady_state(4, 1.0, 0.01, 1.0, 1.0, SQ2, cutoff=2)


def test_bad_effective_zero_hopping_is_unstable():
    # λ = 0 without losses cuts cavity 2 off the drive: the cavity bath has no steady state
    with pytest.raises(UnstableError, match="hopping"):
        atom_array_steady_state(2, 0.0, 0.01, 1.0, 1.0, SQ2, cutoff=2)
