"""Every exception and warning class of qnet_design.errors crosses a process boundary intact.

A worker process or a Dask worker pickles what it raises; the caller must get the same class
with the same message and attributes (a class whose ``__init__`` takes other arguments than
the message breaks on unpickling unless it defines ``__reduce__``). The classes are enumerated
from the module, so a new one is tested the day it is added.
"""

from __future__ import annotations

import concurrent.futures as cf
import inspect
import pickle
import warnings

import pytest

from qnet_design import errors

#: classes defined in qnet_design.errors (not imported there)
CLASSES = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, BaseException) and cls.__module__ == errors.__name__
]

#: an instance of each class whose constructor is not the message alone, with the attributes
#: it must keep; every other class is built as ``cls(MESSAGE)``
SPECIAL = {
    errors.SweepInterrupted: (lambda: errors.SweepInterrupted(3, 7), {"done": 3, "total": 7})
}

MESSAGE = "results store /tmp/x.sqlite is damaged (SQLite quick_check: page 3)"


def _instance(cls: type[BaseException]) -> tuple[BaseException, dict[str, object]]:
    if cls in SPECIAL:
        build, attributes = SPECIAL[cls]
        return build(), attributes
    own = [c for c in cls.__mro__ if "__init__" in vars(c) and c.__module__ == errors.__name__]
    assert not own, f"{cls.__name__} has its own __init__: add an instance to SPECIAL"
    return cls(MESSAGE), {}


def _raise(cls_name: str) -> None:
    exc, _ = _instance(getattr(errors, cls_name))
    raise exc


def test_the_module_lists_every_class_it_defines() -> None:
    assert {c.__name__ for c in CLASSES} == set(errors.__all__)
    assert len(CLASSES) >= 17


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_pickle_round_trip_keeps_class_message_and_attributes(cls: type[BaseException]) -> None:
    exc, attributes = _instance(cls)
    exc.note_from_worker = "point 4"  # type: ignore[attr-defined]  # set after construction
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is cls
    assert str(back) == str(exc)
    assert back.args == exc.args
    assert back.note_from_worker == "point 4"  # type: ignore[attr-defined]
    for name, value in attributes.items():
        assert getattr(back, name) == value


def test_sweep_interrupted_keeps_its_counts_and_line() -> None:
    back = pickle.loads(pickle.dumps(errors.SweepInterrupted(3, 7)))
    assert (back.done, back.total) == (3, 7)
    assert str(back) == "interrupted after 3 of 7 points; rerun to resume"
    assert isinstance(back, KeyboardInterrupt)


@pytest.mark.parametrize(
    "cls", [c for c in CLASSES if issubclass(c, Warning)], ids=lambda c: c.__name__
)
def test_warnings_are_user_warnings_that_round_trip(cls: type[Warning]) -> None:
    assert issubclass(cls, UserWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn(MESSAGE, cls, stacklevel=1)
    back = pickle.loads(pickle.dumps(caught[0].message))
    assert type(back) is cls and str(back) == MESSAGE


def test_errors_raised_on_a_worker_process_reach_the_caller_intact() -> None:
    """What a process pool does with an exception: raised in the worker, re-raised here."""
    raised = [c for c in CLASSES if not issubclass(c, Warning)]
    with cf.ProcessPoolExecutor(max_workers=1) as pool:
        futures = {cls: pool.submit(_raise, cls.__name__) for cls in raised}
        for cls, future in futures.items():
            exc = future.exception()
            expected, attributes = _instance(cls)
            assert type(exc) is cls
            assert str(exc) == str(expected)
            for name, value in attributes.items():
                assert getattr(exc, name) == value
