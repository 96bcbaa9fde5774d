"""The scheme contract, over every row of the registry and every catalog setup.

For each scheme: its layout is the one ``load_setup`` validates, every translated rate and
parameter is consumed by the model or declared not modelled, a declared-not-modelled value
that matters is one warning line in ``translate`` and in the budget (naming it, its value and
that it is ignored), the translation's model is an instance of the registered class, and the
registered budget returns the figures the registry documents. A deliberately broken scheme
(an undeclared rate, a rule naming a missing field, a wrong value) must fail the contract.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pytest

from qnet_design import budget, load_setup, translate
from qnet_design.errors import ContractError
from qnet_design.registry import REGISTRY, checked, scheme
from qnet_design.specs.setups import SCHEMES as LAYOUTS
from qnet_design.translate import Rate
from qnet_design.translate._contract import (
    Context,
    Contract,
    Field,
    NotModelled,
    Through,
    ignored,
    violations,
)

from .conftest import DEVICES

CATALOG = sorted((DEVICES / "setups").glob("*.toml"))
BY_SCHEME: dict[str, list] = defaultdict(list)
for _path in CATALOG:
    BY_SCHEME[load_setup(_path).scheme].append(_path)


def test_registry_and_layouts_name_the_same_schemes():
    # a scheme half-registered (a layout without translator/model/budget, or the reverse)
    assert set(REGISTRY) == set(LAYOUTS)
    for name, entry in REGISTRY.items():
        assert entry.name == name and entry.layout is LAYOUTS[name]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_scheme_has_a_catalog_setup(name):
    assert BY_SCHEME[name], f"no setup in devices/setups/ uses scheme {name!r}"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_contract_rules_name_model_fields(name):
    entry = REGISTRY[name]
    fields = {f.name for f in dataclasses.fields(entry.model)}
    for rate, rule in entry.contract.rules.items():
        if isinstance(rule, NotModelled):
            assert rule.reason, rate
        else:
            assert set(rule.fields) <= fields, (rate, rule)
        if isinstance(rule, (Through, Context)):
            assert rule.how, rate


@pytest.mark.parametrize("path", CATALOG, ids=lambda p: p.stem)
def test_catalog_translation_keeps_the_contract(path):
    setup = load_setup(path)
    entry = scheme(setup.scheme)
    tr = translate(setup)
    assert isinstance(tr.model, entry.model)
    assert tr.model_as(entry.model) is tr.model
    assert violations(tr, entry.contract, entry.model) == []
    for item in (*tr.rates, *tr.parameters):
        rule = entry.contract.rules[item.name]  # consumed or declared: KeyError otherwise
        if not isinstance(rule, NotModelled):
            continue
        value = tr.dimensionless(item) if isinstance(item, Rate) else item.value
        lines = [w for w in tr.warnings if f"({item.name})" in w]
        if rule.matters(float(value)):
            assert len(lines) == 1, (item.name, tr.warnings)
            assert "not modelled" in lines[0] and "ignored" in lines[0]
        else:
            assert lines == [], (item.name, lines)


def test_thermal_link_consumes_the_nonguided_decay_and_the_warm_link():
    # the catalog transmons radiate 1 % the wrong way (directionality 0.99): γ′ = 0.0101 γ₁
    # reaches ThermalLink.gamma_loss1/2, and the 50 mK link's occupation its n_link
    setup = load_setup(DEVICES / "setups" / "thermal_link_transmon.toml")
    tr = translate(setup)
    model = tr.model_as(scheme("thermal_link").model)
    assert model.gamma_loss1 == model.gamma_loss2 == pytest.approx(0.01 / 0.99, rel=1e-12)
    assert model.n_link == pytest.approx(8.30e-3, rel=1e-2)  # Bose(5 GHz, 50 mK)
    assert not [w for w in tr.warnings if "gamma_loss" in w or "n_link" in w]
    assert not [w for w in budget(setup, full=False).warnings if "residual_occupation" in w]


def _first_setup(name):
    return BY_SCHEME[name][0]


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n == "dual_rail" else n for n in sorted(REGISTRY)],
)
def test_registered_budget_returns_the_documented_figures(name):
    # dual_rail: a two-pair finite-bandwidth solve (one to three minutes on 2 busy cores)
    entry = REGISTRY[name]
    setup = load_setup(_first_setup(name))
    tr = translate(setup)
    b = entry.budget(setup, tr, False)
    assert b.scheme == name
    assert set(entry.figures) <= {f.name for f in b.figures}


# ---- a deliberately broken scheme must fail -----------------------------------------------


@pytest.fixture(scope="module")
def thermal():
    setup = load_setup(DEVICES / "setups" / "thermal_link_transmon.toml")
    return scheme("thermal_link"), translate(setup)


def test_an_undeclared_rate_breaks_the_contract(thermal):
    entry, tr = thermal
    broken = dataclasses.replace(tr, rates=(*tr.rates, Rate("gamma_new", "γ_new", 1e6)))
    problems = violations(broken, entry.contract, entry.model)
    assert len(problems) == 1 and "gamma_new" in problems[0]
    with pytest.raises(ContractError, match="gamma_new"):
        checked(entry, broken)


def test_a_fake_entry_with_a_missing_declaration_fails(thermal):
    entry, tr = thermal
    rules = dict(entry.contract.rules)
    del rules["kappa"]
    fake = dataclasses.replace(entry, contract=Contract(rules))
    with pytest.raises(ContractError, match="`kappa`"):
        checked(fake, tr)


def test_a_rule_naming_a_missing_field_or_holding_another_value_fails(thermal):
    entry, tr = thermal
    rules = {**entry.contract.rules, "kappa": Field("kappa_total"), "delta1": Field("n_th")}
    problems = violations(tr, Contract(rules), entry.model)
    assert any("kappa_total" in p for p in problems)
    assert any("`delta1`" in p and "n_th" in p for p in problems)


def test_a_model_of_another_class_fails(thermal):
    entry, tr = thermal
    other = scheme("cv_routing")
    problems = violations(tr, entry.contract, other.model)
    assert any("not a RoutingChain" in p for p in problems)
    with pytest.raises(TypeError, match="RoutingChain"):
        tr.model_as(other.model)


def test_declaring_a_nonzero_rate_not_modelled_warns_with_name_and_value(thermal):
    entry, tr = thermal
    rules = {**entry.contract.rules, "gamma_phi1": NotModelled("test reason")}
    (line,) = [w for w in ignored(tr, Contract(rules)) if "gamma_phi1" in w]
    value = tr.dimensionless(tr.rate("gamma_phi1"))
    assert f"{value:.3g}" in line and "ignored: test reason" in line


def test_thresholds_of_not_modelled_values():
    rule = NotModelled("r", matters_above=1e-3)
    assert not rule.matters(5e-4) and rule.matters(2e-3)
    infinite_ideal = NotModelled("r", matters_below=10.0)
    assert infinite_ideal.matters(-5.0) and not infinite_ideal.matters(-20.0)
    assert NotModelled("r").matters(1e-12) and not NotModelled("r").matters(0.0)


def test_a_model_field_set_without_a_translated_name_fails(thermal):
    # the reverse direction: the translate table must show everything the model consumes
    entry, tr = thermal
    rules = {k: v for k, v in entry.contract.rules.items() if k != "delta1"}
    hidden = dataclasses.replace(
        tr,
        rates=tuple(r for r in tr.rates if r.name != "delta1"),
        model=dataclasses.replace(tr.model, delta1=0.3),
    )
    problems = violations(hidden, Contract(rules), entry.model)
    assert problems == [
        "ThermalLink.delta1 = 0.3 is set, but no translated rate or parameter declares it"
    ]


@pytest.mark.parametrize(
    ("path", "overrides"),
    [
        ("cooperative_transmon_trio", {"layout.detunings": ["1 MHz", "-2 MHz", "0 MHz"]}),
        ("cv_routing_electromechanical", {"layout.direction": "backward"}),
    ],
)
def test_layout_values_that_reach_the_model_are_translated_names(path, overrides):
    from qnet_design.specs.setups import with_overrides

    setup = with_overrides(load_setup(DEVICES / "setups" / f"{path}.toml"), overrides)
    entry = scheme(setup.scheme)
    tr = translate(setup)  # raises ContractError otherwise
    assert violations(tr, entry.contract, entry.model) == []


@pytest.mark.parametrize(
    ("path", "overrides", "name", "warned"),
    [
        # |α| = 5 γ: the two-level approximation is doubtful; |α| = 30 γ: it is not
        ("thermal_link_transmon", {"qubit.anharmonicity": "-50 MHz"}, "anharmonicity1", True),
        ("thermal_link_transmon", {"qubit.anharmonicity": "-300 MHz"}, "anharmonicity1", False),
        # paper 000's source is pure two-mode squeezing: small added noise is dropped, and said so
        # (above 1e-2 it is refused: test_translate.py)
        ("dual_rail_ndpa_reversed", {"source.added_noise": 0.005}, "n_thermal", True),
        ("dual_rail_ndpa_reversed", {}, "n_thermal", False),
        # paper 004's bath is broadband: a 20 MHz source against Γ = π × 10 MHz (κ = 4 Γ)
        ("cv_replication_twpa_arrays", {"source.linewidth": "20 MHz"}, "source_linewidth_a", True),
    ],
)
def test_not_modelled_values_warn_only_when_they_matter(path, overrides, name, warned):
    from qnet_design.specs.setups import with_overrides

    setup = with_overrides(load_setup(DEVICES / "setups" / f"{path}.toml"), overrides)
    lines = [w for w in translate(setup).warnings if f"({name})" in w]
    assert len(lines) == int(warned), lines
