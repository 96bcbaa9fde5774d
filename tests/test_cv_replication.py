"""Tests of the cv_replication scheme (paper 004, Zippilli et al., PRL 110, 040503 (2013)).

Reference numbers come from data/cv_replication_reference.toml (closed forms of the paper
evaluated by hand, figure parameters, qualitative claims). Derivations used here:

* Exact replication (p. 3): for κ_j = 0 every pair (j, N+j) is in the two-mode squeezed thermal
  state of the drive, so E_N[j, N+j] = −ln(2n̄ + 1 − 2|m̄|) and ⟨a_ja_{N+j}⟩ = (−1)^j m̄ (the
  alternating exponent of U_{j,N+j}; the printed +2Γm̄ in L_S fixes the overall sign).
* Eq. (1) for a squeezed-vacuum drive; the directly driven spins reach it up to Π_j σᶻ_{N+j}
  (decision documented in qnet_design/schemes/cv_replication/spins.py).
* A single pair (N = 1) with losses is solved independently with QuTiP in a truncated Fock space
  from the paper's master equation written term by term; it checks the rate conventions (Γ, κ as
  amplitude rates) and the sign of m̄ handed to the Gaussian engine.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
import qutip

from qnet_design.errors import ConvergenceError, ParameterError, UnstableError
from qnet_design.schemes.cv_replication import (
    ReplicationArrays,
    analytic_pair_state,
    atom_array_steady_state,
    covariance,
    disorder_average,
    pair_log_negativities,
    spin_chain_steady_state,
    squeezed_thermal_bath,
)
from qnet_design.schemes.cv_replication.oscillators import _full_covariance
from qnet_design.schemes.cv_replication.spins import _squeezed_drive
from qnet_design.solvers import gaussian
from qnet_design.solvers.blas import serial_blas

REF = tomllib.loads(
    (Path(__file__).parents[1] / "data" / "cv_replication_reference.toml").read_text()
)
SQ2 = math.sqrt(2.0)  # m̄ of the squeezed vacuum with n̄ = 1, used by most figures


def ref(*keys: str) -> float:
    entry = REF
    for k in keys:
        entry = entry[k]
    return float(entry["value"])


def drive_en(nbar: float, mbar: float) -> float:
    """Paper 004 p. 2, written out here independently of the package."""
    return max(0.0, -math.log(2 * nbar + 1 - 2 * abs(mbar)))


# ---- the driving field ---------------------------------------------------------------------------


def test_squeezed_thermal_bath_formulas():
    nbar, mbar = squeezed_thermal_bath(0.7, 0.3)
    assert nbar == pytest.approx(0.3 + 1.6 * math.sinh(0.7) ** 2, rel=1e-14)
    assert mbar == pytest.approx(0.8 * math.sinh(1.4), rel=1e-14)
    # physical, and entangled iff m̄ > n̄ (p. 2); a thermal source (r = 0) is not
    assert mbar**2 <= nbar * (nbar + 1)
    assert squeezed_thermal_bath(0.0, 0.5) == (0.5, 0.0)


def test_drive_log_negativity_reference_value():
    m = ReplicationArrays(1, 0.0, 1.0, 1.0, SQ2)
    # closed form evaluated by hand in the reference file; rounding only (1e-12)
    assert m.drive_log_negativity == pytest.approx(
        ref("drive_log_negativity_sqvac_nbar1"), abs=1e-12
    )
    nbar, mbar = squeezed_thermal_bath(0.9, 0.0)
    # squeezed vacuum of parameter r carries E_N = 2r
    assert ReplicationArrays(1, 0.0, 1.0, nbar, mbar).drive_log_negativity == pytest.approx(1.8)


# ---- exact replication (p. 3) --------------------------------------------------------------------

PATTERNS = [
    (1, 0.0),
    (2, 0.3),
    (7, [1.0, 0.2, 2.5, -0.7, 1.1, 0.4]),
    # a smooth random pattern; strongly graded patterns (e.g. 0.1 → 3 over 30 sites) localise
    # normal modes away from the drive, damp them at ~1e-16 and are rejected as unstable
    (30, 1.0 + 0.5 * np.sin(np.arange(29))),
]


@pytest.mark.parametrize(("sites", "hopping"), PATTERNS)
@pytest.mark.parametrize(("r", "n_t"), [(0.5, 0.0), (0.8, 0.2), (1.3, 1.0)])
def test_exact_replication_lossless(sites, hopping, r, n_t):
    nbar, mbar = squeezed_thermal_bath(r, n_t)
    e = pair_log_negativities(ReplicationArrays(sites, hopping, 0.7, nbar, mbar))
    # Lyapunov residuals are ~1e-15; 1e-9 leaves room for the conditioning of long chains
    np.testing.assert_allclose(e.values, drive_en(nbar, mbar), atol=1e-9)
    np.testing.assert_allclose(e.occupations, nbar, atol=1e-9)


def test_exact_replication_alternating_pair_correlations():
    nbar, mbar = squeezed_thermal_bath(0.6, 0.1)
    n = 6
    v = covariance(ReplicationArrays(n, [1.0, 0.5, 2.0, 1.5, 0.8], 1.3, nbar, mbar))
    for j in range(1, n + 1):
        block = gaussian.reduced(v, [j - 1, n + j - 1])
        # engine convention: ⟨ab⟩ = m (real) gives the off-diagonal block m·diag(1, −1)
        np.testing.assert_allclose(block[:2, 2:], (-1) ** j * mbar * np.diag([1, -1]), atol=1e-9)


def test_replication_with_pattern_but_unequal_arrays_is_not_exact():
    # p. 3: "as long as the two arrays remain equal" — a mismatch must cost entanglement
    hop = np.array([[1.0, 1.0, 1.0], [1.0, 1.4, 1.0]])
    e = pair_log_negativities(ReplicationArrays(4, hop, 1.0, 1.0, SQ2))
    assert e.route == "full"
    assert np.all(e.values[1:] < drive_en(1.0, SQ2) - 1e-3)


def test_symmetric_route_equals_full_route():
    rng = np.random.default_rng(3)
    m = ReplicationArrays(7, rng.uniform(0.2, 2, 6), 0.8, 1.0, 1.2, loss=rng.uniform(0, 0.4, 7))
    assert m.equal_arrays
    # same physics, different linear algebra: agreement to rounding (1e-10)
    np.testing.assert_allclose(covariance(m), _full_covariance(m)[0], atol=1e-10)
    assert gaussian.is_physical(covariance(m))


def test_single_pair_against_qutip_master_equation():
    """N = 1 with losses: the paper's L_S and L_D written with QuTiP operators."""
    gamma, kappa, nbar, mbar, cutoff = 0.8, 0.3, 0.1, 0.3, 9
    a1 = qutip.tensor(qutip.destroy(cutoff), qutip.qeye(cutoff))
    a2 = qutip.tensor(qutip.qeye(cutoff), qutip.destroy(cutoff))
    liou = _squeezed_drive(a1, a2, gamma, nbar, mbar)
    for a in (a1, a2):
        liou = liou + kappa * 2.0 * qutip.lindblad_dissipator(a)  # κ(2aρa† − {a†a, ρ})
    with serial_blas():
        rho = qutip.steadystate(liou)
    # pair occupation ~0.07: the top level (8) holds ~1e-9, so 1e-7 is safe
    v = covariance(ReplicationArrays(1, 0.0, gamma, nbar, mbar, loss=kappa))
    n_g = 0.5 * (v[0, 0] + v[1, 1]) - 0.5
    m_g = 0.5 * (v[0, 2] - v[1, 3])  # ⟨a₁a₂⟩ (real) from the off-diagonal block
    assert qutip.expect(a1.dag() * a1, rho) == pytest.approx(n_g, abs=1e-7)
    assert qutip.expect(a1 * a2, rho).real == pytest.approx(m_g, abs=1e-7)
    # closed form of one damped pair: n = Γn̄/(Γ+κ), ⟨a₁a₂⟩ = −Γm̄/(Γ+κ)
    assert n_g == pytest.approx(gamma * nbar / (gamma + kappa), rel=1e-12)
    assert m_g == pytest.approx(-gamma * mbar / (gamma + kappa), rel=1e-12)


