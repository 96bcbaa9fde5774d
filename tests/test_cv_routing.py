"""Physics and interface tests of the cv_routing scheme (paper 002).

Decisions tested here (see the module docstring of qnet_design.schemes.cv_routing):

1. Common-bath rate: Eq. (2) as printed (rate γ on ĉ_l = (a_l + a_{l+1})/√2) is *not*
   unidirectional at J_l = γ/2; we use γ D[a_l + a_{l+1}] (each oscillator decays at rate γ into
   the common bath, the Metelmann–Clerk matching). ``test_literal_eq2_normalisation_...`` shows
   the literal reading would leak entanglement backwards, contradicting Fig. 2.
2. Hamiltonian squeezing (i r/2)(a_0² − a_0†²) with r a rate in units of ω; a_0 decays at γ_out.
4. Vacuum-½ covariance convention; n̄_k = Tr V^(k)/2 − ½ equals the paper's [Tr V − 2]/4 in its
   vacuum-𝟙 convention.
5. "E_N > 0" means E_N > ENTANGLEMENT_THRESHOLD = 1e-10.

Paper parameters (M = 10, γ/ω = 0.8, γ_out/ω = 0.002, N̄ = 0) come from
data/cv_routing_reference.toml. The figures themselves are missing from the text, so the axis
ranges (r, j ∈ (0, 1.2] in units of ω) are our choice.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import qutip

from qnet_design.errors import ParameterError, UnstableError
from qnet_design.metrics.gaussian import gaussian_log_negativity
from qnet_design.schemes import cv_routing as cr
from qnet_design.schemes.cv_routing import (
    ENTANGLEMENT_THRESHOLD,
    RoutingChain,
    covariance,
    instability_threshold,
    is_stable,
    log_negativity,
    log_negativity_profile,
    max_entangled_node,
    occupation,
    routing_map,
)
from qnet_design.solvers import gaussian

REF = tomllib.loads(
    (Path(__file__).parents[1] / "data" / "cv_routing_reference.toml").read_text("utf-8")
)


def _paper(**kw: object) -> RoutingChain:
    p = REF["parameters"]
    args: dict[str, object] = {
        "nodes": p["nodes"]["value"],
        "r": 0.3,
        "j": 0.6,
        "gamma": p["gamma"]["value"],
        "gamma_out": p["gamma_out"]["value"],
        "omega": p["omega"]["value"],
        "n_local": p["occupation"]["value"],
        "n_common": p["occupation"]["value"],
    }
    args.update(kw)
    return RoutingChain(**args)  # type: ignore[arg-type]


# grids inside the stable region found for the paper's parameters (r, j in units of ω)
R_GRID = np.linspace(0.05, 0.5, 6)
J_GRID = np.linspace(0.05, 0.7, 6)


# ---------------------------------------------------------------------------------------------
# Fig. 2: nonreciprocity
# ---------------------------------------------------------------------------------------------


def test_backward_attachment_gives_exactly_zero_log_negativity() -> None:
    """Fig. 2 meshed surface: E_N^(0,−2) := E_N(0, M−1) = 0 for every r, j."""
    target = REF["parameters"]["backward_target_node"]["value"]
    expected = REF["claims"]["backward_log_negativity"]["value"]
    for r in R_GRID:
        for j in J_GRID:
            model = _paper(r=r, j=j, direction="backward")
            # exact reason: nodes 1 … M−1 never see a_0, so they stay in the vacuum (pure, hence
            # unentangled); 1e-12 is the rounding level of the Lyapunov solve
            for k in range(1, model.nodes):
                assert occupation(model, k) == pytest.approx(0.0, abs=1e-12)
            assert log_negativity(model, 0, target) == pytest.approx(expected, abs=1e-12)


def test_forward_attachment_entangles_node_two_and_needs_both_r_and_j() -> None:
    """Fig. 2 solid surface: E_N(0, 2) > 0 iff r > 0 and j > 0."""
    target = REF["parameters"]["forward_target_node"]["value"]
    assert REF["claims"]["forward_log_negativity_positive"]["value"]
    for r in R_GRID:
        for j in J_GRID:
            assert log_negativity(_paper(r=r, j=j), 0, target) > ENTANGLEMENT_THRESHOLD
    # without squeezing all states are classical mixtures of coherent states (vacuum here)
    assert log_negativity(_paper(r=0.0, j=0.5), 0, target) < 1e-12  # rounding level
    # without coupling a_0 is a product with the chain
    assert log_negativity(_paper(r=0.4, j=0.0), 0, target) < 1e-12


def test_forward_log_negativity_grows_with_j_and_with_r() -> None:
    """Fig. 2: 'increasing both parameters results in a larger logarithmic negativity'.

    Checked where it holds in our model: in j for j ≤ 0.7ω (near j = ω the lower normal mode of
    (a_0, a_1) approaches zero frequency, where the lab-frame squeezing is resonant and the
    system turns unstable and re-entrant), and in r for j ≥ 0.3ω (at j ≲ 0.2ω E_N(0, 2) has a
    maximum in r before the instability).
    """
    js = np.linspace(0.05, 0.7, 8)
    rs = np.linspace(0.05, 0.5, 8)
    en = np.array([[log_negativity(_paper(r=r, j=j), 0, 2) for j in js] for r in rs])
    assert np.all(np.diff(en, axis=1) > 0)
    en_r = np.array([[log_negativity(_paper(r=r, j=j), 0, 2) for j in (0.3, 0.5, 0.7)] for r in rs])
    assert np.all(np.diff(en_r, axis=0) > 0)


def test_literal_eq2_normalisation_is_not_unidirectional() -> None:
    """Decision 1: with rate γ on the normalised ĉ_l, J = γ/2 is not matched.

    The backward E_N(0, M−1) is then clearly nonzero, which contradicts Fig. 2; the matched
    reading gives 0 (previous tests).
    """
    model = _paper(direction="backward")
    a, d = cr._drift_diffusion(model, common_amplitude=1 / math.sqrt(2))
    v = gaussian.steady_covariance(a, d)
    leak = gaussian_log_negativity(gaussian.reduced(v, [0, model.nodes - 1]))
    assert leak > 1e-3  # ~1e-2 at these parameters, ten orders above the rounding level


def test_chain_is_cascaded_node_m_does_not_depend_on_later_nodes() -> None:
    # unidirectional transport: node m of a chain of length M depends only on nodes < m, so the
    # profile up to node 5 is the same for M = 10 and M = 6 (rounding only)
    long = log_negativity_profile(_paper(nodes=10))
    short = log_negativity_profile(_paper(nodes=6))
    np.testing.assert_allclose(long.log_negativity[:5], short.log_negativity[:5], atol=1e-12)
    np.testing.assert_allclose(long.occupation[:5], short.occupation[:5], atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Closed forms and stability
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("r", [0.2, 0.6, 0.95])
def test_isolated_squeezed_node_occupation_closed_form(r: float) -> None:
    # j = 0: ȧ = −(iω + κ/2)a − r a† + noise ⇒ ⟨a†a⟩ = 2r²/(κ² + 4ω² − 4r²), κ = γ_out
    model = _paper(r=r, j=0.0)
    kappa, omega = model.gamma_out, 1.0
    expected = 2 * r**2 / (kappa**2 + 4 * omega**2 - 4 * r**2)
    assert occupation(model, 0) == pytest.approx(expected, rel=1e-10)  # rounding only
    assert occupation(model, 1) == pytest.approx(0.0, abs=1e-14)


def test_instability_threshold_of_isolated_node() -> None:
    model = _paper(j=0.0)
    r_c = instability_threshold(model)
    assert r_c == pytest.approx(math.sqrt(1 + 0.002**2 / 4), rel=1e-15)
    assert is_stable(replace(model, r=r_c * (1 - 1e-6)))
    assert not is_stable(replace(model, r=r_c * (1 + 1e-6)))


def test_coupling_lowers_the_instability_edge_and_error_names_parameters() -> None:
    """Figs. 2/3: large r and j make the system unstable; r = 0.8 is stable at j = 0."""
    assert is_stable(_paper(r=0.8, j=0.0))
    unstable = _paper(r=0.8, j=0.6)
    assert not is_stable(unstable)
    with pytest.raises(UnstableError, match=r"made unstable by the squeezing r = 0.8 together"):
        log_negativity(unstable, 0, 2)
    with pytest.raises(UnstableError, match=r"isolated squeezed node is unstable"):
        occupation(_paper(r=1.5, j=0.1), 0)


def test_states_are_physical() -> None:
    for direction in ("forward", "backward"):
        v = covariance(_paper(r=0.45, j=0.5, direction=direction, n_local=0.1, n_common=0.05))
        assert gaussian.is_physical(v)


# ---------------------------------------------------------------------------------------------
# Fig. 3: propagation depth
# ---------------------------------------------------------------------------------------------


def test_propagation_depth_grows_with_j_and_falls_with_r() -> None:
    assert REF["claims"]["m_max_grows_with_j"]["value"]
    assert REF["claims"]["m_max_falls_with_r"]["value"]
    full = REF["claims"]["full_chain_reachable"]["value"]
    rs = np.linspace(0.02, 0.6, 8)
    js = np.linspace(0.02, 1.2, 10)
    grid = routing_map(_paper(), rs, js)
    m_max = grid.max_entangled_node
    # low squeezing: depth non-decreasing in j and the whole chain is reached at large j
    assert np.all(np.diff(m_max[0]) >= 0)
    assert m_max[0, -1] == full
    # every stable column: depth non-increasing in r
    for col in range(js.size):
        stable = grid.stable[:, col]
        assert np.all(np.diff(m_max[stable, col]) <= 0)
    # large r and j: unstable corner (Fig. 3 edge)
    assert not grid.stable[-1, -3]
    assert np.isnan(grid.log_negativity_target[~grid.stable]).all()


def test_occupation_of_last_entangled_node_grows_with_r_at_fixed_depth() -> None:
    """Fig. 3(b): the occupation (effective temperature) rises with squeezing."""
    assert REF["claims"]["occupation_grows"]["value"]
    occ = [log_negativity_profile(_paper(r=r, j=0.5)).occupation[2] for r in (0.1, 0.2, 0.3, 0.4)]
    assert np.all(np.diff(occ) > 0)


def test_thermal_baths_shorten_the_propagation_depth() -> None:
    cold = max_entangled_node(_paper(r=0.1, j=1.2))
    hot = max_entangled_node(_paper(r=0.1, j=1.2, n_local=0.05, n_common=0.05))
    assert hot < cold


# ---------------------------------------------------------------------------------------------
# Solvers agree
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize("nodes", [41, 44])
def test_cascaded_solver_matches_dense_lyapunov(direction: str, nodes: int) -> None:
    omega = np.linspace(1.0, 1.1, nodes + 1)
    model = _paper(nodes=nodes, direction=direction, n_local=0.02, n_common=0.01, omega=omega)
    a, d = cr._drift_diffusion(model)
    # both are exact direct solvers: agreement to rounding (1e-11 for O(1) entries)
    np.testing.assert_allclose(covariance(model), gaussian.steady_covariance(a, d), atol=1e-11)


def _qutip_covariance(model: RoutingChain, cutoff: int) -> np.ndarray:
    """Eq. (2) built directly in QuTiP (with decision 1), truncated at ``cutoff`` per mode."""
    n = model.nodes + 1
    a = [
        qutip.tensor(*[qutip.destroy(cutoff) if k == i else qutip.qeye(cutoff) for k in range(n)])
        for i in range(n)
    ]
    g = model.gamma
    ham = sum(op.dag() * op for op in a)
    for ll in range(1, model.nodes):
        ham += 1j * g / 2 * a[ll].dag() * a[ll + 1] - 1j * g / 2 * a[ll + 1].dag() * a[ll]
    ham += model.j * (a[0].dag() * a[1] + a[1].dag() * a[0])
    ham += 1j * model.r / 2 * (a[0] * a[0] - a[0].dag() * a[0].dag())
    n_loc = float(model.n_local)  # type: ignore[arg-type]
    c_ops = []
    for op in a:
        c_ops.append(math.sqrt(model.gamma_out * (n_loc + 1)) * op)
        c_ops.append(math.sqrt(model.gamma_out * n_loc) * op.dag())
    for ll in range(1, model.nodes):
        c_ops.append(math.sqrt(g) * (a[ll] + a[ll + 1]))  # decision 1: γ D[a_l + a_{l+1}]
    # dense LAPACK solve: SuperLU (qutip's sparse default) is erratically slow on this Liouvillian
    liouv = qutip.liouvillian(ham, c_ops).to("dense")
    rho = qutip.steadystate(liouv, method="direct", solver="solve")
    quad = []
    for op in a:
        quad += [(op + op.dag()) / math.sqrt(2), (op - op.dag()) / (1j * math.sqrt(2))]
    return np.array([[qutip.expect((x * y + y * x) / 2, rho).real for y in quad] for x in quad])


def test_matches_truncated_fock_qutip_steady_state_single_node() -> None:
    """Squeezing, coupling j and thermal local baths against a Fock-space solve (M = 1)."""
    model = RoutingChain(1, r=0.15, j=0.3, gamma=0.8, gamma_out=0.05, n_local=0.01)
    # a_0 is squeezed with tanh s ≈ 0.13 (n̄_0 ≈ 0.018): the weight beyond Fock level 6 is
    # ~ tanh⁶ s ≈ 5e-6 and x² matrix elements there are ~ 6, so truncation errors ≲ 5e-5
    np.testing.assert_allclose(covariance(model), _qutip_covariance(model, 6), atol=5e-5)


@pytest.mark.slow
def test_matches_truncated_fock_qutip_steady_state_two_nodes() -> None:
    """Adds one nonreciprocal edge (common bath, decision 1): M = 2, 64³ Fock space."""
    model = RoutingChain(2, r=0.15, j=0.3, gamma=0.8, gamma_out=0.05, n_local=0.01)
    # the Fock route converges towards the Gaussian one as the cutoff grows (measured 5.0e-3 at
    # cutoff 3, 1.5e-3 at 4: edge weight ~ tanh⁴ s ≈ 3e-4 times x² elements ~ 4); cutoff 5
    # (a 15625² dense Liouvillian) is out of reach for a test. The M = 1 model truncated the
    # same way shows the same 1.7e-3 at cutoff 4 and falls to 2e-6 at cutoff 7.
    v = covariance(model)
    err3 = np.abs(v - _qutip_covariance(model, 3)).max()
    err4 = np.abs(v - _qutip_covariance(model, 4)).max()
    assert err4 < 0.5 * err3
    assert err4 < 2e-3


# ---------------------------------------------------------------------------------------------
# Results and bad input
# ---------------------------------------------------------------------------------------------


def test_profile_and_map_records() -> None:
    prof = log_negativity_profile(_paper())
    frame = prof.to_frame()
    assert list(frame.columns) == ["node", "log_negativity_0m", "occupation"]
    assert len(frame) == 10
    assert "M_max" in str(prof)
    assert prof.max_entangled_node == max_entangled_node(_paper())
    assert prof.log_negativity[1] == pytest.approx(log_negativity(_paper(), 0, 2), abs=1e-15)
    grid = routing_map(_paper(), [0.1, 0.9], [0.2, 0.9])
    assert set(grid.to_frame().columns) >= {"r", "j", "stable", "m_max", "occupation_m_max"}
    assert "stable fraction" in str(grid)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"nodes": 0}, "nodes"),
        ({"nodes": 2.5}, "nodes"),
        ({"r": -0.1}, "r"),
        ({"j": -0.1}, "j"),
        ({"gamma": -0.8}, "gamma"),
        ({"gamma_out": -1e-3}, "gamma_out"),
        ({"direction": "sideways"}, "direction"),
        ({"n_local": -0.5}, "n_local"),
        ({"n_common": [0.1, 0.2]}, "n_common"),
        ({"omega": 0.0}, "omega"),
    ],
)
def test_bad_model_arguments_name_the_parameter(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(ParameterError, match=f"`{name}`"):
        _paper(**kwargs)


def test_bad_node_indices() -> None:
    with pytest.raises(ParameterError, match="`m`"):
        log_negativity(_paper(), 0, 11)
    with pytest.raises(ParameterError, match="`m` must differ"):
        log_negativity(_paper(), 3, 3)
    with pytest.raises(ParameterError, match="`k`"):
        occupation(_paper(), -1)


def test_vectorised_map_agrees_with_pointwise_profiles() -> None:
    # routing_map batches A = A₀ + r A_r + j A_j through the cascaded solver; each point must
    # equal the single-model route (dense Lyapunov for M = 10) to rounding
    rs, js = [0.1, 0.35, 0.9], [0.2, 0.6, 1.0]
    grid = routing_map(_paper(), rs, js)
    for a, r in enumerate(rs):
        for b, j in enumerate(js):
            model = _paper(r=r, j=j)
            assert grid.stable[a, b] == is_stable(model)
            if grid.stable[a, b]:
                prof = log_negativity_profile(model)
                assert grid.log_negativity_target[a, b] == pytest.approx(
                    prof.log_negativity[1], abs=1e-12
                )
                assert grid.max_entangled_node[a, b] == prof.max_entangled_node


def test_translated_common_baths_carry_the_stokes_backaction():
    # red-sideband drive Δ = −ω_m: anti-Stokes A₋ = 4g²/κ, Stokes A₊ = g²κ/(κ²/4 + 4ω_m²), so
    # A₊/A₋ = κ²/(κ² + 16ω_m²), net γ = A₋ − A₊ and n̄ = A₊/(A₋ − A₊) = (κ/4ω_m)² exactly
    from qnet_design import load_setup, translate

    root = Path(__file__).resolve().parents[1] / "devices" / "setups"
    model = translate(load_setup(root / "cv_routing_electromechanical.toml")).model
    kappa, omega_m, gamma_m, coop = 2e6, 6e6, 100.0, 100.0  # the device file, cyclic units
    ratio = kappa**2 / (kappa**2 + 16 * omega_m**2)
    assert model.n_common == pytest.approx((kappa / (4 * omega_m)) ** 2, rel=1e-12)
    assert model.gamma == pytest.approx(coop * gamma_m * (1 - ratio) / omega_m, rel=1e-12)
