"""Budgets: stable JSON keys, agreement with the scheme modules, monotone error budgets,
compare over the catalog, requirement search, plots."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from qnet_design import load_setup, translate
from qnet_design.budget import budget, require
from qnet_design.cli import main
from qnet_design.errors import DeviceFileError, ParameterError
from qnet_design.schemes import cooperative as co, thermal_link as tl
from qnet_design.specs.setups import with_overrides

from .conftest import DEVICES

SETUPS = DEVICES / "setups"
THERMAL = SETUPS / "thermal_link_transmon.toml"
COOPERATIVE = SETUPS / "cooperative_transmon_trio.toml"


@pytest.fixture(scope="module")
def thermal_budget():
    return budget(THERMAL)


def test_json_keys_are_stable(thermal_budget):
    data = thermal_budget.to_dict()
    assert set(data) >= {"scheme", "setup", "figures", "error_budget", "warnings", "timings"}
    for fig in data["figures"].values():
        assert set(fig) >= {"value", "unit", "method", "converged"}
    for step in data["error_budget"]:
        assert set(step) == {"step", "figure", "value"}


def test_thermal_budget_agrees_with_scheme(thermal_budget):
    # the budget must report exactly what the scheme module gives for the translated model
    model = tl.ThermalLink(**translate(load_setup(THERMAL)).model_kwargs)
    direct = tl.concurrence(model)
    assert thermal_budget["concurrence"] == pytest.approx(direct.concurrence, abs=1e-12)
    # the scheme's method, plus which times the pair holds on this 5 m chiral link (γτ ≥ 1)
    assert thermal_budget.figure("concurrence").method.startswith(direct.method + "; pairs qubit 1")
    assert thermal_budget.figure("concurrence").converged


def test_thermal_error_budget_monotone(thermal_budget):
    # dephasing and waveguide loss can only remove entanglement (paper 001, Fig. 4): the
    # cumulative steps that switch them on must not increase C
    steps = {s.step: s.value for s in thermal_budget.error_budget}
    values = [s.value for s in thermal_budget.error_budget]
    assert steps["ideal"] == max(values)
    for name in ("+ dephasing γ_φ", "+ waveguide loss p_loss"):
        if name in steps:
            k = list(steps).index(name)
            assert values[k] <= values[k - 1] + 1e-9
    assert values[-1] == pytest.approx(thermal_budget["concurrence"], abs=1e-9)


def test_cooperative_budget_agrees_with_scheme():
    b = budget(COOPERATIVE)
    kwargs = dict(translate(load_setup(COOPERATIVE)).model_kwargs)
    model = co.CooperativeArray(**kwargs)
    ideal = co.CooperativeArray(model.qubits, model.kappa, omega=model.omega)
    final = co.final_state(ideal, load_setup(COOPERATIVE).layout["initial"])
    # three qubits from |100⟩: dark weight 2/3 (paper 003, Fig. 4) and pair concurrence 4/9
    assert b["dark_weight"] == pytest.approx(final.dark_weight, abs=1e-12)
    assert b["dark_weight"] == pytest.approx(2 / 3, abs=1e-9)
    assert b["concurrence"] == pytest.approx(4 / 9, abs=1e-9)
    values = [s.value for s in b.error_budget]
    assert all(b2 <= b1 + 1e-9 for b1, b2 in itertools.pairwise(values))


def test_cooperative_uses_total_radiative_rate():
    # the common reservoir is the whole (bidirectional) waveguide: κ_paper = γ_rad/2, so the
    # directionality 0.5 of the van Loo transmon must not turn half the emission into loss
    setup = load_setup(COOPERATIVE)
    tr = translate(setup)
    linewidth = setup.devices["qubit"].get("waveguide_linewidth").m_as("Hz")
    assert tr.rate("kappa").angular == pytest.approx(2 * math.pi * linewidth / 2, rel=1e-12)
    assert tr.rate("alpha").angular == 0.0


def test_cli_budget_json_and_plot(tmp_path, capsys):
    png = tmp_path / "budget.png"
    assert main(["budget", str(COOPERATIVE), "--json", "--plot", str(png)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scheme"] == "cooperative" and data["error_budget"]
    assert png.stat().st_size > 1000


def test_require_finds_a_value_that_meets_the_target():
    setup = load_setup(THERMAL)
    before = budget(setup, full=False)["concurrence"]
    # C = 0.237 with γ′ and the 50 mK link; without any insertion loss ~0.3 is within reach
    target = 0.28
    assert before < target
    req = require(setup, f"concurrence>={target}", "channel.insertion_loss")
    assert req.met and req.required is not None and req.required < req.original
    # plugged back in, the found value meets the target
    after = budget(
        with_overrides(setup, {"channel.insertion_loss": f"{req.required} dB"}), full=False
    )
    assert after["concurrence"] >= target


def test_require_reports_an_unreachable_target():
    req = require(THERMAL, "concurrence>=0.99", "channel.insertion_loss", max_evaluations=12)
    assert not req.met and "cannot be met" in req.message


@pytest.mark.parametrize("bad", ["concurrence=0.5", "C>>1", ">= 3"])
def test_require_bad_target(bad):
    with pytest.raises(ValueError, match="`target` must look like"):
        require(THERMAL, bad, "channel.insertion_loss")


def _c(setup, path, x):
    return budget(with_overrides(setup, {path: x}), full=False)["concurrence"]


def test_require_searches_a_box_around_a_zero_detuning():
    """δ₂ = 0 cannot be doubled or halved: with a box the search steps away from 0 and
    finds the least |δ₂| that brings C down to 0.2 (a detuning tolerance): C there meets
    the target, C at a value 2 % closer to 0 does not (bisection to rtol = 1 %), and the
    full box's answer is the smaller of its two halves' answers."""
    setup = load_setup(THERMAL)
    path = "layout.detuning2"
    both = require(setup, "concurrence<=0.2", f"{path}=-5 MHz:5 MHz")
    assert both.met and both.original == 0.0 and both.required is not None
    assert 1e5 < abs(both.required) < 5e6
    assert _c(setup, path, both.required) <= 0.2 < _c(setup, path, 0.98 * both.required)
    halves = [
        require(setup, "concurrence<=0.2", f"{path}={box}") for box in ("-5 MHz:0 Hz", "0 Hz:5 MHz")
    ]
    assert halves[0].required < 0 < halves[1].required
    least = min(abs(h.required) for h in halves)
    assert abs(both.required) == pytest.approx(least, rel=0.03)
    assert "MHz (now 0 Hz)" in both.message


def test_require_a_zero_value_without_a_box_names_the_form(capsys):
    argv = ["require", str(THERMAL), "--target", "concurrence<=0.2", "--vary"]
    assert main([*argv, "layout.detuning2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--vary 'layout.detuning2=LOW:HIGH'" in err
    assert "0 Hz now" in err and "a bare number is Hz" in err
    bad_forms = (
        "layout.detuning2=5 MHz:-5 MHz",
        "layout.detuning2=-5 MHz:5 MHz:log",
        "layout.geometry",
    )
    for bad in bad_forms:
        assert main([*argv, bad]) == 2
        assert capsys.readouterr().err.count("\n") == 1
    # a box that cannot meet the target: the answer, exit 1 as for every unmet target
    assert main([*argv[:3], "concurrence>=0.9", "--vary", "layout.detuning2=-1 MHz:1 MHz"]) == 1
    assert "cannot be met by varying layout.detuning2 within [-1 MHz, 1 MHz]" in (
        capsys.readouterr().out
    )


def test_cli_require(capsys):
    code = main(
        [
            "require",
            str(THERMAL),
            "--target",
            "concurrence>=0.28",
            "--vary",
            "channel.insertion_loss",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["met"] and data["required"] < data["original"]


def test_cv_replication_budget_agrees_with_scheme():
    from qnet_design.schemes import cv_replication as cv

    path = SETUPS / "cv_replication_twpa_arrays.toml"
    b = budget(path)
    model = cv.ReplicationArrays(**translate(load_setup(path)).model_kwargs)
    direct = cv.pair_log_negativities(model).values
    assert b["E_N_min"] == pytest.approx(min(direct), abs=1e-12)
    # the ideal step is exact replication (paper 004): every pair carries the drive's E_N
    assert b.error_budget[0].value == pytest.approx(b["drive_E_N"], rel=1e-9)
    assert b.error_budget[-1].value <= b.error_budget[0].value


def test_cv_replication_translation_uses_amplitude_rates():
    # paper 004 writes κ_j(2aρa† − …): a cavity of linewidth Δf has κ = πΔf, the drive Γ = π f_Γ,
    # and λ = 2π × hopping; everything in units of Γ
    setup = load_setup(SETUPS / "cv_replication_twpa_arrays.toml")
    model = translate(setup).model  # every bond and every cavity alike
    f_drive = setup.layout["drive_rate"].m_as("Hz")
    hopping = np.unique(model.hopping_matrix)
    loss = np.unique(model.losses)
    assert hopping == pytest.approx([2 * setup.layout["hopping"].m_as("Hz") / f_drive])
    assert loss == pytest.approx([setup.layout["cavity_linewidth"].m_as("Hz") / f_drive])


def test_dual_rail_methods_name_the_part_of_the_layout_they_cover():
    # "first 1 pairs" was printed for a one-pair layout, "first 3 pairs" for all three
    from qnet_design.budget._dual_rail import _prefix

    assert _prefix(1, 1) == "the layout's pair"
    assert _prefix(3, 3) == "the layout's 3 pairs"
    assert _prefix(2, 3) == "the layout's first 2 of 3 pairs"


@pytest.mark.slow
def test_dual_rail_budget_agrees_with_scheme():
    # full budget of the reversed setup cut to two pairs (override): exact C_ij of the layout,
    # finite-bandwidth T_prep, error budget (two-pair solves at δ = 0): ~1-2 min
    from qnet_design.schemes import dual_rail as dr

    setup = with_overrides(
        load_setup(SETUPS / "dual_rail_ndpa_reversed.toml"),
        {"layout.pairs": 2, "qubit_b.f01": "5.9825 GHz"},  # B_1 pairs with A_2: δ_B,1 = −δ_A,2
    )
    b = budget(setup)
    model = translate(setup).model_as(dr.DualRail)
    assert model.permutation == (1, 0)
    computed = np.asarray(b.profiles["C_ij computed (finite bandwidth)"])
    # the pairs (A_2, B_1), (A_1, B_2) are the anti-diagonal, named by their elements
    assert [b["C_21"], b["C_12"]] == pytest.approx([computed[1, 0], computed[0, 1]], abs=1e-12)
    assert computed[0, 1] > computed[0, 0]  # reversed pairing: A_1 with B_2
    figs = {f.name: f for f in b.figures}
    assert "steady state of the layout's 2 pairs, computed" in figs["C_21"].method
    assert b["n_ent_direct"] == sum(c > 1e-3 for c in (computed[1, 0], computed[0, 1]))
    assert b["n_ent"] == b.error_budget[-1].value  # at δ = 0: the same solve, taken from it
    assert {s.figure for s in b.error_budget} == {"n_ent (two pairs, δ = 0)"}
    assert "finite bandwidth" in figs["t_prep"].method and figs["t_prep"].converged
    # ideal broadband network first: N_ent = ∞; every imperfection can only lower it (Fig. 4b)
    values = [s.value for s in b.error_budget]
    assert b.error_budget[0].step == "ideal" and math.isinf(values[0])
    assert all(v2 <= v1 * (1 + 1e-6) for v1, v2 in itertools.pairwise(values))
    # ideal C_ij of the layout (Eq. 9): the reversed pairing shows, A_1 with B_2
    c = np.asarray(b.profiles["C_ij ideal broadband"])
    ideal = dr.DualRail(model.pairs, model.r, model.delta_a, model.permutation)
    assert np.allclose(c, dr.concurrence_matrix(ideal).matrix, atol=1e-12)
    assert c[0, 1] > c[0, 0]


@pytest.mark.slow
def test_dual_rail_budget_of_more_pairs_than_its_finite_prep_limit(monkeypatch):
    # a layout with more pairs than FINITE_PREP_PAIRS (patched to 1 on a two-pair setup, ~1-2
    # min) gets the finite-bandwidth T_prep of its first pairs, labelled approximate, warned,
    # and equal to prep_time(model, pairs=k) (the same computation); the trace-distance
    # version sits next to it
    from qnet_design.budget import _dual_rail
    from qnet_design.schemes import dual_rail as dr

    monkeypatch.setattr(_dual_rail, "FINITE_PREP_PAIRS", 1)
    setup = with_overrides(load_setup(SETUPS / "dual_rail_twpa.toml"), {"layout.pairs": 2})
    b = budget(setup)
    tr = translate(setup)
    model = tr.model_as(dr.DualRail)
    prep = dr.prep_time(model, pairs=1)
    figs = {f.name: f for f in b.figures}
    assert "approximate: the layout's first 1 of 2 pairs" in figs["t_prep"].method
    assert "approximate" in figs["pair_rate"].method
    assert figs["t_prep"].value == pytest.approx(prep.t_prep / tr.reference.angular * 1e6)
    assert figs["t_prep_trace"].value == pytest.approx(prep.t_trace / tr.reference.angular * 1e6)
    assert any("first 1 of 2 pairs" in w for w in b.warnings)


def test_dual_rail_budget_takes_t_prep_of_the_largest_prefix_the_size_guard_allows(monkeypatch):
    # a memory limit between the one- and two-pair dynamics estimates (270 and 281 MiB at 4
    # source photons): T_prep of the first pair instead of none, labelled approximate, and the
    # warning says why (the guard, not the cost); the same figure as prep_time(pairs=1) (~1 s)
    from qnet_design.budget._dual_rail import _prep
    from qnet_design.schemes import dual_rail as dr
    from qnet_design.schemes.dual_rail.dynamics import _dynamics_bytes

    limit = 278 * 2**20
    assert _dynamics_bytes(1, 6) < limit < _dynamics_bytes(2, 4)
    monkeypatch.setenv("QNET_DESIGN_MAX_MEMORY", str(limit))
    setup = with_overrides(load_setup(SETUPS / "dual_rail_twpa.toml"), {"layout.pairs": 2})
    model = translate(setup).model_as(dr.DualRail)
    warnings: list[str] = []
    prep, method, _, pairs = _prep(model, model, True, 2, warnings, {})
    assert pairs == 1 and prep is not None
    assert prep.t_prep == dr.prep_time(model, pairs=1).t_prep
    assert method.startswith("approximate: the layout's first 1 of 2 pairs")
    assert len(warnings) == 1 and "the size guard refuses 2 pairs" in warnings[0]


@pytest.mark.slow
def test_dual_rail_budget_takes_the_largest_prefix_the_size_guard_allows(monkeypatch):
    # a memory limit between the two- and three-pair estimates (326 and 400 MiB at 7 photons):
    # the three-pair layout's budget reports its first two pairs exactly, n_ent_direct as a
    # lower bound of those, and warns that C_ij of all three was not computed (~1 min)
    from qnet_design.schemes import dual_rail as dr
    from qnet_design.schemes.dual_rail.steady import steady_state_bytes

    limit = 370 * 2**20
    assert steady_state_bytes(2, 7) < limit < steady_state_bytes(3, 7)
    monkeypatch.setenv("QNET_DESIGN_MAX_MEMORY", str(limit))
    setup = load_setup(SETUPS / "dual_rail_twpa.toml")
    b = budget(setup)
    figs = {f.name: f for f in b.figures}
    assert {"C_11", "C_22"} <= set(figs) and "C_33" not in figs
    assert "first 2 of 3 pairs" in figs["C_22"].method
    assert figs["n_ent_direct"].method.startswith("lower bound")
    assert figs["n_ent_direct"].value == dr.count_entangled([b["C_11"], b["C_22"]])
    # counted from truncated states: the count and the rate carry their truncations' evidence
    assert figs["n_ent_direct"].evidence == figs["C_11"].evidence != ""
    assert figs["pair_rate"].evidence == figs["t_prep"].evidence != ""
    assert any("C_ij of all 3 pairs not computed" in w for w in b.warnings)
    assert "C_ij computed (finite bandwidth), first 2 of 3 pairs" in b.profiles
    # T_prep likewise of the first two pairs (the guard refuses the three-pair dynamics)
    assert figs["t_prep"].method.startswith("approximate: the layout's first 2 of 3 pairs")
    assert any("the size guard refuses 3 pairs" in w for w in b.warnings)


@pytest.mark.slow
def test_dual_rail_budget_of_three_pairs_has_the_whole_layouts_t_prep():
    # FINITE_PREP_PAIRS = 3: the twpa budget's T_prep is that of all three pairs, unlabelled
    # and unwarned, the figure of prep_time(model) (the same computation; ~1 min)
    from qnet_design.schemes import dual_rail as dr

    path = SETUPS / "dual_rail_twpa.toml"
    b = budget(path)
    tr = translate(load_setup(path))
    prep = dr.prep_time(tr.model_as(dr.DualRail))
    figs = {f.name: f for f in b.figures}
    assert figs["t_prep"].value == pytest.approx(prep.t_prep / tr.reference.angular * 1e6)
    assert figs["t_prep"].method.startswith("finite bandwidth Eq. 11 with every imperfection")
    assert "approximate" not in figs["pair_rate"].method
    assert not any("t_prep is that of" in w for w in b.warnings)


def test_cv_routing_budget_agrees_with_scheme():
    from qnet_design.schemes import cv_routing as cr

    path = SETUPS / "cv_routing_electromechanical.toml"
    setup = with_overrides(load_setup(path), {"layout.squeezing_r": 0.3})
    b = budget(setup)
    model = cr.RoutingChain(**translate(setup).model_kwargs)
    assert b["M_max"] == cr.max_entangled_node(model)
    assert b["stability_margin"] > 0
    # switching on local decay and thermal baths cannot extend the routing depth (paper 002)
    depth = [s.value for s in b.error_budget if not math.isnan(s.value)]
    assert all(d2 <= d1 for d1, d2 in itertools.pairwise(depth))


def test_compare_entire_catalog(capsys, tmp_path):
    # every setup of the catalog in one table, the dual-rail ones included (~10 s)
    setups = sorted(SETUPS.glob("*.toml"))
    csv = tmp_path / "catalog.csv"
    assert main(["compare", *map(str, setups), "--csv", str(csv)]) == 0
    out = capsys.readouterr().out
    assert all(load_setup(p).name[:20] in out for p in setups)
    assert len(csv.read_text().splitlines()) == len(setups) + 1


FAST_SETUPS = [p for p in sorted(SETUPS.glob("*.toml")) if not p.stem.startswith("dual_rail")]


@pytest.mark.parametrize("path", FAST_SETUPS, ids=lambda p: p.stem)
def test_headline_budget_of_every_fast_setup(path, capsys):
    # the dual-rail setups are covered by test_compare_entire_catalog and the dual-rail test
    assert main(["budget", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["figures"] and all(f["converged"] for f in data["figures"].values())
    assert data["scheme"] == load_setup(path).scheme


def test_thermal_transient_times_match_the_evolution(thermal_budget):
    # t_50, t_90: first crossing of 50 %/90 % of C_ss by C(t) from |00⟩ on the budget's grid
    c_t = np.asarray(thermal_budget.profiles["C(t)"])
    c_ss = thermal_budget["concurrence"]
    gamma = translate(load_setup(THERMAL)).reference.angular
    times = np.linspace(0.0, 100.0, c_t.size) / gamma * 1e6
    for frac, name in ((0.5, "t_50"), (0.9, "t_90")):
        k = int(np.argmax(c_t >= frac * c_ss))
        assert thermal_budget[name] == pytest.approx(times[k], rel=1e-12)
    assert thermal_budget["t_50"] < thermal_budget["t_90"]


def test_dual_rail_budget_is_the_layout_and_says_so():
    # the headline is computed for the setup's own layout: C_11 of the budget is the concurrence
    # of the setup's first pair alone (the cascade: pair 1 never sees later pairs). Same
    # equations; each solve widens its own source truncation until its last C changes by
    # < FOCK_TOLERANCE = 1e-5, so they agree to 2e-5. Labels say computed / extrapolated / ideal
    from qnet_design.schemes import dual_rail as dr

    path = SETUPS / "dual_rail_twpa.toml"
    b = budget(path, full=False)
    model = translate(load_setup(path)).model_as(dr.DualRail)
    first = dr.DualRail(
        1,
        model.r,
        delta_a=model.delta_a[0],
        beta=model.beta,
        beta_b=model.beta_b,
        gamma_phi=model.gamma_phi,
        gamma_loss=model.gamma_loss,
        p_loss=model.p_loss,
    )
    assert model.delta_b[0] == -model.delta_a[0]  # identity permutation: the pair is closed
    alone = dr.concurrence_matrix(first).matrix[0, 0]
    assert b["C_11"] == pytest.approx(alone, abs=2 * dr.FOCK_TOLERANCE)
    figs = {f.name: f for f in b.figures}
    assert "computed" in figs["C_22"].method and "extrapolated" in figs["n_ent"].method
    assert "ideal" in figs["t_prep"].method
    assert list(b.profiles) == ["C_ij ideal broadband"]


def test_cooperative_lifetime_includes_dephasing():
    # the catalog trio has t_phi = 20 us and α = 0: the dark excitation leaks to the bright
    # state at Γ → 2γ_φ/N (γ_φ = 1/T_phi; relative correction O(γ_φ/(Nκ)), γ_φ/(Nκ) = 5.3e-4
    # here with κ = π × 10 MHz), so the lifetime is N·T_phi/2 = 30 us, not ∞ (it was
    # 1/(2α) = ∞, ignoring the dephasing the file states)
    b = budget(COOPERATIVE)
    assert b["lifetime"] == pytest.approx(3 * 20.0 / 2, rel=2e-3)
    assert "γ_φ" in b.figure("concurrence").method  # the t → ∞ figure says it leaves γ_φ out


def test_cooperative_budget_of_more_than_ten_qubits():
    # N > 10 from |10…0⟩ failed with "reduced() needs the full state ... method='generic'"
    # (exit 1); the one-excitation blocks are small. Ideal t → ∞ pair concurrence from |10…0⟩:
    # amplitudes 1 − 1/N on qubit 0 and −1/N elsewhere, C₀₁ = 2(1 − 1/N)/N (4/9 for N = 3)
    n = 12
    setup = with_overrides(
        load_setup(COOPERATIVE),
        {
            "layout.qubits": n,
            "layout.detunings": ["0 Hz"] * n,
            "layout.initial": "1" + "0" * (n - 1),
        },
    )
    b = budget(setup, full=False)
    assert b["concurrence"] == pytest.approx(2 * (1 - 1 / n) / n, abs=1e-9)
    assert 0 < b["peak_concurrence"] <= b["concurrence"] + 1e-9


def test_cooperative_budget_refuses_more_qubits_than_it_follows(capsys, tmp_path):
    # 200 qubits ended in "numerical failure: OverflowError" (exit 1): basis states are 64-bit
    trio = (DEVICES / "setups" / "cooperative_transmon_trio.toml").read_text()
    trio = trio.replace('"../qubits/', f'"{DEVICES.as_posix()}/qubits/')
    layout = 'qubits = 3\ndetunings = ["0 Hz", "0 Hz", "0 Hz"]\ninitial = "100"'
    trio = trio.replace(layout, "qubits = 200")
    path = tmp_path / "many.toml"
    path.write_text(trio)
    assert main(["budget", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "layout.qubits = 200" in err


def test_cooperative_initial_of_the_wrong_length_names_the_field():
    # "10" for three qubits ended in a line from the model (no file, no field)
    setup = with_overrides(load_setup(COOPERATIVE), {"layout.initial": "10"})
    with pytest.raises(DeviceFileError, match=r"trio.toml: field `layout.initial`"):
        translate(setup)


def test_cooperative_dark_weight_is_never_negative_round_off():
    # from |111⟩ the three-qubit state has no dark part; it printed dark_weight -1.095e-17
    b = budget(with_overrides(load_setup(COOPERATIVE), {"layout.initial": "111"}), full=False)
    assert b["dark_weight"] >= 0.0 and b["dark_weight"] == pytest.approx(0.0, abs=1e-12)


def test_cv_routing_unstable_chain_has_no_error_budget_of_nans():
    # squeezing r = 50 makes the chain unstable: the budget says so in one warning; it also
    # printed three NaN error-budget rows with the model's Python repr as warnings (a chain
    # without losses is no more stable, so no step of the error budget has a steady state)
    setup = with_overrides(
        load_setup(SETUPS / "cv_routing_electromechanical.toml"), {"layout.squeezing_r": 50.0}
    )
    b = budget(setup)
    assert b["stability_margin"] < 0 and b.error_budget == ()
    assert [w for w in b.warnings if "unstable" in w] and not any(
        "RoutingChain(" in w for w in b.warnings
    )


def test_require_answer_gives_the_figure_its_unit():
    # "lifetime>=100 is met with qubit.t_phi = 66.91 µs (now 20 µs): lifetime = 100.4" left
    # the figure's unit out (µs; the target's number is in that unit, as budget prints it)
    r = require(COOPERATIVE, "lifetime>=40", "qubit.t_phi", rtol=0.1)
    assert r.met and r.message.endswith(" us") and "lifetime = " in r.message


def test_cooperative_budget_says_what_it_is_doing(monkeypatch):
    # N = 10 from five excitations ran for minutes without a word on the terminal
    from qnet_design.budget import _cooperative

    stages: list[str] = []
    monkeypatch.setattr(_cooperative, "progress", lambda stage, detail="": stages.append(detail))
    budget(COOPERATIVE, full=False)
    assert stages == [
        "t → ∞ state of 3 qubits from |100⟩",
        "C₀₁(t) of 3 qubits from |100⟩",
        "decay rate of the one-excitation sector",
    ]


def test_require_target_may_carry_a_unit():
    # "lifetime>=100 us" was refused ("must look like 'n_ent>=10'"), while optimize's
    # --constraint takes "t_prep<=2 us"; a unit is converted to the figure's (us)
    r = require(COOPERATIVE, "lifetime>=0.04 ms", "qubit.t_phi", rtol=0.1)
    assert r.met and r.figure_value >= 40.0
    with pytest.raises(ParameterError, match="not a unit of lifetime"):
        require(COOPERATIVE, "lifetime>=40 MHz", "qubit.t_phi")


def test_cv_replication_lossy_arrays_cut_off_by_zero_hopping_still_have_a_budget():
    # hopping 0 cuts the far sites off the driven end; with cavity losses they decay to vacuum
    # (E_N = 0 there, a steady state exists), but the lossless ideal of the error budget has
    # no steady state: the whole budget ended "the linear network has no steady state" (exit
    # 1) while `compare` printed the right headline
    setup = with_overrides(
        load_setup(SETUPS / "cv_replication_twpa_arrays.toml"), {"layout.hopping": "0 MHz"}
    )
    b = budget(setup)
    assert b["E_N_min"] == 0.0 and b["E_N_first_pair"] > 1.9
    assert math.isnan(b.error_budget[0].value) and any("ideal" in w for w in b.warnings)


def test_dual_rail_budget_of_a_permuted_layout_names_its_own_pairs():
    # δ_B,i = −δ_A,P[i] pairs B_i with A_P[i] (paper 000, Eq. 9): with P = (1, 0) the pairs are
    # (A_2, B_1) and (A_1, B_2), off the diagonal of C_ij. The budget printed the diagonal
    # C(A_k|B_k) (0.03 and 0.27 on the reversed catalog setup, whose pairs hold 0.16-0.44) and
    # extrapolated N_ent = ∞ from them. Expected elements from the ideal target state (Eq. 9,
    # closed form): the pairs are where it is large; N_ent from an independent two-pair model.
    from qnet_design.schemes import dual_rail as dr

    setup = with_overrides(
        load_setup(SETUPS / "dual_rail_ndpa_reversed.toml"),
        {"layout.pairs": 2, "qubit_b.f01": "5.9825 GHz"},  # B_1 pairs with A_2: δ_B,1 = −δ_A,2
    )
    b = budget(setup, full=False)
    model = translate(setup).model_as(dr.DualRail)
    assert model.permutation == (1, 0)
    names = {f.name for f in b.figures}
    assert {"C_21", "C_12"} <= names and not {"C_11", "C_22"} & names
    ideal = np.asarray(dr.concurrence_matrix(dr.DualRail(2, model.r, model.delta_a, (1, 0))).matrix)
    assert (
        ideal[1, 0] > 2 * ideal[0, 0] and ideal[0, 1] > 2 * ideal[1, 1]
    )  # the pairs are off-diagonal
    c = dr.steady_state(model).concurrences()
    assert b["C_21"] == pytest.approx(c[1, 0], abs=1e-9) and b["C_12"] == pytest.approx(
        c[0, 1], abs=1e-9
    )
    assert b["C_21"] > c[0, 0] and b["C_12"] > c[1, 1]
    at_zero = dr.DualRail(
        2,
        model.r,
        beta=model.beta,
        beta_b=model.beta_b,
        gamma_phi=model.gamma_phi,
        gamma_loss=model.gamma_loss,
        p_loss=model.p_loss,
    )
    assert b["n_ent"] == pytest.approx(dr.n_ent(at_zero).estimate, rel=1e-9)
    assert "δ = 0" in {f.name: f for f in b.figures}["n_ent"].method


def test_chiral_transient_times_name_the_cable_delay():
    # the Markovian cascade leaves out the delay τ = L/v from qubit 1 to qubit 2: a time figure
    # names it (with the upper bound t + τ) when τ > 1 % of it, and stays bare on a short link
    setup = load_setup(SETUPS / "thermal_link_cao_30m.toml")
    long = budget(with_overrides(setup, {"channel.phase_velocity": "2e8 m/s"}))
    tau_us = 30.0 / 2e8 * 1e6  # 0.15 µs
    for name in ("t_50", "t_90"):
        method = long.figure(name).method
        assert "τ = 0.15 µs" in method and "up to τ later" in method
        assert f"≤ {long[name] + tau_us:.4g} µs" in method
    unknown_velocity = budget(setup).figure("t_50").method  # 30 m / c = 0.10 µs, a lower bound
    assert "τ ≥ 0.1 µs" in unknown_velocity and "no phase_velocity" in unknown_velocity
    short = budget(with_overrides(setup, {"channel.length": "5 cm"}))  # τ ≤ 0.17 ns ≪ 1 % of t_50
    assert short.figure("t_50").method == short.figure("t_90").method == "hierarchy"


def test_chiral_concurrence_says_which_times_it_pairs_when_the_delay_is_not_markovian():
    # the Markovian cascade is the delayed one in the retarded frame (Gardiner 1993): its steady
    # state pairs qubit 1 at t − τ with qubit 2 at t. With γτ ≈ 6 on the 30 m link (γ/2π = 10
    # MHz, τ ≥ 30 m / c = 0.1 µs) the line says so; a 5 cm link (γτ ≈ 0.01) stays quiet
    long = load_setup(SETUPS / "thermal_link_cao_30m.toml")
    method = {f.name: f for f in budget(long, full=False).figures}["concurrence"].method
    assert "qubit 1 at t − τ with qubit 2 at t" in method and "γτ ≥ 6.3" in method
    short = with_overrides(long, {"channel.length": "5 cm"})
    method = {f.name: f for f in budget(short, full=False).figures}["concurrence"].method
    assert "t − τ" not in method
