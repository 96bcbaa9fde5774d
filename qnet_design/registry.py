"""The scheme registry: one row per scheme, joining everything that defines it.

A scheme is its setup layout (roles and ``[layout]`` keys, validated in
:mod:`qnet_design.specs.setups`), its translator (``qnet_design/translate/<scheme>.py``: lab
units → the model, and the :class:`~qnet_design.translate._contract.Contract` saying how each
translated rate reaches the model or why it does not), its unitless model class
(:mod:`qnet_design.schemes`), its budget function (``qnet_design/budget/_<scheme>.py``) and the
headline figures that budget documents. :func:`translate` and :func:`qnet_design.budget.budget`
dispatch through this table only; ``tests/test_contract.py`` runs every row against its catalog
setups.

Layering: this module imports every layer (specs → translate → schemes → budget) and none of
them imports it at module level; ``qnet_design.translate.translate`` and
``qnet_design.budget.budget`` look it up when called.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from .budget import _cooperative, _cv_replication, _cv_routing, _dual_rail, _thermal_link
from .budget._types import Budget
from .errors import ContractError, DeviceFileError
from .schemes.cooperative import CooperativeArray
from .schemes.cv_replication import ReplicationArrays
from .schemes.cv_routing import RoutingChain
from .schemes.dual_rail import DualRail
from .schemes.thermal_link import ThermalLink
from .specs.setups import SCHEMES as LAYOUTS, Scheme, SetupSpec
from .translate import cooperative, cv_replication, cv_routing, dual_rail, thermal_link
from .translate._base import Translation
from .translate._contract import Contract, NotModelled, ignored, violations

Translator = Callable[[SetupSpec], Translation]
SchemeBudget = Callable[[SetupSpec, Translation, bool], Budget]


@dataclass(frozen=True)
class SchemeEntry:
    """Everything that defines one scheme (see the module docstring)."""

    name: str
    layout: Scheme
    translator: Translator
    contract: Contract
    model: type
    budget: SchemeBudget
    figures: tuple[str, ...]  # headline figures the budget returns (also with full=False)

    @property
    def not_modelled(self) -> dict[str, NotModelled]:
        """Translated values the model has no term for, with the reason (warned when they
        matter)."""
        return self.contract.not_modelled()


def _entry(
    name: str,
    translator: Translator,
    contract: Contract,
    model: type,
    budget: SchemeBudget,
    figures: tuple[str, ...],
) -> SchemeEntry:
    return SchemeEntry(name, LAYOUTS[name], translator, contract, model, budget, figures)


REGISTRY: Mapping[str, SchemeEntry] = MappingProxyType(
    {
        e.name: e
        for e in (
            _entry(
                "dual_rail",
                dual_rail.translate,
                dual_rail.CONTRACT,
                DualRail,
                _dual_rail.budget,
                # and the first two pairs' concurrences, named by their element of C_ij:
                # C_11, C_22 unpermuted, C_31, C_22 for the reversed three-pair layout
                ("n_ent", "t_prep", "pair_rate"),
            ),
            _entry(
                "thermal_link",
                thermal_link.translate,
                thermal_link.CONTRACT,
                ThermalLink,
                _thermal_link.budget,
                ("concurrence", "n_th", "flux", "kappa_over_gamma"),
            ),
            _entry(
                "cv_routing",
                cv_routing.translate,
                cv_routing.CONTRACT,
                RoutingChain,
                _cv_routing.budget,
                ("stability_margin", "E_N_01", "E_N_02", "M_max"),
            ),
            _entry(
                "cv_replication",
                cv_replication.translate,
                cv_replication.CONTRACT,
                ReplicationArrays,
                _cv_replication.budget,
                ("drive_E_N", "E_N_first_pair", "E_N_last_pair", "E_N_min"),
            ),
            _entry(
                "cooperative",
                cooperative.translate,
                cooperative.CONTRACT,
                CooperativeArray,
                _cooperative.budget,
                (
                    "dark_weight",
                    "concurrence",
                    "peak_concurrence",
                    "t_peak",
                    "lifetime",
                    "t_bright",
                ),
            ),
        )
    }
)


def scheme(name: str) -> SchemeEntry:
    """The registry row of scheme ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise DeviceFileError(
            f"field `scheme` must be one of {sorted(REGISTRY)}, got {name!r}"
        ) from None


def checked(entry: SchemeEntry, tr: Translation) -> Translation:
    """``tr`` with one warning per declared-not-modelled value that matters.

    Raises
    ------
    ContractError
        When the translation breaks the scheme's contract (a programming error: an undeclared
        rate, a rule naming a missing model field, a model of another class).
    """
    problems = violations(tr, entry.contract, entry.model)
    if problems:
        raise ContractError(f"{entry.name} translation breaks its contract: {'; '.join(problems)}")
    extra = ignored(tr, entry.contract)
    if not extra:
        return tr
    return replace(tr, warnings=(*tr.warnings, *extra))


def translate(setup: SetupSpec) -> Translation:
    """Translate a validated setup with its scheme's translator and check the contract."""
    entry = scheme(setup.scheme)
    return checked(entry, entry.translator(setup))


__all__ = ["REGISTRY", "SchemeEntry", "checked", "scheme", "translate"]
