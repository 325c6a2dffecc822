"""``qa-games solve`` on game trees (.efg files and tree model files) and on n-player
model files (every isolated equilibrium)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa_games.cli import main
from qa_games.games.efg import read_efg
from qa_games.modelfiles.loader import load_model
from qa_games.solvers.reduced_form import tree_equilibria
from qa_games.solvers.solve import solve
from qa_games.solvers.subgame_perfect import subgame_perfect

DATA = Path(__file__).parent / "data"
EFG = DATA / "efg" / "2_player_non_zero_sum.efg"
TREE_MODEL = DATA / "trees" / "entry_uncertain.toml"


def _json(capsys, *argv):
    assert main(["solve", *map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_efg_json_equals_the_solvers(capsys):
    out = _json(capsys, EFG)
    tree = read_efg(EFG)
    assert out["subgame_perfect"] == subgame_perfect(tree, selection="all").to_json_dict()
    assert out["nash"] == tree_equilibria(tree).to_json_dict()


def test_tree_model_with_parameters(capsys):
    model = load_model(TREE_MODEL)
    name = model.parameters[0].name
    value = str(model.parameters[0].default)
    out = _json(capsys, TREE_MODEL, "--set", f"{name}={value}")
    tree = model.at({name: value})
    assert out["subgame_perfect"] == subgame_perfect(tree, selection=model.selection
                                                     ).to_json_dict()
    assert main(["solve", str(TREE_MODEL)]) == 0
    text = capsys.readouterr().out
    assert "subgame-perfect equilibria" in text and "reduced strategic form" in text


@pytest.mark.parametrize("argv, message", [
    ([str(EFG), "--set", "c=1"], "has no parameters"),
    ([str(EFG), "--method", "support"], "game trees are solved"),
])
def test_tree_bad_input_is_one_line(capsys, argv, message):
    assert main(["solve", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_three_player_model_gets_its_mixed_equilibria(capsys):
    out = _json(capsys, "snyder_asd")
    sol = solve(load_model("snyder_asd").at())
    assert len(out["equilibria"]) == len(sol.equilibria) >= 2
    assert all(len(e["profile"]) == 3 for e in out["equilibria"])
