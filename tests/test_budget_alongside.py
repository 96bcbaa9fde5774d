"""Work computed alongside in a forked child (budget._common.Alongside): the answer, the error,
and the fall-backs are those of the same work done in the caller."""

from __future__ import annotations

import os

import pytest

from qnet_design.budget import _common
from qnet_design.budget._common import Alongside, can_fork
from qnet_design.errors import ConvergenceError

forks = pytest.mark.skipif(not can_fork(), reason="the platform does not fork (serial fall-back)")


def _fail() -> None:
    raise ConvergenceError("the truncation did not converge; try a looser fock_tolerance")


@forks
def test_alongside_runs_in_a_child_and_returns_its_answer():
    work = Alongside(os.getpid)
    assert work.forked
    assert work.result() != os.getpid()  # computed in another process
    assert work.seconds >= 0


@forks
def test_alongside_raises_the_childs_error_as_itself():
    work = Alongside(_fail)
    with pytest.raises(ConvergenceError, match="try a looser fock_tolerance"):
        work.result()


@forks
def test_alongside_computes_in_the_caller_when_the_child_dies_or_its_answer_does_not_pickle():
    parent = os.getpid()

    def dies() -> int:  # killed (e.g. out of memory) in the child, fine in the caller
        if os.getpid() != parent:
            os._exit(3)
        return 7

    def unpicklable() -> object:  # a lambda cannot be sent back through the pipe
        return (lambda: 1) if os.getpid() != parent else "here"

    assert Alongside(dies).result() == 7
    assert Alongside(unpicklable).result() == "here"


def test_alongside_without_fork_computes_in_turn(monkeypatch):
    # ALONGSIDE off (or no fork on the platform): nothing starts, result() does the work here
    monkeypatch.setattr(_common, "ALONGSIDE", False)
    calls: list[int] = []
    work = Alongside(lambda: calls.append(os.getpid()) or 5)
    assert not work.forked and calls == []
    assert work.result() == 5 and calls == [os.getpid()]
    assert not Alongside(os.getpid, fork=False).forked


def _counts(send):
    send(1)
    send(2)
    return 3


@pytest.mark.parametrize("alongside", [True, False])
def test_alongside_parts_come_in_order_then_the_answer(monkeypatch, alongside):
    # forked: the parts as sent, None once the child has finished; in turn: no parts (the
    # caller computes them itself) and the same answer
    monkeypatch.setattr(_common, "ALONGSIDE", alongside and can_fork())
    work = Alongside(_counts, parts=True)
    parts = [work.part(), work.part(), work.part()] if work.forked else [None] * 3
    assert parts == ([1, 2, None] if work.forked else [None] * 3)
    assert work.part() is None and work.result() == 3


@forks
def test_alongside_cancel_stops_the_child():
    import time

    work = Alongside(lambda: time.sleep(60))
    proc = work._proc
    start = time.perf_counter()
    work.cancel()
    assert not proc.is_alive() and time.perf_counter() - start < 5


@forks
def test_dual_rail_budget_alongside_gives_the_figures_of_the_same_solves_in_turn():
    # the full budget of one twpa pair computes its steady states (T_prep's rungs, then the
    # layout's from the second rung) and the error budget in forked children while it computes
    # T_prep: its figures are bitwise those of the same solves done here (the error budget's
    # last step: two pairs at δ = 0 with every imperfection), ~4 s
    from qnet_design.budget import budget
    from qnet_design.budget._dual_rail import _n_ent, _two_pairs_at_zero_detuning
    from qnet_design.schemes import dual_rail as dr
    from qnet_design.schemes.dual_rail.dynamics import _first_prep_rung, _rung_steady_state
    from qnet_design.specs.setups import load_setup, with_overrides
    from qnet_design.translate import translate

    from .conftest import DEVICES

    twpa = load_setup(DEVICES / "setups" / "dual_rail_twpa.toml")
    setup = with_overrides(twpa, {"layout.pairs": 1})
    b = budget(setup)
    tr = translate(setup)
    model = tr.model_as(dr.DualRail)
    assert b["t_prep"] == tr.to_time(dr.prep_time(model).t_prep, "us")
    first = _first_prep_rung(model, 1e-3)
    warm = _rung_steady_state(model, 1, first + 1, _rung_steady_state(model, 1, first, None))
    assert b["C_11"] == dr.steady_state(model, warm=warm).concurrences()[0, 0]
    assert b.error_budget[-1].value == _n_ent(_two_pairs_at_zero_detuning(model))
    assert len(b.error_budget) == 5  # ideal, then β, γ_φ, γ′, p_loss (the file has each)
    assert {"prep_time", "steady_state", "error_budget"} <= set(b.timings)
    # the stages overlapped: the printed time is the wall time of the whole budget, never the
    # stages' sum (which read 77 s for a 31 s twpa budget)
    total = b.timings["total"]
    assert max(v for k, v in b.timings.items() if k != "total") <= total
    assert f"(computed in {total:.2f} s)" in str(b)
