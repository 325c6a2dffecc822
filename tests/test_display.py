"""Notebook display of the records: short reprs, HTML with the content, Solution.to_frame.

Each record's HTML is checked against values computed here from the record's own fields
(exact fractions, labels counted from the table), and every repr is bounded.
"""

from __future__ import annotations

import html
import itertools
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from qa_games import (
    Game,
    compare,
    load_cases,
    load_model,
    make_scenario,
    retrodict,
    solve,
    sweep,
    verify,
)
from qa_games.games.display import MAX_REPR, number

CHA = load_model("cha_quasi_alliance")
WALT = load_model("walt_balance_of_threat")


def frac(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def test_model_repr_and_html_show_parameters_payoffs_and_labels():
    for model in (CHA, WALT, load_model("cha_per_client")):
        assert len(repr(model)) <= MAX_REPR and model.name in repr(model)
        page = model._repr_html_()
        assert len(page) < 40_000
        for p in model.parameters:
            assert f"<td>{html.escape(p.name)}</td>" in page
            assert html.escape(str(p.domain)) in page
            assert f"<td>{frac(p.default)}</td>" in page
        for i, j in itertools.product(*(range(n) for n in model.game.shape)):
            cell = " ; ".join(str(model.game.payoffs[k][i, j]) for k in range(2))
            assert html.escape(cell) in page
        for label, profile in model.labels:
            assert f"<td>{label}</td><td>{profile}</td>" in page
        assert f"<td>{model.otherwise}</td>" in page


@pytest.mark.parametrize("c", ["0", "1/2", "1"])
def test_solution_html_and_frame_hold_every_equilibrium_exactly(c):
    sol = solve(CHA.at(c=c))
    assert len(repr(sol)) <= MAX_REPR and "Fraction" not in repr(sol)
    page = sol._repr_html_()
    frame, exact = sol.to_frame(), sol.to_frame(exact=True)
    assert len(frame) == len(exact) == len(sol)
    strategies = sol.game.strategies
    for k, eq in enumerate(sol.equilibria):
        for probs, names in zip(eq.exact, strategies, strict=True):
            shown = " + ".join(f"{frac(p)} {s}" for p, s in zip(probs, names, strict=True) if p)
            assert f"<td>{shown}</td>" in page
        for u in eq.exact_payoffs:
            assert f"<td>{frac(u)}</td>" in page
        row, erow = frame.iloc[k], exact.iloc[k]
        for player, probs, names in zip(sol.game.players, eq.exact, strategies, strict=True):
            for p, s in zip(probs, names, strict=True):
                assert erow[f"p_{player}_{s}"] == p
                assert row[f"p_{player}_{s}"] == pytest.approx(float(p))
            assert sum(erow[f"p_{player}_{s}"] for s in names) == 1
        for player, u in zip(sol.game.players, eq.exact_payoffs, strict=True):
            assert erow[f"u_{player}"] == u
        pure = eq.pure_profile
        assert row["profile"] == ("mixed" if pure is None else
                                  ", ".join(strategies[i][s] for i, s in enumerate(pure)))


def test_solution_display_on_random_integer_games_with_ties_and_float_games():
    rng = np.random.default_rng(7)
    for trial in range(12):
        m, n = rng.integers(1, 4, size=2)
        A = rng.integers(-1, 2, size=(m, n))   # many ties: degenerate games
        B = rng.integers(-1, 2, size=(m, n))
        game = Game.from_arrays(A, B) if trial % 3 else Game.from_arrays(A + 0.25, B * 0.5)
        sol = solve(game)
        assert len(repr(sol)) <= MAX_REPR
        frame = sol.to_frame(exact=True)
        assert list(frame.columns)[0] == "profile" and len(frame) == len(sol)
        for k, eq in enumerate(sol.equilibria):
            values = eq.exact if eq.exact is not None else eq.profile
            flat = [p for s in values for p in s]
            assert list(frame.iloc[k, 1:1 + len(flat)]) == flat
            assert repr(eq).startswith("Equilibrium(") and len(repr(eq)) <= MAX_REPR
        assert sol._repr_html_().count("<tr>") == 1 + min(len(sol), 20) + (len(sol) > 20)


def test_solution_frame_of_a_three_player_game():
    payoff = np.arange(8).reshape(2, 2, 2) % 3
    game = Game(("x", "y", "z"), (("a", "b"),) * 3,
                tuple(np.vectorize(Fraction)(payoff + k) for k in range(3)))
    sol = solve(game)
    frame = sol.to_frame()
    assert len(frame) == len(sol) and {"u_x", "u_y", "u_z", "p_z_b"} <= set(frame.columns)


def test_sweep_display_counts_labels_and_is_bounded():
    s = sweep(CHA, {"c": "0:1:41", "t": "0:1:41"})
    assert len(repr(s)) <= MAX_REPR
    page = s._repr_html_()
    assert len(page) < 40_000 and f"... {len(s) - 10} more rows" in page
    for label, count in s.table["label"].value_counts().items():
        assert f"<td>{label}</td><td>{count}</td><td>{count / len(s):.1%}</td>" in page


def test_verdict_comparison_and_case_table_displays():
    refuted, proved = verify(CHA, only=["cha-3-unconditional", "cha-7"], max_examples=20)
    for v in (refuted, proved):
        assert len(repr(v)) <= MAX_REPR and v.proposition in repr(v)
        assert html.escape(v.conditions) in v._repr_html_()
    assert "refuted at" in repr(refuted) and "(expected false)" in repr(refuted)
    assert "proved" in repr(proved) and "NOT" not in repr(proved)

    both = [CHA, WALT]
    cmp = compare(both, [make_scenario(c="0.8", t=1, name="firm patron"),
                         make_scenario(c="0.2", t="0.3", name="loose <patron>")])
    assert len(repr(cmp)) <= MAX_REPR and "2 scenarios" in repr(cmp)
    page = cmp._repr_html_()
    assert "loose &lt;patron&gt;" in page and "<patron>" not in page
    for row in cmp.rows:
        for label in row.labels:
            assert f"<td>{label}</td>" in page

    cases = retrodict(load_cases(), both)
    assert len(repr(cases)) <= MAX_REPR
    scores = cases.scores
    for thy, hits, scored in zip(scores["theory"], scores["hits"], scores["scored"],
                                 strict=True):
        assert f"{thy} {hits}/{scored}" in repr(cases)
    page = cases._repr_html_()
    assert len(page) < 40_000
    for r in cases.rows:
        assert html.escape(r.case.title) in page


def test_number_formats():
    assert number(Fraction(-3, 8)) == "-3/8" and number(Fraction(4, 2)) == "2"
    assert number(1 / 3) == "0.333333" and number(True) == "True"


def test_plotting_leaves_the_users_backend_and_pyplot_alone(tmp_path):
    code = f"""
import matplotlib
import matplotlib.pyplot as plt
import qa_games.plots, qa_games.report.figures
from qa_games import sweep
fig = qa_games.plots.plot(sweep("cha_quasi_alliance", {{"c": "0:1:5", "t": "0:1:5"}}),
                          {str(tmp_path / "m.png")!r})
assert matplotlib.get_backend().lower() == "svg", matplotlib.get_backend()
assert plt.get_fignums() == [], plt.get_fignums()
from matplotlib.figure import Figure
assert isinstance(fig, Figure)
print("ok")
"""
    env = {**os.environ, "MPLBACKEND": "svg"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
