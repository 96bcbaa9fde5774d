"""Thermal link (paper 001): qubit loss γ′ᵢD[σᵢ⁻] and a warm link (n_link) in every route.

Closed forms used here are derived in the test, not taken from the code:

* one qubit (γ₂ = 0) in a white thermal field of occupation n with extra loss γ′ obeys
  ṗ = −γ(n+1)p + γn(1−p) − γ′p, so p = γn/(γ(2n+1) + γ′);
* the Markov limit of paper 001 (Eq. 17-18): white thermal noise flowing through the cascade
  leaves the qubits in ρ_th ⊗ ρ_th, p = n/(2n+1), and two white noises add their occupations;
* qubit 1 is upstream of everything, so its population stays the single-qubit value even with
  p_loss and qubit 2 present.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from qnet_design import load_setup, translate
from qnet_design.errors import DeviceFileError, ParameterError
from qnet_design.schemes.thermal_link import ThermalLink, concurrence, evolve, steady_state
from qnet_design.schemes.thermal_link.approximations import (
    analytic_concurrence,
    bourret_concurrence,
    markov_concurrence,
)
from qnet_design.specs.setups import with_overrides

from .conftest import DEVICES


def _populations(rho: np.ndarray) -> tuple[float, float]:
    """Excited populations (qubit 1, qubit 2) in the basis |00⟩, |01⟩, |10⟩, |11⟩."""
    d = np.real(np.diag(rho))
    return float(d[2] + d[3]), float(d[1] + d[3])


def test_zero_imperfections_reproduce_the_ideal_numbers_exactly() -> None:
    # 0.14562786742028733 (Fock) and 0.14562786744305908 (hierarchy): the values of the code
    # before γ′ and n_link existed (same truncations), so explicit zeros change nothing
    m = ThermalLink(2.0, 0.05, gamma_loss1=0.0, gamma_loss2=0.0, n_link=0.0)
    assert concurrence(m, "fock").concurrence == 0.14562786742028733
    assert concurrence(m, "hierarchy").concurrence == 0.14562786744305908


@pytest.mark.parametrize("loss", [0.0, 0.5])
def test_single_qubit_markov_limit_with_loss(loss: float) -> None:
    # κ = 300γ: the filtered field is white at the qubit up to O(γ/κ) (Eq. 17), occupation n_th
    n, kappa = 1.0, 300.0
    rho = steady_state(ThermalLink(n, kappa, gamma2=0.0, gamma_loss1=loss), "fock").rho.full()
    p1, _ = _populations(rho)
    expected = n / (2 * n + 1 + loss)
    # measured deviation 1.7e-3 relative at κ = 300γ; bound it by the Markov parameter 2γ/κ
    assert p1 == pytest.approx(expected, rel=2.0 / kappa)


def test_white_link_noise_gives_the_thermal_product_state() -> None:
    # no filtered drive, cold source: only the warm link drives the qubits (Eq. 17-18)
    n = 0.3
    rho = steady_state(ThermalLink(0.0, 0.05, n_link=n), "fock").rho.full()
    p = n / (2 * n + 1)
    expected = np.kron(np.diag([1 - p, p]), np.diag([1 - p, p]))
    np.testing.assert_allclose(rho, expected, atol=1e-10)
    assert concurrence(ThermalLink(0.0, 0.05, n_link=n)).concurrence == 0.0


def test_upstream_qubit_sees_plain_white_noise_with_loss() -> None:
    n, loss = 0.3, 0.2
    m = ThermalLink(0.0, 0.05, n_link=n, p_loss=0.3, gamma_loss1=loss)
    p1, p2 = _populations(steady_state(m, "fock").rho.full())
    assert p1 == pytest.approx(n / (2 * n + 1 + loss), abs=1e-10)
    # qubit 1 absorbs from the field and dumps into the cold loss channel: qubit 2 sees less
    assert p2 < n / (2 * n + 1)


def test_markov_route_adds_the_link_occupation_to_the_source() -> None:
    # two independent white thermal inputs add: Eq. 18 with n = n_th + n_link
    n_th, n_link = 1.0, 0.5
    res = markov_concurrence(ThermalLink(n_th, 1e3, n_link=n_link))
    n = n_th + n_link
    z = (2 * n + 1) ** 2
    assert res.method == "markov-numeric"
    assert res.rho_00 == pytest.approx((n + 1) ** 2 / z, abs=1e-12)
    assert res.rho_11 == pytest.approx(n**2 / z, abs=1e-12)
    assert res.concurrence == 0.0


LOSSY = ThermalLink(
    2.0, 0.05, gamma2=0.9, delta1=0.05, gamma_phi=0.002, p_loss=0.02,
    gamma_loss1=0.03, gamma_loss2=0.05, n_link=0.01,
)  # fmt: skip


def test_fock_and_hierarchy_agree_with_loss_and_warm_link() -> None:
    fock = concurrence(LOSSY, "fock")
    hier = concurrence(LOSSY, "hierarchy")
    assert fock.concurrence > 0.02  # still entangled: the comparison is not 0 == 0
    # each route converges its figure C + Tr ρ² to 1e-7; allow 10× that between two routes
    assert hier.concurrence == pytest.approx(fock.concurrence, abs=1e-6)


def test_trajectories_include_loss_and_warm_link() -> None:
    # without a filtered drive (n_th = 0) every path is the same deterministic ODE, so the
    # trajectory route must match the Fock propagation up to its RK4 error (step 0.02/γ:
    # O(h⁴) ~ 1e-9 here; the default step 0.25/rate leaves ~1e-5)
    m = ThermalLink(0.0, 0.05, n_link=0.2, gamma_loss1=0.3, gamma_loss2=0.1, p_loss=0.1)
    times = np.array([0.0, 0.5, 2.0, 6.0])
    rho0 = np.zeros((4, 4), complex)
    rho0[1, 1] = rho0[2, 2] = 0.5
    rho0[1, 2] = rho0[2, 1] = -0.5  # singlet: it decays into |00⟩ and thermalises
    traj = evolve(m, times, "trajectories", initial=rho0, n_traj=40, dt=0.02)
    ref = evolve(m, times, "fock", initial=rho0)
    np.testing.assert_allclose(traj.rhos, ref.rhos, atol=1e-7)


def test_concurrence_decreases_with_loss_and_link_occupation() -> None:
    base = ThermalLink(2.0, 0.05)
    losses = [concurrence(ThermalLink(2.0, 0.05, gamma_loss1=g, gamma_loss2=g)).concurrence
              for g in (0.0, 0.01, 0.03, 0.1, 0.3)]  # fmt: skip
    assert losses[0] == concurrence(base).concurrence
    assert all(b < a for a, b in itertools.pairwise(losses) if a > 0)
    warm = [concurrence(ThermalLink(2.0 - n, 0.05, n_link=n)).concurrence
            for n in (0.0, 0.003, 0.01, 0.03)]  # fmt: skip
    assert all(b < a for a, b in itertools.pairwise(warm))


def test_loss_on_one_qubit_only_enters_that_qubit() -> None:
    a = concurrence(ThermalLink(2.0, 0.05, gamma_loss1=0.1)).concurrence
    b = concurrence(ThermalLink(2.0, 0.05, gamma_loss2=0.1)).concurrence
    both = concurrence(ThermalLink(2.0, 0.05, gamma_loss1=0.1, gamma_loss2=0.1)).concurrence
    ideal = concurrence(ThermalLink(2.0, 0.05)).concurrence
    assert both < min(a, b) and max(a, b) < ideal
    assert a != b  # the cascade is not symmetric under exchanging the qubits


def test_bidirectional_geometry_takes_loss_but_refuses_a_warm_link() -> None:
    bid = ThermalLink(20.0, 0.02, delta1=0.25, delta2=-0.25, geometry="bidirectional")
    lossy = ThermalLink(20.0, 0.02, delta1=0.25, delta2=-0.25, geometry="bidirectional",
                        gamma_loss1=0.05, gamma_loss2=0.05)  # fmt: skip
    assert concurrence(lossy).concurrence < concurrence(bid).concurrence
    with pytest.raises(ParameterError, match="n_link"):
        ThermalLink(20.0, 0.02, geometry="bidirectional", n_link=0.01)


def test_approximate_routes_include_or_refuse_loss() -> None:
    m = ThermalLink(0.5, 0.05, gamma_loss1=0.05, gamma_loss2=0.05)
    ideal = ThermalLink(0.5, 0.05)
    full = bourret_concurrence(m)
    assert full.method == "bourret-numeric"
    assert full.concurrence < bourret_concurrence(ideal).concurrence
    with pytest.raises(ParameterError, match="gamma_loss1"):
        analytic_concurrence(ThermalLink(100.0, 1e-3, gamma_loss1=0.01))
    with pytest.raises(ParameterError, match="n_link"):
        bourret_concurrence(ThermalLink(0.5, 0.05, n_link=0.01), order="lowest")


@pytest.mark.parametrize("name", ["gamma_loss1", "gamma_loss2", "n_link"])
def test_negative_or_nan_values_are_refused(name: str) -> None:
    for bad in (-0.1, float("nan")):
        with pytest.raises(ParameterError, match=name):
            ThermalLink(1.0, 0.1, **{name: bad})


# ---------------------------------------------------------------------------------------------
# translation of a warm link
# ---------------------------------------------------------------------------------------------
def test_a_warm_chiral_link_reaches_the_model_and_lowers_the_drive_to_the_excess() -> None:
    setup = load_setup(DEVICES / "setups" / "thermal_link_transmon.toml")
    model = translate(with_overrides(setup, {"channel.base_temperature": "1 K"})).model
    # Bose occupations by hand: n = 1/(exp(hf/kT) − 1) at f = 5 GHz
    n_1k = 1.0 / math.expm1(6.62607015e-34 * 5e9 / (1.380649e-23 * 1.0))
    n_hot = 1.0 / math.expm1(6.62607015e-34 * 5e9 / (1.380649e-23 * 293.0))
    assert model.n_link == pytest.approx(n_1k, rel=1e-12)
    assert model.n_th == pytest.approx(n_hot - n_1k, rel=1e-12)


def test_a_link_as_hot_as_the_source_is_refused() -> None:
    setup = load_setup(DEVICES / "setups" / "thermal_link_transmon.toml")
    with pytest.raises(DeviceFileError, match=r"base_temperature.*as many as the source"):
        translate(with_overrides(setup, {"channel.base_temperature": "300 K"}))


def test_a_warm_bidirectional_link_is_refused_above_the_threshold() -> None:
    setup = load_setup(DEVICES / "setups" / "thermal_link_siv_orbital.toml")
    # 50 GHz phonons: Bose(50 GHz, 0.3 K) = 3.4e-4 is accepted (declared, warned), 1 K is not
    cold = translate(with_overrides(setup, {"channel.base_temperature": "0.3 K"}))
    assert cold.model.n_link == 0.0
    assert [w for w in cold.warnings if "(residual_occupation)" in w]
    with pytest.raises(DeviceFileError, match="bidirectional model"):
        translate(with_overrides(setup, {"channel.base_temperature": "1 K"}))


def test_lowering_the_directionality_never_raises_the_concurrence() -> None:
    # γ₁ = d·γ_rad stays the intended-direction rate and (1 − d)γ_rad is the loss γ′ (see the
    # model's docstring). Before γ′ reached the model, d = 0.5 *raised* C (0.60 vs 0.58).
    setup = load_setup(DEVICES / "setups" / "thermal_link_transmon.toml")
    values = []
    for d in (1.0, 0.999, 0.99, 0.95, 0.7, 0.5):
        model = translate(with_overrides(setup, {"qubit.directionality": d})).model
        assert model.gamma_loss1 == pytest.approx((1 - d) / d, abs=1e-12)
        values.append(concurrence(model).concurrence)
    assert values[0] > 0.25  # the chain starts entangled, so it can fail
    # hierarchy route converges C + Tr ρ² to 1e-7 per solve: 1e-6 between two solves
    assert all(b <= a + 1e-6 for a, b in itertools.pairwise(values)), values
    assert values[-1] < values[0] - 0.1


@pytest.mark.slow
def test_trajectory_steady_state_agrees_with_fock_with_loss_and_warm_link() -> None:
    # a driven case (n_th = 2) where the paths differ: the sampled C must lie within 4 jackknife
    # standard errors (plus the time-average bias, ≲ 1e-3 here) of the exact Fock value
    m = ThermalLink(2.0, 0.1, gamma_loss1=0.02, gamma_loss2=0.03, n_link=0.005, p_loss=0.01)
    fock = concurrence(m, "fock").concurrence
    traj = concurrence(m, "trajectories", n_traj=2000, seed=1)
    assert fock > 0.05
    assert traj.concurrence_stderr is not None
    assert abs(traj.concurrence - fock) < 4 * traj.concurrence_stderr + 1e-3
