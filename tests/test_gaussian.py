"""Tests of the Gaussian engine (qnet_design.solvers.gaussian).

Closed forms used: vacuum (V = 𝟙/2, E_N = 0), two-mode squeezed vacuum (E_N = 2s), two-mode
squeezed thermal state (E_N = −ln(2n̄ + 1 − 2m̄)), a damped thermal mode (V = (N + ½)𝟙), the
uncertainty relation V + iΩ/2 ≥ 0, and a truncated-Fock QuTiP steady state of the same
master equation.
"""

from __future__ import annotations

import numpy as np
import pytest
import qutip

from qnet_design.errors import ParameterError, UnstableError
from qnet_design.metrics.gaussian import gaussian_log_negativity, gaussian_purity, mean_occupation
from qnet_design.solvers import gaussian as g
from qnet_design.solvers.gaussian_cascaded import steady_covariance_cascaded


def _random_symplectic(n: int, rng: np.random.Generator) -> np.ndarray:
    """exp(Ω K) with K symmetric is symplectic."""
    from scipy.linalg import expm

    k = rng.normal(size=(2 * n, 2 * n)) * 0.4
    return expm(g.symplectic_form(n) @ (k + k.T))


def test_vacuum_has_zero_log_negativity_and_unit_purity() -> None:
    v = g.vacuum(2)
    assert gaussian_log_negativity(v) == 0.0
    assert gaussian_purity(v) == pytest.approx(1.0, abs=1e-14)  # exact up to rounding
    assert mean_occupation(v, 1) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("s", [0.1, 0.5, 1.3])
def test_two_mode_squeezed_vacuum_log_negativity_is_2s(s: float) -> None:
    v = g.two_mode_squeezed_vacuum(s)
    # closed form E_N = 2s; only rounding in det/sqrt/log (~1e-12 relative)
    assert gaussian_log_negativity(v) == pytest.approx(2 * s, rel=1e-10)
    assert gaussian_purity(v) == pytest.approx(1.0, rel=1e-10)  # pure state
    assert g.is_physical(v)


def test_two_mode_squeezed_thermal_closed_form_and_vectorised() -> None:
    nbar = np.array([0.2, 1.0, 3.0])
    mbar = np.array([0.4, 1.2, 0.5])
    blocks = np.stack([g.two_mode_squeezed_thermal(n, m) for n, m in zip(nbar, mbar, strict=True)])
    expected = np.maximum(0.0, -np.log(2 * nbar + 1 - 2 * mbar))  # Serafini, TMST state
    np.testing.assert_allclose(gaussian_log_negativity(blocks), expected, rtol=1e-10, atol=1e-14)
    # batched input of shape (2, 3, 4, 4) keeps its leading shape
    assert gaussian_log_negativity(np.stack([blocks, blocks])).shape == (2, 3)


def test_log_negativity_rejects_wrong_shape() -> None:
    with pytest.raises(ParameterError, match="v2"):
        gaussian_log_negativity(np.eye(6))


def test_random_symplectic_states_are_physical_and_pure() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        s = _random_symplectic(3, rng)
        v = s @ g.thermal_state([0.0, 0.3, 2.0]) @ s.T
        assert g.is_physical(v)
        # purity is a symplectic invariant: ∏ 1/(2n_k + 1)
        assert gaussian_purity(v) == pytest.approx(1 / (1.6 * 5.0), rel=1e-8)
        # a pure two-mode reduction keeps E_N finite and non-negative
        assert gaussian_log_negativity(g.reduced(v, [0, 2])) >= 0.0


def test_unphysical_matrix_detected() -> None:
    v = 0.3 * np.eye(2)  # violates the uncertainty relation det V >= 1/4
    assert not g.is_physical(v)


def test_thermal_mode_occupation_from_local_bath() -> None:
    a, d = g.drift_diffusion(
        1, hamiltonian=np.array([[1.7]]), local_baths=[g.LocalBath(0, 0.3, 2.5)]
    )
    v = g.steady_covariance(a, d)
    np.testing.assert_allclose(v, 3.0 * np.eye(2), atol=1e-12)  # V = (N + ½)𝟙, exact
    assert mean_occupation(v, 0) == pytest.approx(2.5, abs=1e-12)


def test_squeezed_bath_alone_gives_two_mode_squeezed_thermal_state() -> None:
    nbar, mbar = 0.7, 0.9
    a, d = g.drift_diffusion(2, squeezed_baths=[g.SqueezedBath((0, 1), 0.5, nbar, mbar)])
    v = g.steady_covariance(a, d)
    np.testing.assert_allclose(v, g.two_mode_squeezed_thermal(nbar, mbar), atol=1e-12)


