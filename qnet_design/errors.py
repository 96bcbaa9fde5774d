"""Exception hierarchy of qnet-design.

Every error the toolkit raises on purpose derives from :class:`QnetError` and from the builtin
that fits it, so ``except ValueError`` keeps working for users who do not know our classes.
Messages name the argument (or file and field), the expectation and what was found.
"""

from __future__ import annotations


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


__all__ = [
    "ContractError",
    "ConvergenceError",
    "DeviceFileError",
    "NotImplementedSchemeError",
    "ParameterError",
    "QnetError",
    "SizeError",
    "UnitError",
    "UnstableError",
]
