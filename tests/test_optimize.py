"""optimize: a known closed-form optimum, the thermal-link optima, and bad input."""

from __future__ import annotations

import importlib
import json
import math
from pathlib import Path

import numpy as np
import pytest

from qnet_design.budget.optimize import (
    Variable,
    _Objective,
    coarse_grid,
    optimize,
    parse_vary,
    search,
)
from qnet_design.cli import main
from qnet_design.errors import ParameterError
from qnet_design.runs import evaluate_points
from qnet_design.schemes.thermal_link.approximations import analytic_optimum
from qnet_design.specs import load_setup
from qnet_design.translate import translate
from qnet_design.units import bose_occupation

from .conftest import DEVICES

THERMAL = DEVICES / "setups" / "thermal_link_transmon.toml"


class _ClosedForm(_Objective):
    """F(x, y) = 1 − (x − 0.3)² − (log₁₀ y − 1)²: maximum 1 at x = 0.3, y = 10."""

    def records(self, us):
        out = []
        for u in us:
            p = self.point(u)
            x, y = p["x"], p["y"]
            out.append({"F": 1 - (x - 0.3) ** 2 - (math.log10(y) - 1) ** 2, "failed": ""})
            self.cache[tuple(p.values())] = out[-1]
        return out


@pytest.mark.parametrize("method", ["local", "de"])
def test_search_finds_a_closed_form_optimum(method):
    spec = load_setup(THERMAL)
    variables = (Variable("x", 0.0, 1.0, False, ""), Variable("y", 1.0, 1000.0, True, ""))
    objective = _ClosedForm(spec, variables, "F", True, (), {})
    grid = coarse_grid(2, 120)
    u = search(objective, 2, 120 - len(grid), method, seed=1)
    best = objective.point(u)
    assert best["x"] == pytest.approx(0.3, abs=0.02)
    assert best["y"] == pytest.approx(10.0, rel=0.05)
    assert len(grid) <= 40 and len(objective.cache) <= 120 - len(grid)
    # the search never evaluated a node of the check grid (cell centres, then its own steps)
    nodes = {tuple(objective.point(g).values()) for g in grid}
    assert not nodes & set(objective.cache)


class _TwoPeaks(_ClosedForm):
    """A broad hill at x = 0.2 (height 0.5) and a narrow spike at x = 0.75 (height 1, width
    0.01): the spike sits on a node of the 5-point check grid and between the search's cell
    centres, so a local search climbs the hill and misses it."""

    def records(self, us):
        out = []
        for u in us:
            p = self.point(u)
            x = p["x"]
            value = max(0.5 - (x - 0.2) ** 2, math.exp(-(((x - 0.75) / 0.01) ** 2)))
            out.append({self.figure: value, "failed": ""})
            self.cache[tuple(p.values())] = out[-1]
        return out


def test_the_grid_check_can_fail(monkeypatch):
    """The check against the coarse grid is real: a search that misses the spike says so, with
    the grid point that beats it."""
    opt = importlib.import_module("qnet_design.budget.optimize")
    monkeypatch.setattr(opt, "_Objective", _TwoPeaks)
    monkeypatch.setattr(opt, "parse_vary", lambda s, t: Variable("x", 0.0, 1.0, False, ""))
    result = opt.optimize(
        load_setup(THERMAL), ["x"], maximize="concurrence", budget=15, store=False
    )
    assert result.grid_points == 5 and result.grid_best == {"x": 0.75}
    assert result.optimum["x"] == pytest.approx(0.2, abs=1e-3)
    assert not result.beats_grid and result.grid_value == pytest.approx(1.0)
    assert "does NOT beat" in str(result) and "missed a better point" in str(result)


def _ideal_link(tmp_path: Path) -> Path:
    """Chiral link with no loss, no dephasing, perfect directionality; κ/γ = 0.01 (Q = 2.5e4)."""
    path = tmp_path / "ideal.toml"
    path.write_text(
        'scheme = "thermal_link"\nname = "ideal"\n[devices]\n'
        f'qubit = "{DEVICES / "qubits" / "joshi2023_chiral_transmon.toml"}"\n'
        f'source = "{DEVICES / "sources" / "agusti2025_roomtemp_filtered_source.toml"}"\n'
        "[overrides.qubit]\ndirectionality = 1.0\n[overrides.source]\nfilter_q = 2.5e4\n"
        '[layout]\ngeometry = "chiral"\n'
    )
    return path


def test_thermal_link_optimum_over_temperature_against_paper_001_eq_46_47(tmp_path):
    spec = load_setup(_ideal_link(tmp_path))
    kappa = translate(spec).model_kwargs["kappa"]
    paper = analytic_optimum(kappa)  # n_th* = γ²/(12κ²) (Eq. 46), C = 1 − 2Υ(γ/48κ) (Eq. 47)
    result = optimize(
        spec,
        ["source.temperature=20 K:2000 K:log"],
        maximize="concurrence",
        budget=30,
        store=False,
    )
    n_opt = bose_occupation(5e9, result.optimum["source.temperature"])
    # Eq. 46 minimises (1 + y)²/y and ignores the logarithmic variation of Υ, which moves the
    # exact maximum a few tens of percent lower in n_th (approximations.analytic_optimum);
    # Eq. 47 is lowest order in κ/γ = 0.01 (measured here: 4 % above the exact maximum)
    assert 0.5 < n_opt / paper.n_th_star < 1.0
    assert result.value == pytest.approx(paper.concurrence_star, abs=0.05)
    assert result.value < paper.concurrence_star
    assert result.beats_grid and not result.at_bound