def test_zero_hopping_without_loss_is_unstable():
    with pytest.raises(UnstableError, match="hopping"):
        pair_log_negativities(ReplicationArrays(3, [1.0, 0.0], 1.0, 1.0, SQ2))


# ---- Fig. 2 --------------------------------------------------------------------------------------


def test_fig2a_loss_profile_and_far_end_revival():
    n = int(ref("fig2a", "sites"))
    profiles = [
        pair_log_negativities(ReplicationArrays(n, 1.0, 1.0, 1.0, SQ2, loss=k)).normalized
        for k in (0.05, 0.1, 0.2)
    ]
    for e in profiles:
        assert np.argmax(e) == 0  # the driven pair is the most entangled
        j_min = int(np.argmin(e))
        assert n - 4 <= j_min < n - 1  # the minimum sits a few pairs before the far end ...
        assert np.all(np.diff(e[: j_min + 1]) < 0)  # ... reached monotonically ...
        assert np.all(np.diff(e[j_min:]) > 0)  # ... followed by a weak revival
        assert e[-1] < 0.5 * e[0]  # "weak"
    # entanglement decreases with the decay rate, pair by pair
    assert np.all(profiles[0] > profiles[1]) and np.all(profiles[1] > profiles[2])


def test_fig2b_mild_decay_with_size():
    kappa = ref("fig2b", "loss")
    first = [
        pair_log_negativities(ReplicationArrays(n, 1.0, 1.0, 1.0, SQ2, loss=kappa)).normalized[0]
        for n in (2, 5, 10, 20, 60)
    ]
    assert np.all(np.diff(first) < 0)
    assert first[-1] > 0.4  # nonvanishing for large N (Fig. 2b): pair 1 keeps ~0.45
    e = pair_log_negativities(ReplicationArrays(60, 1.0, 1.0, 1.0, SQ2, loss=kappa))
    assert np.all(e.values[:10] > 0)


