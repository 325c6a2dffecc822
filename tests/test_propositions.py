"""Propositions as data: parsing, checking against the model, clear ModelErrors."""

from __future__ import annotations

import copy

import pytest

from qa_games.errors import ModelError
from qa_games.modelfiles.files import read_toml
from qa_games.modelfiles.loader import load_model
from qa_games.modelfiles.normal_form import parse_model
from qa_games.modelfiles.propositions import KINDS, Proposition, Statement, parse_propositions

MODELS_MD_IDS = {
    "cha_quasi_alliance": [f"cha-{k}" for k in range(1, 9)],
    "walt_balance_of_threat": [f"walt-{k}" for k in range(1, 7)],
}


@pytest.fixture(scope="module")
def cha():
    return load_model("cha_quasi_alliance")


def _data(name: str) -> dict:
    model = load_model(name)
    data, _ = read_toml(model.path)
    return data


@pytest.mark.parametrize("name", sorted(MODELS_MD_IDS))
def test_every_proposition_of_models_md_is_encoded(name):
    m = load_model(name)
    ids = [p.id for p in m.propositions]
    for pid in MODELS_MD_IDS[name]:
        assert pid in ids
    for p in m.propositions:
        assert isinstance(p, Proposition) and p.claim and p.source and p.statements
        assert p.expected in ("true", "false")
        for s in p.statements:
            assert isinstance(s, Statement) and s.kind in KINDS and s.selection


def test_vocabulary_fields(cha):
    p = {p.id: p for p in cha.propositions}
    cha1 = p["cha-1"]
    assert cha1.kind == "monotonicity+threshold"
    assert (cha1.outcome, cha1.parameter, cha1.direction) == ("Delta_A", "c", "decreasing")
    assert cha1.statements[0].strict and cha1.region == "t > 0"
    assert p["cha-3"].statements[0].equilibria == ("mutual_distance",)
    assert p["cha-3"].selection == "all"
    assert p["cha-8"].statements[0].selection == "mixed"
    assert p["cha-3-unconditional"].expected == "false"
    assert "strictly decreasing in c" in cha1.statements[0].formal()


def _parse(raw, model):
    return parse_propositions(raw, model, where="m.toml: propositions")


GOOD = {"id": "x-1", "claim": "c lowers Delta_A", "kind": "monotonicity",
        "outcome": "Delta_A", "parameter": "c", "direction": "decreasing"}


def test_inline_statement(cha):
    (p,) = _parse([GOOD], cha)
    assert p.statements[0].selection == "none" and p.statements[0].region == "True"


@pytest.mark.parametrize("change, message", [
    ({"parameter": "gamma"}, "propositions[0] (x-1).parameter: unknown parameter 'gamma'"),
    ({"outcome": "Delta_C"}, "unknown name 'Delta_C'"),
    ({"outcome": "equilibrium(peace)"}, "unknown profile 'peace'"),
    ({"outcome": "prob(C, cooperate)"}, "unknown player 'C'"),
    ({"outcome": "label(war)"}, "unknown label 'war'"),
    ({"outcome": "__import__('os')"}, "function '__import__' is not allowed"),
    ({"direction": "up"}, "'up' is not one of increasing, decreasing"),
    ({"kind": "sometimes"}, "'sometimes' is not a kind"),
    ({"region": "c <"}, "cannot parse"),
    ({"condition": "c < 1"}, "not used by a monotonicity statement"),
    ({"selection": "best"}, "unknown rule 'best'"),
    ({"strict": "yes"}, "expected true or false"),
    ({"colour": "red"}, "unknown keys ['colour']"),
    ({"id": "bad id!"}, "expected an id such as 'cha-1'"),
    ({"claim": ""}, "missing 'claim'"),
    ({"expected": "maybe"}, "expected \"true\" or \"false\""),
])
def test_bad_input_is_a_clear_model_error(cha, change, message):
    raw = {**GOOD, **change}
    with pytest.raises(ModelError, match=None) as info:
        _parse([raw], cha)
    assert message in str(info.value)
    assert str(info.value).startswith("m.toml: propositions[0]")


@pytest.mark.parametrize("raw, message", [
    ({"id": "t-1", "claim": "x", "kind": "threshold", "outcome": "Delta_A", "condition": "c < 1"},
     "a threshold needs a yes/no outcome"),
    ({"id": "t-1", "claim": "x", "kind": "threshold", "outcome": "equilibrium(mutual_cooperation)"},
     "a threshold statement needs 'condition'"),
    ({"id": "u-1", "claim": "x", "kind": "uniqueness", "equilibria": ["mutual_distance"],
      "selection": "payoff_dominance"}, "use selection = \"all\""),
    ({"id": "u-1", "claim": "x", "kind": "uniqueness", "equilibria": ["nowhere"]},
     "unknown profile 'nowhere'"),
    ({"id": "m-1", "claim": "x", "kind": "monotonicity", "outcome": "label(cooperation)",
      "parameter": "c", "direction": "decreasing", "selection": "none"},
     "depends on the equilibrium chosen"),
    ({"id": "s-1", "claim": "x"}, "missing the formal statement"),
    ({"id": "m-2", "claim": "x", "kind": "monotonicity", "parameter": "c", "strict": True,
      "outcome": "equilibrium(mutual_cooperation)", "direction": "decreasing"},
     "can only move weakly"),
    ({"id": "s-1", "claim": "x", "statements": []}, "expected a non-empty array"),
    ({"id": "s-1", "claim": "x", "kind": "invariance", "outcome": "Delta_A", "parameter": "k_B",
      "statements": [{}]}, "not both"),
])
def test_ill_formed_statements(cha, raw, message):
    with pytest.raises(ModelError) as info:
        _parse([raw], cha)
    assert message in str(info.value)


def test_duplicate_ids_and_non_array(cha):
    with pytest.raises(ModelError, match="duplicate id 'x-1'"):
        _parse([GOOD, GOOD], cha)
    with pytest.raises(ModelError, match="expected an array of tables"):
        _parse("cha-1", cha)


def test_loading_a_model_file_validates_its_propositions(tmp_path):
    data = copy.deepcopy(_data("cha_quasi_alliance"))
    data["propositions"][0]["statements"][0]["parameter"] = "zeta"
    with pytest.raises(ModelError, match=r"m\.toml: propositions\[0\] \(cha-1\)\.statements\[0\]"
                                         r"\.parameter: unknown parameter 'zeta'"):
        parse_model(data, where="m.toml")


def test_sequential_model_propositions():
    m = load_model("patron_sequential")
    ids = [p.id for p in m.propositions]
    assert "patron-1" in ids and m.propositions[0].statements[0].parsed.form == "choice"
    data = copy.deepcopy(_data("patron_sequential"))
    data["propositions"][0]["outcome"] = "choice(retreat)"
    from qa_games.modelfiles.sequential import parse_sequential_model

    with pytest.raises(ModelError, match=r"choice\(action\) with an action of patron_sequential"):
        parse_sequential_model(data, where="p.toml")
    data["propositions"][0]["outcome"] = "choice(weak)"
    data["propositions"][0]["kind"] = "monotonicity"
    with pytest.raises(ModelError, match="thresholds on choice"):
        parse_sequential_model(data, where="p.toml")
    data["propositions"][0]["kind"] = "threshold"
    data["propositions"][0]["condition"] = "beta >= gamma"
    with pytest.raises(ModelError, match="unknown name 'gamma'"):
        parse_sequential_model(data, where="p.toml")