def test_thermal_link_optimum_over_filter_q_agrees_with_a_fine_sweep():
    spec = load_setup(THERMAL)
    result = optimize(
        spec, ["source.filter_q=1e4:1e6:log"], maximize="concurrence", budget=30, store=False
    )
    qs = np.geomspace(1e4, 1e6, 41)
    sweep = evaluate_points(spec, [{"source.filter_q": float(q)} for q in qs])
    k = int(np.argmax(sweep["concurrence"]))
    assert 0 < k < 40  # an interior maximum (the filter trades flux against bandwidth)
    assert result.value >= float(sweep["concurrence"].max()) - 1e-9
    spacing = math.log(qs[1] / qs[0])
    assert abs(math.log(result.optimum["source.filter_q"] / qs[k])) <= spacing
    assert result.evaluations <= 30


@pytest.mark.parametrize(
    ("vary", "extra", "words"),
    [
        ("source.filter_q=1e6:1e4", [], "LOW must be < HIGH"),
        ("source.nothing=1:2", [], "unknown field"),
        ("layout.geometry=1:2", [], "not a numeric parameter"),
        ("qubit.t_phi=10 us:1 MHz", [], "must be a time"),
        ("qubit.t_phi=100 us:10 us", [], "got 100 µs and 10 µs"),  # was 0.0001 and 1e-05
        ("source.filter_q=1e4:1e6", ["--constraint", "concurrence>=0.999"], "no point tried"),
        ("source.filter_q=1e4:1e6", ["--constraint", "nonsense<=1"], "names 'nonsense'"),
    ],
)
def test_bad_optimize_input_is_one_line_exit_2(capsys, vary, extra, words):
    argv = [
        "optimize",
        str(THERMAL),
        "--maximize",
        "concurrence",
        "--vary",
        vary,
        "--budget",
        "6",
        "--no-cache",
        *extra,
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


def test_cli_optimize_json(capsys):
    argv = [
        "optimize",
        str(THERMAL),
        "--maximize",
        "concurrence",
        "--vary",
        "channel.insertion_loss=0.05 dB:0.5 dB",
        "--budget",
        "20",
        "--no-cache",
        "--json",
    ]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    # less loss is always better: the optimum is the lower edge of the box, and says so
    assert data["optimum"]["channel.insertion_loss"] == pytest.approx(0.05)
    assert data["at_bound"] == ["channel.insertion_loss"] and data["beats_grid"]


def test_discrete_values_are_tried_each():
    """`--vary layout.sites=2,3,4` (values, not a range): the optimum is the best of the three
    budgets computed directly."""
    spec = load_setup(DEVICES / "setups" / "cv_replication_twpa_arrays.toml")
    result = optimize(spec, ["layout.sites=2,3,4"], maximize="E_N_min", budget=3, store=False)
    direct = {n: evaluate_points(spec, [{"layout.sites": n}])["E_N_min"][0] for n in (2, 3, 4)}
    best = max(direct, key=direct.get)
    assert result.optimum == {"layout.sites": best}
    assert result.value == pytest.approx(direct[best], rel=1e-12)
    assert result.evaluations == 3 and result.beats_grid


def test_bad_discrete_value_is_one_line_exit_2(capsys):
    setup = str(DEVICES / "setups" / "cv_replication_twpa_arrays.toml")
    argv = ["optimize", setup, "--maximize", "E_N_min", "--vary", "layout.sites=2,x"]
    assert main([*argv, "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "layout.sites" in err


def test_an_optimum_at_zero_reads_zero():
    # Brent ends within ~1e-10 of a symmetric optimum at 0; "-931.3 pHz" is noise, not a value
    from qnet_design.budget.optimize import Variable

    box = Variable("layout.detunings[1]", -5e6, 5e6, False, "Hz")
    assert box.show(-9.313e-10) == "0 Hz" and box.show(-364.7e3) == "-364.7 kHz"


def test_optimize_an_integer_key_in_a_range_says_to_list_its_values(capsys):
    # "'layout.qubits' is not a numeric parameter (it is a integer)": it is numeric, and the
    # list form layout.qubits=2,3,4 optimizes over it
    trio = str(THERMAL.parent / "cooperative_transmon_trio.toml")
    argv = ["optimize", trio, "--maximize", "peak_concurrence", "--vary", "layout.qubits=2:5"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "layout.qubits=2,3,4" in err


def test_a_bare_bound_of_a_dimensional_field_is_refused_not_read_in_si():
    # 'qubit.t_phi=1:20' was read as 1 s to 20 s (sweep refuses the same values); with units
    # it is the 1-20 µs box, and a plain-number field keeps its bare numbers
    setup = load_setup(DEVICES / "setups" / "thermal_link_transmon.toml")
    with pytest.raises(ParameterError, match=r"bare number '1' needs a unit.*'1 us'"):
        parse_vary(setup, "qubit.t_phi=1:20")
    with pytest.raises(ParameterError, match=r"needs a unit.*'0\.1 dB'"):
        parse_vary(setup, "channel.insertion_loss=0.1:0.3")
    box = parse_vary(setup, "qubit.t_phi=1 us:20 us")
    assert (box.low, box.high) == pytest.approx((1e-6, 2e-5))
    assert parse_vary(setup, "source.filter_q=1e4:1e6").high == pytest.approx(1e6)
