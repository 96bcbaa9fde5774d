"""The scheme contract: how every translated rate reaches the model, or why it does not.

A scheme's translator returns named rates and dimensionless parameters (the ``translate``
table) and the model built from them. Its :class:`Contract` gives every name one rule:

* :class:`Field` — the value *is* this model field (a rate in units of the reference rate);
  the contract checks that the model holds that value;
* :class:`Through` — the value enters the model through a formula in these fields
  (Φ = κ n_th/2 sets ``kappa`` and ``n_th``; γ = 4g²/κ sets ``gamma``);
* :class:`Context` — the value fixes the model's frame or units, not a term of it (the
  reference rate, a qubit frequency in the rotating frame, an initial state);
* :class:`NotModelled` — the model has no such term. A value that matters (non-zero, or beyond
  a documented threshold) is one warning line in ``translate`` and the budget naming the rate,
  its value and that it is ignored — never silence.

A translation carrying a name its contract does not declare, a rule naming a field the model
class lacks, or a :class:`Field` whose model value differs, is a programming error:
:func:`violations` lists them and ``qnet_design.translate`` refuses such a translation.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._base import Parameter, Rate, Translation


@dataclass(frozen=True)
class Field:
    """The rate or parameter is the model field ``name`` (rates in units of the reference)."""

    name: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.name,)


@dataclass(frozen=True)
class Through:
    """The value enters the model through ``how``, a formula in the model ``fields``."""

    fields: tuple[str, ...]
    how: str


@dataclass(frozen=True)
class Context:
    """The value fixes the frame or units of the model (or the computation), not a model term."""

    how: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotModelled:
    """The model has no term for this value; ``reason`` says why it is absent.

    The value (a rate in units of the reference rate) matters — and is warned about — when
    ``|value| > matters_above`` (default: any non-zero value), or, for a quantity whose ideal
    is infinite (a qubit's anharmonicity, a source bandwidth), when ``|value| < matters_below``.
    """

    reason: str
    matters_above: float = 0.0
    matters_below: float | None = None

    def matters(self, value: float) -> bool:
        if self.matters_below is not None:
            return abs(value) < self.matters_below
        return abs(value) > self.matters_above

    def condition(self, unit: str) -> str:
        if self.matters_below is not None:
            return f"it matters when |value| < {self.matters_below:g}{unit}"
        if self.matters_above > 0:
            return f"it matters above {self.matters_above:g}{unit}"
        return ""


Rule = Field | Through | Context | NotModelled


@dataclass(frozen=True)
class Contract:
    """The rule for every rate and parameter name a scheme's translator may produce.

    Names that only some setups produce (``anharmonicity`` of a transmon given by E_J/E_C,
    ``positions`` of the bidirectional geometry) are declared all the same.
    """

    rules: Mapping[str, Rule]

    def not_modelled(self) -> dict[str, NotModelled]:
        """The declared not-modelled names and their rules."""
        return {k: r for k, r in self.rules.items() if isinstance(r, NotModelled)}


def _items(tr: Translation) -> tuple[Rate | Parameter, ...]:
    return (*tr.rates, *tr.parameters)


def _value(tr: Translation, item: Rate | Parameter) -> Any:
    return tr.dimensionless(item) if isinstance(item, Rate) else item.value


def _same(a: Any, b: Any) -> bool:
    """Model value ``a`` equals translated value ``b`` (floats to 1e-12 relative)."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
    return bool(a == b)


def _is_default(field: dataclasses.Field[Any], value: Any) -> bool:
    """``value`` is the field's declared default (a scalar default also matches a tuple of it,
    the form models normalise per-site values to)."""
    if field.default is dataclasses.MISSING:
        return False
    if isinstance(value, tuple) and not isinstance(field.default, tuple):
        return all(_same(v, field.default) for v in value)
    return _same(value, field.default)


def violations(tr: Translation, contract: Contract, model_class: type) -> list[str]:
    """Every way ``tr`` breaks ``contract`` for ``model_class`` (empty when it holds).

    Both directions: every translated name has a rule (and a :class:`Field` holds its value),
    and every model field the translator set away from its default is named by the rule of a
    translated name — so the ``translate`` table shows everything the model consumes.
    """
    out = []
    if not isinstance(tr.model, model_class):
        out.append(
            f"the translation's model is a {type(tr.model).__name__}, not a {model_class.__name__}"
        )
    known = {f.name for f in dataclasses.fields(model_class)}
    for name, declared in contract.rules.items():
        if isinstance(declared, (Field, Through, Context)):
            for missing in sorted(set(declared.fields) - known):
                out.append(f"`{name}` names {model_class.__name__}.{missing}: no such field")
    for item in _items(tr):
        rule = contract.rules.get(item.name)
        if rule is None:
            out.append(
                f"`{item.name}` ({item.symbol}) is neither consumed by {model_class.__name__} nor "
                "declared not modelled in the scheme's contract"
            )
        elif isinstance(rule, Field) and rule.name in known and isinstance(tr.model, model_class):
            held = getattr(tr.model, rule.name)
            if not _same(held, _value(tr, item)):
                out.append(
                    f"`{item.name}` = {_value(tr, item)!r} is declared to be "
                    f"{model_class.__name__}.{rule.name}, which holds {held!r}"
                )
    if isinstance(tr.model, model_class):
        shown: set[str] = set()
        for item in _items(tr):
            rule = contract.rules.get(item.name)
            if isinstance(rule, (Field, Through, Context)):
                shown.update(rule.fields)
        for field in dataclasses.fields(model_class):
            value = getattr(tr.model, field.name)
            if field.init and field.name not in shown and not _is_default(field, value):
                out.append(
                    f"{model_class.__name__}.{field.name} = {value!r} is set, but no translated "
                    "rate or parameter declares it"
                )
    return out


def ignored(tr: Translation, contract: Contract) -> list[str]:
    """One warning line per declared-not-modelled value of ``tr`` that matters."""
    out = []
    for item in _items(tr):
        rule = contract.rules.get(item.name)
        if not isinstance(rule, NotModelled):
            continue
        value = _value(tr, item)
        if not isinstance(value, (int, float)) or not rule.matters(float(value)):
            continue
        if isinstance(item, Rate):
            unit = f" {tr.reference.symbol}"
            shown = f"{item.hz:.4g} Hz ({value:.3g}{unit})"
        else:
            unit = ""
            shown = f"{value:.3g}"
        condition = rule.condition(unit)
        out.append(
            f"{item.symbol} ({item.name}) = {shown} is not modelled by {tr.scheme} and is "
            f"ignored: {rule.reason}" + (f" ({condition})" if condition else "")
        )
    return out


__all__ = [
    "Context",
    "Contract",
    "Field",
    "NotModelled",
    "Rule",
    "Through",
    "ignored",
    "violations",
]
