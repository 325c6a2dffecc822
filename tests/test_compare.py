"""compare(): agreement flags against point-by-point solving, regions, closed-form thresholds."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from qa_games.compare.theories import compare, compare_grid, predict, thresholds
from qa_games.errors import ParameterError
from qa_games.modelfiles.loader import load_model
from qa_games.modelfiles.scenario import VARIABLES, make_scenario
from qa_games.solvers.selection import select
from qa_games.solvers.solve import solve

CHA = load_model("cha_quasi_alliance")
WALT = load_model("walt_balance_of_threat")
MODELS = [CHA, WALT]
S = {n: VARIABLES[n].symbol for n in VARIABLES}


@pytest.fixture(scope="module")
def grid():
    return compare_grid(MODELS, {"c": "0:1:11", "t": "0.1:2.1:11"})


def test_scenario_rows_match_solving_each_model_by_hand():
    scen = [make_scenario(c="0.8", t="1"), make_scenario(c="0.2", t="0.3"),
            make_scenario(c="0.3", t="1"), make_scenario(c="0.8", t="0.2")]
    cmp = compare(["cha_quasi_alliance", "walt_balance_of_threat"], scen)
    assert [r.labels for r in cmp.rows] == [("friction", "alliance"),
                                            ("cooperation", "bandwagon"),
                                            ("cooperation", "alliance"),
                                            ("friction", "bandwagon")]
    assert [r.agree for r in cmp.rows] == [False, False, True, True]
    for r in cmp.rows:
        s = r.scenario
        cha = CHA.at(c=s["c"], t=s["t"])
        walt = WALT.at(c=s["c"], tau=s["t"])
        for m, g, p in zip(MODELS, (cha, walt), r.predictions, strict=False):
            eq = select(solve(g), "payoff_dominance")
            assert m.label_of(eq.pure_profile) == p.label
            assert len(solve(g).equilibria) == len(p.equilibria)
    df = cmp.to_frame()
    assert list(df["agree"]) == [False, False, True, True]


def test_grid_agreement_flags_equal_point_by_point_solving(grid):
    df = grid.frame
    assert len(df) == 121
    for row in df.itertuples():
        s = make_scenario(c=Fraction(repr(row.c)), t=Fraction(repr(row.t)))
        p = [predict(m, s) for m in MODELS]
        assert (row.cha_label, row.walt_label) == (p[0].label, p[1].label), (row.c, row.t)
        assert row.agree == (p[0].outcome == p[1].outcome)


def test_both_discriminating_regions_appear(grid):
    dis = grid.disagreement
    assert set(dis["region"]) == {"cha: no_alignment, walt: alignment",
                                  "cha: alignment, walt: no_alignment"}
    assert (dis["points"] > 0).all()
    assert abs(grid.regions["fraction"].sum() - 1) < 1e-3


def test_thresholds_are_the_closed_forms_of_models_md():
    cha = thresholds(CHA, "c")
    walt = thresholds(WALT, "c")
    assert {th.direction for th in cha} == {"below"} and {th.direction for th in walt} == {"above"}
    c_star = 1 - (S["y"] + S["k"] / S["t"]) / ((1 - S["phi"]) * S["x"])
    c_w = ((S["k_W"] - S["a"]) / S["t"] + S["theta"] - S["mu_2"]) / (1 - S["mu_2"])
    assert all(sympy.simplify(th.symmetric - c_star) == 0 for th in cha)
    assert all(sympy.simplify(th.symmetric - c_w) == 0 for th in walt)
    per_state = 1 - (S["t"] * S["y_A"] + S["k_A"]) / ((1 - S["phi"]) * S["t"] * S["x_A"])
    assert any(sympy.simplify(th.expr - per_state) == 0 for th in cha)


def test_threshold_classification_matches_the_grid_off_the_boundaries(grid):
    df = grid.frame
    base = grid.base
    for thy in ("cha", "walt"):
        kind, _ = grid.boundary(thy)
        ths = [th for th in grid.thresholds if th.model.startswith(thy)]
        for row in df.itertuples():
            vals = [float(th.at(base, t=row.t)) for th in ths]
            bound = min(vals) if kind == "below" else max(vals)
            if abs(row.c - bound) < 1e-9:
                continue
            aligned = row.c < bound if kind == "below" else row.c > bound
            outcome = getattr(row, f"{thy}_outcome")
            assert (outcome == "alignment") == aligned, (thy, row.c, row.t, bound)


def test_bad_input_is_named():
    with pytest.raises(ParameterError, match="unknown scenario variable 'tau'"):
        compare(MODELS, [{"tau": 1}])
    with pytest.raises(ParameterError, match="two or more models"):
        compare([CHA], [{}])
    with pytest.raises(ParameterError, match="unknown scenario variable 'q'"):
        compare_grid(MODELS, {"c": "0:1:3", "q": "0:1:3"})
    with pytest.raises(ParameterError, match="selection='x'"):
        compare(MODELS, [{}], selection="x")


def test_cli_compare_prints_json(capsys):
    import json

    from qa_games.cli import main

    assert main(["compare", "--scenario", "c=0.7,t=1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    row = out["scenarios"][0]
    assert (row["cha_label"], row["walt_label"], row["agree"]) == ("friction", "alliance", False)
    assert row["cha_equilibria"] == "(distance, distance)"
    assert main(["compare", "--scenario", "q=1"]) == 2
    assert "unknown scenario variable 'q'" in capsys.readouterr().err


def test_a_grid_with_one_value_on_an_axis_uses_that_value():
    g = compare_grid(MODELS, {"c": [0.9], "t": [0.5, 1]}, base={"c": "0.1"})
    assert list(g.frame["c"]) == [0.9, 0.9]
    assert list(g.frame["cha_label"]) == ["friction", "friction"]


def test_selection_all_leaves_multiple_equilibria_undecided_in_both_routes():
    cmp = compare(MODELS, [{"c": "0.3", "t": 1}, {"c": "0.9", "t": "0.2"}], selection="all")
    assert cmp.rows[0].labels == ("undecided", "undecided") and not cmp.rows[0].agree
    assert cmp.rows[1].labels == ("friction", "bandwagon") and cmp.rows[1].agree
    g = compare_grid(MODELS, {"c": [0.3, 0.9], "t": [0.2, 1]}, selection="all")
    for row in g.frame.itertuples():
        s = make_scenario(c=Fraction(repr(row.c)), t=Fraction(repr(row.t)))
        p = [predict(m, s, selection="all") for m in MODELS]
        assert (row.cha_label, row.walt_label) == (p[0].label, p[1].label)
        assert (row.cha_outcome, row.walt_outcome) == (p[0].outcome, p[1].outcome)
