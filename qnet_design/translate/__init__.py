"""Translators: the only place where lab units become the dimensionless rates of the models.

One module per scheme (``translate/<scheme>.py``: its ``translate(setup)`` and its
``CONTRACT``); device families (qubits, sources, channels, electromechanics) and the helpers
they share live next to them. :func:`translate` dispatches through the scheme registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import Parameter as Parameter, Rate as Rate, Translation as Translation

if TYPE_CHECKING:
    from ..specs.setups import SetupSpec


def translate(setup: SetupSpec) -> Translation:
    """Translate a validated setup into its scheme's model, with its rates in lab units.

    Every declared-not-modelled value that matters is a warning of the translation; a
    translation that breaks its scheme's contract raises
    :class:`~qnet_design.errors.ContractError` (see :mod:`qnet_design.registry`).
    """
    from ..registry import translate as registry_translate  # the registry sits above this layer

    return registry_translate(setup)


__all__ = ["Parameter", "Rate", "Translation", "translate"]