def test_unphysical_squeezed_bath_rejected() -> None:
    with pytest.raises(ParameterError, match="mbar"):
        g.SqueezedBath((0, 1), 1.0, 0.5, 0.9)  # 0.81 > 0.5·1.5


def test_negative_rate_rejected() -> None:
    with pytest.raises(ParameterError, match="rate"):
        g.LocalBath(0, -0.1)


def test_lyapunov_residual_of_steady_state() -> None:
    rng = np.random.default_rng(3)
    n = 4
    h = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    h = 0.2 * (h + h.conj().T)
    baths = [g.LocalBath(k, 0.5, 0.1 * k) for k in range(n)]
    a, d = g.drift_diffusion(n, hamiltonian=h, local_baths=baths)
    v = g.steady_covariance(a, d)
    # Bartels–Stewart is backward stable: residual at the level of machine precision
    assert g.lyapunov_residual(a, d, v) < 1e-12
    assert g.is_physical(v)


def test_evolution_reaches_steady_state_and_starts_at_v0() -> None:
    a, d = g.drift_diffusion(
        2,
        hamiltonian=np.array([[1.0, 0.2], [0.2, 1.1]]),
        pairing=np.array([[0.0, 0.1], [0.1, 0.0]]),
        local_baths=[g.LocalBath(0, 1.0, 0.2), g.LocalBath(1, 0.8)],
    )
    v0 = g.vacuum(2)
    vt = g.evolve_covariance(a, d, v0, [0.0, 60.0])
    np.testing.assert_allclose(vt[0], v0, atol=1e-14)
    # slowest decay rate ≥ 0.3 here, so e^{−0.3·60} ~ 1e-8 of the initial offset remains
    np.testing.assert_allclose(vt[1], g.steady_covariance(a, d), atol=1e-7)


def test_unstable_parametric_oscillator_raises_with_hint() -> None:
    # (i r/2)(a² − a†²) above threshold: eigenvalues −κ/2 ± √(r² − ω²) with r > ω
    a, d = g.drift_diffusion(
        1,
        hamiltonian=np.array([[1.0]]),
        pairing=np.array([[-1.5j]]),
        local_baths=[g.LocalBath(0, 0.1)],
    )
    with pytest.raises(UnstableError, match=r"made unstable by squeezing r"):
        g.steady_covariance(a, d, hint="squeezing r")
    expected = -0.05 + np.sqrt(1.5**2 - 1.0)
    assert g.max_real_eigenvalue(a) == pytest.approx(expected, rel=1e-12)


def test_cascaded_solver_matches_dense_and_rejects_non_cascaded() -> None:
    n = 7
    h = np.diag(np.linspace(1.0, 1.5, n)).astype(complex)
    commons = []
    for ll in range(1, n - 1):  # matched nonreciprocal edges: J = Γ/4 for rate Γ on (a+b)/√2
        h[ll, ll + 1], h[ll + 1, ll] = 0.4j, -0.4j
        u = np.zeros(n)
        u[ll] = u[ll + 1] = 1 / np.sqrt(2)
        commons.append(g.CommonBath(1.6, u, 0.1 * ll))
    h[0, 1] = h[1, 0] = 0.3
    pairing = np.zeros((n, n), complex)
    pairing[0, 0] = -0.4j
    local = [g.LocalBath(k, 0.01, 0.05) for k in range(n)]
    a, d = g.drift_diffusion(n, h, pairing, local, commons)
    dense = g.steady_covariance(a, d)
    fast = steady_covariance_cascaded(a, d, [[0, 1], [2, 3], [4, 5], [6, None]])
    np.testing.assert_allclose(fast, dense, atol=1e-12)  # both exact solvers: rounding only
    with pytest.raises(ParameterError, match="not cascaded"):
        steady_covariance_cascaded(a, d, [[None, 0], [1, 2], [3, 4], [5, 6]])


