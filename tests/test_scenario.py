"""Scenarios: shared variables, each model's [scenario] map, clear errors."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.errors import ModelError, ParameterError
from qa_games.modelfiles.files import models_dir, read_toml
from qa_games.modelfiles.loader import load_model
from qa_games.modelfiles.normal_form import parse_model
from qa_games.modelfiles.scenario import (
    OUTCOMES,
    VARIABLES,
    common_outcome,
    make_scenario,
    model_arrays,
    model_values,
    scenario_map,
)

CHA = load_model("cha_quasi_alliance")
WALT = load_model("walt_balance_of_threat")


def test_defaults_and_per_state_variables_follow_the_symmetric_ones():
    s = make_scenario(x="0.8", y_B="0.05")
    assert s["x_A"] == s["x_B"] == Fraction(4, 5)
    assert s["y_A"] == Fraction(1, 5) and s["y_B"] == Fraction(1, 20)
    assert set(s.values) == set(VARIABLES)
    assert s.replace(x="0.5")["x_B"] == Fraction(1, 2)


@pytest.mark.parametrize("values, words", [
    ({"z": 1}, ["unknown scenario variable 'z'", "known: c, t"]),
    ({"c": "1.5"}, ["c=1.5", "[0, 1]"]),
    ({"mu_1": "0.5", "mu_2": "0.2"}, ["mu_1=0.5", "mu_2=0.2"]),
    ({"t": "abc"}, ["t='abc'", "not a number"]),
])
def test_bad_scenarios_name_the_variable(values, words):
    with pytest.raises(ParameterError) as err:
        make_scenario(values, name="my case")
    msg = str(err.value)
    assert "my case" in msg
    for w in words:
        assert w in msg


def test_cha_reads_the_scenario_directly():
    s = make_scenario(c="0.3", t="0.5", x_A="0.8", y_A="0.2", y_B="0.05", phi="0.1")
    v = model_values(CHA, s)
    for name in ("c", "t", "x_A", "x_B", "y_A", "y_B", "k_A", "k_B", "phi"):
        assert v[name] == s[name], name


def test_walt_reads_t_as_tau_and_symmetric_costs():
    s = make_scenario(c="0.6", t="2", k_W="0.4", a="0.05", theta="0.3", mu_1="0", mu_2="0.5")
    v = model_values(WALT, s)
    assert v["tau"] == 2 and v["c"] == Fraction(3, 5)
    assert v["k_A"] == v["k_B"] == Fraction(2, 5)
    assert v["a_A"] == v["a_B"] == Fraction(1, 20)
    assert (v["theta"], v["mu_1"], v["mu_2"]) == (Fraction(3, 10), 0, Fraction(1, 2))
    assert v["power"] == WALT.parameter("power").default  # unmapped: default


def test_labels_map_onto_common_outcomes():
    assert common_outcome(CHA, "cooperation") == "alignment"
    assert common_outcome(CHA, "friction") == "no_alignment"
    assert {common_outcome(WALT, lab) for lab in WALT.label_names} == set(OUTCOMES)
    assert scenario_map(WALT).variables[:2] == ("c", "t")


values = st.fractions(min_value=0, max_value=1, max_denominator=50)


@settings(max_examples=30, deadline=None)
@given(c=values, t=st.fractions(min_value=0, max_value=10, max_denominator=20),
       k_W=st.fractions(min_value=0, max_value=4, max_denominator=20))
def test_vectorised_map_equals_exact_map(c, t, k_W):
    s = make_scenario(c=c, t=t, k_W=k_W)
    for m in (CHA, WALT):
        exact = model_values(m, s)
        arrays = model_arrays(m, {"c": [float(c)], "t": [float(t)], "k_W": [float(k_W)]})
        for p, a in arrays.items():
            assert a.shape == (1,)
            assert np.isclose(a[0], float(exact[p]), atol=1e-12), p


def _with_scenario(table):
    data, _ = read_toml(models_dir() / "cha_quasi_alliance.toml")
    data = dict(data)
    data.pop("propositions", None)
    data["scenario"] = table
    return parse_model(data, where="test.toml")


@pytest.mark.parametrize("table, words", [
    ({"parameters": {"nope": "c"}, "outcomes": {}}, ["'nope' is not a parameter"]),
    ({"parameters": {"c": "z + 1"}, "outcomes": {}}, ["unknown", "z"]),
    ({"parameters": {"c": "c"}, "outcomes": {"cooperation": "alignment"}},
     ["label 'friction' has no common outcome"]),
    ({"parameters": {"c": "c"},
      "outcomes": {"cooperation": "yes", "friction": "no_alignment"}},
     ["'yes' is not a common outcome"]),
    ({"parameters": {"c": "__import__('os')"}, "outcomes": {}},
     ["scenario.parameters.c", "not allowed"]),
])
def test_malformed_scenario_tables_are_model_errors(table, words):
    m = _with_scenario(table)
    with pytest.raises(ModelError) as err:
        scenario_map(m)
    for w in words:
        assert w in str(err.value)


def test_a_mapped_value_outside_the_domain_names_model_and_parameter():
    m = _with_scenario({"parameters": {"c": "2 * c"},
                        "outcomes": {"cooperation": "alignment", "friction": "no_alignment"}})
    with pytest.raises(ParameterError, match=r"cha_quasi_alliance at .*c=1.2 is outside"):
        model_values(m, make_scenario(c="0.6"))


def test_every_comparable_model_maps_its_labels_onto_one_alignment_vocabulary():
    from qa_games.modelfiles.scenario import ALIGNMENTS

    for name in ("cha_quasi_alliance", "walt_balance_of_threat", "buck_passing",
                 "cha_repeated"):
        model = load_model(name)
        smap = scenario_map(model)
        assert set(smap.alignment) == set(model.label_names)
        assert set(smap.alignment.values()) <= set(ALIGNMENTS)
        # the finer vocabulary refines the common outcome: alignment is bilateral alignment
        for label, out in smap.outcomes.items():
            assert (out == "alignment") == (smap.alignment[label] == "bilateral_alignment")


def test_alignment_vocabulary_errors(tmp_path):
    text = (models_dir() / "cha_quasi_alliance.toml").read_text()
    bad = text.replace('friction = "distance_under_patron" }', 'friction = "hedging" }')
    assert bad != text
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    with pytest.raises(ModelError, match="'hedging' is not one of"):
        scenario_map(load_model(path))
    partial = text.replace(', friction = "distance_under_patron" }', " }")
    path.write_text(partial)
    with pytest.raises(ModelError, match=r"labels \['friction'\] have no alignment"):
        scenario_map(load_model(path))