def test_fig2c_squeezed_vacuum_sweep_saturates_below_drive():
    n, kappa = int(ref("fig2cd", "sites")), ref("fig2cd", "loss")
    nbars = [0.1, 1.0, 10.0, 100.0, 1000.0]
    rows = []
    for nb in nbars:
        e = pair_log_negativities(
            ReplicationArrays(n, 1.0, 1.0, nb, math.sqrt(nb * (nb + 1)), loss=kappa)
        )
        rows.append(e.normalized)
        assert np.all(e.values < e.drive)
    rows = np.array(rows)
    assert np.all(np.diff(rows, axis=0) > 0)  # increases with n̄ ...
    # ... and saturates (last decade changes < 1 %) well below the drive's normalised E_N
    assert np.all(rows[-1] - rows[-2] < 0.01)
    assert np.all(rows[-1] < 0.6)
    drive_norm = [drive_en(nb, math.sqrt(nb * (nb + 1))) for nb in nbars]
    assert drive_norm[-1] / (1 + drive_norm[-1]) > 0.89  # gray line → 1 as n̄ → ∞


def test_fig2d_entangled_for_every_entangled_drive():
    n, kappa = int(ref("fig2cd", "sites")), ref("fig2cd", "loss")
    for mb in (1.001, 1.05, 1.2, SQ2):
        e = pair_log_negativities(ReplicationArrays(n, 1.0, 1.0, 1.0, mb, loss=kappa))
        assert np.all(e.values > 0)
    for mb in (0.0, 0.5, 1.0):  # m̄ ≤ n̄: the drive is separable, so are the pairs
        e = pair_log_negativities(ReplicationArrays(n, 1.0, 1.0, 1.0, mb, loss=kappa))
        np.testing.assert_allclose(e.values, 0.0, atol=1e-12)


def _end_loss_profiles(n: int, kappas: np.ndarray) -> np.ndarray:
    out = []
    for k in kappas:
        loss = np.zeros(n)
        loss[-1] = k  # κ_N = κ_2N, all others zero
        out.append(
            pair_log_negativities(ReplicationArrays(n, 1.0, 1.0, 1.0, SQ2, loss=loss)).values
        )
    return np.array(out)


