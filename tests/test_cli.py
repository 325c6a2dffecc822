"""The qa-games command line: models, solve (tables and the JSON contract), and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from qa_games.cli import main
from qa_games.modelfiles.loader import load_model
from qa_games.solvers.solve import solve


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_models_lists_both_theories(capsys):
    code, out, _ = run(capsys, "models")
    assert code == 0
    assert "cha_quasi_alliance" in out and "walt_balance_of_threat" in out


def test_solve_cha_weak_patron_has_three_equilibria_and_cooperation(capsys):
    code, out, _ = run(capsys, "solve", "cha_quasi_alliance", "--set", "c=0", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"players", "strategies", "degenerate", "equilibria", "selection",
                         "selected", "selected_payoffs", "label"}
    assert data["players"] == ["A", "B"] and data["degenerate"] is False
    exact = sorted(tuple(tuple(Fraction(p) for p in s) for s in e["exact"])
                   for e in data["equilibria"])
    m = load_model("cha_quasi_alliance")
    p_a = Fraction(str(m.evaluate("p_A", c=0)))
    p_b = Fraction(str(m.evaluate("p_B", c=0)))
    assert exact == sorted([((1, 0), (1, 0)), ((0, 1), (0, 1)),
                            ((p_a, 1 - p_a), (p_b, 1 - p_b))])
    for e in data["equilibria"]:
        assert len(e["payoffs"]) == 2
        assert all(abs(float(Fraction(x)) - y) < 1e-12
                   for s, fs in zip(e["exact"], e["profile"], strict=True)
                   for x, y in zip(s, fs, strict=True))
    code, out, _ = run(capsys, "solve", "cha_quasi_alliance", "--set", "c=0")
    assert "predicted outcome: cooperation" in out and "3 equilibria" in out


def test_solve_cha_firm_patron_is_friction(capsys):
    code, out, _ = run(capsys, "solve", "cha_quasi_alliance", "--set", "c=1")
    assert code == 0
    assert "1 equilibrium" in out and "predicted outcome: friction" in out
    data = json.loads(run(capsys, "solve", "cha_quasi_alliance", "--set", "c=1", "--json")[1])
    assert [e["exact"] for e in data["equilibria"]] == [[["0", "1"], ["0", "1"]]]


def test_json_matches_the_library(capsys):
    m = load_model("walt_balance_of_threat")
    sol = solve(m.at(tau=3))
    code, out, _ = run(capsys, "solve", "walt_balance_of_threat", "--set", "tau=3", "--json")
    data = json.loads(out)
    contract = json.loads(json.dumps(sol.to_json_dict()))
    assert {k: data[k] for k in contract} == contract


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["solve", "cha_quasi_alliance", "--set", "c=2"], "c=2 is outside its domain [0, 1]"),
        (["solve", "cha_quasi_alliance", "--set", "fear_c=1"], "unknown parameter 'fear_c'"),
        (["solve", "cha_quasi_alliance", "--set", "c"], "expected NAME=VALUE"),
        (["solve", "cha_quasi_alliance", "--set", "c=nan"], "not a number"),
        (["solve", "no_such_model"], "unknown model 'no_such_model'"),
        (["solve", "missing.nfg"], "missing.nfg"),
    ],
)
def test_errors_are_one_line_on_stderr(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_console_script_error_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "qa_games.cli", "solve", "cha_quasi_alliance",
                           "--set", "c=-1"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "outside its domain" in proc.stderr


def _gambit_set(a, b):
    import pygambit

    g = pygambit.Game.from_arrays(a.astype(object), b.astype(object))
    result = pygambit.nash.enummixed_solve(g, rational=True)
    return {tuple(tuple(Fraction(str(eq[s])) for s in player.strategies) for player in g.players)
            for eq in result.equilibria}


@pytest.mark.parametrize(("size", "high", "seed"), [(8, 1000, 1), (8, 3, 2), (6, 2, 3), (5, 1, 4)])
def test_solve_nfg_json_equals_gambit(capsys, tmp_path, size, high, seed):
    from qa_games.games.nfg import write_nfg
    from qa_games.games.normal_form import Game

    rng = np.random.default_rng(seed)
    a = rng.integers(0, high + 1, (size, size))
    b = rng.integers(0, high + 1, (size, size))
    path = tmp_path / "g.nfg"
    path.write_text(write_nfg(Game.from_arrays(a, b)))
    code, out, _ = run(capsys, "solve", str(path), "--json")
    assert code == 0
    ours = {tuple(tuple(Fraction(p) for p in s) for s in e["exact"])
            for e in json.loads(out)["equilibria"]}
    assert ours == _gambit_set(a, b)
