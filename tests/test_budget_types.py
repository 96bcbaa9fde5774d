"""The budget result API: JSON with one rule for non-finite numbers, text with the evidence,
plots, tables with the same column names as ``compare`` and ``sweep``."""

from __future__ import annotations

import json
import math
import pickle

import matplotlib.pyplot as plt
import numpy as np

from qnet_design.budget import Budget, BudgetStep, Figure
from qnet_design.budget._types import Profile


def _budget() -> Budget:
    figures = (
        Figure("concurrence", 0.62, "", "hierarchy", evidence="hierarchy_level=12 (change 1e-9)"),
        Figure("t_peak", math.inf, "us", "hierarchy", note="reached asymptotically"),
        Figure("flux", 4.7, "1/us", "Φ = κ n_th / 2"),
    )
    steps = (BudgetStep("ideal", "n_ent", math.inf), BudgetStep("+ loss", "n_ent", 2.5))
    trace = Profile(np.array([0.0, 0.3, math.nan]), np.array([0.0, 1.0, 2.0]), "time t (µs)")
    return Budget(
        "thermal_link", "test setup", figures, steps, ("a warning", "another"), {}, {"C(t)": trace}
    )


def test_json_non_finite_rule_null_plus_reason():
    data = json.loads(_budget().to_json())  # allow_nan=False: standard JSON or an error
    t_peak = data["figures"]["t_peak"]
    assert t_peak["value"] is None and t_peak["non_finite"] == "inf"
    assert t_peak["note"] == "reached asymptotically" and t_peak["unit"] == "us"
    assert "non_finite" not in data["figures"]["concurrence"]
    assert data["error_budget"][0] == {
        "step": "ideal",
        "figure": "n_ent",
        "value": None,
        "non_finite": "inf",
    }
    assert data["profiles"]["C(t)"] == {
        "values": [0.0, 0.3, None],
        "x": [0.0, 1.0, 2.0],
        "x_label": "time t (µs)",
    }


def test_text_has_value_unit_method_and_evidence():
    text = str(_budget())
    assert "evidence: hierarchy_level=12 (change 1e-9)" in text
    assert "∞ us" in text and "reached asymptotically" in text and "inf us" not in text
    short = _budget().summary()
    assert "t_peak      = ∞ us" in short and "evidence" not in short
    assert "warning: a warning" in short


def test_table_row_names_columns_with_units_and_lists_warnings():
    row = _budget().table_row()
    assert row["t_peak [us]"] == math.inf and row["concurrence"] == 0.62
    assert row["warnings"] == "a warning | another"


def test_frame_plot_and_pickle():
    b = _budget()
    frame = b.to_frame()
    assert list(frame.columns) == ["value", "unit", "converged"]
    assert frame.loc["flux", "unit"] == "1/us"
    assert "..." not in str(frame)  # no column elided under pandas' default width
    detail = b.to_frame(detail=True)
    assert detail.loc["concurrence", "evidence"].startswith("hierarchy_level=12")
    fig = b.plot()
    assert len(fig.axes) >= 2 and fig.axes[0].get_xlabel() == "time t (µs)"
    plt.close(fig)
    again = pickle.loads(pickle.dumps(b))
    assert again.figures == b.figures and np.array_equal(
        np.asarray(again.profiles["C(t)"]), np.asarray(b.profiles["C(t)"]), equal_nan=True
    )


def test_profile_behaves_as_its_array():
    p = Profile(np.array([[0.5, 0.0], [0.0, 0.4]]))
    assert p.matrix and len(p) == 2 and p[0][0] == 0.5
    assert np.asarray(p).shape == (2, 2)
    chain = Budget("s", "n", (), profiles={"E": [0.1, 0.2]}).profiles["E"]
    assert isinstance(chain, Profile) and list(chain.abscissa) == [1, 2]
    assert float(Figure("x", 0.25, "", "m")) == 0.25


def test_result_objects_follow_one_convention():
    # a result that stands for a number is that number; one that stands for an array is it
    from qnet_design.schemes import cv_replication as cv, thermal_link as tl

    c = tl.concurrence(tl.ThermalLink(2.0, 0.05))
    assert c > 0.0 and c <= 1.0 and float(c) == c.concurrence
    pairs = cv.pair_log_negativities(cv.ReplicationArrays(3, 1.0, 1.0, 1.0, 2**0.5, loss=0.1))
    assert len(pairs) == 3 and pairs[0] == pairs.values[0] and list(pairs) == list(pairs.values)
    assert np.allclose(np.asarray(pairs)[1:], pairs[1:])


def test_quiet_form_labels_numbers_not_computed_for_the_own_setup():
    """A figure whose method says ideal / extrapolated / approximate carries that word on its
    line of the short output (the standard: labelled in the same line); a computed one does not."""
    b = Budget(
        "s",
        "dual_rail",
        (
            Figure("C_11", 0.64, "", "cascaded steady state of the layout's first 2 pairs"),
            Figure("n_ent", 2.3, "", "extrapolated: C11/(C11−C22)"),
            Figure("t_prep", 0.65, "us", "ideal broadband Eq. 1, [1−Tr ρ²]/N = 1e-3"),
            Figure("pair_rate", 4e6, "1/s", "approximate (ideal broadband T_prep): N/T_prep"),
        ),
    )
    lines = {line.split("=")[0].strip(): line for line in b.summary().splitlines()[1:]}
    assert lines["C_11"].endswith("0.64")
    assert lines["n_ent"].endswith("(extrapolated)")
    assert lines["t_prep"].endswith("(ideal)")
    assert lines["pair_rate"].endswith("(approximate)")
