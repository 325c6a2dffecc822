"""Cases: the coded file, retrodiction and scores, sensitivity, clear errors on bad codings."""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest

from qa_games.compare.cases import REQUIRED, load_cases, parse_cases, retrodict, sensitivity
from qa_games.compare.theories import predict
from qa_games.errors import ModelError, ParameterError
from qa_games.modelfiles.files import models_dir, read_toml
from qa_games.modelfiles.loader import load_model

MODELS = [load_model("cha_quasi_alliance"), load_model("walt_balance_of_threat")]
CASES = load_cases()
DATA, _ = read_toml(models_dir() / "cases.toml")


def test_every_case_is_coded_with_sources_and_justifications():
    assert len(CASES) == 9
    ids = [c.id for c in CASES]
    assert "jpn_rok_1969_71" in ids and "aus_jpn_2014_15" in ids and "gr_isr_cyp_2010_16" in ids
    for c in CASES:
        assert set(REQUIRED) <= set(c.values)
        for v in c.values.values():
            assert v.source.strip() and v.why.strip()
            if v.range is not None:
                assert v.range[0] <= v.value <= v.range[1]
        assert c.observed.source.strip()
    nixon = next(c for c in CASES if c.id == "jpn_rok_1969_71")
    assert (nixon.values["c"].value, nixon.values["t"].value) == (Fraction(3, 10), 1)
    assert (nixon.scenario["x_A"], nixon.scenario["x_B"]) == (Fraction(4, 5), 1)  # Japan, ROK


def test_retrodiction_equals_predicting_each_case_and_scores_add_up():
    tab = retrodict(CASES, MODELS)
    df = tab.frame
    for r, row in zip(tab.rows, df.itertuples(), strict=False):
        for m, p in zip(MODELS, r.predictions, strict=False):
            assert predict(m, r.case.scenario).label == p.label
        if r.case.observed.outcome == "mixed":
            assert r.hits == (None, None) and row.cha_hit == "-"
        else:
            assert r.hits == tuple(p.outcome == r.case.observed.outcome for p in r.predictions)
    scores = tab.scores.set_index("theory")
    assert scores.loc["cha", "scored"] == scores.loc["walt", "scored"] == 8
    for thy in ("cha", "walt"):
        assert scores.loc[thy, "hits"] == (df[f"{thy}_hit"] == "yes").sum()
    # the Nixon-doctrine period: both theories retrodict cooperation (no discrimination)
    nixon = next(r for r in tab.rows if r.case.id == "jpn_rok_1969_71")
    assert [p.label for p in nixon.predictions] == ["cooperation", "alliance"]
    assert not nixon.discriminating


def test_sensitivity_flags_equal_rerunning_the_moved_case():
    df = sensitivity(CASES[:3], MODELS)
    assert len(df) > 0 and set(df["theory"]) == {"cha", "walt"}
    by_id = {c.title: c for c in CASES}
    for row in df.sample(n=min(20, len(df)), random_state=0).itertuples():
        case = by_id[row.case]
        m = MODELS[0] if row.theory == "cha" else MODELS[1]
        before = predict(m, case.scenario)
        after = predict(m, case.moved(row.variable, Fraction(repr(row.moved_to))))
        assert after.label == row.moved_label
        assert row.flips == (before.outcome != after.outcome)
    # 1965-68: Cha's friction flips to cooperation when c moves from 0.7 to 0.5
    first = df[(df["case"] == "Japan-ROK 1965-68") & (df["theory"] == "cha")
               & (df["variable"] == "c")]
    assert bool(first["flips"].iloc[0])


def _edited(fn):
    data = copy.deepcopy(DATA)
    fn(data)
    return data


@pytest.mark.parametrize("edit, error, words", [
    (lambda d: d["cases"][2].pop("c"), ModelError, ["jpn_rok_1972_74", "'c' is missing"]),
    (lambda d: d["cases"][0]["t"].update(value=12), ParameterError,
     ["jpn_rok_1965_68", "'t'", "t=12 is outside its domain [0, 10]"]),
    (lambda d: d["cases"][1].update(tau={"value": 1, "source": "s", "why": "w"}),
     ParameterError, ["jpn_rok_1969_71", "unknown scenario variable 'tau'"]),
    (lambda d: d["cases"][1]["c"].pop("source"), ModelError,
     ["jpn_rok_1969_71", "'c'", "missing 'source'"]),
    (lambda d: d["cases"][1]["c"].update(range=[0.5, 0.7]), ModelError,
     ["jpn_rok_1969_71", "'c'", "outside its range"]),
    (lambda d: d["cases"][3].update(states=["japan", "narnia"]), ModelError,
     ["jpn_rok_1975_79", "unknown state 'narnia'"]),
    (lambda d: d["cases"][3]["observed"].update(outcome="war"), ModelError,
     ["jpn_rok_1975_79", "'war'"]),
    (lambda d: d["states"]["japan"].pop("x"), ModelError, ["states.japan", "'x' is missing"]),
    (lambda d: d["defaults"].pop("phi"), ModelError, ["jpn_rok_1965_68", "'phi' is missing"]),
    (lambda d: d["cases"][4].update(mu_1={"value": 0.9, "source": "s", "why": "w"}),
     ParameterError, ["jpn_rok_1980s", "mu_1=0.9 must be <= mu_2=0.3"]),
])
def test_bad_codings_name_the_case_and_the_value(edit, error, words):
    with pytest.raises(error) as err:
        parse_cases(_edited(edit), where="cases.toml")
    for w in words:
        assert w in str(err.value)


def test_unknown_tables_are_errors():
    with pytest.raises(ModelError, match=r"unknown tables \['casez'\]"):
        parse_cases(_edited(lambda d: d.update(casez=[])), where="cases.toml")
    assert "Cha 1999" in DATA["sources"] and "Tziarras 2016" in DATA["sources"]


def test_every_source_cited_has_a_full_reference():
    keys = list(DATA["sources"])
    for c in CASES:
        for v in c.values.values():
            assert any(k in v.source for k in keys), (c.id, v.name, v.source)
        assert any(k in c.observed.source for k in keys), (c.id, c.observed.source)


def test_joint_corner_moves_are_counted_by_rerunning():
    from qa_games.compare.cases import corners

    df = corners(CASES[:2], MODELS)
    assert len(df) == 4
    row = df[(df["case"] == "Japan-ROK 1965-68") & (df["theory"] == "cha")].iloc[0]
    case = CASES[0]
    flips = 0
    for c in (Fraction(3, 10), Fraction(7, 10)):
        for t in (Fraction(1, 2), Fraction(1)):
            vals = {k: v.value for k, v in case.values.items()} | {"c": c, "t": t}
            from qa_games.modelfiles.scenario import make_scenario

            p = predict(MODELS[0], make_scenario(vals))
            flips += p.outcome != "no_alignment"
    assert row["corners"] == 4 and row["flipping"] == flips


def test_cli_compare_cases(capsys):
    import json

    from qa_games.cli import main

    assert main(["compare", "--cases", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["cases"]) == 9 and {s["theory"] for s in out["scores"]} == {"cha", "walt"}