def test_fig2e_end_losses():
    kappas = np.geomspace(0.05, 20.0, 61)
    e = _end_loss_profiles(8, kappas)
    # pairs 2..N−1 share one curve (dash-dotted line); rounding-level agreement
    np.testing.assert_allclose(e[:, 1:-1], e[:, [1]] * np.ones((1, 6)), rtol=1e-9)
    for j in (0, 1):
        k_min = kappas[np.argmin(e[:, j])]
        assert k_min == pytest.approx(ref("fig2e", "minimum_kappa_end"), rel=0.1)
    assert np.all(np.diff(e[:, -1]) < 0)  # pair (N, 2N) decreases monotonically
    # large κ_N decouples the last cavities: the others return to the drive's E_N
    far = _end_loss_profiles(8, np.array([1e5]))[0]
    np.testing.assert_allclose(far[:-1], drive_en(1.0, SQ2), rtol=1e-4)
    # independent of N (checked up to the paper's N = 30)
    e30 = _end_loss_profiles(int(ref("fig2e", "max_sites_checked")), kappas[::10])
    np.testing.assert_allclose(e30[:, :2], e[::10, :2], rtol=1e-9)
    np.testing.assert_allclose(e30[:, -1], e[::10, -1], rtol=1e-9)


# ---- Fig. 3a -------------------------------------------------------------------------------------


def test_fig3a_disorder_average():
    n, kappa = int(ref("fig3a", "sites")), ref("fig3a", "loss")
    m = ReplicationArrays(n, 1.0, 1.0, 1.0, SQ2, loss=kappa)
    clean = pair_log_negativities(m).values
    zero = disorder_average(m, 0.0, 3, seed=1)
    np.testing.assert_allclose(zero.mean, clean, rtol=1e-12)
    means = []
    for w in (0.1, 0.3, 0.6):
        d = disorder_average(m, w, 40, seed=7)
        assert np.all(d.minimum <= d.mean) and np.all(d.mean <= d.maximum)
        means.append(d.mean_normalized)
    # asymmetric arrays lose entanglement as the width grows (Fig. 3a), beyond the first pair
    means = np.array(means)
    assert np.all(means[1:] < means[:-1])
    # "remains valid as long as they are not too strong": at a width of 30 % of λ₀ every
    # pair keeps a mean E_N^(cav) > 0.1 (vs 0.39-0.56 without disorder)
    assert np.all(means[1] > 0.1)
    again = disorder_average(m, 0.6, 40, seed=7)
    np.testing.assert_array_equal(again.mean, disorder_average(m, 0.6, 40, seed=7).mean)


def test_disorder_shared_by_both_arrays_keeps_exact_replication():
    m = ReplicationArrays(6, 1.0, 1.0, 1.0, SQ2)
    d = disorder_average(m, 0.8, 10, seed=2, same_in_both=True)
    np.testing.assert_allclose(d.minimum, drive_en(1.0, SQ2), atol=1e-9)
    np.testing.assert_allclose(d.maximum, drive_en(1.0, SQ2), atol=1e-9)


# ---- spins and atoms -----------------------------------------------------------------------------


def _second_chain_z(sites: int) -> qutip.Qobj:
    return qutip.tensor([qutip.qeye(2)] * sites + [qutip.sigmaz()] * sites)


@pytest.mark.parametrize(
    ("sites", "nbar"),
    [(1, 0.3), (1, 4.0), (2, 1.0), (2, 4.0), pytest.param(3, 1.0, marks=pytest.mark.slow)],
)
def test_spin_chain_reaches_eq1_for_squeezed_vacuum(sites, nbar):
    res = spin_chain_steady_state(sites, 1.0, 1.0, nbar, math.sqrt(nbar * (nbar + 1)))
    psi = _second_chain_z(sites) * analytic_pair_state(sites, nbar)
    # direct sparse solve of a ≤4096-dim Liouvillian: fidelity exact to ~1e-8
    assert qutip.expect(res.state, psi) == pytest.approx(1.0, abs=1e-7)
    assert res.residual < 1e-10


def test_eq1_reference_numbers():
    psi = analytic_pair_state(2, 1.0)
    amp = psi.full().ravel()  # order 1, 2, 3, 4 = (j=1, j=2, N+1, N+2)
    c2 = ref("eq1_c_squared_nbar1")
    # |2,2⟩ on pair (1, 3) with |1,1⟩ on (2, 4): index 0b1010; signs (−1)^{j+1}
    assert amp[0b1010] == pytest.approx(math.sqrt(c2 * (1 - c2)), abs=1e-12)
    assert amp[0b0101] == pytest.approx(-math.sqrt(c2 * (1 - c2)), abs=1e-12)
    assert amp[0b1111] == pytest.approx(-c2, abs=1e-12)
    res = spin_chain_steady_state(2, 1.0, 1.0, 1.0, SQ2)
    np.testing.assert_allclose(
        res.pair_log_negativities(), ref("pair_log_negativity_log2_eq1_nbar1"), atol=1e-7
    )