def test_drift_diffusion_matches_qutip_steady_state() -> None:
    """Hamiltonian, pairing, local, common and squeezed baths against a Fock-space solve."""
    n, cutoff = 2, 6
    h = np.array([[1.0, 0.15 + 0.1j], [0.15 - 0.1j, 1.2]])
    pairing = np.array([[0.05j, 0.08], [0.08, -0.06]])
    local = [g.LocalBath(0, 0.5, 0.05), g.LocalBath(1, 0.4, 0.02)]
    u = np.array([0.6, 0.8j])
    common = [g.CommonBath(0.6, u, 0.05)]
    nbar, mbar, rate = 0.05, 0.1, 0.3
    squeezed = [g.SqueezedBath((0, 1), rate, nbar, mbar)]
    a_mat, d_mat = g.drift_diffusion(n, h, pairing, local, common, squeezed)
    v = g.steady_covariance(a_mat, d_mat)

    a = [qutip.tensor(qutip.destroy(cutoff), qutip.qeye(cutoff))]
    a.append(qutip.tensor(qutip.qeye(cutoff), qutip.destroy(cutoff)))
    ham = sum(h[i, j] * a[i].dag() * a[j] for i in range(n) for j in range(n))
    ham += 0.5 * sum(pairing[i, j] * a[i].dag() * a[j].dag() for i in range(n) for j in range(n))
    ham += 0.5 * sum(np.conj(pairing[i, j]) * a[i] * a[j] for i in range(n) for j in range(n))
    c_ops = []
    for b in local:
        c_ops.append(np.sqrt(b.rate * (b.occupation + 1)) * a[b.mode])
        c_ops.append(np.sqrt(b.rate * b.occupation) * a[b.mode].dag())
    ell = u[0] * a[0] + u[1] * a[1]
    c_ops += [np.sqrt(0.6 * 1.05) * ell, np.sqrt(0.6 * 0.05) * ell.dag()]
    # squeezed bath as thermal Bogoliubov modes β_a = cosh s a − sinh s b† (and a ↔ b) with
    # n̄ = (N+½)cosh 2s − ½, m̄ = (N+½)sinh 2s: an independent route to the same dissipator
    s = 0.5 * np.arctanh(mbar / (nbar + 0.5))
    nt = (nbar + 0.5) / np.cosh(2 * s) - 0.5
    for x, y in ((0, 1), (1, 0)):
        beta = np.cosh(s) * a[x] - np.sinh(s) * a[y].dag()
        c_ops += [np.sqrt(rate * (nt + 1)) * beta, np.sqrt(rate * nt) * beta.dag()]
    # dense LAPACK solve: SuperLU (qutip's sparse default) is erratically slow on this Liouvillian
    liouv = qutip.liouvillian(ham, c_ops).to("dense")
    rho = qutip.steadystate(liouv, method="direct", solver="solve")
    quad = []
    for op in a:
        quad += [(op + op.dag()) / np.sqrt(2), (op - op.dag()) / (1j * np.sqrt(2))]
    vq = np.array([[qutip.expect((qi * qj + qj * qi) / 2, rho).real for qj in quad] for qi in quad])
    # occupations ≲ 0.15: Fock truncation at 6 leaves a weight ~ n̄⁶ ~ 1e-5 in the last level
    np.testing.assert_allclose(v, vq, atol=2e-5)


def test_evolution_of_unstable_system_grows_exponentially() -> None:
    # undamped parametric amplifier H = (i r/2)(a² − a†²) at ω = 0: x or p grows as e^{±r t}
    a, d = g.drift_diffusion(1, pairing=np.array([[-0.5j]]))
    vt = g.evolve_covariance(a, d, g.vacuum(1), [2.0])[0]
    # a pure squeezing of the vacuum: eigenvalues e^{±2 r t}/2 (closed form)
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(vt)), [0.5 * np.exp(-2), 0.5 * np.exp(2)])


def test_log_negativity_matches_serafini_invariant_formula_on_random_states() -> None:
    # 2ν̃₋² = Δ̃ − √(Δ̃² − 4 det V), Δ̃ = det A + det B − 2 det C (Serafini); well conditioned here
    rng = np.random.default_rng(11)
    vs = []
    for _ in range(30):
        s = _random_symplectic(2, rng)
        vs.append(s @ g.thermal_state([0.05, 0.2]) @ s.T)
    vs_arr = np.stack(vs)

    def det2(m: np.ndarray) -> np.ndarray:
        return m[..., 0, 0] * m[..., 1, 1] - m[..., 0, 1] * m[..., 1, 0]

    delta = det2(vs_arr[:, :2, :2]) + det2(vs_arr[:, 2:, 2:]) - 2 * det2(vs_arr[:, :2, 2:])
    nu2 = 0.5 * (delta - np.sqrt(delta**2 - 4 * np.linalg.det(vs_arr)))
    expected = np.maximum(0.0, -0.5 * np.log(4 * nu2))
    # discriminant route loses ~√eps only near ν̃₊ = ν̃₋; random states stay far from it
    np.testing.assert_allclose(gaussian_log_negativity(vs_arr), expected, atol=1e-9)


def test_log_negativity_is_accurate_near_the_vacuum() -> None:
    # the vacuum perturbed at the rounding level must not produce spurious ~1e-8 E_N
    v = g.vacuum(2) + 1e-16 * np.array([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0]])
    assert gaussian_log_negativity(v) < 1e-14


def test_log_negativity_rejects_non_positive_matrix() -> None:
    with pytest.raises(ParameterError, match="positive definite"):
        gaussian_log_negativity(np.zeros((4, 4)))
