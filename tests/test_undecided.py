"""A point where the selection rule cannot choose is ``undecided`` in every route: the solve
command (text and JSON), sweep tables, the symbolic equilibrium map, figures, compare."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from qa_games import compare, load_model, make_scenario, select, solve
from qa_games.cli import main
from qa_games.solvers.selection import UNDECIDED

CHA = load_model("cha_quasi_alliance")


def test_solve_text_says_undecided_not_a_label(capsys):
    assert main(["solve", "cha_quasi_alliance", "--set", "c=0", "--selection", "all"]) == 0
    out = capsys.readouterr().out
    assert "predicted outcome: undecided" in out and "friction" not in out
    assert "no equilibrium selected" in out


@pytest.mark.parametrize(("sets", "rule"), [(["c=0"], "all"), (["c=0"], "payoff_dominance"),
                                            (["c=1"], "all"), (["c=0.3", "t=2"], "risk_dominance")])
def test_solve_json_selection_equals_the_library(capsys, sets, rule):
    argv = ["solve", "cha_quasi_alliance", "--selection", rule, "--json"]
    for s in sets:
        argv += ["--set", s]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    values = dict(s.split("=") for s in sets)
    sol = solve(CHA.at(values))
    chosen = select(sol, rule)
    assert data["selection"] == rule
    if chosen is None:
        assert data["selected"] is None and data["selected_payoffs"] is None
        assert data["label"] == UNDECIDED
    else:
        eq = data["equilibria"][data["selected"]]
        assert [[Fraction(p) for p in s] for s in eq["exact"]] == [list(s) for s in chosen.exact]
        assert [Fraction(u) for u in data["selected_payoffs"]] == list(chosen.exact_payoffs)
        assert data["label"] == CHA.label_of(chosen.pure_profile)


def test_solve_json_of_a_gambit_game_has_no_label(capsys, tmp_path):
    path = tmp_path / "g.nfg"
    path.write_text('NFG 1 R "pd" { "1" "2" } { 2 2 }\n3 3 0 5 5 0 1 1\n', encoding="utf-8")
    assert main(["solve", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["label"] is None and data["selected"] == 0


def test_sweep_rows_without_a_selection_are_undecided_and_agree_with_solve():
    from qa_games.sweep import sweep

    s = sweep(CHA, {"c": "0:1:11", "t": "0.5:2:4"}, selection="all", progress=False)
    t = s.table
    assert (t.loc[~t.selected, "label"] == UNDECIDED).all()
    assert (t.loc[t.selected, "label"] != UNDECIDED).all()
    assert (~t.selected).any() and t.selected.any()
    for row in t.sample(8, random_state=0).itertuples():
        chosen = select(solve(CHA.at(c=Fraction(str(row.c)), t=Fraction(str(row.t)))), "all")
        assert (row.label == UNDECIDED) == (chosen is None)


def test_equilibrium_map_labels_undecided_points_the_same_way():
    from qa_games import equilibrium_map
    from qa_games.sweep import sweep

    c = np.linspace(0, 1, 11)
    cols = equilibrium_map(CHA).evaluate({"c": c}).columns(rule="all")
    s = sweep(CHA, {"c": "0:1:11"}, selection="all", progress=False)
    assert cols["label"].tolist() == s.table["label"].tolist()
    assert UNDECIDED in cols["label"].tolist()


def test_region_map_leaves_undecided_points_uncoloured():
    import matplotlib.pyplot as plt

    from qa_games.plots import region_map
    from qa_games.sweep import sweep

    s = sweep(CHA, {"c": "0:1:11", "t": "0.5:2:4"}, selection="all", progress=False)
    fig = region_map(s, "c", "t")
    try:
        ax = fig.axes[0]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert not any(t == UNDECIDED for t in legend)  # not a coloured region
        assert any(t.startswith(UNDECIDED) for t in legend)  # but marked
        image = ax.images[0].get_array()
        tied = ~s.table.selected.to_numpy()
        assert int(np.ma.getmaskarray(image).sum() + np.isnan(image.filled(np.nan)).sum()) \
            >= int(tied.sum())
    finally:
        plt.close(fig)


def test_compare_calls_a_tie_undecided():
    cmp = compare(["cha_quasi_alliance", "walt_balance_of_threat"],
                  [make_scenario(c="0", t="1")], selection="all")
    assert cmp.rows[0].labels[0] == UNDECIDED and not cmp.rows[0].agree


def test_comparison_figure_leaves_undecided_regions_uncoloured(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from qa_games.compare.theories import compare_grid
    from qa_games.report import figures

    g = compare_grid(["cha_quasi_alliance", "walt_balance_of_threat"],
                     {"c": "0:1:6", "t": "0.5:2:4"}, selection="all")
    assert g.regions["region"].str.contains(UNDECIDED).any()
    seen = {}

    def keep(fig, path):
        seen["legend"] = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        return path

    monkeypatch.setattr(figures, "save_figure", keep)
    monkeypatch.setattr(plt, "close", lambda fig: None)
    figures.comparison_figure(g, tmp_path / "cmp.png")
    legend = seen["legend"]
    assert not any(UNDECIDED in t and "discriminating" in t for t in legend)
    assert any(t.startswith(UNDECIDED) for t in legend)
