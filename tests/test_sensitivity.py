"""Sensitivity ranking: signs follow the metamorphic rules, numbers are real budgets."""

from __future__ import annotations

import json
import math

import pytest

from qnet_design.budget import budget
from qnet_design.budget.sensitivity import sensitivity
from qnet_design.cli import main
from qnet_design.specs import load_setup
from qnet_design.specs.setups import with_overrides

from .conftest import DEVICES

THERMAL = DEVICES / "setups" / "thermal_link_transmon.toml"

#: imperfection → sign of ∂F/∂x (a worse imperfection never improves the figure; paper 001
#: Fig. 4 and the metamorphic tests of the thermal link; the directionality enters as γ′)
SIGNS = {
    "channel.insertion_loss": -1,
    "channel.loss_per_length": -1,
    "qubit.t_phi": +1,
    "qubit.directionality": +1,
}


@pytest.fixture(scope="module")
def thermal_report():
    return sensitivity(load_setup(THERMAL), store=False)


def test_imperfection_signs_follow_the_metamorphic_rules(thermal_report):
    by_path = {s.path: s for s in thermal_report.ranking}
    assert set(SIGNS) <= set(by_path)
    for path, sign in SIGNS.items():
        s = by_path[path]
        assert sign * s.elasticity > 0, (path, s.elasticity)
        assert s.change > 0 and not s.violates_rule, path


def test_numbers_are_budgets_of_the_improved_setup(thermal_report):
    spec = load_setup(THERMAL)
    top = thermal_report.ranking[0]
    # the 5 m link's 0.2 dB insertion loss dominates (paper 001: loss of several % matters)
    assert top.path == "channel.insertion_loss" and top.improved_value == "0.1 dB"
    again = budget(with_overrides(spec, {"channel.insertion_loss": "0.1 dB"}), full=False)
    assert top.figure_after == pytest.approx(again["concurrence"], rel=1e-12)
    assert thermal_report.nominal == pytest.approx(budget(spec, full=False)["concurrence"])
    # improvements come first, ordered by their effect
    changes = [s.change for s in thermal_report.ranking if s.change > 0]
    assert changes == sorted(changes, reverse=True)
    # the resonant detunings are at their ideal value 0 and are listed, not ranked
    assert any("detuning1" in why for why in thermal_report.not_ranked)


def test_a_step_that_leaves_the_model_is_not_ranked(thermal_report):
    """±10 % on the qubit or filter frequency moves the qubit 500 MHz off the filter, which
    the thermal-link model does not describe (its Δᵢ come from layout.detuningᵢ; the device
    frequency only sets n_link): the translation warns, and the ranking lists the parameter
    as not ranked instead of reporting the n_link effect as a design gain."""
    from qnet_design.translate import translate

    spec = load_setup(THERMAL)
    assert translate(spec).warnings == ()
    off = translate(with_overrides(spec, {"qubit.f01": "5.5 GHz"})).warnings
    assert len(off) == 2 and "500 MHz from the filter frequency + layout.detuning1" in off[0]
    # within the qubit's linewidth (10 MHz): quiet, as the catalog's 1 MHz layout detunings
    assert translate(with_overrides(spec, {"qubit.f01": "5.005 GHz"})).warnings == ()
    ranked = {s.path for s in thermal_report.ranking}
    for path in ("qubit.f01", "source.filter_frequency"):
        assert path not in ranked
        assert any(
            w.startswith(f"{path}: ±10 % leaves the model") for w in thermal_report.not_ranked
        )


def test_cli_sensitivity(capsys):
    setup = str(DEVICES / "setups" / "cv_replication_twpa_arrays.toml")
    assert main(["sensitivity", setup, "--no-cache", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["figure"] == "E_N_min"
    first = data["ranking"][0]
    # more squeezing is the lever of a squeezed-bath drive (E_N of the drive is 2r)
    assert first["path"] == "source.squeezing_db" and first["change"] > 0
    cavity = next(r for r in data["ranking"] if r["path"] == "layout.cavity_linewidth")
    assert cavity["change"] > 0 and cavity["elasticity"] < 0  # resonator loss never helps
    assert main(["sensitivity", setup, "--figure", "nonsense"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_minimize_ranks_decreases_as_improvements():
    # the photon flux Φ = κ n_th/2 falls with a sharper filter (higher Q) and a colder resistor
    report = sensitivity(load_setup(THERMAL), figure="flux", minimize=True, store=False)
    first = report.ranking[0]
    assert first.change < 0
    assert first.path in ("source.filter_q", "source.temperature")
    by_path = {s.path: s for s in report.ranking}
    assert by_path["source.filter_q"].action == "+10 % on"
    assert by_path["source.temperature"].action == "−10 % on"


def test_a_figure_at_zero_has_no_elasticity_but_is_ranked():
    # the catalog routing chain entangles no channel node (M_max = 0): elasticities (x/F)∂F/∂x
    # are undefined, the changes under realistic improvements are still computed
    report = sensitivity(
        load_setup(DEVICES / "setups" / "cv_routing_electromechanical.toml"), store=False
    )
    assert report.nominal == 0
    assert report.ranking and all(math.isnan(s.elasticity) for s in report.ranking)
    assert "elasticity n/a" in str(report)