def test_atom_pair_reaches_eq1_for_squeezed_vacuum():
    res = atom_array_steady_state(1, 0.0, 0.05, 1.0, 1.0, SQ2, cutoff=2)
    # in the squeezed frame the steady state is exactly vacuum ⊗ |ψ⟩: no truncation error
    assert qutip.expect(res.state, analytic_pair_state(1, 1.0)) == pytest.approx(1.0, abs=1e-8)
    assert res.convergence is not None and res.convergence.converged


def _fig3bc_atoms_vs_spins(mbars: list[float]) -> None:
    nbar = 1.0
    spins = [
        spin_chain_steady_state(1, 0.0, 1.0, nbar, mb).pair_log_negativities()[0] for mb in mbars
    ]
    atoms = [
        atom_array_steady_state(1, 0.0, 0.01, 1.0, nbar, mb, cutoff=3).pair_log_negativities()[0]
        for mb in mbars
    ]
    # g = 0.01: corrections to the adiabatic (spin-like) limit are O(g²/Γ²) ~ 1e-4; cutoff
    # convergence is 1e-5 in trace distance, so 1e-3 is a safe bound
    np.testing.assert_allclose(atoms, spins, atol=1e-3)
    assert np.all(np.diff(atoms) > 0)
    assert 0.1 < atoms[-1] < ref("pair_log_negativity_log2_eq1_nbar1")


def test_fig3bc_atoms_follow_spins_and_drop_faster_than_cavities():
    _fig3bc_atoms_vs_spins([1.39])
    # the cavity pairs stay entangled for every m̄ > n̄; the two-level pairs lose it earlier
    assert spin_chain_steady_state(1, 0.0, 1.0, 1.0, 1.15).pair_log_negativities()[0] == 0.0
    assert drive_en(1.0, 1.15) > 0


@pytest.mark.slow
def test_fig3bc_atoms_follow_spins_wide_range():
    _fig3bc_atoms_vs_spins([1.25, 1.3, 1.35, 1.4])


def _fig3c(n: int) -> None:
    prev = None
    for mb in (1.2, 1.3, 1.38, SQ2):
        e = spin_chain_steady_state(n, 1.0, 1.0, 1.0, mb).pair_log_negativities()
        if prev is not None:
            assert np.all(e >= prev - 1e-12)  # grows with m̄ for every pair
        prev = e
    np.testing.assert_allclose(prev, ref("pair_log_negativity_log2_eq1_nbar1"), atol=1e-7)


def test_fig3c_spin_chain_thermal_drive_n2():
    _fig3c(2)


@pytest.mark.slow
def test_fig3c_spin_chain_thermal_drive_paper_size():
    _fig3c(int(ref("fig3bc", "sites")))


@pytest.mark.slow
def test_atom_frame_equals_original_frame():
    """The squeezed-frame solution against the lab frame (large cutoff), N = 1, thermal drive."""
    g, gamma, nbar, mbar, cutoff = 0.3, 1.0, 0.15, 0.3, 9
    a1 = qutip.tensor(qutip.destroy(cutoff), qutip.qeye(cutoff), qutip.qeye(2), qutip.qeye(2))
    a2 = qutip.tensor(qutip.qeye(cutoff), qutip.destroy(cutoff), qutip.qeye(2), qutip.qeye(2))
    s1 = qutip.tensor(qutip.qeye(cutoff), qutip.qeye(cutoff), qutip.destroy(2), qutip.qeye(2))
    s2 = qutip.tensor(qutip.qeye(cutoff), qutip.qeye(cutoff), qutip.qeye(2), qutip.destroy(2))
    h = g * (s1.dag() * a1 + a1.dag() * s1 + s2.dag() * a2 + a2.dag() * s2)
    with serial_blas():
        rho = qutip.steadystate(qutip.liouvillian(h) + _squeezed_drive(a1, a2, gamma, nbar, mbar))
    atoms_lab = rho.ptrace([2, 3])
    res = atom_array_steady_state(1, 0.0, g, gamma, nbar, mbar, cutoff=3, tolerance=1e-7)
    # lab-frame cutoff 9 at n̄ = 0.15 leaves ~1e-7 in the top level (geometric ratio ~0.13)
    assert qutip.tracedist(atoms_lab, res.state) < 1e-5


