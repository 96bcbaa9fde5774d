"""Every exception and warning class of qnet-design, in one place.

Every error the toolkit raises on purpose derives from :class:`QnetError` and from the builtin
that fits it, so ``except ValueError`` keeps working for users who do not know our classes.
Messages name the argument (or file and field), the expectation and what was found.
:class:`SweepInterrupted` is a :class:`KeyboardInterrupt` instead, so that code stopping on
Ctrl-C keeps stopping.

Every class pickles with its message and attributes intact (an error raised on a worker process
or a Dask worker reaches the caller as itself): a class whose ``__init__`` takes other arguments
than the message defines ``__reduce__`` (tests/test_errors.py checks every class here).
"""

from __future__ import annotations

from typing import Any


class QnetError(Exception):
    """Root of every error raised on purpose by qnet-design."""


class ParameterError(QnetError, ValueError):
    """A model or function argument is outside its allowed range."""


class UnitError(QnetError, ValueError):
    """A quantity has the wrong dimension, or a cyclic/angular frequency mix-up."""


class DeviceFileError(QnetError, ValueError):
    """A device or setup file is malformed; the message names the file and the field."""


class ConvergenceError(QnetError, RuntimeError):
    """A truncation (Fock cutoff, hierarchy depth, trajectory count) did not converge."""


class UnstableError(QnetError, ValueError):
    """A linear (Gaussian) network has no steady state: its drift matrix is unstable."""


class SizeError(QnetError, ValueError):
    """A solve would exceed the memory limit (:mod:`qnet_design.guard`): refused up front."""


class ContractError(QnetError, RuntimeError):
    """A scheme's translation breaks its contract (a rate neither consumed by the model nor
    declared not modelled): a bug in the toolkit, never the user's input."""


class NotImplementedSchemeError(QnetError, NotImplementedError):
    """The requested scheme or method is not available (yet)."""


class MissingDependencyError(QnetError, ImportError):
    """An optional dependency (a package extra such as ``dask``) is not installed."""


class ExecutorError(QnetError, RuntimeError):
    """The executor failed: a worker process died, or the cluster could not be reached."""


class StoreError(QnetError, RuntimeError):
    """The results store could not be opened, read or written (locked too long, read-only)."""


class StoreDamagedError(StoreError):
    """The store file is not a usable store: truncated, overwritten, or a foreign schema.

    Recover with :meth:`~qnet_design.runs.store.ResultStore.open_or_recover` (what sweeps do),
    :func:`~qnet_design.runs.store.move_aside`, ``qnet-design cache repair`` or
    ``qnet-design cache clear --force``.
    """


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: the finished points are stored; rerunning resumes.

    A :class:`KeyboardInterrupt`, so code that stops on Ctrl-C keeps stopping; ``done`` and
    ``total`` count the grid's points (points read from the store count as done).
    """

    def __init__(self, done: int, total: int):
        super().__init__(f"interrupted after {done} of {total} points; rerun to resume")
        self.done = done
        self.total = total

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from the counts (the message is derived), then every attribute restored
        return type(self), (self.done, self.total), self.__dict__


# ------------------------------------------------------------------------------- warnings


class StoreWarning(UserWarning):
    """The store could not serve or keep some rows; the numbers returned are still right."""


class ValidityWarning(UserWarning):
    """The parameters leave the range of validity of an approximate route."""


class WeakCouplingWarning(UserWarning):
    """The effective (cavity-eliminated) spin model is used outside its weak-coupling regime."""


__all__ = [
    "ContractError",
    "ConvergenceError",
    "DeviceFileError",
    "ExecutorError",
    "MissingDependencyError",
    "NotImplementedSchemeError",
    "ParameterError",
    "QnetError",
    "SizeError",
    "StoreDamagedError",
    "StoreError",
    "StoreWarning",
    "SweepInterrupted",
    "UnitError",
    "UnstableError",
    "ValidityWarning",
    "WeakCouplingWarning",
]
