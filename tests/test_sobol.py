"""Sobol indices: the estimators on closed forms, and on real setups through the budget."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from qnet_design.budget.sobol import estimate, sobol_indices
from qnet_design.budget.uncertainty import UncertainInput, draw, uncertain_budget
from qnet_design.cli import main
from qnet_design.errors import ParameterError
from qnet_design.specs import load_setup

from .conftest import DEVICES


def _pick_and_freeze(f, a: np.ndarray, b: np.ndarray):
    k = a.shape[1]
    ab = np.column_stack([f(np.where(np.arange(k) == i, b, a)) for i in range(k)])
    return f(a), f(b), ab


def _ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_indices_against_their_closed_form():
    """Ishigami & Homma (1990), Xᵢ ~ U(−π, π), a = 7, b = 0.1: partial variances
    V₁ = (1 + bπ⁴/5)²/2, V₂ = a²/8, V₃ = 0, V₁₃ = b²π⁸(1/18 − 1/50), V = V₁ + V₂ + V₁₃."""
    a, b = 7.0, 0.1
    v1, v2, v13 = (1 + b * math.pi**4 / 5) ** 2 / 2, a**2 / 8, b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    exact_first = np.array([v1, v2, 0.0]) / v  # 0.314, 0.442, 0
    exact_total = np.array([v1 + v13, v2, v13]) / v  # 0.558, 0.442, 0.244
    rng = np.random.default_rng(7)
    n = 5000
    x = rng.uniform(-math.pi, math.pi, size=(2 * n, 3))
    first, total, first_ci, total_ci = estimate(*_pick_and_freeze(_ishigami, x[:n], x[n:]))
    # the estimators' standard errors at N = 5000 are ≤ 0.02 (bootstrap: 0.006–0.02)
    assert first == pytest.approx(exact_first, abs=0.05)
    assert total == pytest.approx(exact_total, abs=0.05)
    # the 95 % bootstrap intervals bracket the estimate and (but for rare draws) the truth
    assert np.all((first_ci[0] <= first) & (first <= first_ci[1]))
    assert np.all((first_ci[0] - 0.01 <= exact_first) & (exact_first <= first_ci[1] + 0.01))
    assert np.all((total_ci[0] - 0.01 <= exact_total) & (exact_total <= total_ci[1] + 0.01))
    assert first.sum() < 0.8 < total.sum()  # X₁ and X₃ interact


def test_linear_model_indices_are_its_variance_split():
    """Y = Σ cᵢXᵢ with independent Gaussian Xᵢ (through the budget's own sampler): Sᵢ = S_Tᵢ =
    cᵢ²σᵢ²/Σⱼ cⱼ²σⱼ² (no interactions)."""
    inputs = tuple(
        UncertainInput(f"x{i}", 10.0, sigma, "", "normal", "")
        for i, sigma in enumerate((1.0, 2.0, 0.5))
    )
    c = np.array([3.0, 1.0, -4.0])
    n = 4000
    x = draw(inputs, 2 * n, seed=3)
    first, total, *_ = estimate(*_pick_and_freeze(lambda m: m @ c, x[:n], x[n:]))
    share = (c * [1.0, 2.0, 0.5]) ** 2
    share /= share.sum()  # 9/17, 4/17, 4/17
    assert first == pytest.approx(share, abs=0.05)
    assert total == pytest.approx(share, abs=0.02)  # Jansen's estimator is exact-ish here


def _cv(tmp_path: Path, source: str, layout: str) -> Path:
    path = tmp_path / "cv.toml"
    path.write_text(
        'scheme = "cv_replication"\nname = "cv"\n[devices]\n'
        f'source = "{DEVICES / "sources" / "esposito2022_twpa.toml"}"\n'
        f'[overrides.source]\n{source}\n[layout]\nsites = 4\ncavity_linewidth = "10 kHz"\n'
        f"{layout}\n"
    )
    return path


def test_a_figure_of_one_input_gives_that_input_everything(tmp_path):
    """cv_replication: the drive's E_N = 2 arcosh √G depends on the gain G alone, so S_G =
    S_TG = 1 and the layout rates get 0 (exactly, in the pick-and-freeze design: their A_B
    rows repeat f(A))."""
    path = _cv(tmp_path, 'gain = "3 ± 0.3"', 'hopping = "5 ± 0.5 MHz"\ndrive_rate = "10 MHz"')
    report = sobol_indices(load_setup(path), figure="drive_E_N", samples=32, store=False)
    assert report.evaluations == 32 * 4 and report.n_used == 32
    gain, hop = report["source.gain"], report["layout.hopping"]
    assert gain.total == pytest.approx(1.0, abs=0.15) and gain.first == pytest.approx(1, abs=0.3)
    assert hop.first == 0.0 and hop.total == 0.0
    assert report.indices[0].path == "source.gain"


def test_near_linear_figure_sobol_agrees_with_the_linear_shares(tmp_path):
    """E_N_min of the driven arrays over small spreads of the gain, the hopping and the drive
    rate is near-linear: the first-order indices agree with the exact first-order split of the
    linear propagation, and the figure is additive (Σ Sᵢ ≈ 1, S_Tᵢ ≈ Sᵢ)."""
    path = _cv(
        tmp_path,
        'gain = "3 ± 0.02"',
        'hopping = "5 ± 0.5 MHz"\ndrive_rate = "10 ± 1 MHz"',
    )
    spec = load_setup(path)
    report = sobol_indices(spec, samples=128, seed=2, store=False)
    linear = uncertain_budget(spec, method="linear", store=False).shares["E_N_min"]
    assert linear["source.gain"] > 0.3 and linear["layout.hopping"] > 0.3  # both matter
    for index in report.indices:
        # indices from N = 128 rows scatter by ~0.1: allow that or the bootstrap half-width
        first_half = (index.first_high - index.first_low) / 2
        total_half = (index.total_high - index.total_low) / 2
        assert index.first == pytest.approx(linear[index.path], abs=max(0.1, first_half)), index
        assert index.total == pytest.approx(linear[index.path], abs=max(0.1, total_half)), index
        assert index.linear_share == pytest.approx(linear[index.path], abs=0.05), index
    assert [i.path for i in report.indices[:2]] == sorted(linear, key=linear.get)[::-1][:2]
    assert report.first_order_sum == pytest.approx(1.0, abs=0.2)
    # the picture draws these indices: S and S_T bars per input, ranked as in the report
    import matplotlib.pyplot as plt

    from qnet_design.plotting import plot_sobol

    fig = plot_sobol(report)
    bars = [b.get_width() for b in fig.axes[0].patches]
    assert bars == pytest.approx([v for i in report.indices for v in (i.first, i.total)])
    assert report.unit == "" and "E_N_min" in fig.axes[0].get_xlabel()
    plt.close(fig)


def test_cli_sensitivity_sobol(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QNET_CACHE_DIR", str(tmp_path / "cache"))
    path = _cv(tmp_path, 'gain = "3 ± 0.3"', 'hopping = "5 ± 0.5 MHz"\ndrive_rate = "10 MHz"')
    argv = ["sensitivity", str(path), "--sobol", "--samples", "16", "--json"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["evaluations"] == 64 and first["read_from_store"] == 0
    assert set(first["indices"]) == {"source.gain", "layout.hopping"}
    assert main(argv) == 0  # the same seed draws the same points: all read back from the store
    assert json.loads(capsys.readouterr().out)["read_from_store"] == 64
    png = tmp_path / "sobol.png"
    assert main(["sensitivity", str(path), "--sobol", "--samples", "16", "--plot", str(png)]) == 0
    assert "first order S_i" in capsys.readouterr().out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["sensitivity", str(path), "--sobol", "--minimize"]) == 2
    assert "--minimize" in capsys.readouterr().err
    for bad in (["--samples", "4"], ["--figure", "nonsense"]):
        assert main(["sensitivity", str(path), "--sobol", "--no-cache", *bad]) == 2
        assert capsys.readouterr().err.count("\n") == 1
    plain = str(DEVICES / "setups" / "thermal_link_transmon.toml")
    assert main(["sensitivity", plain, "--sobol"]) == 2
    assert "no value is written with an uncertainty" in capsys.readouterr().err


def test_samples_without_sobol_is_refused(capsys):
    plain = str(DEVICES / "setups" / "thermal_link_transmon.toml")
    assert main(["sensitivity", plain, "--samples", "64"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--sobol" in err


def test_constant_figure_is_bad_input(tmp_path):
    path = _cv(tmp_path, "gain = 3", 'hopping = "5 ± 0.5 MHz"\ndrive_rate = "10 MHz"')
    with pytest.raises(ParameterError, match="does not vary"):
        sobol_indices(load_setup(path), figure="drive_E_N", samples=16, store=False)


def _tiny_run_limit(monkeypatch) -> None:
    """A time limit no run of several budgets meets, for the run estimate only (one budget's
    own solve guard keeps the default limit; it would refuse the nominal budget first)."""
    from qnet_design.runs import points

    monkeypatch.setattr(points, "max_seconds", lambda: 1e-9)


@pytest.mark.parametrize(
    "command",
    [
        ["sensitivity", "--sobol", "--samples", "16"],
        ["budget", "--uncertainty"],
        ["budget", "--uncertainty", "linear"],
        ["sensitivity"],
        ["optimize", "--maximize", "E_N_min", "--vary", "source.gain=2:4", "--budget", "6"],
    ],
)
def test_runs_over_the_time_limit_are_refused_before_they_start(
    command, tmp_path, monkeypatch, capsys
):
    """The nominal budget times the run: N(k + 2) Sobol budgets, the Monte Carlo samples, the
    sensitivity steps or the optimiser's budget, each as long as it, above
    QNET_DESIGN_MAX_SECONDS → one line, exit 2, no budget run (the store stays empty)."""
    monkeypatch.setenv("QNET_CACHE_DIR", str(tmp_path / "cache"))
    path = _cv(tmp_path, 'gain = "3 ± 0.3"', 'hopping = "5 ± 0.5 MHz"\ndrive_rate = "10 MHz"')
    _tiny_run_limit(monkeypatch)
    assert main([command[0], str(path), *command[1:]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "QNET_DESIGN_MAX_SECONDS" in err, err
    assert "budgets would take" in err and "one budget takes" in err
    assert main(["cache", "info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 0


def test_a_run_read_back_from_the_store_is_not_refused(tmp_path, monkeypatch, capsys):
    """Only the budgets missing from the store count: a repeated Sobol analysis is free."""
    monkeypatch.setenv("QNET_CACHE_DIR", str(tmp_path / "cache"))
    path = _cv(tmp_path, 'gain = "3 ± 0.3"', 'hopping = "5 ± 0.5 MHz"\ndrive_rate = "10 MHz"')
    argv = ["sensitivity", str(path), "--sobol", "--samples", "16", "--json"]
    assert main(argv) == 0
    capsys.readouterr()
    _tiny_run_limit(monkeypatch)
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["read_from_store"] == 64
    assert main([*argv[:-2], "17", "--json"]) == 2  # other draws: not in the store


def test_the_estimate_uses_a_warm_budget():
    """The first budget in a process also pays imports and translator caches (4.7 s against
    0.08 s for the thermal link): an estimate that would matter is made from a warm one."""
    from qnet_design.errors import SizeError
    from qnet_design.runs.points import NOTE_ABOVE, Timed, check_run_time

    warm_calls = []

    def warm() -> float:
        warm_calls.append(1)
        return 0.05

    assert check_run_time(Timed("t", 5.0, "", warm), 2048) == pytest.approx(0.05 * 2048)
    assert warm_calls == [1]
    assert check_run_time(Timed("t", 5.0, "", warm), 4) == 20.0 < NOTE_ABOVE  # not re-timed
    assert warm_calls == [1]
    with pytest.raises(SizeError, match=r"2048 budgets would take ~1.07 days on 2 processes"):
        check_run_time(Timed("t", 90.0, "", warm), 2048, workers=2)  # slow: not re-timed
    assert warm_calls == [1]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--seed", "-1"], "`seed` must be an integer >= 0"),
        (["--workers", "0"], "`workers` must be an integer >= 1"),
        (["--executor", "nowhere"], "dask://HOST:PORT"),
    ],
)
def test_bad_run_options_are_refused_before_the_nominal_budget(extra, words, capsys, monkeypatch):
    import sys

    package = sys.modules["qnet_design.budget"]  # qd.budget the function shadows the package
    calls = []
    real = package.budget
    monkeypatch.setattr(package, "budget", lambda *a, **k: calls.append(1) or real(*a, **k))
    path = str(DEVICES / "setups" / "thermal_link_transmon_uncertain.toml")
    for argv in (["sensitivity", path, "--sobol"], ["budget", path, "--uncertainty"]):
        assert main([*argv, "--no-cache", *extra]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err
    assert not calls


def test_an_interval_without_variance_in_its_resamples_is_undefined():
    """A figure constant but for one row (a concurrence at 0 in all draws but one): a third
    of the bootstrap resamples miss that row and have no variance, so the interval is
    undefined (NaN, printed "undefined"), never a number made from the other resamples; and
    no division warning escapes (pytest turns warnings into errors)."""
    n = 20
    f_a, f_b = np.zeros(n), np.zeros(n)
    f_a[3] = 1.0
    f_ab = np.zeros((n, 2))
    first, total, first_ci, total_ci = estimate(f_a, f_b, f_ab)
    assert np.all(np.isfinite(first)) and np.all(np.isfinite(total))
    assert np.all(np.isnan(first_ci)) and np.all(np.isnan(total_ci))
    from qnet_design.budget.sobol import _with_interval

    assert _with_interval(0.5, math.nan, math.nan) == "0.500 [undefined]"
