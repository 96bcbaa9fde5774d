"""MPDO solver for cascaded chains (qnet_design.solvers.mpdo) on the dual-rail cascade.

References are independent of the MPDO code: the dense prefix Lindbladian of
qnet_design.schemes.dual_rail.operators (built from the Kossakowski matrix of Eq. 11, paper 000)
and the exact pair-by-pair cascade of qnet_design.solvers.cascaded.
"""

from __future__ import annotations

import numpy as np
import pytest

from qnet_design.schemes.dual_rail import DualRail, _run_cascade
from qnet_design.schemes.dual_rail.chain import _chain_concurrences_mpdo, _chain_sites
from qnet_design.schemes.dual_rail.operators import _prefix_model
from qnet_design.schemes.dual_rail.steady import _pair_concurrence
from qnet_design.solvers.cascaded import apply_lindblad
from qnet_design.solvers.mpdo import cascaded_mpo, mpo_to_dense, two_site_marginal

# every imperfection the model has, so every term of the MPO is exercised
LOSSY = DualRail(
    pairs=2,
    r=0.8,
    beta=6.0,
    beta_b=4.0,
    delta_a=[0.3, -0.2],
    permutation=[1, 0],
    gamma_phi=0.05,
    gamma_loss=0.02,
    p_loss=0.1,
)


def _site_major(rho: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
    """Super-ket of ρ with site-major indices (i₀ j₀ i₁ j₁ …), the MPO's convention."""
    n = len(dims)
    perm = [ax for s in range(n) for ax in (s, s + n)]
    return rho.reshape(dims + dims).transpose(perm).reshape(-1)


def test_mpo_is_the_dense_liouvillian() -> None:
    photons = 1
    sites = _chain_sites(LOSSY, 2, photons)
    lv = mpo_to_dense(cascaded_mpo(sites, "AB"))
    model = _prefix_model(LOSSY, 4, photons)
    rng = np.random.default_rng(7)
    rho = rng.normal(size=(model.dim, model.dim)) + 1j * rng.normal(size=(model.dim, model.dim))
    ref = apply_lindblad(model, rho, model.effective_hamiltonian())
    dims = tuple(model.dims)
    got = lv @ _site_major(rho, dims)
    # round-off only: both are exact representations of the same operator
    assert np.max(np.abs(got - _site_major(ref, dims))) < 1e-12 * np.max(np.abs(ref))


# (1, 3): the source super-ket (100) is stored as sparse blocks; (2, 1): dense sites throughout
@pytest.mark.parametrize(("pairs", "photons"), [(1, 3), (2, 1)])
def test_untruncated_mpdo_is_the_exact_cascade(pairs: int, photons: int) -> None:
    model = DualRail(pairs=pairs, r=1.0, beta=10.0, gamma_phi=0.01)
    # bond 64 exceeds every operator-Schmidt rank of these small chains: no truncation
    ckk, state = _chain_concurrences_mpdo(model, pairs, photons=photons, bond=64)
    assert state.discarded == 0.0
    run = _run_cascade(model, pairs, photons)
    n_q = 2 * pairs
    exact = [_pair_concurrence(run.rho_q, n_q, 2 * k, 2 * k + 1) for k in range(pairs)]
    # both solve the same linear problem to GMRES/LU precision (~1e-9)
    assert ckk == pytest.approx(exact, abs=1e-7)
    if pairs == 1:  # the whole pair marginal, not only its concurrence
        assert np.allclose(two_site_marginal(state, 1), run.rho_q, atol=1e-8)


def test_truncation_is_reported() -> None:
    model = DualRail(pairs=2, r=1.0, beta=10.0, gamma_phi=0.01)
    _, state = _chain_concurrences_mpdo(model, 2, photons=1, bond=4)
    assert state.bond == 4
    assert state.discarded > 1e-4