# ---- bad input -----------------------------------------------------------------------------------


def test_bad_negative_drive_rate():
    with pytest.raises(ParameterError, match="drive_rate"):
        ReplicationArrays(3, 1.0, -1.0, 1.0, 1.0)


def test_bad_negative_loss():
    with pytest.raises(ParameterError, match="loss"):
        ReplicationArrays(3, 1.0, 1.0, 1.0, 1.0, loss=[0.1, -0.1, 0.0])


def test_bad_unphysical_bath():
    with pytest.raises(ParameterError, match="mbar"):
        ReplicationArrays(3, 1.0, 1.0, 1.0, 1.5)


def test_bad_negative_nbar():
    with pytest.raises(ParameterError, match="nbar"):
        ReplicationArrays(3, 1.0, 1.0, -0.1, 0.0)


def test_bad_sites():
    with pytest.raises(ParameterError, match="sites"):
        ReplicationArrays(0, 1.0, 1.0, 1.0, 1.0)


def test_bad_hopping_shape():
    with pytest.raises(ParameterError, match="hopping"):
        ReplicationArrays(4, [1.0, 1.0], 1.0, 1.0, 1.0)


def test_bad_bath_helper():
    with pytest.raises(ParameterError, match="n_thermal"):
        squeezed_thermal_bath(0.5, -1.0)


def test_bad_disorder_width():
    with pytest.raises(ParameterError, match="width"):
        disorder_average(ReplicationArrays(3, 1.0, 1.0, 1.0, 1.0), -0.1, 5, seed=0)


def test_bad_spin_sites():
    with pytest.raises(ParameterError, match="sites"):
        spin_chain_steady_state(0, 1.0, 1.0, 1.0, 1.0)


def test_bad_spin_unphysical_bath():
    with pytest.raises(ParameterError, match="mbar"):
        spin_chain_steady_state(2, 1.0, 1.0, 1.0, 2.0)


def test_bad_spin_negative_drive_rate():
    with pytest.raises(ParameterError, match="drive_rate"):
        spin_chain_steady_state(2, 1.0, -0.5, 1.0, 1.0)


def test_bad_atom_sites_too_many():
    with pytest.raises(ParameterError, match="sites"):
        atom_array_steady_state(2, 1.0, 0.1, 1.0, 1.0, SQ2, cutoff=2, method="exact")


def test_bad_atom_negative_loss():
    with pytest.raises(ParameterError, match="loss"):
        atom_array_steady_state(1, 0.0, 0.1, 1.0, 1.0, SQ2, cutoff=2, loss=-1.0)


def test_bad_analytic_nbar():
    with pytest.raises(ParameterError, match="nbar"):
        analytic_pair_state(2, -1.0)


def test_atom_cutoff_limit_raises_convergence_error():
    # a thermal drive needs several Fock levels; capping the cutoff at 3 must fail loudly
    with pytest.raises(ConvergenceError, match="cutoff"):
        atom_array_steady_state(1, 0.0, 0.01, 1.0, 1.0, 1.0, cutoff=2, max_cutoff=3)


# ---- results -------------------------------------------------------------------------------------


def test_results_frames_and_str():
    e = pair_log_negativities(ReplicationArrays(4, 1.0, 1.0, 1.0, SQ2, loss=0.1))
    frame = e.to_frame()
    assert list(frame.columns) == [
        "pair",
        "log_negativity",
        "log_negativity_normalized",
        "occupation",
    ]
    assert "E_N(j, N+j)" in str(e)
    res = spin_chain_steady_state(2, 1.0, 1.0, 1.0, 1.3)
    assert list(res.to_frame().columns) == ["pair", "log_negativity_log2", "concurrence"]
    assert "spins" in str(res)
    d = disorder_average(ReplicationArrays(3, 1.0, 1.0, 1.0, SQ2, loss=0.1), 0.3, 3, seed=0)
    assert len(d.to_frame()) == 3 and "disorder" in str(d)
